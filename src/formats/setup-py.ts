/**
 * What an old setup.py declares, read statically: the keyword arguments of its module-level
 * `setup(...)` call, evaluated where they are literal and reported as unknown, with the reason,
 * where they are computed. Nothing in the file is run.
 *
 * The call is accepted at module level or directly inside `if __name__ == "__main__":` (the
 * block then runs as straight-line code, so its statements before the call count as module
 * level). A call inside a function, a loop, another `if`, a `try`, a `with` or a class, or part
 * of a larger expression, is not statically readable. `setup` must be imported from setuptools
 * or distutils.core (or the call written `setuptools.setup(...)` / `distutils.core.setup(...)`).
 *
 * Values are evaluated by python-expr.ts. A name is evaluated only when, before the call, it is
 * bound exactly once, by `NAME = <expr>` at module level; any other binding anywhere before the
 * call (a second assignment, an assignment inside `if`/`for`/`try`/`with`, an import, a loop or
 * `with` target, a `global` statement in a function, a walrus, a comprehension variable, `del`,
 * an augmented assignment) makes it unknown. A name whose value holds a list or dict is also
 * unknown when it appears anywhere before the call other than in setup()'s evaluable keyword
 * values, since code there could change it in place. `globals()`, `exec`, `sys.modules` and their
 * kind, or `from M import *`, can rebind any name: the file's names are then all unknown.
 *
 * Assumptions, stated because nothing here can check them: the call receives what its text says
 * (no module imported by setup.py rebinds its globals through `__main__`), and the source was
 * decoded by the caller (PEP 263). Values are Python 3's: a plain '\u00e9' is 'é' here, as in
 * Python 3, though Python 2 read it as six bytes.
 *
 * Work is linear in the file's size; nesting, name chains and value sizes are bounded.
 */
import {
  evaluate,
  parseExpression,
  referencedNames,
  typeName,
  type EvalContext,
  type Expr,
  type Parsed,
  type Result,
} from './python-expr.js';
import {
  isKeyword,
  namesIn,
  splitTopLevel,
  statementBindings,
  statements,
  type Binding,
  type Block,
  type Statement,
} from './python-statements.js';
import { decodeStr, fieldExpressions, scanFString, stringParts } from './python-strings.js';
import { normalizeNewlines, tokenize, tokenizeExpression, type Token } from './python-tokens.js';
import { isMutable, type Value } from './python-values.js';

export type { Value, PyTuple, PyDict, PyFloat, PyBytes } from './python-values.js';

/** A keyword whose value is known, and the line where it is written. */
export interface Known {
  readonly line: number;
  readonly value: Value;
}

/** A keyword whose value is not statically known: its source text and why. */
export interface Unknown {
  readonly line: number;
  readonly unknown: string;
  readonly reason: string;
}

export type SetupCall =
  | {
      readonly status: 'found';
      readonly line: number;
      readonly form: 'setup' | 'setuptools.setup' | 'distutils.core.setup';
      readonly inMainBlock: boolean;
    }
  | { readonly status: 'not-found'; readonly reason: string }
  | { readonly status: 'several'; readonly reason: string; readonly lines: readonly number[] };

export interface SetupPyDeclaration {
  readonly call: SetupCall;
  /** The keywords written in the call, by name, in the call's order. */
  readonly keywords: ReadonlyMap<string, Known | Unknown>;
  /** The call also passes `**mapping`: a keyword not in `keywords` may be in it. */
  readonly otherKeywords: Unknown | null;
}

export function isUnknown(entry: Known | Unknown): entry is Unknown {
  return 'unknown' in entry;
}

/** A keyword as declared: known, unknown, or undefined when the call certainly does not pass it. */
export function declaredKeyword(declaration: SetupPyDeclaration, name: string): Known | Unknown | undefined {
  return declaration.keywords.get(name) ?? declaration.otherKeywords ?? undefined;
}

/** "setup.py line 71: python_requires is computed ('>={}.{}'.format(*X)): X is ..." */
export function describeUnknown(keyword: string, entry: Unknown): string {
  return `setup.py line ${entry.line}: ${keyword} is computed (${clip(entry.unknown, 200)}): ${entry.reason}`;
}

