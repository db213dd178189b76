/**
 * Deterministic setup.cfg inputs for the differential test against CPython: random files
 * built from configparser's tricky corners, mutations of a realistic Django setup.cfg, and
 * files that put a UTF-8 fault or a line end across TextIOWrapper's 8 KiB read boundary.
 */

/** mulberry32: small, seeded, the same sequence on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function int(random: Random, low: number, high: number): number {
  return low + Math.floor(random() * (high - low + 1));
}

/** A Django-shaped setup.cfg (3.2/4.x era), comments inside sections included. */
export const DJANGO_SETUP_CFG = `[metadata]
name = Django
version = attr: django.__version__
url = https://www.djangoproject.com/
author = Django Software Foundation
author_email = foundation@djangoproject.com
description = A high-level Python web framework that encourages rapid development and clean, pragmatic design.
long_description = file: README.rst
license = BSD-3-Clause
classifiers =
    Development Status :: 5 - Production/Stable
    Environment :: Web Environment
    Framework :: Django
    Intended Audience :: Developers
    License :: OSI Approved :: BSD License
    Operating System :: OS Independent
    Programming Language :: Python
    Programming Language :: Python :: 3
    Programming Language :: Python :: 3 :: Only
    Programming Language :: Python :: 3.10
    Programming Language :: Python :: 3.11
    Topic :: Internet :: WWW/HTTP
    Topic :: Internet :: WWW/HTTP :: Dynamic Content
    Topic :: Internet :: WWW/HTTP :: WSGI
    Topic :: Software Development :: Libraries :: Application Frameworks
    Topic :: Software Development :: Libraries :: Python Modules
project_urls =
    Documentation = https://docs.djangoproject.com/
    Release notes = https://docs.djangoproject.com/en/stable/releases/
    Funding = https://www.djangoproject.com/fundraising/
    Source = https://github.com/django/django
    Tracker = https://code.djangoproject.com/

[options]
python_requires = >=3.10
packages = find:
# When the django-admin.py deprecation ends, remove "scripts".
scripts = django/bin/django-admin.py
include_package_data = true
zip_safe = false
install_requires =
    asgiref >= 3.6.0
    sqlparse >= 0.3.1
    tzdata; sys_platform == 'win32'

[options.entry_points]
console_scripts =
    django-admin = django.core.management:execute_from_command_line

[options.extras_require]
argon2 = argon2-cffi >= 19.1.0
bcrypt = bcrypt

[bdist_rpm]
doc_files = docs extras AUTHORS INSTALL LICENSE README.rst
install_script = scripts/rpm-install.sh

[flake8]
exclude = build,.git,.tox,./tests/.env
extend-ignore = E203
max-line-length = 88
per-file-ignores =
    django/core/cache/backends/filebased.py:W601
    django/core/cache/backends/base.py:W601

[isort]
profile = black
default_section = THIRDPARTY
known_first_party = django
`;

const SECTION_NAMES = [
  'metadata',
  'options',
  'DEFAULT',
  'default',
  'options.extras_require',
  'flake8',
  'a',
  'a]b',
  ' spaced ',
  'é',
  '𝄞',
];
const KEYS = [
  'name',
  'version',
  'a',
  'b',
  'Key',
  'key',
  'x-y',
  'install_requires',
  'setup_requires',
  'url',
  'k k',
  '\ufeffname',
  'é',
];
/** Whitespace Python strips but JS `trim()` does not (and the reverse: U+FEFF). */
const SPACES = [' ', '  ', '\t', '\f', '\v', '\x1c', '\x1f', '\x85', '\u00a0', '\u3000', '\u2028', '\ufeff', '\u200b'];
const VALUES = [
  '',
  '1',
  'Django',
  'attr: django.__version__',
  'a = b',
  'x:y',
  '#not a comment',
  '; nor this',
  '[not] a section',
  'é𝄞',
  'evil',
  'tzdata; sys_platform == "win32"',
  'value with  spaces ',
];
const PERCENTS = ['%%', '%', '%(', '%()s', '%(a)', '%(a)x', '100%%', '%%(a)s', '%(missing)s', '%(a\nb)s'];
const ENDS = ['\n', '\r\n', '\r'];

