import { IntegrityError, quote } from '../model/errors.js';
import { MAX_VERSION_LENGTH } from '../model/names.js';

/** One file of a release as PyPI's JSON declares it. Declared values are claims, not evidence. */
export interface PypiFile {
  filename: string;
  packagetype: string;
  url: string;
  size: number;
  sha256: string;
  md5?: string;
  uploadTime: string;
  yanked: boolean;
  yankedReason: string | null;
}

export interface PypiRelease {
  version: string;
  url: string;
  fromCache: boolean;
  files: PypiFile[];
  /**
   * What PyPI's JSON says of the release's requirements (`info.requires_dist`, `info.requires_python`),
   * which resolvers such as Poetry use without opening a file; null where PyPI declares none.
   */
  declared: PypiDeclaredMetadata;
}

export interface PypiDeclaredMetadata {
  requiresDist: string[] | null;
  requiresPython: string | null;
}

/** Where a release document was fetched, and the origins its file URLs may point to. */
export interface PypiDocumentContext {
  url: string;
  /** The origins PyPI's file host is reached at (the profile's and this run's). */
  fileOrigins: ReadonlySet<string>;
}

// A release key goes into URLs and file names: the characters of a version, and no more of them than a version may have.
const RELEASE_KEY = new RegExp(`^[0-9A-Za-z.+!-]{1,${MAX_VERSION_LENGTH}}$`);
// At most 255 characters, what a file system holds in one name.
const FILENAME = /^[A-Za-z0-9._+-]{1,255}$/;

/** A release document (GET /pypi/<name>/<version>/json), checked against the schema warehouse serves (J-03, J-04). */
export function parsePypiRelease(
  value: unknown,
  version: string,
  where: PypiDocumentContext,
  fromCache: boolean,
): PypiRelease {
  const { url } = where;
  const invalid = (what: string) =>
    new IntegrityError('PYPI_JSON_INVALID', `${url}: ${what}`, { url, channel: 'pypi', release: version });
  const doc = asObject(value, 'the document', invalid);
  const info = asObject(doc.info, '"info"', invalid);
  if (info.version !== version) {
    throw new IntegrityError('VERSION_MISMATCH', `${url} describes version ${quote(info.version)}, not ${version}`, {
      url,
      channel: 'pypi',
      release: version,
      expected: version,
      actual: quote(info.version),
    });
  }
  if (!Array.isArray(doc.urls)) throw invalid('"urls" is not a list');
  const files = doc.urls.map((entry, index) => parseFile(where.fileOrigins, entry, `urls[${index}]`, invalid));
  const names = new Set<string>();
  for (const file of files) {
    if (names.has(file.filename)) throw invalid(`${file.filename} is listed twice`);
    names.add(file.filename);
  }
  return { version, url, fromCache, files, declared: declaredMetadata(info, invalid) };
}

function declaredMetadata(info: Record<string, unknown>, invalid: (what: string) => Error): PypiDeclaredMetadata {
  const { requires_dist: requiresDist, requires_python: requiresPython } = info;
  if (requiresDist !== undefined && requiresDist !== null) {
    if (!Array.isArray(requiresDist) || !requiresDist.every((r) => typeof r === 'string')) {
      throw invalid('"info.requires_dist" is not a list of strings');
    }
  }
  if (requiresPython !== undefined && requiresPython !== null && typeof requiresPython !== 'string') {
    throw invalid('"info.requires_python" is not a string');
  }
  return {
    requiresDist: Array.isArray(requiresDist) ? (requiresDist as string[]) : null,
    requiresPython: typeof requiresPython === 'string' && requiresPython.trim() !== '' ? requiresPython : null,
  };
}

function parseFile(
  allowed: ReadonlySet<string>,
  entry: unknown,
  where: string,
  invalid: (what: string) => Error,
): PypiFile {
  const file = asObject(entry, where, invalid);
  const {
    filename,
    packagetype,
    url,
    size,
    digests,
    upload_time_iso_8601: uploadTime,
    yanked,
    yanked_reason: yankedReason,
  } = file;
  if (typeof filename !== 'string' || !FILENAME.test(filename))
    throw invalid(`${where}.filename ${quote(filename)} is not a plain file name`);
  if (typeof packagetype !== 'string') throw invalid(`${where}.packagetype is missing`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    throw invalid(`${where}.size is not a byte count`);
  if (typeof uploadTime !== 'string') throw invalid(`${where}.upload_time_iso_8601 is missing`);
  if (typeof yanked !== 'boolean') throw invalid(`${where}.yanked is not a boolean`);
  const digestMap = asObject(digests, `${where}.digests`, invalid);
  const sha256 = digestMap.sha256;
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256))
    throw invalid(`${where}.digests.sha256 is not 64 lower-case hex digits`);
  if (typeof url !== 'string') throw invalid(`${where}.url is missing`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(`${where}.url is not a URL`);
  }
  if (!allowed.has(parsed.origin))
    throw invalid(`${where}.url points to ${quote(parsed.origin)}, not the file host (${[...allowed].join(' or ')})`);
  if (lastSegment(parsed) !== filename) throw invalid(`${where}.url does not end in the file name ${quote(filename)}`);
  return {
    filename,
    packagetype,
    url,
    size,
    sha256,
    ...(typeof digestMap.md5 === 'string' ? { md5: digestMap.md5 } : {}),
    uploadTime,
    yanked,
    yankedReason: typeof yankedReason === 'string' ? yankedReason : null,
  };
}

/** The project document's versions (GET /pypi/<name>/json, "releases") and how many files each lists. */
export function parsePypiVersions(
  value: unknown,
  url: string,
): { versions: string[]; url: string; filesByVersion: Map<string, number> } {
  const invalid = (what: string) =>
    new IntegrityError('PYPI_JSON_INVALID', `${url}: ${what}`, { url, channel: 'pypi' });
  const releases = asObject(asObject(value, 'the document', invalid).releases, '"releases"', invalid);
  const filesByVersion = new Map<string, number>();
  for (const [version, files] of Object.entries(releases)) {
    if (!RELEASE_KEY.test(version)) throw invalid(`release key ${quote(version)} is not a version`);
    filesByVersion.set(version, Array.isArray(files) ? files.length : 0);
  }
  return { versions: [...filesByVersion.keys()], url, filesByVersion };
}

/** The last segment of a URL's path, percent-decoded; undefined when its escapes are malformed. */
function lastSegment(url: URL): string | undefined {
  try {
    return decodeURIComponent(url.pathname.split('/').pop() ?? '');
  } catch {
    return undefined;
  }
}

function asObject(value: unknown, what: string, invalid: (what: string) => Error): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${what} is not an object`);
  return value as Record<string, unknown>;
}
