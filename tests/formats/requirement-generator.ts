/**
 * Seeded generators of PEP 508 requirement strings for the differential tests: a small model
 * of a requirement (name, extras, specifiers, URL, marker), rendered with a random surface
 * (spacing, quotes, escapes, parentheses, spellings), variants of one model that mean the same
 * or one thing else, and character-level mutations that are mostly invalid.
 */

/** mulberry32: small, fast, and the same sequence for a seed everywhere. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}

export interface GenVersion {
  v: boolean;
  epoch: string | null;
  release: string[];
  pre: { letter: string; n: string | null } | null;
  post: { letter: string | null; n: string | null } | null;
  dev: { n: string | null } | null;
  local: string[] | null;
  wildcard: boolean;
  /** For ===: any text. */
  arbitrary: string | null;
}

export interface GenSpecifier {
  op: string;
  version: GenVersion;
}

export type GenOperand = { variable: string } | { value: string };
export interface GenComparison {
  kind: 'cmp';
  left: GenOperand;
  op: string;
  right: GenOperand;
}
export interface GenGroup {
  kind: 'group';
  items: (GenComparison | GenGroup | 'and' | 'or')[];
}

export interface GenRequirement {
  name: string;
  extras: string[];
  specs: GenSpecifier[];
  url: string | null;
  marker: GenGroup | null;
}

const NAMES = [
  'django',
  'Django',
  'asgiref',
  'sqlparse',
  'backports.zoneinfo',
  'argon2-cffi',
  'zope.interface',
  'A',
  'a1',
  'foo_bar',
  'Foo.Bar-baz',
  'pytz',
  'tzdata',
  'x_',
  'y.',
  'z-',
  '1abc',
  'q--r__s..t',
];
const BAD_NAMES = ['-abc', '_x', '.x', 'é', '', 'a b', 'naïve', 'a@b', 'ǅ'];
const EXTRAS = ['argon2', 'bcrypt', 'Test', 'dev_tools', 'a.b', 'X-Y', 'x_', 'security', 'S3'];
const OPS = ['==', '!=', '<=', '>=', '<', '>', '~=', '==='];
const VARIABLES = [
  'python_version',
  'python_full_version',
  'os_name',
  'sys_platform',
  'platform_release',
  'platform_system',
  'platform_version',
  'platform_machine',
  'platform_python_implementation',
  'implementation_name',
  'implementation_version',
  'extra',
];
const ALIASES: Record<string, string[]> = {
  os_name: ['os_name', 'os.name'],
  sys_platform: ['sys_platform', 'sys.platform'],
  platform_version: ['platform_version', 'platform.version'],
  platform_machine: ['platform_machine', 'platform.machine'],
  platform_python_implementation: [
    'platform_python_implementation',
    'platform.python_implementation',
    'python_implementation',
  ],
};
const MARKER_OPS = ['==', '!=', '<', '<=', '>', '>=', '~=', '===', 'in', 'not in'];
const VALUES = [
  '3.8',
  '3',
  '2.7.18',
  '3.10',
  'win32',
  'linux',
  'darwin',
  'posix',
  'nt',
  'CPython',
  'PyPy',
  'cpython',
  'x86_64',
  'Windows',
  'Linux',
  '',
  'a b',
  "it's",
  'say "hi"',
  'both \' and "',
  'é',
  'ǿ',
  'ΑΣ',
  'ΣΑ Σ',
  'İstanbul',
  'K',
  'tab\there',
  'back\\slash',
  'x\u3000y',
  '\u2028',
  '😀',
  'nul\u0000',
  'new\nline',
  '1.0+local',
];
const EXTRA_VALUES = ['argon2', 'Foo_Bar', 'foo-bar', 'FOO.BAR', 'test', 'Test', 'a__b', 'ΑΣ', 'x'];
const URLS = [
  'https://example.com/pkg-1.0.tar.gz',
  'http://[::1]:8080/x.whl',
  'http://[v1.fe]/',
  'http://[1.2.3.4]/',
  'http://[::ffff:1.2.3.4]/',
  'http://[fe80::1%25eth0]/',
  'http://[::1',
  'http://::1]/',
  'http://[gg::1]/',
  'http://[1:2:3:4:5:6:7:8:9]/',
  'http://[1::2::3]/',
  'file:///tmp/x.whl',
  'file://localhost/x',
  'file:/x',
  'file:x',
  'file:///x?',
  'file:///x#',
  'file:///x?a#b',
  'FILE:///x',
  'git+https://github.com/a/b.git@v1#egg=x',
  'http://ex\u2100mple.com/',
  'http://exa\uff0emple.com/',
  'http:///path',
  'ftp://x/;type=a',
  'http://user:pw@host/',
  'https://ex.com/a?b#c',
  'HTTP://X',
  'x',
  '//host/path',
  'a:b',
  '\x01http://x/',
  'http://x/\x7f',
  'http://x:port/',
  'svn+ssh://h/p',
  'http://[v1.]/',
  'http://a[b]/',
  'http://[::1]x/',
];

