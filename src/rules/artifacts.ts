import { quote } from '../model/errors.js';
import {
  AFTER_CHECKSUMS_REMEDY,
  type ArtifactKind,
  type Channel,
  type Check,
  fail,
  pass,
  unverified,
  warn,
} from '../model/check.js';
import type { DigestAlgorithm } from '../formats/checksum-file.js';
import type { PypiFile, PypiRelease } from '../formats/pypi-json.js';
import type { HashedFile, SignedChecksums, SignedDigests } from './evidence.js';
import type { ArchiveListing } from '../formats/archive/member.js';
import { parseCoreMetadata, values } from '../formats/core-metadata.js';
import { type ArtifactName, normalizeProjectName } from '../model/names.js';

// The rules of a downloaded artifact: its bytes against the signed digests, and what PyPI declares of it.

/**
 * The digest a download is held to: the strongest one signed, as ssri does with integrity
 * strings. SHA-256 is the evidence; when a file's checksum file signs only MD5 and SHA-1 (early
 * releases), SHA-1 is compared and the check can at best `warn`.
 */
export function strongestSigned(
  signed: SignedDigests | undefined,
): { algorithm: DigestAlgorithm; digest: string } | undefined {
  for (const algorithm of ['sha256', 'sha1', 'md5'] as const) {
    const digest = signed?.[algorithm];
    if (digest !== undefined) return { algorithm, digest };
  }
  return undefined;
}

/** The weak algorithms a download must also be hashed with, so that it can be held to `signed`. */
export function weakAlgorithmsFor(signed: SignedDigests | undefined): Exclude<DigestAlgorithm, 'sha256'>[] {
  const strongest = strongestSigned(signed)?.algorithm;
  return strongest === 'sha1' || strongest === 'md5' ? [strongest] : [];
}

const ALGORITHM_NAMES: Record<DigestAlgorithm, string> = { sha256: 'SHA-256', sha1: 'SHA-1', md5: 'MD5' };

/** Compares a download with the strongest signed digest; a file whose checksums are all weak can at best `warn`. */
export function digestCheck(
  fields: { id: string; channel: Channel; artifact: string; url: string },
  filename: string,
  signed: SignedDigests | undefined,
  file: HashedFile,
): Check {
  const strongest = strongestSigned(signed);
  if (!strongest)
    return unverified(
      { ...fields, reason: 'NO_SIGNED_CHECKSUM', actual: file.sha256, remedy: AFTER_CHECKSUMS_REMEDY },
      `${filename} hashes to ${file.sha256}, but there is no verified checksum file to compare it with`,
    );
  const { algorithm, digest: expected } = strongest;
  const name = ALGORITHM_NAMES[algorithm];
  const actual = file[algorithm];
  if (actual === undefined) throw new Error(`${filename} was not hashed with ${name}`);
  if (actual !== expected) {
    return fail(
      { ...fields, reason: 'DIGEST_MISMATCH', expected: `${algorithm}:${expected}`, actual: `${algorithm}:${actual}` },
      `${filename} from ${file.finalUrl} has ${name} ${actual}, but the signed checksum file says ${expected}`,
    );
  }
  const source = `${file.finalUrl}${file.fromCache ? ` (offline: the copy fetched ${file.fetchedAt}, hashed again now)` : ` (fetched ${file.fetchedAt})`}`;
  if (algorithm !== 'sha256') {
    return warn(
      { ...fields, reason: 'CHECKSUM_WEAK_ONLY', expected },
      `${filename} matches the signed ${name}, the strongest digest signed for it; ${source}`,
    );
  }
  return pass(
    { ...fields, expected, actual },
    `${filename} (${file.size} bytes) matches the signed SHA-256 ${actual}; ${source}`,
  );
}

/** The SHA-256 PyPI declares for a file, against the signed one (when one is signed). */
export function declaredDigestCheck(
  fields: { id: string; channel: 'pypi'; artifact: ArtifactKind; url: string },
  filename: string,
  signed: SignedDigests | undefined,
  declared: PypiFile,
): Check[] {
  if (!signed?.sha256) return [];
  if (signed.sha256 === declared.sha256)
    return [
      pass(
        { ...fields, expected: signed.sha256, actual: declared.sha256 },
        `PyPI declares the signed SHA-256 for ${filename}`,
      ),
    ];
  return [
    fail(
      { ...fields, reason: 'DIGEST_MISMATCH', expected: signed.sha256, actual: declared.sha256 },
      `PyPI declares SHA-256 ${declared.sha256} for ${filename}; the signed checksum file says ${signed.sha256}`,
    ),
  ];
}

