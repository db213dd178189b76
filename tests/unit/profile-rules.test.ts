/* eslint-disable @typescript-eslint/no-explicit-any -- the test damages a parsed profile field by field, at any depth */
import { satisfies } from '@renovatebot/pep440';
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appliesTo, loadProfile, loadProfileFile } from '../../src/profile/profile.js';
import { selectReleases } from '../../src/profile/select.js';

describe('a versioned rule', () => {
  // More distinct questions than the memo keeps, asked twice, so that answers come from the memo,
  // from a memo started again, and fresh: each must be the library's own answer.
  const versions = Array.from(
    { length: 2500 },
    (_, i) => `${i % 7}.${Math.floor(i / 7) % 20}.${Math.floor(i / 140)}${i % 11 === 0 ? 'rc1' : ''}`,
  );
  const specifiers = ['>=4.2.21,<5.0', '<2.0', '>=5.1.9,<5.2', '==3.*'];

  it('covers exactly the versions its PEP 440 specifiers match, however often it is asked', () => {
    let covered = 0;
    for (const round of [1, 2]) {
      for (const version of round === 1 ? versions : [...versions].reverse()) {
        for (const specifier of specifiers) {
          const answer = appliesTo({ when: [specifier] }, version);
          expect(answer, `${version} ${specifier}`).toBe(satisfies(version, specifier, { prereleases: true }));
          if (answer) covered++;
        }
      }
    }
    // The versions cover each side of every specifier, so a constant answer would fail above.
    expect(covered).toBeGreaterThan(0);
    expect(covered).toBeLessThan(versions.length * specifiers.length * 2);
  });

  it('covers every version when it has no "when", and none of a list that matches nothing', () => {
    expect(appliesTo({}, '1.0')).toBe(true);
    expect(appliesTo({ when: ['<1.0', '>=9.0'] }, '5.2.1')).toBe(false);
    expect(appliesTo({ when: ['<1.0', '>=5.0'] }, '5.2.1')).toBe(true);
  });
});

describe('choosing releases', () => {
  const available = ['3.2.25', '4.2', '4.2.1', '4.2.28', '5.0a1', '5.0', '5.1.4', '5.2.16', '10.0'];

  it('narrows by series, since and latest, in PEP 440 order, and adds explicit versions', () => {
    expect(selectReleases(available, { versions: [], series: ['4.2'] })).toEqual(['4.2', '4.2.1', '4.2.28']);
    expect(selectReleases(available, { versions: [], series: ['5'] })).toEqual(['5.0', '5.1.4', '5.2.16']);
    expect(selectReleases(available, { versions: [], since: '4.3', pre: true })).toEqual([
      '5.0a1',
      '5.0',
      '5.1.4',
      '5.2.16',
      '10.0',
    ]);
    expect(selectReleases(available, { versions: ['3.2.25'], all: true, latest: 2 })).toEqual([
      '3.2.25',
      '5.2.16',
      '10.0',
    ]);
  });

  it('refuses a series that is not numbers and dots, rather than selecting nothing', () => {
    for (const series of ['abc', '4.x', '4.', '']) {
      expect(() => selectReleases(available, { versions: [], series: [series] })).toThrow(
        `--series "${series}" is not a release series such as 4.2`,
      );
    }
  });

  // The PEP 440 library reads numbers as JavaScript numbers: past 15 digits two versions compare
  // equal, and past 20 a rule such as "<1.8" threw inside it, which ended the release "internal".
  it('refuses a version it cannot order exactly or that is too long, quoting a long one clipped', () => {
    const twentyFiveDigits = `1.${'9'.repeat(25)}`;
    expect(() => selectReleases(available, { versions: [twentyFiveDigits] })).toThrow(
      `"${twentyFiveDigits}" holds a number of more than 15 digits`,
    );
    expect(() => selectReleases(available, { versions: [], since: '1.9007199254740993' })).toThrow(
      'holds a number of more than 15 digits',
    );
    const long = `1.${'0.'.repeat(3000)}1`;
    expect(() => selectReleases(available, { versions: [long] })).toThrow(
      `"${long.slice(0, 200)}"… (${long.length} characters) is longer than 64 characters`,
    );
    expect(() => selectReleases(available, { versions: ['4.2.x'] })).toThrow('"4.2.x" is not a PEP 440 version');
    expect(selectReleases(available, { versions: ['1.999999999999999'] })).toEqual(['1.999999999999999']);
  });

  it('leaves out of a listed release a version it cannot order exactly', () => {
    const listed = [...available, '4.2.9007199254740993', '4.2.9007199254740992', 'not-a-version'];
    expect(selectReleases(listed, { versions: [], series: ['4.2'] })).toEqual(['4.2', '4.2.1', '4.2.28']);
  });
});

describe('a built-in profile', () => {
  it('is found by project name, and only by a name', async () => {
    expect((await loadProfile('django')).project).toBe('django');
    await expect(loadProfile('nope')).rejects.toThrow('no profile for project "nope"');
    // A name is not a path: it cannot reach a file outside the profiles directory.
    await expect(loadProfile('../package')).rejects.toThrow('"../package" is not a project name');
  });
});

