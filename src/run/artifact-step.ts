import { downloadSiteArtifact, siteArtifactUrl } from '../sources/site.js';
import { downloadPypiArtifact, fetchPypiRelease, type PypiFile, type PypiRelease } from '../sources/pypi.js';
import type { FetchedFile, WeakAlgorithm } from '../io/cache.js';
import { quote } from '../model/errors.js';
import { expectedArtifacts } from '../profile/profile.js';
import type { DigestAlgorithm } from '../formats/checksum-file.js';
import { AFTER_CHECKSUMS_REMEDY, type ArtifactKind, type Channel, type Check, checkFromError, fail, pass, skipped, unverified, warn } from '../model/check.js';
import type { SignedChecksums } from './checksum-step.js';
import type { RunContext } from './context.js';
import type { ReleaseRecord } from './release-record.js';

/** An artifact as one channel served it, downloaded and hashed. */
export interface DownloadedCopy {
  channel: 'site' | 'pypi';
  kind: ArtifactKind;
  filename: string;
  file: FetchedFile;
}

interface Wanted {
  kind: ArtifactKind;
  filename: string;
  signed?: Partial<Record<DigestAlgorithm, string>>;
}

/** The artifacts to fetch: those the signed file lists, else what the profile expects. */
function wantedArtifacts(ctx: RunContext, version: string, signed: SignedChecksums | undefined, channel: 'site' | 'pypi', record: ReleaseRecord): Wanted[] {
  const listed: Wanted[] = signed
    ? signed.artifacts.map((a) => ({ kind: a.kind, filename: a.filename, signed: a.digests }))
    : expectedArtifacts(ctx.profile, version).map((e) => ({ kind: e.kind, filename: e.filename }));
  for (const kind of ctx.artifacts) {
    if (!listed.some((w) => w.kind === kind)) {
      record.add(skipped({ id: `${channel}.${kind}.digest`, channel, artifact: kind }, `${ctx.profile.displayName} ${version} has no ${kind}${signed ? ' in its signed checksum file' : ''}`));
    }
  }
  return listed.filter((w) => ctx.artifacts.has(w.kind));
}

/**
 * The digest a download is held to: the strongest one signed, as ssri does with integrity
 * strings. SHA-256 is the evidence; when a file's checksum file signs only MD5 and SHA-1 (early
 * releases), SHA-1 is compared and the check can at best `warn`.
 */
export function strongestSigned(signed: Partial<Record<DigestAlgorithm, string>> | undefined): { algorithm: DigestAlgorithm; digest: string } | undefined {
  for (const algorithm of ['sha256', 'sha1', 'md5'] as const) {
    const digest = signed?.[algorithm];
    if (digest !== undefined) return { algorithm, digest };
  }
  return undefined;
}

/** The weak algorithms a download must also be hashed with, so that it can be held to `signed`. */
export function weakAlgorithmsFor(signed: Partial<Record<DigestAlgorithm, string>> | undefined): WeakAlgorithm[] {
  const strongest = strongestSigned(signed)?.algorithm;
  return strongest === 'sha1' || strongest === 'md5' ? [strongest] : [];
}

const ALGORITHM_NAMES: Record<DigestAlgorithm, string> = { sha256: 'SHA-256', sha1: 'SHA-1', md5: 'MD5' };

/** Compares a download with the strongest signed digest; a file whose checksums are all weak can at best `warn`. */
export function digestCheck(
  fields: { id: string; channel: Channel; artifact: string; url: string },
  filename: string,
  signed: Partial<Record<DigestAlgorithm, string>> | undefined,
  file: FetchedFile,
): Check {
  const strongest = strongestSigned(signed);
  if (!strongest) return unverified({ ...fields, reason: 'NO_SIGNED_CHECKSUM', actual: file.sha256, remedy: AFTER_CHECKSUMS_REMEDY }, `${filename} hashes to ${file.sha256}, but there is no verified checksum file to compare it with`);
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
    return warn({ ...fields, reason: 'CHECKSUM_WEAK_ONLY', expected }, `${filename} matches the signed ${name}, the strongest digest signed for it; ${source}`);
  }
  return pass({ ...fields, expected, actual }, `${filename} (${file.size} bytes) matches the signed SHA-256 ${actual}; ${source}`);
}

