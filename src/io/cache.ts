import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, readSync } from 'node:fs';
import { type FileHandle, lstat, mkdir, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { setImmediate as turnOfEventLoop } from 'node:timers/promises';
import { dirname, join, resolve } from 'node:path';
import { HALF_MADE_PACK, refLocks } from './git-debris.js';
import { systemErrorText, UnavailableError, UsageError } from '../model/errors.js';
import { openRegularFile, readRegularFile } from './local-files.js';
import { MIB_SCRATCH } from './scratch-buffers.js';
import type { HttpClient, RequestPolicy } from './http.js';

/** Digests only old checksum files rely on; computed only when the strongest signed digest is one of them. */
export type WeakAlgorithm = 'sha1' | 'md5';

export interface Digests {
  sha256: string;
  sha1?: string;
  md5?: string;
  size: number;
}

/** A file obtained from a URL: where it came from, what it hashes to, and where it sits in the cache. */
export interface FetchedFile extends Digests {
  url: string;
  finalUrl: string;
  path: string;
  fromCache: boolean;
  fetchedAt: string;
}

interface IndexEntry {
  sha256: string;
  size: number;
  url: string;
  /** Where `url` was requested: the run's base for its origin (a mirror, a test world) or the origin itself. */
  requestUrl: string;
  finalUrl: string;
  fetchedAt: string;
}

export function defaultCacheDir(): string {
  const base =
    process.env.XDG_CACHE_HOME && process.env.XDG_CACHE_HOME.startsWith('/')
      ? process.env.XDG_CACHE_HOME
      : join(homedir(), '.cache');
  return join(base, 'crosscheck');
}

/**
 * The content-addressed download store. Every run downloads every document and artifact from its
 * channel again and hashes what it receives: a cached copy never answers for a channel, and HTTP
 * validators are not asked (a hostile server can answer 304 for bytes it has changed). What is
 * kept serves two ends: the bytes of an archive, read from disk by digest (never extracted), and
 * `--offline` runs, which re-verify what the store holds without the network (a URL index records
 * what each URL served, and when). Files are stored under their SHA-256, never under a name taken
 * from remote data; nothing is written outside this directory; no symlink inside it is followed.
 */
export class DownloadCache {
  private constructor(
    readonly root: string,
    readonly offline: boolean,
  ) {}

  static async open(root: string, options: { offline: boolean }): Promise<DownloadCache> {
    const cache = new DownloadCache(root, options.offline);
    await ensurePrivateDir(root);
    for (const sub of ['blobs', 'index', 'tmp', 'git', 'analyses']) await ensurePrivateDir(join(root, sub));
    await removeAbandoned(root);
    return cache;
  }

  /**
   * A handler for a write into the cache that failed (a full disk, a read-only directory): the
   * download of `url` ends CACHE_WRITE, which is neither the server's doing nor tampering.
   */
  private cannotKeep(url: string): (error: Error) => never {
    return (error) => {
      throw new UnavailableError(
        'CACHE_WRITE',
        `${url} could not be kept in the cache ${this.root}: ${error.message}`,
        { url, file: this.root },
      );
    };
  }

  /** The cache's scratch directory: partial downloads, and the report spool. */
  get tmpDir(): string {
    return join(this.root, 'tmp');
  }

  /**
   * A CA bundle file for git (which takes one file, replacing its roots): the usual roots and the
   * extra CA, kept under its digest in the cache's scratch directory.
   */
  async caBundle(bundle: string): Promise<string> {
    const path = join(this.tmpDir, `ca-${sha256Hex(bundle)}.pem`);
    if (
      !(await lstat(path).then(
        (s) => s.isFile() && s.size === Buffer.byteLength(bundle),
        () => false,
      ))
    )
      await writeAtomically(this.tmpDir, path, bundle).catch(this.cannotKeep('the CA bundle for git'));
    return path;
  }

  blobPath(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return join(this.root, 'blobs', sha256);
  }

  gitDir(url: string): string {
    return join(this.root, 'git', `${sha256Hex(url)}.git`);
  }

  /**
   * Downloads `url`, hashing every byte as it arrives: SHA-256 always, and the `weak` algorithms
   * asked for. Offline, what the store holds for it instead, hashed again.
   */
  fetch(
    http: HttpClient,
    url: string,
    policy: RequestPolicy,
    weak: readonly WeakAlgorithm[] = [],
  ): Promise<FetchedFile> {
    return this.obtain(http, url, policy, weak, false);
  }

  /**
   * A document to parse (a checksum file, a JSON answer), obtained as `fetch` obtains a file, with
   * the very bytes that were hashed: what is parsed is what the digests describe, and the file is
   * not read a second time.
   */
  async fetchDocument(http: HttpClient, url: string, policy: RequestPolicy): Promise<FetchedFile & { bytes: Buffer }> {
    const file = await this.obtain(http, url, policy, [], true);
    return { ...file, bytes: file.bytes! };
  }

  private async obtain(
    http: HttpClient,
    url: string,
    policy: RequestPolicy,
    weak: readonly WeakAlgorithm[],
    keepBytes: boolean,
  ): Promise<FetchedFile & { bytes?: Buffer }> {
    // Indexed by where the link is requested, not by the link: an offline run pointed at a mirror
    // must not re-verify what the real host served, nor the other way round.
    const requestUrl = http.origins.rebase(url).href;
    const indexFile = join(this.root, 'index', `${sha256Hex(requestUrl)}.json`);
    if (this.offline) return this.fromStore(url, requestUrl, indexFile, policy, weak, keepBytes);
    const fetched = await this.download(http, url, policy, weak, keepBytes);
    const entry: IndexEntry = {
      url,
      requestUrl,
      finalUrl: fetched.finalUrl,
      fetchedAt: new Date().toISOString(),
      sha256: fetched.digests.sha256,
      size: fetched.digests.size,
    };
    await writeAtomically(this.tmpDir, indexFile, JSON.stringify(entry)).catch(this.cannotKeep(url));
    return {
      ...entry,
      ...fetched.digests,
      path: fetched.path,
      fromCache: false,
      ...(fetched.bytes ? { bytes: fetched.bytes } : {}),
    };
  }

  /** `--offline`: what an earlier run fetched from this URL, hashed again; a copy altered since is not used. */
  private async fromStore(
    url: string,
    requestUrl: string,
    indexFile: string,
    policy: RequestPolicy,
    weak: readonly WeakAlgorithm[],
    keepBytes: boolean,
  ): Promise<FetchedFile & { bytes?: Buffer }> {
    const context = {
      url,
      channel: policy.channel,
      ...(policy.release ? { release: policy.release } : {}),
      file: this.root,
    };
    const entry = readIndex(indexFile, url, requestUrl);
    if (!entry)
      throw new UnavailableError(
        'OFFLINE_NOT_STORED',
        `${url} is not in the cache ${this.root}: no earlier run fetched it from ${requestUrl}`,
        context,
      );
    const path = this.blobPath(entry.sha256);
    const stored = await (
      keepBytes
        ? readDocument(path, policy.maxBytes)
        : hashFile(path, weak).then((digests) => ({ digests, bytes: undefined }))
    ).catch((error: Error) => {
      throw new UnavailableError(
        'OFFLINE_NOT_STORED',
        `${url}: the stored copy ${path} cannot be read (${error.message})`,
        context,
      );
    });
    if (stored.digests.sha256 !== entry.sha256 || stored.digests.size !== entry.size) {
      throw new UnavailableError(
        'CACHE_ALTERED',
        `${url}: the stored copy ${path} no longer hashes to what was fetched (${entry.sha256}); it was altered on disk`,
        { ...context, expected: entry.sha256, actual: stored.digests.sha256 },
      );
    }
    return { ...entry, ...stored.digests, path, fromCache: true, ...(stored.bytes ? { bytes: stored.bytes } : {}) };
  }

  private async download(
    http: HttpClient,
    url: string,
    policy: RequestPolicy,
    weak: readonly WeakAlgorithm[],
    keepBytes: boolean,
  ): Promise<{ finalUrl: string; digests: Digests; path: string; bytes?: Buffer }> {
    const partPath = join(this.tmpDir, `${randomBytes(16).toString('hex')}.part`);
    const cannotKeep = this.cannotKeep(url);
    const handle = await open(
      partPath,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o600,
    ).catch(cannotKeep);
    const hasher = new MultiHasher(weak);
    const writer = new BatchedWriter(handle);
    // Bounded by the policy's maxBytes, which the HTTP client enforces as the bytes arrive.
    const kept: Buffer[] | undefined = keepBytes ? [] : undefined;
    try {
      // A failed write is the cache's fault, not the server's: keep it from being read as a network error.
      let writeFailure: Error | undefined;
      const result = await http
        .stream(url, policy, async (chunk) => {
          hasher.update(chunk);
          kept?.push(chunk);
          await writer.write(chunk).catch((error: Error) => {
            writeFailure = error;
            throw error;
          });
        })
        .catch((error: unknown) => {
          if (writeFailure) cannotKeep(writeFailure);
          throw error;
        });
      await writer
        .flush()
        .then(() => handle.close())
        .catch(cannotKeep);
      const digests = hasher.digest();
      const path = this.blobPath(digests.sha256);
      await rename(partPath, path).catch(cannotKeep);
      return { finalUrl: result.finalUrl, digests, path, ...(kept ? { bytes: Buffer.concat(kept) } : {}) };
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(partPath, { force: true });
      throw error;
    }
  }
}

const WRITE_BATCH_BYTES = 1024 * 1024;

/**
 * Writes a download to its file in batches of about 1 MiB: one writev per batch instead of one
 * awaited write per network chunk, with memory still bounded by the batch size.
 */
class BatchedWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly handle: FileHandle) {}

  async write(chunk: Buffer): Promise<void> {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= WRITE_BATCH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const batch = this.pending;
    const expected = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    const { bytesWritten } = await this.handle.writev(batch);
    if (bytesWritten !== expected)
      throw new Error(`wrote ${bytesWritten} of ${expected} bytes to the cache (disk full?)`);
  }
}

