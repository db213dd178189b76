import type { ArchiveListing } from '../formats/archive/member.js';
import { readArchiveFile } from '../formats/archive/read-archive.js';
import { sdistTopDirectory } from '../profile/profile.js';
import type { DownloadedCopy } from '../rules/evidence.js';
import type { FetchedFile } from '../io/cache.js';
import type { AnalysisCache } from './analysis-cache.js';
import type { Limits } from '../model/limits.js';
import type { Profile } from '../profile/profile.js';
import pLimit from 'p-limit';
import { UnavailableError } from '../model/errors.js';
import { startedEarly } from './started-early.js';

/** What a read needs of a downloaded copy: which kind of archive, its name, the cached file. */
type ArchiveCopy = Pick<DownloadedCopy<FetchedFile>, 'kind' | 'filename' | 'file'>;

/** What reading a release's archives needs of the run. */
interface ArchiveReadDeps {
  readonly profile: Profile;
  readonly limits: Limits;
  readonly analyses: AnalysisCache;
  readonly archiveReads: ArchiveReadQueue;
}

/**
 * The archive reads of one release, once per distinct artifact digest, each started as soon as
 * its first copy is downloaded, so that inflating one archive overlaps the other downloads; a
 * second channel serving the same bytes reuses the first read.
 */
export class ArchiveReads {
  private readonly reads = new Map<string, Promise<ArchiveListing>>();

  constructor(
    private readonly ctx: ArchiveReadDeps,
    private readonly version: string,
  ) {}

  /** The listing of this copy's bytes, read now or by an earlier copy with the same digest. */
  listing(copy: ArchiveCopy): Promise<ArchiveListing> {
    const key = `${copy.kind}:${copy.file.sha256}`;
    let read = this.reads.get(key);
    if (!read) {
      read = startedEarly(this.ctx.archiveReads.run(() => this.read(copy)));
      this.reads.set(key, read);
    }
    return read;
  }

  /**
   * Keeps what the content rules read (archive/keep.ts). The same bytes read by an earlier run are
   * not read again: their analysis is kept by digest (a run has just downloaded and hashed them).
   */
  private async read(copy: ArchiveCopy): Promise<ArchiveListing> {
    const { ctx } = this;
    const topDirectory = copy.kind === 'sdist' ? sdistTopDirectory(ctx.profile, this.version, copy.filename) : '';
    // An analysis made under other limits is not this run's: a read the limits would stop must stop.
    const { members, decompressedBytes, memberBytes, pathBytes, pathDepth, compressionRatio, metadataFileBytes } =
      ctx.limits;
    const key = {
      kind: copy.kind,
      sha256: copy.file.sha256,
      scope: JSON.stringify([
        topDirectory,
        members,
        decompressedBytes,
        memberBytes,
        pathBytes,
        pathDepth,
        compressionRatio,
        metadataFileBytes,
      ]),
    };
    const known = ctx.analyses.load(key);
    if (known) return known;
    const listing = await (copy.kind === 'wheel'
      ? readArchiveFile({ kind: 'wheel', path: copy.file.path, limits: ctx.limits })
      : readArchiveFile({ kind: 'sdist', path: copy.file.path, limits: ctx.limits, topDirectory }));
    await ctx.analyses.store(key, listing);
    return listing;
  }
}

/**
 * The run's archive reads, one at a time. A read is CPU work on the one JavaScript thread and
 * holds megabytes while it runs (read blocks, the inflater's buffers, the listing being built), so
 * reads of several releases at once finished no sooner than one after the other and added their
 * memory up. Downloads, signatures and git still run for every release in flight.
 */
export class ArchiveReadQueue {
  private readonly limit = pLimit(1);
  private ended = false;

  run<T>(read: () => Promise<T>): Promise<T> {
    return this.limit(() => {
      // A release cut off by the run deadline may still have reads waiting: they are not started.
      if (this.ended)
        return Promise.reject(new UnavailableError('RUN_DEADLINE', 'archive read not started: the run has ended'));
      return read();
    });
  }

  /** Refuses the reads still waiting, and any asked for later. */
  end(): void {
    this.ended = true;
  }
}
