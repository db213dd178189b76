import type { ReasonCode } from '../../model/reasons.js';
import { Writable } from 'node:stream';
import { IntegrityError, LimitError, quote } from '../../model/errors.js';
import type { Limits } from '../../model/limits.js';
import { decodeName } from './paths.js';

export interface AuditedMember {
  name: string;
  type: 'file' | 'directory';
  size: number;
  mode: number;
}

/**
 * Receives each member as the auditor walks it: its header, then its content bytes in order,
 * then its end. Whatever the sink throws stops the stream with that error.
 */
export interface TarMemberSink {
  begin(member: AuditedMember): void;
  data(chunk: Buffer): void;
  end(): void;
}

const BLOCK = 512;
const ZERO_BLOCK = Buffer.alloc(BLOCK);
const POSIX_MAGIC = Buffer.from('ustar\u000000', 'latin1');
const GNU_MAGIC = Buffer.from('ustar  \u0000', 'latin1');
const MAX_META_BODY = 1024 * 1024;
const RUN_AHEAD_BYTES = 4 * 1024 * 1024;
/** pax keywords that never change what an installer reads; anything else is refused. */
const PAX_KEYS = new Set(['path', 'size', 'mtime', 'atime', 'ctime', 'uid', 'gid', 'uname', 'gname', 'comment']);
const PAX_NUMERIC = /^[0-9]{1,20}$/;
const PAX_TIME = /^-?[0-9]{1,20}(\.[0-9]{1,9})?$/;

type Mode =
  | { readonly kind: 'header' }
  | { kind: 'content'; remaining: number; padding: number }
  | { kind: 'meta'; type: 'x' | 'g' | 'L'; size: number; chunks: Buffer[]; collected: number }
  | { kind: 'padding'; remaining: number }
  | { readonly kind: 'end-of-archive' };

// The modes without state are shared: one walk enters them once per member.
const AT_HEADER: Mode = Object.freeze({ kind: 'header' });
const AT_END_OF_ARCHIVE: Mode = Object.freeze({ kind: 'end-of-archive' });

const invalid = (reason: ReasonCode, message: string) => new IntegrityError(reason, `sdist: ${message}`);

/**
 * Walks the decompressed tar stream block by block, handing each member's content to the sink on
 * the way (one pass: the bytes are hashed where they are parsed). It holds crosscheck's own view
 * of the archive — the one CPython's tarfile (pip) would have, as the differential tests and the
 * fuzzer check against CPython itself — and rejects whatever the two could read differently
 * (threat catalog T-01…T-11): bad checksums or numeric fields, member kinds other than files and directories,
 * pax global headers with anything but a comment, a name given both by GNU `L` and pax `path`,
 * a pax size that disagrees with the header, data after the end-of-archive marker, truncation.
 */
export class TarAuditor extends Writable {
  /** Members walked so far, and the last one's name: for limits and messages (the sink keeps the listing). */
  private memberCount = 0;
  private lastMemberName: string | undefined;
  private mode: Mode = AT_HEADER;
  private headerBytes: Buffer[] = [];
  private headerCollected = 0;
  private pendingPax: Map<string, string> | undefined;
  private pendingLongName: string | undefined;
  private bytesWalked = 0;

  constructor(
    private readonly limits: Limits,
    private readonly sink?: TarMemberSink,
  ) {
    // A few MiB of decompressed data may queue here, so that gunzip (on the thread pool) keeps
    // inflating while the main thread is busy elsewhere, instead of waiting in lock-step.
    super({ highWaterMark: RUN_AHEAD_BYTES });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // One turn of the event loop later: gunzip hands over its output and only then asks the
    // thread pool to inflate the next piece, so walking the chunk inside that hand-over would
    // keep inflating and walking in lock-step (measured: the main thread idle a third of the read).
    setImmediate(() => {
      try {
        this.consume(chunk);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    });
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.mode.kind === 'end-of-archive') {
      // CPython stops at the marker and would not notice, but tar is made of whole blocks; a
      // stream cut inside one is not what any archiver writes (and tar-stream refuses it).
      return callback(
        this.bytesWalked % BLOCK === 0
          ? null
          : invalid(
              'ARCHIVE_TRUNCATED',
              `the tar stream ends ${this.bytesWalked % BLOCK} bytes into a block after the end-of-archive marker`,
            ),
      );
    }
    if (this.mode.kind === 'header' && this.headerCollected === 0) {
      return callback(invalid('ARCHIVE_TRUNCATED', 'the tar stream ends without an end-of-archive marker'));
    }
    callback(
      invalid(
        'ARCHIVE_TRUNCATED',
        `the tar stream ends in the middle of ${this.lastMemberName !== undefined ? `the member after ${this.lastMemberName}` : 'its first member'}`,
      ),
    );
  }

