import { pythonSplitlines, pythonStrip } from './python-text.js';

/** One entry point: `name = value` in a `[group]`. */
export interface EntryPoint {
  group: string;
  name: string;
  value: string;
}

export class EntryPointsError extends Error {}

/**
 * `entry_points.txt` read as importlib.metadata reads it (Python 3.11, `Sectioned.read` and
 * `Pair.parse`), which is what pip consults to write console scripts: lines split as
 * `str.splitlines` splits them (also at \v, \f, \x1c-\x1e, \x85, U+2028, U+2029), each stripped;
 * empty lines and `#` comments skipped; `[group]` headers; `name = value` split at the first `=`.
 * A line before any group is ignored, as importlib.metadata ignores it; a line without `=` is an
 * error there, and here.
 */
export function parseEntryPoints(text: string): EntryPoint[] {
  const entries: EntryPoint[] = [];
  let group: string | undefined;
  for (const raw of pythonSplitlines(text)) {
    const line = pythonStrip(raw);
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('[') && line.endsWith(']')) {
      group = line.replace(/^\[+|\]+$/g, '');
      continue;
    }
    if (group === undefined) continue;
    const equals = line.indexOf('=');
    if (equals < 0) throw new EntryPointsError(`"${line.slice(0, 80)}" in [${group}] is not "name = value"`);
    entries.push({ group, name: pythonStrip(line.slice(0, equals)), value: pythonStrip(line.slice(equals + 1)) });
  }
  return entries;
}

/** An entry point as one comparable line. */
export function describeEntryPoint(entry: EntryPoint): string {
  return `[${entry.group}] ${entry.name} = ${entry.value}`;
}

/**
 * The texts setuptools writes as `entry_points.txt` for these entry points, one per era:
 * `_entry_points.render` (setuptools 60 and later: groups sorted, entries of a group sorted by
 * name and value and de-duplicated by name, `[group]\n…\n` blocks joined by a blank line), and
 * pkg_resources' `write_entries` before it (each group `[group]\n…\n\n`, entries sorted as
 * `str(EntryPoint)` prints them: `name = module:attr [extras]`).
 */
export function entryPointsTexts(entries: readonly EntryPoint[], compare: (a: string, b: string) => number): string[] {
  const groups = [...new Set(entries.map((e) => e.group))].sort(compare);
  const of = (group: string) => entries.filter((e) => e.group === group);
  const seen = new Set<string>();
  const unique = (list: EntryPoint[]) =>
    list.filter((e) => (seen.has(`${e.group}\0${e.name}`) ? false : (seen.add(`${e.group}\0${e.name}`), true)));
  const current = groups
    .map((group) => {
      const items = unique(of(group)).sort((a, b) => compare(a.name, b.name) || compare(a.value, b.value));
      return `[${group}]\n${items.map((e) => `${e.name} = ${e.value}`).join('\n')}\n`;
    })
    .join('\n');
  const legacy = groups
    .map((group) => `[${group}]\n${of(group).map(legacyString).sort(compare).join('\n')}\n\n`)
    .join('');
  return current === legacy ? [current] : [current, legacy];
}

/** pkg_resources' `str(EntryPoint)`: `name = module`, `:attr` when there is one, ` [a,b]` for extras; spaces around them dropped. */
function legacyString(entry: EntryPoint): string {
  const match = /^([^:[\s]+)\s*(?::\s*([^[\s]+))?\s*(?:\[(.*)\])?\s*$/.exec(entry.value);
  if (!match) return `${entry.name} = ${entry.value}`;
  const [, module, attr, extras] = match;
  const extraList =
    extras === undefined
      ? []
      : extras
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean);
  return `${entry.name} = ${module}${attr ? `:${attr}` : ''}${extraList.length > 0 ? ` [${extraList.join(',')}]` : ''}`;
}
