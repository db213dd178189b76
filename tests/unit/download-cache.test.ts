import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, lutimes, mkdir, mkdtemp, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/model/limits.js';
import { DownloadCache, hashFile } from '../../src/io/cache.js';
import { HttpClient, type RequestPolicy } from '../../src/io/http.js';
import { OriginMap } from '../../src/io/origins.js';

// Two URLs serving the same bytes, as the site and PyPI serve one sdist: both land on one
// content-addressed blob. `/slow` sends half, pauses, then the rest, so that a repair in progress
// can be watched.
const BODY = randomBytes(2 * 1024 * 1024);
const SHA256 = createHash('sha256').update(BODY).digest('hex');
const PAUSE_MS = 300;
const MIRROR_BODY = Buffer.from('what a mirror serves for the same link\n');

let server: Server;
let base: string;
let http: HttpClient;
let policy: RequestPolicy;

beforeAll(async () => {
  server = createServer((request, response) => {
    const body = request.url?.startsWith('/mirror/') ? MIRROR_BODY : BODY;
    response.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' });
    if (body === MIRROR_BODY) return response.end(body);
    if (request.url !== '/slow') return response.end(BODY);
    response.write(BODY.subarray(0, BODY.length / 2));
    setTimeout(() => response.end(BODY.subarray(BODY.length / 2)), PAUSE_MS);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  http = new HttpClient({ ...DEFAULT_LIMITS }, new OriginMap());
  policy = { allowedOrigins: new Set([base]), maxBytes: BODY.length, channel: 'test' };
});
afterAll(async () => {
  await http?.close();
  await new Promise((resolve) => server?.close(resolve));
});

async function warmCacheWithAlteredBlob(): Promise<{ root: string; cache: DownloadCache }> {
  const root = await mkdtemp(join(tmpdir(), 'crosscheck-cache-'));
  const cache = await DownloadCache.open(root, { offline: false });
  for (const path of ['/fast', '/slow'])
    expect((await cache.fetch(http, `${base}${path}`, policy)).sha256).toBe(SHA256);
  const blob = cache.blobPath(SHA256);
  const bytes = await readFile(blob);
  bytes[100] = bytes[100]! ^ 0xff;
  await writeFile(blob, bytes);
  return { root, cache };
}

describe('a cached copy altered on disk', () => {
  it('is downloaded again by the next run, and its path holds a file at every moment of the rewrite', async () => {
    const { cache } = await warmCacheWithAlteredBlob();
    const blob = cache.blobPath(SHA256);
    let looks = 0;
    let missing = 0;
    const watch = setInterval(() => {
      looks++;
      if (!existsSync(blob)) missing++;
    }, 5);
    try {
      const again = await cache.fetch(http, `${base}/slow`, policy);
      expect(again).toMatchObject({ sha256: SHA256, fromCache: false });
    } finally {
      clearInterval(watch);
    }
    // Another channel's copy of the same bytes may be read from this path at any moment.
    expect(looks).toBeGreaterThan(10);
    expect(missing).toBe(0);
    expect(
      createHash('sha256')
        .update(await readFile(blob))
        .digest('hex'),
    ).toBe(SHA256);
  });

  it('is refused offline as CACHE_ALTERED, naming what it should hash to', async () => {
    const { root } = await warmCacheWithAlteredBlob();
    const offline = await DownloadCache.open(root, { offline: true });
    await expect(offline.fetch(http, `${base}/fast`, policy)).rejects.toMatchObject({
      reason: 'CACHE_ALTERED',
      context: expect.objectContaining({ expected: SHA256 }),
    });
  });

  it('is replaced when it has become a FIFO, which is never opened to wait for a writer', async () => {
    const { root, cache } = await warmCacheWithAlteredBlob();
    const blob = cache.blobPath(SHA256);
    await rm(blob);
    execFileSync('mkfifo', [blob]);
    await expect(hashFile(blob)).rejects.toThrow(`${blob} is a FIFO, not a regular file`);
    const offline = await DownloadCache.open(root, { offline: true });
    await expect(offline.fetch(http, `${base}/fast`, policy)).rejects.toMatchObject({ reason: 'OFFLINE_NOT_STORED' });
    expect(await cache.fetch(http, `${base}/fast`, policy)).toMatchObject({ sha256: SHA256, fromCache: false });
    expect((await lstat(blob)).isFile()).toBe(true);
  });

  it('is downloaded by two channels at once, and both are handed a path that holds the signed bytes', async () => {
    const { cache } = await warmCacheWithAlteredBlob();
    const results = await Promise.all(['/slow', '/fast'].map((path) => cache.fetch(http, `${base}${path}`, policy)));
    for (const result of results) {
      expect(result).toMatchObject({ sha256: SHA256, fromCache: false });
      expect(
        createHash('sha256')
          .update(await readFile(result.path))
          .digest('hex'),
      ).toBe(SHA256);
    }
  });
});

describe('a document (a checksum file, a JSON answer)', () => {
  it('comes with the very bytes that were hashed: downloaded every run, re-read offline, refused offline once altered', async () => {
    const root = await mkdtemp(join(tmpdir(), 'crosscheck-cache-'));
    const cache = await DownloadCache.open(root, { offline: false });
    const url = `${base}/fast`;
    for (let run = 0; run < 2; run++) {
      const downloaded = await cache.fetchDocument(http, url, policy);
      expect(downloaded).toMatchObject({ sha256: SHA256, fromCache: false });
      expect(downloaded.bytes.equals(BODY)).toBe(true);
    }
    const offline = await DownloadCache.open(root, { offline: true });
    const stored = await offline.fetchDocument(http, url, policy);
    expect(stored).toMatchObject({ sha256: SHA256, fromCache: true });
    expect(stored.bytes.equals(BODY)).toBe(true);
    const altered = Buffer.from(BODY);
    altered[7] = altered[7]! ^ 0xff;
    await writeFile(cache.blobPath(SHA256), altered);
    await expect(offline.fetchDocument(http, url, policy)).rejects.toMatchObject({ reason: 'CACHE_ALTERED' });
    const again = await cache.fetchDocument(http, url, policy);
    expect(again).toMatchObject({ sha256: SHA256, fromCache: false });
    expect(again.bytes.equals(BODY)).toBe(true);
  });

  it('is not read offline once the stored copy has grown past what the policy allows', async () => {
    const root = await mkdtemp(join(tmpdir(), 'crosscheck-cache-'));
    const cache = await DownloadCache.open(root, { offline: false });
    const url = `${base}/fast`;
    await cache.fetchDocument(http, url, policy);
    await writeFile(cache.blobPath(SHA256), Buffer.concat([BODY, Buffer.from('more')]));
    const offline = await DownloadCache.open(root, { offline: true });
    await expect(offline.fetchDocument(http, url, policy)).rejects.toMatchObject({
      reason: expect.stringMatching(/^(OFFLINE_NOT_STORED|CACHE_ALTERED)$/),
    });
  });
});

describe('a link fetched from two bases', () => {
  it("is stored once per base: offline, a mirror's copy never stands in for the real host's, nor the other way round", async () => {
    const root = await mkdtemp(join(tmpdir(), 'crosscheck-cache-'));
    const cache = await DownloadCache.open(root, { offline: false });
    const link = 'https://files.example.test/slow';
    const through = (prefix: string) => {
      const origins = new OriginMap();
      origins.set('https://files.example.test', `${base}${prefix}`);
      return new HttpClient({ ...DEFAULT_LIMITS }, origins);
    };
    const [real, mirror] = [through(''), through('/mirror')];
    try {
      expect(await real.fetchBytes(link, policy).then((r) => r.finalUrl)).toBe(`${base}/slow`);
      expect(await cache.fetch(real, link, policy)).toMatchObject({ sha256: SHA256, fromCache: false });
      const fromMirror = await cache.fetch(mirror, link, policy);
      expect(fromMirror).toMatchObject({
        sha256: createHash('sha256').update(MIRROR_BODY).digest('hex'),
        fromCache: false,
        finalUrl: `${base}/mirror/slow`,
      });
      // Offline, each base's copy answers for that base only.
      const offline = await DownloadCache.open(root, { offline: true });
      expect(await offline.fetch(real, link, policy)).toMatchObject({ sha256: SHA256, fromCache: true });
      expect(await offline.fetch(mirror, link, policy)).toMatchObject({ sha256: fromMirror.sha256, fromCache: true });
    } finally {
      await Promise.all([real.close(), mirror.close()]);
    }
  });
});

describe('a cache that cannot be written', () => {
  it('ends the download as CACHE_WRITE, naming the cache, rather than as an internal or a network error', async () => {
    const root = await mkdtemp(join(tmpdir(), 'crosscheck-cache-'));
    const cache = await DownloadCache.open(root, { offline: false });
    // Where the partial download would go is no longer a directory (as root, permissions would not stop the write).
    await rm(join(root, 'tmp'), { recursive: true });
    await writeFile(join(root, 'tmp'), '');
    await expect(cache.fetch(http, `${base}/fast`, policy)).rejects.toMatchObject({
      reason: 'CACHE_WRITE',
      message: expect.stringContaining(`could not be kept in the cache ${root}: ENOTDIR`),
    });
  });
});

describe('a cache directory that cannot be made', () => {
  // Node's own recursive mkdir never returns here (as root): /proc answers ENOENT for /proc/x, so it
  // makes /proc (which exists) and tries /proc/x again, for ever. Another user may get EACCES.
  it.skipIf(!existsSync('/proc/self'))(
    'is refused with its reason, in bounded time, even where mkdir -p would loop',
    async () => {
      await expect(DownloadCache.open('/proc/crosscheck-no-such/cache', { offline: false })).rejects.toThrow(
        /^cannot make the cache directory \/proc\/crosscheck-no-such: [a-z].* \(E[A-Z]+\)$/,
      );
    },
    10_000,
  );

  it('is refused when a file stands in the way of one of its parents', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'crosscheck-cache-')), 'file');
    await writeFile(file, '');
    await expect(DownloadCache.open(join(file, 'cache'), { offline: false })).rejects.toThrow(
      `cannot make the cache directory ${join(file, 'cache')}: a part of the path is not a directory (ENOTDIR)`,
    );
  });
});

