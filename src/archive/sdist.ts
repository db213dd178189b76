import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { CrosscheckError, IntegrityError, UnavailableError } from '../errors.js';
import type { Limits } from '../limits.js';
import { checkSingleMember, DecompressedCounter, GzipInputTap } from './gzip-framing.js';
import { type ArchiveListing, type ArchiveMember, type KeepPredicate, MemberHasher, EMPTY_BLOB_ID, EMPTY_SHA256 } from './member.js';
import { PathRegistry, validatePath } from './paths.js';
import { type AuditedMember, TarAuditor, type TarMemberSink } from './tar-auditor.js';

/** Small files starting with `#!` are kept: a wheel's scripts are compared with them. */
const SCRIPT_BYTES = 256 * 1024;

/** Thrown by the member sink to end a metadata-only read once the wanted member is in. */
class EnoughRead extends Error {}

/**
 * Reads an sdist (.tar.gz) in one streaming pass — gzip framing, decompression count, the
 * strict block auditor, tar-stream — without ever writing a member to disk. The auditor walks
 * every byte once and hands each member's content to the hasher (SHA-256 and git blob id) as it
 * passes; tar-stream parses the same stream independently, and its listing must equal the
 * auditor's, member by member, or the archive is rejected.
 */
export async function readSdist(source: Readable, limits: Limits, keep: KeepPredicate = () => false, options: { stopAfter?: (path: string) => boolean } = {}): Promise<ArchiveListing> {
  const input = new GzipInputTap();
  const counter = new DecompressedCounter(limits.decompressedBytes);
  const sink = new HashingSink(limits, keep, options.stopAfter);
  const auditor = new TarAuditor(limits, sink);
  const extract = tar.extract({ filenameEncoding: 'utf-8' } as Parameters<typeof tar.extract>[0]);
  // streamx re-emits the error the extractor was destroyed with, on it and on the open entry, after
  // the pipeline (which reports it) has let go; those echoes are not news.
  const ignoreEcho = () => undefined;
  extract.on('error', ignoreEcho);
  let parsedByTarStream = 0;
  extract.on('entry', (header, stream, next) => {
    const audited = auditor.members[parsedByTarStream++];
    const name = header.type === 'directory' ? header.name.replace(/\/+$/, '') : header.name;
    const type = header.type === 'directory' ? 'directory' : header.type === 'file' ? 'file' : undefined;
    if (!audited || audited.name !== name || audited.type !== type || audited.size !== (header.size ?? 0)) {
      extract.destroy(
        new IntegrityError(
          'TAR_PARSER_DISAGREEMENT',
          `sdist: member ${parsedByTarStream} reads as ${JSON.stringify(name)} (${header.type}, ${header.size} bytes) to tar-stream but as ${audited ? `${JSON.stringify(audited.name)} (${audited.type}, ${audited.size} bytes)` : 'nothing'} to the strict reader`,
        ),
      );
      return;
    }
    stream.on('error', ignoreEcho);
    stream.on('end', next);
    stream.resume();
  });

  try {
    await pipeline(source, input, createGunzip({ chunkSize: 256 * 1024 }), counter, auditor, extract);
  } catch (error) {
    if (error instanceof EnoughRead) {
      return { members: sink.members, kept: sink.kept, complete: false };
    }
    throw asArchiveError(error);
  }
  if (parsedByTarStream !== auditor.members.length) {
    throw new IntegrityError('TAR_PARSER_DISAGREEMENT', `sdist: tar-stream read ${parsedByTarStream} members, the strict reader ${auditor.members.length}`);
  }
  checkSingleMember(input, counter);
  sink.registry.checkFileDirectoryConflicts();
  return { members: sink.members, kept: sink.kept };
}

/** Validates, registers and hashes each member the auditor walks, keeping the bytes asked for. */
class HashingSink implements TarMemberSink {
  readonly members: ArchiveMember[] = [];
  readonly kept = new Map<string, Buffer>();
  readonly registry = new PathRegistry('sdist');
  private current: { path: string; member: AuditedMember; hasher: MemberHasher } | undefined;

  constructor(private readonly limits: Limits, private readonly keep: KeepPredicate, private readonly stopAfter?: (path: string) => boolean) {}

  begin(member: AuditedMember): void {
    const path = validatePath(member.name, 'sdist', this.limits);
    this.registry.add(path, member.type);
    const isFile = member.type === 'file';
    const keepBytes = isFile && this.keep(path) && member.size <= this.limits.metadataFileBytes ? true : isFile && member.size <= SCRIPT_BYTES ? 'scripts' : false;
    this.current = { path, member, hasher: new MemberHasher(member.size, keepBytes) };
  }

  data(chunk: Buffer): void {
    this.current!.hasher.update(chunk);
  }

  end(): void {
    const { path, member, hasher } = this.current!;
    this.current = undefined;
    const digest = hasher.finish();
    if (digest.content) this.kept.set(path, digest.content);
    const isFile = member.type === 'file';
    this.members.push({ path, type: member.type, mode: member.mode, size: member.size, sha256: isFile ? digest.sha256 : EMPTY_SHA256, blobId: isFile ? digest.blobId : EMPTY_BLOB_ID });
    if (this.stopAfter?.(path)) throw new EnoughRead();
  }
}

/** The error that stopped the pipeline, as a typed error. */
function asArchiveError(error: unknown): Error {
  if (error instanceof CrosscheckError) return error;
  const first = error as Error & { code?: string; syscall?: string };
  const message = first?.message ?? String(first);
  if (first?.syscall) {
    // The file itself could not be read (missing, unreadable, a symlink refused): not evidence about its bytes.
    return new UnavailableError('FILE_UNREADABLE', `sdist: the file could not be read (${message})`);
  }
  if (first?.code === 'Z_BUF_ERROR' || /unexpected end/i.test(message)) {
    return new IntegrityError('ARCHIVE_TRUNCATED', `sdist: the file ends early (${message})`);
  }
  if (first?.code?.startsWith('Z_') || /header check|invalid (block|distance|code)|incorrect/i.test(message)) {
    return new IntegrityError('GZIP_FRAMING', `sdist: gzip data is invalid (${message})`);
  }
  return new IntegrityError('TAR_HEADER_INVALID', `sdist: the tar stream is invalid (${message})`);
}
