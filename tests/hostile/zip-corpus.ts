import * as zlib from 'node:zlib';

import {
  type ArchiveOverrides,
  type EntryOverrides,
  writeZip,
  type ZipInput,
} from '../../fixtures/archive/zip-writer.js';
import type { ArchiveCase } from './tar-corpus.js';

/**
 * The hostile wheel corpus (threat catalog W-01…W-09), built from code with the fixture zip
 * writer's overrides. Controls must list exactly what CPython's zipfile lists.
 */
const entries = (): ZipInput[] => [
  { name: 'pkg/__init__.py', content: Buffer.from('') },
  { name: 'pkg/a.py', content: Buffer.from('print("a")\n'.repeat(20)) },
  { name: 'pkg-1.0.dist-info/METADATA', content: Buffer.from('Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\n') },
  { name: 'pkg-1.0.dist-info/RECORD', content: Buffer.from('') },
];
const wheel = (extra: ZipInput[] = [], archive: ArchiveOverrides = {}) => writeZip([...entries(), ...extra], archive);
const withEntry = (index: number, overrides: EntryOverrides, archive: ArchiveOverrides = {}) =>
  writeZip(
    entries().map((e, i) => (i === index ? { ...e, overrides } : e)),
    archive,
  );
const named = (name: string, content = 'x\n'): ZipInput => ({ name, content: Buffer.from(content) });
const extraField = (id: number, data: Buffer) => {
  const header = Buffer.alloc(4);
  header.writeUInt16LE(id, 0);
  header.writeUInt16LE(data.length, 2);
  return Buffer.concat([header, data]);
};

function unicodePathField(claimed: string, realName: string): Buffer {
  const { crc32 } = zlib;
  const data = Buffer.concat([Buffer.from([1]), Buffer.alloc(4), Buffer.from(claimed)]);
  data.writeUInt32LE(crc32(Buffer.from(realName)) >>> 0, 1);
  return extraField(0x7075, data);
}

