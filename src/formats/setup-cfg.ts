/**
 * setup.cfg read exactly as setuptools reads it (setuptools/dist.py, `_parse_config_files`):
 * `open(path, encoding='utf-8')` (strict UTF-8, universal newlines, a BOM kept as U+FEFF),
 * then `ConfigParser()` with `optionxform = str` and `read_file`. This is a port of CPython
 * 3.11's `RawConfigParser._read` with ConfigParser's defaults: `=`/`:` delimiters, full-line
 * `#`/`;` comments only, blank lines kept inside values, strict (duplicates are errors),
 * `[DEFAULT]` as the default section, and BasicInterpolation on `get`.
 *
 * Option names are kept as configparser gives them (case and dashes as written); setuptools
 * lowercases them and turns dashes into underscores afterwards, which is not done here.
 *
 * The input is hostile: every step is linear in its size (no backtracking regular
 * expressions), and interpolation, whose output Python lets grow exponentially, is capped.
 */
import {
  decodeLikeTextIOWrapper,
  firstNonSpace,
  lineOfOffset,
  pythonRstrip,
  pythonStrip,
  universalLines,
} from './python-text.js';

/** A parsed setup.cfg: raw values (`get(raw=True)`), sections in file order, [DEFAULT] apart. */
export interface SetupCfg {
  readonly defaults: ReadonlyMap<string, string>;
  readonly sections: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/** The name configparser gives the default section (`default_section`). */
export const DEFAULT_SECTION = 'DEFAULT';

/** The CPython exception a failure corresponds to; `LimitExceeded` is ours (Python would just go on). */
export type PythonErrorClass =
  | 'UnicodeDecodeError'
  | 'MissingSectionHeaderError'
  | 'DuplicateSectionError'
  | 'DuplicateOptionError'
  | 'ParsingError'
  | 'NoSectionError'
  | 'NoOptionError'
  | 'InterpolationSyntaxError'
  | 'InterpolationMissingOptionError'
  | 'InterpolationDepthError'
  | 'LimitExceeded';

export class SetupCfgError extends Error {
  constructor(
    /** The class of the exception CPython raises in the same case. */
    readonly pythonClass: PythonErrorClass,
    message: string,
    /** 1-based line (after universal-newline splitting) where reading failed, when it is a reading error. */
    readonly line?: number,
  ) {
    super(line === undefined ? `${pythonClass}: ${message}` : `${pythonClass} (line ${line}): ${message}`);
    this.name = 'SetupCfgError';
  }
}

/** ConfigParser's `comment_prefixes`: a line is a comment when it starts with one once stripped. */
const COMMENT_PREFIXES = ['#', ';'];

/** `OPTCRE`'s delimiters `=|:`; the first one on the line splits name from value. */
function firstDelimiter(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x3d || code === 0x3a) return i;
  }
  return -1;
}

/**
 * `SECTCRE` (`\[(?P<header>.+)\]`, matched at the start): the header runs to the LAST `]`,
 * which must leave at least one character, and anything after that `]` is ignored.
 */
function sectionHeader(value: string): string | undefined {
  if (!value.startsWith('[')) return undefined;
  const close = value.lastIndexOf(']');
  return close >= 2 ? value.slice(1, close) : undefined;
}

/** `OPTCRE` on a stripped line: name before the first delimiter, spaces around it dropped. */
function optionLine(value: string): { name: string; value: string } | undefined {
  const delimiter = firstDelimiter(value);
  if (delimiter < 0) return undefined;
  return { name: pythonRstrip(value.slice(0, delimiter)), value: pythonStrip(value.slice(delimiter + 1)) };
}

const MAX_LISTED_ERRORS = 10;

/** The state of `RawConfigParser._read` as it walks the lines. */
class Reader {
  readonly defaults = new Map<string, string[]>();
  readonly sections = new Map<string, Map<string, string[]>>();
  /** `elements_added`: option names seen per section name, to refuse duplicates (strict=True). */
  private readonly added = new Map<string, Set<string>>();
  private cursect: Map<string, string[]> | undefined;
  private sectname: string | undefined;
  /** The option continuation lines extend; '' (an empty name) is falsy in Python too. */
  private optname: string | undefined;
  private indentLevel = 0;
  private readonly badLines: { line: number; text: string }[] = [];