function numberText(rng: Rng): string {
  if (rng.chance(0.03)) return '12345678901234567890123';
  const n = String(rng.int(rng.chance(0.8) ? 12 : 300));
  return rng.chance(0.05) ? `0${n}` : n;
}

export function generateVersion(rng: Rng, op: string): GenVersion {
  const version: GenVersion = {
    v: rng.chance(0.05),
    epoch: null,
    release: [],
    pre: null,
    post: null,
    dev: null,
    local: null,
    wildcard: false,
    arbitrary: null,
  };
  if (op === '===' && rng.chance(0.5)) {
    version.arbitrary = rng.pick(['foo', 'FooBar', '1.0-custom', '1.0', 'x,y', 'a@b', 'ǅ', '', '1.0.0', 'weird]']);
    return version;
  }
  if (rng.chance(0.05)) version.epoch = numberText(rng);
  const parts = 1 + rng.int(4);
  for (let i = 0; i < parts; i++) version.release.push(numberText(rng));
  const wildcardOk = op === '==' || op === '!=';
  if (rng.chance(wildcardOk ? 0.25 : 0.03)) {
    version.wildcard = true;
    return version;
  }
  if (rng.chance(0.2))
    version.pre = {
      letter: rng.pick(['a', 'b', 'c', 'rc', 'alpha', 'beta', 'pre', 'preview', 'prevıew', 'RC']),
      n: rng.chance(0.8) ? numberText(rng) : null,
    };
  if (rng.chance(0.15))
    version.post = {
      letter: rng.pick([null, 'post', 'rev', 'r', 'POST', 'poſt']),
      n: rng.chance(0.8) ? numberText(rng) : null,
    };
  if (version.post?.letter === null && version.post.n === null) version.post.n = '1';
  if (rng.chance(0.1)) version.dev = { n: rng.chance(0.8) ? numberText(rng) : null };
  if (rng.chance(wildcardOk ? 0.2 : 0.03))
    version.local = Array.from({ length: 1 + rng.int(3) }, () =>
      rng.pick(['ubuntu', 'Build', '1', '01', 'abc', 'ſ', 'K', 'x9']),
    );
  return version;
}

function sep(rng: Rng): string {
  return rng.pick(['', '', '.', '-', '_']);
}

function recase(rng: Rng, text: string): string {
  return Array.from(text, (ch) => (rng.chance(0.3) ? ch.toUpperCase() : ch)).join('');
}

/** A rendering of the version; `respell` varies what canonicalization ignores. */
export function renderVersion(rng: Rng, v: GenVersion, respell: boolean, op: string): string {
  if (v.arbitrary !== null) return respell ? recase(rng, v.arbitrary) : v.arbitrary;
  let text = (respell && rng.chance(0.3) ? !v.v : v.v) ? rng.pick(['v', 'V']) : '';
  if (v.epoch !== null) text += `${v.epoch}!`;
  const release = [...v.release];
  const canPad = respell && !v.wildcard && op !== '~=' && op !== '===';
  if (canPad && rng.chance(0.4)) release.push('0');
  text += release.join('.');
  if (v.wildcard) return `${text}.*`;
  if (v.pre)
    text +=
      sep(rng) +
      (respell ? recase(rng, synonym(rng, v.pre.letter)) : v.pre.letter) +
      (v.pre.n !== null ? sep(rng) + v.pre.n : '');
  if (v.post) {
    if (v.post.letter === null) text += `-${v.post.n}`;
    else
      text +=
        sep(rng) +
        (respell ? recase(rng, synonym(rng, v.post.letter)) : v.post.letter) +
        (v.post.n !== null ? sep(rng) + v.post.n : '');
  }
  if (v.dev) text += sep(rng) + (respell ? recase(rng, 'dev') : 'dev') + (v.dev.n !== null ? sep(rng) + v.dev.n : '');
  if (v.local) text += `+${v.local.map((p) => (respell ? recase(rng, p) : p)).join(rng.pick(['.', '-', '_']))}`;
  return text;
}

