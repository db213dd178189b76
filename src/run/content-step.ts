import type { ArchiveListing } from '../formats/archive/member.js';
import { compareListings } from '../rules/content/site-vs-pypi.js';
import { judgeContent } from '../rules/content/judge.js';
import { type MetadataReference, pypiDeclaredMetadataCheck } from '../rules/pypi-metadata.js';
import type { PypiRelease } from '../formats/pypi-json.js';
import { sdistTopDirectory } from '../profile/profile.js';
import { type ArtifactKind, type Check, checkFromError, fail, pass, skipped } from '../model/check.js';
import type { ArchiveReads } from './archive-reads.js';
import type { DownloadedCopy } from './artifact-step.js';
import type { SignedChecksums } from '../rules/evidence.js';
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
  /** PyPI's JSON for the release, whose declared requirements are held to the files' metadata. */
  pypi?: PypiRelease;
}

const at = (id: string, artifact?: string) => ({ id, channel: 'content' as const, ...(artifact ? { artifact } : {}) });

/**
 * Reads each distinct archive the channels served (once per digest, never extracted), then
 * judges the contents with the rules every command shares (rules/content/judge.ts): each sdist
 * against the tag, each wheel against the sdist, every generated file against what the tag
 * declares; and, when site and PyPI serve different bytes, the two copies against each other.
 */
export async function contentStep(
  ctx: RunContext,
  version: string,
  inputs: ContentInputs,
  record: ReleaseRecord,
): Promise<void> {
  const distinct = distinctCopies(inputs.copies, inputs.signed);
  record.add(...(await Promise.all(distinct.map((copy) => readCopy(ctx, version, copy, inputs.reads)))));
  for (const kind of ['sdist', 'wheel'] as const) {
    const ofKind = distinct.filter((c) => c.kind === kind);
    if (ofKind.length === 2) record.add(siteVsPypi(kind, ofKind[0]!, ofKind[1]!, record));
  }
  const readable = (kind: ArtifactKind) =>
    distinct.filter((c) => c.kind === kind && c.listing).sort((a, b) => Number(b.signed) - Number(a.signed));
  const sdists = readable('sdist');
  const wheels = readable('wheel');
  const expected = (kind: ArtifactKind) => [...record.artifacts.values()].some((a) => a.kind === kind);
  if (!ctx.channels.has('git'))
    record.add(
      skipped(
        at('content.sdist-vs-git', 'sdist'),
        "the git channel was not selected: the contents are held to the sdist's own declarations",
      ),
    );
  if (sdists.length === 0 && expected('sdist'))
    record.add({
      ...at('content.sdist-vs-git', 'sdist'),
      status: 'unverified',
      reason: 'NO_SDIST',
      message: 'no readable copy of the sdist to compare with the tag',
      remedy: "see the sdist's download and archive checks, fix that, and run again",
    });
  if (wheels.length === 0 && expected('wheel') && distinct.every((c) => c.kind !== 'wheel'))
    record.add({
      ...at('content.wheel-vs-sdist', 'wheel'),
      status: 'unverified',
      reason: 'NO_WHEEL',
      message: 'no copy of the wheel could be downloaded to compare',
      remedy: "see the wheel's download checks, fix that, and run again",
    });
  if (inputs.pypi) {
    record.add(pypiDeclaredMetadataCheck(inputs.pypi.declared, metadataReferences(wheels, sdists), inputs.pypi.url));
  }
  if (sdists.length === 0 && wheels.length === 0) return;
  ctx.progress?.step(version, 'content', 'rules');
  try {
    const tag = ctx.channels.has('git') && inputs.git ? await tagInput(inputs.git) : undefined;
    const input = {
      release: version,
      project: ctx.profile.pypi.name,
      waivers: ctx.profile.waivers,
      ...(tag ? { tag } : {}),
      tagWanted: ctx.channels.has('git'),
      sdists: sdists.map((c) => ({
        channels: c.channels.join(' and '),
        input: {
          filename: c.filename,
          topDirectory: sdistTopDirectory(ctx.profile, version, c.filename),
          members: c.listing!.members,
          kept: c.listing!.kept,
          sha256: c.file.sha256,
        },
      })),
      wheels: wheels.map((c) => ({
        channels: c.channels.join(' and '),
        input: { filename: c.filename, members: c.listing!.members, kept: c.listing!.kept },
      })),
    };
    let judged = judgeContent(input);
    // The declarations can name files beyond those fetched first (a readme in a directory, a script): fetch them once, judge again.
    if (tag && inputs.git && judged.missingBlobs.length > 0) {
      const oids = tag.entries.filter((e) => judged.missingBlobs.includes(e.path)).map((e) => e.oid);
      const more = await inputs.git.readBlobs(oids);
      judged = judgeContent({ ...input, tag: { ...tag, blobs: new Map([...tag.blobs, ...more]) } });
    }
    record.differences.push(...judged.differences);
    record.add(...judged.checks);
  } catch (error) {
    record.add(
      checkFromError(at('content.sdist-vs-git', 'sdist'), error, 'the contents could not be compared with the tag'),
    );
  }
}

