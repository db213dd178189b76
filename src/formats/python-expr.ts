/**
 * The evaluable subset of Python expressions, parsed from tokens and evaluated without running
 * anything: literals (with implicit concatenation), names (resolved by the caller), `+` on
 * str/list/tuple, `%` with %s/%d, `'...'.format(...)` with positional fields, parentheses, and
 * tuple/list subscripts by literal ints and slices. Any other construct makes the expression
 * not evaluable, with the construct named as the reason.
 *
 * Recursion follows bracket nesting, which the caller bounds (MAX_NESTING) before parsing; chains
 * of `+`, `%` and subscripts are loops, so no input can exhaust the stack.
 */
import { PYTHON_KEYWORDS, type Token } from './python-tokens.js';
import { decodeBytes, decodeStr, scanFString, stringParts, type Decoded } from './python-strings.js';
import { isDict, isFloat, isInt, isList, isTuple, pyDecimal, pyStr, type Value } from './python-values.js';

/** Bracket nesting beyond which an expression is not read (Python itself stops at 200). */
export const MAX_NESTING = 100;
/** Size (characters and items, nested ones counted each time) beyond which a value is not built. */
export const MAX_WEIGHT = 4_000_000;

export type Expr =
  | { kind: 'const'; value: Value; stringLiteral: boolean }
  | { kind: 'opaque'; reason: string; stringLiteral: boolean }
  | { kind: 'name'; id: string; token: Token }
  | { kind: 'list' | 'tuple'; items: Expr[] }
  | { kind: 'dict'; entries: [Expr, Expr][] }
  | { kind: 'unary'; op: '-' | '+'; operand: Expr }
  | { kind: 'sum' | 'mod'; operands: Expr[] }
  | { kind: 'subscript'; value: Expr; index: Expr | SliceExpr }
  | { kind: 'format'; receiver: Expr; args: { star: boolean; value: Expr }[] };

export interface SliceExpr {
  kind: 'slice';
  parts: [Expr | null, Expr | null, Expr | null];
}

export type Parsed = { ok: true; expr: Expr } | { ok: false; reason: string };

export type Result = { ok: true; value: Value; weight: number } | { ok: false; reason: string };

/** Resolves a name to its value, or says why it has none. */
export type NameLookup = (name: Extract<Expr, { kind: 'name' }>) => Result;

/** How deeply brackets nest inside tokens[from, to), counted from the first token's depth. */
export function nesting(tokens: readonly Token[], from: number, to: number): number {
  const base = tokens[from]?.depth ?? 0;
  let deepest = 0;
  for (let i = from; i < to; i++) deepest = Math.max(deepest, tokens[i]!.depth - base);
  return deepest;
}

/** Parses tokens[from, to) as one evaluable expression. */
export function parseExpression(tokens: readonly Token[], from: number, to: number): Parsed {
  if (from >= to) return { ok: false, reason: 'an empty expression' };
  if (nesting(tokens, from, to) > MAX_NESTING)
    return { ok: false, reason: `brackets nested more than ${MAX_NESTING} levels deep` };
  try {
    const parser = new Parser(tokens, from, to);
    const expr = parser.expression();
    parser.expectEnd();
    return { ok: true, expr };
  } catch (error) {
    if (error instanceof NotEvaluable) return { ok: false, reason: error.message };
    throw error;
  }
}

class NotEvaluable extends Error {}

const KEYWORD_REASONS: Readonly<Record<string, string>> = {
  lambda: 'a lambda',
  if: 'a conditional expression',
  else: 'a conditional expression',
  for: 'a comprehension',
  async: 'a comprehension',
  not: 'the operator not',
  and: 'the operator and',
  or: 'the operator or',
  in: 'the operator in',
  is: 'the operator is',
  await: 'await',
  yield: 'yield',
};