describe('what a run killed outright left in the cache', () => {
  it('is removed once a day old, and nothing else is: not a recent one, which a run sharing the cache may be writing', async () => {
    const root = await mkdtemp(join(tmpdir(), 'crosscheck-cache-'));
    await DownloadCache.open(root, { offline: false });
    const dayAndMinuteAgo = new Date(Date.now() - 24 * 3600_000 - 60_000);
    const place = async (path: string, old: boolean, directory = false) => {
      if (directory) {
        await mkdir(join(path, 'objects'), { recursive: true });
        await writeFile(join(path, 'objects', 'pack'), 'half a fetch');
      } else {
        await writeFile(path, 'half a download');
      }
      if (old) await utimes(path, dayAndMinuteAgo, dayAndMinuteAgo);
      return path;
    };
    const mirror = join(root, 'git', `${'a'.repeat(64)}.git`);
    const abandoned = [
      await place(join(root, 'tmp', `${'1'.repeat(32)}.part`), true),
      await place(`${mirror}.new-${'2'.repeat(16)}`, true, true),
      await place(`${mirror}.blob-view.new-${'3'.repeat(16)}`, true, true),
    ];
    const kept = [
      await place(join(root, 'tmp', `${'4'.repeat(32)}.part`), false),
      await place(`${mirror}.new-${'5'.repeat(16)}`, false, true),
      // Old, but not what crosscheck leaves half made: a mirror, a blob, a file of the user's.
      await place(mirror, true, true),
      await place(join(root, 'blobs', SHA256), true),
      await place(join(root, 'tmp', 'notes.txt'), true),
    ];
    // A link named like a partial download is removed as a link: what it points at stays.
    const outside = await place(join(await mkdtemp(join(tmpdir(), 'crosscheck-outside-')), 'target.part'), true);
    const link = join(root, 'tmp', `${'6'.repeat(32)}.part`);
    await symlink(outside, link);
    await lutimes(link, dayAndMinuteAgo, dayAndMinuteAgo);

    await DownloadCache.open(root, { offline: false });
    const present = async (path: string) => (await lstat(path).catch(() => undefined)) !== undefined;
    for (const path of [...abandoned, link]) expect(await present(path), path).toBe(false);
    for (const path of [...kept, outside]) expect(await present(path), path).toBe(true);
  });
});

