import fs, { constants } from 'node:fs';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { CrosscheckError, IntegrityError, LimitError } from '../errors.js';
import type { Limits } from '../limits.js';
import { type ArchiveListing, type ArchiveMember, type KeepPredicate, MemberHasher, EMPTY_BLOB_ID, EMPTY_SHA256 } from './member.js';
import { PathRegistry, validatePath } from './paths.js';
import { auditZipLayout } from './zip-layout.js';

/**
 * Reads a wheel from its cached file: crosscheck's own structural audit first (zip-layout.ts),
 * then yauzl for decompression, with yauzl's entry list required to equal the audited one and
 * every member's CRC-32 and size checked (yauzl checks neither CRC nor local headers, W-08).
 */
export async function readWheel(path: string, limits: Limits, keep: KeepPredicate = () => false): Promise<ArchiveListing> {
  const fd = await openFd(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  let zip: yauzl.ZipFile | undefined;
  try {
    const { size } = await fstat(fd);
    const audited = await auditZipLayout((position, length) => readExactly(fd, position, length), size, limits);
    // yauzl takes over the descriptor: closing the ZipFile closes it.
    zip = await yauzl.fromFdPromise(fd, { lazyEntries: true, autoClose: false, decodeStrings: true, strictFileNames: true, validateEntrySizes: true }).catch(wrapYauzl);
    return await readEntries(zip, audited, limits, keep);
  } finally {
    if (zip) zip.close();
    else await closeFd(fd);
  }
}

const openFd = promisify(fs.open);
const fstat = promisify(fs.fstat);
const closeFd = promisify(fs.close);
const readFd = promisify(fs.read);

async function readExactly(fd: number, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await readFd(fd, buffer, 0, length, position);
  if (bytesRead !== length) throw new IntegrityError('ZIP_FRAMING', `wheel: the file ends at ${position + bytesRead} while ${length} bytes at ${position} were expected`);
  return buffer;
}

async function readEntries(zip: yauzl.ZipFile, audited: Awaited<ReturnType<typeof auditZipLayout>>, limits: Limits, keep: KeepPredicate): Promise<ArchiveListing> {
  if (zip.entryCount !== audited.length) {
    throw new IntegrityError('ZIP_CD_ACCOUNTING', `wheel: yauzl counts ${zip.entryCount} entries, the audit ${audited.length}`);
  }
  const registry = new PathRegistry('wheel');
  const members: ArchiveMember[] = [];
  const kept = new Map<string, Buffer>();
  let index = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      const expected = audited[index++];
      if (!expected || entry.fileName !== expected.name || entry.compressedSize !== expected.compressedSize || entry.uncompressedSize !== expected.uncompressedSize || entry.crc32 !== expected.crc) {
        throw new IntegrityError('ZIP_PARSER_DISAGREEMENT', `wheel: entry ${index} reads as ${JSON.stringify(entry.fileName)} to yauzl and as ${JSON.stringify(expected?.name)} to the audit`);
      }
      const type = expected.isDirectory ? 'directory' : 'file';
      const path = validatePath(expected.name, 'wheel', limits);
      registry.add(path, type);
      const mode = expected.unixMode ?? (type === 'directory' ? 0o755 : 0o644);
      if (type === 'directory') {
        members.push({ path, type, mode, size: 0, sha256: EMPTY_SHA256, blobId: EMPTY_BLOB_ID });
        continue;
      }
      const hasher = new MemberHasher(expected.uncompressedSize, keep(path) && expected.uncompressedSize <= limits.metadataFileBytes);
      let crc = 0;
      const stream = await zip.openReadStreamPromise(entry);
      for await (const chunk of stream) {
        hasher.update(chunk as Buffer);
        crc = crc32(chunk as Buffer, crc);
      }
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
  }
  if (index !== audited.length) throw new IntegrityError('ZIP_PARSER_DISAGREEMENT', `wheel: yauzl listed ${index} entries, the audit ${audited.length}`);
  registry.checkFileDirectoryConflicts();
  return { members, kept };
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
