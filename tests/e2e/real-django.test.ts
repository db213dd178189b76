import { createReadStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSdist } from '../../src/formats/archive/sdist.js';
import { judgeContent } from '../../src/rules/content/judge.js';
import { readRealSdist, realTag, treeListing } from '../helpers/real-tag.js';
import { DEFAULT_LIMITS } from '../../src/model/limits.js';
import { buildRealReleaseWorld } from '../../fixtures/world/real-release.js';
import { startWorld } from '../../fixtures/world/servers.js';
import { REAL, realSdist } from '../helpers/paths.js';
import { runCli } from '../helpers/world.js';
import { editRealSdist } from '../helpers/real-sdist.js';
import { realWheel, toolchainAvailable } from '../helpers/real-wheel.js';

const SDIST_3_2_25 = realSdist('3.2.25');
const TOP = 'Django-3.2.25';

/** The real 3.2.25 sdist (or a tampered copy) judged against the real tag tree by the content rules. */
async function judgeAgainstRealTree(sdistPath: string) {
  const original = await readRealSdist(SDIST_3_2_25!);
  const listing = sdistPath === SDIST_3_2_25 ? original : await readRealSdist(sdistPath);
  const tag = realTag('3.2.25', original);
  return judgeContent({
    release: '3.2.25',
    project: 'Django',
    waivers: [],
    tag: { name: '3.2.25', commit: 'c98eca322af87adf046ab621e7c8a23d340f7afe', ...tag },
    tagWanted: true,
    sdists: [
      {
        channels: 'site',
        input: { filename: 'Django-3.2.25.tar.gz', topDirectory: TOP, members: listing.members, kept: listing.kept },
      },
    ],
    wheels: [],
  });
}

describe.skipIf(!SDIST_3_2_25)('the real Django 3.2.25 sdist against the real tag tree', () => {
  it('explains every difference by a named rule and what it was recomputed from', async () => {
    const { differences, checks } = await judgeAgainstRealTree(SDIST_3_2_25!);
    expect(differences.filter((d) => !d.allowed)).toEqual([]);
    expect(checks.map((c) => c.status)).toEqual(['pass', 'pass']);
    const byRule = new Map<string, string[]>();
    for (const d of differences) byRule.set(d.rule!, [...(byRule.get(d.rule!) ?? []), d.path]);
    expect(
      [...byRule.get('egg-info')!, ...byRule.get('core-metadata')!, ...byRule.get('entry-points')!].sort(),
    ).toEqual([
      'Django.egg-info/PKG-INFO',
      'Django.egg-info/SOURCES.txt',
      'Django.egg-info/dependency_links.txt',
      'Django.egg-info/entry_points.txt',
      'Django.egg-info/not-zip-safe',
      'Django.egg-info/requires.txt',
      'Django.egg-info/top_level.txt',
      'PKG-INFO',
    ]);
    expect(byRule.get('manifest')!.sort()).toEqual([
      '.editorconfig',
      '.eslintignore',
      '.eslintrc',
      '.gitattributes',
      '.github/FUNDING.yml',
      '.github/SECURITY.md',
      '.gitignore',
      '.pre-commit-config.yaml',
      '.readthedocs.yml',
      '.tx/config',
      'tox.ini',
    ]);
    expect(byRule.get('egg-info-setup-cfg')).toEqual(['setup.cfg']);
    expect(byRule.get('symlink-as-file')!.sort()).toEqual(
      ['behindscenes', 'note', 'philosophy', 'warning'].map(
        (n) => `docs/_theme/djangodocs-epub/static/docicons-${n}.png`,
      ),
    );
  });

  it('reads the non-ASCII file name right', async () => {
    const listing = await readSdist(createReadStream(SDIST_3_2_25!), { ...DEFAULT_LIMITS });
    const member = listing.members.find(
      (m) => m.path === `${TOP}/tests/staticfiles_tests/apps/test/static/test/\u2297.txt`,
    );
    expect(member?.blobId).toBe(
      treeListing('3.2.25').find((e) => e.path === 'tests/staticfiles_tests/apps/test/static/test/\u2297.txt')!.oid,
    );
  });

  it.each([
    [
      'one byte changed in a .py file',
      { member: `${TOP}/django/utils/html.py`, flipByteAt: 100 },
      'django/utils/html.py',
      'content',
    ],
    [
      'an extra file',
      { append: { name: `${TOP}/django/utils/_backdoor.py`, content: 'import os\n' } },
      'django/utils/_backdoor.py',
      'only-in-sdist',
    ],
    [
      'a changed PNG',
      { member: `${TOP}/docs/_theme/djangodocs/static/docicons-note.png`, flipByteAt: 40 },
      'docs/_theme/djangodocs/static/docicons-note.png',
      'content',
    ],
    [
      'a changed symlinked PNG',
      { member: `${TOP}/docs/_theme/djangodocs-epub/static/docicons-note.png`, flipByteAt: 40 },
      'docs/_theme/djangodocs-epub/static/docicons-note.png',
      'content',
    ],
    [
      'a changed value in setup.cfg',
      { member: `${TOP}/setup.cfg`, replace: ['max-line-length = 119', 'max-line-length = 999'] as [string, string] },
      'setup.cfg',
      'config',
    ],
  ])('fails with %s, naming the path', async (_, edit, path, kind) => {
    const tampered = await editRealSdist(SDIST_3_2_25!, edit);
    const { differences } = await judgeAgainstRealTree(tampered);
    const failing = differences.filter((d) => !d.allowed && !d.unverified && d.check === 'content.sdist-vs-git');
    expect(failing.map((d) => [d.path, d.kind])).toEqual([[path, kind]]);
  });
});