/** What a token that ends the evaluable subset is, for the reason. */
function describe(token: Token | undefined, afterValue: boolean): string {
  if (!token) return 'an incomplete expression';
  if (token.kind === 'name')
    return KEYWORD_REASONS[token.text] ?? (afterValue ? `"${token.text}" after a value` : `the name ${token.text}`);
  if (token.kind === 'error') return `text Python does not tokenize (${JSON.stringify(token.text.slice(0, 20))})`;
  if (token.kind === 'op') {
    if (afterValue && token.text === '(') return 'a call';
    if (afterValue && token.text === '.') return 'an attribute access';
    if (token.text === ':=') return 'an assignment expression';
    if (token.text === '*' && !afterValue) return 'an unpacking (*)';
    if (token.text === '**' && !afterValue) return 'an unpacking (**)';
    return `the operator ${token.text}`;
  }
  return `${token.text} after a value`;
}

class Parser {
  private pos: number;

  constructor(
    private readonly tokens: readonly Token[],
    from: number,
    private readonly to: number,
  ) {
    this.pos = from;
  }

  expectEnd(): void {
    if (this.pos < this.to) this.fail(this.peek(), true);
  }

  /** arith: term ('+' term)* */
  expression(): Expr {
    const first = this.term();
    if (!this.atOp('+')) return first;
    const operands = [first];
    while (this.takeOp('+')) operands.push(this.term());
    return { kind: 'sum', operands };
  }

  /** term: factor ('%' factor)*  (the other term operators are not evaluated) */
  private term(): Expr {
    const first = this.factor();
    if (!this.atOp('%')) return first;
    const operands = [first];
    while (this.takeOp('%')) operands.push(this.factor());
    return { kind: 'mod', operands };
  }

  /** factor: one sign before a primary; `--1` is not a literal, as for ast.literal_eval. */
  private factor(): Expr {
    const sign = this.peek();
    if (sign?.kind === 'op' && (sign.text === '-' || sign.text === '+')) {
      this.pos++;
      const next = this.peek();
      if (next?.kind === 'op' && (next.text === '-' || next.text === '+' || next.text === '~'))
        throw new NotEvaluable('a repeated sign');
      return { kind: 'unary', op: sign.text, operand: this.primary() };
    }
    return this.primary();
  }

  /** primary: atom trailer*, then no `**`. */
  private primary(): Expr {
    let expr = this.atom();
    for (let trailers = 0; ; trailers++) {
      // Each trailer nests the tree one level (evaluation recurses through it): bound them too.
      if (trailers > MAX_NESTING && (this.atOp('[') || this.atOp('.')))
        throw new NotEvaluable(`more than ${MAX_NESTING} subscripts in a row`);
      if (this.atOp('[')) expr = this.subscript(expr);
      else if (this.atOp('.')) expr = this.formatCall(expr);
      else break;
    }
    if (this.atOp('**')) this.fail(this.peek(), true);
    return expr;
  }

  private atom(): Expr {
    const token = this.peek();
    if (!token) return this.fail(token, false);
    if (token.kind === 'string') return this.strings();
    if (token.kind === 'number') {
      this.pos++;
      return numberLiteral(token.text);
    }
    if (token.kind === 'name') return this.nameAtom(token);
    if (token.kind === 'op' && token.text === '(') return this.parenthesized();
    if (token.kind === 'op' && token.text === '[') return this.list();
    if (token.kind === 'op' && token.text === '{') return this.dict();
    if (token.kind === 'op' && token.text === '...') throw new NotEvaluable('Ellipsis');
    return this.fail(token, false);
  }

  private nameAtom(token: Token): Expr {
    if (token.text === 'None') {
      this.pos++;
      return { kind: 'const', value: null, stringLiteral: false };
    }
    if (token.text in KEYWORD_REASONS || PYTHON_KEYWORDS.has(token.text)) return this.fail(token, false);
    this.pos++;
    return { kind: 'name', id: token.text, token };
  }

  /** Adjacent string literals are one literal; str and bytes may not mix. */
  private strings(): Expr {
    const pieces: Token[] = [];
    while (this.peek()?.kind === 'string') pieces.push(this.tokens[this.pos++]!);
    const parts = pieces.map((piece) => stringParts(piece.text));
    const bytes = parts.filter((p) => p.bytes).length;
    if (bytes !== 0 && bytes !== parts.length) throw new NotEvaluable('bytes and str literals side by side');
    if (bytes) return concatBytes(parts.map((p) => decodeBytes(p.body, p.raw)));
    let value = '';
    for (const part of parts) {
      if (part.python2Only) return { kind: 'opaque', reason: "a ur'' literal (Python 2 only)", stringLiteral: true };
      const decoded = part.fstring ? decodeFString(part.body, part.raw) : decodeStr(part.body, part.raw);
      if (!decoded.ok) return { kind: 'opaque', reason: decoded.reason, stringLiteral: true };
      value += decoded.value;
    }
    return { kind: 'const', value, stringLiteral: true };
  }

