/**
 * Statements and blocks of a tokenized Python file, and the names each statement may bind.
 *
 * Blocks come from indentation, as Python's INDENT/DEDENT do; a statement knows its innermost
 * block and a block its parent, so nesting costs nothing per statement however deep it goes.
 * The binding scan is deliberately wider than Python's own rules where they are subtle (targets
 * with attributes or subscripts, `except` clauses, `case` patterns, comprehension variables that
 * leak in Python 2): a name it reports may be bound there, and the readers then treat its value
 * as unknown. It never misses a binding in a statement it sees.
 */
import { type LogicalLine, PYTHON_KEYWORDS, type Token } from './python-tokens.js';

export type HeaderKind =
  'if' | 'elif' | 'else' | 'for' | 'while' | 'try' | 'except' | 'finally' | 'with' | 'def' | 'class' | 'match' | 'case';

export interface Block {
  readonly kind: HeaderKind;
  readonly header: Statement;
  readonly column: number;
  readonly parent: Block | null;
  /** The nearest enclosing `def` or `class` block (this one included), whose names are not module names. */
  scope: Block | null;
}

export interface Statement {
  /** Position in file order. */
  readonly index: number;
  /** The statement's tokens; for a compound header, up to and including its colon. */
  readonly tokens: readonly Token[];
  readonly line: number;
  readonly header: HeaderKind | null;
  /** The innermost block the statement is in (null at module level). */
  readonly block: Block | null;
}

const HEADERS = new Set<string>([
  'if',
  'elif',
  'else',
  'for',
  'while',
  'try',
  'except',
  'finally',
  'with',
  'def',
  'class',
]);
const NOT_AFTER_SOFT_KEYWORD = new Set([
  '=',
  '.',
  ',',
  ':',
  ')',
  ']',
  '}',
  ';',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '|=',
  '&=',
  '^=',
  '//=',
  '**=',
  '>>=',
  '<<=',
  '@=',
]);

/** Statements of the logical lines, in file order, each with its block. */
export function statements(lines: readonly LogicalLine[]): Statement[] {
  const out: Statement[] = [];
  const stack: Block[] = [];
  for (const line of lines) {
    while (stack.length > 0 && stack[stack.length - 1]!.column >= line.indent) stack.pop();
    const current = stack[stack.length - 1] ?? null;
    const kind = headerKind(line.tokens);
    const colon = kind ? headerColon(line.tokens) : -1;
    if (!kind || colon === -1) {
      pushSimple(out, line.tokens, current);
      continue;
    }
    const header: Statement = {
      index: out.length,
      tokens: line.tokens.slice(0, colon + 1),
      line: line.line,
      header: kind,
      block: current,
    };
    out.push(header);
    const block: Block = { kind, header, column: line.indent, parent: current, scope: current?.scope ?? null };
    if (kind === 'def' || kind === 'class') block.scope = block;
    if (colon === line.tokens.length - 1) stack.push(block);
    else pushSimple(out, line.tokens.slice(colon + 1), block);
  }
  return out;
}

/** Simple statements separated by `;`. */
function pushSimple(out: Statement[], tokens: readonly Token[], block: Block | null): void {
  let start = 0;
  for (let i = 0; i <= tokens.length; i++) {
    const token = tokens[i];
    if (token && !(token.kind === 'op' && token.text === ';' && token.depth === 0)) continue;
    if (i > start)
      out.push({ index: out.length, tokens: tokens.slice(start, i), line: tokens[start]!.line, header: null, block });
    start = i + 1;
  }
}

function headerKind(tokens: readonly Token[]): HeaderKind | null {
  let first = tokens[0];
  if (first?.kind === 'name' && first.text === 'async') first = tokens[1];
  if (first?.kind !== 'name') return null;
  if (HEADERS.has(first.text)) return first.text as HeaderKind;
  if (first.text === 'match' || first.text === 'case') {
    const second = tokens[tokens.indexOf(first) + 1];
    if (second && !(second.kind === 'op' && NOT_AFTER_SOFT_KEYWORD.has(second.text))) return first.text;
  }
  return null;
}

/** The colon ending a compound header: the first at depth 0 that no `lambda` claims. */
export function headerColon(tokens: readonly Token[]): number {
  let lambdas = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.depth !== 0) continue;
    if (token.kind === 'name' && token.text === 'lambda') lambdas++;
    else if (token.kind === 'op' && token.text === ':') {
      if (lambdas === 0) return i;
      lambdas--;
    }
  }
  return -1;
}

/**
 * Splits tokens[from, to) at depth-`depth` occurrences of `separator` that no `lambda` claims
 * (a lambda's parameters are separated by commas and may have `=` defaults).
 */
export function splitTopLevel(
  tokens: readonly Token[],
  from: number,
  to: number,
  separator: string,
  depth: number,
): [number, number][] {
  const parts: [number, number][] = [];
  let lambdas = 0;
  let start = from;
  for (let i = from; i < to; i++) {
    const token = tokens[i]!;
    if (token.depth !== depth) continue;
    if (token.kind === 'name' && token.text === 'lambda') lambdas++;
    else if (token.kind === 'op' && token.text === ':' && lambdas > 0) lambdas--;
    else if (token.kind === 'op' && token.text === separator && lambdas === 0) {
      parts.push([start, i]);
      start = i + 1;
    }
  }
  parts.push([start, to]);
  return parts;
}

