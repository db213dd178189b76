import type { ReasonCode } from '../../model/reasons.js';
import { IntegrityError, LimitError, quote } from '../../model/errors.js';
import type { Limits } from '../../model/limits.js';

/** One central-directory record, cross-checked against its local header. */
export interface ZipEntry {
  name: string;
  nameBytes: Buffer;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  /** Where the entry's (compressed) data starts, from its local header. */
  dataOffset: number;
  /** Permission bits when the archive was made on Unix, else undefined. */
  unixMode: number | undefined;
  isDirectory: boolean;
}

const EOCD_SIZE = 22;
const MAX_CENTRAL_DIRECTORY = 32 * 1024 * 1024;
const MAX_EXTRACT_VERSION = 63;
const SIG_EOCD = 0x06054b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const SIG_DESCRIPTOR = 0x08074b50;
/** Extra fields that give an entry a second name or ZIP64 sizes: the installer may read them differently (W-05, W-07). */
const REFUSED_EXTRA: Record<number, [ReasonCode, string]> = {
  0x7075: [
    'ZIP_NAME_AMBIGUOUS',
    'an Info-ZIP Unicode Path field (a second name; CPython 3.11 ignores it, yauzl and 3.12+ use it)',
  ],
  0x6375: ['ZIP_NAME_AMBIGUOUS', 'an Info-ZIP Unicode Comment field'],
  0x0001: ['ZIP_FRAMING', 'a ZIP64 field (wheels never need ZIP64)'],
};

const UTF8 = new TextDecoder('utf-8', { fatal: true });

const fail = (reason: ReasonCode, message: string, file?: string) =>
  new IntegrityError(reason, `wheel: ${message}`, file ? { file } : {});

/**
 * crosscheck's own reading of a zip's structure, independent of yauzl (threat catalog W-01…W-09):
 * the end record sits exactly at the end with no comment; the central directory ends exactly where
 * the end record starts and holds exactly the number of records the end record states; every
 * local header repeats its central record (name, flags, method, CRC, sizes); and local entries
 * tile the file from byte 0 to the central directory with no gap and no overlap — so no byte of
 * the file is unaccounted for, and no second reading of it can find another file.
 */
/** Reads `length` bytes at `position`; must fail rather than return fewer. */
export type ReadAt = (position: number, length: number) => Buffer | Promise<Buffer>;

