import type { ReleaseReport } from '../report/model.js';
import { checkFromError } from '../verdict/check.js';
import { ArchiveReads } from './archive-reads.js';
import { type DownloadedCopy, pypiStep, siteArtifactsStep } from './artifact-step.js';
import { checksumStep } from './checksum-step.js';
import { contentStep } from './content-step.js';
import type { RunContext } from './context.js';
import { gitStep } from './git-step.js';
import { ReleaseRecord } from './release-record.js';

/**
 * Verifies one release: fetch → verify → compare, the channels concurrently. A step that throws
 * unexpectedly ends as an `unverified` check with reason INTERNAL; a release never passes
 * because something threw. The checks go into `record` as they are made, so that a run cut off
 * by its deadline still reports what the release had already found.
 */
export async function verifyRelease(ctx: RunContext, version: string, record = new ReleaseRecord(version)): Promise<ReleaseReport> {
  try {
    // The signed checksum file is the reference every channel is held to, so it comes first;
    // the git fetch for the whole run is already under way (GitMirror.prepare).
    const signed = ctx.profile.site ? await checksumStep(ctx, version, record) : undefined;
    // Each archive is read as soon as its first copy is in, while the other downloads go on.
    const reads = new ArchiveReads(ctx, version);
    const onDownloaded = ctx.compareContents ? (copy: DownloadedCopy) => void reads.listing(copy) : undefined;
    const [siteCopies, pypiCopies, git] = await Promise.all([
      ctx.channels.has('site') ? siteArtifactsStep(ctx, version, signed, record, onDownloaded) : [],
      ctx.channels.has('pypi') ? pypiStep(ctx, version, signed, record, onDownloaded) : [],
      ctx.channels.has('git') ? gitStep(ctx, version, signed, record, { prefetchDeclaringBlobs: ctx.compareContents }) : undefined,
    ]);
    if (ctx.compareContents) await contentStep(ctx, version, { copies: [...siteCopies, ...pypiCopies], reads, git, signed }, record);
  } catch (error) {
    record.add(checkFromError({ id: 'release.internal', channel: 'local' }, error, 'verification stopped unexpectedly'));
  }
  const report = record.toReport();
  ctx.progress?.releaseDone(version, report.verdict);
  return report;
}
