import { Transform, type TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';
import { IntegrityError, LimitError } from '../errors.js';

const invalid = (message: string) => new IntegrityError('GZIP_FRAMING', `sdist: ${message}`);

/**
 * Sits before gunzip: checks the gzip header (deflate, no reserved flags, bounded optional
 * fields) and remembers the last 8 bytes of the file — the trailer of the last gzip member.
 */
export class GzipInputTap extends Transform {
  private head: Buffer[] = [];
  private headLength = 0;
  private headerChecked = false;
  private tail: Buffer = Buffer.alloc(0);
  compressedBytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.compressedBytes += chunk.length;
    this.tail = chunk.length >= 8 ? chunk.subarray(chunk.length - 8) : Buffer.concat([this.tail, chunk]).subarray(-8);
    if (!this.headerChecked) {
      this.head.push(chunk);
      this.headLength += chunk.length;
      if (this.headLength >= 10) {
        try {
          checkGzipHeader(Buffer.concat(this.head));
        } catch (error) {
          return callback(error as Error);
        }
        this.headerChecked = true;
        this.head = [];
      }
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    callback(this.headerChecked ? null : invalid('the file is too short to be gzip'));
  }

  /** CRC-32 and ISIZE from the final trailer. */
  trailer(): { crc: number; isize: number } {
    if (this.tail.length < 8) throw invalid('the file is too short to hold a gzip trailer');
    return { crc: this.tail.readUInt32LE(0), isize: this.tail.readUInt32LE(4) };
  }
}

function checkGzipHeader(head: Buffer): void {
  if (head[0] !== 0x1f || head[1] !== 0x8b) throw invalid('not a gzip file');
  if (head[2] !== 8) throw invalid(`gzip compression method ${head[2]}, expected 8 (deflate)`);
  if ((head[3]! & 0xe0) !== 0) throw invalid('reserved gzip header flags are set');
}

/**
 * Sits after gunzip: counts decompressed bytes against the limit (zlib streams ignore
 * maxOutputLength, T-11) and keeps a running CRC-32 of all output.
 */
export class DecompressedCounter extends Transform {
  bytes = 0;
  crc = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      return callback(new LimitError('LIMIT_DECOMPRESSED', `sdist: decompresses to more than ${this.maxBytes} bytes`));
    }
    this.crc = crc32(chunk, this.crc);
    callback(null, chunk);
  }
}

/**
 * Node's gunzip silently continues into a second gzip member. When there is exactly one member,
 * the file's final trailer describes all of the output: same CRC-32, same length mod 2^32. A
 * second member with any content breaks that (and the decompression limit is far below 4 GiB,
 * so the length cannot wrap), so this rejects multi-member files and trailing bytes (T-02, T-10).
 */
export function checkSingleMember(input: GzipInputTap, output: DecompressedCounter): void {
  const { crc, isize } = input.trailer();
  if (crc !== output.crc >>> 0 || isize !== output.bytes % 2 ** 32) {
    throw new IntegrityError('GZIP_MULTIMEMBER', 'sdist: the gzip file holds more than one member or bytes after its member (its final trailer does not describe all of its content)');
  }
}
