import { CrosscheckError, describeError } from './errors.js';
import type { ReasonCode } from './reasons.js';

export type CheckStatus = 'pass' | 'fail' | 'unverified' | 'skipped' | 'warn';
/** Where a check's evidence comes from: a source, the comparison of contents, or a file the user gave. */
export type Channel = 'site' | 'pypi' | 'git' | 'content' | 'local';
/** The channels crosscheck fetches from. */
export type SourceChannel = Extract<Channel, 'site' | 'pypi' | 'git'>;
/** The channels that serve artifacts to download. */
export type DownloadChannel = Extract<SourceChannel, 'site' | 'pypi'>;
export type ArtifactKind = 'sdist' | 'wheel';

/**
 * One check: a stable id, an outcome, and a sentence a person can act on.
 * `expected`/`actual` hold the two sides of a comparison; `reason` is a stable code for why a
 * check did not pass (see the README's reason table).
 */
export interface Check {
  id: string;
  status: CheckStatus;
  channel: Channel;
  artifact?: string;
  message: string;
  expected?: string;
  actual?: string;
  reason?: ReasonCode;
  url?: string;
  file?: string;
  /** For a check left unverified: what the user does about it ("refresh the pinned copy of …"). */
  remedy?: string;
  /** For a check of one downloaded file's contents: whose copies of it ("site and pypi"), when they differ by channel. */
  copies?: string;
}

type CheckFields = Omit<Check, 'status' | 'message'>;

export const pass = (fields: CheckFields, message: string): Check => ({ ...fields, status: 'pass', message });
export const fail = (fields: CheckFields, message: string): Check => ({ ...fields, status: 'fail', message });
export const warn = (fields: CheckFields, message: string): Check => ({ ...fields, status: 'warn', message });
export const unverified = (fields: CheckFields, message: string): Check => ({
  ...fields,
  status: 'unverified',
  message,
});
/**
 * Reasons of checks left unverified only because another check was: their remedy is the other
 * check's, so the reports group a release under that one, not under "see the other check".
 */
export const DEPENDENT_REASONS: ReadonlySet<string> = new Set<ReasonCode>([
  'NO_SIGNED_CHECKSUM',
  'NO_GIT_TREE',
  'NO_SDIST',
  'NO_WHEEL',
]);

/** What a check that waits on the checksum file's signature tells the user to do. */
export const AFTER_CHECKSUMS_REMEDY =
  "see the checksum file's checks (site.checksums.*): once it verifies, so does this";

export const skipped = (fields: CheckFields, message: string): Check => ({ ...fields, status: 'skipped', message });

/**
 * Turns an error into the check it interrupted. Typed errors keep their outcome (tampering
 * evidence fails, missing evidence is unverified); anything unexpected is `unverified` with
 * reason INTERNAL — it never passes.
 */
export function checkFromError(fields: CheckFields, error: unknown, prefix?: string): Check {
  const lead = prefix ? `${prefix}: ` : '';
  if (error instanceof CrosscheckError) {
    const ctx = error.context;
    return {
      ...fields,
      status: error.outcome,
      message: lead + error.message,
      reason: error.reason,
      ...(ctx.url !== undefined && fields.url === undefined ? { url: ctx.url } : {}),
      ...(ctx.file !== undefined && fields.file === undefined ? { file: ctx.file } : {}),
      ...(ctx.expected !== undefined ? { expected: ctx.expected } : {}),
      ...(ctx.actual !== undefined ? { actual: ctx.actual } : {}),
    };
  }
  return {
    ...fields,
    status: 'unverified',
    reason: 'INTERNAL',
    message: `${lead}internal error: ${describeError(error)}`,
  };
}
