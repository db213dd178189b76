/**
 * Random setup.py files for the differential test against CPython (seeded, so a failure can be
 * replayed): module-level names bound in every way Python allows, then one setup(...) call whose
 * keywords are literal values of every kind, expressions over them, and non-literal expressions.
 * Every file is valid Python 3.11; the oracle reports any that is not, and the test requires none.
 */

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Kind = 'str' | 'int' | 'float' | 'bool' | 'none' | 'list' | 'tuple' | 'dict' | 'bytes';
const KINDS: Kind[] = [
  'str',
  'str',
  'str',
  'int',
  'float',
  'bool',
  'none',
  'list',
  'list',
  'tuple',
  'dict',
  'dict',
  'bytes',
];
const POOL = ['A', 'B', 'C', 'D', 'REQS', 'VERSION', 'PY', 'EXTRAS', 'desc', 'base', 'tail', 'n1', 'ｖｅｒ'];
const KEYWORDS = [
  'name',
  'version',
  'install_requires',
  'extras_require',
  'entry_points',
  'scripts',
  'python_requires',
  'packages',
  'license',
  'url',
  'author',
  'description',
  'long_description',
  'classifiers',
  'zip_safe',
  'include_package_data',
  'project_urls',
  'k1',
  'k2',
];

export class SetupPyGenerator {
  private readonly random: () => number;
  /** Names bound once, straight-line, with the kind of their value. */
  private bound = new Map<string, Kind>();

  constructor(seed: number) {
    this.random = mulberry32(seed);
  }

  program(): string {
    this.bound = new Map();
    const lines: string[] = [];
    const { imports, callee } = this.imports();
    lines.push(...imports);
    if (this.chance(0.3)) lines.push('import os', 'import sys');
    const statements = this.int(0, 9);
    for (let i = 0; i < statements; i++) lines.push(...this.statement());
    const call = this.call(callee);
    const placement = this.random();
    if (placement < 0.84) lines.push(...call);
    else if (placement < 0.92) {
      lines.push('if __name__ == "__main__":');
      for (let i = this.int(0, 2); i > 0; i--) lines.push(...this.binding().map((l) => `    ${l}`));
      lines.push(...call.map((l) => `    ${l}`));
    } else if (placement < 0.96) {
      const header = this.pick([
        'def main():',
        'for _ in range(1):',
        'if True:',
        'try:',
        'with open(__file__):',
        'class K:',
      ]);
      lines.push(header, ...call.map((l) => `    ${l}`));
      if (header === 'try:') lines.push('except Exception:', '    pass');
    } else lines.push(...call, ...this.call(callee));
    if (this.chance(0.2)) lines.push(...this.statement());
    return `${lines.join(this.chance(0.1) ? '\r\n' : '\n')}\n`;
  }

  private imports(): { imports: string[]; callee: string } {
    const r = this.random();
    if (r < 0.45) return { imports: ['from setuptools import setup'], callee: 'setup' };
    if (r < 0.6) return { imports: ['from distutils.core import setup'], callee: 'setup' };
    if (r < 0.7) return { imports: ['from setuptools import find_packages, setup'], callee: 'setup' };
    if (r < 0.8)
      return {
        imports: [
          'try:',
          '    from setuptools import setup',
          'except ImportError:',
          '    from distutils.core import setup',
        ],
        callee: 'setup',
      };
    if (r < 0.9) return { imports: ['import setuptools'], callee: 'setuptools.setup' };
    if (r < 0.93) return { imports: ['import distutils.core'], callee: 'distutils.core.setup' };
    if (r < 0.96) return { imports: ['from setuptools import setup as s'], callee: 'setup' };
    if (r < 0.98) return { imports: ['from setuptools import setup', 'def setup(**kw):', '    pass'], callee: 'setup' };
    return { imports: [], callee: 'setup' };
  }

  private call(callee: string): string[] {
    const names = this.shuffle(KEYWORDS).slice(0, this.int(1, 8));
    const args = names.map((name) => `${name}=${this.value(this.pick(KINDS), 0)}`);
    if (this.chance(0.05)) args.push(this.chance(0.5) ? '**KW' : '*ARGS');
    const assign = this.chance(0.1) ? 'dist = ' : '';
    if (this.chance(0.5)) return [`${assign}${callee}(${args.join(', ')})`];
    return [`${assign}${callee}(`, ...args.map((a) => `    ${a},${this.chance(0.1) ? '  # comment' : ''}`), ')'];
  }

