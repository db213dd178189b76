import { constants, type Stats } from 'node:fs';
import { type FileHandle, open, realpath, stat } from 'node:fs/promises';

/**
 * How crosscheck opens a file to read it: never through a symbolic link (the cache is read by
 * path, and a link planted in it must not lead elsewhere), and without blocking, so that a FIFO
 * opens at once and is then refused by `checkRegularFile` instead of waiting for a writer forever.
 */
export const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Opens a file inside the cache to read it (see READ_FLAGS), with its size from the same `fstat`
 * that found it a regular file. The one way crosscheck opens what it reads: archives, cached
 * downloads, index entries, a checksum file.
 */
export async function openRegularFile(path: string): Promise<{ handle: FileHandle; size: number }> {
  const handle = await open(path, READ_FLAGS);
  try {
    const stats = await handle.stat();
    checkRegularFile(path, stats);
    return { handle, size: stats.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Refuses anything but a regular file: reading a FIFO or a device may wait, or never end. */
export function checkRegularFile(path: string, stats: Stats): void {
  if (!stats.isFile()) throw new Error(`${path} is ${kindOf(stats)}, not a regular file`);
}

/**
 * The real path of a file the user named (a download, a checksum file): a symbolic link there is
 * the user's choice and is followed; what it leads to must be a regular file.
 */
export async function resolveUserFile(path: string): Promise<string> {
  const real = await realpath(path);
  const stats = await stat(real);
  checkRegularFile(path, stats);
  return real;
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a file';
}
