import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, type Stats, statSync } from 'node:fs';

/**
 * How crosscheck opens a file to read it: never through a symbolic link (the cache is read by
 * path, and a link planted in it must not lead elsewhere), and without blocking, so that a FIFO
 * opens at once and is then refused by `checkRegularFile` instead of waiting for a writer forever.
 */
export const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Opens a file to read it (see READ_FLAGS), with its size from the same `fstat` that found it a
 * regular file: the one way crosscheck opens what it reads (archives, cached downloads, index
 * entries, checksum files). The caller closes the descriptor.
 *
 * Synchronous, as are the reads of these files: on a local disk each call takes microseconds,
 * while each asynchronous one is a round trip through libuv's thread pool, and a long run makes
 * thousands of them.
 */
export function openRegularFile(path: string): { fd: number; size: number } {
  const fd = openSync(path, READ_FLAGS);
  try {
    const stats = fstatSync(fd);
    checkRegularFile(path, stats);
    return { fd, size: stats.size };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/**
 * The whole of a small file (see openRegularFile). One larger than `maxBytes` is refused with the
 * error `tooLarge` makes, before any of it is read.
 */
export function readRegularFile(path: string, maxBytes: number, tooLarge: (size: number) => Error): Buffer {
  const { fd, size } = openRegularFile(path);
  try {
    if (size > maxBytes) throw tooLarge(size);
    // One byte over: a file that grew since fstat shows it, and is refused rather than cut.
    const buffer = Buffer.allocUnsafe(size + 1);
    let length = 0;
    for (
      let bytesRead;
      length < buffer.length && (bytesRead = readSync(fd, buffer, length, buffer.length - length, length)) > 0;
    )
      length += bytesRead;
    if (length !== size) throw new Error(`${path} changed while it was read (${size} bytes, then ${length})`);
    return buffer.subarray(0, size);
  } finally {
    closeSync(fd);
  }
}

/** Refuses anything but a regular file: reading a FIFO or a device may wait, or never end. */
export function checkRegularFile(path: string, stats: Stats): void {
  if (!stats.isFile()) throw new Error(`${path} is ${kindOf(stats)}, not a regular file`);
}

/**
 * The real path of a file the user named (a download, a checksum file, a key, a profile, a CA
 * file, a saved report): a symbolic link there is the user's choice and is followed; what it
 * leads to must be a regular file, so that a FIFO or a device is refused at once rather than read
 * for ever (a FIFO without a writer, /dev/zero).
 */
export function resolveUserFile(path: string): string {
  const real = realpathSync(path);
  checkRegularFile(path, statSync(real));
  return real;
}

/** The whole of a small file the user named (see resolveUserFile and readRegularFile). */
export function readUserFile(path: string, maxBytes: number, tooLarge: (size: number) => Error): Buffer {
  return readRegularFile(resolveUserFile(path), maxBytes, tooLarge);
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a file';
}
