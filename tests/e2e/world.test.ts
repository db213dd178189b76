import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseSpec } from '../../fixtures/world/build.js';
import { createTestWorld, type TestWorld } from '../helpers/world.js';
import { PINNED_TEST_KEYS } from '../helpers/paths.js';

const run = promisify(execFile);
let t: TestWorld;

beforeAll(async () => {
  t = await createTestWorld([releaseSpec('1.11.28', { tagSigner: null }), releaseSpec('4.2.6'), releaseSpec('5.2.16', { signer: 'bob', tagSigner: 'bob' })]);
});
afterAll(async () => {
  await t?.dispose();
});

async function get(url: string) {
  const response = await request(url);
  return { status: response.statusCode, headers: response.headers, body: Buffer.from(await response.body.arrayBuffer()) };
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
    for (const key of ['alice', 'bob']) await run('gpg', ['--batch', '--quiet', '--import', join(PINNED_TEST_KEYS, `${key}.pub.asc`)], { env: { ...process.env, GNUPGHOME: home } });
    for (const url of [`${t.world.mediaUrl}/pgp/Django-5.2.16.checksum.txt`, `${t.world.siteUrl}/m/pgp/Django-1.11.28.checksum.txt`]) {
      const file = join(home, 'checksum.txt');
      await writeFile(file, (await get(url)).body);
      const { stderr } = await run('gpg', ['--batch', '--status-fd', '2', '--verify', file], { env: { ...process.env, GNUPGHOME: home } });
      expect(stderr).toMatch(/^\[GNUPG:\] VALIDSIG [0-9A-F]{40} /m);
    }
  });

  it('writes the checksum files in each era\'s format', async () => {
    const legacy = (await get(`${t.world.siteUrl}/m/pgp/Django-1.11.28.checksum.txt`)).body.toString();
    expect(legacy).toContain('Release packages:\n=================\n\nhttps://www.djangoproject.com/m/releases/1.11/Django-1.11.28-py2.py3-none-any.whl');
    const current = (await get(`${t.world.mediaUrl}/pgp/Django-5.2.16.checksum.txt`)).body.toString();
    expect(current).toMatch(/Release packages\n================\n\nhttps:\/\/www.djangoproject.com\/download\/5.2.16\/tarball\//);
    expect(current).toMatch(/The 5\.2\.16 tag points to commit [0-9a-f]{40}\./);
  });
});

