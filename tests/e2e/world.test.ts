import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { djangoRelease } from '../../fixtures/release/django-history.js';
import { buildUncached } from '../../fixtures/release/setuptools-build.js';
import { releaseSpec, sourceTreeFor } from '../../fixtures/world/build.js';
import { pythonListings } from '../helpers/oracle.js';
import { createTestWorld, type TestWorld } from '../helpers/world.js';
import { PINNED_TEST_KEYS } from '../helpers/paths.js';

const run = promisify(execFile);
let t: TestWorld;

beforeAll(async () => {
  t = await createTestWorld([
    releaseSpec('1.11.28', { tagSigner: null }),
    releaseSpec('4.2.6'),
    releaseSpec('5.2.16', { signer: 'bob', tagSigner: 'bob' }),
  ]);
});
afterAll(async () => {
  await t?.dispose();
});

async function get(url: string) {
  const response = await request(url);
  return {
    status: response.statusCode,
    headers: response.headers,
    body: Buffer.from(await response.body.arrayBuffer()),
  };
}

describe('the project site', () => {
  it('answers /download/<v>/tarball/ with a permanent redirect to the media host', async () => {
    const response = await get(`${t.world.siteUrl}/download/5.2.16/tarball/`);
    expect(response.status).toBe(301);
    expect(response.headers.location).toBe('https://media.djangoproject.com/releases/5.2/django-5.2.16.tar.gz');
    const file = await get(`${t.world.mediaUrl}/releases/5.2/django-5.2.16.tar.gz`);
    expect(file.status).toBe(200);
    expect(file.body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });

  it('serves the older layout under /m/ on www', async () => {
    expect((await get(`${t.world.siteUrl}/m/pgp/Django-4.2.6.checksum.txt`)).status).toBe(200);
    expect((await get(`${t.world.siteUrl}/m/releases/4.2/Django-4.2.6.tar.gz`)).status).toBe(200);
    expect((await get(`${t.world.siteUrl}/m/releases/4.2/nothing.tar.gz`)).status).toBe(404);
  });

  it('serves checksum files that GnuPG verifies', async () => {
    const home = await mkdtemp(join(tmpdir(), 'crosscheck-verify-'));
    for (const key of ['alice', 'bob'])
      await run('gpg', ['--batch', '--quiet', '--import', join(PINNED_TEST_KEYS, `${key}.pub.asc`)], {
        env: { ...process.env, GNUPGHOME: home },
      });
    for (const url of [
      `${t.world.mediaUrl}/pgp/Django-5.2.16.checksum.txt`,
      `${t.world.siteUrl}/m/pgp/Django-1.11.28.checksum.txt`,
    ]) {
      const file = join(home, 'checksum.txt');
      await writeFile(file, (await get(url)).body);
      const { stderr } = await run('gpg', ['--batch', '--status-fd', '2', '--verify', file], {
        env: { ...process.env, GNUPGHOME: home },
      });
      expect(stderr).toMatch(/^\[GNUPG:\] VALIDSIG [0-9A-F]{40} /m);
    }
  });

  it("writes the checksum files in each era's format", async () => {
    const legacy = (await get(`${t.world.siteUrl}/m/pgp/Django-1.11.28.checksum.txt`)).body.toString();
    expect(legacy).toContain(
      'Release packages:\n=================\n\nhttps://www.djangoproject.com/m/releases/1.11/Django-1.11.28-py2.py3-none-any.whl',
    );
    const current = (await get(`${t.world.mediaUrl}/pgp/Django-5.2.16.checksum.txt`)).body.toString();
    expect(current).toMatch(
      /Release packages\n================\n\nhttps:\/\/www.djangoproject.com\/download\/5.2.16\/tarball\//,
    );
    expect(current).toMatch(/The 5\.2\.16 tag points to commit [0-9a-f]{40}\./);
  });
});

describe('PyPI', () => {
  it("has the JSON API's shape, with files served at the URLs it lists", async () => {
    const doc = JSON.parse((await get(`${t.world.pypiUrl}/pypi/Django/5.2.16/json`)).body.toString());
    expect(Object.keys(doc).sort()).toEqual(['info', 'last_serial', 'ownership', 'urls', 'vulnerabilities']);
    expect(doc.info.version).toBe('5.2.16');
    expect(doc.urls).toHaveLength(2);
    for (const file of doc.urls) {
      expect(Object.keys(file).sort()).toEqual(
        [
          'comment_text',
          'digests',
          'downloads',
          'filename',
          'has_sig',
          'md5_digest',
          'packagetype',
          'python_version',
          'requires_python',
          'size',
          'upload_time',
          'upload_time_iso_8601',
          'url',
          'yanked',
          'yanked_reason',
        ].sort(),
      );
      expect(Object.keys(file.digests).sort()).toEqual(['blake2b_256', 'md5', 'sha256']);
      const url = new URL(file.url);
      expect(url.origin).toBe('https://files.pythonhosted.org');
      expect(url.pathname).toBe(
        `/packages/${file.digests.blake2b_256.slice(0, 2)}/${file.digests.blake2b_256.slice(2, 4)}/${file.digests.blake2b_256.slice(4)}/${file.filename}`,
      );
      const served = await get(`${t.world.pypiUrl}${url.pathname}`);
      expect(served.body.length).toBe(file.size);
    }
    expect(doc.urls.map((f: { packagetype: string }) => f.packagetype).sort()).toEqual(['bdist_wheel', 'sdist']);
  });

  it('lists every release under /pypi/<name>/json', async () => {
    const doc = JSON.parse((await get(`${t.world.pypiUrl}/pypi/django/json`)).body.toString());
    expect(Object.keys(doc.releases)).toEqual(['1.11.28', '4.2.6', '5.2.16']);
    expect(doc.info.version).toBe('5.2.16');
  });
});

describe('git', () => {
  it('serves the tags over smart HTTP and git verify-tag accepts them', async () => {
    const listing = (await run('git', ['ls-remote', '--tags', t.world.gitUrl])).stdout;
    expect(listing).toMatch(/refs\/tags\/5\.2\.16\n/);
    const clone = join(await mkdtemp(join(tmpdir(), 'crosscheck-clone-')), 'repo');
    await run('git', ['clone', '--quiet', '--bare', t.world.gitUrl, clone]);
    const home = await mkdtemp(join(tmpdir(), 'crosscheck-verify-'));
    await run('gpg', ['--batch', '--quiet', '--import', join(PINNED_TEST_KEYS, 'bob.pub.asc')], {
      env: { ...process.env, GNUPGHOME: home },
    });
    const { stderr } = await run('git', ['-C', clone, 'verify-tag', '--raw', '5.2.16'], {
      env: { ...process.env, GNUPGHOME: home },
    });
    expect(stderr).toMatch(/VALIDSIG/);
    const unsigned = await run('git', ['-C', clone, 'cat-file', 'tag', '1.11.28']);
    expect(unsigned.stdout).not.toContain('BEGIN PGP SIGNATURE');
  });
});

describe('the artifacts the real setuptools built, as CPython reads them', () => {
  const python = (script: string, file: string) =>
    run('python3', ['-c', script, file]).then((r) => JSON.parse(r.stdout) as string[]);
  const read = (file: string, member: string) =>
    run('python3', [
      '-c',
      'import sys,tarfile,zipfile; a=sys.argv[1]; f=(zipfile.ZipFile(a).read(sys.argv[2]) if a.endswith(".whl") else tarfile.open(a).extractfile(sys.argv[2]).read()); print(f.decode(), end="")',
      file,
      member,
    ]).then((r) => r.stdout);
  const listTar =
    'import sys,tarfile,json; t=tarfile.open(sys.argv[1]); print(json.dumps([m.name+("/" if m.isdir() else "") for m in t.getmembers()]))';
  const listZip = 'import sys,zipfile,json; print(json.dumps(zipfile.ZipFile(sys.argv[1]).namelist()))';
  const sdist5 = () => join(t.root, 'media/releases/5.2/django-5.2.16.tar.gz');

  it('has an sdist with one top folder, setuptools metadata, no excluded files, symlinks as files', async () => {
    const names = await python(listTar, sdist5());
    expect(names.every((n) => n.startsWith('django-5.2.16/') || n === 'django-5.2.16/')).toBe(true);
    expect(names).toContain('django-5.2.16/PKG-INFO');
    expect(names).toContain('django-5.2.16/Django.egg-info/SOURCES.txt');
    expect(names).toContain('django-5.2.16/tests/staticfiles_tests/apps/test/static/test/\u2297.txt');
    expect(names).toContain('django-5.2.16/docs/_theme/djangodocs-epub/static/docicons-note.png');
    // Dot-files and tox.ini stay in git; 5.2.9+ prunes scripts/.
    expect(names.some((n) => /\/(\.github|\.gitignore|tox\.ini|scripts\/)/.test(n))).toBe(false);
    // The tag has no setup.cfg (pyproject.toml declares everything); egg_info writes one holding only its own section.
    expect(await read(sdist5(), 'django-5.2.16/setup.cfg')).toBe('[egg_info]\ntag_build = \ntag_date = 0\n\n');
    const types = (
      await run('python3', [
        '-c',
        'import sys,tarfile; print(set(m.type for m in tarfile.open(sys.argv[1])))',
        sdist5(),
      ])
    ).stdout;
    expect(types).not.toContain("b'2'");
  });

  it('rewrites a tagged setup.cfg as egg_info does: comments dropped, [egg_info] added', async () => {
    const cfg = await read(join(t.root, 'www/m/releases/4.2/Django-4.2.6.tar.gz'), 'Django-4.2.6/setup.cfg');
    expect(cfg).toContain('[options]\npython_requires = >=3.8\npackages = find:\n');
    expect(cfg).toContain('install_requires = \n\tasgiref >= 3.6.0, < 4\n');
    expect(cfg).not.toContain('#');
    expect(cfg.endsWith('[egg_info]\ntag_build = \ntag_date = 0\n\n')).toBe(true);
  });

  it('has a PEP 639 wheel with dist-info, licenses/ and RECORD, and no script after 4.0', async () => {
    const wheel = join(t.root, 'media/releases/5.2/django-5.2.16-py3-none-any.whl');
    const names = await python(listZip, wheel);
    expect(names).toEqual(
      expect.arrayContaining([
        'django-5.2.16.dist-info/METADATA',
        'django-5.2.16.dist-info/WHEEL',
        'django-5.2.16.dist-info/licenses/LICENSE',
        'django-5.2.16.dist-info/licenses/LICENSE.python',
      ]),
    );
    expect(names[names.length - 1]).toBe('django-5.2.16.dist-info/RECORD');
    expect(names.some((n) => n.includes('.data/'))).toBe(false);
    const metadata = await read(wheel, 'django-5.2.16.dist-info/METADATA');
    expect(metadata).toMatch(/^Metadata-Version: 2\.4\nName: Django\nVersion: 5\.2\.16\n/);
    expect(metadata).toContain('License-Expression: BSD-3-Clause\n');
    expect(await read(wheel, 'django-5.2.16.dist-info/WHEEL')).toContain('Generator: setuptools (78.');
    const record = await read(wheel, 'django-5.2.16.dist-info/RECORD');
    expect(record).toMatch(/^django\/__init__\.py,sha256=[A-Za-z0-9_-]{43},\d+$/m);
    expect(record).toMatch(/^django-5\.2\.16\.dist-info\/RECORD,,$/m);
  });

  it('has a universal 1.x wheel whose script bdist_wheel rewrote to #!python', async () => {
    const wheel = join(t.root, 'www/m/releases/1.11/Django-1.11.28-py2.py3-none-any.whl');
    expect(await read(wheel, 'Django-1.11.28.dist-info/WHEEL')).toContain('Tag: py2-none-any\nTag: py3-none-any\n');
    expect((await read(wheel, 'Django-1.11.28.data/scripts/django-admin.py')).split('\n')[0]).toBe('#!python');
    expect(await read(wheel, 'Django-1.11.28.dist-info/METADATA')).toMatch(/^Metadata-Version: 2\.1\n/);
  });

  it('gives a release the same bytes in every world: they share the build cache', async () => {
    const again = await createTestWorld([releaseSpec('5.2.16', { signer: 'bob', tagSigner: 'bob' })]);
    try {
      for (const file of [
        'media/releases/5.2/django-5.2.16.tar.gz',
        'media/releases/5.2/django-5.2.16-py3-none-any.whl',
      ]) {
        expect((await readFile(join(t.root, file))).equals(await readFile(join(again.root, file)))).toBe(true);
      }
    } finally {
      await again.dispose();
    }
  });

  it("rebuilds the same wheel bytes and the same sdist members (SOURCE_DATE_EPOCH does not pin the sdist's timestamps)", async () => {
    const spec = releaseSpec('3.2.25');
    const options = {
      toolchain: djangoRelease('3.2.25').toolchain,
      sourceDateEpoch: Math.floor(spec.releasedAt.getTime() / 1000),
      wheel: true,
    };
    const [a, b] = await Promise.all([
      buildUncached(sourceTreeFor(spec), options),
      buildUncached(sourceTreeFor(spec), options),
    ]);
    expect(a.wheel!.bytes.equals(b.wheel!.bytes)).toBe(true);
    const dir = await mkdtemp(join(tmpdir(), 'crosscheck-rebuild-'));
    await writeFile(join(dir, 'a.tar.gz'), a.sdist.bytes);
    await writeFile(join(dir, 'b.tar.gz'), b.sdist.bytes);
    const [listingA, listingB] = await pythonListings([join(dir, 'a.tar.gz'), join(dir, 'b.tar.gz')]);
    expect(listingA).toEqual(listingB);
    expect(listingA!.ok).toBe(true);
  }, 120_000);
});
