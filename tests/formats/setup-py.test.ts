import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { valueToJson } from '../../src/formats/python-values.js';
import { mulberry32 } from '../helpers/setup-py-gen.js';
import { ROOT } from '../helpers/paths.js';
import {
  declaredKeyword,
  decodeSetupPy,
  describeUnknown,
  isUnknown,
  readSetupPy,
  type Known,
  type SetupPyDeclaration,
  type Unknown,
} from '../../src/formats/setup-py.js';

const HEAD = 'from setuptools import setup\n';

function read(source: string): SetupPyDeclaration {
  return readSetupPy(source);
}

function value(declaration: SetupPyDeclaration, keyword: string): unknown {
  const entry = declaration.keywords.get(keyword);
  if (!entry) throw new Error(`no keyword ${keyword}`);
  if (isUnknown(entry)) throw new Error(`${keyword} is unknown: ${entry.reason}`);
  return valueToJson(entry.value);
}

function unknown(declaration: SetupPyDeclaration, keyword: string): Unknown {
  const entry = declaration.keywords.get(keyword);
  if (!entry || !isUnknown(entry)) throw new Error(`${keyword} is not unknown: ${JSON.stringify(entry)}`);
  return entry;
}

describe('readSetupPy: values', () => {
  it('reads literals of every kind, with implicit concatenation and escapes', () => {
    const d = read(`${HEAD}setup(
    name='Dj' "ango",  # a comment
    description=('A high-level '
                 'framework'),
    s=u'caf\\xe9 \\u4e2d \\U0001F600 \\101\\n', r=r'\\d+' R"\\n", b=b'\\x00\\xff' rB'\\n', f=f'{{x}}' 'y',
    t=("a",), l=[1, -2, +3, 0x1F, 0o17, 0b101, 1_000], fl=(1.5, -0.0, 1e400, .5), n=None, yes=True, no=False,
    d={'a': [1], 'b': {'c': ()}, 'a': 2},
    tq='''line
two''',
)
`);
    expect(d.call).toEqual({ status: 'found', line: 2, form: 'setup', inMainBlock: false });
    expect(value(d, 'name')).toBe('Django');
    expect(value(d, 'description')).toBe('A high-level framework');
    expect(value(d, 's')).toBe('café 中 😀 A\n');
    expect(value(d, 'r')).toBe('\\d+\\n');
    expect(value(d, 'b')).toEqual({ bytes: '00ff5c6e' });
    expect(value(d, 'f')).toBe('{x}y');
    expect(value(d, 't')).toEqual({ tuple: ['a'] });
    expect(value(d, 'l')).toEqual([1, -2, 3, 31, 15, 5, 1000]);
    expect(value(d, 'fl')).toEqual({ tuple: [{ float: 1.5 }, { float: -0 }, { float: 'inf' }, { float: 0.5 }] });
    expect([value(d, 'n'), value(d, 'yes'), value(d, 'no')]).toEqual([null, true, false]);
    // A repeated key keeps its first place and takes the last value, as in Python.
    expect(value(d, 'd')).toEqual({
      dict: [
        ['a', 2],
        ['b', { dict: [['c', { tuple: [] }]] }],
      ],
    });
    expect(value(d, 'tq')).toBe('line\ntwo');
    expect((d.keywords.get('r') as Known).line).toBe(6);
  });

  it('evaluates names bound once, +, % and str.format as Django 2.x wrote python_requires', () => {
    const d = read(`import sys
${HEAD}CURRENT_PYTHON = sys.version_info[:2]
REQUIRED_PYTHON = (3, 5)
if CURRENT_PYTHON < REQUIRED_PYTHON:
    sys.stderr.write("needs {}.{}".format(*(REQUIRED_PYTHON + CURRENT_PYTHON)))
    sys.exit(1)
BASE = ['pytz']
setup(
    python_requires='>={}.{}'.format(*REQUIRED_PYTHON),
    install_requires=BASE + ['sqlparse >= %s' % ('0.2.2',)],
    first=REQUIRED_PYTHON[0], tail=(1, 2, 3)[1:], back=[1, 2, 3][::-1],
    named='%(v)s-%(n)d%%' % {'v': 'x', 'n': 3}, manual='{1}{0}'.format('a', 'b'),
    current=CURRENT_PYTHON,
)
`);
    expect(value(d, 'python_requires')).toBe('>=3.5');
    expect(value(d, 'install_requires')).toEqual(['pytz', 'sqlparse >= 0.2.2']);
    expect(value(d, 'first')).toBe(3);
    expect(value(d, 'tail')).toEqual({ tuple: [2, 3] });
    expect(value(d, 'back')).toEqual([3, 2, 1]);
    expect(value(d, 'named')).toBe('x-3%');
    expect(value(d, 'manual')).toBe('ba');
    expect(unknown(d, 'current').reason).toMatch(
      /CURRENT_PYTHON \(line 3\) is sys.version_info\[:2\]: an attribute access/,
    );
  });

  it('says where a computed value comes from, in one message', () => {
    const d = read(`${HEAD}def read(f):
    return open(f).read()
version = __import__('pkg').get_version()
setup(version=version, long_description=read('README.rst'))
`);
    expect(describeUnknown('long_description', unknown(d, 'long_description'))).toBe(
      "setup.py line 5: long_description is computed (read('README.rst')): a call",
    );
    expect(unknown(d, 'version').reason).toBe("version (line 4) is __import__('pkg').get_version(): a call");
  });

  it('leaves non-literal expressions unknown, naming the construct', () => {
    const cases: [string, RegExp][] = [
      ['find_packages()', /a call/],
      ['os.path.join("a")', /attribute/],
      ['[x for x in y]', /comprehension/],
      ['lambda: 0', /lambda/],
      ['1 if x else 2', /conditional/],
      ['{1, 2}', /a set/],
      ['1 + 2', /\+ between int and int/],
      ["'%r' % (1,)", /conversion/],
      ["'{!r}'.format(1)", /conversion or format spec/],
      ["'{}{0}'.format(1)", /mixes/],
      ["'%s' % 1.5", /% with a float/],
      ["'%s %s' % ('a',)", /not enough arguments/],
      ['(1, 2)[5]', /out of range/],
      ["'abc'[0]", /subscript of str/],
      ['--1', /repeated sign/],
      ['-True', /sign/],
      ['2**3', /\*\*/],
      ['10L', /Python 2 long/],
      ['0777', /Python 2 octal/],
      ['123456789012345678901234567890', /beyond 2\*\*53/],
      ['1j', /complex/],
      ["'\\N{DIGIT ONE}'", /N\{/],
      ["'\\ud800'", /surrogate/],
      ["ur'x'", /Python 2 only/],
      ["f'{x}'", /replacement fields/],
      ["b'a' 'b'", /bytes and str/],
      ['undefined_name', /not assigned/],
      [`${'['.repeat(101)}1${']'.repeat(101)}`, /nested more than 100/],
    ];
    for (const [expression, reason] of cases) {
      const d = read(`${HEAD}setup(k=${expression})\n`);
      expect(unknown(d, 'k').reason, expression).toMatch(reason);
      expect(unknown(d, 'k').unknown).toBe(expression);
    }
    expect(value(read(`${HEAD}setup(k=${'['.repeat(100)}1${']'.repeat(100)})\n`), 'k')).toBeDefined();
  });
});

describe('readSetupPy: names', () => {
  const reasonFor = (prelude: string, use = 'X'): string =>
    unknown(read(`${HEAD}${prelude}\nsetup(k=${use})\n`), 'k').reason;

  it('reads a name only when it is assigned exactly once, at module level, before the call', () => {
    expect(value(read(`${HEAD}X = 'a'\nY = X + 'b'\nsetup(k=Y)\n`), 'k')).toBe('ab');
    expect(reasonFor("X = 'a'\nX = 'b'")).toMatch(/bound 2 times \(lines 2, 3\)/);
    expect(reasonFor("if sys.argv:\n    X = 'a'")).toMatch(/assigned inside an if block \(line 3\)/);
    expect(reasonFor("try:\n    X = 'a'\nexcept ImportError:\n    pass")).toMatch(/inside a try block/);
    expect(reasonFor('for X in range(2):\n    pass')).toMatch(/a loop variable/);
    expect(reasonFor('from pkg import X')).toMatch(/imported/);
    expect(reasonFor('import X.sub')).toMatch(/imported/);
    expect(reasonFor("X, Y = 'a', 'b'")).toMatch(/part of a larger target/);
    expect(reasonFor("X = Y = 'a'")).toMatch(/part of a larger target/);
    expect(reasonFor("X = 'a'\nX += 'b'")).toMatch(/bound 2 times/);
    expect(reasonFor("X = 'a'\ndef f():\n    global X\n    X = 'b'")).toMatch(/bound 2 times/);
    expect(reasonFor("X = 'a'\n_ = [X for X in 'b']")).toMatch(/bound 2 times/);
    expect(reasonFor("X = 'a'\n(X := 'b')")).toMatch(/bound 2 times/);
    expect(reasonFor("X = 'a'\nwith open('f') as X:\n    pass")).toMatch(/bound 2 times/);
    expect(reasonFor("X = 'a'\ndel X")).toMatch(/bound 2 times/);
    expect(reasonFor("X: str = 'a'")).toMatch(/annotation/);
    expect(reasonFor("Y = X\nX = 'a'", 'Y')).toMatch(/assigned after it is used/);
    // A function's own names are its own.
    expect(
      value(read(`${HEAD}X = 'a'\ndef f(X=1):\n    X = 2\n    return X\nclass C:\n    X = 3\nsetup(k=X)\n`), 'k'),
    ).toBe('a');
  });

  it('reads a list or dict name only when nothing before the call could change it in place', () => {
    expect(
      value(read(`${HEAD}R = ['a']\nsetup(install_requires=R, tests_require=R + ['b'])\n`), 'install_requires'),
    ).toEqual(['a']);
    expect(reasonFor("X = ['a']\nX.append('b')")).toMatch(
      /X is a list that setup.py also uses at line 3, where it may be changed/,
    );
    expect(reasonFor("X = {'a': 1}\ndef f():\n    return X")).toMatch(/dict that setup.py also uses at line 4/);
    expect(reasonFor("X = ('a', [1])\nprint(X)")).toMatch(/tuple that setup.py also uses/);
    expect(unknown(read(`${HEAD}X = ['a']\nsetup(k=X, j=f(X))\n`), 'k').reason).toMatch(/also uses at line 3/);
    // A tuple of str cannot change: other uses do not matter.
    expect(value(read(`${HEAD}X = ('a', 'b')\nprint(X)\nsetup(k=X)\n`), 'k')).toEqual({ tuple: ['a', 'b'] });
  });

  it('reads nothing by name when the file can rebind names out of sight', () => {
    for (const prelude of [
      "X = 'a'\nglobals()['X'] = 'b'",
      "X = 'a'\nexec('X = 1')",
      "X = 'a'\nimport sys\nsys.modules[__name__].X = 'b'",
    ]) {
      expect(reasonFor(prelude)).toMatch(/which can rebind any name/);
    }
    // A star import may bind setup itself: the call is then not read at all.
    expect(read(`${HEAD}from os.path import *\nsetup(k=1)\n`).call).toEqual({
      status: 'not-found',
      reason: 'from os.path import * (line 2) may bind setup',
    });
    expect(reasonFor("X = 'a'\nvars()")).toMatch(/uses vars \(line 3\), which can rebind any name/);
    // ...while __import__ of a literal module name cannot reach setup.py's names.
    expect(value(read(`${HEAD}X = 'a'\nv = __import__('django').get_version()\nsetup(k=X)\n`), 'k')).toBe('a');
  });

  it('compares names as Python does (NFKC) and knows Python 2 may rebind True', () => {
    expect(reasonFor("x = 'a'\nｘ = 'b'", 'x')).toMatch(/bound 2 times/);
    expect(reasonFor('True = 0', 'True')).toMatch(/True is assigned in setup.py/);
  });

  it('follows chains of at most 100 names', () => {
    const chain = (n: number): string =>
      `A0 = 'x'\n${Array.from({ length: n }, (_, i) => `A${i + 1} = A${i}`).join('\n')}`;
    expect(value(read(`${HEAD}${chain(99)}\nsetup(k=A99)\n`), 'k')).toBe('x');
    expect(reasonFor(chain(100), 'A100')).toMatch(/more than 100 other names/);
  });
});

describe('readSetupPy: the call', () => {
  it('accepts the call at module level, in the main block, and as setuptools.setup', () => {
    expect(read(`import setuptools\nsetuptools.setup(name='x')\n`).call).toMatchObject({
      status: 'found',
      form: 'setuptools.setup',
    });
    expect(read(`import distutils.core\ndistutils.core.setup(name='x')\n`).call).toMatchObject({
      status: 'found',
      form: 'distutils.core.setup',
    });
    expect(read(`from distutils.core import setup\ndist = setup(name='x')\n`).call).toMatchObject({ status: 'found' });
    const main = read(`${HEAD}if __name__ == '__main__':\n    V = '1'\n    setup(version=V)\n`);
    expect(main.call).toMatchObject({ status: 'found', inMainBlock: true, line: 4 });
    expect(value(main, 'version')).toBe('1');
    expect(read(`${HEAD}if "__main__" == __name__: setup(name='x')\n`).call).toMatchObject({
      status: 'found',
      inMainBlock: true,
    });
    const both = `try:\n    from setuptools import setup\nexcept ImportError:\n    from distutils.core import setup\nsetup(name='x')\n`;
    expect(read(both).call.status).toBe('found');
  });

  it('refuses a call it cannot read statically, saying why', () => {
    const reason = (source: string): string => {
      const call = read(source).call;
      return call.status === 'found' ? 'found' : call.reason;
    };
    expect(reason(`${HEAD}def main():\n    setup(name='x')\nmain()\n`)).toMatch(
      /setup\(\) at line 3 is inside a function \(def at line 2\): not statically readable/,
    );
    expect(reason(`${HEAD}for x in [1]:\n    if x:\n        setup(name='x')\n`)).toMatch(/inside a loop \(line 2\)/);
    expect(reason(`${HEAD}if sys.argv:\n    setup(name='x')\n`)).toMatch(/inside an if block/);
    expect(reason(`${HEAD}try:\n    setup(name='x')\nfinally:\n    pass\n`)).toMatch(/inside a try block/);
    expect(reason(`${HEAD}x = [setup(name='x')]\n`)).toMatch(/part of a larger statement/);
    expect(reason(`${HEAD}print('no call')\n`)).toBe('setup.py has no setup(...) call');
    expect(reason(`setup(name='x')\n`)).toBe('setup is not imported from setuptools or distutils.core');
    expect(reason(`${HEAD}def setup(**kw):\n    pass\nsetup(name='x')\n`)).toMatch(/setup is a function \(line 2\)/);
    expect(reason(`from setuptools import find_packages as setup\nsetup(name='x')\n`)).toMatch(
      /not only imported from setuptools/,
    );
    expect(reason(`${HEAD}setup(name='x', $)\n`)).toMatch(/text Python does not tokenize between its arguments/);
    expect(reason(`${HEAD}x = f"{d["k"]}"\nsetup(name='x')\n`)).toMatch(/Python 3.12 reads the file differently/);
    const several = read(`${HEAD}setup(name='a')\nsetup(name='b')\n`).call;
    expect(several).toEqual({ status: 'several', reason: 'setup() is called 2 times (lines 2, 3)', lines: [2, 3] });
  });

  it('marks keywords that **kwargs may hold as unknown, and keeps those written out', () => {
    const d = read(`${HEAD}extra = {'zip_safe': False}\nsetup(name='x', **extra)\n`);
    expect(value(d, 'name')).toBe('x');
    expect(d.otherKeywords).toMatchObject({
      line: 3,
      unknown: '**extra',
      reason: 'setup() also receives **extra: any keyword not written out may be in it',
    });
    expect(declaredKeyword(d, 'zip_safe')).toBe(d.otherKeywords);
    expect(declaredKeyword(read(`${HEAD}setup(name='x')\n`), 'zip_safe')).toBeUndefined();
  });

  it('skips a statement it cannot tokenize, counting its names as bound there', () => {
    const d = read(`${HEAD}X = 'a'\nY = 'b'\nX = $ 1\nsetup(k=X, j=Y, v=1 $)\n`);
    expect(unknown(d, 'k').reason).toMatch(/bound 2 times/);
    expect(value(d, 'j')).toBe('b');
    expect(unknown(d, 'v').reason).toMatch(/text Python does not tokenize/);
  });

  it('takes a keyword given twice as unknown (Python refuses the call)', () => {
    const d = read(`${HEAD}setup(name='a', name='b')\n`);
    expect(unknown(d, 'name').reason).toMatch(/given twice/);
  });
});

describe('readSetupPy: Python 2 files', () => {
  it('reads a Python 2 setup.py around its print statements, backticks, <> and old literals', () => {
    const d = read(`# -*- coding: utf-8 -*-
from distutils.core import setup
import sys
if sys.version < '2.5':
    print >>sys.stderr, "too old: %s" % \`sys.version\`
    sys.exit(1)
if 1 <> 2:
    print "ok"
try:
    import foo
except ImportError, e:
    pass
MODE = 0755
setup(name = "Old", version = "1.0", mode = MODE, big = 10L,
      classifiers = ['Programming Language :: Python :: 2.4'], e = e)
`);
    expect(d.call.status).toBe('found');
    expect(value(d, 'name')).toBe('Old');
    expect(unknown(d, 'mode').reason).toMatch(/Python 2 octal literal 0755/);
    expect(unknown(d, 'big').reason).toMatch(/Python 2 long literal/);
    expect(unknown(d, 'e').reason).toMatch(/e is bound by as/);
    expect(value(d, 'classifiers')).toEqual(['Programming Language :: Python :: 2.4']);
  });

  it('normalizes \\r\\n and \\r line endings as Python does, inside strings too', () => {
    const d = read(`${HEAD}setup(\r\n  a='''x\r\ny\rz''',\r\n  b='p\\\r\nq')\r\n`);
    expect(value(d, 'a')).toBe('x\ny\nz');
    expect(value(d, 'b')).toBe('pq');
    expect((d.keywords.get('b') as Known).line).toBe(6);
  });
});

describe('readSetupPy: bounded work', () => {
  // No timing thresholds (the machines are noisy): a quadratic step on 1 MB would outlast the
  // test timeout; what is asserted is that each shape is read, or refused with its reason.

  it('reads a 1 MB setup.py in well under a second', () => {
    const classifiers = Array.from(
      { length: 25_000 },
      (_, i) => `        'Topic :: Software Development :: Libraries :: ${i}',`,
    ).join('\n');
    const source = `${HEAD}import os\nVERSION = (1, 2)\nsetup(\n    name='big',\n    python_requires='>={}.{}'.format(*VERSION),\n    classifiers=[\n${classifiers}\n    ],\n)\n`;
    expect(source.length).toBeGreaterThan(1_000_000);
    const d = readSetupPy(source);
    expect((value(d, 'classifiers') as string[]).length).toBe(25_000);
  });

  it('stays linear and bounded on hostile shapes of about 1 MB', () => {
    const shapes: Record<string, string> = {
      brackets: `${HEAD}setup(a=${'['.repeat(300_000)}${']'.repeat(300_000)})\n`,
      parentheses: `X = ${'('.repeat(400_000)}1${')'.repeat(400_000)}\n${HEAD}setup(a=X)\n`,
      plus: `${HEAD}setup(a='a'${" + 'b'".repeat(150_000)})\n`,
      subscripts: `${HEAD}X = ((1,),)\nsetup(a=X${'[0]'.repeat(250_000)})\n`,
      signs: `${HEAD}setup(a=${'-'.repeat(500_000)}1)\n`,
      names: `${HEAD}A0 = 'x'\n${Array.from({ length: 50_000 }, (_, i) => `A${i + 1} = A${i}`).join('\n')}\nsetup(a=A50000)\n`,
      doubling: `${HEAD}X0 = 'ab'\n${Array.from({ length: 60 }, (_, i) => `X${i + 1} = X${i} + X${i}`).join('\n')}\nsetup(a=X60)\n`,
      copies: `${HEAD}A = (${Array.from({ length: 20_000 }, () => "'xxxxxxxx'").join(',')})\n${Array.from({ length: 3000 }, (_, i) => `B${i} = A + A`).join('\n')}\nsetup(${Array.from({ length: 3000 }, (_, i) => `k${i}=B${i}`).join(', ')})\n`,
      indentation: `${Array.from({ length: 1400 }, (_, i) => `${' '.repeat(i)}if x:`).join('\n')}\n${' '.repeat(1400)}pass\n${HEAD}setup(a=1)\n`,
      fstrings: `${HEAD}setup(a=f'${'{x!r:>{w}}'.repeat(60_000)}')\n`,
      formats: `${HEAD}X = '${'y'.repeat(100_000)}'\nsetup(a='${'{0}'.repeat(100_000)}'.format(X))\n`,
      statements: `${'x = 1; '.repeat(100_000)}\n${HEAD}setup(a=x)\n`,
    };
    for (const [shape, source] of Object.entries(shapes)) {
      expect(source.length, shape).toBeLessThan(1_300_000);
      expect(() => readSetupPy(source), shape).not.toThrow();
    }
    const doubled = readSetupPy(shapes.doubling!.replace('setup(a=X60)', 'setup(a=X21)'));
    expect(unknown(doubled, 'a').reason).toMatch(
      /X21 \(line 23\) is X20 \+ X20: (the value would be larger than|reading it would take more work)/,
    );
    const copies = readSetupPy(shapes.copies!);
    expect(isUnknown(copies.keywords.get('k2999')!)).toBe(true);
  }, 60_000);
});

describe('decodeSetupPy', () => {
  const bytes = (text: string, encoding: BufferEncoding = 'utf8'): Uint8Array => Buffer.from(text, encoding);

  it('decodes as Python 3 does: BOM, a coding cookie on line 1 or 2, else UTF-8', () => {
    expect(decodeSetupPy(bytes("x = 'é'\n"))).toEqual({ ok: true, text: "x = 'é'\n" });
    expect(decodeSetupPy(Uint8Array.from([0xef, 0xbb, 0xbf, ...bytes('x = 1\n')]))).toEqual({
      ok: true,
      text: 'x = 1\n',
    });
    expect(decodeSetupPy(bytes("#!/usr/bin/env python\n# -*- coding: latin-1 -*-\nx = '\u00e9'\n", 'latin1'))).toEqual({
      ok: true,
      text: "#!/usr/bin/env python\n# -*- coding: latin-1 -*-\nx = 'é'\n",
    });
    // A cookie on line 2 counts only after a comment or blank line 1.
    expect(decodeSetupPy(bytes("import os\n# coding: latin-1\nx = 'é'\n", 'latin1'))).toMatchObject({
      ok: false,
      reason: /not valid UTF-8/,
    });
    expect(decodeSetupPy(bytes('# vim: set fileencoding=utf-8 :\nx = 1\n'))).toMatchObject({ ok: true });
    expect(decodeSetupPy(bytes('# coding: ascii\nx = 1\n'))).toMatchObject({ ok: true });
    expect(decodeSetupPy(bytes("# coding: ascii\nx = 'é'\n"))).toMatchObject({ ok: false, reason: /declares ASCII/ });
    expect(decodeSetupPy(bytes('# coding: shift_jis\nx = 1\n'))).toEqual({
      ok: false,
      reason: 'setup.py declares the encoding shift_jis, which is not read here',
    });
    expect(decodeSetupPy(Uint8Array.from([0x78, 0x3d, 0xff]))).toMatchObject({ ok: false });
  });
});

describe('readSetupPy on damaged files', () => {
  it('never throws, whatever the bytes (10,000 seeded mutants of a Django-like setup.py)', () => {
    const base = readFileSync(join(ROOT, 'tests', 'fixtures-data', 'setup-py', '2.0.13.setup.py'), 'utf8');
    const random = mulberry32(7);
    const pieces = [
      '"',
      "'",
      '"""',
      '(',
      ')',
      '[',
      ']',
      '{',
      '}',
      '\\',
      '\n',
      '\t',
      ' ',
      ':',
      '=',
      ',',
      '#',
      'f"{',
      '}"',
      '\r',
      '\f',
      '\u00e9',
      '\ud800',
      '\0',
      'lambda',
      'if ',
      'for ',
      '**',
      '*',
      '%',
      '.format(',
      'setup(',
      'global X',
    ];
    for (let n = 0; n < 10_000; n++) {
      let text = base;
      for (let edits = 1 + Math.floor(random() * 4); edits > 0; edits--) {
        const at = Math.floor(random() * text.length);
        const cut = Math.floor(random() * 4);
        text = text.slice(0, at) + pieces[Math.floor(random() * pieces.length)]! + text.slice(at + cut);
      }
      expect(() => readSetupPy(text)).not.toThrow();
    }
  }, 120_000);
});