function indent(random: Random): string {
  return pick(random, ['', ' ', '  ', '    ', '\t', ' \t', '\f', '\u3000', '\x1c', '        ']);
}

class Builder {
  private out = '';
  private references = 0;
  private readonly end: string | undefined;
  private readonly sections = new Set<string>();
  private keys = new Set<string>();

  /** A tidy builder avoids what makes configparser fail, so that values get compared too. */
  constructor(
    private readonly random: Random,
    private readonly tidy: boolean,
  ) {
    // Most files keep one line end; some mix all three.
    this.end = random() < 0.7 ? pick(random, ENDS) : undefined;
  }

  line(text: string): void {
    this.out += text + (this.end ?? pick(this.random, ENDS));
  }

  /** At most two references per value keeps Python's unmemoised expansion small (2^10). */
  value(): string {
    const random = this.random;
    const base = pick(random, VALUES);
    if (random() < 0.25 && this.references < 2) {
      this.references++;
      return `${base}%(${pick(random, KEYS)})s`;
    }
    if (random() < 0.15) return `${base}${pick(random, PERCENTS)}`;
    return base;
  }

  option(): void {
    const random = this.random;
    this.references = 0;
    const key = this.tidy ? this.fresh(KEYS, this.keys) : pick(random, KEYS);
    if (key === undefined) return;
    const delimiter = pick(random, ['=', ':', ' = ', ' : ', '\t=\t', '=  ', ' =', '\x1c=']);
    const kind = this.tidy ? 1 : random();
    const lead = this.tidy ? '' : indent(random);
    if (kind < 0.05) this.line(`${lead}${delimiter}${this.value()}`);
    else if (kind < 0.1) this.line(`${lead}${key}`);
    else this.line(`${lead}${key}${delimiter}${this.value()}`);
    const continuations = random() < 0.4 ? int(random, 1, 4) : 0;
    for (let i = 0; i < continuations; i++) this.continuation();
  }

  continuation(): void {
    const random = this.random;
    const roll = random();
    if (roll < 0.2) this.line('');
    else if (roll < 0.3) this.line(pick(random, SPACES));
    else if (roll < 0.45) this.line(`${indent(random)}${pick(random, ['#', ';'])} comment`);
    else this.line(`${this.tidy ? indent(random) || ' ' : indent(random)}${indent(random)}${this.value()}`);
  }

  section(): void {
    const random = this.random;
    const name = this.tidy ? this.fresh(SECTION_NAMES, this.sections) : pick(random, SECTION_NAMES);
    if (name === undefined) return;
    this.keys = new Set();
    const shape = this.tidy ? 0 : random();
    if (shape < 0.8) this.line(`${random() < 0.2 ? indent(random) : ''}[${name}]`);
    else this.line(pick(random, [`[${name}] trailing`, `[${name}]]`, '[]', '[', `[${name}`, `[${name}] = 1`]));
  }

  /** A name not used yet (DEFAULT may come back: reopening it is allowed). */
  private fresh(names: readonly string[], used: Set<string>): string | undefined {
    const left = names.filter((n) => !used.has(n) || n === 'DEFAULT');
    if (left.length === 0) return undefined;
    const name = pick(this.random, left);
    used.add(name);
    return name;
  }

  comment(): void {
    this.line(
      `${indent(this.random)}${pick(this.random, this.tidy ? ['#', ';'] : ['#', ';', 'rem'])} a comment${pick(this.random, ['', '\r', ' \\', '\f'])}`,
    );
  }

  text(): string {
    return this.out;
  }
}

/** A random configparser file; some get a BOM, a fault or a stray byte. */
export function randomConfig(random: Random): Buffer {
  const builder = new Builder(random, random() < 0.5);
  builder.section();
  const steps = int(random, 0, 25);
  for (let i = 0; i < steps; i++) {
    const roll = random();
    if (roll < 0.15) builder.section();
    else if (roll < 0.7) builder.option();
    else if (roll < 0.8) builder.continuation();
    else if (roll < 0.9) builder.comment();
    else builder.line(pick(random, ['', ...SPACES]).replace(/[\ufeff\u200b]/g, ''));
  }
  let text = builder.text();
  if (random() < 0.3) text = text.replace(/[\r\n]+$/, '');
  let bytes = Buffer.from((random() < 0.05 ? '\ufeff' : '') + text, 'utf8');
  if (random() < 0.05) bytes = insertAt(bytes, int(random, 0, bytes.length), pick(random, FAULTS));
  return bytes;
}

