/**
 * PEP 508 environment markers: the tree packaging 23 parses (packaging/_parser.py) and two ways
 * of printing it. `packagingMarkerString` is exactly `str(Marker)`. `canonicalMarkerString` is
 * the form crosscheck compares, which differs from it only where `str(Marker)` says two markers
 * that mean different things are the same:
 *   - packaging drops the parentheses of a group wrapped twice, so `a and ((b or c))` prints
 *     as `a and b or c`; the canonical form keeps every group of more than one comparison;
 *   - packaging normalizes the value compared with `extra` only in the marker's first
 *     comparison (and turns a variable there into a value); evaluation normalizes all of them,
 *     so the canonical form normalizes every value compared with `extra`, and only values;
 *   - a value holding `"` prints ambiguously (`"a" or os_name == "b"` can be one value); the
 *     canonical form writes a value holding `"` or a backslash as a JSON string.
 */
import { pythonLower } from './python-text.js';

export type MarkerOperator = '<' | '<=' | '==' | '!=' | '>=' | '>' | '~=' | '===' | 'in' | 'not in';

export type MarkerOperand =
  { readonly kind: 'variable'; readonly name: string } | { readonly kind: 'value'; readonly value: string };

export interface MarkerComparison {
  readonly kind: 'comparison';
  readonly left: MarkerOperand;
  readonly operator: MarkerOperator;
  readonly right: MarkerOperand;
}

/** A marker or a parenthesized group: atoms joined by `and`/`or`, as packaging's nested lists. */
export interface MarkerGroup {
  readonly kind: 'group';
  readonly items: readonly MarkerItem[];
}

export type MarkerItem = MarkerComparison | MarkerGroup | 'and' | 'or';

/** packaging.utils.canonicalize_name (PEP 503; PEP 685 for extras). */
export function canonicalizeName(name: string): string {
  return pythonLower(name.replace(/[-_.]+/g, '-'));
}

const isExtraVariable = (operand: MarkerOperand): boolean => operand.kind === 'variable' && operand.name === 'extra';

const operandName = (operand: MarkerOperand): string => (operand.kind === 'variable' ? operand.name : operand.value);

/** _normalize_extra_values: the first comparison only, whatever the other side is. */
export function packagingNormalizedMarker(marker: MarkerGroup): MarkerGroup {
  const first = marker.items[0];
  if (first === undefined || typeof first === 'string' || first.kind !== 'comparison') return marker;
  let { left, right } = first;
  if (isExtraVariable(left)) right = { kind: 'value', value: canonicalizeName(operandName(right)) };
  else if (isExtraVariable(right)) left = { kind: 'value', value: canonicalizeName(operandName(left)) };
  return { kind: 'group', items: [{ ...first, left, right }, ...marker.items.slice(1)] };
}

/** _format_marker, first=True by default, as packaging writes it. */
function formatPackaging(item: MarkerItem, first = true): string {
  if (typeof item === 'string') return item;
  if (item.kind === 'comparison') {
    const side = (o: MarkerOperand): string => (o.kind === 'variable' ? o.name : `"${o.value}"`);
    return `${side(item.left)} ${item.operator} ${side(item.right)}`;
  }
  const only = item.items.length === 1 ? item.items[0] : undefined;
  if (only !== undefined && typeof only !== 'string') return formatPackaging(only);
  const inner = item.items.map((m) => formatPackaging(m, false)).join(' ');
  return first ? inner : `(${inner})`;
}

/** `str(Marker)` of packaging 23.0 for a marker as parsed (before its extra normalization). */
export function packagingMarkerString(marker: MarkerGroup): string {
  return formatPackaging(packagingNormalizedMarker(marker));
}

/** A value as the canonical form writes it: packaging's `"value"` unless that would be ambiguous. */
function canonicalValue(value: string): string {
  return value.includes('"') || value.includes('\\') ? JSON.stringify(value) : `"${value}"`;
}

function canonicalComparison(c: MarkerComparison): string {
  const side = (o: MarkerOperand, other: MarkerOperand): string => {
    if (o.kind === 'variable') return o.name;
    return canonicalValue(isExtraVariable(other) ? canonicalizeName(o.value) : o.value);
  };
  return `${side(c.left, c.right)} ${c.operator} ${side(c.right, c.left)}`;
}

/** A group with its redundant single-item wrappers removed. */
function unwrap(item: MarkerGroup): MarkerGroup | MarkerComparison {
  let current: MarkerGroup | MarkerComparison = item;
  while (current.kind === 'group' && current.items.length === 1) {
    const only: MarkerItem = current.items[0]!;
    if (typeof only === 'string') break;
    current = only;
  }
  return current;
}

function formatCanonical(item: MarkerItem, top: boolean): string {
  if (typeof item === 'string') return item;
  const node = item.kind === 'group' ? unwrap(item) : item;
  if (node.kind === 'comparison') return canonicalComparison(node);
  const inner = node.items.map((m) => formatCanonical(m, false)).join(' ');
  return top ? inner : `(${inner})`;
}

/** The marker as crosscheck compares it (see the module comment for how it differs from str(Marker)). */
export function canonicalMarkerString(marker: MarkerGroup): string {
  return formatCanonical(marker, true);
}

/** `(marker) and extra == "name"`: what a requirement of an extra means, as a marker tree. */
export function markerWithExtra(marker: MarkerGroup | null, extra: string): MarkerGroup {
  const condition: MarkerComparison = {
    kind: 'comparison',
    left: { kind: 'variable', name: 'extra' },
    operator: '==',
    right: { kind: 'value', value: extra },
  };
  return { kind: 'group', items: marker ? [marker, 'and', condition] : [condition] };
}