describe('what a killed git left inside a mirror', () => {
  it("is removed once a day old: temporary packs and locks; a recent one, and the mirror's packs, stay", async () => {
    const root = await mkdtemp(join(tmpdir(), 'crosscheck-cache-'));
    await DownloadCache.open(root, { offline: false });
    const mirror = join(root, 'git', `${'b'.repeat(64)}.git`);
    await mkdir(join(mirror, 'objects', 'pack'), { recursive: true });
    await mkdir(join(mirror, 'refs', 'tags'), { recursive: true });
    const dayAndMinuteAgo = new Date(Date.now() - 24 * 3600_000 - 60_000);
    const place = async (path: string, old: boolean) => {
      await writeFile(path, 'left by a killed git');
      if (old) await utimes(path, dayAndMinuteAgo, dayAndMinuteAgo);
      return path;
    };
    const pack = join(mirror, 'objects', 'pack');
    const abandoned = [
      await place(join(pack, 'tmp_pack_AbC123'), true),
      await place(join(pack, 'tmp_idx_XyZ789'), true),
      await place(join(mirror, 'shallow.lock'), true),
      await place(join(mirror, 'refs', 'tags', '5.2.16.lock'), true),
    ];
    const kept = [
      await place(join(pack, 'tmp_pack_Recent1'), false),
      await place(join(mirror, 'config.lock'), false),
      await place(join(pack, `pack-${'c'.repeat(40)}.pack`), true),
      await place(join(mirror, 'refs', 'tags', '5.2.16'), true),
    ];
    await DownloadCache.open(root, { offline: false });
    const present = async (path: string) => (await lstat(path).catch(() => undefined)) !== undefined;
    for (const path of abandoned) expect(await present(path), path).toBe(false);
    for (const path of kept) expect(await present(path), path).toBe(true);
  });
});
