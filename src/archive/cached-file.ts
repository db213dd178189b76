import fs, { constants } from 'node:fs';
import { promisify } from 'node:util';

const openFd = promisify(fs.open);
const fstat = promisify(fs.fstat);

export const closeCachedFile = promisify(fs.close);

/** A cached archive opened for reading — never through a symbolic link — and its size. */
export async function openCachedFile(path: string): Promise<{ fd: number; size: number }> {
  const fd = await openFd(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return { fd, size: (await fstat(fd)).size };
  } catch (error) {
    await closeCachedFile(fd);
    throw error;
  }
}
