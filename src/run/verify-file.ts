import { basename } from 'node:path';
import type { ArchiveListing } from '../formats/archive/member.js';
import { keepSdistContent, keepWheelContent } from '../formats/archive/keep.js';
import { readSdistFile } from '../formats/archive/read-archive.js';
import { readWheel } from '../formats/archive/wheel.js';
import { type ArtifactName, normalizeProjectName, parseArtifactName } from '../model/names.js';
import { judgeContent } from '../rules/content/judge.js';
import { describeFileError, UsageError } from '../model/errors.js';
import { readUserFile, resolveUserFile } from '../io/local-files.js';
import { readClearsigned } from '../formats/clearsigned.js';
import { declaredRelease } from '../formats/checksum-file.js';
import { hashFile } from '../io/cache.js';
import { sdistTopDirectory, tagName } from '../profile/profile.js';
import { versionProblem } from '../profile/versions.js';
import type { ReleaseReport } from '../report/model.js';
import { type Check, checkFromError, pass, unverified } from '../model/check.js';
import { fileIdentityCheck, localDigestCheck } from '../rules/artifacts.js';
import type { SignedChecksums } from '../rules/evidence.js';
import { checksumStep, localChecksumSource } from './checksum-step.js';
import type { RunContext } from './context.js';
import { type GitEvidence, gitStep } from './git-step.js';
import { ReleaseRecord } from './release-record.js';

export interface VerifyFileOptions {
  checksumsFile?: string;
  deep: boolean;
}

/**
 * `crosscheck verify-file`: is this file the one the release manager signed? Works out the
 * project and version from the name and the metadata inside (they must agree), verifies the
 * signed checksum file (from the site, or a local copy), compares the file's digest, and with
 * `deep` compares its contents with the signed git tag.
 */
export async function verifyFile(
  ctx: RunContext,
  path: string,
  options: VerifyFileOptions,
): Promise<ReleaseReport & { summary: string }> {
  const filename = basename(path);
  const identity = parseArtifactName(filename);
  if (!identity)
    throw new UsageError(
      `cannot tell the project and version from the file name "${filename}"`,
      'expected <name>-<version>.tar.gz or <name>-<version>-<tags>.whl, as PyPI and the project site name them',
    );
  if (identity.normalizedName !== normalizeProjectName(ctx.profile.pypi.name)) {
    throw new UsageError(`"${filename}" is not a ${ctx.profile.displayName} file`, `use --profile for another project`);
  }
  const { version, kind } = identity;
  const problem = versionProblem(version);
  if (problem) throw new UsageError(`the version in the file name "${filename}" ${problem}`);
  const record = new ReleaseRecord(version);
  const cannotRead = (error: Error): never => {
    throw new UsageError(`cannot read ${path}: ${describeFileError(error)}`);
  };
  // Read at its real path: a symbolic link given here is the user's own; inside the cache none is followed.
  let realPath: string;
  try {
    realPath = resolveUserFile(path);
  } catch (error) {
    return cannotRead(error as Error);
  }
  // Hashed before the checksum file is read, so with every algorithm an era may have signed.
  const digests = await hashFile(realPath, ['sha1', 'md5']).catch(cannotRead);
  const evidence = record.artifact(kind, filename);
  evidence.site = { url: path, sha256: digests.sha256, size: digests.size };

  const listing = await readArchive(ctx, identity, realPath, record, options.deep);
  if (listing) record.add(fileIdentityCheck(identity, listing));

  const signed = await checksumStep(
    ctx,
    version,
    record,
    options.checksumsFile ? localChecksumSource(options.checksumsFile) : undefined,
  );
  const digest = localDigestCheck(identity, signed, {
    ...digests,
    url: path,
    finalUrl: path,
    fromCache: false,
    fetchedAt: new Date().toISOString(),
  });
  record.add(digest);
  if (signed?.artifacts.find((a) => a.filename === filename)?.digests.sha256)
    evidence.signedSha256 = signed.artifacts.find((a) => a.filename === filename)!.digests.sha256!;

  if (options.deep) {
    void ctx.git?.prepare([tagName(ctx.profile, version)]);
    const git = await gitStep(ctx, version, signed, record, { prefetchDeclaringBlobs: listing !== undefined });
    if (listing) await deepCompare(ctx, identity, listing, digests.sha256, git, record);
  }
  const report = record.toReport();
  return { ...report, summary: sentence(ctx, identity, report.checks, signed, digests.sha256) };
}

