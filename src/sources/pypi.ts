import { IntegrityError, LimitError } from '../model/errors.js';
import type { FetchedFile, WeakAlgorithm } from '../io/cache.js';
import type { RequestPolicy } from '../io/http.js';
import { parseStrictJson, StrictJsonError } from '../formats/strict-json.js';
import type { SourceDeps } from './deps.js';
import { parsePypiRelease, parsePypiVersions, type PypiFile, type PypiRelease } from '../formats/pypi-json.js';

export type { PypiFile, PypiRelease };

function pypiPolicy(ctx: SourceDeps, maxBytes: number, version?: string): RequestPolicy {
  return {
    channel: 'pypi',
    maxBytes,
    allowedOrigins: new Set([new URL(ctx.origins.pypi).origin, new URL(ctx.origins.pypiFiles).origin]),
    ...(version ? { release: version } : {}),
  };
}

async function fetchJson(
  ctx: SourceDeps,
  url: string,
  version?: string,
): Promise<{ value: unknown; file: FetchedFile }> {
  const { bytes, ...file } = await ctx.cache.fetchDocument(
    ctx.http,
    url,
    pypiPolicy(ctx, ctx.limits.jsonBytes, version),
  );
  try {
    return { value: parseStrictJson(bytes.toString('utf8')), file };
  } catch (error) {
    const why = error instanceof StrictJsonError ? error.message : String(error);
    throw new IntegrityError('PYPI_JSON_INVALID', `${url} is not acceptable JSON: ${why}`, {
      url,
      channel: 'pypi',
      ...(version ? { release: version } : {}),
    });
  }
}

/** GET /pypi/<name>/<version>/json: what PyPI declares of one release. */
export async function fetchPypiRelease(ctx: SourceDeps, version: string): Promise<PypiRelease> {
  const { name, origin } = ctx.profile.pypi;
  const url = `${origin}/pypi/${name}/${version}/json`;
  const { value, file } = await fetchJson(ctx, url, version);
  const fileOrigins = new Set([new URL(ctx.profile.pypi.filesOrigin).origin, new URL(ctx.origins.pypiFiles).origin]);
  return parsePypiRelease(value, version, { url, fileOrigins }, file.fromCache);
}

/** All versions PyPI lists for the project (GET /pypi/<name>/json, "releases"). */
export async function fetchPypiVersions(
  ctx: SourceDeps,
): Promise<{ versions: string[]; url: string; filesByVersion: Map<string, number> }> {
  const { name, origin } = ctx.profile.pypi;
  const url = `${origin}/pypi/${name}/json`;
  const { value } = await fetchJson(ctx, url);
  return parsePypiVersions(value, url);
}

/**
 * Downloads are read up to twice the declared size, and never less than this: a declared size of
 * 0 or 1 would otherwise cap the download at 2 bytes.
 */
const DOWNLOAD_FLOOR_BYTES = 64 * 1024;

/**
 * Downloads a file PyPI lists, reading at most twice its declared size (at least 64 KiB) within
 * artifactBytes. A body past that cap, when the cap is above the declared size, has shown more
 * bytes than PyPI declares: that is the declaration mismatch (fail), not a limit reached; and an
 * endless body is still cut off there.
 */
export async function downloadPypiArtifact(
  ctx: SourceDeps,
  version: string,
  file: PypiFile,
  weak: readonly WeakAlgorithm[],
): Promise<FetchedFile> {
  const cap = Math.min(ctx.limits.artifactBytes, Math.max(file.size * 2, DOWNLOAD_FLOOR_BYTES));
  try {
    return await ctx.cache.fetch(ctx.http, file.url, pypiPolicy(ctx, cap, version), weak);
  } catch (error) {
    if (!(error instanceof LimitError && error.reason === 'LIMIT_RESPONSE') || file.size >= cap) throw error;
    throw new IntegrityError(
      'PYPI_DECLARATION_MISMATCH',
      `PyPI declares ${file.size} bytes for ${file.filename}, but its file host has more than ${cap} bytes for it (${error.message})`,
      {
        url: file.url,
        channel: 'pypi',
        release: version,
        expected: `${file.size} bytes`,
        actual: `more than ${cap} bytes`,
      },
    );
  }
}
