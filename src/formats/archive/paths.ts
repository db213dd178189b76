import { isAscii } from 'node:buffer';
import { IntegrityError, quote } from '../../model/errors.js';
import type { Limits } from '../../model/limits.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes raw name bytes as strict UTF-8: two different byte strings never become one name (T-07).
 * `what` and `index` name the header for a message (joined only when one is thrown). ASCII, which
 * nearly every name is, reads the same in UTF-8 and Latin-1, and Latin-1 skips the decoder's copy.
 */
export function decodeName(bytes: Buffer, what: string, index?: number): string {
  if (isAscii(bytes)) return bytes.toString('latin1');
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new IntegrityError(
      'ARCHIVE_PATH_INVALID',
      `${index === undefined ? what : `${what} ${index}`}: member name ${quote(bytes.toString('latin1'))} is not valid UTF-8`,
    );
  }
}

const ASCII = /^[\x00-\x7f]*$/;

// C0/C1 controls, DEL, and the bidirectional overrides that make a name display as another.
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/**
 * Validates a member path and returns it without a trailing slash. Rejects what an installer
 * could resolve differently or outside its target (threat catalog T-07, W-06): absolute paths,
 * drive letters, backslashes, `.`/`..`/empty segments, control and bidi characters, and paths
 * over the length or depth limits.
 */
export function validatePath(path: string, what: string, limits: Pick<Limits, 'pathBytes' | 'pathDepth'>): string {
  const bad = (why: string) =>
    new IntegrityError('ARCHIVE_PATH_INVALID', `${what}: member path ${quote(path)} ${why}`, { file: path });
  if (Buffer.byteLength(path) > limits.pathBytes) throw bad(`is longer than ${limits.pathBytes} bytes`);
  if (FORBIDDEN.test(path)) throw bad('holds a control or bidirectional-override character');
  if (path.includes('\\')) throw bad('holds a backslash');
  if (path.startsWith('/')) throw bad('is absolute');
  if (/^[A-Za-z]:/.test(path)) throw bad('starts with a drive letter');
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  const segments = trimmed.split('/');
  if (segments.length > limits.pathDepth) throw bad(`is deeper than ${limits.pathDepth} levels`);
  if (segments.some((s) => s === '' || s === '.' || s === '..')) throw bad('has an empty, "." or ".." segment');
  return trimmed;
}

/**
 * Tracks member paths: rejects an exact duplicate, two names that collide on a case-insensitive
 * or Unicode-normalising filesystem, and a file that is also used as a directory (T-01, W-03).
 */
export class PathRegistry {
  private readonly exact = new Map<string, 'file' | 'directory'>();
  private readonly folded = new Map<string, string>();

  constructor(private readonly what: string) {}

  add(path: string, type: 'file' | 'directory'): void {
    if (this.exact.has(path)) {
      if (type === 'directory' && this.exact.get(path) === 'directory') {
        throw new IntegrityError('ARCHIVE_DUPLICATE_PATH', `${this.what}: directory ${quote(path)} appears twice`, {
          file: path,
        });
      }
      throw new IntegrityError('ARCHIVE_DUPLICATE_PATH', `${this.what}: ${quote(path)} appears twice`, { file: path });
    }
    // Plain ASCII is already NFC; skipping ICU for it halves the cost of a Django-sized archive.
    const key = (ASCII.test(path) ? path : path.normalize('NFC')).toLowerCase();
    const other = this.folded.get(key);
    if (other !== undefined) {
      throw new IntegrityError(
        'ARCHIVE_NAME_COLLISION',
        `${this.what}: ${quote(path)} and ${quote(other)} name the same file on case-insensitive or normalising filesystems`,
        { file: path },
      );
    }
    this.exact.set(path, type);
    this.folded.set(key, path);
  }

  /** Call once all members are known: no file may also be a parent directory of another member. */
  checkFileDirectoryConflicts(): void {
    // Sorted, the first path at or after `file/` is the only one that can lie under a file:
    // one binary search per file instead of a lookup per ancestor of every member.
    const sorted = [...this.exact.keys()].sort();
    for (const [path, type] of this.exact) {
      if (type !== 'file') continue;
      const under = `${path}/`;
      let low = 0;
      let high = sorted.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (sorted[middle]! < under) low = middle + 1;
        else high = middle;
      }
      const child = sorted[low];
      if (child?.startsWith(under)) {
        throw new IntegrityError(
          'ARCHIVE_DUPLICATE_PATH',
          `${this.what}: ${quote(path)} is a file and also the directory of ${quote(child)}`,
          { file: path },
        );
      }
    }
  }
}
