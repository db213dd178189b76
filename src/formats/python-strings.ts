/**
 * Python string literals decoded the way Python 3 decodes them: prefixes (r, u, b, f and their
 * pairs, any case), escapes, and the literal parts of f-strings. What Python 3 would reject, or
 * what decodes differently in Python 2, is reported as a reason instead of a value.
 */

import { hasLoneSurrogate } from './python-text.js';

export interface StringParts {
  raw: boolean;
  bytes: boolean;
  fstring: boolean;
  /** `ur'...'`: Python 2 only. */
  python2Only: boolean;
  /** The text between the quotes, escapes undecoded. */
  body: string;
  /** Offset of the body within the token text. */
  bodyOffset: number;
}

/** Splits a terminated string token into its prefix flags and body. */
export function stringParts(token: string): StringParts {
  let prefixLength = 0;
  while (token[prefixLength] !== '"' && token[prefixLength] !== "'") prefixLength++;
  const prefix = token.slice(0, prefixLength).toLowerCase();
  const quote = token[prefixLength]!;
  const quoteLength = token.startsWith(quote.repeat(3), prefixLength) && token.length >= prefixLength + 6 ? 3 : 1;
  const bodyOffset = prefixLength + quoteLength;
  return {
    raw: prefix.includes('r'),
    bytes: prefix.includes('b'),
    fstring: prefix.includes('f'),
    python2Only: prefix === 'ur',
    body: token.slice(bodyOffset, token.length - quoteLength),
    bodyOffset,
  };
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

/** The one-character escapes of Python string literals. */
export const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** Decodes a str literal body (not bytes); raw bodies are taken as they are. */
export function decodeStr(body: string, raw: boolean): Decoded<string> {
  if (hasLoneSurrogate(body)) return { ok: false, reason: 'the literal holds a lone surrogate' };
  if (raw || !body.includes('\\')) return { ok: true, value: body };
  let out = '';
  let i = 0;
  while (i < body.length) {
    const slash = body.indexOf('\\', i);
    if (slash === -1) {
      out += body.slice(i);
      break;
    }
    out += body.slice(i, slash);
    const step = decodeEscape(body, slash, false);
    if (!step.ok) return step;
    out += step.value.text;
    i = step.value.next;
  }
  return { ok: true, value: out };
}

/** Decodes a bytes literal body to bytes; Python 3 allows only ASCII characters in it. */
export function decodeBytes(body: string, raw: boolean): Decoded<Uint8Array> {
  if (/[^\x00-\x7f]/.test(body)) return { ok: false, reason: 'a bytes literal holds a non-ASCII character' };
  let text = body;
  if (!raw) {
    text = '';
    let i = 0;
    while (i < body.length) {
      if (body[i] !== '\\') {
        text += body[i++];
        continue;
      }
      const step = decodeEscape(body, i, true);
      if (!step.ok) return step;
      text += step.value.text;
      i = step.value.next;
    }
  }
  return { ok: true, value: Uint8Array.from(text, (c) => c.charCodeAt(0)) };
}

interface EscapeStep {
  text: string;
  next: number;
}

/** One escape sequence at `at` (a backslash); bytes literals have no \u, \U or \N. */
function decodeEscape(body: string, at: number, bytes: boolean): Decoded<EscapeStep> {
  const c = body[at + 1];
  if (c === undefined) return { ok: false, reason: 'the literal ends in a backslash' };
  if (c === '\n') return { ok: true, value: { text: '', next: at + 2 } };
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return { ok: true, value: { text: simple, next: at + 2 } };
  if (c >= '0' && c <= '7') {
    const digits = /^[0-7]{1,3}/.exec(body.slice(at + 1, at + 4))![0];
    const code = parseInt(digits, 8);
    return { ok: true, value: { text: String.fromCharCode(bytes ? code & 0xff : code), next: at + 1 + digits.length } };
  }
  if (c === 'x') return hexEscape(body, at, 2);
  if (!bytes && c === 'u') return hexEscape(body, at, 4);
  if (!bytes && c === 'U') return hexEscape(body, at, 8);
  if (!bytes && c === 'N')
    return { ok: false, reason: 'a \\N{...} escape (Unicode character names are not looked up)' };
  return { ok: true, value: { text: '\\' + c, next: at + 2 } };
}

function hexEscape(body: string, at: number, width: number): Decoded<EscapeStep> {
  const digits = body.slice(at + 2, at + 2 + width);
  if (digits.length !== width || !/^[0-9a-fA-F]+$/.test(digits))
    return { ok: false, reason: `a truncated \\${body[at + 1]} escape` };
  const code = parseInt(digits, 16);
  if (code > 0x10ffff) return { ok: false, reason: `\\${body[at + 1]}${digits} is beyond Unicode` };
  // Python keeps "\ud83d\ude00" as two code points; a JavaScript string would merge them.
  if (code >= 0xd800 && code <= 0xdfff) return { ok: false, reason: 'the literal holds a lone surrogate' };
  return { ok: true, value: { text: String.fromCodePoint(code), next: at + 2 + width } };
}

export interface FStringScan {
  /** The literal text with `{{`/`}}` undoubled, escapes still undecoded; null when fields exist. */
  literal: string | null;
  /** Replacement-field expressions (with any conversion and format spec), with body offsets. */
  fields: { text: string; offset: number }[];
  /** A field runs past the end of the literal: Python 3.12 reads such a file differently. */
  unterminatedField: boolean;
  /** A lone `}` or a `\N{...}` escape: not a value this reader decodes. */
  problem: string | null;
}

/**
 * Finds the replacement fields of an f-string body as Python 3.11 does: `{{` and `}}` are
 * literal braces, `{` opens a field that ends at its matching `}` (strings and brackets inside
 * the field are skipped). Nested fields of a format spec are part of the field's text.
 */
export function scanFString(body: string, raw: boolean): FStringScan {
  const scan: FStringScan = { literal: '', fields: [], unterminatedField: false, problem: null };
  let literal = '';
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c === '\\' && !raw && body[i + 1] === 'N' && body[i + 2] === '{') {
      scan.problem = 'a \\N{...} escape in an f-string';
      const close = body.indexOf('}', i);
      i = close === -1 ? body.length : close + 1;
    } else if (c === '\\') {
      // A backslash does not protect a brace: f'\\{{' is a backslash and a brace.
      const width = body[i + 1] === '{' || body[i + 1] === '}' ? 1 : 2;
      literal += body.slice(i, i + width);
      i += width;
    } else if ((c === '{' || c === '}') && body[i + 1] === c) {
      literal += c;
      i += 2;
    } else if (c === '}') {
      scan.problem ??= "a single '}' in an f-string";
      i++;
    } else if (c === '{') {
      const end = fieldEnd(body, i + 1);
      if (end === -1) {
        scan.unterminatedField = true;
        scan.fields.push({ text: body.slice(i + 1), offset: i + 1 });
        break;
      }
      scan.fields.push({ text: body.slice(i + 1, end), offset: i + 1 });
      i = end + 1;
    } else {
      literal += c;
      i++;
    }
  }
  scan.literal = scan.fields.length === 0 ? literal : null;
  return scan;
}

