import { downloadSiteArtifact, siteArtifactUrl } from '../sources/site.js';
import { downloadPypiArtifact, fetchPypiRelease, type PypiRelease } from '../sources/pypi.js';
import type { FetchedFile } from '../io/cache.js';
import { quote } from '../model/errors.js';
import { expectedArtifacts } from '../profile/profile.js';
import { type ArtifactKind, checkFromError, pass, skipped, unverified, warn } from '../model/check.js';
import {
  declaredDigestCheck,
  digestCheck,
  pypiDigestCheck,
  pypiFilesCheck,
  weakAlgorithmsFor,
} from '../rules/artifacts.js';
import type { DownloadedCopy as HashedCopy, SignedChecksums, SignedDigests } from '../rules/evidence.js';
import type { RunContext } from './context.js';
import type { ReleaseRecord } from './release-record.js';

/** A copy as the run holds it: hashed, and where the download store keeps it. */
export type DownloadedCopy = HashedCopy<FetchedFile>;

interface Wanted {
  kind: ArtifactKind;
  filename: string;
  signed?: SignedDigests;
}

/** The artifacts to fetch: those the signed file lists, else what the profile expects. */
function wantedArtifacts(
  ctx: RunContext,
  version: string,
  signed: SignedChecksums | undefined,
  channel: 'site' | 'pypi',
  record: ReleaseRecord,
): Wanted[] {
  const listed: Wanted[] = signed
    ? signed.artifacts.map((a) => ({ kind: a.kind, filename: a.filename, signed: a.digests }))
    : expectedArtifacts(ctx.profile, version).map((e) => ({ kind: e.kind, filename: e.filename }));
  for (const kind of ctx.artifacts) {
    if (!listed.some((w) => w.kind === kind)) {
      record.add(
        skipped(
          { id: `${channel}.${kind}.digest`, channel, artifact: kind },
          `${ctx.profile.displayName} ${version} has no ${kind}${signed ? ' in its signed checksum file' : ''}`,
        ),
      );
    }
  }
  return listed.filter((w) => ctx.artifacts.has(w.kind));
}

/** What PyPI served for a release: its JSON (when it could be used) and the copies downloaded. */
export interface PypiEvidence {
  copies: DownloadedCopy[];
  release?: PypiRelease;
}

/** Told of each copy as soon as it is downloaded, before the other downloads of the release end. */
export type OnDownloaded = (copy: DownloadedCopy) => void;

export async function siteArtifactsStep(
  ctx: RunContext,
  version: string,
  signed: SignedChecksums | undefined,
  record: ReleaseRecord,
  onDownloaded?: OnDownloaded,
): Promise<DownloadedCopy[]> {
  const copies: DownloadedCopy[] = [];
  await Promise.all(
    wantedArtifacts(ctx, version, signed, 'site', record).map(async (wanted) => {
      const id = `site.${wanted.kind}.digest`;
      const url = siteArtifactUrl(ctx, version, wanted.kind, wanted.filename, signed?.file.packageUrls ?? []);
      const evidence = record.artifact(wanted.kind, wanted.filename);
      if (wanted.signed?.sha256) evidence.signedSha256 = wanted.signed.sha256;
      if (!url) {
        record.add(
          unverified(
            { id, channel: 'site', artifact: wanted.kind, reason: 'NO_URL' },
            `no site URL is known for ${wanted.filename}`,
          ),
        );
        return;
      }
      ctx.progress?.step(version, 'site', wanted.filename);
      try {
        const file = await downloadSiteArtifact(ctx, version, url, weakAlgorithmsFor(wanted.signed));
        ctx.progress?.bytes(file.fromCache ? 0 : file.size);
        evidence.site = {
          url,
          finalUrl: file.finalUrl,
          sha256: file.sha256,
          size: file.size,
          fromCache: file.fromCache,
          fetchedAt: file.fetchedAt,
        };
        record.add(
          digestCheck({ id, channel: 'site', artifact: wanted.kind, url }, wanted.filename, wanted.signed, file),
        );
        const copy: DownloadedCopy = { channel: 'site', kind: wanted.kind, filename: wanted.filename, file };
        copies.push(copy);
        onDownloaded?.(copy);
      } catch (error) {
        evidence.site = { url };
        record.add(
          checkFromError(
            { id, channel: 'site', artifact: wanted.kind, url },
            error,
            `${wanted.filename} could not be downloaded from the site`,
          ),
        );
      }
    }),
  );
  return copies;
}