  private consume(chunk: Buffer): void {
    this.bytesWalked += chunk.length;
    let offset = 0;
    while (offset < chunk.length) {
      const mode = this.mode;
      switch (mode.kind) {
        case 'end-of-archive': {
          for (let i = offset; i < chunk.length; i++) {
            if (chunk[i] !== 0)
              throw invalid(
                'TAR_DATA_AFTER_EOA',
                'non-zero data follows the end-of-archive marker (pip would not read it)',
              );
          }
          return;
        }
        case 'content': {
          const take = Math.min(mode.remaining, chunk.length - offset);
          if (take > 0) this.sink?.data(chunk.subarray(offset, offset + take));
          mode.remaining -= take;
          offset += take;
          if (mode.remaining === 0) this.endMember(mode.padding);
          break;
        }
        case 'padding': {
          const take = Math.min(mode.remaining, chunk.length - offset);
          mode.remaining -= take;
          offset += take;
          if (mode.remaining === 0) this.mode = AT_HEADER;
          break;
        }
        case 'meta': {
          const take = Math.min(mode.size - mode.collected, chunk.length - offset);
          mode.chunks.push(chunk.subarray(offset, offset + take));
          mode.collected += take;
          offset += take;
          if (mode.collected === mode.size) {
            this.finishMeta(mode.type, Buffer.concat(mode.chunks));
            const pad = padding(mode.size);
            this.mode = pad > 0 ? { kind: 'padding', remaining: pad } : AT_HEADER;
          }
          break;
        }
        case 'header': {
          if (this.headerCollected === 0 && chunk.length - offset >= BLOCK) {
            // The common case: the whole header lies in this chunk, no copy needed.
            offset += BLOCK;
            this.onHeader(chunk.subarray(offset - BLOCK, offset));
            break;
          }
          const take = Math.min(BLOCK - this.headerCollected, chunk.length - offset);
          this.headerBytes.push(chunk.subarray(offset, offset + take));
          this.headerCollected += take;
          offset += take;
          if (this.headerCollected === BLOCK) {
            const block = Buffer.concat(this.headerBytes);
            this.headerBytes = [];
            this.headerCollected = 0;
            this.onHeader(block);
          }
          break;
        }
      }
    }
  }