/** Names through which `a = b`, `b = c`, ... chains are followed. */
export const MAX_NAME_DEPTH = 100;
/** Characters and items all evaluations of one file may build together. */
export const WORK_BUDGET = 10_000_000;

/** Words that can reach or rebind the module's names by other means than a visible binding. */
const DYNAMIC_WORDS = new Set([
  'globals',
  'locals',
  'vars',
  'exec',
  'execfile',
  'eval',
  'getattr',
  'setattr',
  'delattr',
  '__dict__',
  '__globals__',
  'func_globals',
  'f_globals',
  'f_locals',
  '__builtins__',
  'builtins',
  '__builtin__',
  'modules',
  'import_module',
  '_getframe',
  'currentframe',
  '__main__',
]);

const SETUP_MODULES = new Set(['setuptools', 'distutils.core']);

export function readSetupPy(source: string): SetupPyDeclaration {
  return new SetupPyReader(normalizeNewlines(source)).read();
}

const notFound = (reason: string): SetupPyDeclaration => ({
  call: { status: 'not-found', reason },
  keywords: new Map(),
  otherKeywords: null,
});

interface CallSite {
  statement: Statement;
  /** Index in statement.tokens of the callee's first token and of the opening parenthesis. */
  start: number;
  open: number;
  form: 'setup' | 'setuptools.setup' | 'distutils.core.setup';
  /** Found inside an f-string's replacement field. */
  embedded: boolean;
}

interface Argument {
  name: string;
  nameToken: Token;
  from: number;
  to: number;
  parsed: Parsed;
}

class SetupPyReader {
  private readonly statements: Statement[];
  private readonly embedded = new Map<Statement, Token[][]>();
  private readonly bindings = new Map<string, Binding[]>();
  private readonly starImports: { module: string; line: number }[] = [];
  private readonly occurrences = new Map<string, Token[]>();
  private taint: string | null = null;
  private call!: CallSite;
  private mainBlock: Block | null = null;
  /** The bindings the call's arguments need, in file order, and their parsed values. */
  private neededInOrder: Binding[] = [];
  private readonly parsedValues = new Map<Binding, Parsed>();
  /** Values as assigned, whatever happens to them later: these decide which arguments are pure. */
  private readonly raw = new Map<Binding, Result>();
  /** Values as setup() receives them: a list or dict used elsewhere is unknown. */
  private readonly final = new Map<Binding, Result>();
  /** Per name, the line of a use that may change its value in place (null: none). */
  private readonly changeLines = new Map<string, number | null>();
  /** Name tokens inside arguments whose raw value is known: uses that change nothing. */
  private readonly pureTokens = new Set<Token>();
  private readonly ctx = (lookup: EvalContext['lookup']): EvalContext => ({ lookup, budget: this.budget });
  private readonly budget = { remaining: WORK_BUDGET };

  constructor(private readonly text: string) {
    this.statements = statements(tokenize(text));
  }

  read(): SetupPyDeclaration {
    const ambiguity = this.fStringAmbiguity();
    if (ambiguity) return notFound(ambiguity);
    const sites = this.callSites();
    if (sites.length === 0) return notFound('setup.py has no setup(...) call');
    if (sites.length > 1) {
      const lines = sites.map((s) => s.statement.line);
      return {
        call: {
          status: 'several',
          reason: `setup() is called ${sites.length} times (lines ${lines.join(', ')})`,
          lines,
        },
        keywords: new Map(),
        otherKeywords: null,
      };
    }
    this.call = sites[0]!;
    const placement = this.placementProblem();
    if (placement) return notFound(placement);
    this.scanRegion();
    const callee = this.calleeProblem();
    if (callee) return notFound(callee);
    return this.readArguments();
  }

  /**
   * An f-string that Python 3.12 splits differently changes how the rest of the file reads:
   * then nothing is read. (Other text no Python tokenizes costs only its statement, whose names
   * count as bound there, or the keyword whose value holds it.)
   */
  private fStringAmbiguity(): string | null {
    for (const statement of this.statements) {
      const fields: Token[][] = [];
      for (const token of statement.tokens) {
        if (token.kind === 'string' && !collectFields(token.text, token.line, fields, 0)) {
          return `line ${token.line}: an f-string whose replacement field reuses its quotes (Python 3.12 reads the file differently)`;
        }
      }
      if (fields.length > 0) this.embedded.set(statement, fields);
    }
    return null;
  }

