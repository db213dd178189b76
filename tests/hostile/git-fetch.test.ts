import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GitMirror } from '../../src/sources/git.js';
import { DEFAULT_LIMITS } from '../../src/model/limits.js';
import { GitRepo } from '../../fixtures/release/git-repo.js';
import { gitRepoPath, releaseSpec } from '../../fixtures/world/build.js';
import { createTestWorld, type TestWorld } from '../helpers/world.js';

// Every git process the mirror starts, to count the tag and blob fetches.
const started = vi.hoisted(() => [] as string[][]);
vi.mock('node:child_process', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:child_process')>();
  const { promisify } = await import('node:util');
  const execFile = (file: string, args: string[], ...rest: unknown[]) => {
    started.push(args);
    return (actual.execFile as (...a: unknown[]) => unknown)(file, args, ...rest);
  };
  // The fixtures' promisified calls keep working (and are not counted: the mirror uses callbacks).
  Object.assign(execFile, {
    [promisify.custom]: (actual.execFile as unknown as Record<symbol, unknown>)[promisify.custom],
  });
  return { ...actual, execFile: execFile as unknown as typeof actual.execFile };
});

const turn = () => new Promise((resolve) => setImmediate(resolve));
/**
 * Waits, turn by turn of the event loop, until `condition` holds. Bounded by time, not by turns:
 * under load the git processes it waits for take longer than any fixed number of turns.
 */
async function until(condition: () => boolean, failure: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(failure());
    await turn();
  }
}
const blobFetches = () => started.filter((args) => args.includes('--stdin')).length;
/** Waits until `count` blob fetches have started: a request first asks which blobs the mirror holds. */
const untilFetches = (count: number) =>
  until(
    () => blobFetches() >= count,
    () => `${blobFetches()} blob fetch(es) started, waited for ${count}`,
  );

/** A git host that accepts connections and never answers, for the length of `work`. */
async function withStallingHost(work: (url: string) => Promise<void>): Promise<void> {
  const held: Socket[] = [];
  const stalling = createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
  const { port } = stalling.address() as { port: number };
  try {
    await work(`http://127.0.0.1:${port}/django/django.git`);
  } finally {
    held.forEach((socket) => socket.destroy());
    stalling.close();
  }
}

describe('blob fetches of concurrent releases', () => {
  let t: TestWorld;
  let mirror: GitMirror;
  let mirrorDir: string;
  let blobs: string[];
  beforeAll(async () => {
    t = await createTestWorld([releaseSpec('4.2.28'), releaseSpec('5.2.16', { signer: 'bob', tagSigner: 'bob' })]);
    mirrorDir = join(await mkdtemp(join(tmpdir(), 'crosscheck-mirror-')), 'mirror.git');
    mirror = new GitMirror(t.world.gitUrl, mirrorDir, DEFAULT_LIMITS);
    await mirror.prepare(['4.2.28', '5.2.16']);
    const entries = [];
    for (const tag of ['4.2.28', '5.2.16']) {
      const raw = await mirror.readTag(tag);
      const commit = /^object ([0-9a-f]{40})/.exec(raw.raw!.toString('utf8'))![1]!;
      entries.push(...(await mirror.listTree((await mirror.readCommit(commit)).tree!)));
    }
    blobs = [...new Set(entries.filter((e) => e.type === 'blob').map((e) => e.oid))];
  }, 60_000);
  afterAll(async () => {
    mirror?.close();
    await t?.dispose();
  });

  it('share one git process among the requests made while another fetch runs, each getting its own blobs', async () => {
    const before = blobFetches();
    const groups = [blobs.slice(0, 3), blobs.slice(3, 6), blobs.slice(6, 9), blobs.slice(2, 5)];
    // The first starts at once; the three asked after it started go together, whether it still runs or not.
    const first = mirror.readBlobs(groups[0]!);
    await untilFetches(before + 1);
    const results = await Promise.all([first, ...groups.slice(1).map((group) => mirror.readBlobs(group))]);
    results.forEach((found, i) => expect([...found.keys()].sort()).toEqual([...new Set(groups[i])].sort()));
    expect(blobFetches() - before).toBe(2);
  });

  it('fetch again alone when a shared fetch fails, so one release’s missing blob fails only that release', async () => {
    const missing = 'f'.repeat(40);
    const before = blobFetches();
    // The second and third share a fetch, which fails on the missing blob.
    const running = mirror.readBlobs(blobs.slice(9, 10));
    await untilFetches(before + 1);
    const [first, good, bad] = await Promise.allSettled([
      running,
      mirror.readBlobs(blobs.slice(10, 12)),
      mirror.readBlobs([missing]),
    ]);
    expect(first).toMatchObject({ status: 'fulfilled' });
    expect(good).toMatchObject({ status: 'fulfilled' });
    expect((good as PromiseFulfilledResult<Map<string, Buffer>>).value.size).toBe(2);
    expect(bad).toMatchObject({ status: 'rejected', reason: { reason: 'GIT_ERROR' } });
    // The first, the shared one, then each of the two alone.
    expect(blobFetches() - before).toBe(4);
  });

  it('read the blobs the mirror already holds without a fetch, in this run and in the next', async () => {
    const held = blobs.slice(0, 6);
    const before = blobFetches();
    const again = await mirror.readBlobs(held);
    // The next run: a new mirror object on the same directory, as a warm cache gives it.
    const next = new GitMirror(t.world.gitUrl, mirrorDir, DEFAULT_LIMITS);
    try {
      await next.prepare(['4.2.28', '5.2.16']);
      const warm = await next.readBlobs(held);
      expect(blobFetches() - before).toBe(0);
      expect([...warm.keys()].sort()).toEqual([...held].sort());
      for (const oid of held) expect(warm.get(oid)!.equals(again.get(oid)!), oid).toBe(true);
      // What it does not hold yet is still fetched, and only that.
      const fresh = await next.readBlobs([...held, blobs[12]!]);
      expect(fresh.size).toBe(7);
      expect(blobFetches() - before).toBe(1);
    } finally {
      next.close();
    }
  });
});