/** Told of each copy as soon as it is downloaded, before the other downloads of the release end. */
export type OnDownloaded = (copy: DownloadedCopy) => void;

export async function siteArtifactsStep(ctx: RunContext, version: string, signed: SignedChecksums | undefined, record: ReleaseRecord, onDownloaded?: OnDownloaded): Promise<DownloadedCopy[]> {
  const copies: DownloadedCopy[] = [];
  await Promise.all(
    wantedArtifacts(ctx, version, signed, 'site', record).map(async (wanted) => {
      const id = `site.${wanted.kind}.digest`;
      const url = siteArtifactUrl(ctx, version, wanted.kind, wanted.filename, signed?.file.packageUrls ?? []);
      const evidence = record.artifact(wanted.kind, wanted.filename);
      if (wanted.signed?.sha256) evidence.signedSha256 = wanted.signed.sha256;
      if (!url) {
        record.add(unverified({ id, channel: 'site', artifact: wanted.kind, reason: 'NO_URL' }, `no site URL is known for ${wanted.filename}`));
        return;
      }
      ctx.progress?.step(version, 'site', wanted.filename);
      try {
        const file = await downloadSiteArtifact(ctx, version, url, weakAlgorithmsFor(wanted.signed));
        ctx.progress?.bytes(file.fromCache ? 0 : file.size);
        evidence.site = { url, finalUrl: file.finalUrl, sha256: file.sha256, size: file.size, fromCache: file.fromCache, fetchedAt: file.fetchedAt };
        record.add(digestCheck({ id, channel: 'site', artifact: wanted.kind, url }, wanted.filename, wanted.signed, file));
        const copy: DownloadedCopy = { channel: 'site', kind: wanted.kind, filename: wanted.filename, file };
        copies.push(copy);
        onDownloaded?.(copy);
      } catch (error) {
        evidence.site = { url };
        record.add(checkFromError({ id, channel: 'site', artifact: wanted.kind, url }, error, `${wanted.filename} could not be downloaded from the site`));
      }
    }),
  );
  return copies;
}

const LATE_UPLOAD_HOURS = 48;

export async function pypiStep(ctx: RunContext, version: string, signed: SignedChecksums | undefined, record: ReleaseRecord, onDownloaded?: OnDownloaded): Promise<DownloadedCopy[]> {
  ctx.progress?.step(version, 'pypi', 'JSON API');
  const metadata = { id: 'pypi.release.metadata', channel: 'pypi' } as const;
  let release: PypiRelease;
  try {
    release = await fetchPypiRelease(ctx, version);
  } catch (error) {
    record.add(checkFromError(metadata, error, `PyPI's JSON for ${version} could not be used`));
    for (const wanted of wantedArtifacts(ctx, version, signed, 'pypi', record)) {
      record.add(unverified({ id: `pypi.${wanted.kind}.digest`, channel: 'pypi', artifact: wanted.kind, reason: 'PYPI_UNAVAILABLE' }, `not checked: PyPI's JSON for ${version} is unavailable`));
    }
    return [];
  }
  const yanked = release.files.filter((f) => f.yanked);
  if (yanked.length > 0) {
    record.add(warn({ ...metadata, url: release.url, reason: 'PYPI_YANKED' }, `PyPI marks ${yanked.map((f) => f.filename).join(', ')} as yanked${yanked[0]!.yankedReason ? `: ${quote(yanked[0]!.yankedReason)}` : ''}`));
  } else {
    record.add(pass({ ...metadata, url: release.url }, `PyPI lists ${release.files.length} file(s) for ${version}${release.fromCache ? ' (offline: the JSON an earlier run fetched)' : ''}`));
  }
  if (signed) record.add(filesCheck(release, signed));

  const copies: DownloadedCopy[] = [];
  await Promise.all(
    wantedArtifacts(ctx, version, signed, 'pypi', record).map(async (wanted) => {
      const base = { channel: 'pypi' as const, artifact: wanted.kind };
      const declaredId = `pypi.${wanted.kind}.declared-digest`;
      const id = `pypi.${wanted.kind}.digest`;
      const file = release.files.find((f) => f.filename === wanted.filename);
      if (!file) {
        record.add(unverified({ id, ...base, url: release.url, reason: 'PYPI_FILE_MISSING' }, `PyPI does not list ${wanted.filename} for ${version}`));
        return;
      }
      const evidence = record.artifact(wanted.kind, wanted.filename);
      if (wanted.signed?.sha256) {
        record.add(
          wanted.signed.sha256 === file.sha256
            ? pass({ id: declaredId, ...base, url: release.url, expected: wanted.signed.sha256, actual: file.sha256 }, `PyPI declares the signed SHA-256 for ${wanted.filename}`)
            : fail(
                { id: declaredId, ...base, url: release.url, reason: 'DIGEST_MISMATCH', expected: wanted.signed.sha256, actual: file.sha256 },
                `PyPI declares SHA-256 ${file.sha256} for ${wanted.filename}; the signed checksum file says ${wanted.signed.sha256}`,
              ),
        );
      }
      ctx.progress?.step(version, 'pypi', wanted.filename);
      try {
        const fetched = await downloadPypiArtifact(ctx, version, file, weakAlgorithmsFor(wanted.signed));
        ctx.progress?.bytes(fetched.fromCache ? 0 : fetched.size);
        evidence.pypi = { url: file.url, finalUrl: fetched.finalUrl, sha256: fetched.sha256, size: fetched.size, fromCache: fetched.fromCache, fetchedAt: fetched.fetchedAt };
        record.add(pypiDigestCheck({ id, ...base, url: file.url }, wanted, file, fetched));
        const copy: DownloadedCopy = { channel: 'pypi', kind: wanted.kind, filename: wanted.filename, file: fetched };
        copies.push(copy);
        onDownloaded?.(copy);
      } catch (error) {
        evidence.pypi = { url: file.url };
        record.add(checkFromError({ id, ...base, url: file.url }, error, `${wanted.filename} could not be downloaded from PyPI`));
      }
    }),
  );
  return copies;
}

