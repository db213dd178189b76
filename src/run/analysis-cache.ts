import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import type { ArchiveListing, ArchiveMember } from '../formats/archive/member.js';
import { readRegularFile } from '../io/local-files.js';
import { sha256Hex } from '../io/cache.js';

/**
 * Analyses of archives kept by the digest of their bytes: an archive read once (its members'
 * digests and the small files the rules read) is not read again when a later run downloads the
 * same bytes. What an analysis says follows from the bytes alone, so it answers only for bytes
 * the run has just downloaded and hashed; it never stands in for a channel. A stored analysis
 * that does not read back as one (damaged, or written by another version) is ignored and made
 * again.
 */
const FORMAT = 'crosscheck/analysis@1';
/** An analysis holds ~10,000 member records and the kept files; far past any real one. */
const MAX_ANALYSIS_BYTES = 64 * 1024 * 1024;

export interface AnalysisKey {
  kind: 'sdist' | 'wheel';
  sha256: string;
  /** What the reader was asked to keep depends on it (an sdist's top directory). */
  scope: string;
}

type StoredMember = [
  path: string,
  type: 'file' | 'directory',
  mode: number,
  size: number,
  sha256: string,
  blobId: string,
];

export class AnalysisCache {
  constructor(
    private readonly dir: string,
    private readonly tmpDir: string,
    /** False with --refresh: analyses are made again (and stored), never read. */
    private readonly reuse: boolean,
  ) {}

  private path(key: AnalysisKey): string {
    return join(this.dir, `${key.kind}-${key.sha256}-${sha256Hex(key.scope).slice(0, 16)}.json`);
  }

  load(key: AnalysisKey): ArchiveListing | undefined {
    if (!this.reuse) return undefined;
    try {
      const raw = readRegularFile(this.path(key), MAX_ANALYSIS_BYTES, (size) => new Error(`${size} bytes`));
      return decode(JSON.parse(raw.toString('utf8')) as unknown, key);
    } catch {
      return undefined;
    }
  }

  /** Best effort: an analysis that cannot be stored (a full disk) is made again next time. */
  async store(key: AnalysisKey, listing: ArchiveListing): Promise<void> {
    const part = join(this.tmpDir, `${randomBytes(16).toString('hex')}.part`);
    const stored = {
      format: FORMAT,
      key,
      complete: listing.complete !== false,
      members: listing.members.map((m): StoredMember => [m.path, m.type, m.mode, m.size, m.sha256, m.blobId]),
      kept: [...listing.kept].map(([path, bytes]) => [path, bytes.toString('base64')]),
    };
    try {
      await writeFile(part, JSON.stringify(stored), {
        flag: constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
        mode: 0o600,
      });
      await rename(part, this.path(key));
    } catch {
      await rm(part, { force: true }).catch(() => undefined);
    }
  }
}

const HEX64 = /^[0-9a-f]{64}$/;
const HEX40 = /^[0-9a-f]{40}$/;

function decode(value: unknown, key: AnalysisKey): ArchiveListing | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const stored = value as {
    format?: unknown;
    key?: AnalysisKey;
    complete?: unknown;
    members?: unknown;
    kept?: unknown;
  };
  if (stored.format !== FORMAT || stored.complete !== true || JSON.stringify(stored.key) !== JSON.stringify(key))
    return undefined;
  if (!Array.isArray(stored.members) || !Array.isArray(stored.kept)) return undefined;
  const members: ArchiveMember[] = [];
  for (const item of stored.members as unknown[]) {
    if (!Array.isArray(item) || item.length !== 6) return undefined;
    const [path, type, mode, size, sha256, blobId] = item as unknown[];
    if (
      typeof path !== 'string' ||
      (type !== 'file' && type !== 'directory') ||
      !Number.isSafeInteger(mode) ||
      !Number.isSafeInteger(size)
    )
      return undefined;
    if (typeof sha256 !== 'string' || !HEX64.test(sha256) || typeof blobId !== 'string' || !HEX40.test(blobId))
      return undefined;
    members.push({ path, type, mode: mode as number, size: size as number, sha256, blobId });
  }
  const kept = new Map<string, Buffer>();
  for (const item of stored.kept as unknown[]) {
    if (!Array.isArray(item) || item.length !== 2 || typeof item[0] !== 'string' || typeof item[1] !== 'string')
      return undefined;
    kept.set(item[0], Buffer.from(item[1], 'base64'));
  }
  return { members, kept };
}