  private callSites(): CallSite[] {
    const sites: CallSite[] = [];
    for (const statement of this.statements) {
      for (const start of callSitesIn(statement.tokens)) sites.push({ statement, ...start, embedded: false });
      for (const field of this.embedded.get(statement) ?? []) {
        for (const start of callSitesIn(field)) sites.push({ statement, ...start, embedded: true });
      }
    }
    return sites;
  }

  /** Why the one call is not statically readable where it is, or null. */
  private placementProblem(): string | null {
    const { statement, start, open, embedded } = this.call;
    const where = `setup() at line ${statement.line}`;
    if (embedded) return `${where} is inside an f-string: not statically readable`;
    const blockProblem = enclosingProblem(statement.block);
    if (blockProblem) return `${where} is ${blockProblem}: not statically readable`;
    const tokens = statement.tokens;
    const assigned = start === 2 && tokens[0]!.kind === 'name' && tokens[1]!.text === '=';
    const close = matchingClose(tokens, open);
    if (statement.header || !(start === 0 || assigned) || close !== tokens.length - 1)
      return `${where} is part of a larger statement: not statically readable`;
    if (statement.block) this.mainBlock = statement.block;
    return null;
  }

  /**
   * Everything before the end of the call's statement: the names each statement binds, the
   * names it uses, and whether it can rebind names out of sight.
   */
  private scanRegion(): void {
    for (const statement of this.statements.slice(0, this.call.statement.index + 1)) {
      const embedded = this.embedded.get(statement) ?? [];
      const all = [statement.tokens, ...embedded];
      for (const tokens of all) {
        this.scanDynamic(tokens);
        this.scanOccurrences(tokens);
      }
      if (statement.block?.scope) {
        // Inside a def or class body only `global` reaches module names.
        if (statement.tokens[0]?.text === 'global') {
          for (const token of namesIn(statement.tokens, 1, statement.tokens.length, false))
            this.addBinding({ name: token.text, token, kind: 'global', statement });
        }
        continue;
      }
      const found = statementBindings(statement, embedded);
      found.bindings.forEach((binding) => this.addBinding(binding));
      for (const module of found.starImports) {
        this.starImports.push({ module, line: statement.line });
        this.taint ??= `from ${module} import * (line ${statement.line}) may bind any name`;
      }
    }
  }

  private addBinding(binding: Binding): void {
    const list = this.bindings.get(binding.name);
    if (list) list.push(binding);
    else this.bindings.set(binding.name, [binding]);
  }

