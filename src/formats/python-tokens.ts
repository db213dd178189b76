/**
 * A tokenizer for the part of Python that old setup.py files are written in, Python 2 and 3
 * alike: comments, backslash continuations, brackets spanning lines, every string form, numbers,
 * names and operators. It never fails: what it does not understand becomes an `error` token, and
 * the readers above it decide what that costs (a statement skipped, a value unknown).
 *
 * The work is one pass over the text with no recursion, so any input is tokenized in linear time.
 * Bracket depth is a counter kept on each token; callers bound how deep they follow it.
 */

/** Python 3's keywords that cannot name anything; `True` and `False` are read as values. */
export const PYTHON_KEYWORDS: ReadonlySet<string> = new Set(
  ['None', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else']
    .concat(['except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not'])
    .concat(['or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield']),
);

export type TokenKind = 'name' | 'number' | 'string' | 'op' | 'error';

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token; for a name, its NFKC form (how Python compares identifiers). */
  readonly text: string;
  /** Offsets of the token in the (newline-normalized) source. */
  readonly start: number;
  readonly end: number;
  /** 1-based line where the token starts. */
  readonly line: number;
  /** Brackets open before the token; an opening bracket carries the depth outside it. */
  readonly depth: number;
}

/** One logical line: the tokens of a statement (or compound-statement header) and its indentation. */
export interface LogicalLine {
  /** Indentation column as Python computes it (tabs to the next multiple of 8, form feed resets). */
  readonly indent: number;
  readonly tokens: readonly Token[];
  readonly line: number;
}

/** Python translates \r\n and lone \r to \n before tokenizing, inside string literals too. */
export function normalizeNewlines(source: string): string {
  return source.includes('\r') ? source.replace(/\r\n?/g, '\n') : source;
}

/** Operators by length, longest tried first. */
const OPERATORS: readonly ReadonlySet<string>[] = [
  new Set(['**=', '//=', '>>=', '<<=', '...']),
  new Set([
    '!=',
    '<>',
    '==',
    '<=',
    '>=',
    '->',
    ':=',
    '**',
    '//',
    '<<',
    '>>',
    '+=',
    '-=',
    '*=',
    '/=',
    '%=',
    '&=',
    '|=',
    '^=',
    '@=',
  ]),
  new Set([
    '+',
    '-',
    '*',
    '/',
    '%',
    '@',
    '&',
    '|',
    '^',
    '~',
    '<',
    '>',
    '(',
    ')',
    '[',
    ']',
    '{',
    '}',
    ',',
    ':',
    ';',
    '.',
    '=',
    '`',
  ]),
];
const OPENING = new Set(['(', '[', '{']);
const CLOSING = new Set([')', ']', '}']);

/** Prefixes Python accepts before a quote (compared lower-cased); `ur` is Python 2 only. */
const STRING_PREFIXES = new Set(['', 'r', 'u', 'b', 'f', 'br', 'rb', 'fr', 'rf', 'ur']);

const ASCII_NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const UNICODE_NAME = /[\p{ID_Start}_][\p{ID_Continue}]*/uy;
const NUMBER =
  /0[xX](?:_?[0-9a-fA-F])+[lL]?|0[oO](?:_?[0-7])+[lL]?|0[bB](?:_?[01])+[lL]?|(?:[0-9](?:_?[0-9])*\.(?:[0-9](?:_?[0-9])*)?|\.[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9](?:_?[0-9])*)?[jJ]?|[0-9](?:_?[0-9])*(?:[eE][+-]?[0-9](?:_?[0-9])*)?[jJlL]?/y;

/** Splits source text into logical lines of tokens. */
export function tokenize(source: string): LogicalLine[] {
  return new Tokenizer(normalizeNewlines(source)).run();
}

/** Tokens of one expression's text (an f-string replacement field), as if inside brackets. */
export function tokenizeExpression(text: string, lineOffset: number): Token[] {
  const tokenizer = new Tokenizer(normalizeNewlines(text), lineOffset, 1);
  return tokenizer.run().flatMap((line) => line.tokens);
}

class Tokenizer {
  private pos = 0;
  private depth: number;
  private line: number;
  private tokens: Token[] = [];
  private readonly lines: LogicalLine[] = [];
  private indent = 0;

  constructor(
    private readonly text: string,
    firstLine = 1,
    /** A base depth above zero makes every newline an implicit continuation. */
    private readonly baseDepth = 0,
  ) {
    this.line = firstLine;
    this.depth = baseDepth;
  }

  run(): LogicalLine[] {
    let atLineStart = true;
    while (this.pos < this.text.length) {
      if (atLineStart && this.depth === this.baseDepth && this.tokens.length === 0) {
        atLineStart = false;
        if (this.readIndentation()) continue;
      }
      const c = this.text[this.pos]!;
      if (c === ' ' || c === '\t' || c === '\f') this.pos++;
      else if (c === '#') this.skipComment();
      else if (c === '\n') atLineStart = this.newline();
      else if (c === '\\') this.backslash();
      else this.readToken();
    }
    this.endLogicalLine();
    return this.lines;
  }