describe('PyPI', () => {
  it('has the JSON API\'s shape, with files served at the URLs it lists', async () => {
    const doc = JSON.parse((await get(`${t.world.pypiUrl}/pypi/Django/5.2.16/json`)).body.toString());
    expect(Object.keys(doc).sort()).toEqual(['info', 'last_serial', 'ownership', 'urls', 'vulnerabilities']);
    expect(doc.info.version).toBe('5.2.16');
    expect(doc.urls).toHaveLength(2);
    for (const file of doc.urls) {
      expect(Object.keys(file).sort()).toEqual(
        ['comment_text', 'digests', 'downloads', 'filename', 'has_sig', 'md5_digest', 'packagetype', 'python_version', 'requires_python', 'size', 'upload_time', 'upload_time_iso_8601', 'url', 'yanked', 'yanked_reason'].sort(),
      );
      expect(Object.keys(file.digests).sort()).toEqual(['blake2b_256', 'md5', 'sha256']);
      const url = new URL(file.url);
      expect(url.origin).toBe('https://files.pythonhosted.org');
      expect(url.pathname).toBe(`/packages/${file.digests.blake2b_256.slice(0, 2)}/${file.digests.blake2b_256.slice(2, 4)}/${file.digests.blake2b_256.slice(4)}/${file.filename}`);
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
    await run('gpg', ['--batch', '--quiet', '--import', join(PINNED_TEST_KEYS, 'bob.pub.asc')], { env: { ...process.env, GNUPGHOME: home } });
    const { stderr } = await run('git', ['-C', clone, 'verify-tag', '--raw', '5.2.16'], { env: { ...process.env, GNUPGHOME: home } });
    expect(stderr).toMatch(/VALIDSIG/);
    const unsigned = await run('git', ['-C', clone, 'cat-file', 'tag', '1.11.28']);
    expect(unsigned.stdout).not.toContain('BEGIN PGP SIGNATURE');
  });
});

describe('the generated artifacts, as CPython reads them', () => {
  const python = (script: string, file: string) => run('python3', ['-c', script, file]).then((r) => JSON.parse(r.stdout) as string[]);
  const listTar = 'import sys,tarfile,json; t=tarfile.open(sys.argv[1]); print(json.dumps([m.name+("/" if m.isdir() else "") for m in t.getmembers()]))';
  const listZip = 'import sys,zipfile,json; print(json.dumps(zipfile.ZipFile(sys.argv[1]).namelist()))';

  it('has an sdist with one top folder, setuptools metadata, no excluded files, symlinks as files', async () => {
    const names = await python(listTar, join(t.root, 'media/releases/5.2/django-5.2.16.tar.gz'));
    expect(names.every((n) => n.startsWith('django-5.2.16/') || n === 'django-5.2.16/')).toBe(true);
    expect(names).toContain('django-5.2.16/PKG-INFO');
    expect(names).toContain('django-5.2.16/Django.egg-info/SOURCES.txt');
    expect(names).toContain('django-5.2.16/tests/staticfiles_tests/apps/test/static/test/\u2297.txt');
    expect(names.some((n) => /\/(\.github|\.gitignore|tox\.ini)/.test(n))).toBe(false);
    const setupCfg = (await run('python3', ['-c', 'import sys,tarfile; print(tarfile.open(sys.argv[1]).extractfile("django-5.2.16/setup.cfg").read().decode(), end="")', join(t.root, 'media/releases/5.2/django-5.2.16.tar.gz')])).stdout;
    expect(setupCfg).toContain('[egg_info]\ntag_build = \ntag_date = 0\n');
    expect(setupCfg).not.toContain('#');
    const types = (await run('python3', ['-c', 'import sys,tarfile; print(set(m.type for m in tarfile.open(sys.argv[1])))', join(t.root, 'media/releases/5.2/django-5.2.16.tar.gz')])).stdout;
    expect(types).not.toContain("b'2'");
  });

  it('has a wheel with dist-info, RECORD and a #!python script', async () => {
    const wheel = join(t.root, 'media/releases/5.2/django-5.2.16-py3-none-any.whl');
    const names = await python(listZip, wheel);
    expect(names).toContain('django-5.2.16.dist-info/METADATA');
    expect(names).toContain('django-5.2.16.dist-info/WHEEL');
    expect(names[names.length - 1]).toBe('django-5.2.16.dist-info/RECORD');
    const script = (await run('python3', ['-c', 'import sys,zipfile; print(zipfile.ZipFile(sys.argv[1]).read("django-5.2.16.data/scripts/django-admin.py").decode().splitlines()[0])', wheel])).stdout.trim();
    expect(script).toBe('#!python');
    const record = (await run('python3', ['-c', 'import sys,zipfile; print(zipfile.ZipFile(sys.argv[1]).read("django-5.2.16.dist-info/RECORD").decode(), end="")', wheel])).stdout;
    expect(record).toMatch(/^django\/__init__\.py,sha256=[A-Za-z0-9_-]{43},\d+$/m);
    expect(record).toMatch(/^django-5\.2\.16\.dist-info\/RECORD,,$/m);
  });

  it('is reproducible: the same release builds to the same bytes', async () => {
    const again = await createTestWorld([releaseSpec('5.2.16', { signer: 'bob', tagSigner: 'bob' })]);
    try {
      const a = await readFile(join(t.root, 'media/releases/5.2/django-5.2.16.tar.gz'));
      const b = await readFile(join(again.root, 'media/releases/5.2/django-5.2.16.tar.gz'));
      expect(a.equals(b)).toBe(true);
    } finally {
      await again.dispose();
    }
  });
});
