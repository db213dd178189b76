import { setImmediate as turnOfEventLoop } from 'node:timers/promises';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { CrosscheckError, IntegrityError, LimitError } from '../errors.js';
import type { Limits } from '../limits.js';
import { type ArchiveListing, type ArchiveMember, type KeepPredicate, MemberHasher, EMPTY_BLOB_ID, EMPTY_SHA256 } from './member.js';
import { PathRegistry, validatePath } from './paths.js';
import { BlockReader } from './block-reader.js';
import { closeCachedFile, openCachedFile } from './cached-file.js';
import { auditZipLayout, type ZipEntry } from './zip-layout.js';
import { InflatedTooLargeError, RawInflater } from './raw-inflater.js';

/**
 * Reads a wheel from its cached file: crosscheck's own structural audit first (zip-layout.ts),
 * then yauzl for decompression, with yauzl's entry list required to equal the audited one and
 * every member's CRC-32 and size checked (yauzl checks neither CRC nor local headers, W-08).
 */
export async function readWheel(path: string, limits: Limits, keep: KeepPredicate = () => false, options: { only?: (path: string) => boolean } = {}): Promise<ArchiveListing> {
  const { fd, size } = await openCachedFile(path);
  try {
    const reader = new BlockReader(fd, size);
    const audited = await auditZipLayout((position, length) => reader.read(position, length), size, limits);
    const zip = await yauzl
      .fromRandomAccessReaderPromise(reader.forYauzl(), size, { lazyEntries: true, autoClose: false, decodeStrings: true, strictFileNames: true, validateEntrySizes: true })
      .catch(wrapYauzl);
    return await readEntries(zip, reader, audited, limits, keep, options.only);
  } finally {
    await closeCachedFile(fd);
  }
}

/** How much a wheel read inflates between two turns of the event loop. */
const YIELD_EVERY_BYTES = 256 * 1024;

/**
 * yauzl lists the entries (and validates their names); each must match the audit. The data is
 * inflated here, from the audited offset, and its size and CRC-32 checked exactly — yauzl checks
 * no CRC, and per-entry streams cost more than the inflation itself.
 */
async function readEntries(zip: yauzl.ZipFile, reader: BlockReader, audited: ZipEntry[], limits: Limits, keep: KeepPredicate, only?: (path: string) => boolean): Promise<ArchiveListing> {
  if (zip.entryCount !== audited.length) {
    throw new IntegrityError('ZIP_CD_ACCOUNTING', `wheel: yauzl counts ${zip.entryCount} entries, the audit ${audited.length}`);
  }
  const registry = new PathRegistry('wheel');
  const members: ArchiveMember[] = [];
  const kept = new Map<string, Buffer>();
  let index = 0;
  let inflatedSinceYield = 0;
  const inflater = new RawInflater();
  try {
    for await (const entry of zip.eachEntry()) {
      const expected = audited[index++];
      if (!expected || entry.fileName !== expected.name || entry.compressedSize !== expected.compressedSize || entry.uncompressedSize !== expected.uncompressedSize || entry.crc32 !== expected.crc) {
        throw new IntegrityError('ZIP_PARSER_DISAGREEMENT', `wheel: entry ${index} reads as ${JSON.stringify(entry.fileName)} to yauzl and as ${JSON.stringify(expected?.name)} to the audit`);
      }
      const type = expected.isDirectory ? 'directory' : 'file';
      const path = validatePath(expected.name, 'wheel', limits);
      registry.add(path, type);
      if (only && !only(path)) continue;
      const mode = expected.unixMode ?? (type === 'directory' ? 0o755 : 0o644);
      if (type === 'directory') {
        members.push({ path, type, mode, size: 0, sha256: EMPTY_SHA256, blobId: EMPTY_BLOB_ID });
        continue;
      }
      const hasher = new MemberHasher(expected.uncompressedSize, keep(path) && expected.uncompressedSize <= limits.metadataFileBytes);
      // Inflating is synchronous and the entry iteration resolves at once: without a turn of the
      // event loop now and then, a wheel read would starve a concurrent sdist read, whose gunzip
      // (on the thread pool) would then wait for the main thread instead of running beside it.
      if (inflatedSinceYield >= YIELD_EVERY_BYTES) {
        inflatedSinceYield = 0;
        await turnOfEventLoop();
      }
      const content = inflate(inflater, await reader.read(expected.dataOffset, expected.compressedSize), expected);
      inflatedSinceYield += content.length;
      hasher.update(content);
      const crc = crc32(content);
      const digest = hasher.finish();
      if (digest.size !== expected.uncompressedSize) {
        throw new IntegrityError('ZIP_SIZE', `wheel: ${path} declares ${expected.uncompressedSize} bytes and holds ${digest.size}`, { file: path });
      }
      if (crc >>> 0 !== expected.crc) {
        throw new IntegrityError('ZIP_CRC', `wheel: ${path} fails its CRC-32 check (pip would refuse it)`, { file: path, expected: expected.crc.toString(16), actual: (crc >>> 0).toString(16) });
      }
      if (digest.content) kept.set(path, digest.content);
      members.push({ path, type, mode, size: digest.size, sha256: digest.sha256, blobId: digest.blobId });
    }
  } catch (error) {
    wrapYauzl(error);
  } finally {
    inflater.close();
  }
  if (index !== audited.length) throw new IntegrityError('ZIP_PARSER_DISAGREEMENT', `wheel: yauzl listed ${index} entries, the audit ${audited.length}`);
  registry.checkFileDirectoryConflicts();
  return { members, kept, ...(only ? { complete: false } : {}) };
}

function inflate(inflater: RawInflater, data: Buffer, entry: ZipEntry): Buffer {
  if (entry.method === 0) return data;
  try {
    return inflater.inflate(data, entry.uncompressedSize);
  } catch (error) {
    if (error instanceof InflatedTooLargeError) throw new IntegrityError('ZIP_SIZE', `wheel: ${entry.name} inflates to more than its declared ${entry.uncompressedSize} bytes`, { file: entry.name });
    throw new IntegrityError('ZIP_FRAMING', `wheel: ${entry.name} does not inflate (${(error as Error).message})`, { file: entry.name });
  }
}

function wrapYauzl(error: unknown): never {
  if (error instanceof CrosscheckError) throw error;
  const message = (error as Error)?.message ?? String(error);
  if (/invalid relative path|absolute path|invalid characters in fileName|backslash/i.test(message)) {
    throw new IntegrityError('ZIP_PATH_INVALID', `wheel: ${message}`);
  }
  if (/too many bytes|too few bytes/i.test(message)) throw new IntegrityError('ZIP_SIZE', `wheel: ${message}`);
  if (/exceed|too large/i.test(message)) throw new LimitError('LIMIT_EXCEEDED', `wheel: ${message}`);
  throw new IntegrityError('ZIP_FRAMING', `wheel: ${message}`);
}