const SYNONYMS: string[][] = [
  ['a', 'alpha'],
  ['b', 'beta'],
  ['c', 'rc', 'pre', 'preview'],
  ['post', 'rev', 'r'],
];

function synonym(rng: Rng, letter: string): string {
  const group = SYNONYMS.find((g) => g.includes(letter.toLowerCase()));
  return group ? rng.pick(group) : letter;
}

function generateOperand(rng: Rng, variable: string | null): GenOperand {
  if (variable !== null) return { variable };
  return { value: rng.pick(VALUES) };
}

function generateComparison(rng: Rng): GenComparison {
  const variable = rng.chance(0.9) ? rng.pick(VARIABLES) : null;
  const value: GenOperand = variable === 'extra' ? { value: rng.pick(EXTRA_VALUES) } : generateOperand(rng, null);
  const varOperand: GenOperand = variable !== null ? { variable } : generateOperand(rng, null);
  const op = rng.pick(MARKER_OPS);
  return rng.chance(0.8)
    ? { kind: 'cmp', left: varOperand, op, right: value }
    : { kind: 'cmp', left: value, op, right: varOperand };
}

export function generateMarker(rng: Rng, depth = 0): GenGroup {
  const count = 1 + rng.int(depth === 0 ? 4 : 3);
  const items: GenGroup['items'] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) items.push(rng.pick(['and', 'or']));
    items.push(depth < 3 && rng.chance(0.25) ? generateMarker(rng, depth + 1) : generateComparison(rng));
  }
  return { kind: 'group', items };
}

export function generateRequirement(rng: Rng): GenRequirement {
  const req: GenRequirement = {
    name: rng.chance(0.03) ? rng.pick(BAD_NAMES) : rng.pick(NAMES),
    extras: [],
    specs: [],
    url: null,
    marker: null,
  };
  if (rng.chance(0.3)) req.extras = Array.from({ length: rng.int(4) }, () => rng.pick(EXTRAS));
  if (rng.chance(0.12)) req.url = rng.pick(URLS);
  else if (rng.chance(0.75)) {
    const count = 1 + rng.int(3);
    for (let i = 0; i < count; i++) {
      const op = rng.pick(OPS);
      req.specs.push({ op, version: generateVersion(rng, op) });
    }
  }
  if (rng.chance(0.5)) req.marker = generateMarker(rng);
  return req;
}

/** Spacing where packaging allows [ \t]* (sometimes none, sometimes Python-only whitespace). */
function ws(rng: Rng, required = false): string {
  const choice = rng.pick(['', '', ' ', ' ', '  ', '\t', ' \t ']);
  return required && choice === '' ? ' ' : choice;
}

/** The quoted-string source of a value: some characters escaped, one of the two quotes. */
export function encodeLiteral(rng: Rng, value: string): string {
  const quote =
    value.includes("'") && !value.includes('"')
      ? '"'
      : value.includes('"') && !value.includes("'")
        ? "'"
        : rng.pick(["'", '"']);
  let body = '';
  for (const ch of value) body += encodeChar(rng, ch, quote);
  if (rng.chance(0.02))
    body += rng.pick([
      '\\x4',
      '\\u12',
      '\\U00110000',
      '\\N{LATIN SMALL LETTER A}',
      '\\',
      '\n',
      '\\\nz',
      '\\\r\nz',
      '\\q',
      '\\777',
      '\\ud800z',
      '\r',
    ]);
  return quote + body + quote;
}