  feed(line: string, lineno: number): void {
    const stripped = pythonStrip(line);
    const isComment = COMMENT_PREFIXES.some((prefix) => stripped.startsWith(prefix));
    if (isComment || stripped === '') {
      // A blank line (never a comment line) becomes part of the value being read.
      if (!isComment && this.cursect && this.optname) this.cursect.get(this.optname)!.push('');
      return;
    }
    const indent = firstNonSpace(line);
    if (this.cursect && this.optname && indent > this.indentLevel) {
      this.cursect.get(this.optname)!.push(stripped);
      return;
    }
    this.indentLevel = indent;
    const header = sectionHeader(stripped);
    if (header !== undefined) this.openSection(header, lineno);
    else if (!this.cursect)
      throw new SetupCfgError('MissingSectionHeaderError', `no section header before ${JSON.stringify(line)}`, lineno);
    else this.addOption(stripped, line, lineno);
  }

  private openSection(name: string, lineno: number): void {
    // [DEFAULT] may be reopened; any other section twice is DuplicateSectionError.
    if (this.sections.has(name))
      throw new SetupCfgError('DuplicateSectionError', `section ${JSON.stringify(name)} already exists`, lineno);
    if (name === DEFAULT_SECTION) this.cursect = this.defaults;
    else {
      this.cursect = new Map();
      this.sections.set(name, this.cursect);
      this.added.set(name, new Set());
    }
    this.sectname = name;
    this.optname = undefined;
  }

  private addOption(stripped: string, line: string, lineno: number): void {
    const option = optionLine(stripped);
    if (!option) {
      // Not fatal in Python: the error is raised once the whole file is read.
      this.badLine(lineno, line);
      return;
    }
    // An empty name is also a deferred error, yet Python still stores the option under ''.
    if (option.name === '') this.badLine(lineno, line);
    const sectname = this.sectname!;
    const seen = this.added.get(sectname) ?? new Set<string>();
    this.added.set(sectname, seen);
    if (seen.has(option.name))
      throw new SetupCfgError(
        'DuplicateOptionError',
        `option ${JSON.stringify(option.name)} in section ${JSON.stringify(sectname)} already exists`,
        lineno,
      );
    seen.add(option.name);
    this.cursect!.set(option.name, [option.value]);
    this.optname = option.name;
  }

  private badLine(lineno: number, line: string): void {
    this.badLines.push({ line: lineno, text: line });
  }

  /** `_join_multiline_values`, then the deferred ParsingError. */
  finish(): SetupCfg {
    const join = (options: Map<string, string[]>) =>
      new Map([...options].map(([name, lines]) => [name, pythonRstrip(lines.join('\n'))]));
    const result: SetupCfg = {
      defaults: join(this.defaults),
      sections: new Map([...this.sections].map(([name, options]) => [name, join(options)])),
    };
    const first = this.badLines[0];
    if (first) {
      const listed = this.badLines
        .slice(0, MAX_LISTED_ERRORS)
        .map((bad) => `[line ${bad.line}]: ${JSON.stringify(bad.text)}`);
      const more =
        this.badLines.length > MAX_LISTED_ERRORS ? ` and ${this.badLines.length - MAX_LISTED_ERRORS} more` : '';
      throw new SetupCfgError(
        'ParsingError',
        `source contains parsing errors: ${listed.join(', ')}${more}`,
        first.line,
      );
    }
    return result;
  }
}

/**
 * Parses setup.cfg as setuptools does. Bytes are decoded as strict UTF-8 the way Python's
 * reader does it, 8 KiB at a time: when they are ill-formed, the lines before the failing
 * read are still parsed, so an earlier duplicate or missing header is the error reported, as
 * in Python. A string is taken as already-decoded text.
 */
