import { createReadStream } from 'node:fs';
import type { Limits } from '../limits.js';
import { type KeepSpec, keepPredicate } from './keep.js';
import type { ArchiveListing } from './member.js';
import { readSdist } from './sdist.js';

/** Reads a cached sdist file with the members to keep given as data. */
export function readCachedSdist(path: string, limits: Limits, keep: KeepSpec): Promise<ArchiveListing> {
  return readSdist(createReadStream(path, { highWaterMark: 1024 * 1024 }), limits, keepPredicate(keep));
}