/** PyPI's bytes must equal what PyPI declares and, above all, what was signed (J-01). */
function pypiDigestCheck(fields: { id: string; channel: 'pypi'; artifact: ArtifactKind; url: string }, wanted: Wanted, declared: PypiFile, fetched: FetchedFile): Check {
  if (fetched.sha256 !== declared.sha256 || fetched.size !== declared.size) {
    return fail(
      { ...fields, reason: 'PYPI_DECLARATION_MISMATCH', expected: `${declared.sha256} (${declared.size} bytes)`, actual: `${fetched.sha256} (${fetched.size} bytes)` },
      `PyPI serves ${wanted.filename} with SHA-256 ${fetched.sha256} (${fetched.size} bytes) but declares ${declared.sha256} (${declared.size} bytes)`,
    );
  }
  if (!wanted.signed) {
    return warn({ ...fields, reason: 'PYPI_SELF_CONSISTENT', actual: fetched.sha256 }, `${wanted.filename} matches only PyPI's own declaration (${fetched.sha256}); no signed checksum covers it`);
  }
  return digestCheck(fields, wanted.filename, wanted.signed, fetched);
}

/** Every file PyPI offers for the release must be one the release manager signed (J-02). */
function filesCheck(release: PypiRelease, signed: SignedChecksums): Check {
  const fields = { id: 'pypi.release.files', channel: 'pypi' as const, url: release.url };
  const signedNames = new Set(signed.artifacts.map((a) => a.filename));
  const unlisted = release.files.filter((f) => !signedNames.has(f.filename));
  if (unlisted.length > 0) {
    return fail(
      { ...fields, reason: 'PYPI_UNLISTED_FILE', expected: [...signedNames].join(', '), actual: release.files.map((f) => f.filename).join(', ') },
      `PyPI offers ${unlisted.map((f) => f.filename).join(', ')}, which the signed checksum file does not list; pip could install it`,
    );
  }
  const times = release.files.map((f) => Date.parse(f.uploadTime)).filter((t) => !Number.isNaN(t));
  const earliest = Math.min(...times);
  const late = release.files.filter((f) => Date.parse(f.uploadTime) - earliest > LATE_UPLOAD_HOURS * 3600_000);
  if (late.length > 0) {
    return warn({ ...fields, reason: 'PYPI_LATE_UPLOAD' }, `${late.map((f) => `${f.filename} (${quote(f.uploadTime)})`).join(', ')} was uploaded more than ${LATE_UPLOAD_HOURS} hours after the release's first file`);
  }
  return pass(fields, `every file PyPI offers is listed in the signed checksum file (${release.files.map((f) => f.filename).join(', ')})`);
}
