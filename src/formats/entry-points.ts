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
