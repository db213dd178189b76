import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitRepo } from '../../fixtures/release/git-repo.js';
import { gitRepoPath, gpgTime, releaseSpec } from '../../fixtures/world/build.js';
import { createTestWorld, runCli, type TestWorld, withFault, worldArgs } from '../helpers/world.js';

interface Check {
  id: string;
  status: string;
  reason?: string;
  message: string;
}
interface Report {
  releases: { version: string; verdict: string; checks: Check[] }[];
}
const checkOf = (report: Report, id: string) => report.releases[0]!.checks.find((c) => c.id === id);
const internal = (report: Report) => report.releases.flatMap((r) => r.checks).filter((c) => c.reason === 'INTERNAL');

async function verify(t: TestWorld, version: string, extra: string[] = []) {
  const result = await runCli([
    'verify',
    'django',
    version,
    '--format',
    'json',
    ...worldArgs(t, ['--refresh', ...extra]),
  ]);
  expect(result.stderr).not.toMatch(/internal error/);
  const report = JSON.parse(result.stdout) as Report;
  expect(internal(report)).toEqual([]);
  return { ...result, report };
}

type PypiFile = {
  filename: string;
  url: string;
  size: number;
  packagetype: string;
  yanked?: boolean;
  yanked_reason?: string;
};

describe('hostile values that once ended as internal errors or as the wrong verdict', () => {
  let t: TestWorld;
  const versions = ['5.2.12', '5.2.13', '5.2.14', '5.2.16', '5.2.17', '5.2.18', '5.2.19', '5.2.20', '5.2.21'];
  beforeAll(async () => {
    t = await createTestWorld(
      versions.map((v) => releaseSpec(v)),
      {
        async mutate(root, manifest, gpg) {
          const editFiles = async (version: string, change: (file: PypiFile) => PypiFile) => {
            const path = join(root, 'pypi', 'pypi', 'django', version, 'json');
            const doc = JSON.parse(await readFile(path, 'utf8')) as { urls: PypiFile[] };
            doc.urls = doc.urls.map(change);
            await writeFile(path, JSON.stringify(doc));
          };
          await editFiles('5.2.12', (f) =>
            f.packagetype === 'sdist' ? { ...f, url: f.url.replace(/[^/]+$/, 'django-5.2.12%E0%A4%A.tar.gz') } : f,
          );
          await editFiles('5.2.13', (f) => (f.packagetype === 'sdist' ? { ...f, size: 0 } : f));
          await editFiles('5.2.14', (f) => (f.packagetype === 'bdist_wheel' ? { ...f, size: 1 } : f));
          await editFiles('5.2.21', (f) => ({
            ...f,
            url: f.url.replace('files.pythonhosted.org', `${'h'.repeat(60)}.`.repeat(1000) + 'test'),
          }));
          await editFiles('5.2.19', (f) => ({ ...f, yanked: true, yanked_reason: 'y'.repeat(100_000) }));
          // Signed text whose package URLs pass the line grammar but not URL parsing.
          const resign = async (version: string, url: string) => {
            const r = manifest.releases.find((release) => release.spec.version === version)!;
            const text = r.checksumText.replace(/^(https:\/\/\S+)$/m, `$1\n${url}`);
            await writeFile(
              join(root, r.checksumPath),
              await gpg.clearsign(text, 'alice', { fakedTime: gpgTime(r.spec.releasedAt) }),
            );
          };
          // A tag object whose name is 30,000 characters (git refuses to point a ref at one whose type is not a type).
          const repo = await GitRepo.open(gitRepoPath(root), gpg);
          const commit = manifest.releases.find((release) => release.spec.version === '5.2.20')!.commit;
          const object = join(root, 'long-tag');
          await writeFile(
            object,
            `object ${commit}\ntype commit\ntag ${'x'.repeat(30_000)}\ntagger Release Bot <release@releases.test> 1700000000 +0000\n\nlong\n`,
          );
          await repo.updateRef(
            'refs/tags/5.2.20',
            (await repo.git(['hash-object', '-t', 'tag', '-w', '--literally', object])).trim(),
          );
          await resign('5.2.17', 'https://[/x');
          await resign('5.2.18', 'https://www.djangoproject.com:99999/download/5.2.18/tarball/');
        },
      },
    );
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it("a tag object's name of 30,000 characters is quoted clipped", async () => {
    const { report, code } = await verify(t, '5.2.20');
    const check = checkOf(report, 'git.tag.name')! as Check & { actual?: string };
    expect(check).toMatchObject({ status: 'fail', reason: 'TAG_NAME_MISMATCH' });
    expect(check.message).toContain('… (30000 characters)');
    expect(check.message.length).toBeLessThan(1000);
    expect(check.actual!.length).toBeLessThan(1000);
    expect(code).toBe(1);
  });

  it('a PyPI file URL with a malformed percent escape fails pypi.release.metadata (PYPI_JSON_INVALID)', async () => {
    const { report, code } = await verify(t, '5.2.12');
    expect(checkOf(report, 'pypi.release.metadata')).toMatchObject({
      status: 'fail',
      reason: 'PYPI_JSON_INVALID',
      message: expect.stringContaining('does not end in the file name'),
    });
    expect(code).toBe(1);
  });

  it('a yank reason of 100,000 characters is quoted clipped', async () => {
    const { report } = await verify(t, '5.2.19');
    const metadata = checkOf(report, 'pypi.release.metadata')!;
    expect(metadata).toMatchObject({ status: 'warn', reason: 'PYPI_YANKED' });
    expect(metadata.message).toContain('… (100000 characters)');
    expect(metadata.message.length).toBeLessThan(1000);
  });

  it('a PyPI file URL on a 61,000-character host is quoted clipped', async () => {
    const { report, code } = await verify(t, '5.2.21');
    const metadata = checkOf(report, 'pypi.release.metadata')!;
    expect(metadata).toMatchObject({
      status: 'fail',
      reason: 'PYPI_JSON_INVALID',
      message: expect.stringContaining('not the file host'),
    });
    expect(metadata.message.length).toBeLessThan(1000);
    expect(code).toBe(1);
  });

  it.each([
    ['5.2.13', 'sdist', 0],
    ['5.2.14', 'wheel', 1],
  ])(
    '%s: a declared %s size of %d is a declaration mismatch (fail), not a limit reached',
    async (version, artifact, size) => {
      const { report, code } = await verify(t, version);
      expect(checkOf(report, `pypi.${artifact}.digest`)).toMatchObject({
        status: 'fail',
        reason: 'PYPI_DECLARATION_MISMATCH',
        message: expect.stringContaining(`declares`),
      });
      expect(checkOf(report, `pypi.${artifact}.digest`)!.message).toContain(String(size));
      expect(code).toBe(1);
    },
  );

  it('a PyPI file host that sends past twice the declared size is cut off there, as a declaration mismatch', async () => {
    await withFault(t, { host: 'pypi', path: 'django-5.2.16.tar.gz', kind: 'oversize' }, async () => {
      const { report, code } = await verify(t, '5.2.16');
      expect(checkOf(report, 'pypi.sdist.digest')).toMatchObject({
        status: 'fail',
        reason: 'PYPI_DECLARATION_MISMATCH',
        message: expect.stringContaining('more than'),
      });
      expect(code).toBe(1);
    });
  });

  it.each([
    ['5.2.17', 'https://[/x'],
    ['5.2.18', 'https://www.djangoproject.com:99999/download/5.2.18/tarball/'],
  ])(
    '%s: a signed package URL %s that URL parsing refuses fails CHECKSUM_GRAMMAR in verify and verify-file alike',
    async (version, url) => {
      const { report, code } = await verify(t, version);
      const format = checkOf(report, 'site.checksums.format')!;
      expect(format).toMatchObject({ status: 'fail', reason: 'CHECKSUM_GRAMMAR' });
      expect(format.message).toMatch(/line \d+ of the signed text/);
      expect(format.message).toContain(url);
      expect(code).toBe(1);
      const r = t.manifest.releases.find((release) => release.spec.version === version)!;
      const local = await runCli(['verify-file', join(t.root, r.sdist.sitePath), '--format', 'json', ...worldArgs(t)]);
      const localReport = JSON.parse(local.stdout) as Report;
      expect(internal(localReport)).toEqual([]);
      expect(checkOf(localReport, 'site.checksums.format')).toMatchObject({
        status: 'fail',
        reason: 'CHECKSUM_GRAMMAR',
      });
      expect(local.code).toBe(1);
    },
  );
});