export const ZIP_CASES: ArchiveCase[] = [
  { id: 'a well-formed wheel', catalog: 'control', bytes: () => wheel(), expect: 'accept' },
  {
    id: 'a directory entry',
    catalog: 'control',
    bytes: () => wheel([{ name: 'pkg/data/', content: Buffer.alloc(0) }]),
    expect: 'accept',
  },
  {
    id: 'a non-ASCII name with the UTF-8 flag',
    catalog: 'control',
    bytes: () => wheel([named('pkg/\u2297.txt')]),
    expect: 'accept',
  },
  {
    id: 'a data descriptor that agrees',
    catalog: 'W-09 control',
    bytes: () => withEntry(1, { dataDescriptor: {} }),
    expect: 'accept',
  },

  {
    id: 'an end record counting fewer entries than the directory holds',
    catalog: 'W-01',
    bytes: () => wheel([named('pkg/hidden.py', 'evil\n')], { eocdCount: 4 }),
    expect: 'ZIP_CD_ACCOUNTING',
  },
  {
    id: 'an end record with a wrong directory size',
    catalog: 'W-01',
    bytes: () => wheel([], { eocdCdSize: 10 }),
    expect: 'ZIP_CD_ACCOUNTING',
  },
  {
    id: 'a local name that differs from the central one',
    catalog: 'W-02',
    bytes: () => withEntry(1, { localName: Buffer.from('pkg/EVIL.py') }),
    expect: 'ZIP_LFH_CD_MISMATCH',
  },
  {
    id: 'a local method that differs from the central one',
    catalog: 'W-02',
    bytes: () => withEntry(1, { localMethod: 0 }),
    expect: 'ZIP_LFH_CD_MISMATCH',
  },
  {
    id: 'a duplicate name',
    catalog: 'W-03',
    bytes: () => wheel([named('pkg/a.py', 'evil\n')]),
    expect: 'ARCHIVE_DUPLICATE_PATH',
  },
  {
    id: 'a directory and a file of one name',
    catalog: 'W-03',
    bytes: () => wheel([{ name: 'pkg/a.py/', content: Buffer.alloc(0) }]),
    expect: 'ARCHIVE_DUPLICATE_PATH',
  },
  { id: 'a ./ segment', catalog: 'W-03', bytes: () => wheel([named('pkg/./b.py')]), expect: 'ARCHIVE_PATH_INVALID' },
  { id: 'an empty segment', catalog: 'W-03', bytes: () => wheel([named('pkg//b.py')]), expect: 'ARCHIVE_PATH_INVALID' },
  {
    id: 'names differing only by case',
    catalog: 'W-03',
    bytes: () => wheel([named('pkg/A.py')]),
    expect: 'ARCHIVE_NAME_COLLISION',
  },
  {
    id: 'two entries sharing one local header',
    catalog: 'W-04',
    bytes: () =>
      writeZip([
        ...entries(),
        { name: 'pkg/b.py', content: Buffer.from('print("a")\n'.repeat(20)), overrides: { pointTo: 1 } },
      ]),
    expect: 'ZIP_OVERLAP',
  },
  {
    id: 'a Unicode Path extra field naming another file',
    catalog: 'W-05',
    bytes: () => withEntry(1, { centralExtra: unicodePathField('pkg/evil.py', 'pkg/a.py') }),
    expect: 'ZIP_NAME_AMBIGUOUS',
  },
  {
    id: 'a non-ASCII name without the UTF-8 flag',
    catalog: 'W-06',
    bytes: () =>
      writeZip([
        ...entries(),
        {
          name: 'pkg/x.py',
          content: Buffer.from('x'),
          overrides: {
            flags: 0,
            localName: Buffer.from('pkg/\xe9.py', 'latin1'),
            centralName: Buffer.from('pkg/\xe9.py', 'latin1'),
          },
        },
      ]),
    expect: 'ZIP_NAME_AMBIGUOUS',
  },
  {
    id: 'a backslash in a name',
    catalog: 'W-06',
    bytes: () => wheel([named('pkg\\evil.py')]),
    expect: 'ARCHIVE_PATH_INVALID',
  },
  {
    id: 'a NUL in a name',
    catalog: 'W-06',
    bytes: () => wheel([named('pkg/a.py\u0000.txt')]),
    expect: 'ARCHIVE_PATH_INVALID',
  },
  { id: 'a ../ name', catalog: 'W-06', bytes: () => wheel([named('../escape.py')]), expect: 'ARCHIVE_PATH_INVALID' },
  { id: 'an absolute name', catalog: 'W-06', bytes: () => wheel([named('/abs.py')]), expect: 'ARCHIVE_PATH_INVALID' },
  {
    id: 'a drive-letter name',
    catalog: 'W-06',
    bytes: () => wheel([named('C:/win.py')]),
    expect: 'ARCHIVE_PATH_INVALID',
  },
  {
    id: 'a name flagged UTF-8 that is not',
    catalog: 'W-06',
    bytes: () =>
      writeZip([
        ...entries(),
        {
          name: 'pkg/x.py',
          content: Buffer.from('x'),
          overrides: {
            flags: 0x800,
            localName: Buffer.from([0x70, 0x2f, 0xff]),
            centralName: Buffer.from([0x70, 0x2f, 0xff]),
          },
        },
      ]),
    expect: 'ZIP_PATH_INVALID',
  },
  {
    id: 'a control character in a name',
    catalog: 'W-06',
    bytes: () => wheel([named('pkg/\u001b[2J.py')]),
    expect: 'ARCHIVE_PATH_INVALID',
  },
  {
    id: 'a regular file whose mode names its type',
    catalog: 'control',
    bytes: () => wheel([{ name: 'pkg/typed.py', content: Buffer.from('x\n'), mode: 0o100755 }]),
    expect: 'accept',
  },
  // An installer that honours the Unix type (uv and others) would create a link; bdist_wheel writes regular files only.
  {
    id: 'a symbolic link (Unix type in the external attributes)',
    catalog: 'W-06',
    bytes: () => wheel([{ name: 'pkg/link.py', content: Buffer.from('../../../../etc/passwd'), mode: 0o120777 }]),
    expect: 'ARCHIVE_MEMBER_TYPE',
  },
  {
    id: 'a file name typed as a directory',
    catalog: 'W-06',
    bytes: () => wheel([{ name: 'pkg/dir.py', content: Buffer.from('x\n'), mode: 0o040755 }]),
    expect: 'ARCHIVE_MEMBER_TYPE',
  },
  {
    id: 'a FIFO',
    catalog: 'W-06',
    bytes: () => wheel([{ name: 'pkg/fifo', content: Buffer.alloc(0), mode: 0o010644 }]),
    expect: 'ARCHIVE_MEMBER_TYPE',
  },
  {
    id: 'bytes prepended to the archive',
    catalog: 'W-07',
    bytes: () => wheel([], { prepend: Buffer.from('#!/bin/sh\nexit 0\n') }),
    expect: 'ZIP_FRAMING',
  },
  {
    id: 'bytes after the end record',
    catalog: 'W-07',
    bytes: () => wheel([], { trailing: Buffer.from('trailing') }),
    expect: 'ZIP_FRAMING',
  },
  {
    id: 'a comment holding a second end record',
    catalog: 'W-07',
    bytes: () => wheel([], { comment: Buffer.from('PK\u0005\u0006 second end record') }),
    expect: 'ZIP_FRAMING',
  },
  {
    id: 'a gap before the central directory',
    catalog: 'W-07',
    bytes: () => wheel([], { gap: Buffer.from('PK\u0003\u0004 hidden local header') }),
    expect: 'ZIP_FRAMING',
  },
  {
    id: 'a wrong central directory offset',
    catalog: 'W-07',
    bytes: () => wheel([], { eocdCdOffset: 0 }),
    expect: 'ZIP_CD_ACCOUNTING',
  },
  {
    id: 'a ZIP64 end record marker',
    catalog: 'W-07',
    bytes: () => wheel([], { eocdCount: 0xffff }),
    expect: 'ZIP_FRAMING',
  },
  {
    id: 'a ZIP64 extra field',
    catalog: 'W-07',
    bytes: () => withEntry(1, { centralExtra: extraField(0x0001, Buffer.alloc(16)) }),
    expect: 'ZIP_FRAMING',
  },
  {
    id: 'a "version needed" newer than installers support (found by fuzzing)',
    catalog: 'W-07',
    bytes: () => versionNeeded(wheel(), 84),
    expect: 'ZIP_FRAMING',
  },
  { id: 'a wrong CRC-32', catalog: 'W-08', bytes: () => withEntry(1, { crc: 0x12345678 }), expect: 'ZIP_CRC' },
  {
    id: 'an uncompressed size smaller than the data',
    catalog: 'W-08',
    bytes: () => withEntry(1, { uncompressedSize: 4, crc: zlib.crc32(Buffer.from('prin')) }),
    expect: 'ZIP_SIZE',
  },
  {
    id: 'a stored entry whose sizes differ',
    catalog: 'W-08',
    bytes: () =>
      writeZip([
        ...entries(),
        { name: 'pkg/s.py', content: Buffer.from('stored'), method: 0, overrides: { uncompressedSize: 3 } },
      ]),
    expect: 'ZIP_SIZE',
  },
  {
    id: 'compression method 12 (bzip2)',
    catalog: 'W-09',
    bytes: () =>
      writeZip([
        ...entries(),
        { name: 'pkg/b.py', content: Buffer.from('x'), method: 12, overrides: { rawData: Buffer.from('BZh9') } },
      ]),
    expect: 'ZIP_METHOD',
  },
  { id: 'the encrypted flag', catalog: 'W-09', bytes: () => withEntry(1, { flags: 0x0001 }), expect: 'ZIP_ENCRYPTED' },
  {
    id: 'a data descriptor that disagrees with the directory',
    catalog: 'W-09',
    bytes: () => withEntry(1, { dataDescriptor: { crc: 0xdeadbeef } }),
    expect: 'ZIP_LFH_CD_MISMATCH',
  },
  {
    id: 'a ratio bomb',
    catalog: 'W-09',
    bytes: () =>
      writeZip([
        ...entries(),
        {
          name: 'pkg/zeros.bin',
          content: Buffer.alloc(0),
          method: 8,
          overrides: {
            rawData: zlib.deflateRawSync(Buffer.alloc(50 * 1024 * 1024)),
            uncompressedSize: 50 * 1024 * 1024,
            crc: zlib.crc32(Buffer.alloc(50 * 1024 * 1024)),
          },
        },
      ]),
    expect: 'LIMIT_RATIO',
  },
];

/** Sets every central record's "version needed to extract" (CPython refuses more than 6.3). */
function versionNeeded(zip: Buffer, version: number): Buffer {
  const copy = Buffer.from(zip);
  for (let at = copy.indexOf('PK\u0001\u0002'); at >= 0; at = copy.indexOf('PK\u0001\u0002', at + 4))
    copy.writeUInt16LE(version, at + 6);
  return copy;
}
