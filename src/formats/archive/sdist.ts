import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { CrosscheckError, IntegrityError, UnavailableError } from '../../model/errors.js';
import type { Limits } from '../../model/limits.js';
import { checkSingleMember, DecompressedCounter, GzipInputTap } from './gzip-framing.js';
import {
  type ArchiveListing,
  type ArchiveMember,
  type KeepPredicate,
  MemberHasher,
  EMPTY_BLOB_ID,
  EMPTY_SHA256,
} from './member.js';
import { PathRegistry, validatePath } from './paths.js';
import { type AuditedMember, TarAuditor, type TarMemberSink } from './tar-auditor.js';

/** Small files starting with `#!` are kept: a wheel's scripts are compared with them. */
const SCRIPT_BYTES = 256 * 1024;

/** Thrown by the member sink to end a metadata-only read once the wanted member is in. */
class EnoughRead extends Error {}

/**
 * Reads an sdist (.tar.gz) in one streaming pass — gzip framing, decompression count, the strict
 * block auditor — without ever writing a member to disk. The auditor walks every byte once and
 * hands each member's content to the hasher (SHA-256 and git blob id) as it passes.
 *
 * A second, general-purpose parser (tar-stream) used to read every sdist beside the auditor and
 * had to agree member by member; it cost about 30 % of the read. The reference for what an
 * installer sees is CPython's tarfile, not tar-stream (which differs from CPython in ways the
 * auditor refuses), so the auditor is checked against CPython — and against tar-stream — in the
 * hostile-archive tests and on every fuzz mutant it accepts, instead of on every run.
 */
export async function readSdist(
  source: Readable,
  limits: Limits,
  keep: KeepPredicate = () => false,
  options: { stopAfter?: (path: string) => boolean } = {},
): Promise<ArchiveListing> {
  const input = new GzipInputTap();
  const counter = new DecompressedCounter(limits.decompressedBytes);
  const sink = new HashingSink(limits, keep, options.stopAfter);
  const auditor = new TarAuditor(limits, sink);
  try {
    await pipeline(source, input, createGunzip({ chunkSize: 256 * 1024 }), counter, auditor);
  } catch (error) {
    if (error instanceof EnoughRead) {
      return { members: sink.members, kept: sink.kept, complete: false };
    }
    throw asSdistError(error);
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

  constructor(
    private readonly limits: Limits,
    private readonly keep: KeepPredicate,
    private readonly stopAfter?: (path: string) => boolean,
  ) {}

  begin(member: AuditedMember): void {
    const path = validatePath(member.name, 'sdist', this.limits);
    this.registry.add(path, member.type);
    const isFile = member.type === 'file';
    const keepBytes =
      isFile && this.keep(path) && member.size <= this.limits.metadataFileBytes
        ? true
        : isFile && member.size <= SCRIPT_BYTES
          ? 'scripts'
          : false;
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
    this.members.push({
      path,
      type: member.type,
      mode: member.mode,
      size: member.size,
      sha256: isFile ? digest.sha256 : EMPTY_SHA256,
      blobId: isFile ? digest.blobId : EMPTY_BLOB_ID,
    });
    if (this.stopAfter?.(path)) throw new EnoughRead();
  }
}

/** The error that stopped an sdist read, as a typed error. */
export function asSdistError(error: unknown): Error {
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