/** Ill-formed UTF-8 (and one well-formed sequence to split): lone bytes, overlongs, surrogates, truncations. */
const FAULTS: Buffer[] = [
  [0xff],
  [0x80],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0x80],
  [0xed, 0xa0, 0x80],
  [0xed, 0xa0],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
  [0xc3],
].map((b) => Buffer.from(b));

function insertAt(bytes: Buffer, at: number, piece: Buffer): Buffer {
  return Buffer.concat([bytes.subarray(0, at), piece, bytes.subarray(at)]);
}

/** The Django file changed in one to three places: bytes inserted, deleted, flipped, `\r` added. */
export function mutatedDjango(random: Random): Buffer {
  let bytes = Buffer.from(
    random() < 0.2 ? DJANGO_SETUP_CFG.replaceAll('\n', pick(random, ['\r\n', '\r'])) : DJANGO_SETUP_CFG,
  );
  const count = int(random, 1, 3);
  for (let i = 0; i < count; i++) {
    const at = int(random, 0, bytes.length - 1);
    const roll = random();
    if (roll < 0.25)
      bytes = insertAt(
        bytes,
        at,
        Buffer.from([
          pick(random, [0x0d, 0x0d, 0x0a, 0x20, 0x09, 0x23, 0x3b, 0x3d, 0x3a, 0x5b, 0x5d, 0x25, int(random, 0, 255)]),
        ]),
      );
    else if (roll < 0.45) bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
    else if (roll < 0.6) bytes = insertAt(bytes, at, Buffer.from([0x0d]));
    else if (roll < 0.75) {
      const copy = Buffer.from(bytes);
      copy[at] = copy[at]! ^ (1 << int(random, 0, 7));
      bytes = copy;
    } else if (roll < 0.85) {
      const newline = bytes.indexOf(0x0a, at);
      if (newline >= 0)
        bytes = Buffer.concat([bytes.subarray(0, newline), Buffer.from('\r'), bytes.subarray(newline + 1)]);
    } else
      bytes = insertAt(
        bytes,
        at,
        Buffer.from(
          pick(random, [
            '\nsetup_requires = evil\n',
            '\r  setup_requires = evil',
            '\n[options]\n',
            '\n%(name)s\n',
            '\ufeff',
            '\u0085',
            '\n  \n',
          ]),
        ),
      );
  }
  return bytes;
}

/**
 * A file whose interesting line (a duplicate, a missing header, a bad line or a harmless
 * one) ends right around a read boundary, followed closely by a UTF-8 fault or by a line end
 * split across the boundary: which error Python reports depends on where its reads end.
 */
export function boundaryConfig(random: Random): Buffer {
  return random() < 0.5 ? eventAtBoundary(random) : faultAtBoundary(random);
}

/** The interesting line ends within a few bytes of a read boundary; a fault may follow. */
function eventAtBoundary(random: Random): Buffer {
  const end = pick(random, ENDS);
  const first = random() < 0.1 ? '' : `[a]${end}x = 1${end}`;
  const event = pick(random, ['[a]', 'x = 2', 'no delimiter here', 'y = é€𝄞', '[b]', '   continued', '']);
  const boundary = 8192 * int(random, 1, 2) + int(random, -6, 6);
  const eventLine = Buffer.from(event + end);
  const head = Buffer.from(first);
  const paddingLength = boundary - head.length - eventLine.length;
  const padding = paddingLines(random, paddingLength, end);
  const fault = random() < 0.7 ? pick(random, FAULTS) : Buffer.alloc(0);
  const tail = Buffer.concat([
    Buffer.from(' '.repeat(int(random, 0, 3))),
    fault,
    Buffer.from(pick(random, ['', `${end}z = 3${end}`, `${end}[a]${end}`, `${end}x = 3`])),
  ]);
  return Buffer.concat([head, padding, eventLine, tail]);
}

