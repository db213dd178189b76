/**
 * crosscheck's setup.cfg reader against CPython's own: thousands of deterministic inputs go
 * to one python3 process per batch (tests/oracle/read_setup_cfg.py reads them exactly as
 * setuptools does), and crosscheck must give the same sections, options and values (raw and
 * interpolated), the same RawConfigParser.write output, or the same exception class.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
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
import { ROOT } from '../helpers/paths.js';
import {
  boundaryConfig,
  DJANGO_SETUP_CFG,
  EDGE_BYTES,
  EDGE_CASES,
  mutatedDjango,
  randomConfig,
  seededRandom,
} from './setup-cfg-cases.js';

type Got = string | { error: string };
type View =
  | { error: string }
  | {
      defaults: [string, string][];
      sections: [string, [string, string][], [string, string, Got][]][];
      defaultGets: [string, Got][];
      written: string;
    };

/** One python3 for the whole batch. */
function pythonViews(cases: readonly Buffer[]): View[] {
  const input = JSON.stringify(cases.map((c) => c.toString('base64')));
  const out = execFileSync('python3', [join(ROOT, 'tests', 'oracle', 'read_setup_cfg.py')], {
    input,
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  return JSON.parse(out) as View[];
}

function errorClass(error: unknown): { error: string } {
  if (error instanceof SetupCfgError) return { error: error.pythonClass };
  throw error;
}

function interpolated(get: () => string): Got {
  try {
    return get();
  } catch (error) {
    return errorClass(error);
  }
}

/** crosscheck's answer in the oracle's shape. */
function crosscheckView(bytes: Buffer): View {
  let cfg;
  try {
    cfg = parseSetupCfg(bytes);
  } catch (error) {
    return errorClass(error);
  }
  return {
    defaults: [...cfg.defaults],
    sections: [...cfg.sections].map(([name, own]) => [
      name,
      [...own],
      options(cfg, name).map((o) => [o, getRaw(cfg, name, o), interpolated(() => getInterpolated(cfg, name, o))]),
    ]),
    defaultGets: [...cfg.defaults.keys()].map((o) => [o, interpolated(() => getInterpolated(cfg, 'DEFAULT', o))]),
    written: writeLikeRawConfigParser(cfg),
  };
}

function generate(count: number, seed: number, make: (random: () => number) => Buffer): Buffer[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => make(random));
}

const CASES: Record<string, Buffer[]> = {
  edge: [...EDGE_CASES, ...EDGE_BYTES],
  random: generate(4000, 0x5e7c, randomConfig),
  'mutated Django': generate(2500, 0xd1a90, mutatedDjango),
  'read boundary': generate(600, 0xb0da, boundaryConfig),
};

/** Compares every case; reports how many differ and shows the first few in full. */
function compareAll(cases: readonly Buffer[], select: (view: View) => unknown = (view) => view) {
  const python = pythonViews(cases);
  const mismatches = cases.flatMap((bytes, i) => {
    const ours = select(crosscheckView(bytes));
    const theirs = select(python[i]!);
    return JSON.stringify(ours) === JSON.stringify(theirs)
      ? []
      : [{ input: bytes.toString('latin1'), python: theirs, crosscheck: ours }];
  });
  return { python, mismatches };
}

describe('setup.cfg is read as CPython reads it', () => {
  for (const [name, cases] of Object.entries(CASES)) {
    it(`${name} inputs: ${cases.length} cases, the same sections, values, written text or error`, () => {
      const { python, mismatches } = compareAll(cases);
      expect(mismatches.slice(0, 3)).toEqual([]);
      // Both outcomes must be exercised, or the comparison proves little.
      const errors = python.filter((v) => 'error' in v).length;
      expect(errors).toBeGreaterThan(0);
      expect(errors).toBeLessThan(cases.length);
    });
  }

  it('reaches every reading error class and every interpolation error class', () => {
    const all = Object.values(CASES).flat();
    const classes = new Set<string>();
    for (const view of all.map(crosscheckView)) {
      if ('error' in view) classes.add(view.error);
      else
        for (const [, , seen] of view.sections)
          for (const [, , got] of seen) if (typeof got !== 'string') classes.add(got.error);
    }
    expect([...classes].sort()).toEqual([
      'DuplicateOptionError',
      'DuplicateSectionError',
      'InterpolationDepthError',
      'InterpolationMissingOptionError',
      'InterpolationSyntaxError',
      'MissingSectionHeaderError',
      'ParsingError',
      'UnicodeDecodeError',
    ]);
  });

  it('a comment line ending in a lone \\r hides nothing: setup_requires is an option, as setuptools sees it', () => {
    const hostile = Buffer.from(
      DJANGO_SETUP_CFG.replace('remove "scripts".\n', 'remove "scripts".\rsetup_requires = evil\n'),
    );
    const [python] = pythonViews([hostile]);
    const cfg = parseSetupCfg(hostile);
    expect(getRaw(cfg, 'options', 'setup_requires')).toBe('evil');
    expect(options(cfg, 'options')).toContain('setup_requires');
    expect(crosscheckView(hostile)).toEqual(python);
    expect(diffConfig(parseSetupCfg(Buffer.from(DJANGO_SETUP_CFG)), cfg)).toEqual([
      { kind: 'option', section: 'options', option: 'setup_requires', a: undefined, b: 'evil' },
    ]);
  });

  it('what the writer produces reads back to the same configuration', () => {
    for (const bytes of Object.values(CASES).flat()) {
      let cfg;
      try {
        cfg = parseSetupCfg(bytes);
      } catch {
        continue;
      }
      expect(diffConfig(cfg, parseSetupCfg(writeLikeRawConfigParser(cfg)))).toEqual([]);
    }
  });
});
