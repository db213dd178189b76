/**
 * packaging 23.0's handwritten dependency-specifier parser (_tokenizer.py, _parser.py), ported
 * rule for rule: the same context-sensitive tokens, tried at the same points, so that the same
 * strings are accepted and the same parts come out. Each token rule is matched at a position
 * as Python's `re` would match it (`\b` by Python's Unicode word characters, `$` also before a
 * final newline). The parser is recursive descent over a single pass: linear time, with the
 * nesting of parentheses bounded so that hostile input cannot exhaust the stack.
 */
import type { MarkerComparison, MarkerGroup, MarkerItem, MarkerOperand, MarkerOperator } from './markers.js';
import { SPECIFIER_TOKEN } from './pep440.js';
import { decodePythonStringLiteral } from './python-literal.js';
import { isPythonWordBoundary } from './python-text.js';

/**
 * Parentheses deeper than this are refused. CPython's recursion limit refuses deep nesting
 * too (RecursionError), at a depth that depends on the caller's stack; this bound is lower
 * than any it reaches, and far above what a real marker uses.
 */
export const MAX_MARKER_NESTING = 100;

export class Pep508SyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'Pep508SyntaxError';
  }
}

export interface ParsedRequirement {
  readonly name: string;
  readonly url: string;
  readonly extras: readonly string[];
  /** The specifier tokens and commas as written, for SpecifierSet to split. */
  readonly specifier: string;
  readonly marker: MarkerGroup | null;
}

type Rule = (source: string, pos: number) => number;

const fixed =
  (text: string): Rule =>
  (source, pos) =>
    source.startsWith(text, pos) ? text.length : -1;

/** A regex rule matched at `pos` (a sticky regex), as `re.match(source, pos)`. */
const sticky =
  (pattern: RegExp): Rule =>
  (source, pos) => {
    pattern.lastIndex = pos;
    const match = pattern.exec(source);
    return match ? match[0].length : -1;
  };

/** `\b(word1|word2|...)\b`: the first alternative with a Python word boundary on both sides. */
const bounded =
  (words: readonly string[]): Rule =>
  (source, pos) => {
    if (!isPythonWordBoundary(source, pos)) return -1;
    for (const word of words) {
      if (source.startsWith(word, pos) && isPythonWordBoundary(source, pos + word.length)) return word.length;
    }
    return -1;
  };

/** `\b[a-zA-Z0-9][a-zA-Z0-9._-]*\b`: the longest run that ends on a word boundary. */
const identifier: Rule = (source, pos) => {
  if (!/[a-zA-Z0-9]/.test(source[pos] ?? '') || !isPythonWordBoundary(source, pos)) return -1;
  let end = pos + 1;
  while (end < source.length && /[a-zA-Z0-9._-]/.test(source[end]!)) end++;
  for (; end > pos; end--) if (isPythonWordBoundary(source, end)) return end - pos;
  return -1;
};

const VARIABLES = [
  'python_version',
  'python_full_version',
  'os.name',
  'os_name',
  'sys.platform',
  'sys_platform',
  'platform_release',
  'platform_system',
  'platform.version',
  'platform_version',
  'platform.machine',
  'platform_machine',
  'platform.python_implementation',
  'platform_python_implementation',
  'python_implementation',
  'implementation_name',
  'implementation_version',
  'extra',
];

const RULES = {
  LEFT_PARENTHESIS: fixed('('),
  RIGHT_PARENTHESIS: fixed(')'),
  LEFT_BRACKET: fixed('['),
  RIGHT_BRACKET: fixed(']'),
  SEMICOLON: fixed(';'),
  COMMA: fixed(','),
  QUOTED_STRING: sticky(/'[^']*'|"[^"]*"/y),
  OP: sticky(/===|==|~=|!=|<=|>=|<|>/y),
  BOOLOP: bounded(['or', 'and']),
  IN: bounded(['in']),
  NOT: bounded(['not']),
  VARIABLE: bounded(VARIABLES),
  SPECIFIER: sticky(SPECIFIER_TOKEN),
  AT: fixed('@'),
  URL: sticky(/[^ \t]+/y),
  IDENTIFIER: identifier,
  WS: sticky(/[ \t]+/y),
  // Python's `$` matches at the end and also before a newline that ends the string.
  END: (source, pos) => (pos === source.length || (pos === source.length - 1 && source[pos] === '\n') ? 0 : -1),
} satisfies Record<string, Rule>;

