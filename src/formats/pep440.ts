/**
 * Version specifiers and versions as packaging 23.0 reads them (specifiers.py, version.py):
 * the same regular expressions, translated so that JavaScript matches what Python's `re`
 * matches. Python compiles them with IGNORECASE, under which `i` also matches U+0130 and
 * U+0131, `k` the Kelvin sign and `s` the long s, and its `\s` is not JavaScript's; so every
 * letter becomes an explicit class and `\s` Python's whitespace set.
 */
import { PY_WHITESPACE_CLASS, pythonLower, pythonStrip } from './python-text.js';

const IGNORECASE_EXTRA: Readonly<Record<string, string>> = { i: '\\u0130\\u0131', k: '\\u212a', s: '\\u017f' };

/** One ASCII letter as IGNORECASE matches it. */
function letter(ch: string): string {
  return `[${ch}${ch.toUpperCase()}${IGNORECASE_EXTRA[ch] ?? ''}]`;
}

/** A word spelled with IGNORECASE letters. */
function word(text: string): string {
  return Array.from(text, letter).join('');
}

const WS = `[${PY_WHITESPACE_CLASS}]`;
const ALNUM = '[a-zA-Z0-9\\u0130\\u0131\\u017f\\u212a]';
const SEP = '[-_.]';
const alternatives = (words: string[]): string => `(?:${words.map(word).join('|')})`;

const PRE = `(?:${SEP}?${alternatives(['alpha', 'beta', 'preview', 'pre', 'a', 'b', 'c', 'rc'])}${SEP}?[0-9]*)?`;
const POST = `(?:(?:-[0-9]+)|(?:${SEP}?${alternatives(['post', 'rev', 'r'])}${SEP}?[0-9]*))?`;
const DEV = `(?:${SEP}?${word('dev')}${SEP}?[0-9]*)?`;
const LOCAL = `(?:\\+${ALNUM}+(?:${SEP}${ALNUM}+)*)?`;
const V = `${letter('v')}?`;

/** Specifier._operator_regex_str + Specifier._version_regex_str, with its lookbehinds. */
const SPECIFIER_BODY =
  '(?<operator>~=|==|!=|<=|>=|<|>|===)(?<version>' +
  `(?:(?<====)${WS}*[^${PY_WHITESPACE_CLASS};)]*)` +
  `|(?:(?<===|!=)${WS}*${V}(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)*(?:\\.\\*|${PRE}${POST}${DEV}${LOCAL})?)` +
  `|(?:(?<=~=)${WS}*${V}(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)+${PRE}${POST}${DEV})` +
  `|(?:(?<!==|!=|~=)${WS}*${V}(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)*${PRE}${POST}${DEV})` +
  ')';

/** The tokenizer's SPECIFIER rule: matched at a position, like `re.match(source, pos)`. */
export const SPECIFIER_TOKEN = new RegExp(SPECIFIER_BODY, 'uy');

/** Specifier._regex: one whole specifier. */
const SPECIFIER_WHOLE = new RegExp(`^${WS}*${SPECIFIER_BODY}${WS}*$`, 'u');

export type SpecifierOperator = '~=' | '==' | '!=' | '<=' | '>=' | '<' | '>' | '===';

export interface VersionSpecifier {
  readonly operator: SpecifierOperator;
  /** As written, stripped (packaging keeps it so: `str(Specifier)` is operator + version). */
  readonly version: string;
}

/** Specifier(text), or null where packaging raises InvalidSpecifier. */
export function parseSpecifier(text: string): VersionSpecifier | null {
  const match = SPECIFIER_WHOLE.exec(text);
  if (!match?.groups) return null;
  return {
    operator: pythonStrip(match.groups['operator']!) as SpecifierOperator,
    version: pythonStrip(match.groups['version']!),
  };
}

const PRE_L = `(?<pre_l>${alternatives(['a', 'b', 'c', 'rc', 'alpha', 'beta', 'pre', 'preview'])})`;
const VERSION_WHOLE = new RegExp(
  `^${WS}*${V}(?:(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\\.[0-9]+)*)` +
    `(?<pre>${SEP}?${PRE_L}${SEP}?(?<pre_n>[0-9]+)?)?` +
    `(?<post>(?:-(?<post_n1>[0-9]+))|(?:${SEP}?(?<post_l>${alternatives(['post', 'rev', 'r'])})${SEP}?(?<post_n2>[0-9]+)?))?` +
    `(?<dev>${SEP}?(?<dev_l>${word('dev')})${SEP}?(?<dev_n>[0-9]+)?)?)` +
    `(?:\\+(?<local>${ALNUM}+(?:${SEP}${ALNUM}+)*))?${WS}*$`,
  'u',
);

/** Python's int() then str() of an ASCII digit string, for numbers of any size. */
const decimal = (digits: string): string => digits.replace(/^0+(?=[0-9])/, '');

const LETTER_SPELLINGS: Readonly<Record<string, string>> = { alpha: 'a', beta: 'b', c: 'rc', pre: 'rc', preview: 'rc' };

/** _parse_letter_version for a pre-release: the letter lower-cased and respelled, then the number (0 if none). */
function prePart(letterText: string, number: string | undefined): string {
  const lower = pythonLower(letterText);
  return `${LETTER_SPELLINGS[lower] ?? lower}${decimal(number ?? '0')}`;
}

/** The local segment as Version.local prints it: lower-cased, numbers without leading zeros, dots. */
function localPart(local: string): string {
  return local
    .split(/[-_.]/)
    .map((part) => (/^[0-9]+$/.test(part) ? decimal(part) : pythonLower(part)))
    .join('.');
}

/**
 * packaging.utils.canonicalize_version: a version's normal form, trailing `.0`s of the release
 * dropped unless told not to; a string that is not a version comes back unchanged.
 */
export function canonicalizeVersion(version: string, stripTrailingZero = true): string {
  const m = VERSION_WHOLE.exec(version)?.groups;
  if (!m) return version;
  const epoch = m['epoch'] ? decimal(m['epoch']) : '0';
  let release = m['release']!.split('.').map(decimal).join('.');
  if (stripTrailingZero) release = release.replace(/(\.0)+$/, '');
  // Only the numbers of post and dev releases are printed (".post1", ".dev0"), whatever their spelling.
  const postNumber = m['post_n1'] ?? m['post_n2'] ?? '0';
  return (
    (epoch !== '0' ? `${epoch}!` : '') +
    release +
    (m['pre_l'] !== undefined ? prePart(m['pre_l'], m['pre_n']) : '') +
    (m['post'] !== undefined ? `.post${decimal(postNumber)}` : '') +
    (m['dev'] !== undefined ? `.dev${decimal(m['dev_n'] ?? '0')}` : '') +
    (m['local'] !== undefined ? `+${localPart(m['local'])}` : '')
  );
}

/** The pre-release letters as written (`alpha`, `RC`, ...), or null when the text is no version or has none. */
export function preReleaseLetters(version: string): string | null {
  return VERSION_WHOLE.exec(version)?.groups?.['pre_l'] ?? null;
}
