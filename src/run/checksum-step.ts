import { fetchChecksumFile } from '../sources/site.js';
import { IntegrityError, LimitError, UnavailableError } from '../model/errors.js';
import { readUserFile } from '../io/local-files.js';
import { expectedArtifacts } from '../profile/profile.js';
import { type ChecksumFile, type DigestAlgorithm, parseChecksumFile } from '../formats/checksum-file.js';
import { verifyClearsigned } from '../rules/openpgp/clearsign.js';
import { accepted, type Signer, signatureCheck } from '../rules/signature.js';
import { type ArtifactKind, checkFromError, fail, pass, warn } from '../model/check.js';
import { type RunContext, signerTrust } from './context.js';
import { type ReleaseRecord, summarizeSigners } from './release-record.js';

export interface ListedArtifact {
  kind: ArtifactKind;
  filename: string;
  digests: Partial<Record<DigestAlgorithm, string>>;
}

/** The checksum file after its signature verified: the only source of expected digests. */
export interface SignedChecksums {
  file: ChecksumFile;
  signers: Signer[];
  url: string;
  artifacts: ListedArtifact[];
  /** True when the file offers SHA-256; false when only MD5/SHA-1 are signed. */
  strong: boolean;
}

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
    const cached = fetched.fromCache ? ` (offline: the copy an earlier run fetched ${fetched.fetchedAt})` : ` at ${fetched.fetchedAt}`;
    return { bytes: fetched.bytes, url: fetched.url, description: `fetched ${fetched.url}${served}${cached}` };
  };
}

export function localChecksumSource(path: string): ChecksumSource {
  return async () => {
    const tooLarge = (size: number) => new LimitError('LIMIT_EXCEEDED', `${path} is ${size} bytes; a checksum file is a few kilobytes`, { file: path });
    let bytes: Buffer;
    try {
      bytes = readUserFile(path, 1024 * 1024, tooLarge);
    } catch (error) {
      if (error instanceof LimitError) throw error;
      throw new UnavailableError('FILE_UNREADABLE', `cannot read the checksum file ${path}: ${(error as Error).message}`, { file: path });
    }
    return { bytes, url: path, description: `read ${path} (given with --checksums)` };
  };
}

const FETCH = { id: 'site.checksums.fetch', channel: 'site' } as const;
const SIGNATURE = { id: 'site.checksums.signature', channel: 'site' } as const;
const FORMAT = { id: 'site.checksums.format', channel: 'site' } as const;

/**
 * Fetches the checksum file, verifies its signature against the pinned keys, and parses only
 * the signed text. Each stage is its own check; a later stage never runs on what an earlier
 * one rejected.
 */
export async function checksumStep(ctx: RunContext, version: string, record: ReleaseRecord, source: ChecksumSource = siteSource(ctx, version)): Promise<SignedChecksums | undefined> {
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
    verified = await verifyClearsigned(fetched.bytes, signerTrust(ctx, version), { what: `the checksum file ${fetched.url}`, maxBytes: ctx.limits.checksumFileBytes });
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
    artifacts = classifyListedFiles(ctx, version, file);
  } catch (error) {
    record.add(checkFromError({ ...FORMAT, ...where }, error));
    return undefined;
  }
  const strong = file.algorithms.includes('sha256');
  const listed = artifacts.map((a) => a.filename).join(', ');
  const expected = expectedArtifacts(ctx.profile, version);
  const surprises = expected.filter((e) => !artifacts.some((a) => a.kind === e.kind && a.filename === e.filename));
  if (!strong) {
    record.add(warn({ ...FORMAT, ...where, reason: 'CHECKSUM_WEAK_ONLY' }, `lists ${listed} with ${file.algorithms.join(' and ').toUpperCase()} only; no SHA-256 is signed, so digests are weak evidence`));
  } else if (surprises.length > 0) {
    record.add(
      warn(
        { ...FORMAT, ...where, reason: 'PROFILE_MISMATCH', expected: surprises.map((s) => s.filename).join(', '), actual: listed },
        `the signed file lists ${listed}; the ${ctx.profile.displayName} profile expected ${surprises.map((s) => s.filename).join(', ')}`,
      ),
    );
  } else {
    record.add(pass({ ...FORMAT, ...where }, `the signed text is for ${file.project} ${file.version}, released ${file.releaseDate}, and lists ${listed} with ${file.algorithms.map((a) => a.toUpperCase()).join(', ')}`));
  }
  record.add(signatureTimeCheck(file.releaseDate, signers, fetched.url));
  return { file, signers, url: fetched.url, artifacts, strong };
}

