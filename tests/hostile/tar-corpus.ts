import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import {
  BLOCK,
  endOfArchive,
  type HeaderFields,
  padToBlock,
  paxHeader,
  tarHeader,
  tarMember,
  writeChecksum,
} from '../../fixtures/archive/tar-writer.js';

/**
 * The hostile sdist corpus (threat catalog T-01…T-11), built byte by byte from code. Each case
 * names the catalog entry, the archive, and what crosscheck must answer: a reason code, or
 * `accept` for the controls (which then must list exactly what CPython's tarfile lists).
 */
export interface ArchiveCase {
  id: string;
  catalog: string;
  bytes: () => Buffer;
  expect: string;
  /** Limits tighter than the defaults, so bombs stay small in a test. */
  limits?: Record<string, number>;
}

const TOP = 'pkg-1.0';
const file = (name: string, content: string | Buffer, extra: Partial<HeaderFields> = {}) =>
  tarMember(
    { name, mode: 0o644, mtime: 1700000000, ...extra },
    typeof content === 'string' ? Buffer.from(content) : content,
  );
const dir = (name: string) => tarMember({ name: `${name}/`, mode: 0o755, mtime: 1700000000, typeflag: '5' });
const base = () => [
  dir(TOP),
  file(`${TOP}/PKG-INFO`, 'Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\n'),
  file(`${TOP}/pkg/__init__.py`, ''),
  file(`${TOP}/pkg/a.py`, 'print("a")\n'),
];
const tar = (...parts: Buffer[]) => {
  const body = Buffer.concat(parts);
  return Buffer.concat([body, endOfArchive(body.length)]);
};
const gz = (data: Buffer) => gzipSync(data);
const sdist = (...extra: Buffer[]) => gz(tar(...base(), ...extra));

/** A header block with one field replaced after the checksum was computed (and recomputed unless asked not to). */
function patched(fields: HeaderFields, offset: number, raw: string, keepChecksum = false): Buffer {
  const block = tarHeader(fields);
  block.write(raw, offset, 'latin1');
  if (!keepChecksum) writeChecksum(block);
  return block;
}

/** A valid single-member gzip of `prefix` + `size` zero bytes: a small file that expands hugely. */
function gzipOfZeros(prefix: Buffer, size: number): Buffer {
  const raw = Buffer.concat([prefix, Buffer.alloc(size)]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(raw) >>> 0, 0);
  trailer.writeUInt32LE(raw.length % 2 ** 32, 4);
  return Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), deflateRawSync(raw, { level: 9 }), trailer]);
}

