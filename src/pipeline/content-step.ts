import type { ArchiveListing } from '../archive/member.js';
import type { Difference } from '../compare/difference.js';
import { compareMetadata } from '../compare/metadata.js';
import { Policy, sdistVsGitPolicy } from '../compare/policy.js';
import { compareSdistWithGit } from '../compare/sdist-vs-git.js';
import { compareListings } from '../compare/site-vs-pypi.js';
import { compareWheelWithSource, sdistAsSource } from '../compare/wheel-vs-sdist.js';
import { checkRecord } from '../compare/wheel-record.js';
import { sdistTopDirectory } from '../profile/profile.js';
import { type ArtifactKind, type Check, checkFromError, fail, pass, skipped, unverified } from '../verdict/check.js';
import type { ArchiveReads } from './archive-reads.js';
import type { DownloadedCopy } from './artifact-step.js';
import type { SignedChecksums } from './checksum-step.js';
import type { RunContext } from './context.js';
import type { GitEvidence } from './git-step.js';
import type { ReleaseRecord } from './release-record.js';

/** One artifact's bytes: the first copy downloaded with them, and every channel that served them. */
interface DistinctCopy extends Omit<DownloadedCopy, 'channel'> {
  channels: string[];
  /** The signed SHA-256 matched this copy. */
  signed: boolean;
  listing?: ArchiveListing;
}

export interface ContentInputs {
  copies: DownloadedCopy[];
  reads: ArchiveReads;
  git: GitEvidence | undefined;
  signed: SignedChecksums | undefined;
}

const at = (id: string, artifact?: string) => ({ id, channel: 'content' as const, ...(artifact ? { artifact } : {}) });

/**
 * Compares what the channels' archives contain: each sdist with the tag's tree, each wheel with
 * the sdist, each wheel's RECORD and METADATA with its own members and the sdist's PKG-INFO, and
 * — when site and PyPI serve different bytes — the two copies with each other. Archives are read
 * from the cache, once per distinct digest, never extracted.
 */
export async function contentStep(ctx: RunContext, version: string, inputs: ContentInputs, record: ReleaseRecord): Promise<void> {
  const distinct = distinctCopies(inputs.copies, inputs.signed);
  const wheels = distinct.filter((c) => c.kind === 'wheel');
  const sdists = distinct.filter((c) => c.kind === 'sdist');
  const topDirectory = (copy: DistinctCopy) => sdistTopDirectory(ctx.profile, version, copy.filename);

  // The archives are read concurrently (inflating is most of the work, and there are two cores);
  // their checks are recorded in a fixed order afterwards.
  const archiveChecks = await Promise.all([
    ...wheels.map(async (wheel) => {
      ctx.progress?.step(version, 'content', wheel.filename);
      try {
        wheel.listing = await inputs.reads.listing(wheel);
        return pass({ ...at('content.wheel.archive', 'wheel'), file: wheel.filename }, `${wheel.filename} (${channelsOf(wheel)}) reads cleanly: ${wheel.listing.members.length} members, every local header, CRC-32 and size consistent`);
      } catch (error) {
        return checkFromError({ ...at('content.wheel.archive', 'wheel'), file: wheel.filename }, error, `${wheel.filename} (${channelsOf(wheel)})`);
      }
    }),
    ...sdists.map(async (sdist) => {
      ctx.progress?.step(version, 'content', sdist.filename);
      try {
        sdist.listing = await inputs.reads.listing(sdist);
        return pass({ ...at('content.sdist.archive', 'sdist'), file: sdist.filename }, `${sdist.filename} (${channelsOf(sdist)}) reads cleanly: ${sdist.listing.members.length} members, a gzip trailer that describes all of its content, nothing after the end of the archive`);
      } catch (error) {
        return checkFromError({ ...at('content.sdist.archive', 'sdist'), file: sdist.filename }, error, `${sdist.filename} (${channelsOf(sdist)})`);
      }
    }),
  ]);
  record.add(...archiveChecks);

  for (const kind of ['sdist', 'wheel'] as const) {
    const ofKind = distinct.filter((c) => c.kind === kind);
    if (ofKind.length === 2) record.add(siteVsPypi(kind, ofKind[0]!, ofKind[1]!, record));
  }

  const expected = (kind: ArtifactKind) => [...record.artifacts.values()].some((a) => a.kind === kind);
  if (!ctx.channels.has('git')) {
    record.add(skipped(at('content.sdist-vs-git', 'sdist'), 'the git channel was not selected'));
  } else if (sdists.length === 0) {
    if (expected('sdist')) record.add(unverified({ ...at('content.sdist-vs-git', 'sdist'), reason: 'NO_SDIST' }, 'no copy of the sdist could be downloaded to compare with the tag'));
  } else {
    for (const sdist of sdists) await sdistVsGit(ctx, version, sdist, topDirectory(sdist), inputs.git, record);
  }
  const reference = sdists.find((s) => s.signed && s.listing) ?? sdists.find((s) => s.listing);
  for (const wheel of wheels) {
    if (wheel.listing) wheelChecks(ctx, version, wheel, reference, reference ? topDirectory(reference) : '', record);
  }
  if (wheels.length === 0 && expected('wheel')) {
    record.add(unverified({ ...at('content.wheel-vs-sdist', 'wheel'), reason: 'NO_WHEEL' }, 'no copy of the wheel could be downloaded to compare'));
  }
}