/** SHA-256 of a stream, and the weak digests asked for, computed in one pass. */
export class MultiHasher {
  private readonly sha256 = createHash('sha256');
  private readonly sha1;
  private readonly md5;
  private size = 0;

  constructor(weak: readonly WeakAlgorithm[] = []) {
    this.sha1 = weak.includes('sha1') ? createHash('sha1') : undefined;
    this.md5 = weak.includes('md5') ? createHash('md5') : undefined;
  }

  update(chunk: Buffer): void {
    this.sha256.update(chunk);
    this.sha1?.update(chunk);
    this.md5?.update(chunk);
    this.size += chunk.length;
  }

  digest(): Digests {
    return {
      sha256: this.sha256.digest('hex'),
      ...(this.sha1 ? { sha1: this.sha1.digest('hex') } : {}),
      ...(this.md5 ? { md5: this.md5.digest('hex') } : {}),
      size: this.size,
    };
  }
}

/** A cached document, whole, and its digests (see DownloadCache.fetchDocument). */
async function readDocument(path: string, maxBytes: number): Promise<{ digests: Digests; bytes: Buffer }> {
  const bytes = readRegularFile(path, maxBytes, (size) => new Error(`${path} is ${size} bytes, over ${maxBytes}`));
  const hasher = new MultiHasher();
  hasher.update(bytes);
  return { digests: hasher.digest(), bytes };
}

