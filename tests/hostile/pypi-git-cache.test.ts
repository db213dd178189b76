import { readFileSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitRepo } from '../../fixtures/release/git-repo.js';
import { gitRepoPath, releaseSpec } from '../../fixtures/world/build.js';
import { createTestWorld, runCli, TEST_KEYS, type TestWorld, worldArgs } from '../helpers/world.js';

interface Report {
  releases: {
    version: string;
    verdict: string;
    checks: { id: string; status: string; reason?: string; message: string }[];
  }[];
}
const check = (report: Report, id: string) => report.releases[0]!.checks.find((c) => c.id === id);

async function verify(t: TestWorld, version: string, extra: string[] = []) {
  const result = await runCli([
    'verify',
    'django',
    version,
    '--format',
    'json',
    ...worldArgs(t, ['--refresh', ...extra]),
  ]);
  return { ...result, report: result.stdout ? (JSON.parse(result.stdout) as Report) : undefined };
}

describe('PyPI JSON as a hostile document (threat catalog J-01 … J-04)', () => {
  let t: TestWorld;
  const jsonPath = (version: string) => join(t.root, 'pypi', 'pypi', 'django', version, 'json');
  const versions = [
    '5.2.1',
    '5.2.2',
    '5.2.3',
    '5.2.4',
    '5.2.5',
    '5.2.6',
    '5.2.7',
    '5.2.8',
    '5.2.9',
    '5.2.10',
    '5.2.11',
  ];
  beforeAll(async () => {
    t = await createTestWorld(versions.map((v) => releaseSpec(v)));
    const edit = async (version: string, change: (text: string) => string) =>
      writeFile(jsonPath(version), change(await readFile(jsonPath(version), 'utf8')));
    await edit('5.2.1', (text) => text.replace('"info":{', '"info":{"version":"0.0.1",'));
    await edit('5.2.2', (text) => text.replace('"info":{', '"info":{"__proto__":{"polluted":true},'));
    await edit('5.2.3', (text) => text.replace(/"size":(\d+)/, '"size":"$1"'));
    await edit('5.2.4', (text) => text.replace('https://files.pythonhosted.org/', 'https://files.evil.test/'));
    await edit('5.2.5', (text) => text.replace(/"filename":"django-5\.2\.5\.tar\.gz"/, '"filename":"../../.bashrc"'));
    await edit('5.2.6', () => readFileSync(jsonPath('5.2.10'), 'utf8'));
    type File = {
      filename: string;
      url: string;
      packagetype: string;
      yanked: boolean;
      yanked_reason: string | null;
      upload_time_iso_8601: string;
    };
    const editFiles = (version: string, change: (files: File[]) => File[]) =>
      edit(version, (text) => {
        const doc = JSON.parse(text) as { urls: File[] };
        doc.urls = change(doc.urls);
        return JSON.stringify(doc);
      });
    await editFiles('5.2.7', (files) => files.map((f) => ({ ...f, yanked: true, yanked_reason: 'broken build' })));
    await editFiles('5.2.8', (files) => {
      const sdist = files.find((f) => f.packagetype === 'sdist')!;
      const name = 'django-5.2.8-py3-none-manylinux_x86_64.whl';
      return [
        ...files,
        { ...sdist, filename: name, url: sdist.url.replace(/[^/]+$/, name), packagetype: 'bdist_wheel' },
      ];
    });
    await editFiles('5.2.9', (files) =>
      files.map((f) => (f.packagetype === 'sdist' ? { ...f, upload_time_iso_8601: '2030-01-01T00:00:00.000000Z' } : f)),
    );
    await edit('5.2.10', (text) => `{"info": ${'['.repeat(100)}${']'.repeat(100)}, ${text.slice(1)}`);
    await edit('5.2.11', (text) =>
      text.replace(/"filename":"django-5\.2\.11\.tar\.gz"/, `"filename":"${'x'.repeat(100_000)}"`),
    );
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it.each([
    ['5.2.1', 'a duplicate key', 'fail', 'PYPI_JSON_INVALID'],
    ['5.2.2', 'a __proto__ key', 'fail', 'PYPI_JSON_INVALID'],
    ['5.2.3', 'a size given as a string', 'fail', 'PYPI_JSON_INVALID'],
    ['5.2.4', 'a file URL on another host', 'fail', 'PYPI_JSON_INVALID'],
    ['5.2.5', 'a file name that climbs out', 'fail', 'PYPI_JSON_INVALID'],
    ['5.2.6', "another version's document", 'fail', 'VERSION_MISMATCH'],
    ['5.2.10', 'nesting deeper than allowed', 'fail', 'PYPI_JSON_INVALID'],
  ])('%s: %s fails pypi.release.metadata with %s', async (version, _, status, reason) => {
    const { report, code } = await verify(t, version);
    expect(check(report!, 'pypi.release.metadata')).toMatchObject({ status, reason });
    expect(code).toBe(1);
  });

  it('5.2.11: a file name of 100,000 characters is quoted clipped, saying how long it was', async () => {
    const { report, code } = await verify(t, '5.2.11');
    const metadata = check(report!, 'pypi.release.metadata')!;
    expect(metadata).toMatchObject({ status: 'fail', reason: 'PYPI_JSON_INVALID' });
    expect(metadata.message).toContain(`"${'x'.repeat(200)}"… (100000 characters) is not a plain file name`);
    expect(metadata.message.length).toBeLessThan(1000);
    expect(code).toBe(1);
  });

  it('5.2.7: a yanked release is reported as a warning', async () => {
    const { report } = await verify(t, '5.2.7');
    expect(check(report!, 'pypi.release.metadata')).toMatchObject({ status: 'warn', reason: 'PYPI_YANKED' });
    expect(check(report!, 'pypi.release.metadata')!.message).toContain('broken build');
  });

  it('5.2.8: a file on PyPI that the signed checksum file does not list fails (J-02)', async () => {
    const { report } = await verify(t, '5.2.8');
    expect(check(report!, 'pypi.release.files')).toMatchObject({ status: 'fail', reason: 'PYPI_UNLISTED_FILE' });
  });

  it('5.2.9: a file uploaded long after the others is reported', async () => {
    const { report } = await verify(t, '5.2.9');
    expect(check(report!, 'pypi.release.files')).toMatchObject({ status: 'warn', reason: 'PYPI_LATE_UPLOAD' });
  });

  it('writes nothing outside the cache, whatever file names the JSON gives (X-01)', async () => {
    const work = await mkdtemp(join(tmpdir(), 'crosscheck-x01-'));
    const cache = join(work, 'cache');
    const before = await readdir(work);
    await runCli([
      'verify',
      'django',
      '5.2.5',
      ...t.world.args(),
      '--keys',
      worldArgs(t)[worldArgs(t).indexOf('--keys') + 1]!,
      '--cache',
      cache,
      '--quiet',
    ]);
    expect((await readdir(work)).filter((n) => !before.includes(n))).toEqual(['cache']);
    expect((await readdir(cache)).sort()).toEqual(['analyses', 'blobs', 'git', 'index', 'tmp']);
    for (const name of await readdir(join(cache, 'blobs'))) expect(name).toMatch(/^[0-9a-f]{64}$/);
    expect(await readdir(join(cache, 'tmp'))).toEqual([]);
  });
});

describe('the cache directory (X-01)', () => {
  let t: TestWorld;
  beforeAll(async () => {
    t = await createTestWorld([releaseSpec('5.2.16')]);
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('refuses a cache directory that is a symbolic link', async () => {
    const work = await mkdtemp(join(tmpdir(), 'crosscheck-link-'));
    await mkdir(join(work, 'elsewhere'));
    await symlink(join(work, 'elsewhere'), join(work, 'cache'));
    const result = await runCli(['verify', 'django', '5.2.16', ...t.world.args(), '--cache', join(work, 'cache')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('must be a directory, not a symbolic link');
  });

  it('is shared by runs at once: three cold runs on one cache each verify the release', async () => {
    // Each run fetches into the same git mirror, and the first creates it: git's locks and its
    // shallow-file check refuse a second writer, which must wait rather than report "unverified".
    for (let round = 0; round < 3; round++) {
      const cache = await mkdtemp(join(tmpdir(), 'crosscheck-shared-'));
      const runs = await Promise.all(
        [0, 1, 2].map(() =>
          runCli([
            'verify',
            'django',
            '5.2.16',
            '--format',
            'json',
            ...t.world.args(),
            '--keys',
            TEST_KEYS,
            '--cache',
            cache,
            '--quiet',
          ]),
        ),
      );
      for (const run of runs) {
        const report = JSON.parse(run.stdout) as Report;
        expect(
          report.releases[0]!.checks.filter((c) => c.status !== 'pass' && c.status !== 'skipped').map(
            (c) => `${c.id}: ${c.message}`,
          ),
        ).toEqual([]);
        expect(run.code).toBe(0);
      }
    }
  });

  it('refuses a planted symbolic link inside the cache', async () => {
    const work = await mkdtemp(join(tmpdir(), 'crosscheck-planted-'));
    await mkdir(join(work, 'cache'));
    await mkdir(join(work, 'target'));
    await symlink(join(work, 'target'), join(work, 'cache', 'blobs'));
    const result = await runCli(['verify', 'django', '5.2.16', ...t.world.args(), '--cache', join(work, 'cache')]);
    expect(result.code).toBe(2);
    expect(await readdir(join(work, 'target'))).toEqual([]);
    expect((await lstat(join(work, 'cache', 'blobs'))).isSymbolicLink()).toBe(true);
  });
});

describe('tags that are not what they claim (threat catalog G-02, G-03)', () => {
  let t: TestWorld;
  beforeAll(async () => {
    t = await createTestWorld(
      [
        releaseSpec('5.2.12', { signer: 'bob', tagSigner: 'bob' }),
        releaseSpec('5.2.13', { signer: 'bob', tagSigner: 'bob' }),
        releaseSpec('5.2.14', { signer: 'bob', tagSigner: 'bob' }),
        releaseSpec('5.2.15', { signer: 'bob', tagSigner: 'bob' }),
        releaseSpec('5.2.16', { signer: 'bob', tagSigner: 'bob' }),
      ],
      {
        mutate: async (root, manifest, gpg) => {
          const repo = await GitRepo.open(gitRepoPath(root), gpg);
          const commitOf = (v: string) => manifest.releases.find((r) => r.spec.version === v)!.commit;
          await repo.updateRef('refs/tags/5.2.14', commitOf('5.2.14'));
          // A blob larger than any tag object may be: the ref's target must still be named for what it is.
          const big = join(root, 'big-blob');
          await writeFile(big, Buffer.alloc(200 * 1024, 0x61));
          await repo.updateRef('refs/tags/5.2.13', (await repo.git(['hash-object', '-w', big])).trim());
          const tree = (await repo.git(['rev-parse', `${commitOf('5.2.15')}^{tree}`])).trim();
          await repo.tag('5.2.15', tree, 'bob', new Date('2026-01-01T00:00:00Z'));
          const inner = await repo.tag('inner-5.2.16', commitOf('5.2.16'), null, new Date('2026-01-01T00:00:00Z'));
          await repo.tag('5.2.16', inner, 'bob', new Date('2026-01-01T00:00:00Z'));
          // A commit over the 1 MiB commit limit, under a well-signed tag.
          const message = join(root, 'big-message');
          await writeFile(message, `release\n\n${'x'.repeat(1100 * 1024)}\n`);
          const author = {
            GIT_AUTHOR_NAME: 'A',
            GIT_AUTHOR_EMAIL: 'a@releases.test',
            GIT_COMMITTER_NAME: 'A',
            GIT_COMMITTER_EMAIL: 'a@releases.test',
          };
          const bigCommit = (
            await repo.git(['commit-tree', `${commitOf('5.2.12')}^{tree}`, '-F', message], author)
          ).trim();
          await repo.tag('5.2.12', bigCommit, 'bob', new Date('2026-01-01T00:00:00Z'));
        },
      },
    );
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('fails a lightweight tag (no tag object, nothing signed)', async () => {
    const { report } = await verify(t, '5.2.14');
    expect(check(report!, 'git.tag.fetch')).toMatchObject({ status: 'fail', reason: 'TAG_NOT_ANNOTATED' });
  });

  it('fails a tag ref that points at a large blob, naming its type rather than its size', async () => {
    const { report } = await verify(t, '5.2.13');
    expect(check(report!, 'git.tag.fetch')).toMatchObject({
      status: 'fail',
      reason: 'TAG_TARGET_TYPE',
      actual: 'blob',
    });
  });

  it('fails a signed tag of a tree', async () => {
    const { report } = await verify(t, '5.2.15');
    expect(check(report!, 'git.tag.signature')?.status).toBe('pass');
    expect(check(report!, 'git.tag.target')).toMatchObject({ status: 'fail', reason: 'TAG_TARGET_TYPE' });
  });

  it('still checks the signature of a tag whose commit is too large to read', async () => {
    const { report } = await verify(t, '5.2.12');
    expect(check(report!, 'git.tag.signature')?.status).toBe('pass');
    expect(check(report!, 'git.tag.target')).toMatchObject({ status: 'unverified', reason: 'LIMIT_EXCEEDED' });
  });

  it('fails a signed tag of another tag (no peeling through tags)', async () => {
    const { report } = await verify(t, '5.2.16');
    expect(check(report!, 'git.tag.target')).toMatchObject({ status: 'fail', reason: 'TAG_TARGET_TYPE' });
    expect(check(report!, 'git.tag.commit')).toMatchObject({ status: 'fail', reason: 'TAG_COMMIT_MISMATCH' });
  });
});