  private parenthesized(): Expr {
    this.pos++;
    if (this.takeOp(')')) return { kind: 'tuple', items: [] };
    const first = this.expression();
    if (this.takeOp(')')) return first;
    if (!this.atOp(',')) return this.fail(this.peek(), true);
    const items = [first, ...this.items(')')];
    return { kind: 'tuple', items };
  }

  private list(): Expr {
    this.pos++;
    if (this.takeOp(']')) return { kind: 'list', items: [] };
    const first = this.expression();
    if (this.takeOp(']')) return { kind: 'list', items: [first] };
    if (!this.atOp(',')) return this.fail(this.peek(), true);
    return { kind: 'list', items: [first, ...this.items(']')] };
  }

  /** After a first item: (',' item)* [','] close. */
  private items(close: string): Expr[] {
    const items: Expr[] = [];
    while (this.takeOp(',')) {
      if (this.atOp(close)) break;
      items.push(this.expression());
    }
    this.expectOp(close);
    return items;
  }

  private dict(): Expr {
    this.pos++;
    const entries: [Expr, Expr][] = [];
    if (this.takeOp('}')) return { kind: 'dict', entries };
    for (;;) {
      const key = this.expression();
      if (!this.atOp(':'))
        throw new NotEvaluable(this.atOp(',') || this.atOp('}') ? 'a set' : describe(this.peek(), true));
      this.pos++;
      entries.push([key, this.expression()]);
      if (this.takeOp('}')) return { kind: 'dict', entries };
      this.expectOp(',');
      if (this.takeOp('}')) return { kind: 'dict', entries };
    }
  }

  private subscript(value: Expr): Expr {
    this.pos++;
    const parts: [Expr | null, Expr | null, Expr | null] = [null, null, null];
    let colons = 0;
    while (!this.atOp(']')) {
      if (this.takeOp(':')) {
        if (++colons > 2) throw new NotEvaluable('a slice with three colons');
        continue;
      }
      if (parts[colons] !== null) return this.fail(this.peek(), true);
      parts[colons] = this.expression();
    }
    this.pos++;
    if (colons === 0 && parts[0] === null) throw new NotEvaluable('an empty subscript');
    if (colons === 0) return { kind: 'subscript', value, index: parts[0]! };
    return { kind: 'subscript', value, index: { kind: 'slice', parts } };
  }

  /** `.format(...)` on a string literal is the only attribute and the only call evaluated. */
  private formatCall(receiver: Expr): Expr {
    const name = this.tokens[this.pos + 1];
    const open = this.tokens[this.pos + 2];
    const literal = (receiver.kind === 'const' || receiver.kind === 'opaque') && receiver.stringLiteral;
    if (!literal || name?.text !== 'format' || this.pos + 2 >= this.to || open?.text !== '(')
      throw new NotEvaluable('an attribute access');
    this.pos += 3;
    const args: { star: boolean; value: Expr }[] = [];
    while (!this.takeOp(')')) {
      const star = this.takeOp('*');
      const next = this.tokens[this.pos + 1];
      if (!star && this.peek()?.kind === 'name' && next?.kind === 'op' && next.text === '=')
        throw new NotEvaluable('a keyword argument to format()');
      args.push({ star, value: this.expression() });
      if (!this.takeOp(',')) {
        this.expectOp(')');
        break;
      }
    }
    return { kind: 'format', receiver, args };
  }

  private peek(): Token | undefined {
    return this.pos < this.to ? this.tokens[this.pos] : undefined;
  }

  private atOp(text: string): boolean {
    const token = this.peek();
    return token?.kind === 'op' && token.text === text;
  }

  private takeOp(text: string): boolean {
    if (!this.atOp(text)) return false;
    this.pos++;
    return true;
  }

