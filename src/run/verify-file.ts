import { basename } from 'node:path';
import type { ArchiveListing } from '../formats/archive/member.js';
import { keepSdistContent, keepWheelContent } from '../formats/archive/keep.js';
import { readSdistFile } from '../formats/archive/read-archive.js';
import { readWheel } from '../formats/archive/wheel.js';
import { parseCoreMetadata, values } from '../formats/core-metadata.js';
import { canonicalizeName as normalizeName } from '../formats/requirements.js';
import { judgeContent } from '../rules/content/judge.js';
import { describeFileError, UsageError } from '../model/errors.js';
import { resolveUserFile } from '../io/local-files.js';
import { hashFile } from '../io/cache.js';
import { sdistTopDirectory, tagName } from '../profile/profile.js';
import { versionProblem } from '../profile/versions.js';
import type { ReleaseReport } from '../report/model.js';
import { AFTER_CHECKSUMS_REMEDY, type ArtifactKind, type Check, checkFromError, fail, pass, unverified } from '../model/check.js';
import { digestCheck } from './artifact-step.js';
import { checksumStep, localChecksumSource, type SignedChecksums } from './checksum-step.js';
import type { RunContext } from './context.js';
import { type GitEvidence, gitStep } from './git-step.js';
import { ReleaseRecord } from './release-record.js';

export interface FileIdentity {
  kind: ArtifactKind;
  filename: string;
  /** The distribution name as the file name spells it, and normalized. */
  name: string;
  normalizedName: string;
  version: string;
}

