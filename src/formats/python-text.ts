/**
 * Python's view of text, where packaging's and setuptools' behaviour depends on it and
 * JavaScript's differs: which characters are whitespace (`\s`, str.strip, str.isspace), which
 * are word characters (`\b` in `re`), where str.splitlines() breaks, what str.lower() does, and
 * in what order sorted() puts strings. Node's Unicode is newer than Python 3.11's (14.0), so the
 * tables that differ come from Python itself (python-unicode-tables.ts, generated and tested).
 */
import { PYTHON_LOWERED_RANGES, PYTHON_WORD_RANGES } from './python-unicode-tables.js';

/** The characters of Python's `\s` and str.isspace() (the same set), as a regex class body. */
export const PY_WHITESPACE_CLASS = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const WHITESPACE = new RegExp(`^[${PY_WHITESPACE_CLASS}]$`, 'u');
const LEADING_WHITESPACE = new RegExp(`^[${PY_WHITESPACE_CLASS}]+`, 'u');
const TRAILING_WHITESPACE = new RegExp(`[${PY_WHITESPACE_CLASS}]+$`, 'u');

export function isPythonSpace(ch: string): boolean {
  return WHITESPACE.test(ch);
}

/** str.strip() with no argument. */
export function pythonStrip(text: string): string {
  return text.replace(LEADING_WHITESPACE, '').replace(TRAILING_WHITESPACE, '');
}

/** str.splitlines(): \r\n is one break; \v, \f, \x1c-\x1e, \x85, U+2028 and U+2029 break too. */
export function pythonSplitlines(text: string): string[] {
  const lines = text.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/u);
  // A final break ends the last line rather than starting an empty one.
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
