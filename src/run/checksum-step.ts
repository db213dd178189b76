import { fetchChecksumFile } from '../sources/site.js';
import { LimitError, UnavailableError } from '../model/errors.js';
import { readUserFile } from '../io/local-files.js';
import { type ChecksumFile, parseChecksumFile } from '../formats/checksum-file.js';
import { checksumFormatCheck, listedArtifacts, signatureTimeCheck } from '../rules/checksums.js';
import type { ListedArtifact, SignedChecksums } from '../rules/evidence.js';
import { verifyClearsigned } from '../rules/signed-documents.js';
import { accepted, signatureCheck } from '../rules/signature.js';
import { checkFromError, pass } from '../model/check.js';
import { type RunContext, signerTrust } from './context.js';
import { type ReleaseRecord, summarizeSigners } from './release-record.js';

/** Where a checksum file came from, and its bytes (a download from the site, or a local file). */
export interface ChecksumDocument {
  bytes: Buffer;
  url: string;
  description: string;
}
export type ChecksumSource = () => Promise<ChecksumDocument>;

function siteSource(ctx: RunContext, version: string): ChecksumSource {
  return async () => {
    const fetched = await fetchChecksumFile(ctx, version);
    const served = fetched.finalUrl !== fetched.url ? ` (served from ${fetched.finalUrl})` : '';
    const cached = fetched.fromCache
      ? ` (offline: the copy an earlier run fetched ${fetched.fetchedAt})`
      : ` at ${fetched.fetchedAt}`;
    return { bytes: fetched.bytes, url: fetched.url, description: `fetched ${fetched.url}${served}${cached}` };
  };
}

export function localChecksumSource(path: string): ChecksumSource {
  return async () => {
    const tooLarge = (size: number) =>
      new LimitError('LIMIT_EXCEEDED', `${path} is ${size} bytes; a checksum file is a few kilobytes`, { file: path });
    let bytes: Buffer;
    try {
      bytes = readUserFile(path, 1024 * 1024, tooLarge);
    } catch (error) {
      if (error instanceof LimitError) throw error;
      throw new UnavailableError(
        'FILE_UNREADABLE',
        `cannot read the checksum file ${path}: ${(error as Error).message}`,
        { file: path },
      );
    }
    return { bytes, url: path, description: `read ${path} (given with --checksums)` };
  };
}

const FETCH = { id: 'site.checksums.fetch', channel: 'site' } as const;
const SIGNATURE = { id: 'site.checksums.signature', channel: 'site' } as const;

/**
 * Fetches the checksum file, verifies its signature against the pinned keys, and parses only
 * the signed text. Each stage is its own check; a later stage never runs on what an earlier
 * one rejected.
 */
export async function checksumStep(
  ctx: RunContext,
  version: string,
  record: ReleaseRecord,
  source: ChecksumSource = siteSource(ctx, version),
): Promise<SignedChecksums | undefined> {
  ctx.progress?.step(version, 'site', 'checksum file');
  let fetched: ChecksumDocument;
  try {
    fetched = await source();
  } catch (error) {
    record.add(checkFromError(FETCH, error, 'the checksum file could not be obtained'));
    return undefined;
  }
  const where = { url: fetched.url };
  record.add(pass({ ...FETCH, ...where }, fetched.description));

  let verified: Awaited<ReturnType<typeof verifyClearsigned>>;
  try {
    verified = await verifyClearsigned(fetched.bytes, signerTrust(ctx, version), {
      what: `the checksum file ${fetched.url}`,
      maxBytes: ctx.limits.checksumFileBytes,
    });
  } catch (error) {
    record.add(checkFromError({ ...SIGNATURE, ...where }, error));
    return undefined;
  }
  record.add(signatureCheck({ ...SIGNATURE, ...where }, verified.verdict));
  // Only what a pinned key signed counts: a signature that could not be accepted leaves no reference.
  if (!accepted(verified.verdict)) return undefined;
  const signers = verified.verdict.signers;
  record.checksumSigners = summarizeSigners(signers);

  let file: ChecksumFile;
  let artifacts: ListedArtifact[];
  try {
    file = parseChecksumFile(verified.signedText, { project: ctx.profile.displayName, version });
    artifacts = listedArtifacts(ctx.profile, version, file);
  } catch (error) {
    record.add(checkFromError({ id: 'site.checksums.format', channel: 'site', ...where }, error));
    return undefined;
  }
  record.add(checksumFormatCheck(ctx.profile, version, file, artifacts, fetched.url));
  record.add(signatureTimeCheck(file.releaseDate, signers, fetched.url));
  return { file, signers, url: fetched.url, artifacts, strong: file.algorithms.includes('sha256') };
}