  private expectOp(text: string): void {
    if (!this.takeOp(text)) this.fail(this.peek(), true);
  }

  private fail(token: Token | undefined, afterValue: boolean): never {
    throw new NotEvaluable(describe(token, afterValue));
  }
}

function decodeFString(body: string, raw: boolean): Decoded<string> {
  const scan = scanFString(body, raw);
  if (scan.problem) return { ok: false, reason: scan.problem };
  if (scan.literal === null) return { ok: false, reason: 'an f-string with replacement fields' };
  return decodeStr(scan.literal, raw);
}

function concatBytes(pieces: Decoded<Uint8Array>[]): Expr {
  const chunks: Uint8Array[] = [];
  for (const piece of pieces) {
    if (!piece.ok) return { kind: 'opaque', reason: piece.reason, stringLiteral: false };
    chunks.push(piece.value);
  }
  return { kind: 'const', value: { type: 'bytes', bytes: Buffer.concat(chunks) }, stringLiteral: false };
}

/** A number token's value as Python 3 reads it; Python 2 forms and complex numbers are opaque. */
export function numberLiteral(text: string): Expr {
  const opaque = (reason: string): Expr => ({ kind: 'opaque', reason, stringLiteral: false });
  const digits = text.replace(/_/g, '');
  if (/[lL]$/.test(digits)) return opaque(`the Python 2 long literal ${text}`);
  if (/[jJ]$/.test(digits)) return opaque(`the complex number ${text}`);
  if (/^0[xXoObB]/.test(digits)) return intValue(BigInt(digits), text);
  if (/[.eE]/.test(digits))
    return { kind: 'const', value: { type: 'float', value: Number(digits) }, stringLiteral: false };
  if (/^0[0-9]*[1-9]/.test(digits)) return opaque(`the Python 2 octal literal ${text}`);
  return intValue(BigInt(digits), text);
}

function intValue(value: bigint, text: string): Expr {
  if (value > BigInt(Number.MAX_SAFE_INTEGER))
    return { kind: 'opaque', reason: `the integer ${text} is beyond 2**53`, stringLiteral: false };
  return { kind: 'const', value: Number(value), stringLiteral: false };
}

// ---------------------------------------------------------------------------------------------
// Evaluation

const fail = (reason: string): Result => ({ ok: false, reason });
const TOO_LARGE = `the value would be larger than ${MAX_WEIGHT} characters and items`;
const ok = (value: Value, weight: number): Result =>
  weight > MAX_WEIGHT ? fail(TOO_LARGE) : { ok: true, value, weight };

/** What evaluation needs: names resolved by the caller, and a bound on the work it does. */
export interface EvalContext {
  readonly lookup: NameLookup;
  /** Characters and items still to be built; every evaluation charges what it builds. */
  readonly budget: { remaining: number };
}

/** Evaluates a parsed expression; names go to `ctx.lookup`. */
export function evaluate(expr: Expr, ctx: EvalContext): Result {
  const result = evaluateNode(expr, ctx);
  // A name builds nothing (its value is shared); what uses it is charged for what it builds.
  if (!result.ok || expr.kind === 'name') return result;
  ctx.budget.remaining -= result.weight;
  return ctx.budget.remaining < 0 ? fail('reading it would take more work than a static reading allows') : result;
}

function evaluateNode(expr: Expr, ctx: EvalContext): Result {
  switch (expr.kind) {
    case 'const':
      return ok(expr.value, weightOf(expr.value));
    case 'opaque':
      return fail(expr.reason);
    case 'name':
      return ctx.lookup(expr);
    case 'list':
    case 'tuple':
      return evaluateSequence(expr.kind, expr.items, ctx);
    case 'dict':
      return evaluateDict(expr.entries, ctx);
    case 'unary':
      return evaluateSign(expr.op, expr.operand);
    case 'sum':
      return evaluateSum(expr.operands, ctx);
    case 'mod':
      return evaluateMod(expr.operands, ctx);
    case 'subscript':
      return evaluateSubscript(expr.value, expr.index, ctx);
    case 'format':
      return evaluateFormat(expr.receiver, expr.args, ctx);
  }
}