  private scanDynamic(tokens: readonly Token[]): void {
    if (this.taint) return;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (token.kind !== 'name') continue;
      if (DYNAMIC_WORDS.has(token.text) || (token.text === '__import__' && !isPlainImportCall(tokens, i))) {
        this.taint = `setup.py uses ${token.text} (line ${token.line}), which can rebind any name`;
        return;
      }
    }
  }

  /** Every use of a name: not an attribute, not a keyword argument's name. */
  private scanOccurrences(tokens: readonly Token[]): void {
    const brackets: string[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (token.kind === 'op' && (token.text === '(' || token.text === '[' || token.text === '{'))
        brackets.push(token.text);
      else if (token.kind === 'op' && (token.text === ')' || token.text === ']' || token.text === '}')) brackets.pop();
      if (token.kind !== 'name' || isKeyword(token.text)) continue;
      const previous = tokens[i - 1];
      if (previous?.kind === 'op' && previous.text === '.') continue;
      const next = tokens[i + 1];
      if (next?.kind === 'op' && next.text === '=' && brackets[brackets.length - 1] === '(') continue;
      const list = this.occurrences.get(token.text);
      if (list) list.push(token);
      else this.occurrences.set(token.text, [token]);
    }
  }

  /** Why `setup` (or `setuptools`, `distutils`) may not be the setuptools/distutils function, or null. */
  private calleeProblem(): string | null {
    const form = this.call.form;
    const setupBindings = this.bindingsBefore('setup');
    const strangeSetup = setupBindings.find(
      (b) => !(b.kind === 'import-from' && SETUP_MODULES.has(b.module ?? '') && b.imported === 'setup' && !b.aliased),
    );
    if (strangeSetup)
      return `setup is ${describeBinding(strangeSetup)} (line ${strangeSetup.statement.line}), not only imported from setuptools or distutils.core`;
    if (form === 'setup') {
      const star = this.starImports.find((s) => !SETUP_MODULES.has(s.module));
      if (setupBindings.length > 0)
        return star ? `from ${star.module} import * (line ${star.line}) may bind setup` : null;
      if (this.starImports.some((s) => SETUP_MODULES.has(s.module)) && !star) return null;
      return 'setup is not imported from setuptools or distutils.core';
    }
    const root = form === 'setuptools.setup' ? 'setuptools' : 'distutils';
    const roots = this.bindingsBefore(root);
    const good = (b: Binding): boolean =>
      b.kind === 'import' &&
      !b.aliased &&
      (b.module === (form === 'setuptools.setup' ? 'setuptools' : 'distutils.core') ||
        (b.module ?? '').startsWith(`${root}.`));
    const strange = roots.find((b) => !good(b));
    if (strange) return `${root} is ${describeBinding(strange)} (line ${strange.statement.line}), not only imported`;
    if (roots.length === 0) return `${root} is not imported`;
    return null;
  }

  /**
   * `packages=find_packages(...)` (or find_namespace_packages, imported from setuptools and bound
   * nowhere else): the call is not run, but its arguments are read as any value is, into a dict
   * naming the finder — `{"__finder__": "find_packages", "exclude": [...]}` — from which the
   * packages are computed over the tag's files as setuptools' PackageFinder would.
   */
  private packageFinder(tokens: readonly Token[], from: number, to: number): Parsed | undefined {
    let at = from;
    if (tokens[at]?.kind === 'name' && tokens[at]!.text === 'setuptools' && tokens[at + 1]?.text === '.') at += 2;
    const callee = tokens[at];
    if (callee?.kind !== 'name' || (callee.text !== 'find_packages' && callee.text !== 'find_namespace_packages'))
      return undefined;
    const open = tokens[at + 1];
    if (
      open?.kind !== 'op' ||
      open.text !== '(' ||
      tokens[to - 1]?.text !== ')' ||
      tokens[to - 1]!.depth !== open.depth
    )
      return undefined;
    const imported = at === from ? this.bindingsBefore(callee.text) : this.bindingsBefore('setuptools');
    const wellImported =
      imported.length > 0 &&
      imported.every((b) =>
        at === from
          ? b.kind === 'import-from' && b.module === 'setuptools' && b.imported === callee.text && !b.aliased
          : b.kind === 'import' && b.module === 'setuptools' && !b.aliased,
      );
    if (!wellImported) return { ok: false, reason: `${callee.text} is not only imported from setuptools` };
    const entries: [Expr, Expr][] = [[constant('__finder__'), constant(callee.text)]];
    const positional = ['where', 'exclude', 'include'];
    let index = 0;
    for (const [argFrom, argTo] of splitTopLevel(tokens, at + 2, to - 1, ',', open.depth + 1)) {
      if (argFrom === argTo) continue;
      const isKeyword = tokens[argFrom]?.kind === 'name' && tokens[argFrom + 1]?.text === '=';
      const name = isKeyword ? tokens[argFrom]!.text : positional[index++];
      if (!name || !positional.includes(name))
        return { ok: false, reason: `${callee.text}() receives an argument crosscheck does not read` };
      const parsed = parseExpression(tokens, isKeyword ? argFrom + 2 : argFrom, argTo);
      if (!parsed.ok) return parsed;
      entries.push([constant(name), parsed.expr]);
    }
    return { ok: true, expr: { kind: 'dict', entries } };
  }

  private bindingsBefore(name: string): Binding[] {
    return (this.bindings.get(name) ?? []).filter((b) => b.statement.index < this.call.statement.index);
  }

  private readArguments(): SetupPyDeclaration {
    const { statement, open, form } = this.call;
    const tokens = statement.tokens;
    const keywords = new Map<string, Known | Unknown>();
    let otherKeywords: Unknown | null = null;
    const args: Argument[] = [];
    for (const [from, to] of splitTopLevel(tokens, open + 1, tokens.length - 1, ',', tokens[open]!.depth + 1)) {
      if (from === to) continue;
      const first = tokens[from]!;
      const isKeyword = first.kind === 'name' && tokens[from + 1]?.kind === 'op' && tokens[from + 1]!.text === '=';
      const bad = tokens.slice(isKeyword ? from + 2 : from, to).find((t) => t.kind === 'error');
      // Outside a keyword's value, text Python does not tokenize leaves the arguments unknowable.
      if (bad && !isKeyword)
        return notFound(
          `setup() at line ${statement.line} has text Python does not tokenize between its arguments (line ${bad.line})`,
        );
      if (first.kind === 'op' && first.text === '**') {
        const text = this.source(tokens, from, to);
        otherKeywords ??= {
          line: first.line,
          unknown: text,
          reason: `setup() also receives ${text}: any keyword not written out may be in it`,
        };
        continue;
      }
      const equals = tokens[from + 1];
      // Positional and *args arguments give setup() no keyword (any would make the call fail).
      if (first.kind !== 'name' || equals?.kind !== 'op' || equals.text !== '=') continue;
      const finder = first.text === 'packages' ? this.packageFinder(tokens, from + 2, to) : undefined;
      args.push({
        name: first.text,
        nameToken: first,
        from: from + 2,
        to,
        parsed: finder ?? parseExpression(tokens, from + 2, to),
      });
    }
    // A keyword given twice is a SyntaxError: neither value is what setup() receives.
    const counts = new Map<string, number>();
    for (const arg of args) counts.set(arg.name, (counts.get(arg.name) ?? 0) + 1);
    for (const arg of args)
      if (counts.get(arg.name)! > 1)
        arg.parsed = { ok: false, reason: `${arg.name} is given twice (Python refuses the call)` };
    this.prepareNames(args);
    const rawResults = args.map((arg) => this.evaluateArgument(arg, 'raw'));
    args.forEach((arg, n) => {
      if (rawResults[n]!.ok && arg.parsed.ok)
        referencedNames(arg.parsed.expr).forEach((ref) => this.pureTokens.add(ref.token));
    });
    for (const binding of this.neededInOrder) this.final.set(binding, this.evaluateBinding(binding, 'final'));
    args.forEach((arg) => {
      const result = this.evaluateArgument(arg, 'final');
      const line = arg.nameToken.line;
      const entry: Known | Unknown = result.ok
        ? { line, value: result.value }
        : { line, unknown: this.source(tokens, arg.from, arg.to), reason: clip(result.reason, 500) };
      if (!keywords.has(arg.name)) keywords.set(arg.name, entry);
    });
    return {
      call: { status: 'found', line: statement.line, form, inMainBlock: this.mainBlock !== null },
      keywords,
      otherKeywords,
    };
  }

  /**
   * The bindings the arguments need, found by a worklist (no recursion however long the chain),
   * then evaluated once each in file order, so a name's value is ready before any later use.
   */
  private prepareNames(args: readonly Argument[]): void {
    const needed = new Set<Binding>();
    const queue: Expr[] = args.flatMap((arg) => (arg.parsed.ok ? [arg.parsed.expr] : []));
    while (queue.length > 0) {
      for (const ref of referencedNames(queue.pop()!)) {
        const binding = this.readableBinding(ref.id);
        if (!binding || needed.has(binding)) continue;
        needed.add(binding);
        const parsed = parseExpression(binding.statement.tokens, binding.value![0], binding.value![1]);
        this.parsedValues.set(binding, parsed);
        if (parsed.ok) queue.push(parsed.expr);
      }
    }
    this.neededInOrder = [...needed].sort((a, b) => a.statement.index - b.statement.index);
    const depth = new Map<Binding, number>();
    for (const binding of this.neededInOrder) {
      const parsed = this.parsedValues.get(binding)!;
      const refs = parsed.ok ? referencedNames(parsed.expr) : [];
      let deepest = 0;
      for (const ref of refs) deepest = Math.max(deepest, depth.get(this.readableBinding(ref.id)!) ?? 0);
      depth.set(binding, deepest + 1);
      const tooDeep = deepest + 1 > MAX_NAME_DEPTH;
      this.raw.set(
        binding,
        tooDeep
          ? { ok: false, reason: `names defined through more than ${MAX_NAME_DEPTH} other names` }
          : this.evaluateBinding(binding, 'raw'),
      );
    }
  }

  /** The one `NAME = value` binding a name may be read from (whatever its position), or null. */
  private readableBinding(name: string): Binding | null {
    const list = this.bindings.get(name);
    if (!list || list.length !== 1) return null;
    const binding = list[0]!;
    return binding.kind === 'assignment' && this.isStraightLine(binding.statement) ? binding : null;
  }

  private isStraightLine(statement: Statement): boolean {
    return statement.block === null || statement.block === this.mainBlock;
  }

  private evaluateBinding(binding: Binding, mode: 'raw' | 'final'): Result {
    const parsed = this.parsedValues.get(binding)!;
    const tokens = binding.statement.tokens;
    const text = clip(this.source(tokens, binding.value![0], binding.value![1]), 80);
    if (!parsed.ok)
      return { ok: false, reason: `${binding.name} (line ${binding.statement.line}) is ${text}: ${parsed.reason}` };
    if (mode === 'final' && !this.raw.get(binding)!.ok) return this.raw.get(binding)!;
    const result = evaluate(
      parsed.expr,
      this.ctx((ref) => this.lookup(ref, binding.statement.index, mode)),
    );
    // Clipped before it is joined: a chain of names must not build ever longer reasons.
    return result.ok
      ? result
      : {
          ok: false,
          reason: `${binding.name} (line ${binding.statement.line}) is ${text}: ${clip(result.reason, 300)}`,
        };
  }

  private evaluateArgument(arg: Argument, mode: 'raw' | 'final'): Result {
    if (!arg.parsed.ok) return arg.parsed;
    return evaluate(
      arg.parsed.expr,
      this.ctx((ref) => this.lookup(ref, this.call.statement.index, mode)),
    );
  }

  /** A name's value where it is used (statement `at`), or why it has none. */
  private lookup(ref: Extract<Expr, { kind: 'name' }>, at: number, mode: 'raw' | 'final'): Result {
    const name = ref.id;
    const list = this.bindings.get(name) ?? [];
    if (name === 'True' || name === 'False') {
      return list.length > 0
        ? { ok: false, reason: `${name} is assigned in setup.py (line ${list[0]!.statement.line})` }
        : { ok: true, value: name === 'True', weight: 1 };
    }
    if (this.taint) return { ok: false, reason: `${name}: ${this.taint}` };
    if (list.length === 0) return { ok: false, reason: `${name} is not assigned in setup.py before the call` };
    if (list.length > 1)
      return {
        ok: false,
        reason: `${name} is bound ${list.length} times (lines ${[...new Set(list.map((b) => b.statement.line))].join(', ')})`,
      };
    const binding = list[0]!;
    if (binding.kind !== 'assignment' || !this.isStraightLine(binding.statement))
      return { ok: false, reason: `${name} is ${describeBinding(binding)} (line ${binding.statement.line})` };
    if (binding.statement.index >= at)
      return { ok: false, reason: `${name} is assigned after it is used (line ${binding.statement.line})` };
    const value = (mode === 'raw' ? this.raw : this.final).get(binding);
    if (!value) return { ok: false, reason: `${name} could not be read` };
    if (!value.ok || mode === 'raw' || !isMutable(value.value)) return value;
    const changedAt = this.changedAt(name, binding);
    return changedAt === null
      ? value
      : {
          ok: false,
          reason: `${name} is a ${typeName(value.value)} that setup.py also uses at line ${changedAt}, where it may be changed`,
        };
  }

  /** The line of a use of `name` that could change its value in place, or null. */
  private changedAt(name: string, binding: Binding): number | null {
    if (!this.changeLines.has(name)) {
      const use = (this.occurrences.get(name) ?? []).find(
        (token) => token !== binding.token && !this.pureTokens.has(token),
      );
      this.changeLines.set(name, use ? use.line : null);
    }
    return this.changeLines.get(name) ?? null;
  }

  private source(tokens: readonly Token[], from: number, to: number): string {
    if (from >= to) return '';
    return this.text.slice(tokens[from]!.start, tokens[to - 1]!.end);
  }
}