function channelsOf(copy: DistinctCopy): string {
  return copy.channels.join(' and ');
}

function distinctCopies(copies: DownloadedCopy[], signed: SignedChecksums | undefined): DistinctCopy[] {
  const result: DistinctCopy[] = [];
  for (const copy of copies) {
    const existing = result.find((c) => c.kind === copy.kind && c.file.sha256 === copy.file.sha256);
    if (existing) {
      existing.channels.push(copy.channel);
      continue;
    }
    const signedDigest = signed?.artifacts.find((a) => a.filename === copy.filename)?.digests.sha256;
    result.push({ kind: copy.kind, filename: copy.filename, file: copy.file, channels: [copy.channel], signed: signedDigest === copy.file.sha256 });
  }
  return result;
}

/** Records a comparison's differences and turns them into its check: fail when any is not allowed. */
export function summarizeComparison(record: ReleaseRecord, fields: ReturnType<typeof at> & { file?: string }, differences: Difference[], agreement: string, what: string): Check {
  record.differences.push(...differences);
  const failing = differences.filter((d) => !d.allowed);
  const allowed = differences.length - failing.length;
  const rules = [...new Set(differences.filter((d) => d.allowed).map((d) => d.rule ?? `waiver: ${d.waiver}`))];
  if (failing.length > 0) {
    const shown = failing.slice(0, 5).map((d) => `${d.path} (${d.kind}${d.detail ? `: ${d.detail}` : ''})`);
    return fail(
      { ...fields, reason: 'CONTENT_MISMATCH', actual: failing.map((d) => d.path).slice(0, 20).join(', ') },
      `${what}: ${failing.length} difference(s) no rule allows — ${shown.join('; ')}${failing.length > 5 ? '; …' : ''}`,
    );
  }
  return pass(fields, `${what}: ${agreement}${allowed > 0 ? `, ${allowed} expected difference(s) (${rules.join(', ')})` : ''}`);
}

async function sdistVsGit(ctx: RunContext, version: string, sdist: DistinctCopy, top: string, git: GitEvidence | undefined, record: ReleaseRecord): Promise<void> {
  const fields = at('content.sdist-vs-git', 'sdist');
  if (!sdist.listing) return record.add(unverified({ ...fields, reason: 'ARCHIVE_UNREADABLE', file: sdist.filename }, `${sdist.filename} could not be read (see content.sdist.archive)`));
  if (!git) return record.add(unverified({ ...fields, reason: 'NO_GIT_TREE' }, 'the tag\'s tree is unavailable (see the git checks)'));
  ctx.progress?.step(version, 'content', 'sdist vs git');
  const policy = sdistVsGitPolicy(ctx.profile, version);
  try {
    const blobs = await git.comparisonBlobs();
    const sdistContent = new Map([...sdist.listing.kept].filter(([path]) => path.startsWith(`${top}/`)).map(([path, bytes]) => [path.slice(top.length + 1), bytes]));
    const { differences, identical } = compareSdistWithGit({ members: sdist.listing.members, topDirectory: top, sdistContent, tree: git.entries, blobs, policy });
    record.add(summarizeComparison(record, { ...fields, file: sdist.filename }, differences, `${identical} file(s) identical`, `${sdist.filename} (${channelsOf(sdist)}) vs tag ${git.tag} (${git.commit})`));
  } catch (error) {
    record.add(checkFromError(fields, error, 'the sdist could not be compared with the tag'));
  }
}

