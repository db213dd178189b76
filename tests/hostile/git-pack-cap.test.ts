import { existsSync } from 'node:fs';
import { lstat, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseSpec } from '../../fixtures/world/build.js';
import { GitMirror } from '../../src/sources/git.js';
import { DEFAULT_LIMITS } from '../../src/model/limits.js';
import { startEndlessGitHost } from '../helpers/endless-git.js';
import { createTestWorld, runCli, type TestWorld, worldArgs } from '../helpers/world.js';

const MiB = 1024 * 1024;
const CAP = 8 * MiB;

/** Every file under `dir` with its size, never following a link. */
async function files(dir: string): Promise<{ path: string; size: number }[]> {
  const found: { path: string; size: number }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await files(path)));
    else {
      // git renames and removes its temporary packs while it runs: a file gone since readdir is skipped.
      const stat = await lstat(path).catch(() => undefined);
      if (stat) found.push({ path, size: stat.size });
    }
  }
  return found;
}
const bytesUnder = async (dir: string) => (await files(dir)).reduce((sum, file) => sum + file.size, 0);
const halfMade = async (dir: string) =>
  (await files(dir)).map((file) => file.path).filter((path) => /\/tmp_(?:pack|idx|rev)_|\.lock$/.test(path));

describe('a git host that answers with a pack that never ends (one object claiming 100 GiB)', () => {
  let host: Awaited<ReturnType<typeof startEndlessGitHost>>;
  beforeAll(async () => {
    host = await startEndlessGitHost();
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('is stopped at gitFetchBytes, naming the host and the cap, and leaves no partial pack in the mirror', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'crosscheck-mirror-')), 'mirror.git');
    const mirror = new GitMirror(host.url, dir, { ...DEFAULT_LIMITS, gitFetchBytes: CAP });
    // What the mirror holds at its largest, looked at while git runs.
    let largest = 0;
    const looking = setInterval(
      () => void bytesUnder(join(dir, 'objects')).then((bytes) => (largest = Math.max(largest, bytes))),
      20,
    );
    try {
      await mirror.prepare(['5.2.16']);
      const error = await mirror.readTag('5.2.16').catch((caught: unknown) => caught);
      expect(error).toMatchObject({ reason: 'LIMIT_EXCEEDED', outcome: 'unverified' });
      expect((error as Error).message).toContain(new URL(host.url).host);
      expect((error as Error).message).toContain('8 MiB');
      expect((error as Error).message).toContain('gitFetchBytes');
    } finally {
      clearInterval(looking);
      mirror.close();
    }
    expect(await halfMade(dir)).toEqual([]);
    // Looked at every 50 ms, git is stopped within what it writes in a few looks past the cap.
    expect(largest).toBeLessThan(CAP + 32 * MiB);
    expect(await bytesUnder(join(dir, 'objects'))).toBeLessThan(CAP);
  });

  describe('in a run', () => {
    let t: TestWorld;
    beforeAll(async () => {
      t = await createTestWorld([releaseSpec('5.2.16')]);
    });
    afterAll(async () => {
      await t?.dispose();
    });

    it('leaves the release unverified (LIMIT_EXCEEDED), not hanging, and the cache under the cap', async () => {
      const args = worldArgs(t, ['--git-url', host.url, '--limit', `gitFetchBytes=${CAP}`, '--format', 'json']);
      const { code, stdout, stderr } = await runCli(['verify', 'django', '5.2.16', ...args], {}, { timeoutMs: 60_000 });
      expect(stderr).not.toMatch(/internal error/);
      const release = (
        JSON.parse(stdout) as {
          releases: { verdict: string; checks: { id: string; status: string; reason?: string }[] }[];
        }
      ).releases[0]!;
      expect(release.checks.find((check) => check.id === 'git.tag.fetch')).toMatchObject({
        status: 'unverified',
        reason: 'LIMIT_EXCEEDED',
      });
      expect(release.checks.filter((check) => check.status === 'fail' || check.reason === 'INTERNAL')).toEqual([]);
      expect(release.verdict).toBe('incomplete');
      expect(code).toBe(3);
      expect(await halfMade(join(t.cache, 'git'))).toEqual([]);
      expect(await bytesUnder(join(t.cache, 'git'))).toBeLessThan(CAP);
    });
  });
});

describe.skipIf(!existsSync('/proc/self/status'))('a git host that advertises refs without end', () => {
  it('stops git once it holds gitMemoryBytes, instead of letting it grow until the machine runs out', async () => {
    const host = await startEndlessGitHost('refs');
    const dir = join(await mkdtemp(join(tmpdir(), 'crosscheck-mirror-')), 'mirror.git');
    const mirror = new GitMirror(host.url, dir, { ...DEFAULT_LIMITS, gitMemoryBytes: 200 * MiB });
    try {
      await mirror.prepare(['5.2.16']);
      const error = await mirror.readTag('5.2.16').catch((caught: unknown) => caught);
      expect(error).toMatchObject({ reason: 'LIMIT_EXCEEDED', outcome: 'unverified' });
      expect((error as Error).message).toContain(new URL(host.url).host);
      expect((error as Error).message).toContain('gitMemoryBytes, 200 MiB');
    } finally {
      mirror.close();
      await host.stop();
    }
  });
});

describe('a git host that answers a fetch with messages without end', () => {
  it('stops git once its output passes the bound, as LIMIT_EXCEEDED (not a git error, which lists the tags and fetches again), with a short message', async () => {
    const host = await startEndlessGitHost('messages');
    const dir = join(await mkdtemp(join(tmpdir(), 'crosscheck-mirror-')), 'mirror.git');
    const mirror = new GitMirror(host.url, dir, DEFAULT_LIMITS);
    try {
      await mirror.prepare(['5.2.16']);
      const error = await mirror.readTag('5.2.16').catch((caught: unknown) => caught);
      expect(error).toMatchObject({ reason: 'LIMIT_EXCEEDED', outcome: 'unverified' });
      expect((error as Error).message).toContain(new URL(host.url).host);
      expect((error as Error).message.length).toBeLessThan(1000);
    } finally {
      mirror.close();
      await host.stop();
    }
  });
});