export function parseSetupCfg(input: Buffer | string): SetupCfg {
  const decoded = typeof input === 'string' ? { text: input } : decodeLikeTextIOWrapper(input);
  const reader = new Reader();
  const lines = universalLines(decoded.text, !decoded.fault);
  lines.forEach((line, index) => reader.feed(line, index + 1));
  if (decoded.fault && typeof input !== 'string') {
    const { start } = decoded.fault;
    throw new SetupCfgError(
      'UnicodeDecodeError',
      `'utf-8' codec can't decode the byte at offset ${start} (0x${input[start]!.toString(16).padStart(2, '0')})`,
      lineOfOffset(input, start),
    );
  }
  return reader.finish();
}

/** `parser.options(section)`: the section's own options, then [DEFAULT]'s that it does not set. */
export function options(cfg: SetupCfg, section: string): string[] {
  const own = cfg.sections.get(section);
  if (!own) throw new SetupCfgError('NoSectionError', `no section ${JSON.stringify(section)}`);
  return [...own.keys(), ...[...cfg.defaults.keys()].filter((name) => !own.has(name))];
}

/** `_unify_values`: lookups go to the section, then to [DEFAULT]; [DEFAULT] itself may be asked for. */
function lookup(cfg: SetupCfg, section: string): (name: string) => string | undefined {
  const own = section === DEFAULT_SECTION ? undefined : cfg.sections.get(section);
  if (!own && section !== DEFAULT_SECTION)
    throw new SetupCfgError('NoSectionError', `no section ${JSON.stringify(section)}`);
  return (name) => own?.get(name) ?? cfg.defaults.get(name);
}

/** `parser.get(section, option, raw=True)`. */
export function getRaw(cfg: SetupCfg, section: string, option: string): string {
  const value = lookup(cfg, section)(option);
  if (value === undefined)
    throw new SetupCfgError(
      'NoOptionError',
      `no option ${JSON.stringify(option)} in section ${JSON.stringify(section)}`,
    );
  return value;
}

/** configparser's MAX_INTERPOLATION_DEPTH. */
const MAX_INTERPOLATION_DEPTH = 10;

/** Python would build any size; a setup.cfg value beyond this is refused rather than built. */
export const MAX_INTERPOLATED_LENGTH = 1 << 20;

/**
 * `parser.get(section, option)` with BasicInterpolation: `%%` is `%`, `%(name)s` is name's
 * value (from the section, else [DEFAULT]) interpolated in turn when it holds a `%`; any other
 * `%` is InterpolationSyntaxError. Errors come in Python's order (left to right, depth first).
 */
export function getInterpolated(
  cfg: SetupCfg,
  section: string,
  option: string,
  maxLength = MAX_INTERPOLATED_LENGTH,
): string {
  const get = lookup(cfg, section);
  const raw = getRaw(cfg, section, option);
  return new Interpolator(get, section, option, maxLength).expand(raw, 1);
}

/** `BasicInterpolation._interpolate_some`, memoised per (name, depth) so repeated references cost nothing more. */
class Interpolator {
  private readonly memo = new Map<string, string | SetupCfgError>();

  constructor(
    private readonly get: (name: string) => string | undefined,
    private readonly section: string,
    private readonly option: string,
    private readonly maxLength: number,
  ) {}

  expand(rest: string, depth: number): string {
    if (depth > MAX_INTERPOLATION_DEPTH)
      throw this.error('InterpolationDepthError', `more than ${MAX_INTERPOLATION_DEPTH} levels of references`);
    let out = '';
    let at = 0;
    while (at < rest.length) {
      const percent = rest.indexOf('%', at);
      if (percent < 0) return this.append(out, rest.slice(at));
      out = this.append(out, rest.slice(at, percent));
      const next = rest[percent + 1];
      if (next === '%') {
        out = this.append(out, '%');
        at = percent + 2;
      } else if (next === '(') {
        const { name, end } = this.reference(rest, percent);
        out = this.append(out, this.substitute(name, depth));
        at = end;
      } else
        throw this.error(
          'InterpolationSyntaxError',
          `'%' must be followed by '%' or '(', found: ${JSON.stringify(rest.slice(percent))}`,
        );
    }
    return out;
  }