/**
 * Reads the archive: all of it (checked as `verify` checks it) with --deep; otherwise only up to
 * its metadata, which is all the identity check needs — the digest is what says the file is the
 * signed one.
 */
async function readArchive(
  ctx: RunContext,
  identity: ArtifactName,
  path: string,
  record: ReleaseRecord,
  whole: boolean,
): Promise<ArchiveListing | undefined> {
  const fields = whole
    ? {
        id: `content.${identity.kind}.archive`,
        channel: 'content' as const,
        artifact: identity.kind,
        file: identity.filename,
      }
    : { id: 'local.file.identity', channel: 'local' as const, artifact: identity.kind, file: identity.filename };
  // Any top folder: a file renamed from another release must still show what it really is.
  const pkgInfo = (p: string) => /^[^/]+\/PKG-INFO$/.test(p);
  const content = keepSdistContent(sdistTopDirectory(ctx.profile, identity.version, identity.filename));
  try {
    const listing =
      identity.kind === 'sdist'
        ? await readSdistFile(
            path,
            ctx.limits,
            (p) => pkgInfo(p) || (whole && content(p)),
            whole ? {} : { stopAfter: pkgInfo },
          )
        : await readWheel(
            path,
            ctx.limits,
            keepWheelContent,
            whole ? {} : { only: (p) => /^[^/]+\.dist-info\/METADATA$/.test(p) },
          );
    if (whole) record.add(pass(fields, `${identity.filename} reads cleanly: ${listing.members.length} members`));
    return listing;
  } catch (error) {
    record.add(checkFromError(fields, error, identity.filename));
    return undefined;
  }
}

/**
 * The file's contents judged by the rules `verify` uses (rules/content/judge.ts): an sdist against
 * the tag, a wheel against the tag, every generated file against what the tag declares.
 */
async function deepCompare(
  ctx: RunContext,
  identity: ArtifactName,
  listing: ArchiveListing,
  sha256: string,
  git: GitEvidence | undefined,
  record: ReleaseRecord,
): Promise<void> {
  const fields = {
    id: identity.kind === 'sdist' ? 'content.sdist-vs-git' : 'content.wheel-vs-git',
    channel: 'content' as const,
    artifact: identity.kind,
    file: identity.filename,
  };
  if (!git)
    return record.add(
      unverified(
        { ...fields, reason: 'NO_GIT_TREE', remedy: 'fix what the git checks report, and run again' },
        "the tag's tree is unavailable (see the git checks)",
      ),
    );
  try {
    const artifact = { filename: identity.filename, members: listing.members, kept: listing.kept };
    const input = {
      release: identity.version,
      project: ctx.profile.pypi.name,
      waivers: ctx.profile.waivers,
      tag: {
        name: git.tag,
        commit: git.commit,
        taggedAt: git.taggedAt,
        entries: git.entries,
        blobs: await git.declaringBlobs(),
      },
      tagWanted: true,
      sdists:
        identity.kind === 'sdist'
          ? [
              {
                channels: 'the local file',
                input: {
                  ...artifact,
                  sha256,
                  topDirectory: sdistTopDirectory(ctx.profile, identity.version, identity.filename),
                },
              },
            ]
          : [],
      wheels: identity.kind === 'wheel' ? [{ channels: 'the local file', input: artifact }] : [],
    };
    let judged = judgeContent(input);
    if (judged.missingBlobs.length > 0) {
      const more = await git.readBlobs(
        git.entries.filter((e) => judged.missingBlobs.includes(e.path)).map((e) => e.oid),
      );
      judged = judgeContent({ ...input, tag: { ...input.tag, blobs: new Map([...input.tag.blobs, ...more]) } });
    }
    record.differences.push(...judged.differences);
    record.add(...judged.checks);
  } catch (error) {
    record.add(checkFromError(fields, error, 'the contents could not be compared with the tag'));
  }
}