function weightOf(value: Value): number {
  if (typeof value === 'string') return value.length + 1;
  if (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    (value as { type: string }).type === 'bytes'
  ) {
    return (value as { bytes: Uint8Array }).bytes.length + 1;
  }
  return 1;
}

function evaluateSequence(kind: 'list' | 'tuple', items: readonly Expr[], ctx: EvalContext): Result {
  const values: Value[] = [];
  let weight = 1;
  for (const item of items) {
    const result = evaluate(item, ctx);
    if (!result.ok) return result;
    values.push(result.value);
    weight += result.weight;
    if (weight > MAX_WEIGHT) return fail(TOO_LARGE);
  }
  return ok(kind === 'list' ? values : { type: 'tuple', items: values }, weight);
}

function evaluateDict(entries: readonly [Expr, Expr][], ctx: EvalContext): Result {
  const map = new Map<string, Value>();
  let weight = 1;
  for (const [keyExpr, valueExpr] of entries) {
    const key = evaluate(keyExpr, ctx);
    if (!key.ok) return key;
    if (typeof key.value !== 'string') return fail('a dict key that is not a str');
    const value = evaluate(valueExpr, ctx);
    if (!value.ok) return value;
    map.set(key.value, value.value);
    weight += key.weight + value.weight;
    if (weight > MAX_WEIGHT) return fail(TOO_LARGE);
  }
  return ok({ type: 'dict', entries: map }, weight);
}

/** A sign applies to a number literal only (not to a name, a bool or another sign). */
function evaluateSign(op: '-' | '+', operand: Expr): Result {
  if (operand.kind === 'opaque') return fail(operand.reason);
  if (operand.kind !== 'const' || operand.stringLiteral)
    return fail(`the sign ${op} before something other than a number literal`);
  const value = operand.value;
  if (isInt(value)) return ok(op === '-' ? 0 - value : value, 1);
  if (isFloat(value)) return ok({ type: 'float', value: op === '-' ? -value.value : value.value }, 1);
  return fail(`the sign ${op} before something other than a number literal`);
}

/** `+` concatenates str, list or tuple operands of one kind, left to right. */
function evaluateSum(operands: readonly Expr[], ctx: EvalContext): Result {
  let acc: Result | undefined;
  for (const operand of operands) {
    const next = evaluate(operand, ctx);
    if (!next.ok) return next;
    acc = acc === undefined ? next : concat(acc as Extract<Result, { ok: true }>, next);
    if (!acc.ok) return acc;
  }
  return acc!;
}

function concat(left: Extract<Result, { ok: true }>, right: Extract<Result, { ok: true }>): Result {
  const a = left.value;
  const b = right.value;
  const weight = left.weight + right.weight;
  if (weight > MAX_WEIGHT) return fail(TOO_LARGE);
  if (typeof a === 'string' && typeof b === 'string') return ok(a + b, weight);
  if (isList(a) && isList(b)) return ok([...a, ...b], weight);
  if (isTuple(a) && isTuple(b)) return ok({ type: 'tuple', items: [...a.items, ...b.items] }, weight);
  return fail(`+ between ${typeName(a)} and ${typeName(b)} (only str, list and tuple are added here)`);
}

function evaluateMod(operands: readonly Expr[], ctx: EvalContext): Result {
  let acc = evaluate(operands[0]!, ctx);
  for (const operand of operands.slice(1)) {
    if (!acc.ok) return acc;
    const args = evaluate(operand, ctx);
    if (!args.ok) return args;
    if (typeof acc.value !== 'string') return fail(`% on ${typeName(acc.value)} (only str formatting is evaluated)`);
    const text = percentFormat(acc.value, args.value);
    acc = text.ok ? ok(text.value, text.value.length + 1) : fail(text.reason);
  }
  return acc;
}

const PERCENT_SPEC = /%(?:\(([^()]*)\))?([sd%])/y;

