/**
 * Makes attacker-controlled text safe for a terminal (threat catalog X-02): control characters
 * (including ESC, which starts ANSI sequences) and bidirectional overrides are shown as escapes.
 */
export function escapeTerminal(text: string, keepNewlines = false): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    if (keepNewlines && c === '\n') return c;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
