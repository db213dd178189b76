/**
 * A quoted string of a PEP 508 marker, decoded as packaging 23 decodes it: with
 * `ast.literal_eval`, so as a Python string literal. Escapes are expanded (`'\x41'` is "A"),
 * a backslash before a newline joins lines, an unescaped newline or a trailing backslash is a
 * syntax error, and so on. One escape is refused where Python accepts it: `\N{NAME}`, which
 * needs Unicode's name table (Node has none); no real requirement uses it.
 */
import { SIMPLE_ESCAPES } from './python-strings.js';
import { hasLoneSurrogate } from './python-text.js';

export type LiteralResult = { ok: true; value: string } | { ok: false; reason: string };

// Sticky, so that reading an escape never copies the rest of the string (linear time).
const OCTAL = /[0-7]{1,3}/y;

const fail = (reason: string): LiteralResult => ({ ok: false, reason });

/** `\x`, `\u` and `\U` take exactly 2, 4 and 8 hex digits. */
function hexEscape(body: string, at: number, digits: number): { cp: number } | { error: string } {
  const hex = body.slice(at, at + digits);
  if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) return { error: `truncated escape at ${at - 2}` };
  const cp = Number.parseInt(hex, 16);
  if (cp > 0x10ffff) return { error: `illegal Unicode character in escape at ${at - 2}` };
  return { cp };
}

/** The value of one escape starting after the backslash at `at`, and where the literal goes on. */
function escape(body: string, at: number): { text: string; next: number } | { error: string } {
  const c = body[at];
  if (c === undefined) return { error: 'a backslash escapes the closing quote (unterminated string)' };
  if (c === '\n') return { text: '', next: at + 1 };
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return { text: simple, next: at + 1 };
  if (c >= '0' && c <= '7') {
    OCTAL.lastIndex = at;
    const octal = OCTAL.exec(body)![0];
    return { text: String.fromCodePoint(Number.parseInt(octal, 8)), next: at + octal.length };
  }
  const width = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
  if (width > 0) {
    const hex = hexEscape(body, at + 1, width);
    return 'error' in hex ? hex : { text: String.fromCodePoint(hex.cp), next: at + 1 + width };
  }
  if (c === 'N') return { error: 'the \\N{...} escape is not supported' };
  // Python keeps an unknown escape as it is (with a DeprecationWarning).
  return { text: `\\${c}`, next: at + 1 };
}

/** Decodes a token `'...'` or `"..."` (the quotes included) as ast.literal_eval would. */
export function decodePythonStringLiteral(token: string): LiteralResult {
  // Python's compiler reads \r\n and \r as \n before it tokenizes.
  const body = token.slice(1, -1).replace(/\r\n?/g, '\n');
  if (body.includes('\0')) return fail('a null character in a quoted string');
  if (hasLoneSurrogate(body)) return fail('a lone surrogate in a quoted string');
  let value = '';
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c === '\n') return fail('a line break in a quoted string (unterminated string)');
    if (c !== '\\') {
      value += c;
      i++;
      continue;
    }
    const decoded = escape(body, i + 1);
    if ('error' in decoded) return fail(decoded.error);
    value += decoded.text;
    i = decoded.next;
  }
  return { ok: true, value };
}
