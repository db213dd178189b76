import { describe, expect, it } from 'vitest';
import {
  canonicalRequirement,
  compareRequirementSets,
  packagingRequirementString,
  parseRequirement,
  requirementForExtra,
  RequirementError,
} from '../../src/formats/requirements.js';
import {
  parseRequiresTxt,
  requiresDistFromRequiresTxt,
  requiresTxtRequirements,
} from '../../src/formats/requires-txt.js';
import { RequiresTxtError } from '../../src/formats/requires-txt.js';
import { MAX_MARKER_NESTING } from '../../src/formats/pep508-parser.js';

const canonical = (text: string): string => canonicalRequirement(parseRequirement(text));

function refusal(text: string): RequirementError {
  try {
    parseRequirement(text);
  } catch (error) {
    if (error instanceof RequirementError) return error;
    throw error;
  }
  throw new Error(`${JSON.stringify(text)} was accepted`);
}

describe('one requirement, as each era of the tools prints it, is one canonical form', () => {
  it.each([
    ['asgiref >= 3.3.2, < 4', 'asgiref<4,>=3.3.2', 'asgiref (<4,>=3.3.2)', 'Asgiref (>=3.3.2.0,<4.0)'],
    [
      "tzdata; sys_platform == 'win32'",
      'tzdata; sys_platform == "win32"',
      'tzdata ; sys_platform == "win32"',
      'tzdata;sys.platform=="win32"',
    ],
    [
      "backports.zoneinfo; python_version < '3.9'",
      'backports-zoneinfo ; python_version<"3.9"',
      'Backports_ZoneInfo;(python_version < "3.9")',
    ],
    [
      'argon2-cffi>=19.1.0; extra == "argon2"',
      "argon2-cffi (>=19.1.0) ; extra == 'argon2'",
      'argon2_cffi>=19.1; extra == "Argon2"',
    ],
    ['pkg[b,a]==1.0a1', 'PKG [ A , b ] (== 1.0alpha1)', 'pkg[a,b]==1.0-a-1'],
  ])('%s', (...forms) => {
    expect(new Set(forms.map(canonical)).size).toBe(1);
  });

  it('writes the canonical form from packaging’s own str(), normalized', () => {
    expect(canonical('asgiref >= 3.3.2, < 4')).toBe('asgiref<4,>=3.3.2');
    expect(canonical("Backports.ZoneInfo; python_version < '3.9'")).toBe('backports-zoneinfo; python_version < "3.9"');
    expect(packagingRequirementString(parseRequirement("Backports.ZoneInfo; python_version < '3.9'"))).toBe(
      'Backports.ZoneInfo; python_version < "3.9"',
    );
  });

  it('an extra’s requirement in setup.cfg is the Requires-Dist with `and extra == ...`', () => {
    const declared = requirementForExtra(parseRequirement('argon2-cffi >= 19.1.0'), 'argon2');
    expect(canonicalRequirement(declared)).toBe(canonical("argon2-cffi (>=19.1.0) ; extra == 'argon2'"));
    const conditional = requirementForExtra(parseRequirement('x; python_version < "3" or os_name == "nt"'), 'a');
    expect(canonicalRequirement(conditional)).toBe('x; (python_version < "3" or os_name == "nt") and extra == "a"');
  });
});

describe('any change that matters is a different canonical form', () => {
  it.each([
    ['asgiref<4,>=3.3.2', 'asgiref<5,>=3.3.2'],
    ['asgiref<4,>=3.3.2', 'asgiref<4,>3.3.2'],
    ['asgiref<4,>=3.3.2', 'asgiref>=3.3.2'],
    ['asgiref', 'asgiref2'],
    ['pkg[a]', 'pkg[a,b]'],
    ['pkg~=1.0', 'pkg~=1.0.0'],
    ['pkg===1.0', 'pkg===1.0.0'],
    ['pkg==1.*', 'pkg==1.0.*'],
    ['pkg @ https://example.com/a.whl', 'pkg @ https://example.com/b.whl'],
    ['tzdata; sys_platform == "win32"', 'tzdata; sys_platform != "win32"'],
    ['tzdata; sys_platform == "win32"', 'tzdata; sys_platform == "linux"'],
    ['tzdata; sys_platform == "win32"', 'tzdata'],
    // packaging prints both as `a and b or c` (it drops doubled parentheses): they differ.
    [
      'x; os_name == "a" and ((os_name == "b" or os_name == "c"))',
      'x; os_name == "a" and os_name == "b" or os_name == "c"',
    ],
    // packaging prints both as `os_name == "a" or os_name == "b"`: one value holding quotes is not two comparisons.
    ['x; os_name == \'a" or os_name == "b\'', 'x; os_name == "a" or os_name == "b"'],
    // packaging turns the variable into the value "os-name" in a first comparison with extra.
    ['x; extra == os_name', 'x; extra == "os-name"'],
  ])('%s ≠ %s', (a, b) => {
    expect(canonical(a)).not.toBe(canonical(b));
  });
});

