import { constants, createInflateRaw, type InflateRaw, inflateRawSync } from 'node:zlib';
import { MIB_SCRATCH } from '../scratch-buffers.js';

/** A member's raw-deflate stream produces more bytes than the caller allows. */
export class InflatedTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`inflates to more than ${limit} bytes`);
  }
}

/**
 * The two parts of Node's zlib engine that its own `zlibBufferSync` drives (checked on Node 20): the
 * native handle's synchronous write and the state array it reports into. Node does not document
 * them, so they are checked before use and the documented `inflateRawSync` serves otherwise.
 */
interface EngineInternals {
  _handle?: {
    reset(): void;
    writeSync(flush: number, input: Buffer, inputOffset: number, inputLength: number, output: Buffer, outputOffset: number, outputLength: number): void;
  } | null;
  /** [output bytes left, input bytes left] after the last write. */
  _writeState?: Uint32Array;
}

/**
 * Inflates many small raw-deflate streams (a wheel's members) with one zlib engine, reset between
 * streams. `inflateRawSync` builds a new stream object and zlib state for every call, which for a
 * wheel of ~3,000 members cost more than the inflation (and kept V8 busy optimizing stream
 * constructors). Results are those of `inflateRawSync` (tests/unit/raw-inflater.test.ts holds
 * the two side by side): the bytes up to the end of the deflate stream, zlib's error for a stream
 * that is corrupt or ends early, and InflatedTooLargeError past `limit` — with at most
 * `limit + 1` bytes allocated. The caller still checks size and CRC-32.
 */
export class RawInflater {
  private static engineUsable: boolean | undefined;
  private engine: (InflateRaw & EngineInternals) | undefined;
  private readonly useEngine: boolean;
  /**
   * Reused output for members below SCRATCH_BYTES: allocating one per member cost more than
   * inflating it. Taken from the shared pool and given back by close(), so that one wheel after
   * another reuses the same buffer.
   */
  private scratch: Buffer | undefined;

  constructor(options: { documentedApiOnly?: boolean } = {}) {
    RawInflater.engineUsable ??= checkEngine(createInflateRaw());
    this.useEngine = RawInflater.engineUsable && !options.documentedApiOnly;
  }

  /** The member's bytes: a view that the next call overwrites (copy what must outlive it). */
  inflate(data: Buffer, limit: number): Buffer {
    if (!this.useEngine) return inflateWithDocumentedApi(data, limit);
    const engine = (this.engine ??= newEngine());
    const handle = engine._handle!;
    handle.reset();
    // One byte more than allowed: a stream that fills it is too long.
    const output = limit < SCRATCH_BYTES ? (this.scratch ??= MIB_SCRATCH.take()).subarray(0, limit + 1) : Buffer.allocUnsafe(limit + 1);
    handle.writeSync(constants.Z_FINISH, data, 0, data.length, output, 0, output.length);
    if (engine.destroyed || !engine._handle) {
      // zlib reported an error: Node destroyed the engine with it; the next stream gets a new one.
      this.engine = undefined;
      throw engine.errored ?? new Error('zlib failed without a reason');
    }
    const produced = output.length - engine._writeState![0]!;
    if (produced > limit) throw new InflatedTooLargeError(limit);
    return output.subarray(0, produced);
  }

  /** Frees the zlib engine and gives the scratch buffer back; what inflate() returned is then invalid. */
  close(): void {
    this.engine?.close();
    this.engine = undefined;
    if (this.scratch) MIB_SCRATCH.giveBack(this.scratch);
    this.scratch = undefined;
  }
}

function checkEngine(engine: InflateRaw & EngineInternals): boolean {
  const usable = typeof engine._handle?.writeSync === 'function' && typeof engine._handle.reset === 'function' && engine._writeState instanceof Uint32Array && engine._writeState.length >= 2;
  engine.close();
  return usable;
}

const SCRATCH_BYTES = MIB_SCRATCH.bytes;

function newEngine(): InflateRaw & EngineInternals {
  const engine: InflateRaw & EngineInternals = createInflateRaw();
  // Node emits the error it destroyed the engine with on a later tick; inflate() has already thrown it.
  engine.on('error', () => {});
  return engine;
}

function inflateWithDocumentedApi(data: Buffer, limit: number): Buffer {
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
