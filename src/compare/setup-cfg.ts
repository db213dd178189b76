/**
 * setup.cfg read as configuration data, the way Python's configparser (and so setuptools)
 * reads it: sections, case-folded keys, `=` or `:` delimiters, indented continuation lines,
 * full-line `#`/`;` comments. setuptools' egg_info rewrites the file in the sdist (tabs,
 * comments dropped, an [egg_info] section added); comparing parsed values keeps a changed
 * value visible while ignoring that rewrite.
 */
export type SetupCfg = Map<string, Map<string, string[]>>;

export class SetupCfgError extends Error {}

export function parseSetupCfg(text: string): SetupCfg {
  const sections: SetupCfg = new Map();
  let section: Map<string, string[]> | undefined;
  let lastKey: string | undefined;
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.replace(/\r$/, '');
    const stripped = line.trim();
    if (stripped.startsWith('#') || stripped.startsWith(';')) continue;
    if (stripped === '') {
      continue;
    }
    if (/^\s/.test(line)) {
      if (!section || lastKey === undefined) throw new SetupCfgError(`line ${index + 1}: continuation line outside a value`);
      section.get(lastKey)!.push(stripped);
      continue;
    }
    const header = /^\[([^\]]+)\]$/.exec(stripped);
    if (header) {
      if (sections.has(header[1]!)) throw new SetupCfgError(`line ${index + 1}: section [${header[1]}] appears twice`);
      section = new Map();
      sections.set(header[1]!, section);
      lastKey = undefined;
      continue;
    }
    if (!section) throw new SetupCfgError(`line ${index + 1}: a value before any [section]`);
    const delimiter = /[=:]/.exec(line);
    if (!delimiter) throw new SetupCfgError(`line ${index + 1}: "${stripped}" is neither a section, a key nor a continuation`);
    const key = line.slice(0, delimiter.index).trim().toLowerCase();
    if (section.has(key)) throw new SetupCfgError(`line ${index + 1}: key "${key}" appears twice in its section`);
    const value = line.slice(delimiter.index + 1).trim();
    section.set(key, [value]);
    lastKey = key;
  }
  return sections;
}

export interface SetupCfgDifference {
  section: string;
  key?: string;
  git?: string;
  sdist?: string;
}

/** The sections setuptools' egg_info adds, with the values it writes. */
const EGG_INFO_ADDITION = new Map([['tag_build', ['']], ['tag_date', ['0']]] as [string, string[]][]);

/**
 * Differences between git's and the sdist's setup.cfg as data. The only accepted addition is
 * the [egg_info] section exactly as setuptools writes it.
 */
export function diffSetupCfg(git: SetupCfg, sdist: SetupCfg): SetupCfgDifference[] {
  const differences: SetupCfgDifference[] = [];
  const names = new Set([...git.keys(), ...sdist.keys()]);
  for (const name of names) {
    const left = git.get(name);
    const right = sdist.get(name);
    if (!left && name === 'egg_info' && right && sameSection(right, EGG_INFO_ADDITION)) continue;
    if (!left || !right) {
      differences.push({ section: name, ...(left ? { git: 'present' } : {}), ...(right ? { sdist: 'present' } : {}) });
      continue;
    }
    for (const key of new Set([...left.keys(), ...right.keys()])) {
      const a = left.get(key);
      const b = right.get(key);
      if (a && b && valueText(a) === valueText(b)) continue;
      differences.push({ section: name, key, ...(a ? { git: valueText(a) } : {}), ...(b ? { sdist: valueText(b) } : {}) });
    }
  }
  return differences;
}

function sameSection(a: Map<string, string[]>, b: Map<string, string[]>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) {
    const other = b.get(key);
    if (!other || valueText(other) !== valueText(value)) return false;
  }
  return true;
}

/** A value's meaningful lines: configparser keeps an empty first line for values written on the next lines. */
function valueText(lines: string[]): string {
  return lines.filter((line) => line !== '').join(' | ');
}

/** Writes a parsed setup.cfg the way configparser.write does (what egg_info leaves in an sdist). */
export function writeLikeConfigparser(cfg: SetupCfg): string {
  let out = '';
  for (const [name, section] of cfg) {
    out += `[${name}]\n`;
    for (const [key, lines] of section) {
      out += `${key} = ${lines[0] ?? ''}\n${lines.slice(1).map((line) => `\t${line}\n`).join('')}`;
    }
    out += '\n';
  }
  return out;
}