  private onHeader(block: Buffer): void {
    if (block[0] === 0 && block.equals(ZERO_BLOCK)) {
      if (this.pendingPax || this.pendingLongName !== undefined) {
        throw invalid('TAR_HEADER_INVALID', 'a pax or GNU long-name header is followed by the end of the archive');
      }
      this.mode = AT_END_OF_ARCHIVE;
      return;
    }
    // Messages are built only when one is thrown: this runs once per member of every sdist.
    const index = this.memberCount + 1;
    const storedChecksum = parseOctalField(block, 148, 8, index, 'checksum');
    // The checksum counts its own eight bytes as spaces.
    let sum = 8 * 0x20;
    for (let i = 0; i < 148; i++) sum += block[i]!;
    for (let i = 156; i < BLOCK; i++) sum += block[i]!;
    if (sum !== storedChecksum)
      throw invalid(
        'TAR_HEADER_INVALID',
        `header ${index}: checksum ${storedChecksum} does not match the header (${sum})`,
      );

    const posix = block.compare(POSIX_MAGIC, 0, 8, 257, 265) === 0;
    const gnu = !posix && block.compare(GNU_MAGIC, 0, 8, 257, 265) === 0;
    if (!posix && !gnu)
      throw invalid(
        'TAR_HEADER_INVALID',
        `header ${index}: not a ustar or GNU tar header (magic ${quote(block.subarray(257, 265).toString('latin1'))})`,
      );
    if (gnu && block.subarray(345, 500).some((b) => b !== 0)) {
      throw invalid(
        'TAR_HEADER_INVALID',
        `header ${index}: GNU header with data in the prefix area (CPython would read it as a name prefix)`,
      );
    }
    const typeflag = String.fromCharCode(block[156]!);
    const size = parseOctalField(block, 124, 12, index, 'size');
    const mode = parseOctalField(block, 100, 8, index, 'mode');
    parseOctalField(block, 108, 8, index, 'uid');
    parseOctalField(block, 116, 8, index, 'gid');
    parseOctalField(block, 136, 12, index, 'mtime');

    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L') {
      if (size > MAX_META_BODY)
        throw new LimitError('LIMIT_EXCEEDED', `sdist: header ${index}: a ${typeflag} header of ${size} bytes`);
      if (typeflag === 'x' && this.pendingPax)
        throw invalid('TAR_HEADER_INVALID', `header ${index}: two pax headers for one member`);
      if (typeflag === 'L' && this.pendingLongName !== undefined)
        throw invalid('TAR_HEADER_INVALID', `header ${index}: two GNU long names for one member`);
      if (typeflag === 'g' && (this.pendingPax || this.pendingLongName !== undefined))
        throw invalid('TAR_HEADER_INVALID', `header ${index}: a pax global header between a member and its metadata`);
      this.mode = size === 0 ? AT_HEADER : { kind: 'meta', type: typeflag, size, chunks: [], collected: 0 };
      if (size === 0) this.finishMeta(typeflag, Buffer.alloc(0));
      return;
    }
    let type: 'file' | 'directory';
    if (typeflag === '0' || typeflag === '\u0000') type = 'file';
    else if (typeflag === '5') type = 'directory';
    else
      throw invalid(
        'ARCHIVE_MEMBER_TYPE',
        `header ${index}: member type ${quote(typeflag)} (${describeType(typeflag)}); only files and directories are accepted`,
      );

    let name = decodeName(nulTerminated(block, 0, 100), 'sdist header', index);
    if (posix && block[345] !== 0)
      name = `${decodeName(nulTerminated(block, 345, 155), 'sdist header', index)}/${name}`;
    const pax = this.pendingPax;
    if (this.pendingLongName !== undefined && pax?.has('path')) {
      throw invalid(
        'TAR_NAME_CONFLICT',
        `header ${index}: the member is named both by a GNU long name (${quote(this.pendingLongName)}) and a pax path (${quote(pax.get('path'))})`,
      );
    }
    if (this.pendingLongName !== undefined) name = this.pendingLongName;
    if (pax?.has('path')) name = pax.get('path')!;
    if (pax?.has('size') && Number(pax.get('size')) !== size) {
      throw invalid(
        'TAR_PAX_SIZE',
        `header ${index}: pax size ${pax.get('size')} disagrees with the header size ${size}`,
      );
    }
    this.pendingPax = undefined;
    this.pendingLongName = undefined;
    if (type === 'file' && name.endsWith('/'))
      throw invalid(
        'TAR_HEADER_INVALID',
        `header ${index}: regular file ${quote(name)} ends with "/" (CPython reads it as a directory)`,
      );
    if (type === 'directory' && size !== 0)
      throw invalid(
        'TAR_HEADER_INVALID',
        `header ${index}: directory ${quote(name)} declares ${size} bytes of content`,
      );
    if (size > this.limits.memberBytes)
      throw new LimitError(
        'LIMIT_EXCEEDED',
        `sdist: ${quote(name)} is ${size} bytes, over the ${this.limits.memberBytes}-byte member limit`,
      );
    if (this.memberCount + 1 > this.limits.members)
      throw new LimitError('LIMIT_MEMBERS', `sdist: more than ${this.limits.members} members`);
    const member: AuditedMember = {
      name: type === 'directory' ? name.replace(/\/+$/, '') : name,
      type,
      size,
      mode: mode & 0o7777,
    };
    this.memberCount++;
    this.lastMemberName = member.name;
    this.sink?.begin(member);
    if (size === 0) this.endMember(0);
    else this.mode = { kind: 'content', remaining: size, padding: padding(size) };
  }

  private endMember(pad: number): void {
    this.sink?.end();
    this.mode = pad > 0 ? { kind: 'padding', remaining: pad } : AT_HEADER;
  }

  private finishMeta(type: 'x' | 'g' | 'L', body: Buffer): void {
    if (type === 'L') {
      const end = body.indexOf(0);
      const name = decodeName(end >= 0 ? body.subarray(0, end) : body, 'sdist GNU long name');
      if (end >= 0 && body.subarray(end).some((b) => b !== 0))
        throw invalid('TAR_HEADER_INVALID', 'a GNU long name holds data after its terminating NUL');
      this.pendingLongName = name;
      return;
    }
    const records = parsePax(body);
    if (type === 'g') {
      const keys = [...records.keys()].filter((key) => key !== 'comment');
      if (keys.length > 0)
        throw invalid(
          'TAR_PAX_GLOBAL',
          `a pax global header sets ${keys.join(', ')}; CPython applies it to every later member, tar-stream does not`,
        );
      return;
    }
    for (const [key, value] of records) {
      if (!PAX_KEYS.has(key)) throw invalid('TAR_PAX_KEY', `pax keyword ${quote(key)} is not accepted`);
      if ((key === 'size' || key === 'uid' || key === 'gid') && !PAX_NUMERIC.test(value))
        throw invalid('TAR_PAX_NUMERIC', `pax ${key}=${quote(value)} is not a decimal number`);
      if ((key === 'mtime' || key === 'atime' || key === 'ctime') && !PAX_TIME.test(value))
        throw invalid('TAR_PAX_NUMERIC', `pax ${key}=${quote(value)} is not a time`);
    }
    this.pendingPax = records;
  }
}