/** Where `setup (` is called in a token list: bare, `setuptools.setup`, `distutils.core.setup`. */
function callSitesIn(tokens: readonly Token[]): { start: number; open: number; form: CallSite['form'] }[] {
  const out: { start: number; open: number; form: CallSite['form'] }[] = [];
  const isOp = (i: number, text: string): boolean => tokens[i]?.kind === 'op' && tokens[i]!.text === text;
  const isName = (i: number, text: string): boolean => tokens[i]?.kind === 'name' && tokens[i]!.text === text;
  for (let i = 0; i < tokens.length; i++) {
    if (!isName(i, 'setup') || !isOp(i + 1, '(')) continue;
    if (isName(i - 1, 'def') || isName(i - 1, 'class')) continue;
    if (!isOp(i - 1, '.')) out.push({ start: i, open: i + 1, form: 'setup' });
    else if (isName(i - 2, 'setuptools') && !isOp(i - 3, '.'))
      out.push({ start: i - 2, open: i + 1, form: 'setuptools.setup' });
    else if (isName(i - 2, 'core') && isOp(i - 3, '.') && isName(i - 4, 'distutils') && !isOp(i - 5, '.'))
      out.push({ start: i - 4, open: i + 1, form: 'distutils.core.setup' });
  }
  return out;
}

