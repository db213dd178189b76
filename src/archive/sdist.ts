import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { CrosscheckError, IntegrityError } from '../errors.js';
import type { Limits } from '../limits.js';
import { checkSingleMember, DecompressedCounter, GzipInputTap } from './gzip-framing.js';
import { type ArchiveListing, type ArchiveMember, type KeepPredicate, MemberHasher, EMPTY_BLOB_ID, EMPTY_SHA256 } from './member.js';
import { PathRegistry, validatePath } from './paths.js';
import { TarAuditor } from './tar-auditor.js';

/** Small files starting with `#!` are kept: a wheel's scripts are compared with them. */
const SCRIPT_BYTES = 256 * 1024;

/**
 * Reads an sdist (.tar.gz) in one streaming pass — gzip framing, decompression count, the
 * strict block auditor, tar-stream — hashing every member (SHA-256 and git blob id) without
 * ever writing a member to disk. tar-stream's listing must equal the auditor's, member by member.
 */
export async function readSdist(source: Readable, limits: Limits, keep: KeepPredicate = () => false, options: { stopAfter?: (path: string) => boolean } = {}): Promise<ArchiveListing> {
  const input = new GzipInputTap();
  const counter = new DecompressedCounter(limits.decompressedBytes);
  const auditor = new TarAuditor(limits);
  const extract = tar.extract({ filenameEncoding: 'utf-8' } as Parameters<typeof tar.extract>[0]);
  const registry = new PathRegistry('sdist');
  const members: ArchiveMember[] = [];
  const kept = new Map<string, Buffer>();

  const errors: unknown[] = [];
  let stopped = false;
  const feeding = pipeline(source, input, createGunzip({ chunkSize: 256 * 1024 }), counter, auditor, extract).catch((error: unknown) => {
    errors.push(error);
  });
  try {
    for await (const entry of extract) {
      const audited = auditor.members[members.length];
      const header = entry.header;
      const name = header.type === 'directory' ? header.name.replace(/\/+$/, '') : header.name;
      const type = header.type === 'directory' ? 'directory' : header.type === 'file' ? 'file' : undefined;
      if (!audited || audited.name !== name || audited.type !== type || audited.size !== (header.size ?? 0)) {
        throw new IntegrityError(
          'TAR_PARSER_DISAGREEMENT',
          `sdist: member ${members.length + 1} reads as ${JSON.stringify(name)} (${header.type}, ${header.size} bytes) to tar-stream but as ${audited ? `${JSON.stringify(audited.name)} (${audited.type}, ${audited.size} bytes)` : 'nothing'} to the strict reader`,
        );
      }
      const path = validatePath(audited.name, 'sdist', limits);
      registry.add(path, audited.type);
      const small = audited.type === 'file' && audited.size <= SCRIPT_BYTES;
      const hasher = new MemberHasher(audited.size, audited.type === 'file' && keep(path) && audited.size <= limits.metadataFileBytes ? true : small ? 'scripts' : false);
      for await (const chunk of entry) hasher.update(chunk as Buffer);
      const digest = hasher.finish();
      if (digest.size !== audited.size) {
        throw new IntegrityError('ARCHIVE_TRUNCATED', `sdist: ${path} declared ${audited.size} bytes and held ${digest.size}`, { file: path });
      }
      if (digest.content) kept.set(path, digest.content);
      members.push({
        path,
        type: audited.type,
        mode: audited.mode,
        size: audited.size,
        sha256: audited.type === 'file' ? digest.sha256 : EMPTY_SHA256,
        blobId: audited.type === 'file' ? digest.blobId : EMPTY_BLOB_ID,
      });
      if (options.stopAfter?.(path)) {
        stopped = true;
        break;
      }
    }
  } catch (error) {
    errors.push(error);
    extract.destroy();
  }
  if (stopped) {
    // Only the members up to this one were wanted; what the pipeline says as it closes is moot.
    extract.destroy();
    source.destroy();
    await feeding;
    return { members, kept, complete: false };
  }
  await feeding;
  if (errors.length > 0) throw asArchiveError(errors);
  if (members.length !== auditor.members.length) {
    throw new IntegrityError('TAR_PARSER_DISAGREEMENT', `sdist: tar-stream read ${members.length} members, the strict reader ${auditor.members.length}`);
  }
  checkSingleMember(input, counter);
  registry.checkFileDirectoryConflicts();
  return { members, kept };
}

/** The most telling of the errors a failed pipeline produced, as a typed error. */
function asArchiveError(errors: unknown[]): Error {
  const typed = errors.find((e): e is CrosscheckError => e instanceof CrosscheckError);
  if (typed) return typed;
  const first = errors[0] as Error & { code?: string };
  const message = first?.message ?? String(first);
  if (first?.code === 'Z_BUF_ERROR' || /unexpected end/i.test(message)) {
    return new IntegrityError('ARCHIVE_TRUNCATED', `sdist: the file ends early (${message})`);
  }
  if (first?.code?.startsWith('Z_') || /header check|invalid (block|distance|code)|incorrect/i.test(message)) {
    return new IntegrityError('GZIP_FRAMING', `sdist: gzip data is invalid (${message})`);
  }
  return new IntegrityError('TAR_HEADER_INVALID', `sdist: the tar stream is invalid (${message})`);
}
