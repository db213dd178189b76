/**
 * Text as CPython sees it when it opens a file with `open(path, encoding='utf-8')`: strict
 * UTF-8 read through a TextIOWrapper with universal newlines, and `str.strip()`'s idea of
 * whitespace. Parsers of hostile files must split and trim exactly as Python does, or a byte
 * Python treats as a line end (a lone `\r`) or as space (`\x1c`, `\x85`) hides text from us.
 */
import { PYTHON_LOWERED_RANGES, PYTHON_WORD_RANGES } from './python-unicode-tables.js';

/**
 * TextIOWrapper asks its buffer for this many bytes per read (`_CHUNK_SIZE`) and decodes each
 * read before it hands out the lines in it. A decoding error is raised on the read that
 * holds it, so lines wholly before that read are parsed first.
 */
export const TEXTIO_CHUNK_SIZE = 8192;

/** Code points for which Python's `str.isspace()` (and `re`'s `\s`) is true; all in the BMP. */
const PYTHON_SPACES = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
  0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/** Python's `str.isspace()` for one UTF-16 unit (surrogate halves are never space). */
export function isPythonSpace(code: number): boolean {
  return PYTHON_SPACES.has(code);
}

/** `str.strip()` with no argument. Unlike JS `trim()`, keeps U+FEFF and strips `\x1c`–`\x1f` and `\x85`. */
export function pythonStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isPythonSpace(text.charCodeAt(start))) start++;
  while (end > start && isPythonSpace(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/** `str.rstrip()` with no argument. */
export function pythonRstrip(text: string): string {
  let end = text.length;
  while (end > 0 && isPythonSpace(text.charCodeAt(end - 1))) end--;
  return text.slice(0, end);
}

/** Index of the first character that is not Python whitespace (`re.search(r"\S")`), or -1. */
export function firstNonSpace(text: string): number {
  for (let i = 0; i < text.length; i++) if (!isPythonSpace(text.charCodeAt(i))) return i;
  return -1;
}

export interface Utf8Fault {
  /** Offset of the first byte of the ill-formed sequence (what a reader should be shown). */
  start: number;
  /**
   * Offset of the byte whose arrival lets CPython's incremental decoder see the fault; the
   * input's length when only the end of input shows it (a sequence cut short at EOF).
   */
  detectedAt: number;
}

/** Length of the sequence a lead byte starts, or 0 when it cannot start one. */
function sequenceLength(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** Allowed range of the byte after a lead byte (it excludes overlongs, surrogates, > U+10FFFF). */
function secondByteRange(lead: number): [number, number] {
  if (lead === 0xe0) return [0xa0, 0xbf];
  if (lead === 0xed) return [0x80, 0x9f];
  if (lead === 0xf0) return [0x90, 0xbf];
  if (lead === 0xf4) return [0x80, 0x8f];
  return [0x80, 0xbf];
}

/** The last byte of the read that holds `offset`: reads end at multiples of the chunk size or at EOF. */
function isLastByteOfRead(offset: number, length: number): boolean {
  return offset + 1 === length || (offset + 1) % TEXTIO_CHUNK_SIZE === 0;
}

/**
 * The first UTF-8 fault as CPython's strict incremental decoder finds it, or undefined.
 * One quirk is kept: CPython holds back `ED A0`–`ED BF` at the end of a read as if it might
 * still complete (it never can: it would be a surrogate), so the fault surfaces one read later.
 */
export function findUtf8Fault(bytes: Uint8Array): Utf8Fault | undefined {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const length = sequenceLength(lead);
    if (length === 0) return { start: i, detectedAt: i };
    for (let k = 1; k < length; k++) {
      const at = i + k;
      if (at >= n) return { start: i, detectedAt: n };
      const [low, high] = k === 1 ? secondByteRange(lead) : [0x80, 0xbf];
      const byte = bytes[at]!;
      if (byte >= low && byte <= high) continue;
      const truncatedSurrogate = k === 1 && lead === 0xed && byte >= 0xa0 && byte <= 0xbf;
      if (truncatedSurrogate && isLastByteOfRead(at, n)) return { start: i, detectedAt: at + 1 };
      return { start: i, detectedAt: at };
    }
    i += length;
  }
  return undefined;
}

/** Drops a multi-byte sequence cut off at the end (the decoder keeps it back for the next read). */
function withoutIncompleteTail(bytes: Uint8Array): Uint8Array {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!;
    if (byte < 0x80) return bytes;
    if (byte >= 0xc0) return sequenceLength(byte) > back ? bytes.subarray(0, bytes.length - back) : bytes;
  }
  return bytes;
}

export interface DecodedText {
  /** The text Python's reader has decoded before it fails (all of it when `fault` is absent). */
  text: string;
  /** Present when decoding fails: `text` is then what was decoded before the failing read. */
  fault?: Utf8Fault;
}

/** Strict UTF-8 that keeps a BOM as U+FEFF, as Python's 'utf-8' codec does. */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes bytes the way `TextIOWrapper(..., encoding='utf-8')` does. On a fault, returns the
 * text of the reads before the failing one, so a caller can parse the lines Python parses
 * before it raises UnicodeDecodeError (an earlier parse error may win the race).
 */
export function decodeLikeTextIOWrapper(bytes: Uint8Array): DecodedText {
  const fault = findUtf8Fault(bytes);
  if (!fault) return { text: STRICT_UTF8.decode(bytes) };
  const failingRead =
    fault.detectedAt < bytes.length ? fault.detectedAt - (fault.detectedAt % TEXTIO_CHUNK_SIZE) : bytes.length;
  return { text: STRICT_UTF8.decode(withoutIncompleteTail(bytes.subarray(0, failingRead))), fault };
}

/**
 * Lines as a universal-newline reader returns them, without their line ends: `\r\n`, `\r`
 * and `\n` each end a line, nothing else does (not `\v`, `\f`, `\x1c`, U+2028, unlike
 * `str.splitlines()`). When `complete` is false the text stops at a read boundary: its last
 * unterminated piece is not a line yet, and a final `\r` is held back because a `\n` may follow.
 */
export function universalLines(text: string, complete: boolean): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== 0x0a && code !== 0x0d) continue;
    if (code === 0x0d && i + 1 === text.length && !complete) return lines;
    lines.push(text.slice(start, i));
    if (code === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
    start = i + 1;
  }
  if (complete && start < text.length) lines.push(text.slice(start));
  return lines;
}