/** PyPI's bytes must equal what PyPI declares and, above all, what was signed (J-01). */
export function pypiDigestCheck(
  fields: { id: string; channel: 'pypi'; artifact: ArtifactKind; url: string },
  filename: string,
  signed: SignedDigests | undefined,
  declared: PypiFile,
  fetched: HashedFile,
): Check {
  if (fetched.sha256 !== declared.sha256 || fetched.size !== declared.size) {
    return fail(
      {
        ...fields,
        reason: 'PYPI_DECLARATION_MISMATCH',
        expected: `${declared.sha256} (${declared.size} bytes)`,
        actual: `${fetched.sha256} (${fetched.size} bytes)`,
      },
      `PyPI serves ${filename} with SHA-256 ${fetched.sha256} (${fetched.size} bytes) but declares ${declared.sha256} (${declared.size} bytes)`,
    );
  }
  if (!signed) {
    return warn(
      { ...fields, reason: 'PYPI_SELF_CONSISTENT', actual: fetched.sha256 },
      `${filename} matches only PyPI's own declaration (${fetched.sha256}); no signed checksum covers it`,
    );
  }
  return digestCheck(fields, filename, signed, fetched);
}

/** Every file PyPI offers for the release must be one the release manager signed (J-02). */
export function pypiFilesCheck(release: PypiRelease, signed: SignedChecksums): Check {
  const fields = { id: 'pypi.release.files', channel: 'pypi' as const, url: release.url };
  const signedNames = new Set(signed.artifacts.map((a) => a.filename));
  const unlisted = release.files.filter((f) => !signedNames.has(f.filename));
  if (unlisted.length > 0) {
    return fail(
      {
        ...fields,
        reason: 'PYPI_UNLISTED_FILE',
        expected: [...signedNames].join(', '),
        actual: release.files.map((f) => f.filename).join(', '),
      },
      `PyPI offers ${unlisted.map((f) => f.filename).join(', ')}, which the signed checksum file does not list; pip could install it`,
    );
  }
  const times = release.files.map((f) => Date.parse(f.uploadTime)).filter((t) => !Number.isNaN(t));
  const earliest = Math.min(...times);
  const late = release.files.filter((f) => Date.parse(f.uploadTime) - earliest > LATE_UPLOAD_HOURS * 3600_000);
  if (late.length > 0) {
    return warn(
      { ...fields, reason: 'PYPI_LATE_UPLOAD' },
      `${late.map((f) => `${f.filename} (${quote(f.uploadTime)})`).join(', ')} was uploaded more than ${LATE_UPLOAD_HOURS} hours after the release's first file`,
    );
  }
  return pass(
    fields,
    `every file PyPI offers is listed in the signed checksum file (${release.files.map((f) => f.filename).join(', ')})`,
  );
}

const LATE_UPLOAD_HOURS = 48;

/** A file the user gave, against the digest signed for its name. */
export function localDigestCheck(
  identity: ArtifactName,
  signed: SignedChecksums | undefined,
  file: HashedFile & { url: string },
): Check {
  const fields = {
    id: `local.${identity.kind}.digest`,
    channel: 'local' as const,
    artifact: identity.kind,
    url: file.url,
  };
  if (!signed)
    return unverified(
      { ...fields, reason: 'NO_SIGNED_CHECKSUM', actual: file.sha256, remedy: AFTER_CHECKSUMS_REMEDY },
      `${identity.filename} hashes to ${file.sha256}; there is no verified checksum file to compare it with`,
    );
  const listed = signed.artifacts.find((a) => a.filename === identity.filename);
  if (!listed) {
    const lookalike = signed.artifacts.find((a) => a.filename.toLowerCase() === identity.filename.toLowerCase());
    return fail(
      {
        ...fields,
        reason: 'CHECKSUM_FILENAME',
        expected: signed.artifacts.map((a) => a.filename).join(', '),
        actual: identity.filename,
      },
      `the signed checksum file does not list ${identity.filename}${lookalike ? ` (it lists ${lookalike.filename}; names are compared exactly)` : ''}`,
    );
  }
  return digestCheck(fields, identity.filename, listed.digests, file);
}

/** The name and version in the file name must be the ones its own metadata states. */
export function fileIdentityCheck(identity: ArtifactName, listing: ArchiveListing): Check {
  const fields = {
    id: 'local.file.identity',
    channel: 'local' as const,
    artifact: identity.kind,
    file: identity.filename,
  };
  const metadataPath = [...listing.kept.keys()].find((p) =>
    identity.kind === 'sdist' ? /^[^/]+\/PKG-INFO$/.test(p) : /\.dist-info\/METADATA$/.test(p),
  );
  if (!metadataPath)
    return fail(
      { ...fields, reason: 'FILE_IDENTITY_MISMATCH' },
      `${identity.filename} holds no ${identity.kind === 'sdist' ? 'PKG-INFO' : 'METADATA'} to confirm what it is`,
    );
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
  const expectedTop =
    identity.kind === 'sdist'
      ? identity.filename.replace(/\.tar\.gz$/, '')
      : `${identity.name}-${identity.version}.dist-info`;
  if (normalizeProjectName(name) !== identity.normalizedName || version !== identity.version || top !== expectedTop) {
    return fail(
      {
        ...fields,
        reason: 'FILE_IDENTITY_MISMATCH',
        expected: `${identity.name} ${identity.version} (from the file name)`,
        actual: `${name} ${version} in ${metadataPath}`,
      },
      `the file name says ${identity.name} ${identity.version}, but ${metadataPath} says ${name} ${version}`,
    );
  }
  return pass(
    { ...fields, actual: `${name} ${version}` },
    `the file name and ${metadataPath} agree: ${name} ${version}`,
  );
}
