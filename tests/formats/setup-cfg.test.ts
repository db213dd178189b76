import { describe, expect, it } from 'vitest';
import {
  diffConfig,
  getInterpolated,
  getRaw,
  options,
  parseSetupCfg,
  SetupCfgError,
  writeLikeRawConfigParser,
} from '../../src/formats/setup-cfg.js';

function failure(input: Buffer | string, read: (input: Buffer | string) => unknown = parseSetupCfg): SetupCfgError {
  try {
    read(input);
  } catch (error) {
    if (error instanceof SetupCfgError) return error;
    throw error;
  }
  throw new Error('expected a SetupCfgError');
}

// No timing thresholds (the machines are noisy): a quadratic step on these 1 MB inputs would run
// for hours, so the suite's per-test timeout is what catches one; npm run bench prints the times.

describe('parseSetupCfg', () => {
  it('keeps sections in order, [DEFAULT] apart, and raw values as configparser joins them', () => {
    const cfg = parseSetupCfg('[DEFAULT]\nroot = /srv\n[b]\nKey: v\n[a]\nx =\n  one\n\n  two\n\n\n');
    expect([...cfg.sections.keys()]).toEqual(['b', 'a']);
    expect([...cfg.defaults]).toEqual([['root', '/srv']]);
    expect(getRaw(cfg, 'b', 'Key')).toBe('v');
    expect(getRaw(cfg, 'a', 'x')).toBe('\none\n\ntwo');
    expect(getRaw(cfg, 'a', 'root')).toBe('/srv');
  });

  it('names the CPython exception and the line', () => {
    expect(failure('[a]\nx = 1\n[a]\n')).toMatchObject({ pythonClass: 'DuplicateSectionError', line: 3 });
    expect(failure('[a]\nx = 1\r\nx = 2\n')).toMatchObject({ pythonClass: 'DuplicateOptionError', line: 3 });
    expect(failure('\n# c\nx = 1\n')).toMatchObject({ pythonClass: 'MissingSectionHeaderError', line: 3 });
    expect(failure('\ufeff[a]\n')).toMatchObject({ pythonClass: 'MissingSectionHeaderError', line: 1 });
    expect(failure('[a]\nno delimiter\n= no name\n')).toMatchObject({ pythonClass: 'ParsingError', line: 2 });
    expect(failure(Buffer.from([...Buffer.from('[a]\rx = 1\n'), 0xff]))).toMatchObject({
      pythonClass: 'UnicodeDecodeError',
      line: 3,
    });
  });

  it('a later parse error does not hide an earlier duplicate, but a fault in the first 8 KiB read does', () => {
    expect(
      failure(Buffer.concat([Buffer.from('[a]\n[a]\n'), Buffer.alloc(9000, 0x23), Buffer.from([0xff])])).pythonClass,
    ).toBe('DuplicateSectionError');
    expect(
      failure(Buffer.concat([Buffer.from('[a]\n[a]\n'), Buffer.alloc(100, 0x23), Buffer.from([0xff])])).pythonClass,
    ).toBe('UnicodeDecodeError');
  });
});

describe('options, getRaw and getInterpolated', () => {
  const cfg = parseSetupCfg('[DEFAULT]\nz = 1\nb = default\n[s]\nb = own\na = %(z)s%%\nbad = %z\nloop = %(loop)s\n');

  it('options() lists the section, then the defaults it does not set; [DEFAULT] is not a section', () => {
    expect(options(cfg, 's')).toEqual(['b', 'a', 'bad', 'loop', 'z']);
    expect(failure('DEFAULT', (name) => options(cfg, String(name))).pythonClass).toBe('NoSectionError');
  });

  it('interpolates like BasicInterpolation, errors included', () => {
    expect(getInterpolated(cfg, 's', 'a')).toBe('1%');
    expect(getInterpolated(cfg, 'DEFAULT', 'b')).toBe('default');
    expect(failure('bad', (o) => getInterpolated(cfg, 's', String(o))).pythonClass).toBe('InterpolationSyntaxError');
    expect(failure('loop', (o) => getInterpolated(cfg, 's', String(o))).pythonClass).toBe('InterpolationDepthError');
    expect(failure('nope', (o) => getRaw(cfg, 's', String(o))).pythonClass).toBe('NoOptionError');
  });

  it('refuses an expansion that would grow past the cap instead of building it', () => {
    // Nine levels (the tenth would be InterpolationDepthError) of 64 references: Python would build 2 × 64^9 characters.
    const levels = Array.from({ length: 9 }, (_, i) => `v${i} = ${`%(v${i + 1})s`.repeat(64)}`).join('\n');
    const bomb = parseSetupCfg(`[s]\n${levels}\nv9 = x%%\n`);
    const error = failure('v0', (o) => getInterpolated(bomb, 's', String(o)));
    expect(error.pythonClass).toBe('LimitExceeded');
  });
});

