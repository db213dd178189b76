import { createReadStream } from 'node:fs';
import type { Limits } from '../../model/limits.js';
import { openRegularFile } from '../../io/local-files.js';
import { keepSdistContent, keepWheelContent } from './keep.js';
import type { ArchiveListing, KeepPredicate } from './member.js';
import { asSdistError, readSdist } from './sdist.js';
import { readWheel } from './wheel.js';

/** One cached archive to read, and what to keep of it, described as data. */
/** One cached archive to read for the content rules: its kind, where it is, and (an sdist) its top directory. */
export type ReadRequest =
  | { kind: 'sdist'; path: string; limits: Limits; topDirectory: string }
  | { kind: 'wheel'; path: string; limits: Limits };

/**
 * An sdist file, streamed in reads of 1 MiB, or of the whole file when smaller: a stream
 * allocates a buffer of its full read size for every read, the last (empty) one included, which
 * for a small file was two megabytes to read a few kilobytes.
 */
export async function readSdistFile(
  path: string,
  limits: Limits,
  keep: KeepPredicate,
  options?: Parameters<typeof readSdist>[3],
): Promise<ArchiveListing> {
  let opened: { fd: number; size: number };
  try {
    opened = openRegularFile(path);
  } catch (error) {
    throw asSdistError(error);
  }
  const { fd, size } = opened;
  // The stream closes the descriptor when it ends or is destroyed.
  return readSdist(
    createReadStream(path, { fd, highWaterMark: Math.max(1, Math.min(READ_BYTES, size)) }),
    limits,
    keep,
    options,
  );
}

const READ_BYTES = 1024 * 1024;

export function readArchiveFile(request: ReadRequest): Promise<ArchiveListing> {
  if (request.kind === 'wheel') return readWheel(request.path, request.limits, keepWheelContent);
  return readSdistFile(request.path, request.limits, keepSdistContent(request.topDirectory));
}