  /** A module-level statement: a binding of one of the pool's names, in one of many ways. */
  private statement(): string[] {
    const r = this.random();
    if (r < 0.55) return this.binding();
    const name = this.pick(POOL);
    const other = this.pick(POOL);
    const forms: (() => string[])[] = [
      () => [`if sys.version_info >= (3,):`, `    ${name} = ${this.value(this.pick(KINDS), 1)}`],
      () => [`for ${name} in range(2):`, '    pass'],
      () => ['try:', `    ${name} = ${this.value(this.pick(KINDS), 1)}`, 'except Exception:', '    pass'],
      () => [`from os import path as ${name}`],
      () => [`import os.path as ${name}`],
      () => [`${name}.append(1)`],
      () => [`${name}[0] = 1`],
      () => [`${name} += [1]`],
      () => [`print(${name})`],
      () => ['def fn():', `    return ${name}`],
      () => ['def fn2():', `    global ${name}`, `    ${name} = 2`],
      () => [`(${name} := 3)`],
      () => [`_ = [${name} for ${name} in range(2)]`],
      () => [`${name}, ${other}_x = 1, 2`],
      () => [`def ${name}():`, '    pass'],
      () => ['class K:', `    ${name} = 5`],
      () => [`with open(__file__) as ${name}:`, '    pass'],
      () => [`del ${name}`],
      () => [`${name} = ${other} = ${this.value('str', 1)}`],
      () => [`def g(${name}):`, `    return ${name}`],
      () => ['x = [i for i in range(3)]  # a comprehension of its own'],
      () => [`${name} = \\`, `    ${this.value('str', 1)}`],
      () =>
        this.chance(0.3) ? ['G = globals()'] : this.chance(0.5) ? ['from os.path import *'] : ['v = __import__("os")'],
    ];
    return this.pick(forms)();
  }

  private binding(): string[] {
    const name = this.pick(POOL);
    const kind = this.pick(KINDS);
    const line = `${name} = ${this.value(kind, 1)}`;
    if (!this.bound.has(name)) this.bound.set(name, kind);
    return [line];
  }

  /** An expression, mostly of `kind`; sometimes a name, an operation, or a non-literal. */
  value(kind: Kind, depth: number): string {
    const r = this.random();
    if (r < 0.05) return this.nonLiteral();
    if (r < 0.15) return this.nameOf(kind);
    if (r < 0.22 && depth < 3) return this.operation(kind, depth);
    if (r < 0.24) return `(${this.value(kind, depth + 1)})`;
    if (r < 0.245) return this.deep();
    return this.literal(kind, depth);
  }

  private nameOf(kind: Kind): string {
    const matching = [...this.bound].filter(([, k]) => k === kind).map(([n]) => n);
    if (matching.length > 0 && this.chance(0.8)) return this.pick(matching);
    return this.pick(POOL);
  }

  private literal(kind: Kind, depth: number): string {
    switch (kind) {
      case 'str':
        return this.strings(false);
      case 'bytes':
        return this.strings(true);
      case 'int':
        return this.intLiteral();
      case 'float':
        return this.floatLiteral();
      case 'bool':
        return this.pick(['True', 'False']);
      case 'none':
        return 'None';
      case 'list':
      case 'tuple':
        return this.sequence(kind, depth);
      case 'dict':
        return this.dict(depth);
    }
  }

  private sequence(kind: 'list' | 'tuple', depth: number): string {
    const count = depth > 3 ? 0 : this.int(0, 4);
    const items = Array.from({ length: count }, () => this.value(this.pick(KINDS), depth + 1));
    const trailing = this.chance(0.3) && count > 0 ? ',' : '';
    if (kind === 'list') return `[${items.join(', ')}${trailing}]`;
    if (count === 1) return `(${items[0]},)`;
    return `(${items.join(', ')}${trailing})`;
  }