export async function auditZipLayout(readAt: ReadAt, fileSize: number, limits: Limits): Promise<ZipEntry[]> {
  if (fileSize < EOCD_SIZE) throw fail('ZIP_FRAMING', `the file is ${fileSize} bytes, too short to be a zip`);
  const eocd = await readAt(fileSize - EOCD_SIZE, EOCD_SIZE);
  if (eocd.readUInt32LE(0) !== SIG_EOCD)
    throw fail(
      'ZIP_FRAMING',
      'the file does not end with a zip end-of-central-directory record (trailing data or a comment)',
    );
  const disk = eocd.readUInt16LE(4);
  const cdDisk = eocd.readUInt16LE(6);
  const entriesOnDisk = eocd.readUInt16LE(8);
  const entryCount = eocd.readUInt16LE(10);
  const cdSize = eocd.readUInt32LE(12);
  const cdOffset = eocd.readUInt32LE(16);
  const commentLength = eocd.readUInt16LE(20);
  if (commentLength !== 0) throw fail('ZIP_FRAMING', 'the end record has a comment');
  if (disk !== 0 || cdDisk !== 0 || entriesOnDisk !== entryCount) throw fail('ZIP_FRAMING', 'multi-disk zip');
  if (entryCount === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff)
    throw fail('ZIP_FRAMING', 'ZIP64 end records are not accepted in wheels');
  if (entryCount > limits.members)
    throw new LimitError('LIMIT_MEMBERS', `wheel: ${entryCount} members, over the ${limits.members} limit`);
  if (cdOffset + cdSize !== fileSize - EOCD_SIZE) {
    throw fail(
      'ZIP_CD_ACCOUNTING',
      `the central directory (offset ${cdOffset}, ${cdSize} bytes) does not end where the end record starts (${fileSize - EOCD_SIZE})`,
    );
  }
  if (cdSize > MAX_CENTRAL_DIRECTORY)
    throw new LimitError('LIMIT_EXCEEDED', `wheel: a ${cdSize}-byte central directory`);
  const cd = await readAt(cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  let pos = 0;
  let totalUncompressed = 0;
  while (pos < cd.length) {
    if (pos + 46 > cd.length || cd.readUInt32LE(pos) !== SIG_CENTRAL) {
      throw fail('ZIP_CD_ACCOUNTING', `central directory byte ${pos} is not the start of a central record`);
    }
    const madeBy = cd.readUInt16LE(pos + 4);
    const versionNeeded = cd.readUInt16LE(pos + 6);
    const flags = cd.readUInt16LE(pos + 8);
    const method = cd.readUInt16LE(pos + 10);
    const crc = cd.readUInt32LE(pos + 16);
    const compressedSize = cd.readUInt32LE(pos + 20);
    const uncompressedSize = cd.readUInt32LE(pos + 24);
    const nameLength = cd.readUInt16LE(pos + 28);
    const extraLength = cd.readUInt16LE(pos + 30);
    const entryCommentLength = cd.readUInt16LE(pos + 32);
    const diskStart = cd.readUInt16LE(pos + 34);
    const externalAttributes = cd.readUInt32LE(pos + 38);
    const localHeaderOffset = cd.readUInt32LE(pos + 42);
    const end = pos + 46 + nameLength + extraLength + entryCommentLength;
    if (end > cd.length)
      throw fail('ZIP_CD_ACCOUNTING', `central record ${entries.length + 1} runs past the central directory`);
    const nameBytes = Buffer.from(cd.subarray(pos + 46, pos + 46 + nameLength));
    const name = decodeZipName(nameBytes, flags);
    checkExtraFields(cd.subarray(pos + 46 + nameLength, pos + 46 + nameLength + extraLength), name);
    if (diskStart !== 0) throw fail('ZIP_FRAMING', `${name} starts on another disk`, name);
    if (flags & 0x0001 || flags & 0x0040 || flags & 0x2000) throw fail('ZIP_ENCRYPTED', `${name} is encrypted`, name);
    // CPython's zipfile refuses these (found by fuzzing): accepting them would pass what pip cannot install.
    if (versionNeeded > MAX_EXTRACT_VERSION)
      throw fail(
        'ZIP_FRAMING',
        `${name} needs zip version ${versionNeeded / 10}; installers support up to ${MAX_EXTRACT_VERSION / 10}`,
        name,
      );
    if (flags & 0x0020) throw fail('ZIP_METHOD', `${name} is compressed patched data`, name);
    if (method !== 0 && method !== 8)
      throw fail(
        'ZIP_METHOD',
        `${name} uses compression method ${method}; only stored (0) and deflate (8) are accepted`,
        name,
      );
    if (method === 0 && compressedSize !== uncompressedSize)
      throw fail('ZIP_SIZE', `${name} is stored but its sizes differ (${compressedSize} vs ${uncompressedSize})`, name);
    if (compressedSize > limits.memberBytes)
      throw new LimitError(
        'LIMIT_EXCEEDED',
        `wheel: ${name} is ${compressedSize} bytes compressed, over the ${limits.memberBytes}-byte member limit`,
        { file: name },
      );
    if (uncompressedSize > limits.memberBytes)
      throw new LimitError(
        'LIMIT_EXCEEDED',
        `wheel: ${name} is ${uncompressedSize} bytes, over the ${limits.memberBytes}-byte member limit`,
        { file: name },
      );
    if (uncompressedSize > 1024 * 1024 && uncompressedSize / Math.max(compressedSize, 1) > limits.compressionRatio) {
      throw new LimitError(
        'LIMIT_RATIO',
        `wheel: ${name} expands ${Math.round(uncompressedSize / Math.max(compressedSize, 1))}:1, over the ${limits.compressionRatio}:1 limit`,
        { file: name },
      );
    }
    totalUncompressed += uncompressedSize;
    if (totalUncompressed > limits.decompressedBytes)
      throw new LimitError('LIMIT_DECOMPRESSED', `wheel: decompresses to more than ${limits.decompressedBytes} bytes`);
    const isDirectory = name.endsWith('/');
    if (isDirectory && uncompressedSize !== 0) throw fail('ZIP_SIZE', `directory ${name} declares content`, name);
    // The Unix file type of the external attributes: bdist_wheel writes regular files (0 or S_IFREG); an installer honouring S_IFLNK would make a link.
    const unixType = madeBy >> 8 === 3 ? (externalAttributes >>> 16) & 0o170000 : 0;
    if (unixType !== 0 && unixType !== (isDirectory ? 0o040000 : 0o100000) && !(isDirectory && unixType === 0o100000)) {
      throw fail(
        'ARCHIVE_MEMBER_TYPE',
        `${name} is typed ${unixType === 0o120000 ? 'a symbolic link' : unixType === 0o040000 ? 'a directory' : `0o${unixType.toString(8)}`} in its external attributes; a wheel holds regular files only`,
        name,
      );
    }
    entries.push({
      name,
      nameBytes,
      flags,
      method,
      crc,
      compressedSize,
      uncompressedSize,
      localHeaderOffset,
      dataOffset: -1,
      unixMode: madeBy >> 8 === 3 ? (externalAttributes >>> 16) & 0o7777 : undefined,
      isDirectory,
    });
    pos = end;
  }
  if (entries.length !== entryCount) {
    throw fail(
      'ZIP_CD_ACCOUNTING',
      `the end record counts ${entryCount} entries but the central directory holds ${entries.length} (an installer would see the difference)`,
    );
  }
  await checkLocalHeaders(readAt, entries, cdOffset);
  return entries;
}

async function checkLocalHeaders(readAt: ReadAt, entries: ZipEntry[], cdOffset: number): Promise<void> {
  const byOffset = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  let expectedStart = 0;
  for (const entry of byOffset) {
    const { name } = entry;
    if (entry.localHeaderOffset < expectedStart)
      throw fail('ZIP_OVERLAP', `${name} overlaps the entry before it`, name);
    if (entry.localHeaderOffset > expectedStart) {
      throw fail(
        'ZIP_FRAMING',
        `${entry.localHeaderOffset - expectedStart} unaccounted bytes before ${name} (at ${expectedStart})`,
        name,
      );
    }
    const header = await readAt(entry.localHeaderOffset, 30);
    if (header.readUInt32LE(0) !== SIG_LOCAL)
      throw fail('ZIP_LFH_CD_MISMATCH', `no local header where the central directory places ${name}`, name);
    const flags = header.readUInt16LE(6);
    const method = header.readUInt16LE(8);
    const crc = header.readUInt32LE(14);
    const compressedSize = header.readUInt32LE(18);
    const uncompressedSize = header.readUInt32LE(22);
    const nameLength = header.readUInt16LE(26);
    const extraLength = header.readUInt16LE(28);
    const variable = await readAt(entry.localHeaderOffset + 30, nameLength + extraLength);
    const mismatch = (what: string) =>
      fail('ZIP_LFH_CD_MISMATCH', `${name}: the local header's ${what} differs from the central directory's`, name);
    if (!variable.subarray(0, nameLength).equals(entry.nameBytes))
      throw mismatch(`name (${quote(variable.subarray(0, nameLength).toString('latin1'))})`);
    checkExtraFields(variable.subarray(nameLength), name);
    if (flags !== entry.flags) throw mismatch('flags');
    if (method !== entry.method) throw mismatch('compression method');
    const descriptor = (flags & 0x0008) !== 0;
    if (
      !descriptor &&
      (crc !== entry.crc || compressedSize !== entry.compressedSize || uncompressedSize !== entry.uncompressedSize)
    ) {
      throw mismatch('CRC or sizes');
    }
    if (
      descriptor &&
      ((crc !== 0 && crc !== entry.crc) ||
        (compressedSize !== 0 && compressedSize !== entry.compressedSize) ||
        (uncompressedSize !== 0 && uncompressedSize !== entry.uncompressedSize))
    ) {
      throw mismatch('CRC or sizes');
    }
    entry.dataOffset = entry.localHeaderOffset + 30 + nameLength + extraLength;
    let end = entry.dataOffset + entry.compressedSize;
    if (descriptor) {
      const dd = await readAt(end, 16);
      const offset = dd.readUInt32LE(0) === SIG_DESCRIPTOR ? 4 : 0;
      if (
        dd.readUInt32LE(offset) !== entry.crc ||
        dd.readUInt32LE(offset + 4) !== entry.compressedSize ||
        dd.readUInt32LE(offset + 8) !== entry.uncompressedSize
      ) {
        throw mismatch('data descriptor');
      }
      end += offset + 12;
    }
    expectedStart = end;
  }
  if (expectedStart !== cdOffset) {
    throw fail(
      expectedStart > cdOffset ? 'ZIP_OVERLAP' : 'ZIP_FRAMING',
      `the last entry ends at ${expectedStart}, the central directory starts at ${cdOffset}`,
    );
  }
}

function decodeZipName(bytes: Buffer, flags: number): string {
  // Control bytes decode differently by reader (CPython's cp437 keeps them, yauzl's shows IBM
  // glyphs), and never belong in a file name.
  if (bytes.some((b) => b < 0x20 || b === 0x7f)) {
    throw new IntegrityError(
      'ARCHIVE_PATH_INVALID',
      `wheel: member name ${quote(bytes.toString('latin1'))} holds a control character`,
    );
  }
  if (flags & 0x0800) {
    try {
      return UTF8.decode(bytes);
    } catch {
      throw fail('ZIP_PATH_INVALID', `a name flagged UTF-8 is not valid UTF-8: ${quote(bytes.toString('latin1'))}`);
    }
  }
  if (bytes.some((b) => b >= 0x80)) {
    throw fail(
      'ZIP_NAME_AMBIGUOUS',
      `non-ASCII name without the UTF-8 flag (${quote(bytes.toString('latin1'))}): installers may decode it differently`,
    );
  }
  return bytes.toString('latin1');
}

function checkExtraFields(extra: Buffer, name: string): void {
  let pos = 0;
  while (pos < extra.length) {
    if (pos + 4 > extra.length) throw fail('ZIP_FRAMING', `${name}: truncated extra field`, name);
    const id = extra.readUInt16LE(pos);
    const length = extra.readUInt16LE(pos + 2);
    if (pos + 4 + length > extra.length)
      throw fail('ZIP_FRAMING', `${name}: extra field 0x${id.toString(16)} runs past its area`, name);
    const refused = REFUSED_EXTRA[id];
    if (refused) throw fail(refused[0], `${name} carries ${refused[1]}`, name);
    pos += 4 + length;
  }
}
