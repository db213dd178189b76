/**
 * Every reason a check can give for not passing, and only these: the one vocabulary of reports,
 * errors and documentation (docs/reasons.md lists exactly these; a test holds the two together).
 * `outcomes` are the statuses a check with this reason can end in; `meaning` is the sentence a
 * reader of a published statement needs, which the Markdown report gives for every warning.
 */
export const REASONS = {
  // OpenPGP
  PGP_TEXT_OUTSIDE_ARMOR: {
    outcomes: ['fail'],
    meaning: 'text outside the signed block of a clearsigned file, which a reader could take for signed',
  },
  PGP_MULTIPLE_BLOCKS: { outcomes: ['fail'], meaning: 'more than one signed block in one file' },
  PGP_ARMOR_HEADER: { outcomes: ['fail'], meaning: 'an armor header other than the Hash header of a clearsigned file' },
  PGP_PARSE: { outcomes: ['fail'], meaning: 'the signature or the signed message is not well-formed OpenPGP' },
  PGP_UNSUPPORTED_FORMAT: {
    outcomes: ['fail'],
    meaning:
      'an OpenPGP form crosscheck does not accept for a release (an inline-signed message, a signature of the wrong kind)',
  },
  PGP_NO_SIGNATURE: { outcomes: ['fail'], meaning: 'no signature where one is required' },
  PGP_UNPINNED_SIGNER: { outcomes: ['fail'], meaning: 'signed by a key that is not pinned for the project' },
  PGP_SIGNER_NOT_AUTHORISED: {
    outcomes: ['fail'],
    meaning: 'signed by a pinned key that the profile does not allow to sign this release line',
  },
  PGP_BAD_SIGNATURE: {
    outcomes: ['fail'],
    meaning: 'the signature does not match the signed bytes: they were changed after signing',
  },
  PGP_SIGNATURE_TYPE: { outcomes: ['fail'], meaning: 'a signature of a type that does not sign this kind of document' },
  PGP_CRITICAL_UNKNOWN: {
    outcomes: ['unverified'],
    meaning: 'the signature carries a critical part crosscheck does not understand, so it cannot be judged',
  },
  PGP_WEAK_HASH: {
    outcomes: ['unverified'],
    meaning:
      'signed with a hash algorithm (SHA-1, MD5) whose signatures can be forged since 2020: no evidence either way',
  },
  PGP_SHA1_HISTORICAL: {
    outcomes: ['warn'],
    meaning:
      'signed with SHA-1 before 2020, when forging a SHA-1 signature was not yet practical; accepted, as GnuPG accepts it',
  },
  PGP_WEAK_KEY: {
    outcomes: ['unverified'],
    meaning: 'signed by a key too weak to be evidence (DSA, RSA under 2048 bits)',
  },
  PGP_KEY_USAGE: { outcomes: ['unverified'], meaning: 'signed by a key whose self-signature does not allow signing' },
  PGP_KEY_REVOKED: {
    outcomes: ['fail'],
    meaning: 'signed after its key was revoked, or by a key revoked as compromised',
  },
  PGP_KEY_COPY_STALE: {
    outcomes: ['unverified'],
    meaning:
      'signed after the pinned copy of the key expired; the owner may have extended it since: the pinned copy needs refreshing',
  },
  PGP_KEY_NOT_HELD: {
    outcomes: ['unverified'],
    meaning: 'signed by a past release manager whose key the profile names but crosscheck does not hold',
  },
  PGP_SIG_TIME_IMPLAUSIBLE: {
    outcomes: ['warn', 'unverified'],
    meaning: 'the signature is dated before its key existed, in the future, or far from the release date it signs',
  },
  // checksum file
  CHECKSUM_GRAMMAR: {
    outcomes: ['fail'],
    meaning: 'the signed checksum text is not in any format the project has used',
  },
  CHECKSUM_VERSION_MISMATCH: { outcomes: ['fail'], meaning: 'the signed checksum file is for another release' },
  CHECKSUM_DUPLICATE: { outcomes: ['fail'], meaning: 'the signed checksum file lists one file twice' },
  CHECKSUM_FILENAME: { outcomes: ['fail'], meaning: 'the file name is not one the signed checksum file lists' },
  CHECKSUM_WEAK_ONLY: {
    outcomes: ['warn'],
    meaning:
      'the checksum file signs only MD5 and SHA-1 digests (as early releases did), so the digest match is weaker evidence',
  },
  PROFILE_MISMATCH: {
    outcomes: ['warn'],
    meaning: 'the signed checksum file names different files or URLs than the profile expects for this release',
  },
  NO_CHECKSUM_FILES: { outcomes: ['unverified'], meaning: 'the project publishes no signed checksum files' },
  NO_SIGNED_CHECKSUM: {
    outcomes: ['unverified'],
    meaning: "no verified checksum file to compare with: it waits on the checksum file's own checks",
  },
  // digests and files
  DIGEST_MISMATCH: { outcomes: ['fail'], meaning: "the file's digest differs from the signed one" },
  FILE_IDENTITY_MISMATCH: {
    outcomes: ['fail'],
    meaning: "the file's name and its own metadata name different releases",
  },
  FILE_UNREADABLE: { outcomes: ['unverified'], meaning: 'a local file could not be read' },
  NO_URL: { outcomes: ['unverified'], meaning: 'no URL is known for the file on this channel' },
  // PyPI
  PYPI_JSON_INVALID: { outcomes: ['fail'], meaning: "PyPI's JSON answer is malformed or hostile" },
  VERSION_MISMATCH: { outcomes: ['fail'], meaning: "PyPI's answer describes another version than the one asked for" },
  PYPI_DECLARATION_MISMATCH: {
    outcomes: ['fail'],
    meaning: 'PyPI declares a digest or size for the file that differs from the signed one',
  },
  PYPI_UNLISTED_FILE: {
    outcomes: ['fail'],
    meaning: 'PyPI offers a file for the release that the signed checksum file does not list',
  },
  PYPI_FILE_MISSING: { outcomes: ['unverified'], meaning: 'PyPI does not offer a file the signed checksum file lists' },
  PYPI_UNAVAILABLE: { outcomes: ['unverified'], meaning: "PyPI's answer for the release could not be had" },
  PYPI_SELF_CONSISTENT: {
    outcomes: ['warn'],
    meaning: "the file matches only PyPI's own declaration: no signed checksum covers it",
  },
  PYPI_YANKED: {
    outcomes: ['warn'],
    meaning: 'PyPI marks the file yanked: it is not installed unless asked for by its exact version',
  },
  PYPI_LATE_UPLOAD: {
    outcomes: ['warn'],
    meaning:
      'the file reached PyPI long after the release: a late upload is how a file is added to a published release',
  },
  PYPI_METADATA_MISMATCH: {
    outcomes: ['fail'],
    meaning:
      "the requirements PyPI's JSON declares for the release (which resolvers read without opening a file) differ from those in the release's checked metadata",
  },
  PYPI_METADATA_UNCHECKED: {
    outcomes: ['unverified'],
    meaning: "no file's metadata could be read to compare the requirements PyPI's JSON declares with",
  },
  PYPI_NOT_LISTED: {
    outcomes: ['warn'],
    meaning: "PyPI's list of releases does not include this release, which another channel lists",
  },
  // git
  TAG_NOT_FOUND: { outcomes: ['unverified'], meaning: "the git host has no tag of the release's name" },
  TAG_FETCH: { outcomes: ['unverified'], meaning: 'the tag could not be fetched' },
  TAG_NOT_ANNOTATED: { outcomes: ['fail'], meaning: 'the tag is a lightweight tag, which cannot be signed' },
  TAG_TARGET_TYPE: { outcomes: ['fail'], meaning: 'the tag points at something other than a commit' },
  TAG_GRAMMAR: { outcomes: ['fail'], meaning: 'the tag object is not well-formed' },
  TAG_SIGNATURE_FRAMING: {
    outcomes: ['fail'],
    meaning: "the tag's signature block is framed as git does not frame one",
  },
  TAG_SIG_FORMAT: { outcomes: ['fail'], meaning: 'the tag is signed in a format other than OpenPGP' },
  TAG_UNSIGNED: {
    outcomes: ['warn', 'fail'],
    meaning:
      'the tag carries no signature; only the tag object the profile pins for a genuinely unsigned release is accepted',
  },
  TAG_REWRITTEN: {
    outcomes: ['fail'],
    meaning: 'a different tag object stands under the name of a release whose unsigned tag the profile pins',
  },
  TAG_NAME_MISMATCH: {
    outcomes: ['fail'],
    meaning: 'the tag object names another tag: a tag replayed under another name',
  },
  TAG_COMMIT_MISMATCH: {
    outcomes: ['fail'],
    meaning: 'the tag points at another commit than the signed checksum file names',
  },
  GIT_ERROR: { outcomes: ['unverified'], meaning: 'git could not fetch from the repository' },
  GIT_TIMEOUT: { outcomes: ['unverified'], meaning: 'git did not finish within its deadline' },
  GIT_BUSY: { outcomes: ['unverified'], meaning: 'another git process kept the mirror busy' },
  GIT_OBJECT: { outcomes: ['fail'], meaning: 'a git object is not what its id says' },
  GIT_OBJECT_MISSING: { outcomes: ['unverified'], meaning: 'a git object the comparison needs is not in the mirror' },
  // sdist (tar.gz)
  GZIP_FRAMING: { outcomes: ['fail'], meaning: 'the gzip stream is malformed' },
  GZIP_MULTIMEMBER: {
    outcomes: ['fail'],
    meaning: 'more than one gzip member: readers disagree on what such a file holds',
  },
  ARCHIVE_TRUNCATED: { outcomes: ['fail'], meaning: 'the archive ends early' },
  TAR_HEADER_INVALID: { outcomes: ['fail'], meaning: 'a tar header is malformed' },
  TAR_DATA_AFTER_EOA: {
    outcomes: ['fail'],
    meaning: 'data after the tar end-of-archive marker, which some readers read',
  },
  TAR_PAX_GLOBAL: { outcomes: ['fail'], meaning: 'a pax global header, which readers apply differently' },
  TAR_PAX_KEY: { outcomes: ['fail'], meaning: 'a pax record crosscheck does not accept' },
  TAR_PAX_RECORD: { outcomes: ['fail'], meaning: 'a malformed pax record' },
  TAR_PAX_NUMERIC: { outcomes: ['fail'], meaning: 'a pax number that is not a plain decimal' },
  TAR_PAX_SIZE: { outcomes: ['fail'], meaning: 'a pax size that contradicts the header' },
  TAR_NAME_CONFLICT: {
    outcomes: ['fail'],
    meaning: 'a tar member named in two ways that readers would resolve differently',
  },
  // wheel (zip)
  ZIP_FRAMING: { outcomes: ['fail'], meaning: 'the zip structure is malformed' },
  ZIP_CD_ACCOUNTING: { outcomes: ['fail'], meaning: 'the zip central directory does not account for the file' },
  ZIP_LFH_CD_MISMATCH: { outcomes: ['fail'], meaning: "a zip member's local header contradicts the central directory" },
  ZIP_OVERLAP: { outcomes: ['fail'], meaning: 'zip members overlap: two readers could read different bytes' },
  ZIP_NAME_AMBIGUOUS: { outcomes: ['fail'], meaning: 'a zip member name readers would decode differently' },
  ZIP_PATH_INVALID: { outcomes: ['fail'], meaning: 'a zip member path that escapes or is not a plain relative path' },
  ZIP_METHOD: { outcomes: ['fail'], meaning: 'a zip compression method a wheel does not use' },
  ZIP_ENCRYPTED: { outcomes: ['fail'], meaning: 'an encrypted zip member' },
  ZIP_CRC: { outcomes: ['fail'], meaning: "a zip member's CRC-32 does not match its bytes" },
  ZIP_SIZE: { outcomes: ['fail'], meaning: "a zip member's size does not match its bytes" },
  // either archive
  ARCHIVE_PATH_INVALID: {
    outcomes: ['fail'],
    meaning: 'a member path that escapes the archive or is not a plain relative path',
  },
  ARCHIVE_DUPLICATE_PATH: { outcomes: ['fail'], meaning: 'two members with one path' },
  ARCHIVE_NAME_COLLISION: {
    outcomes: ['fail'],
    meaning: 'two members whose paths collide on a case-insensitive or normalising file system',
  },
  ARCHIVE_MEMBER_TYPE: {
    outcomes: ['fail'],
    meaning: 'a member of a type a release archive does not hold (a device, a link out)',
  },
  // contents
  CONTENT_MISMATCH: {
    outcomes: ['fail'],
    meaning: "a file differs from the tag's, or from what the tag's declarations make the build write",
  },
  CONTENT_NOT_DERIVABLE: {
    outcomes: ['unverified'],
    meaning:
      'a file could not be recomputed here from what the tag declares (a computed value, a build crosscheck does not model)',
  },
  CROSS_CHANNEL_MISMATCH: { outcomes: ['fail'], meaning: 'the site and PyPI serve different bytes under one name' },
  NO_SDIST: { outcomes: ['unverified'], meaning: "no readable sdist to compare: it waits on the sdist's own checks" },
  NO_WHEEL: {
    outcomes: ['unverified'],
    meaning: "no copy of the wheel to compare: it waits on the wheel's own checks",
  },
  NO_GIT_TREE: { outcomes: ['unverified'], meaning: "the tag's tree is unavailable: it waits on the git checks" },
  // HTTP
  HTTP_NOT_FOUND: { outcomes: ['unverified'], meaning: 'the server answered 404' },
  HTTP_STATUS: { outcomes: ['unverified'], meaning: 'the server answered with an error status' },
  HTTP_REDIRECT_POLICY: {
    outcomes: ['unverified'],
    meaning: 'a redirect to a host, scheme or place crosscheck does not follow',
  },
  HTTP_CONTENT_ENCODING: {
    outcomes: ['unverified'],
    meaning: 'the server sent an encoded body where the bytes themselves were asked for',
  },
  HTTP_FRAMING: {
    outcomes: ['unverified'],
    meaning: "the response's length could not be told (no length, no chunking)",
  },
  HTTP_TRUNCATED: { outcomes: ['unverified'], meaning: 'the connection ended before the whole body arrived' },
  HTTP_TIMEOUT: { outcomes: ['unverified'], meaning: 'the server did not answer in time' },
  HTTP_TOO_SLOW: { outcomes: ['unverified'], meaning: 'the server sent the body slower than the minimum rate' },
  HTTP_CONNECT: { outcomes: ['unverified'], meaning: 'the host could not be reached' },
  HTTP_ERROR: { outcomes: ['unverified'], meaning: 'the request failed for another reason, named in the message' },
  TLS: { outcomes: ['unverified'], meaning: "the server's TLS certificate could not be verified" },
  // limits, cache and run
  LIMIT_EXCEEDED: { outcomes: ['unverified'], meaning: 'a document or archive is over a limit; --limit raises it' },
  LIMIT_RESPONSE: { outcomes: ['unverified'], meaning: 'a response is larger than its limit allows' },
  LIMIT_DECOMPRESSED: { outcomes: ['unverified'], meaning: 'an archive decompresses to more than its limit' },
  LIMIT_MEMBERS: { outcomes: ['unverified'], meaning: 'an archive holds more members than its limit' },
  LIMIT_RATIO: {
    outcomes: ['unverified'],
    meaning: "an archive member expands more than any real release's (a decompression bomb)",
  },
  CACHE_WRITE: {
    outcomes: ['unverified'],
    meaning: 'a download could not be kept in the cache (a full disk, a read-only directory)',
  },
  CACHE_ALTERED: {
    outcomes: ['unverified'],
    meaning: 'offline: the copy in the cache no longer hashes to what was fetched',
  },
  OFFLINE_NOT_STORED: { outcomes: ['unverified'], meaning: 'offline: no earlier run fetched this' },
  RUN_DEADLINE: { outcomes: ['unverified'], meaning: "the run's deadline ended it before this was checked" },
  REPORT_SPOOL_CHANGED: {
    outcomes: ['unverified'],
    meaning: 'a finished release changed on disk while the run wrote its report',
  },
  REPORT_SPOOL_WRITE: { outcomes: ['unverified'], meaning: 'the run could not keep a finished release for its report' },
  INTERNAL: { outcomes: ['unverified'], meaning: 'an error crosscheck did not expect; never a pass' },
} as const satisfies Record<string, { outcomes: readonly ('fail' | 'unverified' | 'warn')[]; meaning: string }>;

export type ReasonCode = keyof typeof REASONS;

export function isReasonCode(value: string): value is ReasonCode {
  return Object.hasOwn(REASONS, value);
}