/** 1-based line of a byte offset under universal newlines (line-end bytes never occur inside UTF-8 sequences). */
export function lineOfOffset(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) {
    if (bytes[i] === 0x0a) line++;
    else if (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a) line++;
  }
  return line;
}

/** The characters of Python's `\s` and str.isspace() (the same set), as a regex class body. */
export const PY_WHITESPACE_CLASS =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

/**
 * `str.splitlines()`: `\r\n` is one break; `\n \r \v \f \x1c \x1d \x1e \x85 U+2028 U+2029` each
 * break too, and a final break ends the last line rather than starting an empty one.
 * importlib.metadata reads entry points this way, so a `\v` in entry_points.txt starts a line for pip.
 */
export function pythonSplitlines(text: string): string[] {
  const lines = text.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/u);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function inRanges(ranges: readonly number[], cp: number): boolean {
  let lo = 0;
  let hi = ranges.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const start = ranges[2 * mid]!;
    const end = ranges[2 * mid + 1]!;
    if (cp < start) hi = mid - 1;
    else if (cp > end) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Whether `re`'s `\w` matches this code point (alphanumeric by Python's Unicode, or `_`). */
export function isPythonWordChar(cp: number | undefined): boolean {
  return cp !== undefined && inRanges(PYTHON_WORD_RANGES, cp);
}

/** The code point that ends just before `index` (a whole surrogate pair), if any. */
export function codePointBefore(text: string, index: number): number | undefined {
  if (index <= 0) return undefined;
  const low = text.charCodeAt(index - 1);
  if (low >= 0xdc00 && low <= 0xdfff && index >= 2) {
    const high = text.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.codePointAt(index - 2);
  }
  return low;
}

/** `\b` of Python's `re` at `index`: a word character on exactly one side. */
export function isPythonWordBoundary(text: string, index: number): boolean {
  if (text.length === 0) return false;
  return isPythonWordChar(codePointBefore(text, index)) !== isPythonWordChar(text.codePointAt(index));
}

const CASED = /\p{Cased}/u;
const CASE_IGNORABLE = /\p{Case_Ignorable}/u;

/** Python's Final_Sigma rule for U+03A3 at code point index `i` of `cps`. */
function lowerSigma(cps: readonly string[], i: number): string {
  let j = i - 1;
  while (j >= 0 && CASE_IGNORABLE.test(cps[j]!)) j--;
  let final = j >= 0 && CASED.test(cps[j]!);
  if (final && i < cps.length - 1) {
    let k = i + 1;
    while (k < cps.length && CASE_IGNORABLE.test(cps[k]!)) k++;
    final = k === cps.length || !CASED.test(cps[k]!);
  }
  return final ? '\u03c2' : '\u03c3';
}

/**
 * str.lower(): per code point, Node's full lowercase mapping where Python lowers the character
 * at all (a test checks the two mappings agree there), and the Final_Sigma rule for U+03A3.
 */
export function pythonLower(text: string): string {
  const cps = Array.from(text);
  let out = '';
  for (let i = 0; i < cps.length; i++) {
    const ch = cps[i]!;
    const cp = ch.codePointAt(0)!;
    if (cp === 0x3a3) out += lowerSigma(cps, i);
    else if (inRanges(PYTHON_LOWERED_RANGES, cp)) out += ch.toLowerCase();
    else out += ch;
  }
  return out;
}

/** Python's string order (by code point), which sorted() uses; JavaScript's sort uses UTF-16 units. */
export function comparePython(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

/** A lone surrogate: Python cannot encode it to UTF-8, so compiling source that holds one fails. */
export function hasLoneSurrogate(text: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}
