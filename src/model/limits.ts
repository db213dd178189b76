import { UsageError } from './errors.js';

/**
 * Every limit crosscheck enforces, in one place. All are configurable (CLI `--limit name=value`
 * and the `limits` object of the library API) and documented in the README.
 */
export interface Limits {
  /** Bytes of a checksum file, checked before any parsing. */
  checksumFileBytes: number;
  /** Bytes of a PyPI JSON document. */
  jsonBytes: number;
  /** Bytes of one downloaded artifact. */
  artifactBytes: number;
  /** Bytes of a git tag object. */
  tagObjectBytes: number;
  /** Decompressed bytes of one archive (all members together). */
  decompressedBytes: number;
  /** Decompressed bytes of one archive member. */
  memberBytes: number;
  /** Members of one archive. */
  members: number;
  /** Bytes of one member path. */
  pathBytes: number;
  /** Segments of one member path. */
  pathDepth: number;
  /** Decompressed/compressed ratio of one zip member (only checked past 1 MiB out). */
  compressionRatio: number;
  /** Bytes of a wheel's RECORD or METADATA file. */
  metadataFileBytes: number;
  /** Redirect hops followed for one request. */
  redirects: number;
  /** Milliseconds for one HTTP request, headers to last byte (a hard deadline, not an idle timer). */
  requestDeadlineMs: number;
  /** Milliseconds without any byte before a request is abandoned. */
  idleTimeoutMs: number;
  /** Minimum average bytes/second once a request has run for `slowGraceMs`. */
  minBytesPerSecond: number;
  slowGraceMs: number;
  /** Milliseconds for one git command. */
  gitDeadlineMs: number;
  /** Bytes one git fetch may write into the mirror, per tag it fetches (a blob fetch: this many). */
  gitFetchBytes: number;
  /** Resident memory a git process that talks to the host may hold (Linux, from /proc). */
  gitMemoryBytes: number;
  /** Milliseconds to wait, in all, for another run sharing the cache to finish writing the git mirror. */
  gitBusyWaitMs: number;
  /** Milliseconds for a whole run; what is not finished by then ends `unverified`. */
  runDeadlineMs: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  checksumFileBytes: 256 * 1024,
  jsonBytes: 5 * MiB,
  artifactBytes: 100 * MiB,
  tagObjectBytes: 64 * 1024,
  decompressedBytes: 400 * MiB,
  memberBytes: 64 * MiB,
  members: 30_000,
  pathBytes: 1024,
  pathDepth: 64,
  compressionRatio: 200,
  metadataFileBytes: 4 * MiB,
  redirects: 5,
  requestDeadlineMs: 120_000,
  idleTimeoutMs: 30_000,
  minBytesPerSecond: 10 * 1024,
  slowGraceMs: 10_000,
  gitDeadlineMs: 600_000,
  // A shallow, blob-less fetch of one Django tag (its commit and ~700 trees) is a few MB.
  gitFetchBytes: 32 * MiB,
  // git fetching one Django tag holds well under 100 MB.
  gitMemoryBytes: 1024 * MiB,
  gitBusyWaitMs: 60_000,
  runDeadlineMs: 15 * 60_000,
});

/** The longest a Node timer can be set for: beyond it, setTimeout warns and fires after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Deadlines that must be at least 1 ms: zero would mean no time at all to crosscheck's own timers
 * but no timeout at all to undici's (headersTimeout, bodyTimeout).
 */
const DEADLINES: ReadonlySet<string> = new Set([
  'requestDeadlineMs',
  'idleTimeoutMs',
  'gitDeadlineMs',
  'runDeadlineMs',
]);

export function parseLimitOverrides(pairs: string[], base: Readonly<Limits> = DEFAULT_LIMITS): Limits {
  const limits: Limits = { ...base };
  const known = () => Object.keys(base).join(', ');
  for (const pair of pairs) {
    const match = /^([A-Za-z]+)=(\d+)$/.exec(pair);
    if (!match) throw new UsageError(`--limit takes name=integer, not "${pair}"; known names: ${known()}`);
    const name = match[1]!;
    const digits = match[2]!;
    if (!Object.hasOwn(base, name)) throw new UsageError(`unknown limit "${name}"; known: ${known()}`);
    const isDuration = name.endsWith('Ms');
    const least = DEADLINES.has(name) ? 1 : 0;
    const most = isDuration ? MAX_TIMER_MS : Number.MAX_SAFE_INTEGER;
    const value = Number(digits);
    if (value < least || value > most) {
      throw new UsageError(
        `limit ${name} must be from ${least} to ${most}${isDuration ? ' ms (about 24 days)' : ''}, not ${digits}`,
      );
    }
    (limits as unknown as Record<string, number>)[name] = value;
  }
  return limits;
}