describe('what packaging refuses is refused, with a reason', () => {
  it.each([
    ['', 'SYNTAX', 0],
    ['-abc', 'SYNTAX', 0],
    ['a b', 'SYNTAX', 2],
    ['a[b c]', 'SYNTAX', 4],
    ['a>=1.*', 'SYNTAX', 1],
    ['a~=1', 'SYNTAX', 1],
    ['a;', 'SYNTAX', 2],
    ["a; os_name == 'x' or", 'SYNTAX', 20],
    ["a; os_name == 'a\\'", 'SYNTAX', 14],
    ["a; os_name == '\\x4'", 'SYNTAX', 14],
    ['a===1,2', 'SPECIFIER', null],
    ['a @ file:///x?', 'URL', null],
    ['a @ http://[1.2.3.4]/', 'URL', null],
    ['a @ http:///path', 'URL', null],
    ['a @ http://ex\u2100mple.com/', 'URL', null],
  ])('%j: %s', (text, reason, position) => {
    const error = refusal(text);
    expect(error.reason).toBe(reason);
    expect(error.position).toBe(position);
    expect(error.input).toBe(text);
  });

  it('bounds the nesting of parentheses instead of exhausting the stack', () => {
    const nested = (depth: number): string => `a; ${'('.repeat(depth)}os_name == "x"${')'.repeat(depth)}`;
    expect(canonical(nested(MAX_MARKER_NESTING))).toBe('a; os_name == "x"');
    expect(refusal(nested(MAX_MARKER_NESTING + 1)).reason).toBe('SYNTAX');
    expect(refusal(nested(1_000_000)).message).toMatch(/nested deeper/);
  });
});

describe('linear time on hostile input', () => {
  const big = 1_000_000;
  it.each([
    ['a long name', 'a'.repeat(big)],
    ['a long name ending in punctuation', `${'a-'.repeat(big / 2)} x`],
    ['much whitespace', `a${' '.repeat(big)}>=1`],
    ['a long release', `a==${'1.'.repeat(big / 2)}1`],
    ['a long release, then junk', `a==${'1.'.repeat(big / 2)}1x`],
    ['a long arbitrary version', `a===${'x'.repeat(big)}`],
    ['a long arbitrary version that is almost a version', `a===${'1.'.repeat(big / 2)}x,===2`],
    ['many extras', `a[${'b,'.repeat(big / 2)}b]`],
    ['many specifiers', `a${'>=1,'.repeat(big / 4)}`],
    ['a long marker chain', `a; ${'os_name == "x" and '.repeat(big / 20)}os_name == "y"`],
    ['a long escaped value', `a; os_name == '${'\\101'.repeat(big / 4)}'`],
    ['a long unterminated value', `a; os_name == '${'x'.repeat(big)}`],
    ['a long URL', `a @ https://example.com/${'p'.repeat(big)}`],
  ])(
    '%s is read or refused with a RequirementError (a backtracking parser would not end within the test timeout)',
    (_name, text) => {
      try {
        expect(typeof canonical(text)).toBe('string');
      } catch (error) {
        if (!(error instanceof RequirementError)) throw error;
      }
    },
  );
});

const DJANGO_LIKE = `channels<5,>=3.6.0
markupsafe>=1.1.1

[:python_version < "3.9"]
importlib-resources

[:sys_platform == "win32"]
colorama

[crypto]
cryptography>=3.4.0

[docs:python_version >= "3.8"]
sphinx

[yaml]
pyyaml
`;