// ---------------------------------------------------------------------------------------------
// Bindings

export type BindingKind =
  | 'assignment' // NAME = expr, the one form whose value may be read
  | 'target' // a name inside another assignment target (a, b = ...; x[0] = ...; x.y = ...; chained)
  | 'augmented'
  | 'annotated'
  | 'for'
  | 'as'
  | 'import'
  | 'import-from'
  | 'def'
  | 'class'
  | 'global'
  | 'del'
  | 'walrus'
  | 'comprehension'
  | 'pattern';

export interface Binding {
  readonly name: string;
  readonly token: Token;
  readonly kind: BindingKind;
  readonly statement: Statement;
  /** For `assignment`: the value's tokens, statement.tokens[from, to). */
  readonly value?: readonly [number, number];
  /** For `import` and `import-from`: the module; for `import-from`, the name imported. */
  readonly module?: string;
  readonly imported?: string;
  /** For imports: bound under another name (`as`). */
  readonly aliased?: boolean;
}

export interface StatementBindings {
  bindings: Binding[];
  /** `from M import *`: the modules. */
  starImports: string[];
}

const AUGMENTED = new Set(['+=', '-=', '*=', '/=', '//=', '%=', '@=', '&=', '|=', '^=', '>>=', '<<=', '**=']);

/** What one statement may bind. `embedded` are the tokens of its f-string fields. */
export function statementBindings(statement: Statement, embedded: readonly (readonly Token[])[]): StatementBindings {
  const out: StatementBindings = { bindings: [], starImports: [] };
  const tokens = statement.tokens;
  const add = (token: Token, kind: BindingKind, extra: Partial<Binding> = {}): void => {
    out.bindings.push({ name: token.text, token, kind, statement, ...extra });
  };
  if (statement.header) headerBindings(statement, add);
  else simpleBindings(statement, add, out.starImports);
  expressionBindings(tokens, 0, tokens.length, add);
  for (const field of embedded) expressionBindings(field, 0, field.length, add);
  return out;
}

type Add = (token: Token, kind: BindingKind, extra?: Partial<Binding>) => void;

function headerBindings(statement: Statement, add: Add): void {
  const tokens = statement.tokens;
  const start = tokens[0]?.text === 'async' ? 1 : 0;
  switch (statement.header) {
    case 'def':
    case 'class': {
      const name = tokens[start + 1];
      if (name?.kind === 'name') add(name, statement.header);
      return;
    }
    case 'for': {
      const inAt = tokens.findIndex((t, i) => i > start && t.depth === 0 && t.kind === 'name' && t.text === 'in');
      namesIn(tokens, start + 1, inAt === -1 ? tokens.length : inAt, true).forEach((t) => add(t, 'for'));
      return;
    }
    case 'with':
      asTargets(tokens, 0, tokens.length).forEach((t) => add(t, 'as'));
      return;
    case 'except': {
      const targets = asTargets(tokens, 0, tokens.length);
      const comma = tokens.findIndex((t) => t.depth === 0 && t.kind === 'op' && t.text === ',');
      // Python 2: `except Error, name:`.
      const names =
        targets.length === 0 && comma !== -1 ? namesIn(tokens, comma + 1, tokens.length - 1, true) : targets;
      names.forEach((t) => add(t, 'as'));
      return;
    }
    case 'case':
      namesIn(tokens, 1, tokens.length - 1, false).forEach((t) => add(t, 'pattern'));
      return;
    default:
      return;
  }
}

function simpleBindings(statement: Statement, add: Add, starImports: string[]): void {
  const tokens = statement.tokens;
  const first = tokens[0]!;
  if (first.kind === 'name') {
    if (first.text === 'import') return importBindings(tokens, add);
    if (first.text === 'from') return fromImportBindings(tokens, add, starImports);
    if (first.text === 'global') return namesIn(tokens, 1, tokens.length, false).forEach((t) => add(t, 'global'));
    if (first.text === 'del') return namesIn(tokens, 1, tokens.length, false).forEach((t) => add(t, 'del'));
  }
  assignmentBindings(tokens, add);
}

function assignmentBindings(tokens: readonly Token[], add: Add): void {
  const parts = splitTopLevel(tokens, 0, tokens.length, '=', 0);
  if (parts.length > 1) {
    const targets = parts.slice(0, -1);
    const [valueFrom, valueTo] = parts[parts.length - 1]!;
    for (const [from, to] of targets) {
      const single = to - from === 1 && tokens[from]!.kind === 'name' && targets.length === 1;
      if (single) add(tokens[from]!, 'assignment', { value: [valueFrom, valueTo] });
      else
        namesIn(tokens, from, to, true).forEach((t) =>
          add(t, hasAnnotation(tokens, from, to) ? 'annotated' : 'target'),
        );
    }
    return;
  }
  const augmented = tokens.findIndex((t) => t.depth === 0 && t.kind === 'op' && AUGMENTED.has(t.text));
  if (augmented !== -1) return namesIn(tokens, 0, augmented, true).forEach((t) => add(t, 'augmented'));
  const colon = headerColon(tokens);
  if (colon !== -1) namesIn(tokens, 0, colon, true).forEach((t) => add(t, 'annotated'));
}

