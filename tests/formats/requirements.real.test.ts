/**
 * The real Django sdists (fetched by fixtures/real/get-django-sdists.sh; those present in the
 * cache are used, each test skipped visibly where none is): what the tag declares (setup.py,
 * setup.cfg or pyproject.toml), what requires.txt records, what PKG-INFO's Requires-Dist says
 * (Metadata 2.4 eras) and what wheel 0.38 writes into METADATA from requires.txt are all the
 * same set of requirements, though each era prints them differently; and crosscheck writes
 * exactly wheel's fields. A dependency added to requires.txt is named.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { declaredRequirements } from '../../src/rules/content/core-metadata.js';
import { isKnown, readDeclared } from '../../src/rules/content/declared.js';
import {
  compareRequirementSets,
  parseRequirement,
  requirementForExtra,
  type Requirement,
} from '../../src/formats/requirements.js';
import {
  parseRequiresTxt,
  requiresDistFromRequiresTxt,
  requiresTxtRequirements,
} from '../../src/formats/requires-txt.js';
import { ROOT } from '../helpers/paths.js';
import { askOracle, ORACLE_PYTHON, oracleAvailable } from '../helpers/requirements-oracle.js';

interface SdistFacts {
  requiresTxt: string | null;
  pkgInfoRequiresDist: string[];
  setupCfg: string | null;
  pyproject: { dependencies: string[]; optional: Record<string, string[]> | null } | null;
  setupPy: { install_requires?: string[]; extras_require?: Record<string, string[]> } | null;
}

const dir = process.env.CROSSCHECK_REAL_SDISTS ?? join(ROOT, '.cache', 'real-sdists');
const sdists = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => /^[Dd]jango-[\d.]+\.tar\.gz$/.test(f))
      .sort()
  : [];
const available = oracleAvailable() && sdists.length > 0;

function facts(file: string): SdistFacts {
  const stdout = execFileSync(
    ORACLE_PYTHON,
    [join(ROOT, 'tests', 'oracle', 'sdist_requirements.py'), join(dir, file)],
    { env: { ...process.env, PYTHONUTF8: '1' } },
  );
  return JSON.parse(stdout.toString('utf8')) as SdistFacts;
}

function fromLists(install: readonly string[], extras: Readonly<Record<string, readonly string[]>>): Requirement[] {
  return [
    ...install.map(parseRequirement),
    ...Object.entries(extras).flatMap(([extra, reqs]) =>
      reqs.map((r) => requirementForExtra(parseRequirement(r), extra)),
    ),
  ];
}

/** What the tag declares, from whichever file declares it. */
function declared(f: SdistFacts): Requirement[] {
  if (f.pyproject) return fromLists(f.pyproject.dependencies, f.pyproject.optional ?? {});
  // setup.cfg read by crosscheck's own reader of declarations, as setuptools reads it.
  const fromCfg = f.setupCfg
    ? readDeclared({ setupCfg: Buffer.from(f.setupCfg), readFile: () => undefined })
    : undefined;
  if (fromCfg && isKnown(fromCfg.dependencies)) return declaredRequirements(fromCfg);
  return fromLists(f.setupPy?.install_requires ?? [], f.setupPy?.extras_require ?? {});
}

describe.skipIf(!available)('the real Django sdists: declared, requires.txt, PKG-INFO and wheel METADATA agree', () => {
  const all = available ? sdists.map((file) => ({ file, facts: facts(file) })) : [];
  const wheel = available ? askOracle({ requiresTxt: all.map((s) => s.facts.requiresTxt ?? '') }) : undefined;

  it.each(sdists)('%s: crosscheck writes exactly the Requires-Dist and Provides-Extra wheel writes', (file) => {
    const i = all.findIndex((s) => s.file === file);
    const theirs = wheel!.requiresTxt[i]!;
    expect(theirs.ok).toBe(true);
    const mine = requiresDistFromRequiresTxt(parseRequiresTxt(all[i]!.facts.requiresTxt!)).map((f) => [
      f.name,
      f.value,
    ]);
    expect(mine).toEqual(theirs.ok ? theirs.fields : []);
  });

  it.each(sdists)('%s: the declared, recorded and written requirements are one set', (file) => {
    const i = all.findIndex((s) => s.file === file);
    const f = all[i]!.facts;
    const want = declared(f);
    expect(want.length).toBeGreaterThan(2);
    const recorded = requiresTxtRequirements(parseRequiresTxt(f.requiresTxt!));
    const theirs = wheel!.requiresTxt[i]!;
    const written = theirs.ok
      ? theirs.fields.filter(([name]) => name === 'Requires-Dist').map(([, value]) => parseRequirement(value))
      : [];
    const none = { onlyDeclared: [], onlyFound: [] };
    expect(compareRequirementSets(want, recorded)).toEqual(none);
    expect(compareRequirementSets(want, written)).toEqual(none);
    if (f.pkgInfoRequiresDist.length > 0)
      expect(compareRequirementSets(want, f.pkgInfoRequiresDist.map(parseRequirement))).toEqual(none);
  });

  it.each(sdists)('%s: a dependency added to requires.txt is named', (file) => {
    const f = all.find((s) => s.file === file)!.facts;
    const poisoned = f.requiresTxt!.replace(/\n\n/, '\nevil-helper>=1.0\n\n');
    const difference = compareRequirementSets(declared(f), requiresTxtRequirements(parseRequiresTxt(poisoned)));
    expect(difference).toEqual({ onlyDeclared: [], onlyFound: ['evil-helper>=1'] });
  });
});