/** Index of the `}` closing a field whose text starts at `from`, or -1. */
function fieldEnd(body: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < body.length) {
    const c = body[i]!;
    if (c === "'" || c === '"') {
      const triple = body.startsWith(c.repeat(3), i);
      const close = body.indexOf(triple ? c.repeat(3) : c, i + (triple ? 3 : 1));
      if (close === -1) return -1;
      i = close + (triple ? 3 : 1);
      continue;
    }
    if (c === '{' || c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth = Math.max(0, depth - 1);
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
    i++;
  }
  return -1;
}

/**
 * The expressions of one replacement field's text: the field's own expression (before a `!`
 * conversion or a `:` format spec at depth 0) and those of the fields nested in its spec.
 */
export function fieldExpressions(field: string): string[] {
  let depth = 0;
  let i = 0;
  while (i < field.length) {
    const c = field[i]!;
    if (c === "'" || c === '"') {
      const triple = field.startsWith(c.repeat(3), i);
      const close = field.indexOf(triple ? c.repeat(3) : c, i + (triple ? 3 : 1));
      i = close === -1 ? field.length : close + (triple ? 3 : 1);
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
    else if (depth === 0 && ((c === '!' && field[i + 1] !== '=') || c === ':')) break;
    i++;
  }
  const out = [field.slice(0, i)];
  const colon = field.indexOf(':', i);
  if (colon === -1) return out;
  const spec = field.slice(colon + 1);
  for (let at = spec.indexOf('{'); at !== -1; at = spec.indexOf('{', at + 1)) {
    const end = fieldEnd(spec, at + 1);
    if (end === -1) break;
    out.push(...fieldExpressions(spec.slice(at + 1, end)));
    at = end;
  }
  return out;
}