/** The index of the `)` closing tokens[open], or -1. */
function matchingClose(tokens: readonly Token[], open: number): number {
  const depth = tokens[open]!.depth;
  for (let i = open + 1; i < tokens.length; i++)
    if (tokens[i]!.depth === depth) return tokens[i]!.text === ')' ? i : -1;
  return -1;
}

/** Why a statement in `block` is not straight-line module code, or null (module level, main block). */
function enclosingProblem(block: Block | null): string | null {
  if (block === null) return null;
  if (block.parent === null && block.kind === 'if' && isMainTest(block.header)) return null;
  let reason: string | null = null;
  for (let b: Block | null = block; b !== null; b = b.parent) {
    if (b.kind === 'def') return `inside a function (def at line ${b.header.line})`;
    if (b.kind === 'class') return `inside a class (line ${b.header.line})`;
    if (b.kind === 'for' || b.kind === 'while') reason = `inside a loop (line ${b.header.line})`;
    else reason ??= `inside ${BLOCK_NAMES[b.kind]} (line ${b.header.line})`;
  }
  return reason;
}

const BLOCK_NAMES: Readonly<Record<Block['kind'], string>> = {
  if: 'an if block',
  elif: 'an elif block',
  else: 'an else block',
  for: 'a loop',
  while: 'a loop',
  try: 'a try block',
  except: 'an except block',
  finally: 'a finally block',
  with: 'a with block',
  def: 'a function',
  class: 'a class',
  match: 'a match statement',
  case: 'a case block',
};

