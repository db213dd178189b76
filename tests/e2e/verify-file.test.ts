import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { tarMember } from '../../fixtures/archive/tar-writer.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseSpec } from '../../fixtures/world/build.js';
import { REAL, realSdist } from '../helpers/paths.js';
import { editRealSdist } from '../helpers/real-sdist.js';
import { createTestWorld, runCli, type TestWorld, worldArgs } from '../helpers/world.js';

const run = promisify(execFile);
const REAL_4_2_28 = realSdist('4.2.28');
const REAL_CHECKSUMS = join(REAL, 'checksums', 'Django-4.2.28.checksum.txt');

interface Report {
  releases: { summary: string; verdict: string; checks: { id: string; status: string; reason?: string }[] }[];
}
const json = (stdout: string) => JSON.parse(stdout) as Report;

describe.skipIf(!REAL_4_2_28)('verify-file on the real 4.2.28 sdist, offline', () => {
  it('answers in one sentence and a verdict: genuine, signed by Jacob Walls; --verbose adds every check', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'crosscheck-cache-'));
    const result = await runCli(['verify-file', REAL_4_2_28!, '--checksums', REAL_CHECKSUMS, '--cache', cache]);
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      'django-4.2.28.tar.gz is the file the Django release manager signed: its SHA-256 a4b9cd881991add394cafa8bb3b11ad1742d1e1470ba99c3ef53dc540316ccfe matches the checksum file signed by Jacob Walls (53D46942E006A2A3EEDC8BC8131403F4D16D8DC7) on 2026-02-03.',
      'verdict: PASS',
    ]);
    const verbose = await runCli([
      'verify-file',
      REAL_4_2_28!,
      '--checksums',
      REAL_CHECKSUMS,
      '--cache',
      cache,
      '--verbose',
    ]);
    expect(verbose.stdout).toMatch(/ok {3}site\.checksums\.signature/);
    expect(verbose.stdout).toMatch(/ok {3}local\.sdist\.digest/);
  });

  it('refuses a checksum file of another release as a usage error naming both (exit 2), and a missing one in words', async () => {
    const other = await runCli([
      'verify-file',
      REAL_4_2_28!,
      '--checksums',
      join(REAL, 'checksums', 'Django-4.2.6.checksum.txt'),
    ]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('is for Django 4.2.6; django-4.2.28.tar.gz is Django 4.2.28');
    const missing = await runCli([
      'verify-file',
      REAL_4_2_28!,
      '--checksums',
      '/nonexistent/Django-4.2.28.checksum.txt',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'cannot read --checksums /nonexistent/Django-4.2.28.checksum.txt: no such file or directory (ENOENT)',
    );
    const noFile = await runCli(['verify-file', '/nonexistent/django-4.2.28.tar.gz', '--checksums', REAL_CHECKSUMS]);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain(
      'cannot read /nonexistent/django-4.2.28.tar.gz: no such file or directory (ENOENT)',
    );
  });

  it('says a copy with one byte changed is not, and why', async () => {
    const tampered = await editRealSdist(REAL_4_2_28!, {
      member: 'django-4.2.28/django/utils/html.py',
      flipByteAt: 10,
    });
    const result = await runCli([
      'verify-file',
      tampered,
      '--checksums',
      REAL_CHECKSUMS,
      '--format',
      'json',
      '--cache',
      await mkdtemp(join(tmpdir(), 'c-')),
    ]);
    expect(result.code).toBe(1);
    const release = json(result.stdout).releases[0]!;
    expect(release.summary).toMatch(
      /is NOT the file the Django release manager signed: its SHA-256 is [0-9a-f]{64}, but the checksum file signed by Jacob Walls \(53D46942E006A2A3EEDC8BC8131403F4D16D8DC7\) on 2026-02-03 says a4b9cd881991add394cafa8bb3b11ad1742d1e1470ba99c3ef53dc540316ccfe/,
    );
    expect(release.checks.find((c) => c.id === 'local.sdist.digest')).toMatchObject({
      status: 'fail',
      reason: 'DIGEST_MISMATCH',
    });
  });

  it('fails a file whose name and PKG-INFO disagree, with a clear reason', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crosscheck-renamed-'));
    const renamed = join(dir, 'django-4.2.27.tar.gz');
    await copyFile(REAL_4_2_28!, renamed);
    // No checksum file to be had (nothing listens on port 9): the file's own claim is still checked.
    const result = await runCli([
      'verify-file',
      renamed,
      '--site-url',
      'http://127.0.0.1:9',
      '--format',
      'json',
      '--cache',
      dir,
    ]);
    expect(result.code).toBe(1);
    const release = json(result.stdout).releases[0]!;
    expect(release.checks.find((c) => c.id === 'local.file.identity')).toMatchObject({
      status: 'fail',
      reason: 'FILE_IDENTITY_MISMATCH',
    });
    expect(release.summary).toContain(
      'is NOT what its name says: the file name says django 4.2.27, but django-4.2.28/PKG-INFO says Django 4.2.28',
    );
  });
});

