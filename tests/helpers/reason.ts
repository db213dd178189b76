import { CrosscheckError } from '../../src/model/errors.js';

/** The reason code a piece of work fails with, or 'PASSED'; an untyped error fails the test. */
export async function reasonOf(work: (() => unknown) | Promise<unknown>): Promise<string> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (error) {
    if (error instanceof CrosscheckError) return error.reason;
    throw error;
  }
  return 'PASSED';
}

/**
 * How a signature check ends, as "<status> <reason>": from the verdict a verification returns, or
 * from the typed error a framing or parsing problem throws ("fail PGP_PARSE"); "pass -" when accepted outright.
 */
export async function verdictOf(
  work:
    | (() => Promise<{ status: string; reason?: string } | { verdict: { status: string; reason?: string } }>)
    | Promise<{ status: string; reason?: string } | { verdict: { status: string; reason?: string } }>,
): Promise<string> {
  try {
    const result = await (typeof work === 'function' ? work() : work);
    const verdict = 'verdict' in result ? result.verdict : result;
    return `${verdict.status} ${verdict.reason ?? '-'}`;
  } catch (error) {
    if (error instanceof CrosscheckError) return `${error.outcome} ${error.reason}`;
    throw error;
  }
}
