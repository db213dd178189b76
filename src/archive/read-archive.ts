import { createReadStream } from 'node:fs';
import type { Limits } from '../limits.js';
import { type KeepSpec, keepPredicate } from './keep.js';
import type { ArchiveListing, KeepPredicate } from './member.js';
import { readSdist } from './sdist.js';
import { readWheel } from './wheel.js';

/** One cached archive to read, and what to keep of it, described as data. */
export type ReadRequest = { kind: 'sdist'; path: string; limits: Limits; keep: KeepSpec } | { kind: 'wheel'; path: string; limits: Limits };

/** A wheel's dist-info files are kept: RECORD, METADATA, WHEEL and entry points are compared. */
export const keepWheelMetadata: KeepPredicate = (member) => /^[^/]+\.dist-info\/(RECORD|METADATA|WHEEL|entry_points\.txt)$/.test(member);

/** An sdist file, streamed in 1 MiB reads. */
export function readSdistFile(path: string, limits: Limits, keep: KeepPredicate, options?: Parameters<typeof readSdist>[3]): Promise<ArchiveListing> {
  return readSdist(createReadStream(path, { highWaterMark: 1024 * 1024 }), limits, keep, options);
}

export function readArchiveFile(request: ReadRequest): Promise<ArchiveListing> {
  if (request.kind === 'wheel') return readWheel(request.path, request.limits, keepWheelMetadata);
  return readSdistFile(request.path, request.limits, keepPredicate(request.keep));
}
