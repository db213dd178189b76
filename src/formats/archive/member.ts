import { createHash, type Hash } from 'node:crypto';

export type MemberType = 'file' | 'directory';

/** One archive member as crosscheck sees it; paths are validated and relative. */
export interface ArchiveMember {
  path: string;
  type: MemberType;
  /** Permission bits (e.g. 0o644); only the executable bit is compared across channels. */
  mode: number;
  size: number;
  /** SHA-256 of the content, lower-case hex. */
  sha256: string;
  /** The git blob id of the content: sha1("blob <size>\0" + content). */
  blobId: string;
}

export interface ArchiveListing {
  /** Every member — or, when the reader was asked to stop early, those read so far. */
  members: ArchiveMember[];
  /** False when the reader stopped early on request (only metadata was wanted). */
  complete?: boolean;
  /** Contents of the small members the caller asked to keep (metadata files, scripts). */
  kept: Map<string, Buffer>;
}

/** Which members' bytes to keep in memory, by path; kept bytes are capped by the reader. */
export type KeepPredicate = (path: string) => boolean;

/**
 * Hashes one member's content as it streams: SHA-256 and the git blob id in the same pass.
 * The blob id needs the size up front, which both tar and zip declare before the content.
 */
export class MemberHasher {
  private readonly sha256: Hash = createHash('sha256');
  private readonly blob: Hash;
  private seen = 0;
  private keptChunks: Buffer[] | undefined;

  /** `scripts`: keep the bytes only if they start with a `#!` line (a script a wheel may rewrite). */
  constructor(
    private readonly declaredSize: number,
    private readonly keep: boolean | 'scripts',
  ) {
    this.blob = createHash('sha1').update(`blob ${declaredSize}\0`);
    this.keptChunks = keep ? [] : undefined;
  }

  update(chunk: Buffer): void {
    this.sha256.update(chunk);
    this.blob.update(chunk);
    if (this.keep === 'scripts' && this.seen === 0 && !(chunk[0] === 0x23 && chunk[1] === 0x21))
      this.keptChunks = undefined;
    this.seen += chunk.length;
    this.keptChunks?.push(chunk);
  }

  get bytesSeen(): number {
    return this.seen;
  }

  finish(): { sha256: string; blobId: string; size: number; content?: Buffer } {
    return {
      sha256: this.sha256.digest('hex'),
      blobId: this.blob.digest('hex'),
      size: this.seen,
      ...(this.keptChunks ? { content: Buffer.concat(this.keptChunks) } : {}),
    };
  }

  get sizeMatches(): boolean {
    return this.seen === this.declaredSize;
  }
}

export const EMPTY_SHA256 = createHash('sha256').digest('hex');
export const EMPTY_BLOB_ID = createHash('sha1').update('blob 0\0').digest('hex');
