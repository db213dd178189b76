import { CrosscheckError } from '../../src/errors.js';

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