describe('writeLikeRawConfigParser and diffConfig', () => {
  it('writes [DEFAULT] first, continuation lines with a tab, an empty value with its space', () => {
    const cfg = parseSetupCfg('[s]\nempty =\nlist =\n  a\n\n  b\n[DEFAULT]\nd = 1\n');
    expect(writeLikeRawConfigParser(cfg)).toBe('[DEFAULT]\nd = 1\n\n[s]\nempty = \nlist = \n\ta\n\t\n\tb\n\n');
  });

  it('lists differing raw values, [DEFAULT] included, and sections on one side only', () => {
    const a = parseSetupCfg('[DEFAULT]\nd = 1\n[s]\nx = 1\n[gone]\n');
    const b = parseSetupCfg('[DEFAULT]\nd = 2\n[s]\nx = 1\ny = 2\n[new]\nn = 1\n');
    expect(diffConfig(a, b)).toEqual([
      { kind: 'option', section: 'DEFAULT', option: 'd', a: '1', b: '2' },
      { kind: 'option', section: 's', option: 'y', a: undefined, b: '2' },
      { kind: 'section', section: 'gone', onlyIn: 'a' },
      { kind: 'section', section: 'new', onlyIn: 'b' },
      { kind: 'option', section: 'new', option: 'n', a: undefined, b: '1' },
    ]);
  });
});

describe('bounded work on hostile input', () => {
  const MB = 1 << 20;
  const inputs: [string, () => Buffer][] = [
    [
      'a realistic 1 MB file',
      () => {
        let text = '';
        for (let i = 0; text.length < MB; i++)
          text += `[section${i}]\nname = value ${i}\nlist =\n${'    item = something, other\n'.repeat(20)}\n# comment\n`;
        return Buffer.from(text);
      },
    ],
    ['one 1 MB line of brackets', () => Buffer.from(`[${'['.repeat(MB)}`)],
    ['1 MB of lone carriage returns after an option', () => Buffer.from(`[s]\nx = 1${'\r'.repeat(MB)}`)],
    ['1 MB of spaces before a value', () => Buffer.from(`[s]\nx = 1\n${' '.repeat(MB)}y`)],
    ['1 MB of delimiters', () => Buffer.from(`[s]\n${'=:'.repeat(MB / 2)}`)],
    ['1 MB of blank lines in a value', () => Buffer.from(`[s]\nx = 1\n${'\n'.repeat(MB)}  z`)],
    ['1 MB of multi-byte text', () => Buffer.from(`[s]\nx = ${'é𝄞'.repeat(MB / 6)}\n`)],
  ];
  for (const [name, make] of inputs) {
    it(`${name} parses (or fails with a SetupCfgError), read back and written`, () => {
      const bytes = make();
      try {
        const cfg = parseSetupCfg(bytes);
        for (const [section] of cfg.sections)
          for (const option of options(cfg, section)) expect(typeof getRaw(cfg, section, option)).toBe('string');
        expect(writeLikeRawConfigParser(cfg).length).toBeGreaterThan(0);
      } catch (error) {
        if (!(error instanceof SetupCfgError)) throw error;
      }
    });
  }

  it('interpolates 1 MB of references to one value', () => {
    const references = Math.floor(MB / 5);
    const cfg = parseSetupCfg(`[s]\nv = %%\nx = ${'%(v)s'.repeat(references)}\n`);
    expect(getInterpolated(cfg, 's', 'x').length).toBe(references);
  });
});