const SDIST_4_2_28 = realSdist('4.2.28');

describe.skipIf(!SDIST_4_2_28)('the real Django 4.2.28 sdist served by the world under its real checksum file', () => {
  const serve = async (sdist: string) => {
    const root = await mkdtemp(join(tmpdir(), 'crosscheck-real-world-'));
    await buildRealReleaseWorld(root, {
      version: '4.2.28',
      checksumFile: join(REAL, 'checksums', 'Django-4.2.28.checksum.txt'),
      sdist,
      sdistName: 'django-4.2.28.tar.gz',
    });
    const world = await startWorld(root);
    const cache = await mkdtemp(join(tmpdir(), 'crosscheck-cache-'));
    try {
      const args = [
        'verify',
        'django',
        '4.2.28',
        '--channels',
        'site,pypi',
        '--artifacts',
        'sdist',
        '--format',
        'json',
        '--quiet',
        '--cache',
        cache,
        ...world.args(),
      ];
      const result = await runCli(args);
      return {
        ...result,
        report: JSON.parse(result.stdout) as {
          releases: { checks: { id: string; status: string; message: string }[] }[];
        },
      };
    } finally {
      await world.stop();
    }
  };
  const status = (report: { releases: { checks: { id: string; status: string }[] }[] }, id: string) =>
    report.releases[0]!.checks.find((c) => c.id === id)?.status;

  it('passes site.sdist.digest and pypi.sdist.digest against keys/django, signed by Jacob Walls', async () => {
    const { code, report } = await serve(SDIST_4_2_28!);
    expect(status(report, 'site.checksums.signature')).toBe('pass');
    expect(report.releases[0]!.checks.find((c) => c.id === 'site.checksums.signature')!.message).toContain(
      'Jacob Walls (53D46942E006A2A3EEDC8BC8131403F4D16D8DC7)',
    );
    expect(status(report, 'site.sdist.digest')).toBe('pass');
    expect(status(report, 'pypi.sdist.declared-digest')).toBe('pass');
    expect(status(report, 'pypi.sdist.digest')).toBe('pass');
    expect(status(report, 'content.sdist.archive')).toBe('pass');
    expect(code).toBe(0);
  });

  it('fails both digests when the served sdist has one byte changed', async () => {
    const tampered = await editRealSdist(SDIST_4_2_28!, { member: 'django-4.2.28/django/__init__.py', flipByteAt: 5 });
    const { code, report } = await serve(tampered);
    expect(status(report, 'site.sdist.digest')).toBe('fail');
    expect(status(report, 'pypi.sdist.digest')).toBe('fail');
    expect(code).toBe(1);
  });
});

const SDIST_2_2_28 = realSdist('2.2.28');

describe.skipIf(!SDIST_2_2_28 || !toolchainAvailable('bookworm'))(
  'the real Django 2.2.28 sdist and a wheel setuptools 66 builds from it, the git channel left out',
  () => {
    it("holds the wheel to the sdist alone: the long description setup.py reads from README.rst is the sdist's README.rst", async () => {
      const wheel = await realWheel(SDIST_2_2_28!, 'bookworm');
      expect(wheel.filename).toBe('Django-2.2.28-py3-none-any.whl');
      const root = await mkdtemp(join(tmpdir(), 'crosscheck-real-world-'));
      // 2.2.28's signed checksum file is not among the facts: PyPI's declared digests are all there is.
      await buildRealReleaseWorld(root, {
        version: '2.2.28',
        sdist: SDIST_2_2_28!,
        sdistName: 'Django-2.2.28.tar.gz',
        wheel: { path: wheel.path, name: wheel.filename },
      });
      const world = await startWorld(root);
      try {
        const cache = await mkdtemp(join(tmpdir(), 'crosscheck-cache-'));
        const result = await runCli([
          'verify',
          'django',
          '2.2.28',
          '--channels',
          'site,pypi',
          '--format',
          'json',
          '--quiet',
          '--cache',
          cache,
          ...world.args(),
        ]);
        const checks = (
          JSON.parse(result.stdout) as { releases: { checks: { id: string; status: string; message: string }[] }[] }
        ).releases[0]!.checks;
        const content = checks.filter((c) => c.id.startsWith('content.')).map((c) => `${c.id} ${c.status}`);
        expect(content, JSON.stringify(checks.filter((c) => c.status === 'fail'))).toEqual([
          'content.sdist.archive pass',
          'content.sdist-vs-git skipped',
          'content.wheel.archive pass',
          'content.wheel-vs-sdist pass',
          'content.wheel-record pass',
          'content.wheel-metadata pass',
        ]);
        expect(checks.find((c) => c.id === 'content.wheel-metadata')!.message).toContain(
          "recomputed from the sdist's setup.cfg, setup.py",
        );
        expect(checks.filter((c) => c.status === 'fail')).toEqual([]);
        expect(result.code).toBe(3);
      } finally {
        await world.stop();
      }
    }, 180_000);
  },
);