describe('requires.txt', () => {
  it('reads sections into entries with their extra and marker', () => {
    const txt = parseRequiresTxt(DJANGO_LIKE);
    expect(txt.sections.map((s) => [s.header, s.extra, s.condition])).toEqual([
      [null, null, null],
      [':python_version < "3.9"', null, 'python_version < "3.9"'],
      [':sys_platform == "win32"', null, 'sys_platform == "win32"'],
      ['crypto', 'crypto', null],
      ['docs:python_version >= "3.8"', 'docs', 'python_version >= "3.8"'],
      ['yaml', 'yaml', null],
    ]);
    expect(txt.entries.map((e) => [e.requirement.name, e.extra ?? null, e.marker !== undefined])).toEqual([
      ['channels', null, false],
      ['markupsafe', null, false],
      ['importlib-resources', null, true],
      ['colorama', null, true],
      ['cryptography', 'crypto', false],
      ['sphinx', 'docs', true],
      ['pyyaml', 'yaml', false],
    ]);
    expect(requiresTxtRequirements(txt).map(canonicalRequirement)).toEqual([
      'channels<5,>=3.6',
      'markupsafe>=1.1.1',
      'importlib-resources; python_version < "3.9"',
      'colorama; sys_platform == "win32"',
      'cryptography>=3.4; extra == "crypto"',
      'sphinx; python_version >= "3.8" and extra == "docs"',
      'pyyaml; extra == "yaml"',
    ]);
  });

  it('converts as wheel 0.38 does: sorted sections, parenthesized specifiers, the condition copied', () => {
    expect(requiresDistFromRequiresTxt(parseRequiresTxt(DJANGO_LIKE)).map((f) => `${f.name}: ${f.value}`)).toEqual([
      'Requires-Dist: channels (<5,>=3.6.0)',
      'Requires-Dist: markupsafe (>=1.1.1)',
      'Requires-Dist: importlib-resources ; python_version < "3.9"',
      'Requires-Dist: colorama ; sys_platform == "win32"',
      'Provides-Extra: crypto',
      "Requires-Dist: cryptography (>=3.4.0) ; extra == 'crypto'",
      'Provides-Extra: docs',
      'Requires-Dist: sphinx ; (python_version >= "3.8") and extra == \'docs\'',
      'Provides-Extra: yaml',
      "Requires-Dist: pyyaml ; extra == 'yaml'",
    ]);
  });

  it.each([
    ['a\n[]\nb\n', 'SECTION'],
    ['a\n[x\nb\n', 'SECTION'],
    ["[x:os_name=='a') or (os_name=='b']\nb\n", 'MARKER'],
    ['[x:os_name=="a" garbage]\nb\n', 'MARKER'],
    ['a; os_name == "nt"\n', 'LINE_MARKER'],
    ['a \\\n>=1\n', 'CONTINUATION'],
    ['a>=1 ,\n', 'LEGACY_PARSER'],
    ['a_\n', 'LEGACY_PARSER'],
    ['a===1\n', 'LEGACY_PARSER'],
    ['a~=1.0alpha1\n', 'LEGACY_PARSER'],
    ['a>=\n', 'REQUIREMENT'],
  ])('refuses %j (%s)', (text, reason) => {
    expect(() => parseRequiresTxt(text)).toThrow(RequiresTxtError);
    try {
      parseRequiresTxt(text);
    } catch (error) {
      expect((error as RequiresTxtError).reason).toBe(reason);
    }
  });

  it('keeps an empty extra (wheel still writes its Provides-Extra) and drops comments as pkg_resources does', () => {
    const txt = parseRequiresTxt('# generated\na # pinned below\n\n[empty]\n');
    expect(requiresDistFromRequiresTxt(txt)).toEqual([
      { name: 'Requires-Dist', value: 'a' },
      { name: 'Provides-Extra', value: 'empty' },
    ]);
  });
});

describe('compareRequirementSets', () => {
  it('names what a poisoned build added and what it dropped, and nothing for a reprint', () => {
    const declared = ['asgiref >= 3.3.2, < 4', 'pytz', 'sqlparse >= 0.2.2'].map(parseRequirement);
    const reprinted = ['asgiref<4,>=3.3.2', 'pytz', 'sqlparse>=0.2.2'].map(parseRequirement);
    expect(compareRequirementSets(declared, reprinted)).toEqual({ onlyDeclared: [], onlyFound: [] });
    const poisoned = ['asgiref<4,>=3.3.2', 'sqlparse>=0.2.2', 'pytz-helper; sys_platform == "linux"'].map(
      parseRequirement,
    );
    expect(compareRequirementSets(declared, poisoned)).toEqual({
      onlyDeclared: ['pytz'],
      onlyFound: ['pytz-helper; sys_platform == "linux"'],
    });
  });
});