/**
 * A duplicate early on, then a fault starting within a few bytes of a read boundary: the
 * duplicate wins only when Python's decoder sees the fault in a later read (for `ED A0`
 * ending a read, one read later than the bytes alone suggest).
 */
function faultAtBoundary(random: Random): Buffer {
  const end = pick(random, ENDS);
  const head = Buffer.from(`[a]${end}x = 1${end}${pick(random, ['[a]', 'x = 2', 'fine = 1'])}${end}`);
  const fault = pick(random, FAULTS);
  const start = 8192 * int(random, 1, 2) + int(random, -4, 1);
  const padding = paddingLines(random, start - head.length, end);
  return Buffer.concat([head, padding, fault, Buffer.from(pick(random, ['', end, `${end}y = 1${end}`]))]);
}

/** Exactly `length` bytes of comment lines and multi-line values, some with multi-byte characters. */
function paddingLines(random: Random, length: number, end: string): Buffer {
  const parts: Buffer[] = [];
  let left = length;
  while (left > 160) {
    // Unique names: a repeated option would end the file before the boundary is reached.
    const body =
      pick(random, ['# padding ', `p${parts.length} = `, '    more ', '; é€ ']) + 'z'.repeat(int(random, 10, 120));
    const line = Buffer.from(body + end);
    parts.push(line);
    left -= line.length;
  }
  const last = Math.max(0, left - end.length);
  parts.push(Buffer.from('#'.repeat(last) + (left >= end.length ? end : '')));
  return Buffer.concat(parts);
}

/** Hand-picked corners. */
export const EDGE_CASES: Buffer[] = [
  '',
  '\n',
  '\r',
  '\r\n',
  ' ',
  '\ufeff',
  '\ufeff[a]\n',
  '[a]',
  '[a]\r',
  '[DEFAULT]\n[DEFAULT]\n',
  '[DEFAULT]\na=1\n[DEFAULT]\na=2\n',
  '[DEFAULT]\na = %(b)s\nb = %(a)s\n[s]\n',
  '[s]\na = %(a)s\n',
  '[s]\na = %%\nb = %(a)s%(a)s\n',
  '[s]\n=x\n=y\n',
  '[s]\n=x\n  cont = 1\n',
  '[s]\nbad\n  more = 1\nmore = 2\n',
  '[s]\na = 1\n\n\n  b\n\n',
  '[s]\na =\n  # c\n  x\n',
  '[s]\na = 1\n# c\r  b = 2\n',
  '[s]\na = 1\n  [t]\nb = 2\n',
  '  [s]\n  a = 1\n   b\n  c = 2\n',
  '[s] x\n[s]y\n',
  '[[s]]\n',
  '[s]\n[ s ]\n',
  'a = 1\n',
  '# only a comment',
  ';x\n[s]\n',
  '[s]\na\u2028= 1\n',
  '[s]\na\x85b = 1\n',
  '[s]\na = 1\x0b2\n  \x0c\n',
  '[s]\na=%(b)s\nb=%(c)s\nc=%(d)s\nd=%(e)s\ne=%(f)s\nf=%(g)s\ng=%(h)s\nh=%(i)s\ni=%(j)s\nj=%(k)s\nk=%%\n',
  '[s]\na=%(b)s\nb=%(c)s\nc=%(d)s\nd=%(e)s\ne=%(f)s\nf=%(g)s\ng=%(h)s\nh=%(i)s\ni=%(j)s\nj=%(k)s\nk=%(l)s\nl=%%\n',
].map((text) => Buffer.from(text, 'utf8'));

/** Faults at the end of input, where only the final read shows them, after a duplicate. */
export const EDGE_BYTES: Buffer[] = [
  [0xed, 0xa0],
  [0xed, 0xbf],
  [0xed, 0x9f],
  [0xe0],
  [0xe0, 0x80],
  [0xf0, 0x90, 0x80],
  [0xff],
  [0xc3],
].flatMap((fault) =>
  ['[a]\n[a]\n', '[a]\n[a]\r', '[a]\n[a]'].map((text) => Buffer.concat([Buffer.from(text), Buffer.from(fault)])),
);
