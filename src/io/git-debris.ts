import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What git makes half way in a repository and leaves when it is stopped: index-pack's temporary
 * pack, index and reverse index in objects/pack, and the lock files of the shallow file, the
 * config, packed-refs and refs (git removes its locks on SIGTERM, not on SIGKILL).
 */
export const HALF_MADE_PACK = /^tmp_(?:pack|idx|rev)_[A-Za-z0-9]+$/;
export const LOCK = /\.lock$/;
/** Refs directories looked into for locks, at most (a mirror holds refs/tags and little else). */
const MAX_REF_DIRS = 64;

/** The lock files under `refs`, looking into at most MAX_REF_DIRS directories and never following a link. */
export async function refLocks(refs: string): Promise<string[]> {
  const locks: string[] = [];
  const dirs = [refs];
  for (let seen = 0; dirs.length > 0 && seen < MAX_REF_DIRS; seen++) {
    const dir = dirs.shift()!;
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) dirs.push(path);
      else if (LOCK.test(entry.name)) locks.push(path);
    }
  }
  return locks;
}
