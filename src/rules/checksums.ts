import { IntegrityError } from '../model/errors.js';
import { artifactKindOf } from '../model/names.js';
import { type Check, fail, pass, warn } from '../model/check.js';
import type { ChecksumFile } from '../formats/checksum-file.js';
import { expectedArtifacts, type Profile } from '../profile/profile.js';
import type { ListedArtifact } from './evidence.js';
import type { Signer } from './signature.js';

// The rules of a checksum file whose signature verified: what it lists, and when it was signed.

/** What the signed text lists, against what the profile expects of the release. */
export function checksumFormatCheck(
  profile: Profile,
  version: string,
  file: ChecksumFile,
  artifacts: readonly ListedArtifact[],
  url: string,
): Check {
  const fields = { id: 'site.checksums.format', channel: 'site' as const, url };
  const listed = artifacts.map((a) => a.filename).join(', ');
  const surprises = expectedArtifacts(profile, version).filter(
    (e) => !artifacts.some((a) => a.kind === e.kind && a.filename === e.filename),
  );
  if (!file.algorithms.includes('sha256')) {
    return warn(
      { ...fields, reason: 'CHECKSUM_WEAK_ONLY' },
      `lists ${listed} with ${file.algorithms.join(' and ').toUpperCase()} only; no SHA-256 is signed, so digests are weak evidence`,
    );
  }
  if (surprises.length > 0) {
    return warn(
      { ...fields, reason: 'PROFILE_MISMATCH', expected: surprises.map((s) => s.filename).join(', '), actual: listed },
      `the signed file lists ${listed}; the ${profile.displayName} profile expected ${surprises.map((s) => s.filename).join(', ')}`,
    );
  }
  return pass(
    fields,
    `the signed text is for ${file.project} ${file.version}, released ${file.releaseDate}, and lists ${listed} with ${file.algorithms.map((a) => a.toUpperCase()).join(', ')}`,
  );
}

const DAY = 86_400_000;
/** A checksum file is signed on release day; months later is odd, and before it is impossible. */
const LATE_SIGNATURE_DAYS = 30;

/**
 * The signature's own date against the release date the signed text states (threat catalog
 * P-08): a stolen key that has expired (or was revoked for being superseded) can still make
 * signatures dated back to when it was valid — but not dated after the release they vouch for.
 */
export function signatureTimeCheck(releaseDate: string, signers: Signer[], url: string) {
  const fields = { id: 'site.checksums.signature-time', channel: 'site' as const, url };
  const released = Date.parse(`${releaseDate} 00:00:00 UTC`);
  if (Number.isNaN(released))
    return warn(
      { ...fields, reason: 'PGP_SIG_TIME_IMPLAUSIBLE' },
      `the release date "${releaseDate}" could not be read, so the signature time was not checked`,
    );
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
        {
          ...fields,
          reason: 'PGP_SIG_TIME_IMPLAUSIBLE',
          expected: `within ${LATE_SIGNATURE_DAYS} days of ${releaseDate}`,
          actual: when,
        },
        `the signature by ${signer.name} is dated ${when}, ${Math.round((signed - released) / DAY)} days after the release date (${releaseDate})`,
      );
    }
  }
  return pass(
    { ...fields, actual: signers.map((s) => s.created.toISOString()).join(', ') },
    `signed ${signers.map((s) => s.created.toISOString().slice(0, 10)).join(', ')}, on the release date the text states (${releaseDate})`,
  );
}

/** Every file the signed text lists must be this release's sdist or wheel (P-12). */
export function listedArtifacts(profile: Profile, version: string, file: ChecksumFile): ListedArtifact[] {
  const artifacts: ListedArtifact[] = [];
  for (const [filename, digests] of file.digests) {
    const kind = artifactKindOf(filename, profile.pypi.name, version);
    if (!kind) {
      throw new IntegrityError(
        'CHECKSUM_FILENAME',
        `the signed checksum file lists ${filename}, which is not a ${profile.displayName} ${version} sdist or wheel`,
        { file: filename },
      );
    }
    if (artifacts.some((a) => a.kind === kind)) {
      throw new IntegrityError(
        'CHECKSUM_DUPLICATE',
        `the signed checksum file lists two ${kind}s (${artifacts.find((a) => a.kind === kind)!.filename}, ${filename})`,
        { file: filename },
      );
    }
    artifacts.push({ kind, filename, digests });
  }
  return artifacts;
}