  /** `_KEYCRE` `%\(([^)]+)\)s` at `percent`: a non-empty name (newlines allowed) up to the first `)`, then `s`. */
  private reference(rest: string, percent: number): { name: string; end: number } {
    const close = rest.indexOf(')', percent + 2);
    if (close <= percent + 2 || rest[close + 1] !== 's')
      throw this.error(
        'InterpolationSyntaxError',
        `bad interpolation variable reference ${JSON.stringify(rest.slice(percent))}`,
      );
    return { name: rest.slice(percent + 2, close), end: close + 2 };
  }

  private substitute(name: string, depth: number): string {
    const value = this.get(name);
    if (value === undefined)
      throw this.error(
        'InterpolationMissingOptionError',
        `bad interpolation variable reference: ${JSON.stringify(name)} is not set`,
      );
    if (!value.includes('%')) return value;
    const key = `${depth}\u0000${name}`;
    const known = this.memo.get(key);
    if (known instanceof SetupCfgError) throw known;
    if (known !== undefined) return known;
    try {
      const expanded = this.expand(value, depth + 1);
      this.memo.set(key, expanded);
      return expanded;
    } catch (error) {
      if (error instanceof SetupCfgError) this.memo.set(key, error);
      throw error;
    }
  }

  private append(out: string, piece: string): string {
    if (out.length + piece.length > this.maxLength)
      throw this.error('LimitExceeded', `the interpolated value would exceed ${this.maxLength} characters`);
    return out + piece;
  }

  private error(pythonClass: PythonErrorClass, why: string): SetupCfgError {
    return new SetupCfgError(
      pythonClass,
      `option ${JSON.stringify(this.option)} in section ${JSON.stringify(this.section)}: ${why}`,
    );
  }
}

/**
 * The text `RawConfigParser.write()` produces (what egg_info leaves in an sdist): [DEFAULT]
 * first when it has options, `key = value` with continuation lines as `\n\t`, an empty value
 * as `key = ` (with the space), and a blank line after every section.
 */
export function writeLikeRawConfigParser(cfg: SetupCfg): string {
  let out = cfg.defaults.size > 0 ? writeSection(DEFAULT_SECTION, cfg.defaults) : '';
  for (const [name, section] of cfg.sections) out += writeSection(name, section);
  return out;
}

function writeSection(name: string, section: ReadonlyMap<string, string>): string {
  let out = `[${name}]\n`;
  for (const [key, value] of section) out += `${key} = ${value.replaceAll('\n', '\n\t')}\n`;
  return `${out}\n`;
}

/** A difference between two parsed files: a section on one side only, or an option's raw value. */
export type ConfigDifference =
  | { kind: 'section'; section: string; onlyIn: 'a' | 'b' }
  | { kind: 'option'; section: string; option: string; a: string | undefined; b: string | undefined };

/**
 * Every difference in raw values between two parsed files, [DEFAULT] included (listed first,
 * under its name). A section present on one side only is listed, then each of its options.
 * Equal raw values and equal [DEFAULT]s mean every `get` gives the same answer on both sides.
 */
export function diffConfig(a: SetupCfg, b: SetupCfg): ConfigDifference[] {
  const differences = diffOptions(DEFAULT_SECTION, a.defaults, b.defaults);
  for (const name of new Set([...a.sections.keys(), ...b.sections.keys()])) {
    const left = a.sections.get(name);
    const right = b.sections.get(name);
    if (!left || !right) differences.push({ kind: 'section', section: name, onlyIn: left ? 'a' : 'b' });
    differences.push(...diffOptions(name, left ?? new Map(), right ?? new Map()));
  }
  return differences;
}

function diffOptions(
  section: string,
  a: ReadonlyMap<string, string>,
  b: ReadonlyMap<string, string>,
): ConfigDifference[] {
  const differences: ConfigDifference[] = [];
  for (const option of new Set([...a.keys(), ...b.keys()])) {
    const left = a.get(option);
    const right = b.get(option);
    if (left !== right) differences.push({ kind: 'option', section, option, a: left, b: right });
  }
  return differences;
}
