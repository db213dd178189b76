import { createReadStream } from 'node:fs';
import type { Limits } from '../limits.js';
import { type KeepSpec, keepPredicate } from './keep.js';
import type { ArchiveListing } from './member.js';
import { readSdist } from './sdist.js';
import { readWheel } from './wheel.js';

/** One cached archive to read, and what to keep of it, described as data. */
export type ReadRequest = { kind: 'sdist'; path: string; limits: Limits; keep: KeepSpec } | { kind: 'wheel'; path: string; limits: Limits };

/** A wheel's dist-info files are kept: RECORD, METADATA, WHEEL and entry points are compared. */
const WHEEL_KEPT = /^[^/]+\.dist-info\/(RECORD|METADATA|WHEEL|entry_points\.txt)$/;

export function readArchiveFile(request: ReadRequest): Promise<ArchiveListing> {
  if (request.kind === 'wheel') return readWheel(request.path, request.limits, (member) => WHEEL_KEPT.test(member));
  return readSdist(createReadStream(request.path, { highWaterMark: 1024 * 1024 }), request.limits, keepPredicate(request.keep));
}