/** `format % args` with a tuple or a dict of str keys, and %s, %d, %(key)s, %(key)d, %% only. */
export function percentFormat(format: string, args: Value): Decoded<string> {
  const positional = isTuple(args) ? args.items : null;
  const mapping = isDict(args) ? args.entries : null;
  if (!positional && !mapping)
    return { ok: false, reason: `% with a ${typeName(args)} (only a tuple or a dict is evaluated)` };
  let out = '';
  let used = 0;
  let i = 0;
  while (i < format.length) {
    const percent = format.indexOf('%', i);
    if (percent === -1) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, percent);
    PERCENT_SPEC.lastIndex = percent;
    const spec = PERCENT_SPEC.exec(format);
    const key = spec?.[1];
    if (!spec || (key !== undefined && spec[2] === '%'))
      return {
        ok: false,
        reason: `the % conversion ${JSON.stringify(format.slice(percent, percent + 4))} (only %s and %d are evaluated)`,
      };
    i = percent + spec[0].length;
    if (spec[2] === '%') {
      out += '%';
      continue;
    }
    let value: Value | undefined;
    if (key !== undefined) {
      if (!mapping) return { ok: false, reason: '%(name)s with a tuple' };
      value = mapping.get(key);
      if (value === undefined) return { ok: false, reason: `%(${key}) has no entry in the dict` };
    } else {
      if (!positional) return { ok: false, reason: '% with a dict and a positional %s or %d' };
      value = positional[used++];
      if (value === undefined) return { ok: false, reason: 'not enough arguments for the % format' };
    }
    const text = spec[2] === 's' ? pyStr(value) : pyDecimal(value);
    if (text === null) return { ok: false, reason: `%${spec[2]} of ${typeName(value)}` };
    out += text;
    if (out.length > MAX_WEIGHT) return { ok: false, reason: TOO_LARGE };
  }
  if (positional && used < positional.length)
    return { ok: false, reason: 'not all arguments converted by the % format' };
  return { ok: true, value: out };
}

function evaluateFormat(receiver: Expr, args: readonly { star: boolean; value: Expr }[], ctx: EvalContext): Result {
  const format = evaluate(receiver, ctx);
  if (!format.ok) return format;
  const values: Value[] = [];
  for (const arg of args) {
    const result = evaluate(arg.value, ctx);
    if (!result.ok) return result;
    if (!arg.star) values.push(result.value);
    else if (isTuple(result.value)) for (const item of result.value.items) values.push(item);
    else if (isList(result.value)) for (const item of result.value) values.push(item);
    else return fail(`*${typeName(result.value)} in format() (only a tuple or a list is unpacked here)`);
  }
  const text = braceFormat(format.value as string, values);
  return text.ok ? ok(text.value, text.value.length + 1) : fail(text.reason);
}

/** `format.format(*args)` with `{}` or `{N}` fields only (no conversion, no format spec). */
export function braceFormat(format: string, args: readonly Value[]): Decoded<string> {
  let out = '';
  let numbering: 'auto' | 'manual' | null = null;
  let next = 0;
  let i = 0;
  while (i < format.length) {
    const c = format[i]!;
    if ((c === '{' || c === '}') && format[i + 1] === c) {
      out += c;
      i += 2;
      continue;
    }
    if (c === '}') return { ok: false, reason: "a single '}' in the format string" };
    if (c !== '{') {
      out += c;
      i++;
      continue;
    }
    const close = format.indexOf('}', i);
    if (close === -1) return { ok: false, reason: "a single '{' in the format string" };
    const field = /^([^!:]*)(?:(![^:]*))?(?::(.*))?$/s.exec(format.slice(i + 1, close))!;
    const [, name = '', conversion, spec] = field;
    if (format.slice(i + 1, close).includes('{')) return { ok: false, reason: 'a nested field in the format string' };
    if (conversion !== undefined || (spec !== undefined && spec !== ''))
      return { ok: false, reason: 'a conversion or format spec in a format field' };
    const mode = name === '' ? 'auto' : /^[0-9]+$/.test(name) ? 'manual' : null;
    if (mode === null) return { ok: false, reason: `the named or indexed field {${name}}` };
    if (numbering !== null && numbering !== mode) return { ok: false, reason: 'a format string that mixes {} and {N}' };
    numbering = mode;
    const index = mode === 'auto' ? next++ : Number(name);
    const value = args[index];
    if (value === undefined) return { ok: false, reason: `no argument for the field {${mode === 'auto' ? '' : name}}` };
    const text = pyStr(value);
    if (text === null) return { ok: false, reason: `{} of ${typeName(value)}` };
    out += text;
    if (out.length > MAX_WEIGHT) return { ok: false, reason: TOO_LARGE };
    i = close + 1;
  }
  return { ok: true, value: out };
}