type TokenName = keyof typeof RULES;

const CLOSING_NAME: Partial<Record<TokenName, string>> = {
  RIGHT_BRACKET: 'RIGHT_BRACKET',
  RIGHT_PARENTHESIS: 'RIGHT_PARENTHESIS',
};

class Tokenizer {
  position = 0;
  depth = 0;
  constructor(readonly source: string) {}

  /** The text of the token `name` at the current position, or null; nothing is consumed. */
  check(name: TokenName): string | null {
    const length = RULES[name](this.source, this.position);
    return length < 0 ? null : this.source.slice(this.position, this.position + length);
  }

  /** Reads the token `name` if it is next. */
  take(name: TokenName): string | null {
    const text = this.check(name);
    if (text !== null) this.position += text.length;
    return text;
  }

  consume(name: TokenName): void {
    this.take(name);
  }

  expect(name: TokenName, expected: string): string {
    const text = this.take(name);
    if (text === null) this.fail(`Expected ${expected}`);
    return text;
  }

  fail(message: string, at = this.position): never {
    throw new Pep508SyntaxError(message, at);
  }

  /** enclosing_tokens: if `open` is next, runs `body` and requires `close` after it. */
  enclosed<T>(open: TokenName, close: TokenName, body: () => T): T {
    if (this.take(open) === null) return body();
    const openedAt = this.position - 1;
    const result = body();
    if (this.take(close) === null) this.fail(`Expected closing ${CLOSING_NAME[close] ?? close}`, openedAt);
    return result;
  }
}

/** requirement = WS? IDENTIFIER WS? extras WS? requirement_details */
export function parseRequirementSyntax(source: string): ParsedRequirement {
  const t = new Tokenizer(source);
  t.consume('WS');
  const name = t.expect('IDENTIFIER', 'package name at the start of dependency specifier');
  t.consume('WS');
  const extras = parseExtras(t);
  t.consume('WS');
  const details = parseRequirementDetails(t);
  t.expect('END', 'end of dependency specifier');
  return { name, extras, ...details };
}

type Details = Pick<ParsedRequirement, 'url' | 'specifier' | 'marker'>;

/** requirement_details = AT URL (WS requirement_marker?)? | specifier WS? (requirement_marker)? */
function parseRequirementDetails(t: Tokenizer): Details {
  if (t.take('AT') !== null) return parseUrlDetails(t);
  const specifierStart = t.position;
  const specifier = parseSpecifier(t);
  t.consume('WS');
  if (t.check('END') !== null) return { url: '', specifier, marker: null };
  const after = specifier ? 'version specifier' : 'name and no valid version specifier';
  return { url: '', specifier, marker: parseRequirementMarker(t, specifierStart, after) };
}

function parseUrlDetails(t: Tokenizer): Details {
  t.consume('WS');
  const urlStart = t.position;
  const url = t.expect('URL', 'URL after @');
  if (t.check('END') !== null) return { url, specifier: '', marker: null };
  t.expect('WS', 'whitespace after URL');
  if (t.check('END') !== null) return { url, specifier: '', marker: null };
  return { url, specifier: '', marker: parseRequirementMarker(t, urlStart, 'URL and whitespace') };
}

/** requirement_marker = SEMICOLON marker WS? */
function parseRequirementMarker(t: Tokenizer, spanStart: number, after: string): MarkerGroup {
  if (t.take('SEMICOLON') === null) t.fail(`Expected end or semicolon (after ${after})`, spanStart);
  const marker = parseMarkerExpression(t);
  t.consume('WS');
  return marker;
}

/** extras = (LEFT_BRACKET wsp* extras_list? wsp* RIGHT_BRACKET)? */
function parseExtras(t: Tokenizer): string[] {
  if (t.check('LEFT_BRACKET') === null) return [];
  return t.enclosed('LEFT_BRACKET', 'RIGHT_BRACKET', () => {
    t.consume('WS');
    const extras = parseExtrasList(t);
    t.consume('WS');
    return extras;
  });
}

/** extras_list = identifier (wsp* ',' wsp* identifier)* */
function parseExtrasList(t: Tokenizer): string[] {
  const first = t.take('IDENTIFIER');
  if (first === null) return [];
  const extras = [first];
  for (;;) {
    t.consume('WS');
    if (t.check('IDENTIFIER') !== null) t.fail('Expected comma between extra names');
    if (t.take('COMMA') === null) return extras;
    t.consume('WS');
    extras.push(t.expect('IDENTIFIER', 'extra name after comma'));
  }
}