/** sdist `<name>-<version>.tar.gz`; wheel `<name>-<version>(-<build>)?-<python>-<abi>-<platform>.whl`. */
export function identifyByName(filename: string): FileIdentity | undefined {
  const sdist = /^([A-Za-z0-9][A-Za-z0-9._]*)-([0-9][A-Za-z0-9.+!]*)\.tar\.gz$/.exec(filename);
  if (sdist) return { kind: 'sdist', filename, name: sdist[1]!, normalizedName: normalizeName(sdist[1]!), version: sdist[2]! };
  const wheel = /^([A-Za-z0-9][A-Za-z0-9._]*)-([0-9][A-Za-z0-9.+!]*)(?:-[0-9][^-]*)?-[^-]+-[^-]+-[^-]+\.whl$/.exec(filename);
  if (wheel) return { kind: 'wheel', filename, name: wheel[1]!, normalizedName: normalizeName(wheel[1]!), version: wheel[2]! };
  return undefined;
}

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
export async function verifyFile(ctx: RunContext, path: string, options: VerifyFileOptions): Promise<ReleaseReport & { summary: string }> {
  const filename = basename(path);
  const identity = identifyByName(filename);
  if (!identity) throw new UsageError(`cannot tell the project and version from the file name "${filename}"`, 'expected <name>-<version>.tar.gz or <name>-<version>-<tags>.whl, as PyPI and the project site name them');
  if (identity.normalizedName !== normalizeName(ctx.profile.pypi.name)) {
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
  if (listing) record.add(identityCheck(identity, listing));

  const signed = await checksumStep(ctx, version, record, options.checksumsFile ? localChecksumSource(options.checksumsFile) : undefined);
  const digest = localDigestCheck(identity, signed, { ...digests, path, url: path, finalUrl: path, fromCache: false, fetchedAt: new Date().toISOString() });
  record.add(digest);
  if (signed?.artifacts.find((a) => a.filename === filename)?.digests.sha256) evidence.signedSha256 = signed.artifacts.find((a) => a.filename === filename)!.digests.sha256!;

  if (options.deep) {
    void ctx.git?.prepare([tagName(ctx.profile, version)]);
    const git = await gitStep(ctx, version, signed, record, { prefetchDeclaringBlobs: listing !== undefined });
    if (listing) await deepCompare(ctx, identity, listing, git, record);
  }
  const report = record.toReport();
  return { ...report, summary: sentence(ctx, identity, report.checks, signed, digests.sha256) };
}

/**
 * Reads the archive: all of it (checked as `verify` checks it) with --deep; otherwise only up to
 * its metadata, which is all the identity check needs — the digest is what says the file is the
 * signed one.
 */
async function readArchive(ctx: RunContext, identity: FileIdentity, path: string, record: ReleaseRecord, whole: boolean): Promise<ArchiveListing | undefined> {
  const fields = whole
    ? { id: `content.${identity.kind}.archive`, channel: 'content' as const, artifact: identity.kind, file: identity.filename }
    : { id: 'local.file.identity', channel: 'local' as const, artifact: identity.kind, file: identity.filename };
  // Any top folder: a file renamed from another release must still show what it really is.
  const pkgInfo = (p: string) => /^[^/]+\/PKG-INFO$/.test(p);
  const content = keepSdistContent(sdistTopDirectory(ctx.profile, identity.version, identity.filename));
  try {
    const listing =
      identity.kind === 'sdist'
        ? await readSdistFile(path, ctx.limits, (p) => pkgInfo(p) || (whole && content(p)), whole ? {} : { stopAfter: pkgInfo })
        : await readWheel(path, ctx.limits, keepWheelContent, whole ? {} : { only: (p) => /^[^/]+\.dist-info\/METADATA$/.test(p) });
    if (whole) record.add(pass(fields, `${identity.filename} reads cleanly: ${listing.members.length} members`));
    return listing;
  } catch (error) {
    record.add(checkFromError(fields, error, identity.filename));
    return undefined;
  }
}

/** The name and version in the file name must be the ones its own metadata states. */
function identityCheck(identity: FileIdentity, listing: ArchiveListing): Check {
  const fields = { id: 'local.file.identity', channel: 'local' as const, artifact: identity.kind, file: identity.filename };
  const metadataPath = [...listing.kept.keys()].find((p) => (identity.kind === 'sdist' ? /^[^/]+\/PKG-INFO$/.test(p) : /\.dist-info\/METADATA$/.test(p)));
  if (!metadataPath) return fail({ ...fields, reason: 'FILE_IDENTITY_MISMATCH' }, `${identity.filename} holds no ${identity.kind === 'sdist' ? 'PKG-INFO' : 'METADATA'} to confirm what it is`);
  let name = '';
  let version = '';
  try {
    const metadata = parseCoreMetadata(listing.kept.get(metadataPath)!);
    name = values(metadata, 'Name')[0]?.trim() ?? '';
    version = values(metadata, 'Version')[0]?.trim() ?? '';
  } catch {
    // Not UTF-8: it names nothing, and the comparison below says so.
  }
  const top = metadataPath.split('/')[0]!;
  const expectedTop = identity.kind === 'sdist' ? identity.filename.replace(/\.tar\.gz$/, '') : `${identity.name}-${identity.version}.dist-info`;
  if (normalizeName(name) !== identity.normalizedName || version !== identity.version || top !== expectedTop) {
    return fail(
      { ...fields, reason: 'FILE_IDENTITY_MISMATCH', expected: `${identity.name} ${identity.version} (from the file name)`, actual: `${name} ${version} in ${metadataPath}` },
      `the file name says ${identity.name} ${identity.version}, but ${metadataPath} says ${name} ${version}`,
    );
  }
  return pass({ ...fields, actual: `${name} ${version}` }, `the file name and ${metadataPath} agree: ${name} ${version}`);
}

function localDigestCheck(identity: FileIdentity, signed: SignedChecksums | undefined, file: Parameters<typeof digestCheck>[3]): Check {
  const fields = { id: `local.${identity.kind}.digest`, channel: 'local' as const, artifact: identity.kind, url: file.url };
  if (!signed) return unverified({ ...fields, reason: 'NO_SIGNED_CHECKSUM', actual: file.sha256, remedy: AFTER_CHECKSUMS_REMEDY }, `${identity.filename} hashes to ${file.sha256}; there is no verified checksum file to compare it with`);
  const listed = signed.artifacts.find((a) => a.filename === identity.filename);
  if (!listed) {
    const lookalike = signed.artifacts.find((a) => a.filename.toLowerCase() === identity.filename.toLowerCase());
    return fail(
      { ...fields, reason: 'CHECKSUM_FILENAME', expected: signed.artifacts.map((a) => a.filename).join(', '), actual: identity.filename },
      `the signed checksum file does not list ${identity.filename}${lookalike ? ` (it lists ${lookalike.filename}; names are compared exactly)` : ''}`,
    );
  }
  return digestCheck(fields, identity.filename, listed.digests, file);
}

/**
 * The file's contents judged by the rules `verify` uses (rules/content/judge.ts): an sdist against
 * the tag, a wheel against the tag, every generated file against what the tag declares.
 */
async function deepCompare(ctx: RunContext, identity: FileIdentity, listing: ArchiveListing, git: GitEvidence | undefined, record: ReleaseRecord): Promise<void> {
  const fields = { id: identity.kind === 'sdist' ? 'content.sdist-vs-git' : 'content.wheel-vs-git', channel: 'content' as const, artifact: identity.kind, file: identity.filename };
  if (!git) return record.add(unverified({ ...fields, reason: 'NO_GIT_TREE', remedy: 'fix what the git checks report, and run again' }, 'the tag\'s tree is unavailable (see the git checks)'));
  try {
    const artifact = { filename: identity.filename, members: listing.members, kept: listing.kept };
    const input = {
      release: identity.version,
      project: ctx.profile.pypi.name,
      waivers: ctx.profile.waivers,
      tag: { name: git.tag, commit: git.commit, taggedAt: git.taggedAt, entries: git.entries, blobs: await git.declaringBlobs() },
      tagWanted: true,
      sdists: identity.kind === 'sdist' ? [{ channels: 'the local file', input: { ...artifact, topDirectory: sdistTopDirectory(ctx.profile, identity.version, identity.filename) } }] : [],
      wheels: identity.kind === 'wheel' ? [{ channels: 'the local file', input: artifact }] : [],
    };
    let judged = judgeContent(input);
    if (judged.missingBlobs.length > 0) {
      const more = await git.readBlobs(git.entries.filter((e) => judged.missingBlobs.includes(e.path)).map((e) => e.oid));
      judged = judgeContent({ ...input, tag: { ...input.tag, blobs: new Map([...input.tag.blobs, ...more]) } });
    }
    record.differences.push(...judged.differences);
    record.add(...judged.checks);
  } catch (error) {
    record.add(checkFromError(fields, error, 'the contents could not be compared with the tag'));
  }
}

/** The one sentence a person reads first. */
function sentence(ctx: RunContext, identity: FileIdentity, checks: Check[], signed: SignedChecksums | undefined, sha256: string): string {
  const { filename } = identity;
  const signer = signed?.signers.map((s) => `${s.name} (${s.fingerprint}) on ${s.created.toISOString().slice(0, 10)}`).join(' and ');
  const failed = checks.find((c) => c.status === 'fail');
  const byId = (id: string) => checks.find((c) => c.id === id);
  const identityCheck = byId('local.file.identity');
  if (identityCheck?.status === 'fail') return `${filename} is NOT what its name says: ${identityCheck.message}.`;
  if (failed?.id.startsWith('site.checksums')) return `${filename} could not be checked: the checksum file is not trustworthy (${failed.reason}: ${failed.message}).`;
  const digest = byId(`local.${identity.kind}.digest`);
  if (digest?.status === 'fail') {
    return digest.reason === 'CHECKSUM_FILENAME'
      ? `${filename} is NOT a file the ${ctx.profile.displayName} release manager signed: ${digest.message} (checksum file signed by ${signer}).`
      : `${filename} is NOT the file the ${ctx.profile.displayName} release manager signed: its SHA-256 is ${sha256}, but the checksum file signed by ${signer} says ${digest.expected?.replace(/^sha256:/, '')}.`;
  }
  if (failed) return `${filename} matches the signed checksum but fails ${failed.id}: ${failed.message}.`;
  if (digest?.status === 'pass') {
    const deep = checks.some((c) => c.id.startsWith('content.') && c.id.endsWith('-vs-git') && c.status === 'pass') ? ', and its contents match the signed git tag' : '';
    const incomplete = checks.some((c) => c.status === 'unverified') ? ' (some checks could not be made; see below)' : '';
    return `${filename} is the file the ${ctx.profile.displayName} release manager signed: its SHA-256 ${sha256} matches the checksum file signed by ${signer}${deep}${incomplete}.`;
  }
  const fetch = byId('site.checksums.fetch');
  if (fetch?.status === 'unverified' && fetch.reason === 'HTTP_NOT_FOUND') {
    return `${filename} names ${ctx.profile.displayName} ${identity.version}, which the project site does not publish: it has no checksum file for it (${fetch.url ?? 'its checksum URL'} answered 404). No release manager signed this file, unless the release is so new that its checksums are not out yet.`;
  }
  const why = checks.find((c) => c.status === 'unverified');
  return `${filename} could not be verified${why ? `: ${why.message}` : ''}.`;
}