  private dict(depth: number): string {
    const count = depth > 3 ? 0 : this.int(0, 4);
    const entries = Array.from({ length: count }, () => {
      const key = this.chance(0.9) ? this.strings(false, true) : this.pick(['1', 'None', '(1, 2)']);
      return `${key}: ${this.value(this.pick(KINDS), depth + 1)}`;
    });
    return `{${entries.join(', ')}}`;
  }

  /** Lists nested around the bound of 100 levels. */
  private deep(): string {
    const levels = this.int(95, 110);
    return `${'['.repeat(levels)}${this.intLiteral()}${']'.repeat(levels)}`;
  }

  private operation(kind: Kind, depth: number): string {
    const r = this.random();
    if (r < 0.3 && (kind === 'str' || kind === 'list' || kind === 'tuple')) {
      const other = this.chance(0.85) ? kind : this.pick(KINDS);
      return `${this.value(kind, depth + 1)} + ${this.value(other, depth + 1)}`;
    }
    if (r < 0.5) return this.percent(depth);
    if (r < 0.7) return this.format(depth);
    return this.subscript(depth);
  }

  private percent(depth: number): string {
    const specs = ['%s', '%d', '%%', '%s', '%r', '%5s', '%(k)s', '%(k)d', '%(j)s'];
    const chosen = Array.from({ length: this.int(0, 3) }, () => this.pick(specs));
    const format = `'${chosen.map((s) => `${this.plain(2)}${s}`).join('')}${this.plain(2)}'`;
    const scalar = (): string => this.value(this.pick(['str', 'int', 'bool', 'none', 'float']), depth + 1);
    const r = this.random();
    let args: string;
    if (r < 0.6) {
      const count = chosen.filter((s) => !s.includes('(') && s !== '%%').length + (this.chance(0.1) ? 1 : 0);
      args = count === 1 ? `(${scalar()},)` : `(${Array.from({ length: count }, scalar).join(', ')})`;
    } else if (r < 0.85) args = `{'k': ${scalar()}, 'j': ${scalar()}}`;
    else args = this.chance(0.5) ? scalar() : this.nameOf('tuple');
    return `${format} % ${args}`;
  }

  private format(depth: number): string {
    const auto = this.chance(0.6);
    const fields = Array.from({ length: this.int(0, 3) }, (_, i) =>
      this.chance(0.9)
        ? auto
          ? '{}'
          : `{${this.int(0, Math.max(0, i))}}`
        : this.pick(['{:}', '{!r}', '{name}', '{0.x}', '{0[0]}', '{:>3}', '{{', '}}']),
    );
    const receiver = `'${fields.map((f) => `${this.plain(2)}${f}`).join('')}${this.plain(2)}'`;
    const scalar = (): string => this.value(this.pick(['str', 'int', 'bool', 'none']), depth + 1);
    const args = Array.from({ length: this.int(0, 3) }, () =>
      this.chance(0.2)
        ? `*${this.pick([this.nameOf('tuple'), this.nameOf('list'), '(1, 2)', '["a", "b"]'])}`
        : scalar(),
    );
    return `${receiver}.format(${args.join(', ')})`;
  }

  private subscript(depth: number): string {
    const container = this.chance(0.5)
      ? this.nameOf(this.pick(['tuple', 'list']))
      : this.sequence(this.pick(['tuple', 'list']), depth + 1);
    const bound = (): string => (this.chance(0.3) ? '' : String(this.int(-4, 4)));
    if (this.chance(0.5)) return `${container}[${this.int(-4, 4)}]`;
    const step = this.chance(0.7) ? '' : `:${this.pick(['-1', '2', '-2', '0', '1'])}`;
    return `${container}[${bound()}:${bound()}${step}]`;
  }

  private nonLiteral(): string {
    return this.pick([
      'f(1)',
      "os.path.join('a', 'b')",
      '[x for x in range(3)]',
      'lambda: 0',
      '1 if True else 2',
      'not True',
      '2 * 3',
      '{1, 2}',
      '{**{}}',
      '[*()]',
      'sys.version_info[:2]',
      '1 + 2',
      "'a' * 2",
      '-True',
      '- -1',
      'x.y',
      "find_packages(exclude=['t'])",
      "open('README').read()",
      "{'a': 1}['a']",
      "'abc'[0]",
      '(1).real',
      'None or 1',
      '1j',
      'b"a" + b"b"',
      "f'{zz}'",
      "f'a{zz!r:>4}b'",
      'Ellipsis',
      '...',
    ]);
  }