export const TAR_CASES: ArchiveCase[] = [
  { id: 'a well-formed sdist', catalog: 'control', bytes: () => sdist(), expect: 'accept' },
  {
    id: 'trailing zero padding after the end of the archive',
    catalog: 'T-02 control',
    bytes: () => gz(Buffer.concat([tar(...base()), Buffer.alloc(4 * BLOCK)])),
    expect: 'accept',
  },
  {
    id: 'a pax global header with only a comment (git archive)',
    catalog: 'T-03 control',
    bytes: () => gz(tar(paxHeader({ comment: 'a'.repeat(40) }, 'g'), ...base())),
    expect: 'accept',
  },
  {
    id: 'a GNU long name',
    catalog: 'T-04 control',
    bytes: () =>
      sdist(
        gnuLongName(`${TOP}/pkg/${'long_'.repeat(30)}.py`),
        file('././@LongLink-target', 'long\n', { magic: 'gnu' }),
      ),
    expect: 'accept',
  },
  {
    id: 'an all-digit pax path',
    catalog: 'T-05',
    bytes: () => sdist(paxHeader({ path: `${TOP}/12345` }), file(`${TOP}/x`, 'digits\n')),
    expect: 'accept',
  },

  {
    id: 'a duplicate member name',
    catalog: 'T-01',
    bytes: () => sdist(file(`${TOP}/pkg/a.py`, 'print("evil")\n')),
    expect: 'ARCHIVE_DUPLICATE_PATH',
  },
  {
    id: 'a file that is also a directory',
    catalog: 'T-01',
    bytes: () => sdist(file(`${TOP}/pkg/a.py/b.py`, 'x\n')),
    expect: 'ARCHIVE_DUPLICATE_PATH',
  },
  {
    id: 'a member after the end-of-archive marker',
    catalog: 'T-02',
    bytes: () => gz(Buffer.concat([tar(...base()), file(`${TOP}/pkg/hidden.py`, 'evil\n')])),
    expect: 'TAR_DATA_AFTER_EOA',
  },
  {
    id: 'a member after a lone zero block',
    catalog: 'T-02',
    bytes: () => gz(tar(...base(), Buffer.alloc(BLOCK), file(`${TOP}/pkg/hidden.py`, 'evil\n'))),
    expect: 'TAR_DATA_AFTER_EOA',
  },
  {
    id: 'a second gzip member holding a hidden file',
    catalog: 'T-02',
    bytes: () => Buffer.concat([sdist(), gz(tar(file(`${TOP}/pkg/second.py`, 'evil\n')))]),
    expect: 'TAR_DATA_AFTER_EOA',
  },
  {
    id: 'zeros after the end-of-archive marker that stop inside a block',
    catalog: 'T-02',
    bytes: () => gz(Buffer.concat([tar(...base()), Buffer.alloc(100)])),
    expect: 'ARCHIVE_TRUNCATED',
  },
  {
    id: 'a second gzip member of zeros',
    catalog: 'T-02',
    bytes: () => Buffer.concat([sdist(), gz(Buffer.alloc(BLOCK))]),
    expect: 'GZIP_MULTIMEMBER',
  },
  // Accepted, and held to the second parsers: an empty member adds no byte, so every reader of
  // multi-member gzip (CPython's gzip, Node's gunzip) sees the same archive.
  {
    id: 'an empty gzip member before the sdist',
    catalog: 'T-02 control',
    bytes: () => Buffer.concat([gz(Buffer.alloc(0)), sdist()]),
    expect: 'accept',
  },
  {
    id: 'a pax global header with a path',
    catalog: 'T-03',
    bytes: () => gz(tar(dir(TOP), paxHeader({ path: `${TOP}/pkg/evil.py` }, 'g'), file(`${TOP}/pkg/benign.py`, 'x\n'))),
    expect: 'TAR_PAX_GLOBAL',
  },
  {
    id: 'a pax global header then a local one',
    catalog: 'T-03',
    bytes: () =>
      gz(tar(dir(TOP), paxHeader({ uid: '0' }, 'g'), paxHeader({ mtime: '1' }), file(`${TOP}/pkg/b.py`, 'x\n'))),
    expect: 'TAR_PAX_GLOBAL',
  },
  {
    id: 'a GNU long name and a pax path on one member',
    catalog: 'T-04',
    bytes: () =>
      sdist(
        gnuLongName(`${TOP}/pkg/from_gnu.py`),
        paxHeader({ path: `${TOP}/pkg/from_pax.py` }),
        file(`${TOP}/pkg/short.py`, 'x\n'),
      ),
    expect: 'TAR_NAME_CONFLICT',
  },
  {
    id: 'a non-numeric pax size',
    catalog: 'T-05',
    bytes: () => sdist(paxHeader({ size: '12abc' }), file(`${TOP}/pkg/b.py`, 'print(12)\n')),
    expect: 'TAR_PAX_NUMERIC',
  },
  {
    id: 'a pax size that disagrees with the header',
    catalog: 'T-05',
    bytes: () => sdist(paxHeader({ size: '2048' }), file(`${TOP}/pkg/b.py`, 'x\n')),
    expect: 'TAR_PAX_SIZE',
  },
  {
    id: 'a malformed pax record length',
    catalog: 'T-05',
    bytes: () => sdist(rawPax(Buffer.from('99 path=x\n')), file(`${TOP}/pkg/b.py`, 'x\n')),
    expect: 'TAR_PAX_RECORD',
  },
  {
    id: 'a pax hdrcharset keyword',
    catalog: 'T-05',
    bytes: () => sdist(paxHeader({ hdrcharset: 'BINARY' }), file(`${TOP}/pkg/b.py`, 'x\n')),
    expect: 'TAR_PAX_KEY',
  },
  {
    id: 'an invalid octal size on the second member',
    catalog: 'T-06',
    bytes: () =>
      gz(
        tar(
          dir(TOP),
          file(`${TOP}/a.py`, 'a\n'),
          patched({ name: `${TOP}/b.py`, size: 1 }, 124, '0000000001 9'),
          padToBlock(Buffer.from('b')),
        ),
      ),
    expect: 'TAR_HEADER_INVALID',
  },
  {
    id: 'a bad header checksum on the second member',
    catalog: 'T-06',
    bytes: () =>
      gz(
        tar(
          dir(TOP),
          file(`${TOP}/a.py`, 'a\n'),
          patched({ name: `${TOP}/b.py`, size: 1 }, 0, 'X', true),
          padToBlock(Buffer.from('b')),
        ),
      ),
    expect: 'TAR_HEADER_INVALID',
  },
  {
    id: 'a negative base-256 size',
    catalog: 'T-06',
    bytes: () => gz(tar(dir(TOP), base256Size())),
    expect: 'TAR_HEADER_INVALID',
  },
  {
    id: 'a header without ustar magic (v7)',
    catalog: 'T-06',
    bytes: () => gz(tar(tarMember({ name: `${TOP}/a.py`, magic: 'none' }, Buffer.from('a\n')))),
    expect: 'TAR_HEADER_INVALID',
  },
  {
    id: 'a GNU header with data in its prefix area',
    catalog: 'T-06',
    bytes: () => gz(tar(patched({ name: 'a.py', magic: 'gnu' }, 345, 'evil_prefix'))),
    expect: 'TAR_HEADER_INVALID',
  },
  {
    id: 'a regular file whose name ends with a slash',
    catalog: 'T-06',
    bytes: () => sdist(file(`${TOP}/pkg/b.py/`, 'x\n')),
    expect: 'TAR_HEADER_INVALID',
  },
  {
    id: 'a directory with content',
    catalog: 'T-06',
    bytes: () => sdist(tarMember({ name: `${TOP}/d/`, typeflag: '5' }, Buffer.from('x'))),
    expect: 'TAR_HEADER_INVALID',
  },
  {
    id: 'a ../ path',
    catalog: 'T-07',
    bytes: () => sdist(file('../escape.py', 'x\n')),
    expect: 'ARCHIVE_PATH_INVALID',
  },
  {
    id: 'an absolute path',
    catalog: 'T-07',
    bytes: () => sdist(file('/abs/path.py', 'x\n')),
    expect: 'ARCHIVE_PATH_INVALID',
  },
  {
    id: 'a pax path climbing out',
    catalog: 'T-07',
    bytes: () => sdist(paxHeader({ path: `${TOP}/../../pax_escape.py` }), file(`${TOP}/ok.py`, 'x\n')),
    expect: 'ARCHIVE_PATH_INVALID',
  },
  {
    id: 'a ustar prefix climbing out',
    catalog: 'T-07',
    bytes: () => sdist(file('x.py', 'x\n', { prefix: '../prefix_escape' })),
    expect: 'ARCHIVE_PATH_INVALID',
  },
  {
    id: 'a NUL in a pax path',
    catalog: 'T-07',
    bytes: () => sdist(paxHeader({ path: `${TOP}/pkg/a.py\u0000.txt` }), file(`${TOP}/x`, 'x\n')),
    expect: 'ARCHIVE_PATH_INVALID',
  },
  {
    id: 'a name that is not UTF-8',
    catalog: 'T-07',
    bytes: () => sdist(file(Buffer.from(`${TOP}/pkg/\xff.py`, 'latin1') as unknown as string, 'x\n')),
    expect: 'ARCHIVE_PATH_INVALID',
  },
  {
    id: 'NFC and NFD spellings of one name',
    catalog: 'T-07',
    bytes: () =>
      sdist(
        paxHeader({ path: `${TOP}/caf\u00e9.py` }),
        file(`${TOP}/x1`, '1\n'),
        paxHeader({ path: `${TOP}/cafe\u0301.py` }),
        file(`${TOP}/x2`, '2\n'),
      ),
    expect: 'ARCHIVE_NAME_COLLISION',
  },
  {
    id: 'names differing only by case',
    catalog: 'T-07',
    bytes: () => sdist(file(`${TOP}/pkg/A.py`, 'A\n')),
    expect: 'ARCHIVE_NAME_COLLISION',
  },
  {
    id: 'a bidirectional override in a name',
    catalog: 'T-07',
    bytes: () => sdist(paxHeader({ path: `${TOP}/pkg/\u202etxt.py` }), file(`${TOP}/x`, 'x\n')),
    expect: 'ARCHIVE_PATH_INVALID',
  },
  {
    id: 'a path 4000 levels deep',
    catalog: 'T-11',
    bytes: () => sdist(paxHeader({ path: `${TOP}/${'d/'.repeat(4000)}x.py` }), file(`${TOP}/x`, 'x\n')),
    expect: 'ARCHIVE_PATH_INVALID',
  },
  ...(['1', '2', '3', '4', '6', '7', 'S', 'K'] as const).map((flag) => ({
    id: `a member of type ${flag}`,
    catalog: 'T-08',
    bytes: () =>
      sdist(
        tarMember({
          name: `${TOP}/pkg/special`,
          typeflag: flag,
          linkname: flag === '1' || flag === '2' ? '/etc/passwd' : '',
        }),
      ),
    expect: 'ARCHIVE_MEMBER_TYPE',
  })),
  {
    id: 'a tar truncated in the middle of a member',
    catalog: 'T-09',
    bytes: () => gz(tar(...base(), file(`${TOP}/big.py`, 'x'.repeat(5000))).subarray(0, 4 * BLOCK + 1000)),
    expect: 'ARCHIVE_TRUNCATED',
  },
  { id: 'a gzip stream cut short', catalog: 'T-09', bytes: () => sdist().subarray(0, 60), expect: 'ARCHIVE_TRUNCATED' },
  {
    id: 'a tar without an end-of-archive marker',
    catalog: 'T-09',
    bytes: () => gz(Buffer.concat(base())),
    expect: 'ARCHIVE_TRUNCATED',
  },
  {
    id: 'garbage after the gzip member',
    catalog: 'T-10',
    bytes: () => Buffer.concat([sdist(), Buffer.from('garbage!')]),
    expect: 'GZIP_FRAMING',
  },
  { id: 'a corrupted gzip CRC', catalog: 'T-10', bytes: () => corruptTrailer(sdist()), expect: 'GZIP_FRAMING' },
  { id: 'not gzip at all', catalog: 'T-10', bytes: () => tar(...base()), expect: 'GZIP_FRAMING' },
  {
    id: 'a decompression bomb',
    catalog: 'T-11',
    bytes: () => gzipOfZeros(tarHeader({ name: `${TOP}/zeros`, size: 50 * 1024 * 1024 }), 50 * 1024 * 1024),
    expect: 'LIMIT_DECOMPRESSED',
    limits: { decompressedBytes: 10 * 1024 * 1024 },
  },
  {
    id: '100,000 empty members',
    catalog: 'T-11',
    bytes: () => gz(tar(...Array.from({ length: 100_000 }, (_, i) => tarHeader({ name: `${TOP}/f${i}` })))),
    expect: 'LIMIT_MEMBERS',
  },
];

function gnuLongName(name: string): Buffer {
  const body = Buffer.from(`${name}\0`);
  return tarMember({ name: '././@LongLink', typeflag: 'L', magic: 'gnu', size: body.length, mode: 0 }, body);
}

function rawPax(body: Buffer): Buffer {
  return tarMember({ name: '././@PaxHeader', typeflag: 'x', size: body.length, mode: 0 }, body);
}

function base256Size(): Buffer {
  const block = tarHeader({ name: `${TOP}/neg.py` });
  block.fill(0xff, 124, 136);
  writeChecksum(block);
  return block;
}

function corruptTrailer(archive: Buffer): Buffer {
  const copy = Buffer.from(archive);
  copy[copy.length - 8] = copy[copy.length - 8]! ^ 0xff;
  return copy;
}