/** The one sentence a person reads first. */
function sentence(
  ctx: RunContext,
  identity: ArtifactName,
  checks: Check[],
  signed: SignedChecksums | undefined,
  sha256: string,
): string {
  const { filename } = identity;
  const signer = signed?.signers
    .map((s) => `${s.name} (${s.fingerprint}) on ${s.created.toISOString().slice(0, 10)}`)
    .join(' and ');
  const failed = checks.find((c) => c.status === 'fail');
  const byId = (id: string) => checks.find((c) => c.id === id);
  const identityCheck = byId('local.file.identity');
  if (identityCheck?.status === 'fail') return `${filename} is NOT what its name says: ${identityCheck.message}.`;
  if (failed?.id.startsWith('site.checksums'))
    return `${filename} could not be checked: the checksum file is not trustworthy (${failed.reason}: ${failed.message}).`;
  const digest = byId(`local.${identity.kind}.digest`);
  if (digest?.status === 'fail') {
    return digest.reason === 'CHECKSUM_FILENAME'
      ? `${filename} is NOT a file the ${ctx.profile.displayName} release manager signed: ${digest.message} (checksum file signed by ${signer}).`
      : `${filename} is NOT the file the ${ctx.profile.displayName} release manager signed: its SHA-256 is ${sha256}, but the checksum file signed by ${signer} says ${digest.expected?.replace(/^sha256:/, '')}.`;
  }
  if (failed) return `${filename} matches the signed checksum but fails ${failed.id}: ${failed.message}.`;
  if (digest?.status === 'pass') {
    const deep = checks.some((c) => c.id.startsWith('content.') && c.id.endsWith('-vs-git') && c.status === 'pass')
      ? ', and its contents match the signed git tag'
      : '';
    const incomplete = checks.some((c) => c.status === 'unverified')
      ? ' (some checks could not be made; see below)'
      : '';
    return `${filename} is the file the ${ctx.profile.displayName} release manager signed: its SHA-256 ${sha256} matches the checksum file signed by ${signer}${deep}${incomplete}.`;
  }
  const fetch = byId('site.checksums.fetch');
  if (fetch?.status === 'unverified' && fetch.reason === 'HTTP_NOT_FOUND') {
    return `${filename} names ${ctx.profile.displayName} ${identity.version}, which the project site does not publish: it has no checksum file for it (${fetch.url ?? 'its checksum URL'} answered 404). No release manager signed this file, unless the release is so new that its checksums are not out yet.`;
  }
  const why = checks.find((c) => c.status === 'unverified');
  return `${filename} could not be verified${why ? `: ${why.message}` : ''}.`;
}

/**
 * A --checksums file the user cannot have meant: one that cannot be read, or whose text names
 * another release than the files. Both are the user's mistake, not evidence about the files, so
 * they are usage errors naming both sides; whether the file is genuine is the run's to judge.
 */
export async function checkChecksumsFile(path: string, file: ArtifactName): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = readUserFile(
      path,
      MAX_CHECKSUMS_BYTES,
      (size) => new Error(`it is ${size} bytes; a checksum file is a few kilobytes`),
    );
  } catch (error) {
    throw new UsageError(`cannot read --checksums ${path}: ${describeFileError(error)}`);
  }
  const named = await readClearsigned(bytes, { what: path, maxBytes: MAX_CHECKSUMS_BYTES }).then(
    ({ signedText }) => declaredRelease(signedText),
    () => undefined,
  );
  if (named && named.version !== file.version) {
    throw new UsageError(
      `the checksum file ${path} is for ${named.project} ${named.version}; ${file.filename} is ${named.project} ${file.version}`,
      `give the checksum file of ${file.version} (${named.project}-${file.version}.checksum.txt), or leave out --checksums to fetch it`,
    );
  }
}

const MAX_CHECKSUMS_BYTES = 1024 * 1024;