/** Parses pax records strictly: `<len> <key>=<value>\n`, lengths exact, no duplicate keys (T-05). */
function parsePax(body: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let pos = 0;
  while (pos < body.length) {
    const space = body.indexOf(0x20, pos);
    const lengthText = space > pos ? body.subarray(pos, space).toString('latin1') : '';
    if (!/^[1-9][0-9]{0,7}$/.test(lengthText))
      throw invalid('TAR_PAX_RECORD', `malformed pax record length at byte ${pos}`);
    const length = Number(lengthText);
    const end = pos + length;
    if (end > body.length || body[end - 1] !== 0x0a)
      throw invalid('TAR_PAX_RECORD', `pax record at byte ${pos} does not end where its length says`);
    const record = body.subarray(space + 1, end - 1);
    const equals = record.indexOf(0x3d);
    if (equals <= 0) throw invalid('TAR_PAX_RECORD', `pax record at byte ${pos} has no keyword`);
    const key = decodeName(record.subarray(0, equals), 'sdist pax keyword');
    const value = decodeName(record.subarray(equals + 1), 'sdist pax value');
    if (records.has(key)) throw invalid('TAR_PAX_RECORD', `pax keyword ${quote(key)} appears twice`);
    records.set(key, value);
    pos = end;
  }
  return records;
}

/** Octal digits, optionally space-led, ended by NUL or space; base-256 and stray bytes are refused (T-06). */
function parseOctalField(block: Buffer, offset: number, length: number, header: number, field: string): number {
  const end = offset + length;
  let i = offset;
  while (i < end && block[i] === 0x20) i++;
  const digitsStart = i;
  let value = 0;
  while (i < end && block[i]! >= 0x30 && block[i]! <= 0x37) value = value * 8 + (block[i++]! - 0x30);
  const digits = i - digitsStart;
  while (i < end && (block[i] === 0x20 || block[i] === 0)) i++;
  if (digits === 0 || i !== end) {
    throw invalid(
      'TAR_HEADER_INVALID',
      `header ${header} ${field} field ${quote(block.subarray(offset, end).toString('latin1'))} is not an octal number`,
    );
  }
  if (!Number.isSafeInteger(value)) throw invalid('TAR_HEADER_INVALID', `header ${header} ${field} is out of range`);
  return value;
}

function nulTerminated(block: Buffer, offset: number, length: number): Buffer {
  const nul = block.indexOf(0, offset);
  return block.subarray(offset, nul >= 0 && nul < offset + length ? nul : offset + length);
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

function describeType(flag: string): string {
  return (
    (
      {
        '1': 'hard link',
        '2': 'symbolic link',
        '3': 'character device',
        '4': 'block device',
        '6': 'FIFO',
        '7': 'contiguous file',
        K: 'GNU long link name',
        S: 'GNU sparse file',
        D: 'GNU directory dump',
        M: 'GNU multi-volume',
        V: 'GNU volume label',
      } as Record<string, string>
    )[flag] ?? 'unknown'
  );
}
