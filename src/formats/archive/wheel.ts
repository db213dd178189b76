import { setImmediate as turnOfEventLoop } from 'node:timers/promises';
import { closeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { IntegrityError } from '../../model/errors.js';
import type { Limits } from '../../model/limits.js';
import { openRegularFile } from '../../io/local-files.js';
import {
  type ArchiveListing,
  type ArchiveMember,
  type KeepPredicate,
  MemberHasher,
  EMPTY_BLOB_ID,
  EMPTY_SHA256,
} from './member.js';
import { PathRegistry, validatePath } from './paths.js';
import { BlockReader } from './block-reader.js';
import { auditZipLayout, type ZipEntry } from './zip-layout.js';
import { InflatedTooLargeError, RawInflater } from './raw-inflater.js';

/**
 * Reads a wheel from its cached file: crosscheck's own structural audit (zip-layout.ts), then
 * every entry inflated from its audited offset, with its CRC-32 and size checked exactly (W-08).
 *
 * yauzl used to list the central directory a second time at run time and had to agree entry by
 * entry; with its name checks it cost 4-7 % of one Django-sized release's CPU (and TurboFan time
 * compiling its reader), and every name it refused the path checks refuse too. It now checks the
 * audit in the hostile-archive tests and on every fuzz mutant the audit accepts, as tar-stream
 * does for sdists, instead of on every run.
 */
export async function readWheel(
  path: string,
  limits: Limits,
  keep: KeepPredicate = () => false,
  options: { only?: (path: string) => boolean } = {},
): Promise<ArchiveListing> {
  const { fd, size } = openRegularFile(path);
  try {
    const reader = new BlockReader(fd, size);
    const audited = await auditZipLayout((position, length) => reader.read(position, length), size, limits);
    return await readEntries(reader, audited, limits, keep, options.only);
  } finally {
    closeSync(fd);
  }
}

/** How much a wheel read inflates between two turns of the event loop. */
const YIELD_EVERY_BYTES = 256 * 1024;

/**
 * Inflates each audited entry from its audited offset, and checks its size and CRC-32 exactly.
 */
async function readEntries(
  reader: BlockReader,
  audited: ZipEntry[],
  limits: Limits,
  keep: KeepPredicate,
  only?: (path: string) => boolean,
): Promise<ArchiveListing> {
  const registry = new PathRegistry('wheel');
  const members: ArchiveMember[] = [];
  const kept = new Map<string, Buffer>();
  let inflatedSinceYield = 0;
  const inflater = new RawInflater();
  try {
    for (const expected of audited) {
      const type = expected.isDirectory ? 'directory' : 'file';
      const path = validatePath(expected.name, 'wheel', limits);
      registry.add(path, type);
      if (only && !only(path)) continue;
      const mode = expected.unixMode ?? (type === 'directory' ? 0o755 : 0o644);
      if (type === 'directory') {
        members.push({ path, type, mode, size: 0, sha256: EMPTY_SHA256, blobId: EMPTY_BLOB_ID });
        continue;
      }
      const hasher = new MemberHasher(
        expected.uncompressedSize,
        keep(path) && expected.uncompressedSize <= limits.metadataFileBytes,
      );
      // Inflating is synchronous: without a turn of the event loop now and then, a wheel read
      // would starve a concurrent sdist read, whose gunzip (on the thread pool) would then wait
      // for the main thread instead of running beside it.
      if (inflatedSinceYield >= YIELD_EVERY_BYTES) {
        inflatedSinceYield = 0;
        await turnOfEventLoop();
      }
      const content = inflate(inflater, reader.read(expected.dataOffset, expected.compressedSize), expected);
      inflatedSinceYield += content.length;
      hasher.update(content);
      const crc = crc32(content);
      const digest = hasher.finish();
      if (digest.size !== expected.uncompressedSize) {
        throw new IntegrityError(
          'ZIP_SIZE',
          `wheel: ${path} declares ${expected.uncompressedSize} bytes and holds ${digest.size}`,
          { file: path },
        );
      }
      if (crc >>> 0 !== expected.crc) {
        throw new IntegrityError('ZIP_CRC', `wheel: ${path} fails its CRC-32 check (pip would refuse it)`, {
          file: path,
          expected: expected.crc.toString(16),
          actual: (crc >>> 0).toString(16),
        });
      }
      if (digest.content) kept.set(path, digest.content);
      members.push({ path, type, mode, size: digest.size, sha256: digest.sha256, blobId: digest.blobId });
    }
  } finally {
    inflater.close();
  }
  registry.checkFileDirectoryConflicts();
  return { members, kept, ...(only ? { complete: false } : {}) };
}

function inflate(inflater: RawInflater, data: Buffer, entry: ZipEntry): Buffer {
  if (entry.method === 0) return data;
  try {
    return inflater.inflate(data, entry.uncompressedSize);
  } catch (error) {
    if (error instanceof InflatedTooLargeError)
      throw new IntegrityError(
        'ZIP_SIZE',
        `wheel: ${entry.name} inflates to more than its declared ${entry.uncompressedSize} bytes`,
        { file: entry.name },
      );
    throw new IntegrityError('ZIP_FRAMING', `wheel: ${entry.name} does not inflate (${(error as Error).message})`, {
      file: entry.name,
    });
  }
}