/** specifier = LEFT_PARENTHESIS WS? version_many WS? RIGHT_PARENTHESIS | WS? version_many WS? */
function parseSpecifier(t: Tokenizer): string {
  return t.enclosed('LEFT_PARENTHESIS', 'RIGHT_PARENTHESIS', () => {
    t.consume('WS');
    const specifiers = parseVersionMany(t);
    t.consume('WS');
    return specifiers;
  });
}

/** version_many = (SPECIFIER (WS? COMMA WS? SPECIFIER)*)? — a trailing comma is allowed. */
function parseVersionMany(t: Tokenizer): string {
  let text = '';
  for (;;) {
    const specifier = t.take('SPECIFIER');
    if (specifier === null) return text;
    text += specifier;
    t.consume('WS');
    const comma = t.take('COMMA');
    if (comma === null) return text;
    text += comma;
    t.consume('WS');
  }
}

/** marker = marker_atom (BOOLOP marker_atom)* */
function parseMarkerExpression(t: Tokenizer): MarkerGroup {
  const items: MarkerItem[] = [parseMarkerAtom(t)];
  for (let op = t.take('BOOLOP'); op !== null; op = t.take('BOOLOP')) {
    items.push(op as 'and' | 'or', parseMarkerAtom(t));
  }
  return { kind: 'group', items };
}

/** marker_atom = WS? LEFT_PARENTHESIS WS? marker WS? RIGHT_PARENTHESIS WS? | WS? marker_item WS? */
function parseMarkerAtom(t: Tokenizer): MarkerGroup | MarkerComparison {
  t.consume('WS');
  let atom: MarkerGroup | MarkerComparison;
  if (t.check('LEFT_PARENTHESIS') !== null) {
    if (++t.depth > MAX_MARKER_NESTING) t.fail(`Parentheses nested deeper than ${MAX_MARKER_NESTING}`);
    atom = t.enclosed('LEFT_PARENTHESIS', 'RIGHT_PARENTHESIS', () => {
      t.consume('WS');
      const inner = parseMarkerExpression(t);
      t.consume('WS');
      return inner;
    });
    t.depth--;
  } else {
    atom = parseMarkerItem(t);
  }
  t.consume('WS');
  return atom;
}

/** marker_item = WS? marker_var WS? marker_op WS? marker_var WS? */
function parseMarkerItem(t: Tokenizer): MarkerComparison {
  t.consume('WS');
  const left = parseMarkerVar(t);
  t.consume('WS');
  const operator = parseMarkerOp(t);
  t.consume('WS');
  const right = parseMarkerVar(t);
  t.consume('WS');
  return { kind: 'comparison', left, operator, right };
}

/** marker_var = VARIABLE | QUOTED_STRING; `os.name` is `os_name`, python_implementation the platform one. */
function parseMarkerVar(t: Tokenizer): MarkerOperand {
  const variable = t.take('VARIABLE');
  if (variable !== null) {
    const name = variable.replace(/\./g, '_');
    return { kind: 'variable', name: name === 'python_implementation' ? 'platform_python_implementation' : name };
  }
  const start = t.position;
  const quoted = t.take('QUOTED_STRING');
  if (quoted === null) t.fail('Expected a marker variable or quoted string');
  const decoded = decodePythonStringLiteral(quoted);
  if (!decoded.ok) t.fail(`Invalid quoted string: ${decoded.reason}`, start);
  return { kind: 'value', value: decoded.value };
}

/** marker_op = IN | NOT IN | OP */
function parseMarkerOp(t: Tokenizer): MarkerOperator {
  if (t.take('IN') !== null) return 'in';
  if (t.take('NOT') !== null) {
    t.expect('WS', "whitespace after 'not'");
    t.expect('IN', "'in' after 'not'");
    return 'not in';
  }
  const op = t.take('OP');
  if (op === null) t.fail('Expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in');
  return op as MarkerOperator;
}

/**
 * A marker on its own, which must end where the text ends. (packaging's `Marker()` stops after
 * the first whole marker and ignores what follows, so `os_name == "a" garbage` passes there.)
 */
export function parseMarkerSyntax(source: string): MarkerGroup {
  const t = new Tokenizer(source);
  const marker = parseMarkerExpression(t);
  t.consume('WS');
  t.expect('END', 'end of marker');
  return marker;
}