describe('verify-file against the world', () => {
  let t: TestWorld;
  beforeAll(async () => {
    t = await createTestWorld([releaseSpec('3.2.25'), releaseSpec('5.2.16', { signer: 'bob', tagSigner: 'bob' })]);
  });
  afterAll(async () => {
    await t?.dispose();
  });
  const file = (path: string) => join(t.root, path);

  it('fetches the checksum file from the site for sdists and wheels of every era', async () => {
    for (const path of [
      'media/releases/5.2/django-5.2.16.tar.gz',
      'media/releases/5.2/django-5.2.16-py3-none-any.whl',
      'www/m/releases/3.2/Django-3.2.25.tar.gz',
      'www/m/releases/3.2/Django-3.2.25-py3-none-any.whl',
    ]) {
      const result = await runCli(['verify-file', file(path), ...worldArgs(t)]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toMatch(/is the file the Django release manager signed/);
    }
  });

  it('with --deep also compares the contents with the signed tag', async () => {
    for (const path of [
      'media/releases/5.2/django-5.2.16.tar.gz',
      'media/releases/5.2/django-5.2.16-py3-none-any.whl',
    ]) {
      const result = await runCli(['verify-file', file(path), '--deep', '--format', 'json', ...worldArgs(t)]);
      const checks = json(result.stdout).releases[0]!.checks;
      expect(checks.find((c) => c.id === 'git.tag.signature')?.status).toBe('pass');
      expect(checks.find((c) => c.id.endsWith('-vs-git'))?.status, JSON.stringify(checks)).toBe('pass');
      expect(result.code).toBe(0);
    }
  });

  it('says plainly when the project site publishes no such release', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crosscheck-unpublished-'));
    const fake = join(dir, 'django-5.2.99.tar.gz');
    // Well formed, and what its name says: only the release is one nobody published.
    const pkgInfo = Buffer.from('Metadata-Version: 2.4\nName: Django\nVersion: 5.2.99\n\n');
    const tar = Buffer.concat([
      tarMember({ name: 'django-5.2.99/PKG-INFO', size: pkgInfo.length, typeflag: '0', magic: 'posix' }, pkgInfo),
      Buffer.alloc(1024),
    ]);
    await writeFile(fake, gzipSync(tar));
    const result = await runCli(['verify-file', fake, ...worldArgs(t)]);
    expect(result.stdout).toContain(
      'django-5.2.99.tar.gz names Django 5.2.99, which the project site does not publish',
    );
    expect(result.code).not.toBe(0);
  });

  it('rejects a file name that differs from the signed one only by case', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crosscheck-case-'));
    const renamed = join(dir, 'Django-5.2.16.tar.gz');
    await writeFile(renamed, await readFile(file('media/releases/5.2/django-5.2.16.tar.gz')));
    const result = await runCli(['verify-file', renamed, '--format', 'json', ...worldArgs(t)]);
    expect(result.code).toBe(1);
    const failing = json(result.stdout)
      .releases[0]!.checks.filter((c) => c.status === 'fail')
      .map((c) => c.reason);
    expect(failing).toContain('CHECKSUM_FILENAME');
  });

  it('follows a symbolic link the user gives, to the file it names', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crosscheck-link-'));
    const link = join(dir, 'django-5.2.16.tar.gz');
    await symlink(file('media/releases/5.2/django-5.2.16.tar.gz'), link);
    const result = await runCli(['verify-file', link, ...worldArgs(t)]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/is the file the Django release manager signed/);
  });

  it('refuses what is not a regular file, at once: a FIFO (reading one would wait forever), a directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crosscheck-fifo-'));
    await run('mkfifo', [join(dir, 'django-5.2.16.tar.gz')]);
    await mkdir(join(dir, 'django-5.2.16-py3-none-any.whl'));
    for (const [name, kind] of [
      ['django-5.2.16.tar.gz', 'a FIFO'],
      ['django-5.2.16-py3-none-any.whl', 'a directory'],
    ]) {
      const result = await runCli(['verify-file', join(dir, name!), ...worldArgs(t)]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${join(dir, name!)} is ${kind}, not a regular file`);
    }
    const checksums = await runCli([
      'verify-file',
      file('media/releases/5.2/django-5.2.16.tar.gz'),
      '--checksums',
      join(dir, 'django-5.2.16.tar.gz'),
      ...worldArgs(t),
    ]);
    expect(checksums.stdout + checksums.stderr).toContain('is a FIFO, not a regular file');
    expect(checksums.code).not.toBe(0);
  });

  it('refuses every other file it is given that is not a regular file, at once: a CA file, a profile, a key, a saved report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crosscheck-fifo-'));
    const fifo = join(dir, 'fifo.json');
    await run('mkfifo', [fifo]);
    const keys = join(dir, 'keys');
    await mkdir(keys);
    await run('mkfifo', [join(keys, 'release-manager.asc')]);
    const verify = ['verify', 'django', '5.2.16', ...worldArgs(t)];
    const cases: [string[], string][] = [
      [[...verify, '--ca-file', fifo], `${fifo} is a FIFO, not a regular file`],
      [[...verify, '--ca-file', '/dev/zero'], '/dev/zero is a device, not a regular file'],
      [[...verify, '--profile', fifo], `${fifo} is a FIFO, not a regular file`],
      [[...verify, '--profile', '/dev/zero'], '/dev/zero is a device, not a regular file'],
      [[...verify, '--keys', keys], `${join(keys, 'release-manager.asc')} is a FIFO, not a regular file`],
      [['report', fifo], `${fifo} is a FIFO, not a regular file`],
    ];
    for (const [args, message] of cases) {
      // Before, each of these waited for a writer, or read /dev/zero until memory ran out.
      const result = await runCli(args, {}, { timeoutMs: 20_000 });
      expect(result.stderr, args.join(' ')).toContain(message);
      expect(result.code).toBe(2);
    }
  });

  it('explains a usage error without a stack trace', async () => {
    const result = await runCli(['verify-file', '/nonexistent/not-a-release.zip']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot tell the project and version');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a file whose name holds a version it cannot order exactly, as a usage error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'v-'));
    const filename = `Django-1.${'9'.repeat(25)}.tar.gz`;
    await writeFile(join(dir, filename), 'not read');
    const result = await runCli(['verify-file', join(dir, filename), '--cache', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`the version in the file name "${filename}" holds a number of more than 15 digits`);
  });
});