  private intLiteral(): string {
    const sign = this.chance(0.15) ? this.pick(['-', '+', '- ']) : '';
    return (
      sign +
      this.pick([
        '0',
        '7',
        '42',
        '1_000',
        '0x1F',
        '0X_ff',
        '0o17',
        '0b101',
        '0_0',
        '00',
        '9007199254740991',
        '9007199254740992',
        '123456789012345678901234567890',
      ])
    );
  }

  private floatLiteral(): string {
    const sign = this.chance(0.2) ? '-' : '';
    return (
      sign + this.pick(['1.5', '.5', '5.', '1e10', '1E-3', '1_0.2_5e1_0', '1e400', '0.1', '3.0', '0.0', '2.5e-320'])
    );
  }

  /** Characters that need no escaping in any string form. */
  private plain(max: number): string {
    const chars = 'abcXYZ019 -_.:/@#=<>~é中😀';
    return Array.from({ length: this.int(0, max) }, () => this.pick([...chars])).join('');
  }

  /** One to three adjacent string literals of one family (str or bytes). */
  strings(bytes: boolean, plainOnly = false): string {
    const count = this.chance(0.8) ? 1 : this.int(2, 3);
    const pieces = Array.from({ length: count }, () => this.stringLiteral(bytes, plainOnly));
    if (count === 1) return pieces[0]!;
    return this.chance(0.5) ? pieces.join(' ') : `(${pieces.join('\n    ')})`;
  }

  private stringLiteral(bytes: boolean, plainOnly: boolean): string {
    const prefixes = bytes
      ? ['b', 'B', 'rb', 'bR', 'Rb', 'BR', 'br']
      : plainOnly
        ? ['', 'u']
        : ['', '', '', 'r', 'R', 'u', 'U', 'f', 'F', 'fr', 'Rf', 'rF', 'FR'];
    const prefix = this.pick(prefixes);
    const quote = this.pick(["'", '"', "'''", '"""']);
    const raw = prefix.toLowerCase().includes('r');
    const fstring = prefix.toLowerCase().includes('f');
    const triple = quote.length === 3;
    const pieces: string[] = [];
    for (let i = this.int(0, 8); i > 0; i--)
      pieces.push(this.stringPiece({ bytes, raw, fstring, triple, quote: quote[0]! }));
    return `${prefix}${quote}${pieces.join('')}${quote}`;
  }

  private stringPiece(form: {
    bytes: boolean;
    raw: boolean;
    fstring: boolean;
    triple: boolean;
    quote: string;
  }): string {
    const other = form.quote === "'" ? '"' : "'";
    const r = this.random();
    if (r < 0.45) return this.pick([...(form.bytes ? 'abcXYZ019 -_.:/@#=<>~' : 'abcXYZ019 -_.:/@#=<>~é中😀ß\u00a0')]);
    if (r < 0.5) return other;
    if (r < 0.55 && form.triple) return '\n';
    if (r < 0.62 && form.fstring) return this.pick(['{{', '}}', '{{}}']);
    if (r < 0.64 && form.fstring) return this.pick(['{zz}', '{zz!r}', '{zz:>4}']);
    if (r < 0.66 && !form.fstring) return this.pick(['{', '}', '{}', '%s']);
    if (form.raw) return this.pick(['\\d', '\\n', '\\x41', `\\${form.quote}`, '\\\\', '\\u00e9']);
    const common = [
      '\\n',
      '\\t',
      '\\\\',
      "\\'",
      '\\"',
      '\\x41',
      '\\x7f',
      '\\0',
      '\\101',
      '\\777',
      '\\a',
      '\\b',
      '\\f',
      '\\v',
      '\\r',
      '\\q',
      '\\\n',
    ];
    const text = ['\\u00e9', '\\u4e2d', '\\U0001F600', '\\ud800', '\\xff'];
    const bytesOnly = ['\\u00e9', '\\U0001F600', '\\xff', '\\x00'];
    return this.pick([...common, ...(form.bytes ? bytesOnly : text)]);
  }

  private int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  private chance(p: number): boolean {
    return this.random() < p;
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}
