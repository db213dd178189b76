/**
 * The values a static reading of Python can know: JSON-like, with the distinctions Python keeps
 * and JSON loses (a tuple is not a list, 1.0 is not 1, bytes are not text), and the two
 * conversions to text (`str()` for %s and {}) this reader performs.
 */

/** A Python value read from literals: str, int, bool, None, list, tuple, dict, float or bytes. */
export type Value = string | number | boolean | null | readonly Value[] | PyTuple | PyDict | PyFloat | PyBytes;

/** A tuple: a list that Python keeps apart from lists. */
export interface PyTuple {
  readonly type: 'tuple';
  readonly items: readonly Value[];
}
/** A dict with str keys, in Python's order (a repeated key keeps its first place, last value). */
export interface PyDict {
  readonly type: 'dict';
  readonly entries: ReadonlyMap<string, Value>;
}
/** A float; plain numbers are Python ints (always within ±2**53, where they are exact). */
export interface PyFloat {
  readonly type: 'float';
  readonly value: number;
}
export interface PyBytes {
  readonly type: 'bytes';
  readonly bytes: Uint8Array;
}

export function isTuple(value: Value): value is PyTuple {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as PyTuple).type === 'tuple';
}
export function isDict(value: Value): value is PyDict {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as PyDict).type === 'dict';
}
export function isFloat(value: Value): value is PyFloat {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as PyFloat).type === 'float';
}
export function isList(value: Value): value is readonly Value[] {
  return Array.isArray(value);
}
/** A Python int (bool is kept apart, as the readers here never mix them). */
export function isInt(value: Value): value is number {
  return typeof value === 'number';
}

/** A value that code could change in place: a list or dict anywhere inside it. */
export function isMutable(value: Value): boolean {
  if (isList(value) || isDict(value)) return true;
  return isTuple(value) && value.items.some(isMutable);
}

/** `str(value)` for the values %s and {} may format here; null for any other. */
export function pyStr(value: Value): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null) return 'None';
  return null;
}

/** `'%d' % value` for the values it may format here (int and bool); null for any other. */
export function pyDecimal(value: Value): string | null {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  return null;
}

/** A plain-JSON rendering (tuples as {"tuple": [...]}, dicts as objects), for reports and tests. */
export type ValueJson =
  | string
  | number
  | boolean
  | null
  | ValueJson[]
  | { tuple: ValueJson[] }
  | { dict: [string, ValueJson][] }
  | { float: number | string }
  | { bytes: string };

export function valueToJson(value: Value): ValueJson {
  if (isList(value)) return value.map(valueToJson);
  if (isTuple(value)) return { tuple: value.items.map(valueToJson) };
  if (isDict(value)) return { dict: [...value.entries].map(([k, v]) => [k, valueToJson(v)] as [string, ValueJson]) };
  if (isFloat(value)) return { float: Number.isFinite(value.value) ? value.value : value.value > 0 ? 'inf' : '-inf' };
  if (typeof value === 'object' && value !== null) return { bytes: Buffer.from(value.bytes).toString('hex') };
  return value;
}