/** `if __name__ == "__main__":` (either side of ==). */
function isMainTest(header: Statement): boolean {
  const t = header.tokens;
  if (t.length !== 5 || t[0]!.text !== 'if' || t[2]!.text !== '==' || t[4]!.text !== ':') return false;
  const [left, right] = [t[1]!, t[3]!];
  const name = left.kind === 'name' ? left : right;
  const literal = left.kind === 'name' ? right : left;
  return (
    name.kind === 'name' &&
    name.text === '__name__' &&
    literal.kind === 'string' &&
    stringValue(literal.text) === '__main__'
  );
}

function stringValue(token: string): string | null {
  const parts = stringParts(token);
  if (parts.bytes || parts.fstring || parts.python2Only) return null;
  const decoded = decodeStr(parts.body, parts.raw);
  return decoded.ok ? decoded.value : null;
}

/** `__import__('name')` with a literal name other than `__main__`: it cannot reach this module. */
function isPlainImportCall(tokens: readonly Token[], at: number): boolean {
  const [open, literal, close] = [tokens[at + 1], tokens[at + 2], tokens[at + 3]];
  if (open?.text !== '(' || literal?.kind !== 'string' || close?.text !== ')') return false;
  const value = stringValue(literal.text);
  return value !== null && value !== '__main__';
}

