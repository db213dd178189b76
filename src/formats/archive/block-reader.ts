import { readSync } from 'node:fs';
import { IntegrityError } from '../../model/errors.js';

const BLOCK = 1024 * 1024;
const KEPT_BLOCKS = 4;

/**
 * Random access to a cached file through a few 1 MiB blocks: a zip is read mostly front to back
 * (local headers and data in order), so a handful of large reads replace thousands of small ones,
 * and memory stays at a few blocks whatever the archive's size.
 */
export class BlockReader {
  private readonly blocks = new Map<number, Buffer>();

  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  /**
   * The bytes at `position`: a view into a block when they lie within one (do not modify it).
   * Blocks are read synchronously (see openRegularFile): a wheel needs thousands of reads, nearly
   * all within a block already read, and a few dozen block reads.
   */
  read(position: number, length: number): Buffer {
    if (position < 0 || length < 0 || position + length > this.size) {
      throw new IntegrityError(
        'ZIP_FRAMING',
        `wheel: ${length} bytes at ${position} lie outside the ${this.size}-byte file`,
      );
    }
    const first = Math.floor(position / BLOCK);
    const from = position - first * BLOCK;
    if (from + length <= BLOCK) return this.block(first).subarray(from, from + length);
    return this.readAcrossBlocks(position, length);
  }

  private readAcrossBlocks(position: number, length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    let copied = 0;
    while (copied < length) {
      const at = position + copied;
      const index = Math.floor(at / BLOCK);
      const block = this.block(index);
      const from = at - index * BLOCK;
      copied += block.copy(out, copied, from, Math.min(block.length, from + (length - copied)));
    }
    return out;
  }

  private block(index: number): Buffer {
    const cached = this.blocks.get(index);
    if (cached) return cached;
    const start = index * BLOCK;
    const length = Math.min(BLOCK, this.size - start);
    const buffer = Buffer.allocUnsafe(length);
    const bytesRead = readSync(this.fd, buffer, 0, length, start);
    if (bytesRead !== length) throw new IntegrityError('ZIP_FRAMING', `wheel: the file changed while it was read`);
    if (this.blocks.size >= KEPT_BLOCKS) this.blocks.delete(this.blocks.keys().next().value!);
    this.blocks.set(index, buffer);
    return buffer;
  }
}