/** The digests of a cached file, read in 1 MiB steps with a turn of the event loop between them. */
export async function hashFile(path: string, weak: readonly WeakAlgorithm[] = []): Promise<Digests> {
  const hasher = new MultiHasher(weak);
  const { fd, size } = openRegularFile(path);
  let buffer: Buffer | undefined;
  try {
    // One buffer, read into again and again. A file of 1 MiB or more borrows a pooled 1 MiB
    // buffer; a smaller one gets a buffer of its size, one byte over so that the first read shows
    // the end. Reads are synchronous (see openRegularFile); the pause between steps lets the
    // downloads and git answers of other channels through while a large archive is hashed.
    buffer = size >= MIB_SCRATCH.bytes ? MIB_SCRATCH.take() : Buffer.allocUnsafe(size + 1);
    for (let position = 0; ;) {
      const bytesRead = readSync(fd, buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      hasher.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
      if (bytesRead === buffer.length) await turnOfEventLoop();
    }
  } finally {
    if (buffer) MIB_SCRATCH.giveBack(buffer);
    closeSync(fd);
  }
  return hasher.digest();
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** An index entry holds two URLs and a digest; anything larger is not one of ours. */
const MAX_INDEX_ENTRY_BYTES = 64 * 1024;

function readIndex(file: string, url: string, requestUrl: string): IndexEntry | undefined {
  try {
    const entry = JSON.parse(
      readRegularFile(file, MAX_INDEX_ENTRY_BYTES, (size) => new Error(`${size} bytes`)).toString('utf8'),
    ) as IndexEntry;
    if (
      entry.url !== url ||
      entry.requestUrl !== requestUrl ||
      !/^[0-9a-f]{64}$/.test(entry.sha256) ||
      typeof entry.size !== 'number'
    )
      return undefined;
    return entry;
  } catch {
    return undefined;
  }
}

/**
 * A run killed outright (SIGKILL, a machine going down) leaves its partial downloads in tmp/ and
 * the mirrors it was building in git/; without this they would stay for ever, ~10 MB per sdist.
 * Only what is a day old goes: the cache may be shared, and a run that shares it can be writing
 * one of these now (under the default limits a run ends within 15 minutes). Only names that
 * crosscheck makes are touched, and a symbolic link is removed as a link, never followed.
 */
const ABANDONED_AFTER_MS = 24 * 3600_000;
const HALF_MADE = [
  { sub: 'tmp', name: /^[0-9a-f]{32}\.part$/ },
  { sub: 'git', name: /\.new-[0-9a-f]{16}$/ },
];

async function removeAbandoned(root: string): Promise<void> {
  for (const { sub, name } of HALF_MADE) {
    const dir = join(root, sub);
    for (const entry of await readdir(dir).catch(() => [])) {
      if (name.test(entry)) await removeIfAbandoned(join(dir, entry));
    }
  }
  for (const entry of await readdir(join(root, 'git')).catch(() => [])) {
    if (MIRROR.test(entry)) await removeAbandonedInMirror(join(root, 'git', entry));
  }
}

const MIRROR = /^[0-9a-f]{64}\.git$/;

/**
 * Inside a mirror, what a git killed outright leaves: index-pack's temporary packs (an endless
 * pack once left 2 GiB of them) and lock files, which would also make every later fetch GIT_BUSY.
 * A git that crosscheck itself stopped has its leftovers removed at once (git.ts); these are a
 * killed run's, under the same day-old rule.
 */
async function removeAbandonedInMirror(mirror: string): Promise<void> {
  // Nothing is followed: a mirror that is not a plain directory is not looked into.
  const stat = await lstat(mirror).catch(() => undefined);
  if (!stat?.isDirectory()) return;
  const pack = join(mirror, 'objects', 'pack');
  for (const entry of await readdir(pack).catch(() => [])) {
    if (HALF_MADE_PACK.test(entry)) await removeIfAbandoned(join(pack, entry));
  }
  for (const entry of await readdir(mirror).catch(() => [])) {
    if (entry.endsWith('.lock')) await removeIfAbandoned(join(mirror, entry));
  }
  for (const lock of await refLocks(join(mirror, 'refs'))) await removeIfAbandoned(lock);
}

async function removeIfAbandoned(path: string): Promise<void> {
  const stat = await lstat(path).catch(() => undefined);
  // Best effort: what cannot be removed now (another run's, a permission) is tried at the next run.
  if (stat && Date.now() - stat.mtimeMs > ABANDONED_AFTER_MS)
    await rm(path, { recursive: true, force: true }).catch(() => undefined);
}

async function writeAtomically(tmpDir: string, target: string, content: string): Promise<void> {
  const part = join(tmpDir, `${randomBytes(16).toString('hex')}.part`);
  try {
    await writeFile(part, content, {
      flag: constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      mode: 0o600,
    });
    await rename(part, target);
  } catch (error) {
    await rm(part, { force: true });
    throw error;
  }
}

/** Creates `dir` (mode 0700) if absent; refuses a symlink or a non-directory in its place. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await makeDirectories(dir);
  const info = await lstat(dir).catch(() => undefined);
  if (!info || info.isSymbolicLink() || !info.isDirectory()) {
    throw new UsageError(
      `${dir} must be a directory, not a symbolic link or a file`,
      'choose another --cache directory',
    );
  }
}

/**
 * mkdir -p, one directory at a time. Node's recursive mkdir never returns where making a directory
 * fails with ENOENT although its parent exists (/proc/x: it makes /proc, then tries /proc/x again,
 * for ever), and its errors do not say which directory failed.
 */
async function makeDirectories(dir: string): Promise<void> {
  const missing: string[] = [];
  for (
    let path = resolve(dir);
    !(await lstat(path).then(
      () => true,
      () => false,
    ));
    path = dirname(path)
  ) {
    missing.unshift(path);
    if (dirname(path) === path) break;
  }
  for (const path of missing) {
    await mkdir(path, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
      // EEXIST: a run sharing the cache made it in the meantime.
      if (error.code !== 'EEXIST')
        throw new UsageError(
          `cannot make the cache directory ${path}: ${error.code ? systemErrorText(error.code) : error.message}`,
          'choose another --cache directory',
        );
    });
  }
}