/**
 * Tokenizes the replacement fields of an f-string token (nested f-strings too, a few levels
 * deep as Python 3.11 allows) into `out`; false when a field runs past the literal's end.
 */
function collectFields(token: string, line: number, out: Token[][], level: number): boolean {
  const parts = stringParts(token);
  if (!parts.fstring) return true;
  const scan = scanFString(parts.body, parts.raw);
  if (scan.unterminatedField) return false;
  for (const expression of scan.fields.flatMap((field) => fieldExpressions(field.text))) {
    const tokens = tokenizeExpression(expression, line);
    out.push(tokens);
    if (level >= 4) continue;
    for (const inner of tokens)
      if (inner.kind === 'string' && !collectFields(inner.text, line, out, level + 1)) return false;
  }
  return true;
}

const BINDING_NAMES: Readonly<Record<Binding['kind'], string>> = {
  assignment: 'assigned',
  target: 'assigned as part of a larger target',
  augmented: 'changed by an augmented assignment',
  annotated: 'assigned with an annotation',
  for: 'a loop variable',
  as: 'bound by as',
  import: 'imported',
  'import-from': 'imported',
  def: 'a function',
  class: 'a class',
  global: 'declared global in a function',
  del: 'deleted',
  walrus: 'assigned by :=',
  comprehension: 'a comprehension variable',
  pattern: 'bound by a case pattern',
};

function describeBinding(binding: Binding): string {
  const base = BINDING_NAMES[binding.kind];
  const block = binding.statement.block;
  if (binding.kind === 'assignment' && block) return `${base} inside ${BLOCK_NAMES[block.kind]}`;
  return base;
}

function clip(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}

const COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;
const UTF8_NAMES = new Set(['utf-8', 'utf8']);
const LATIN1_NAMES = new Set(['latin-1', 'latin1', 'iso-8859-1', 'iso8859-1', 'iso-latin-1', 'l1']);
const ASCII_NAMES = new Set(['ascii', 'us-ascii', '646']);

/**
 * setup.py's bytes decoded as Python 3 decodes a source file (PEP 263): a UTF-8 BOM, else a
 * coding cookie in the first two lines, else UTF-8. UTF-8, Latin-1 and ASCII are decoded; any
 * other declared encoding, or bytes invalid in the encoding, is a reason instead of a text.
 */
export function decodeSetupPy(bytes: Uint8Array): { ok: true; text: string } | { ok: false; reason: string } {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  const declared = codingCookie(body);
  const name = declared
    ?.toLowerCase()
    .replace(/_/g, '-')
    .replace(/^(utf-8|latin-1|iso-8859-1|iso-latin-1)-.*$/, '$1');
  if (bom && name !== undefined && !UTF8_NAMES.has(name))
    return { ok: false, reason: `setup.py starts with a UTF-8 BOM but declares the encoding ${declared}` };
  if (name === undefined || UTF8_NAMES.has(name)) {
    try {
      return { ok: true, text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body) };
    } catch {
      return { ok: false, reason: 'setup.py is not valid UTF-8 (and declares no other encoding)' };
    }
  }
  if (LATIN1_NAMES.has(name)) return { ok: true, text: Buffer.from(body).toString('latin1') };
  if (ASCII_NAMES.has(name)) {
    const bad = body.findIndex((b) => b > 0x7f);
    return bad === -1
      ? { ok: true, text: Buffer.from(body).toString('latin1') }
      : { ok: false, reason: `setup.py declares ASCII but byte ${bad} is not` };
  }
  return { ok: false, reason: `setup.py declares the encoding ${declared}, which is not read here` };
}

/** The PEP 263 cookie of line 1, or of line 2 when line 1 is only a comment or blank. */
function codingCookie(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 1024))
    .toString('latin1')
    .split(/\r\n|\r|\n/, 2);
  const first = COOKIE.exec(head[0] ?? '');
  if (first) return first[1];
  if (!/^[ \t\f]*(#.*)?$/.test(head[0] ?? '')) return undefined;
  return COOKIE.exec(head[1] ?? '')?.[1];
}

function constant(text: string): Expr {
  return { kind: 'const', value: text, stringLiteral: true };
}
