import { UnavailableError } from '../model/errors.js';
import type { FetchedFile, WeakAlgorithm } from '../io/cache.js';
import type { RequestPolicy } from '../io/http.js';
import type { SourceDeps } from './deps.js';
import { fill, ruleFor } from '../profile/profile.js';
import type { ArtifactKind } from '../model/check.js';

export interface FetchedDocument extends FetchedFile {
  bytes: Buffer;
  /** Every URL tried, in order, and why the earlier ones were passed over. */
  tried: string[];
}

function sitePolicy(ctx: SourceDeps, version: string, maxBytes: number): RequestPolicy {
  return {
    channel: 'site',
    release: version,
    maxBytes,
    allowedOrigins: new Set([new URL(ctx.origins.site).origin, new URL(ctx.origins.media).origin]),
  };
}

/**
 * Fetches the checksum file from the project site, trying the era's URLs in order; a 404 moves
 * on to the next, anything else stops (a server error is not evidence of absence).
 */
export async function fetchChecksumFile(ctx: SourceDeps, version: string): Promise<FetchedDocument> {
  const site = ctx.profile.site;
  if (!site)
    throw new UnavailableError('NO_CHECKSUM_FILES', `${ctx.profile.displayName} publishes no signed checksum files`);
  const rule = ruleFor(site.checksumFile, version);
  const urls = (rule?.urls ?? []).map((template) =>
    fill(template, { version, site: site.origin, media: site.mediaOrigin ?? site.origin }),
  );
  const tried: string[] = [];
  for (const url of urls) {
    try {
      const file = await ctx.cache.fetchDocument(ctx.http, url, sitePolicy(ctx, version, ctx.limits.checksumFileBytes));
      return { ...file, tried: [...tried, url] };
    } catch (error) {
      if (error instanceof UnavailableError && error.reason === 'HTTP_NOT_FOUND') {
        tried.push(`${url} (404)`);
        continue;
      }
      throw error;
    }
  }
  throw new UnavailableError(
    'HTTP_NOT_FOUND',
    `no checksum file for ${ctx.profile.displayName} ${version} on the site; tried ${tried.join(', ')}`,
    {
      release: version,
      channel: 'site',
      ...(urls[0] ? { url: urls[0] } : {}),
    },
  );
}

/**
 * Where the site serves an artifact: the signed "Release packages" URL for it when the checksum
 * file has one (a file URL ending in the name, or the /download/<v>/<kind>/ form), else the
 * profile's download URL for the era.
 */
export function siteArtifactUrl(
  ctx: SourceDeps,
  version: string,
  kind: ArtifactKind,
  filename: string,
  signedUrls: readonly string[],
): string | undefined {
  const site = ctx.profile.site;
  const downloadSegment = kind === 'sdist' ? '/tarball/' : '/wheel/';
  const signed =
    signedUrls.find((url) => new URL(url).pathname.endsWith(`/${filename}`)) ??
    signedUrls.find((url) => new URL(url).pathname.endsWith(`/download/${version}${downloadSegment}`));
  if (signed) return signed;
  const template = site?.downloadUrls?.[kind];
  return template
    ? fill(template, { version, site: site!.origin, media: site!.mediaOrigin ?? site!.origin })
    : undefined;
}

export async function downloadSiteArtifact(
  ctx: SourceDeps,
  version: string,
  url: string,
  weak: readonly WeakAlgorithm[],
): Promise<FetchedFile> {
  return ctx.cache.fetch(ctx.http, url, sitePolicy(ctx, version, ctx.limits.artifactBytes), weak);
}
