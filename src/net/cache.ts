import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import type { HttpClient, RequestPolicy } from './http.js';

export interface Digests {
  sha256: string;
  sha1: string;
  md5: string;
  size: number;
}

/** A file obtained from a URL: where it came from, what it hashes to, and where it sits in the cache. */
export interface FetchedFile extends Digests {
  url: string;
  finalUrl: string;
  path: string;
  fromCache: boolean;
  fetchedAt: string;
  /** Set when a cached copy no longer matched its recorded digest and was fetched again. */
  cacheRepaired?: boolean;
}

interface IndexEntry extends Digests {
  url: string;
  finalUrl: string;
  fetchedAt: string;
}

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME && process.env.XDG_CACHE_HOME.startsWith('/') ? process.env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'crosscheck');
}

/**
 * The content-addressed download cache. Files are stored under their SHA-256, never under a
 * name taken from remote data; a URL index records what each URL served and when. A cached file
 * is re-hashed on every reuse, and one that no longer matches is discarded and fetched again.
 * Nothing is written outside this directory; no symlink inside it is followed.
 */
export class DownloadCache {
  private constructor(readonly root: string, private readonly reuse: boolean) {}

  static async open(root: string, options: { reuse: boolean }): Promise<DownloadCache> {
    const cache = new DownloadCache(root, options.reuse);
    await ensurePrivateDir(root);
    for (const sub of ['blobs', 'index', 'tmp', 'git']) await ensurePrivateDir(join(root, sub));
    return cache;
  }

  blobPath(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return join(this.root, 'blobs', sha256);
  }

  gitDir(url: string): string {
    return join(this.root, 'git', `${sha256Hex(url)}.git`);
  }

  /** Downloads `url` (or reuses the verified cached copy), hashing every byte as it arrives. */
  async fetch(http: HttpClient, url: string, policy: RequestPolicy): Promise<FetchedFile> {
    const indexFile = join(this.root, 'index', `${sha256Hex(url)}.json`);
    let repaired = false;
    if (this.reuse) {
      const entry = await readIndex(indexFile, url);
      if (entry) {
        const path = this.blobPath(entry.sha256);
        const digests = await hashFile(path).catch(() => undefined);
        if (digests && digests.sha256 === entry.sha256 && digests.size === entry.size) {
          return { ...entry, path, fromCache: true };
        }
        repaired = true;
        await rm(path, { force: true });
        await rm(indexFile, { force: true });
      }
    }
    const fetched = await this.download(http, url, policy);
    const entry: IndexEntry = { url, finalUrl: fetched.finalUrl, fetchedAt: new Date().toISOString(), ...fetched.digests };
    await writeAtomically(join(this.root, 'tmp'), indexFile, JSON.stringify(entry));
    return { ...entry, path: fetched.path, fromCache: false, ...(repaired ? { cacheRepaired: true } : {}) };
  }

  private async download(http: HttpClient, url: string, policy: RequestPolicy): Promise<{ finalUrl: string; digests: Digests; path: string }> {
    const partPath = join(this.root, 'tmp', `${randomBytes(16).toString('hex')}.part`);
    const handle = await open(partPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    const hasher = new MultiHasher();
    try {
      let writeFailure: unknown;
      const result = await http.stream(url, policy, async (chunk) => {
        hasher.update(chunk);
        try {
          await handle.write(chunk);
        } catch (error) {
          writeFailure = error;
          throw error;
        }
      });
      if (writeFailure) throw writeFailure;
      await handle.close();
      const digests = hasher.digest();
      const path = this.blobPath(digests.sha256);
      await rename(partPath, path);
      return { finalUrl: result.finalUrl, digests, path };
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(partPath, { force: true });
      throw error;
    }
  }
}

/** SHA-256, SHA-1 and MD5 of a stream, computed in one pass. */
export class MultiHasher {
  private readonly sha256 = createHash('sha256');
  private readonly sha1 = createHash('sha1');
  private readonly md5 = createHash('md5');
  private size = 0;

  update(chunk: Buffer): void {
    this.sha256.update(chunk);
    this.sha1.update(chunk);
    this.md5.update(chunk);
    this.size += chunk.length;
  }

  digest(): Digests {
    return { sha256: this.sha256.digest('hex'), sha1: this.sha1.digest('hex'), md5: this.md5.digest('hex'), size: this.size };
  }
}

export async function hashFile(path: string): Promise<Digests> {
  const hasher = new MultiHasher();
  const handle = await openNoFollow(path);
  try {
    for await (const chunk of handle.createReadStream({ autoClose: false })) hasher.update(chunk as Buffer);
  } finally {
    await handle.close();
  }
  return hasher.digest();
}

export function openNoFollow(path: string) {
  return open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

async function readIndex(file: string, url: string): Promise<IndexEntry | undefined> {
  try {
    const handle = await openNoFollow(file);
    let entry: IndexEntry;
    try {
      entry = JSON.parse(await handle.readFile('utf8')) as IndexEntry;
    } finally {
      await handle.close();
    }
    if (entry.url !== url || !/^[0-9a-f]{64}$/.test(entry.sha256) || typeof entry.size !== 'number') return undefined;
    return entry;
  } catch {
    return undefined;
  }
}

async function writeAtomically(tmpDir: string, target: string, content: string): Promise<void> {
  const part = join(tmpDir, `${randomBytes(16).toString('hex')}.part`);
  await writeFile(part, content, { flag: constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode: 0o600 });
  await rename(part, target);
}

/** Creates `dir` (mode 0700) if absent; refuses a symlink or a non-directory in its place. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await lstat(dir);
  if (info.isSymbolicLink() || !info.isDirectory()) {
    throw new UsageError(`${dir} must be a directory, not a symbolic link or a file`, 'choose another --cache directory');
  }
}