export async function pypiStep(
  ctx: RunContext,
  version: string,
  signed: SignedChecksums | undefined,
  record: ReleaseRecord,
  onDownloaded?: OnDownloaded,
): Promise<PypiEvidence> {
  ctx.progress?.step(version, 'pypi', 'JSON API');
  const metadata = { id: 'pypi.release.metadata', channel: 'pypi' } as const;
  let release: PypiRelease;
  try {
    release = await fetchPypiRelease(ctx, version);
  } catch (error) {
    record.add(checkFromError(metadata, error, `PyPI's JSON for ${version} could not be used`));
    for (const wanted of wantedArtifacts(ctx, version, signed, 'pypi', record)) {
      record.add(
        unverified(
          { id: `pypi.${wanted.kind}.digest`, channel: 'pypi', artifact: wanted.kind, reason: 'PYPI_UNAVAILABLE' },
          `not checked: PyPI's JSON for ${version} is unavailable`,
        ),
      );
    }
    return { copies: [] };
  }
  const yanked = release.files.filter((f) => f.yanked);
  if (yanked.length > 0) {
    record.add(
      warn(
        { ...metadata, url: release.url, reason: 'PYPI_YANKED' },
        `PyPI marks ${yanked.map((f) => f.filename).join(', ')} as yanked${yanked[0]!.yankedReason ? `: ${quote(yanked[0]!.yankedReason)}` : ''}`,
      ),
    );
  } else {
    record.add(
      pass(
        { ...metadata, url: release.url },
        `PyPI lists ${release.files.length} file(s) for ${version}${release.fromCache ? ' (offline: the JSON an earlier run fetched)' : ''}`,
      ),
    );
  }
  if (signed) record.add(pypiFilesCheck(release, signed));

  const copies: DownloadedCopy[] = [];
  await Promise.all(
    wantedArtifacts(ctx, version, signed, 'pypi', record).map(async (wanted) => {
      const base = { channel: 'pypi' as const, artifact: wanted.kind };
      const declaredId = `pypi.${wanted.kind}.declared-digest`;
      const id = `pypi.${wanted.kind}.digest`;
      const file = release.files.find((f) => f.filename === wanted.filename);
      if (!file) {
        record.add(
          unverified(
            { id, ...base, url: release.url, reason: 'PYPI_FILE_MISSING' },
            `PyPI does not list ${wanted.filename} for ${version}`,
          ),
        );
        return;
      }
      const evidence = record.artifact(wanted.kind, wanted.filename);
      record.add(
        ...declaredDigestCheck({ id: declaredId, ...base, url: release.url }, wanted.filename, wanted.signed, file),
      );
      ctx.progress?.step(version, 'pypi', wanted.filename);
      try {
        const fetched = await downloadPypiArtifact(ctx, version, file, weakAlgorithmsFor(wanted.signed));
        ctx.progress?.bytes(fetched.fromCache ? 0 : fetched.size);
        evidence.pypi = {
          url: file.url,
          finalUrl: fetched.finalUrl,
          sha256: fetched.sha256,
          size: fetched.size,
          fromCache: fetched.fromCache,
          fetchedAt: fetched.fetchedAt,
        };
        record.add(pypiDigestCheck({ id, ...base, url: file.url }, wanted.filename, wanted.signed, file, fetched));
        const copy: DownloadedCopy = { channel: 'pypi', kind: wanted.kind, filename: wanted.filename, file: fetched };
        copies.push(copy);
        onDownloaded?.(copy);
      } catch (error) {
        evidence.pypi = { url: file.url };
        record.add(
          checkFromError({ id, ...base, url: file.url }, error, `${wanted.filename} could not be downloaded from PyPI`),
        );
      }
    }),
  );
  return { copies, release };
}
