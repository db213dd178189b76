import { inflateRawSync } from 'node:zlib';

/** A member's raw-deflate stream produces more bytes than the caller allows. */
export class InflatedTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`inflates to more than ${limit} bytes`);
  }
}

/**
 * Inflates a wheel's raw-deflate members with Node's documented `inflateRawSync` only: the bytes
 * up to the end of the deflate stream, zlib's error for a stream that is corrupt or ends early,
 * and InflatedTooLargeError past `limit`, with at most `limit + 1` bytes produced (zlib stops at
 * `maxOutputLength`). The caller still checks size and CRC-32.
 *
 * Only Node's documented zlib API: an engine reused through its undocumented handle was faster,
 * but tied crosscheck to one Node's internals (docs/benchmarks.md).
 */
export class RawInflater {
  inflate(data: Buffer, limit: number): Buffer {
    let output: Buffer;
    try {
      output = inflateRawSync(data, { maxOutputLength: limit + 1 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new InflatedTooLargeError(limit);
      throw error;
    }
    if (output.length > limit) throw new InflatedTooLargeError(limit);
    return output;
  }

  /** Kept so that a reader can end its use of an inflater the same way whatever it holds. */
  close(): void {}
}