describe('tag fetches', () => {
  let t: TestWorld;
  let worldRepo: GitRepo;
  const mirrorDir = async () => join(await mkdtemp(join(tmpdir(), 'crosscheck-mirror-')), 'mirror.git');
  /** The git commands a mirror on `dir` ran, by their first word after the settings. */
  const commandsIn = (dir: string) =>
    started
      .filter((args) => args[1] === dir)
      .map((args) => args.find((arg) => ['fetch', 'ls-remote'].includes(arg)))
      .filter(Boolean);
  const worldTag = async (tag: string) => (await worldRepo.git(['rev-parse', `refs/tags/${tag}`])).trim();
  beforeAll(async () => {
    t = await createTestWorld([
      releaseSpec('4.2.27'),
      releaseSpec('4.2.28'),
      releaseSpec('5.2.16', { signer: 'bob', tagSigner: 'bob' }),
    ]);
    worldRepo = await GitRepo.open(gitRepoPath(t.root), t.gpg);
  }, 60_000);
  afterAll(async () => {
    await t?.dispose();
  });

  it('fetch every tag asked for in one git process, without listing the remote first', async () => {
    const dir = await mirrorDir();
    const mirror = new GitMirror(t.world.gitUrl, dir, DEFAULT_LIMITS);
    try {
      await mirror.prepare(['4.2.27', '4.2.28']);
      expect((await mirror.readTag('4.2.27')).oid).toBe(await worldTag('4.2.27'));
      expect((await mirror.readTag('4.2.28')).oid).toBe(await worldTag('4.2.28'));
      expect(commandsIn(dir)).toEqual(['fetch']);
    } finally {
      mirror.close();
    }
  });

  it('report a tag the remote lacks as missing, and still read the others', async () => {
    const dir = await mirrorDir();
    const mirror = new GitMirror(t.world.gitUrl, dir, DEFAULT_LIMITS);
    try {
      await mirror.prepare(['4.2.27', '9.9.9']);
      await expect(mirror.readTag('9.9.9')).rejects.toMatchObject({ reason: 'TAG_NOT_FOUND' });
      expect((await mirror.readTag('4.2.27')).oid).toBe(await worldTag('4.2.27'));
      // The fetch of both fails as a whole; the remote's tags are listed; the one it has is fetched.
      expect(commandsIn(dir)).toEqual(['fetch', 'ls-remote', 'fetch']);
    } finally {
      mirror.close();
    }
  });

  it('do not list the tags of a host whose fetch ran out of time: one deadline, not two', () =>
    withStallingHost(async (url) => {
      const dir = await mirrorDir();
      const mirror = new GitMirror(url, dir, { ...DEFAULT_LIMITS, gitDeadlineMs: 1_000 });
      try {
        await mirror.prepare(['4.2.27']);
        await expect(mirror.readTag('4.2.27')).rejects.toMatchObject({ reason: 'GIT_TIMEOUT' });
        expect(commandsIn(dir)).toEqual(['fetch']);
      } finally {
        mirror.close();
      }
    }));

  it('stop a fetch still running when closed, and start no other git command', () =>
    withStallingHost(async (url) => {
      const dir = await mirrorDir();
      // Left alone, git would wait on this host for its 30 s low-speed limit, then list its tags.
      const mirror = new GitMirror(url, dir, { ...DEFAULT_LIMITS, gitDeadlineMs: 120_000 });
      try {
        const prepared = mirror.prepare(['4.2.27']);
        await until(
          () => commandsIn(dir).includes('fetch'),
          () => 'the fetch did not start',
        );
        mirror.close();
        await prepared;
        await expect(mirror.readTag('4.2.27')).rejects.toMatchObject({
          reason: 'GIT_ERROR',
          message: expect.stringContaining('the run has ended'),
        });
        expect(commandsIn(dir)).toEqual(['fetch']);
      } finally {
        mirror.close();
      }
    }));

  it('wait while another git process holds the mirror, and then fetch, instead of giving up', async () => {
    const dir = await mirrorDir();
    const first = new GitMirror(t.world.gitUrl, dir, DEFAULT_LIMITS);
    await first.prepare(['4.2.27']);
    first.close();
    // What another run's fetch into the same cache holds while it updates the shallow file.
    const lock = join(dir, 'shallow.lock');
    await writeFile(lock, '');
    const released = new Promise((resolve) => setTimeout(resolve, 400)).then(() => rm(lock));
    const second = new GitMirror(t.world.gitUrl, dir, DEFAULT_LIMITS);
    try {
      await second.prepare(['4.2.27', '4.2.28']);
      await released;
      expect((await second.readTag('4.2.28')).oid).toBe(await worldTag('4.2.28'));
      const commands = commandsIn(dir);
      expect(commands.length).toBeGreaterThan(2);
      expect(new Set(commands)).toEqual(new Set(['fetch']));
    } finally {
      second.close();
      await released;
    }
  });

  it('give up with GIT_BUSY, naming the lock, when the mirror stays held', async () => {
    const dir = await mirrorDir();
    const first = new GitMirror(t.world.gitUrl, dir, DEFAULT_LIMITS);
    await first.prepare(['4.2.27']);
    first.close();
    await writeFile(join(dir, 'shallow.lock'), '');
    const second = new GitMirror(t.world.gitUrl, dir, { ...DEFAULT_LIMITS, gitBusyWaitMs: 1_500 });
    try {
      await second.prepare(['4.2.27']);
      await expect(second.readTag('4.2.27')).rejects.toMatchObject({
        reason: 'GIT_BUSY',
        message: expect.stringContaining('shallow.lock'),
      });
      // Listing the remote's tags would not free the mirror.
      expect(commandsIn(dir)).not.toContain('ls-remote');
    } finally {
      second.close();
    }
  });

  // Changes the world's tags: the last test of this world.
  it('read a warm mirror as the remote is now: a tag deleted since is missing, a tag moved since is the new one', async () => {
    const dir = await mirrorDir();
    const before = new GitMirror(t.world.gitUrl, dir, DEFAULT_LIMITS);
    await before.prepare(['4.2.27', '4.2.28']);
    await before.readTag('4.2.27');
    before.close();
    const replacement = await worldTag('5.2.16');
    await worldRepo.git(['tag', '-d', '4.2.27']);
    await worldRepo.updateRef('refs/tags/4.2.28', replacement);
    // One tag asked for, which the remote has: fetched as it is now, over the mirror's old ref.
    const moved = new GitMirror(t.world.gitUrl, dir, DEFAULT_LIMITS);
    try {
      await moved.prepare(['4.2.28']);
      expect((await moved.readTag('4.2.28')).oid).toBe(replacement);
    } finally {
      moved.close();
    }
    // The mirror still holds refs/tags/4.2.27 from the first run; the remote no longer has it.
    const deleted = new GitMirror(t.world.gitUrl, dir, DEFAULT_LIMITS);
    try {
      await deleted.prepare(['4.2.27', '4.2.28']);
      await expect(deleted.readTag('4.2.27')).rejects.toMatchObject({ reason: 'TAG_NOT_FOUND' });
      expect((await deleted.readTag('4.2.28')).oid).toBe(replacement);
    } finally {
      deleted.close();
    }
  });
});
