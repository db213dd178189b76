import fs from 'node:fs';
import { promisify } from 'node:util';
import { checkRegularFile, READ_FLAGS } from '../local-files.js';

const openFd = promisify(fs.open);
const fstat = promisify(fs.fstat);

export const closeCachedFile = promisify(fs.close);

/** An archive opened for reading (see READ_FLAGS: never through a symbolic link, only a regular file) and its size. */
export async function openCachedFile(path: string): Promise<{ fd: number; size: number }> {
  const fd = await openFd(path, READ_FLAGS);
  try {
    const stats = await fstat(fd);
    checkRegularFile(path, stats);
    return { fd, size: stats.size };
  } catch (error) {
    await closeCachedFile(fd);
    throw error;
  }
}