describe('a profile file', () => {
  // A specifier the PEP 440 library cannot read matched no version, in silence: a rule meant for
  // an era then never applied, and the next rule's file names and URLs were used instead.
  it('refuses a "when" that is not a PEP 440 specifier or holds a number it cannot order exactly', async () => {
    const django = JSON.parse(await readFile(new URL('../../profiles/django.json', import.meta.url), 'utf8')) as {
      artifacts: { sdist: { when?: string[] }[] };
      keys: string;
    };
    const dir = await mkdtemp(join(tmpdir(), 'profile-'));
    for (const [when, why] of [
      ['>=4.x', '">=4.x" is not a PEP 440 version specifier'],
      ['', '"" is not a PEP 440 version specifier'],
      [`<1.${'9'.repeat(25)}`, 'holds a number of more than 15 digits'],
    ] as const) {
      django.artifacts.sdist[0]!.when = [when];
      const path = join(dir, 'profile.json');
      await writeFile(path, JSON.stringify({ ...django, keys: join(process.cwd(), 'keys') }));
      await expect(loadProfileFile(path)).rejects.toThrow(why);
    }
    django.artifacts.sdist[0]!.when = ['>=4.2.21,<5.0'];
    await writeFile(join(dir, 'good.json'), JSON.stringify(django));
    expect((await loadProfileFile(join(dir, 'good.json'))).artifacts.sdist[0]!.when).toEqual(['>=4.2.21,<5.0']);
  });

  // Each of these used to load, then end every release "internal error" mid-run, or apply a rule
  // that never matched (an unknown comparison kind), or waive a difference whatever its bytes
  // (a waiver with no digests).
  it('refuses a field of the wrong type when it loads, naming the field', async () => {
    const django = JSON.parse(await readFile(new URL('../../profiles/django.json', import.meta.url), 'utf8')) as Record<
      string,
      any
    >;
    const dir = await mkdtemp(join(tmpdir(), 'profile-'));
    const cases: [string, (p: Record<string, any>) => void, string][] = [
      ['checksum rules not a list', (p) => (p.site.checksumFile = {}), '"site.checksumFile" must be a list'],
      [
        'checksum urls not a list',
        (p) => (p.site.checksumFile[0].urls = 'x'),
        'every "site.checksumFile" rule needs "urls"',
      ],
      ['no site origin', (p) => delete p.site.origin, '"site" needs origin'],
      [
        'download URL a number',
        (p) => (p.site.downloadUrls = { sdist: 5 }),
        '"site.downloadUrls" maps sdist and wheel',
      ],
      [
        'file name a number',
        (p) => (p.artifacts.sdist[0].filename = 5),
        'every "artifacts.sdist" rule needs "filename"',
      ],
      [
        'file name without the version',
        (p) => (p.artifacts.wheel[1].filename = 'Django.whl'),
        'every "artifacts.wheel" rule needs "filename"',
      ],
      ['top directory a number', (p) => (p.artifacts.sdist[0].topDirectory = 7), '"topDirectory" only as a string'],
      [
        'tag template without the version',
        (p) => (p.git.tag = 'latest'),
        '"git" needs url, and a tag template holding {version}',
      ],
      ['unsigned tags not a list', (p) => (p.git.unsignedTags = 'x'), '"git.unsignedTags" must be a list'],
      [
        'an unsigned tag pinned by name alone',
        (p) => (p.git.unsignedTags = [{ tag: '1.11.28' }]),
        'pins a tag by name, tag object id and commit id',
      ],
      [
        'a key not held named by a short key id',
        (p) => (p.keysNotHeld = [{ name: 'James Bennett', keyIds: ['808FE067'], when: ['<1.8'] }]),
        '64-bit key ids',
      ],
      [
        'a key not held without an era',
        (p) => (p.keysNotHeld = [{ name: 'James Bennett', keyIds: ['2D9266A6808FE067'] }]),
        'needs "when"',
      ],
      ['a name that climbs', (p) => (p.pypi.name = '../../etc'), '"pypi.name" "../../etc" is not a project name'],
      [
        'PyPI origin not a URL',
        (p) => (p.pypi.origin = 'pypi.org'),
        '"pypi" needs name, and origin and filesOrigin as URLs',
      ],
      [
        'path-pattern comparison rules, which no longer excuse anything',
        (p) => (p.comparison = { package: 'django', sdistVsGit: [] }),
        '"comparison" is no longer read',
      ],
      [
        'a waiver without digests',
        (p) => (p.waivers = [{ version: '5.2.1', path: 'a', digests: {}, reason: 'r', reviewedBy: 'x' }]),
        'every waiver needs version, path, digests',
      ],
      [
        'a waiver with null digests',
        (p) => (p.waivers = [{ version: '5.2.1', path: 'a', digests: null, reason: 'r', reviewedBy: 'x' }]),
        'every waiver needs version, path, digests',
      ],
      [
        'a waiver not bound to the sdist it was recorded for',
        (p) =>
          (p.waivers = [
            { version: '5.2.1', path: 'a', digests: { git: 'b'.repeat(40) }, reason: 'r', reviewedBy: 'x' },
          ]),
        'the SHA-256 of the sdist it was recorded for',
      ],
      [
        'a waiver bound to a short digest',
        (p) =>
          (p.waivers = [
            {
              version: '5.2.1',
              path: 'a',
              sdist: 'a'.repeat(40),
              digests: { git: 'b'.repeat(40) },
              reason: 'r',
              reviewedBy: 'x',
            },
          ]),
        'the SHA-256 of the sdist it was recorded for',
      ],
    ];
    for (const [what, change, why] of cases) {
      const profile = structuredClone(django);
      change(profile);
      const path = join(dir, 'profile.json');
      await writeFile(path, JSON.stringify(profile));
      await expect(loadProfileFile(path), what).rejects.toThrow(why);
    }
    const waived = structuredClone(django);
    waived.waivers = [
      {
        version: '5.2.1',
        path: 'django/x.mo',
        sdist: 'e'.repeat(64),
        digests: { sdist: 'a'.repeat(64), git: 'b'.repeat(40) },
        reason: 'r',
        reviewedBy: 'x',
      },
    ];
    await writeFile(join(dir, 'waived.json'), JSON.stringify(waived));
    expect((await loadProfileFile(join(dir, 'waived.json'))).waivers).toHaveLength(1);
  });
});