function evaluateSubscript(valueExpr: Expr, index: Expr | SliceExpr, ctx: EvalContext): Result {
  const container = evaluate(valueExpr, ctx);
  if (!container.ok) return container;
  const value = container.value;
  const items = isList(value) ? value : isTuple(value) ? value.items : null;
  if (!items) return fail(`a subscript of ${typeName(value)} (only tuples and lists are subscripted here)`);
  if (index.kind !== 'slice') {
    const position = literalInt(index);
    if (position === null) return fail('a subscript that is not an int literal');
    const item = items[position < 0 ? position + items.length : position];
    return item === undefined ? fail('an index out of range') : ok(item, weightOf(item));
  }
  const parts = index.parts.map((part) => (part === null ? null : literalInt(part)));
  if (index.parts.some((part, n) => part !== null && parts[n] === null))
    return fail('a slice bound that is not an int literal');
  const [start, stop, step] = parts as (number | null)[];
  if (step === 0) return fail('a slice step of zero');
  const picked = slice(items, start ?? null, stop ?? null, step ?? 1);
  return ok(isList(value) ? picked : { type: 'tuple', items: picked }, container.weight);
}

/** An int literal, possibly signed (`-1`); null for anything else. */
function literalInt(expr: Expr): number | null {
  if (expr.kind === 'const' && isInt(expr.value)) return expr.value;
  if (expr.kind === 'unary' && expr.operand.kind === 'const' && isInt(expr.operand.value))
    return expr.op === '-' ? 0 - expr.operand.value : expr.operand.value;
  return null;
}

/** Python's slice semantics (PySlice_AdjustIndices). */
function slice<T>(items: readonly T[], start: number | null, stop: number | null, step: number): T[] {
  const length = items.length;
  const adjust = (bound: number | null, fallback: number): number => {
    if (bound === null) return fallback;
    if (bound < 0) return Math.max(bound + length, step < 0 ? -1 : 0);
    return Math.min(bound, step < 0 ? length - 1 : length);
  };
  const from = adjust(start, step < 0 ? length - 1 : 0);
  const to = adjust(stop, step < 0 ? -1 : length);
  const out: T[] = [];
  for (let i = from; step > 0 ? i < to : i > to; i += step) out.push(items[i]!);
  return out;
}

export function typeName(value: Value): string {
  if (typeof value === 'string') return 'str';
  if (typeof value === 'number') return 'int';
  if (typeof value === 'boolean') return 'bool';
  if (value === null) return 'None';
  if (isList(value)) return 'list';
  if (isTuple(value)) return 'tuple';
  if (isDict(value)) return 'dict';
  if (isFloat(value)) return 'float';
  return 'bytes';
}

/** The names an expression refers to (each occurrence), for dependency order and purity. */
export function referencedNames(
  expr: Expr,
  out: Extract<Expr, { kind: 'name' }>[] = [],
): Extract<Expr, { kind: 'name' }>[] {
  switch (expr.kind) {
    case 'name':
      out.push(expr);
      break;
    case 'list':
    case 'tuple':
      expr.items.forEach((item) => referencedNames(item, out));
      break;
    case 'dict':
      expr.entries.forEach(([k, v]) => (referencedNames(k, out), referencedNames(v, out)));
      break;
    case 'unary':
      referencedNames(expr.operand, out);
      break;
    case 'sum':
    case 'mod':
      expr.operands.forEach((operand) => referencedNames(operand, out));
      break;
    case 'subscript':
      referencedNames(expr.value, out);
      if (expr.index.kind === 'slice') expr.index.parts.forEach((part) => part && referencedNames(part, out));
      else referencedNames(expr.index, out);
      break;
    case 'format':
      referencedNames(expr.receiver, out);
      expr.args.forEach((arg) => referencedNames(arg.value, out));
      break;
    default:
      break;
  }
  return out;
}