function hasAnnotation(tokens: readonly Token[], from: number, to: number): boolean {
  return headerColon(tokens.slice(from, to)) !== -1;
}

/** `import a.b.c` binds a; `import a.b as c` binds c. */
function importBindings(tokens: readonly Token[], add: Add): void {
  for (const [from, to] of splitTopLevel(tokens, 1, tokens.length, ',', 0)) {
    const asAt = indexOfName(tokens, from, to, 'as');
    const module = dotted(tokens, from, asAt === -1 ? to : asAt);
    const bound = asAt === -1 ? tokens[from] : tokens[asAt + 1];
    if (bound?.kind === 'name') add(bound, 'import', { module, aliased: asAt !== -1 });
  }
}

/** `from M import a, b as c` binds a and c; `from M import *` may bind anything. */
function fromImportBindings(tokens: readonly Token[], add: Add, starImports: string[]): void {
  const importAt = indexOfName(tokens, 1, tokens.length, 'import');
  if (importAt === -1) return namesIn(tokens, 1, tokens.length, false).forEach((t) => add(t, 'import-from'));
  const module = dotted(tokens, 1, importAt);
  let from = importAt + 1;
  let to = tokens.length;
  if (tokens[from]?.text === '(') {
    from++;
    if (tokens[to - 1]?.text === ')') to--;
  }
  if (tokens[from]?.text === '*') {
    starImports.push(module);
    return;
  }
  for (const [start, end] of splitTopLevel(tokens, from, to, ',', tokens[from]?.depth ?? 0)) {
    if (start === end) continue;
    const imported = tokens[start]!;
    const asAt = indexOfName(tokens, start, end, 'as');
    const bound = asAt === -1 ? imported : tokens[asAt + 1];
    if (bound?.kind === 'name')
      add(bound, 'import-from', { module, imported: imported.text, aliased: bound !== imported });
    // Anything else in the item (a malformed list) is taken as bound too.
    for (const other of namesIn(tokens, start, end, true))
      if (other !== bound && other !== imported && other.text !== 'as') add(other, 'import-from', { module });
  }
}

/** Walrus targets and comprehension variables (which Python 2 leaks into the enclosing scope). */
function expressionBindings(tokens: readonly Token[], from: number, to: number, add: Add): void {
  for (let i = from; i < to; i++) {
    const token = tokens[i]!;
    const next = tokens[i + 1];
    if (token.kind === 'name' && next?.kind === 'op' && next.text === ':=') add(token, 'walrus');
    if (token.kind === 'name' && token.text === 'for' && token.depth > 0) {
      let end = i + 1;
      while (
        end < to &&
        !(tokens[end]!.depth === token.depth && tokens[end]!.kind === 'name' && tokens[end]!.text === 'in')
      )
        end++;
      namesIn(tokens, i + 1, end, true).forEach((t) => add(t, 'comprehension'));
      i = end;
    }
  }
}

/** Names after a depth-0 `as`, up to the next depth-0 comma or colon. */
function asTargets(tokens: readonly Token[], from: number, to: number): Token[] {
  const out: Token[] = [];
  for (let i = from; i < to; i++) {
    const token = tokens[i]!;
    if (token.depth !== 0 || token.kind !== 'name' || token.text !== 'as') continue;
    let end = i + 1;
    while (
      end < to &&
      !(
        tokens[end]!.depth === 0 &&
        tokens[end]!.kind === 'op' &&
        (tokens[end]!.text === ',' || tokens[end]!.text === ':')
      )
    )
      end++;
    for (const name of namesIn(tokens, i + 1, end, true)) out.push(name);
    i = end;
  }
  return out;
}

export function isKeyword(name: string): boolean {
  return PYTHON_KEYWORDS.has(name);
}

/** Name tokens in tokens[from, to); with `afterDots`, attribute names too. */
export function namesIn(tokens: readonly Token[], from: number, to: number, afterDots: boolean): Token[] {
  const out: Token[] = [];
  for (let i = from; i < to; i++) {
    const token = tokens[i]!;
    if (token.kind !== 'name' || PYTHON_KEYWORDS.has(token.text)) continue;
    if (!afterDots && tokens[i - 1]?.kind === 'op' && tokens[i - 1]!.text === '.') continue;
    out.push(token);
  }
  return out;
}

function indexOfName(tokens: readonly Token[], from: number, to: number, name: string): number {
  for (let i = from; i < to; i++)
    if (tokens[i]!.kind === 'name' && tokens[i]!.text === name && tokens[i]!.depth === tokens[from]!.depth) return i;
  return -1;
}

function dotted(tokens: readonly Token[], from: number, to: number): string {
  return tokens
    .slice(from, to)
    .map((t) => t.text)
    .join('');
}