/**
 * The metadata files PyPI's declared requirements may come from (warehouse takes them from the
 * first file uploaded): each wheel's METADATA and each sdist's PKG-INFO, signed copies first. Their
 * contents are held to the tag by the content rules.
 */
function metadataReferences(wheels: readonly DistinctCopy[], sdists: readonly DistinctCopy[]): MetadataReference[] {
  const references: MetadataReference[] = [];
  for (const copy of [...wheels, ...sdists]) {
    const metadata = [...copy.listing!.kept].find(([path]) =>
      copy.kind === 'wheel' ? /^[^/]+\.dist-info\/METADATA$/.test(path) : /^[^/]+\/PKG-INFO$/.test(path),
    );
    if (metadata)
      references.push({
        what: `${copy.kind === 'wheel' ? 'METADATA' : 'PKG-INFO'} of ${copy.filename}`,
        bytes: metadata[1],
      });
  }
  return references;
}

async function tagInput(git: GitEvidence) {
  return {
    name: git.tag,
    commit: git.commit,
    taggedAt: git.taggedAt,
    entries: git.entries,
    blobs: await git.declaringBlobs(),
  };
}

async function readCopy(ctx: RunContext, version: string, copy: DistinctCopy, reads: ArchiveReads): Promise<Check> {
  const fields = {
    ...at(`content.${copy.kind}.archive`, copy.kind),
    file: copy.filename,
    copies: copy.channels.join(' and '),
  };
  const channels = copy.channels.join(' and ');
  ctx.progress?.step(version, 'content', copy.filename);
  try {
    copy.listing = await reads.listing(copy);
    const detail =
      copy.kind === 'wheel'
        ? 'every local header, CRC-32 and size consistent'
        : 'a gzip trailer that describes all of its content, nothing after the end of the archive';
    return pass(
      fields,
      `${copy.filename} (${channels}) reads cleanly: ${copy.listing.members.length} members, ${detail}`,
    );
  } catch (error) {
    return checkFromError(fields, error, `${copy.filename} (${channels})`);
  }
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
    result.push({
      kind: copy.kind,
      filename: copy.filename,
      file: copy.file,
      channels: [copy.channel],
      signed: signedDigest === copy.file.sha256,
    });
  }
  // The order of the channels' downloads is not the report's: wheels and sdists in a fixed order.
  return result.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'sdist' ? -1 : 1));
}

function siteVsPypi(kind: ArtifactKind, a: DistinctCopy, b: DistinctCopy, record: ReleaseRecord): Check {
  const fields = { ...at('content.site-vs-pypi', kind), file: a.filename };
  const names = (copy: DistinctCopy) => copy.channels.join(' and ');
  if (!a.listing || !b.listing) {
    return fail(
      { ...fields, reason: 'CROSS_CHANNEL_MISMATCH', expected: a.file.sha256, actual: b.file.sha256 },
      `the ${kind} differs between ${names(a)} (${a.file.sha256}) and ${names(b)} (${b.file.sha256}); one copy could not be read to show how`,
    );
  }
  const differences = compareListings(a.listing.members, b.listing.members, names(a), names(b));
  record.differences.push(...differences);
  return fail(
    {
      ...fields,
      reason: 'CROSS_CHANNEL_MISMATCH',
      expected: `${names(a)}: ${a.file.sha256}`,
      actual: `${names(b)}: ${b.file.sha256}`,
    },
    `the ${kind} differs between ${names(a)} and ${names(b)}: ${differences.length} member(s) differ (${differences
      .slice(0, 5)
      .map((d) => d.path)
      .join(', ')})`,
  );
}
