import { Transform, type TransformCallback } from 'node:stream';
import { IntegrityError, LimitError } from '../../model/errors.js';

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

  /** ISIZE from the final trailer: the length, mod 2^32, of what the last member holds. */
  finalLength(): number {
    if (this.tail.length < 8) throw invalid('the file is too short to hold a gzip trailer');
    return this.tail.readUInt32LE(4);
  }
}

function checkGzipHeader(head: Buffer): void {
  if (head[0] !== 0x1f || head[1] !== 0x8b) throw invalid('not a gzip file');
  if (head[2] !== 8) throw invalid(`gzip compression method ${head[2]}, expected 8 (deflate)`);
  if ((head[3]! & 0xe0) !== 0) throw invalid('reserved gzip header flags are set');
}

/**
 * Sits after gunzip: counts decompressed bytes against the limit (zlib streams ignore
 * maxOutputLength, T-11).
 */
export class DecompressedCounter extends Transform {
  bytes = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      return callback(new LimitError('LIMIT_DECOMPRESSED', `sdist: decompresses to more than ${this.maxBytes} bytes`));
    }
    callback(null, chunk);
  }
}

/**
 * Node's gunzip silently continues into a second gzip member. zlib checks each member against
 * its own trailer (CRC-32 and length), so the file's last 8 bytes, when they are a trailer,
 * describe the last member; their length equals all of the output only when every member before
 * it is empty (the decompression limit is far below 4 GiB, so the length cannot wrap). So this
 * rejects a second member after one with content, and bytes after the member (T-02, T-10). A
 * running CRC-32 of all the output, compared as well, rejected nothing more: zlib has already
 * checked the last member's CRC-32, and the output is that member's whenever the lengths agree.
 */
export function checkSingleMember(input: GzipInputTap, output: DecompressedCounter): void {
  if (input.finalLength() !== output.bytes % 2 ** 32) {
    throw new IntegrityError(
      'GZIP_MULTIMEMBER',
      'sdist: the gzip file holds more than one member or bytes after its member (its final trailer does not describe all of its content)',
    );
  }
}