const DAY = 86_400_000;
/** A checksum file is signed on release day; months later is odd, and before it is impossible. */
const LATE_SIGNATURE_DAYS = 30;

/**
 * The signature's own date against the release date the signed text states (threat catalog
 * P-08): a stolen key that has expired (or was revoked for being superseded) can still make
 * signatures dated back to when it was valid — but not dated after the release they vouch for.
 */
function signatureTimeCheck(releaseDate: string, signers: Signer[], url: string) {
  const fields = { id: 'site.checksums.signature-time', channel: 'site' as const, url };
  const released = Date.parse(`${releaseDate} 00:00:00 UTC`);
  if (Number.isNaN(released)) return warn({ ...fields, reason: 'PGP_SIG_TIME_IMPLAUSIBLE' }, `the release date "${releaseDate}" could not be read, so the signature time was not checked`);
  for (const signer of signers) {
    const signed = signer.created.getTime();
    const when = signer.created.toISOString();
    if (signed < released - DAY) {
      return fail(
        { ...fields, reason: 'PGP_SIG_TIME_IMPLAUSIBLE', expected: `on or after ${releaseDate}`, actual: when },
        `the signature by ${signer.name} is dated ${when}, before the release date it vouches for (${releaseDate}): a back-dated signature`,
      );
    }
    if (signed > released + LATE_SIGNATURE_DAYS * DAY) {
      return warn(
        { ...fields, reason: 'PGP_SIG_TIME_IMPLAUSIBLE', expected: `within ${LATE_SIGNATURE_DAYS} days of ${releaseDate}`, actual: when },
        `the signature by ${signer.name} is dated ${when}, ${Math.round((signed - released) / DAY)} days after the release date (${releaseDate})`,
      );
    }
  }
  return pass({ ...fields, actual: signers.map((s) => s.created.toISOString()).join(', ') }, `signed ${signers.map((s) => s.created.toISOString().slice(0, 10)).join(', ')}, on the release date the text states (${releaseDate})`);
}

/** Every file the signed text lists must be this release's sdist or wheel (P-12). */
function classifyListedFiles(ctx: RunContext, version: string, file: ChecksumFile): ListedArtifact[] {
  const project = ctx.profile.pypi.name.toLowerCase().replace(/[-_.]+/g, '_');
  const artifacts: ListedArtifact[] = [];
  for (const [filename, digests] of file.digests) {
    const kind = artifactKindOf(filename, project, version);
    if (!kind) {
      throw new IntegrityError('CHECKSUM_FILENAME', `the signed checksum file lists ${filename}, which is not a ${ctx.profile.displayName} ${version} sdist or wheel`, { file: filename });
    }
    if (artifacts.some((a) => a.kind === kind)) {
      throw new IntegrityError('CHECKSUM_DUPLICATE', `the signed checksum file lists two ${kind}s (${artifacts.find((a) => a.kind === kind)!.filename}, ${filename})`, { file: filename });
    }
    artifacts.push({ kind, filename, digests });
  }
  return artifacts;
}

export function artifactKindOf(filename: string, normalizedProject: string, version: string): ArtifactKind | undefined {
  const escaped = version.replace(/[.+]/g, (c) => `\\${c}`);
  const match = /^([A-Za-z0-9_.-]+?)-(.+?)(\.tar\.gz|-[A-Za-z0-9_.]+-[A-Za-z0-9_.]+-[A-Za-z0-9_.]+\.whl)$/.exec(filename);
  if (!match || !new RegExp(`^${escaped}$`).test(match[2]!)) return undefined;
  if (match[1]!.toLowerCase().replace(/[-_.]+/g, '_') !== normalizedProject) return undefined;
  return match[3] === '.tar.gz' ? 'sdist' : 'wheel';
}

