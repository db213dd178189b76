import type { KeepSpec } from '../archive/keep.js';
import type { ArchiveListing } from '../archive/member.js';
import { readArchiveFile } from '../archive/read-archive.js';
import { sdistTopDirectory } from '../profile/profile.js';
import type { DownloadedCopy } from './artifact-step.js';
import type { RunContext } from './context.js';
import { startedEarly } from './started-early.js';

/** What a read needs of a downloaded copy: which kind of archive, its name, the cached file. */
type ArchiveCopy = Pick<DownloadedCopy, 'kind' | 'filename' | 'file'>;

/**
 * The archive reads of one release, once per distinct artifact digest, each started as soon as
 * its first copy is downloaded, so that inflating one archive overlaps the other downloads; a
 * second channel serving the same bytes reuses the first read.
 */
export class ArchiveReads {
  private readonly reads = new Map<string, Promise<ArchiveListing>>();

  constructor(private readonly ctx: RunContext, private readonly version: string) {}

  /** The listing of this copy's bytes, read now or by an earlier copy with the same digest. */
  listing(copy: ArchiveCopy): Promise<ArchiveListing> {
    const key = `${copy.kind}:${copy.file.sha256}`;
    let read = this.reads.get(key);
    if (!read) {
      read = startedEarly(this.read(copy));
      this.reads.set(key, read);
    }
    return read;
  }

  /**
   * Keeps the members the comparisons need: the sdist's PKG-INFO, config-data files and entry
   * points; the wheel's dist-info files.
   */
  private read(copy: ArchiveCopy): Promise<ArchiveListing> {
    const { ctx } = this;
    if (copy.kind === 'wheel') return readArchiveFile({ kind: 'wheel', path: copy.file.path, limits: ctx.limits });
    const configPaths = ctx.profile.comparison.sdistVsGit.filter((r) => r.kind === 'config-data').flatMap((r) => r.paths);
    const keep: KeepSpec = { topDirectory: sdistTopDirectory(ctx.profile, this.version, copy.filename), paths: ['PKG-INFO', ...configPaths], entryPoints: true };
    return readArchiveFile({ kind: 'sdist', path: copy.file.path, limits: ctx.limits, keep });
  }
}