function wheelChecks(ctx: RunContext, version: string, wheel: DistinctCopy, sdist: DistinctCopy | undefined, top: string, record: ReleaseRecord): void {
  const listing = wheel.listing!;
  const distInfos = [...new Set(listing.members.map((m) => m.path.split('/')[0]!).filter((d) => d.endsWith('.dist-info')))];
  const expectedDistInfo = `${wheel.filename.split('-').slice(0, 2).join('-')}.dist-info`;
  const recordFields = { ...at('content.wheel-record', 'wheel'), file: wheel.filename };
  if (distInfos.length !== 1 || distInfos[0] !== expectedDistInfo) {
    record.add(fail({ ...recordFields, reason: 'WHEEL_DIST_INFO', expected: expectedDistInfo, actual: distInfos.join(', ') || 'none' }, `${wheel.filename} must hold exactly one ${expectedDistInfo}/ directory; it holds ${distInfos.join(', ') || 'none'}`));
    return;
  }
  const distInfo = distInfos[0]!;
  const recordText = listing.kept.get(`${distInfo}/RECORD`);
  const recordDifferences = recordText ? checkRecord(distInfo, recordText.toString('utf8'), listing.members) : [{ check: 'content.wheel-record', path: `${distInfo}/RECORD`, kind: 'record' as const, digests: {}, allowed: false, detail: 'the wheel has no RECORD' }];
  record.add(summarizeComparison(record, recordFields, recordDifferences, `all ${listing.members.filter((m) => m.type === 'file').length} members listed with matching SHA-256 and size, nothing else listed`, `${wheel.filename} RECORD`));

  const vsFields = { ...at('content.wheel-vs-sdist', 'wheel'), file: wheel.filename };
  const metaFields = { ...at('content.wheel-metadata', 'wheel'), file: wheel.filename };
  if (!sdist?.listing) {
    record.add(unverified({ ...vsFields, reason: 'NO_SDIST' }, 'no readable sdist to compare the wheel with'));
    record.add(unverified({ ...metaFields, reason: 'NO_SDIST' }, 'no readable sdist PKG-INFO to compare METADATA with'));
    return;
  }
  const sdistContent = new Map([...sdist.listing.kept].filter(([path]) => path.startsWith(`${top}/`)).map(([path, bytes]) => [path.slice(top.length + 1), bytes]));
  const policy = new Policy(ctx.profile.comparison.wheelVsSdist, ctx.profile.waivers, version);
  const { differences, identical } = compareWheelWithSource({ wheel: listing.members, source: sdistAsSource(sdist.listing.members, top), sourceLabel: 'sdist', sourceContent: sdistContent, policy, check: 'content.wheel-vs-sdist' });
  record.add(summarizeComparison(record, vsFields, differences, `${identical} installed file(s) identical to the sdist's`, `${wheel.filename} (${channelsOf(wheel)}) vs ${sdist.filename}`));
  const sdistEntryPoints = [...sdistContent].find(([path]) => /^[^/]+\.egg-info\/entry_points\.txt$/.test(path))?.[1];
  const metadataDifferences = compareMetadata({
    distInfo,
    project: ctx.profile.pypi.name,
    version,
    ...optional('metadata', listing.kept.get(`${distInfo}/METADATA`)),
    ...optional('pkgInfo', sdistContent.get('PKG-INFO')),
    ...optional('wheelFile', listing.kept.get(`${distInfo}/WHEEL`)),
    ...optional('wheelEntryPoints', listing.kept.get(`${distInfo}/entry_points.txt`)),
    ...optional('sdistEntryPoints', sdistEntryPoints),
  });
  record.add(summarizeComparison(record, metaFields, metadataDifferences, 'name, version, requirements, Python requirement, extras and entry points agree', `${distInfo}/METADATA vs PKG-INFO`));
}

function optional<K extends string>(key: K, value: Buffer | undefined): Partial<Record<K, Buffer>> {
  return value ? ({ [key]: value } as Record<K, Buffer>) : {};
}

function siteVsPypi(kind: ArtifactKind, a: DistinctCopy, b: DistinctCopy, record: ReleaseRecord): Check {
  const fields = { ...at('content.site-vs-pypi', kind), file: a.filename };
  if (!a.listing || !b.listing) {
    return fail({ ...fields, reason: 'CROSS_CHANNEL_MISMATCH', expected: a.file.sha256, actual: b.file.sha256 }, `the ${kind} differs between ${channelsOf(a)} (${a.file.sha256}) and ${channelsOf(b)} (${b.file.sha256}); one copy could not be read to show how`);
  }
  const differences = compareListings(a.listing.members, b.listing.members, channelsOf(a), channelsOf(b));
  record.differences.push(...differences);
  return fail(
    { ...fields, reason: 'CROSS_CHANNEL_MISMATCH', expected: `${channelsOf(a)}: ${a.file.sha256}`, actual: `${channelsOf(b)}: ${b.file.sha256}` },
    `the ${kind} differs between ${channelsOf(a)} and ${channelsOf(b)}: ${differences.length} member(s) differ (${differences.slice(0, 5).map((d) => d.path).join(', ')})`,
  );
}