  /** Measures a physical line's indentation; true when the line is blank or only a comment. */
  private readIndentation(): boolean {
    let column = 0;
    let pos = this.pos;
    for (; pos < this.text.length; pos++) {
      const c = this.text[pos];
      if (c === ' ') column++;
      else if (c === '\t') column = (Math.floor(column / 8) + 1) * 8;
      else if (c === '\f') column = 0;
      else break;
    }
    const next = this.text[pos];
    this.pos = pos;
    if (next === undefined || next === '\n' || next === '#') return true;
    this.indent = column;
    return false;
  }

  private skipComment(): void {
    const end = this.text.indexOf('\n', this.pos);
    this.pos = end === -1 ? this.text.length : end;
  }

  /** A newline ends the logical line unless brackets are open or the line has no token yet. */
  private newline(): boolean {
    this.pos++;
    this.line++;
    if (this.depth > 0) return false;
    this.endLogicalLine();
    return true;
  }

  private backslash(): void {
    if (this.text[this.pos + 1] === '\n') {
      this.pos += 2;
      this.line++;
      return;
    }
    this.push('error', this.pos, this.pos + 1);
  }

  private endLogicalLine(): void {
    const first = this.tokens[0];
    if (first) this.lines.push({ indent: this.indent, tokens: this.tokens, line: first.line });
    this.tokens = [];
  }

  private readToken(): void {
    const c = this.text[this.pos]!;
    if (c === '"' || c === "'") return this.readString(this.pos, this.pos);
    if ((c >= '0' && c <= '9') || (c === '.' && /[0-9]/.test(this.text[this.pos + 1] ?? ''))) return this.readNumber();
    if (this.readName()) return;
    this.readOperator();
  }

  private readName(): boolean {
    const start = this.pos;
    const pattern = this.text.charCodeAt(start) < 128 ? ASCII_NAME : UNICODE_NAME;
    pattern.lastIndex = start;
    const match = pattern.exec(this.text);
    if (!match) return false;
    let end = start + match[0].length;
    // Unicode names may continue with non-ASCII letters after an ASCII start.
    if (pattern === ASCII_NAME && end < this.text.length && this.text.charCodeAt(end) >= 128) {
      UNICODE_NAME.lastIndex = start;
      const wider = UNICODE_NAME.exec(this.text);
      if (wider) end = start + wider[0].length;
    }
    const quote = this.text[end];
    if ((quote === '"' || quote === "'") && STRING_PREFIXES.has(this.text.slice(start, end).toLowerCase())) {
      this.readString(start, end);
      return true;
    }
    this.pos = end;
    const raw = this.text.slice(start, end);
    const name = /^[\w]*$/.test(raw) ? raw : raw.normalize('NFKC');
    this.tokens.push({ kind: 'name', text: name, start, end, line: this.line, depth: this.depth });
    return true;
  }

  private readNumber(): void {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    const end = match ? this.pos + match[0].length : this.pos + 1;
    this.push(match ? 'number' : 'error', this.pos, end);
  }

  private readOperator(): void {
    for (let length = 3; length >= 1; length--) {
      const op = this.text.slice(this.pos, this.pos + length);
      if (!OPERATORS[3 - length]!.has(op)) continue;
      if (CLOSING.has(op) && this.depth > 0) this.depth--;
      this.push('op', this.pos, this.pos + length);
      if (OPENING.has(op)) this.depth++;
      return;
    }
    const width = this.text.codePointAt(this.pos)! > 0xffff ? 2 : 1;
    this.push('error', this.pos, this.pos + width);
  }

  /**
   * A string literal from its prefix start; the body runs to the matching quote, a backslash
   * always taking the next character with it (in raw strings too). An unterminated one-line
   * string is an error token up to the end of its line; a triple-quoted one runs to the end.
   */
  private readString(start: number, quoteAt: number): void {
    const quote = this.text[quoteAt]!;
    const triple = this.text.startsWith(quote.repeat(3), quoteAt);
    const closing = triple ? quote.repeat(3) : quote;
    const startLine = this.line;
    let pos = quoteAt + closing.length;
    let newlines = 0;
    let terminated = false;
    while (pos < this.text.length) {
      const c = this.text[pos]!;
      if (c === '\\') {
        if (this.text[pos + 1] === '\n') newlines++;
        pos += 2;
        continue;
      }
      if (c === '\n') {
        if (!triple) break;
        newlines++;
      }
      if (c === quote && this.text.startsWith(closing, pos)) {
        pos += closing.length;
        terminated = true;
        break;
      }
      pos++;
    }
    pos = Math.min(pos, this.text.length);
    this.tokens.push({
      kind: terminated ? 'string' : 'error',
      text: this.text.slice(start, pos),
      start,
      end: pos,
      line: startLine,
      depth: this.depth,
    });
    this.line += newlines;
    this.pos = pos;
  }

  private push(kind: TokenKind, start: number, end: number): void {
    this.tokens.push({ kind, text: this.text.slice(start, end), start, end, line: this.line, depth: this.depth });
    this.pos = end;
  }
}
