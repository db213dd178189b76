import type { ReleaseReport } from '../report/model.js';
import { type Check, checkFromError, pass, warn } from '../model/check.js';
import type { ReleaseList } from '../sources/release-list.js';
import { ArchiveReads } from './archive-reads.js';
import { type DownloadedCopy, type PypiEvidence, pypiStep, siteArtifactsStep } from './artifact-step.js';
import { checksumStep } from './checksum-step.js';
import { contentStep } from './content-step.js';
import type { RunContext } from './context.js';
import { gitStep } from './git-step.js';
import { ReleaseRecord } from './release-record.js';

/** PyPI's evidence when the PyPI channel is not selected. */
const NOT_ASKED: PypiEvidence = { copies: [] };

/**
 * Verifies one release: fetch → verify → compare, the channels concurrently. A step that throws
 * unexpectedly ends as an `unverified` check with reason INTERNAL; a release never passes
 * because something threw. The checks go into `record` as they are made, so that a run cut off
 * by its deadline still reports what the release had already found.
 */
export async function verifyRelease(
  ctx: RunContext,
  version: string,
  record = new ReleaseRecord(version),
): Promise<ReleaseReport> {
  try {
    // The signed checksum file is the reference every channel is held to, so it comes first;
    // the git fetch for the whole run is already under way (GitMirror.prepare).
    if (ctx.listing) record.add(...listedChecks(ctx.listing, version));
    const signed = ctx.profile.site ? await checksumStep(ctx, version, record) : undefined;
    // Each archive is read as soon as its first copy is in, while the other downloads go on.
    const reads = new ArchiveReads(ctx, version);
    const onDownloaded = ctx.compareContents ? (copy: DownloadedCopy) => void reads.listing(copy) : undefined;
    const [siteCopies, pypi, git] = await Promise.all([
      ctx.channels.has('site') ? siteArtifactsStep(ctx, version, signed, record, onDownloaded) : [],
      ctx.channels.has('pypi') ? pypiStep(ctx, version, signed, record, onDownloaded) : NOT_ASKED,
      ctx.channels.has('git')
        ? gitStep(ctx, version, signed, record, { prefetchDeclaringBlobs: ctx.compareContents })
        : undefined,
    ]);
    if (ctx.compareContents)
      await contentStep(
        ctx,
        version,
        {
          copies: [...siteCopies, ...pypi.copies],
          reads,
          git,
          signed,
          ...(pypi.release ? { pypi: pypi.release } : {}),
        },
        record,
      );
  } catch (error) {
    record.add(
      checkFromError({ id: 'release.internal', channel: 'local' }, error, 'verification stopped unexpectedly'),
    );
  }
  const report = record.toReport();
  ctx.progress?.releaseDone(version, report.verdict);
  return report;
}

/**
 * Where the run chose releases from the channels' lists: a release PyPI's project listing leaves
 * out, though another channel lists it, is said (a PyPI hiding a tampered release would do that;
 * so does a release deleted from PyPI). The release is verified all the same.
 */
function listedChecks(listing: ReleaseList, version: string): Check[] {
  const pypi = listing.byChannel.get('pypi');
  if (!pypi) return [];
  const others = [...listing.byChannel]
    .filter(([channel, versions]) => channel !== 'pypi' && versions.has(version))
    .map(([channel]) => channel);
  const fields = { id: 'pypi.release.listed', channel: 'pypi' as const };
  return [
    pypi.has(version)
      ? pass(fields, `PyPI's list of releases includes ${version}`)
      : warn(
          { ...fields, reason: 'PYPI_NOT_LISTED' },
          `PyPI's list of releases does not include ${version}, which ${others.join(' and ') || 'another channel'} lists; it is verified all the same`,
        ),
  ];
}
