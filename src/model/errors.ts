import type { ReasonCode } from './reasons.js';

/**
 * Typed errors. Every error carries a stable reason code (src/model/reasons.ts, docs/reasons.md)
 * and what a person needs to act on it: which release, channel, URL or file, and what was
 * expected and found.
 */
export interface ErrorContext {
  release?: string;
  channel?: string;
  url?: string;
  file?: string;
  expected?: string;
  actual?: string;
}

/** How an error should end the check it interrupted. */
export type ErrorOutcome = 'fail' | 'unverified';

export abstract class CrosscheckError extends Error {
  abstract readonly outcome: ErrorOutcome;
  constructor(
    readonly reason: ReasonCode,
    message: string,
    readonly context: ErrorContext = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The evidence is present and contradicts the claim: tampering, or a malformed signed artifact. */
export class IntegrityError extends CrosscheckError {
  readonly outcome = 'fail' as const;
}

/** The evidence could not be obtained: network, timeout, missing file, a limit reached. */
export class UnavailableError extends CrosscheckError {
  readonly outcome = 'unverified' as const;
}

/** A limit from src/limits.ts was exceeded; the input was not read to its end. */
export class LimitError extends UnavailableError {}

/** The user's command or configuration is wrong (exit code 2). */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** What an operating-system error code means, in words, for messages that must not show the code alone. */
const SYSTEM_ERRORS: Record<string, string> = {
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved now (a temporary DNS failure)',
  ECONNREFUSED: 'the connection was refused (nothing listens there)',
  EHOSTUNREACH: 'the host is unreachable from this network',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
  ECONNRESET: 'the connection was reset',
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
};

/** An error's message, with a system error's code said in words ("no such file or directory (ENOENT)") rather than Node's raw text. */
export function describeFileError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && SYSTEM_ERRORS[code] ? systemErrorText(code) : describeError(error);
}

/** "the host name does not resolve (ENOTFOUND)": a system error code with what it means. */
export function systemErrorText(code: string): string {
  const words = SYSTEM_ERRORS[code];
  return words ? `${words} (${code})` : code;
}

const MAX_QUOTED = 200;

/**
 * A value quoted for a message. What hostile input holds can be megabytes long (a pax record, a
 * field of PyPI's JSON), and a message quoting it whole floods a terminal and a report, so a long
 * value is clipped, saying how long it was.
 */
export function quote(value: unknown, max = MAX_QUOTED): string {
  if (typeof value === 'string' && value.length > max)
    return `${JSON.stringify(value.slice(0, max))}… (${value.length} characters)`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}
