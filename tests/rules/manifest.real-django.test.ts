/**
 * The whole chain on real Django releases: the tag's tree (fixtures/real/trees), the release's
 * MANIFEST.in and SOURCES.txt read from the real sdist (fetched by get-django-sdists.sh, checked
 * by SHA-256 here), what the tag declares (read by hand from its setup.py / setup.cfg, below).
 * crosscheck's list must be SOURCES.txt minus the egg-info entries, exactly, and the files only
 * in git must be those of tests/fixtures-data/manifest/django-sdists.json, for those reasons.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSdist } from '../../src/formats/archive/sdist.js';
import { DEFAULT_LIMITS } from '../../src/model/limits.js';
import { applyManifest, prepareTagFiles } from '../../src/rules/manifest.js';
import { type DeclaredProject, setuptoolsDefaults } from '../../src/rules/setuptools-defaults.js';
import { findPackages } from '../../src/rules/content/packages.js';
import { REAL, realSdist, ROOT } from '../helpers/paths.js';

type Version = '2.2.28' | '3.2.25';

interface Facts {
  sha256: string;
  top: string;
  buildWith: string[];
  sourcesTagFiles: number;
  gitOnly: Record<string, string>;
}

const FACTS = JSON.parse(
  readFileSync(join(ROOT, 'tests', 'fixtures-data', 'manifest', 'django-sdists.json'), 'utf8'),
) as Record<Version, Facts>;

function treePaths(version: Version): string[] {
  return readFileSync(join(REAL, 'trees', `${version}.tsv`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.slice(line.indexOf('\t') + 1));
}

/** What each tag declares, as its setup.py and setup.cfg say. */
function declared(version: Version, paths: readonly string[], setuptools: string): DeclaredProject {
  const common = {
    setuptools,
    name: 'Django',
    releaseTree: FACTS[version].top,
    pyModules: [],
    scripts: ['django/bin/django-admin.py'],
    packageData: {},
  };
  if (version === '2.2.28') {
    // setup.py: packages=find_packages(exclude=EXCLUDE_FROM_PACKAGES), long_description=read('README.rst');
    // setup.cfg [metadata] license-file = LICENSE.
    const exclude = ['django.conf.project_template', 'django.conf.app_template', 'django.bin'];
    return {
      ...common,
      packages: findPackages(paths, { kind: 'find', exclude }),
      licenseFiles: null,
      licenseFile: 'LICENSE',
      referencedFiles: [],
    };
  }
  // setup.cfg: packages = find:, long_description = file: README.rst, no license options.
  return {
    ...common,
    packages: findPackages(paths, { kind: 'find' }),
    licenseFiles: null,
    licenseFile: null,
    referencedFiles: ['README.rst'],
  };
}

async function sdistTexts(path: string, top: string): Promise<{ manifestIn: string; sources: string[] }> {
  const wanted = new Set([`${top}/MANIFEST.in`, `${top}/Django.egg-info/SOURCES.txt`]);
  const listing = await readSdist(createReadStream(path), DEFAULT_LIMITS, (p) => wanted.has(p));
  const text = (member: string): string => listing.kept.get(`${top}/${member}`)!.toString('utf8');
  return { manifestIn: text('MANIFEST.in'), sources: text('Django.egg-info/SOURCES.txt').split('\n').filter(Boolean) };
}

interface RealTagsRun {
  setuptools: string;
  counts: { tags: number; agree: number; differ: number; unknown: number; skipped: number };
  gitOnly: Array<{ tags: string[]; files: Record<string, string> }>;
}

describe('the runs over every Django tag (fixtures/manifest/real-tags.ts, recorded)', () => {
  const runs = ['66.1.1', '80.9.0'].map(
    (v) =>
      JSON.parse(
        readFileSync(join(ROOT, 'tests', 'fixtures-data', 'manifest', `real-tags-setuptools-${v}.json`), 'utf8'),
      ) as RealTagsRun,
  );

  it('found no tag where crosscheck and setuptools disagree', () => {
    expect(runs.map((r) => [r.setuptools, r.counts])).toEqual([
      ['66.1.1', { tags: 444, agree: 432, differ: 0, unknown: 0, skipped: 12 }],
      ['80.9.0', { tags: 444, agree: 441, differ: 0, unknown: 0, skipped: 3 }],
    ]);
  });

  it.each(['2.2.28', '3.2.25'] as const)('gave %s the git-only files the published sdist shows', (version) => {
    for (const run of runs)
      expect(run.gitOnly.find((g) => g.tags.includes(version))?.files).toEqual(FACTS[version].gitOnly);
  });
});

describe.each(['2.2.28', '3.2.25'] as const)("Django %s: crosscheck's sdist list is SOURCES.txt", (version) => {
  const sdist = realSdist(version);
  const facts = FACTS[version];

  it.skipIf(!sdist).each(facts.buildWith)(
    `with setuptools %s rules${sdist ? '' : ' (skipped: the real sdist is not in .cache/real-sdists)'}`,
    async (setuptools) => {
      expect(createHash('sha256').update(readFileSync(sdist!)).digest('hex')).toBe(facts.sha256);
      const { manifestIn, sources } = await sdistTexts(sdist!, facts.top);
      const files = prepareTagFiles(treePaths(version));
      const defaults = setuptoolsDefaults({ files, declared: declared(version, treePaths(version), setuptools) });
      const result = applyManifest({ files, template: manifestIn, ...defaults });

      expect(result.unknown).toEqual([]);
      expect(result.fails).toBeUndefined();
      const expected = sources.filter((s) => !s.startsWith('Django.egg-info/')).sort();
      expect(expected).toHaveLength(facts.sourcesTagFiles);
      expect(result.included).toEqual(expected);
      expect(Object.fromEntries(result.fates.filter((f) => !f.included).map((f) => [f.path, f.why]))).toEqual(
        facts.gitOnly,
      );
      // The derivation shows the rule behind each file.
      const why = (path: string): string => result.fates.find((f) => f.path === path)!.why;
      expect(why('django/__init__.py')).toBe('MANIFEST.in line 9: graft django');
      expect(why('setup.py')).toMatch(/^default: setup\.py — /);
    },
  );
});