function encodeChar(rng: Rng, ch: string, quote: string): string {
  const cp = ch.codePointAt(0)!;
  const mustEscape = ch === quote || ch === '\\' || ch === '\n' || ch === '\r' || ch === '\0';
  if (!mustEscape && !rng.chance(0.08)) return ch;
  if (ch === '\\') return '\\\\';
  if (ch === quote && rng.chance(0.5)) return `\\${ch}`;
  if (cp < 0x100 && rng.chance(0.5)) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x200 && rng.chance(0.3)) return `\\${cp.toString(8)}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

function renderOperand(rng: Rng, operand: GenOperand): string {
  if ('variable' in operand) return rng.pick(ALIASES[operand.variable] ?? [operand.variable]);
  return encodeLiteral(rng, operand.value);
}

function renderComparison(rng: Rng, c: GenComparison): string {
  const opText = c.op === 'not in' ? `not${ws(rng, true)}in` : c.op;
  const word = /^[a-z]/.test(opText);
  return (
    renderOperand(rng, c.left) +
    ws(rng, word && 'variable' in c.left) +
    opText +
    ws(rng, word && 'variable' in c.right) +
    renderOperand(rng, c.right)
  );
}

/** Wraps in redundant parentheses now and then: they mean nothing for a single comparison. */
function maybeWrap(rng: Rng, text: string): string {
  return rng.chance(0.1) ? `(${ws(rng)}${text}${ws(rng)})` : text;
}

export function renderMarker(rng: Rng, group: GenGroup): string {
  return group.items
    .map((item) => {
      if (item === 'and' || item === 'or') return ws(rng, true) + item + ws(rng, true);
      if (item.kind === 'cmp') return maybeWrap(rng, renderComparison(rng, item));
      return `(${ws(rng)}${renderMarker(rng, item)}${ws(rng)})`;
    })
    .join('');
}

export interface RenderStyle {
  /** Vary what canonicalization ignores (name case and separators, version spellings). */
  respell: boolean;
}

function respellName(rng: Rng, name: string): string {
  return recase(rng, name).replace(/[-_.]+/g, () => rng.pick(['-', '_', '.', '--', '_.']));
}

export function renderRequirement(rng: Rng, req: GenRequirement, style: RenderStyle = { respell: false }): string {
  let text = ws(rng) + (style.respell ? respellName(rng, req.name) : req.name) + ws(rng);
  if (req.extras.length > 0 || rng.chance(0.02)) {
    const extras = style.respell ? rng.shuffle(req.extras).map((e) => respellName(rng, e)) : req.extras;
    text += `[${ws(rng)}${extras.join(`${ws(rng)},${ws(rng)}`)}${ws(rng)}]${ws(rng)}`;
  }
  if (req.url !== null) {
    text += `@${ws(rng)}${req.url}`;
    if (req.marker) text += `${ws(rng, true)};${ws(rng)}${renderMarker(rng, req.marker)}`;
  } else {
    const specs = (style.respell ? rng.shuffle(req.specs) : req.specs).map(
      (s) =>
        s.op +
        (rng.chance(0.1) ? rng.pick([' ', '\t', '\u3000']) : '') +
        renderVersion(rng, s.version, style.respell, s.op),
    );
    let specText = specs.join(`${ws(rng)},${ws(rng)}`);
    if (rng.chance(0.03)) specText += ',';
    if (specs.length > 0 && rng.chance(0.2)) specText = `(${ws(rng)}${specText}${ws(rng)})`;
    text += specText;
    if (req.marker) text += `${ws(rng)};${ws(rng)}${renderMarker(rng, req.marker)}`;
  }
  text += rng.chance(0.1) ? ws(rng) : '';
  if (rng.chance(0.03)) text += '\n';
  return text;
}

/** The same requirement with one thing that matters changed. */
export function differentVariant(rng: Rng, req: GenRequirement): GenRequirement {
  const copy: GenRequirement = JSON.parse(JSON.stringify(req)) as GenRequirement;
  const choices: (() => void)[] = [
    () => (copy.name = `${copy.name}x`),
    () => copy.extras.push(rng.pick(EXTRAS) + 'z'),
    () => {
      const op = rng.pick(OPS);
      copy.specs.push({ op, version: generateVersion(rng, op) });
    },
  ];
  if (copy.specs.length > 0) {
    choices.push(() => (copy.specs[0]!.op = rng.pick(OPS.filter((o) => o !== copy.specs[0]!.op))));
    choices.push(() => {
      const v = copy.specs[0]!.version;
      if (v.arbitrary !== null) v.arbitrary += '1';
      else v.release[0] = String(Number(v.release[0]) + 1);
    });
  }
  if (copy.marker) choices.push(() => mutateMarker(rng, copy.marker!));
  rng.pick(choices)();
  return copy;
}

function comparisons(group: GenGroup): GenComparison[] {
  return group.items.flatMap((item) =>
    item === 'and' || item === 'or' ? [] : item.kind === 'cmp' ? [item] : comparisons(item),
  );
}

function mutateMarker(rng: Rng, group: GenGroup): void {
  const all = comparisons(group);
  const target = rng.pick(all);
  const side = 'value' in target.right ? target.right : 'value' in target.left ? target.left : null;
  const change = rng.int(4);
  if (change === 0 && side && 'value' in side) side.value += 'z';
  else if (change === 1) target.op = rng.pick(MARKER_OPS.filter((o) => o !== target.op));
  else if (change === 2 && group.items.length > 1) {
    const i = group.items.findIndex((x) => x === 'and' || x === 'or');
    group.items[i] = group.items[i] === 'and' ? 'or' : 'and';
  } else {
    // Regroup: `a and b or c` becomes `a and (b or c)`, which means something else.
    const items = group.items;
    if (items.length >= 5) group.items = [items[0]!, items[1]!, { kind: 'group', items: items.slice(2) }];
    else target.op = target.op === '==' ? '!=' : '==';
  }
}

const MUTATION_CHARS = [
  ' ',
  '\t',
  '(',
  ')',
  '[',
  ']',
  ',',
  ';',
  '@',
  '=',
  '<',
  '>',
  '!',
  '~',
  "'",
  '"',
  '\\',
  '\n',
  '\r',
  '\u3000',
  'é',
  '#',
  'a',
  '1',
  '.',
  '-',
  '_',
  '*',
  '+',
  '\0',
  '\ud800',
  'and',
  ' or ',
  'not',
  'in',
  'extra',
  '\u212a',
  '\u0131',
];

/** One character-level change: delete, insert, replace, duplicate a slice, or cut short. */
export function mutateText(rng: Rng, text: string): string {
  const i = rng.int(text.length + 1);
  switch (rng.int(5)) {
    case 0:
      return text.slice(0, i) + text.slice(i + 1);
    case 1:
      return text.slice(0, i) + rng.pick(MUTATION_CHARS) + text.slice(i);
    case 2:
      return text.slice(0, i) + rng.pick(MUTATION_CHARS) + text.slice(i + 1);
    case 3: {
      const j = i + rng.int(6);
      return text.slice(0, j) + text.slice(i, j) + text.slice(j);
    }
    default:
      return text.slice(0, i);
  }
}

const HEADERS = [
  '[argon2]',
  '[bcrypt]',
  '[:sys_platform == "win32"]',
  "[:python_version < '3.9']",
  '[test:python_version<"3"]',
  '[Dev Tools]',
  '[x:]',
  '[:]',
  '[ a ]',
  '[a:(os_name=="x" or os_name=="y")]',
  '[A_B.c]',
  '[:extra == "y"]',
  '[z:os_name=="a" or os_name=="b"]',
  '[!!]',
  '[x: os_name == "nt"]',
  '[é]',
  '[zz:platform_system=="Windows" and python_version>="3"]',
];
const BAD_HEADERS = [
  '[]',
  "[a:os_name=='a') or (os_name=='b']",
  '[x:bogus marker]',
  '[unclosed',
  '[x:os_name=="a" garbage]',
];

/** A line; `valid` (a test's filter) keeps most of them to what packaging 23.0 accepts. */
function requiresLine(rng: Rng, valid: (line: string) => boolean): string {
  let line = '';
  for (let tries = 0; tries < 20; tries++) {
    const model = generateRequirement(rng);
    if (!rng.chance(0.05)) model.marker = null;
    line = renderRequirement(rng, model).replace(/\n$/, '');
    if (rng.chance(0.2) || valid(line)) break;
  }
  if (rng.chance(0.05)) line += rng.pick([' # a comment', '  # x', '#notcomment', ' \\']);
  return line;
}

/** A requires.txt: install_requires lines, then sections, with the odd blank line, comment and line ending. */
export function generateRequiresTxt(rng: Rng, valid: (line: string) => boolean): string {
  const lines: string[] = [];
  const block = (): void => {
    const count = rng.int(4);
    for (let i = 0; i < count; i++)
      lines.push(
        rng.chance(0.85) ? requiresLine(rng, valid) : rng.pick(['', '# comment', '   ', '\t# indented comment']),
      );
  };
  if (rng.chance(0.8)) block();
  const sections = rng.int(5);
  for (let s = 0; s < sections; s++) {
    if (rng.chance(0.7)) lines.push('');
    lines.push((rng.chance(0.1) ? ' ' : '') + rng.pick(rng.chance(0.05) ? BAD_HEADERS : HEADERS));
    block();
  }
  const newline = rng.pick(['\n', '\n', '\n', '\r\n', '\r']);
  return lines.join(newline) + (rng.chance(0.8) ? newline : '');
}
