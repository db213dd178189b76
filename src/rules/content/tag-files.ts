import { posix } from 'node:path';
import type { ArchiveMember } from '../../formats/archive/member.js';

/** One entry of the tag's tree, as `git ls-tree -r` lists it. */
export interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
  path: string;
}

const MAX_LINK_HOPS = 8;

/**
 * The tag's files as a build sees them in a checkout: regular files, and symlinks resolved to the
 * file they point at inside the tag (setuptools copies the linked file's bytes). Content is read
 * from the blobs fetched from git, or from an archive member whose git blob id is the tag's —
 * which authenticates those bytes as the tag's exactly as git would.
 */
export class TagFiles {
  readonly entries: ReadonlyMap<string, TreeEntry>;

  constructor(
    entries: readonly TreeEntry[],
    private readonly blobs: ReadonlyMap<string, Buffer>,
    /** Bytes of archive members by git blob id (an sdist's kept files). */
    private readonly byBlobId: ReadonlyMap<string, Buffer> = new Map(),
  ) {
    this.entries = new Map(entries.filter((e) => e.type === 'blob').map((e) => [e.path, e]));
  }

  /** Paths of every file (symlinks included: a build sees them as files). */
  get paths(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * The entry a path ends at after following symlinks within the tag, at any component (a link to
   * a directory is followed as a checkout follows it), or why it has none.
   */
  resolve(path: string): { entry: TreeEntry; path: string } | { problem: string } {
    let current = '';
    let hops = 0;
    const parts = path.split('/');
    for (let i = 0; i < parts.length; i++) {
      current = current === '' ? parts[i]! : `${current}/${parts[i]}`;
      let entry = this.entries.get(current);
      while (entry && entry.mode === '120000') {
        if (++hops > MAX_LINK_HOPS) return { problem: `${path}: more than ${MAX_LINK_HOPS} symlinks` };
        const target = this.blob(entry.oid);
        if (!target) return { problem: `${path}: the symlink ${current}'s target could not be read from git` };
        const resolved = posix.normalize(posix.join(posix.dirname(current), target.toString('utf8')));
        if (resolved === '..' || resolved.startsWith('../') || resolved.startsWith('/'))
          return { problem: `${path}: ${current} links to ${target.toString('utf8')}, outside the tag` };
        current = resolved;
        entry = this.entries.get(current);
      }
    }
    const entry = this.entries.get(current);
    return entry ? { entry, path: current } : { problem: `${path} is not a file of the tag` };
  }

  /** A file's bytes (through symlinks), when they are at hand; undefined when not a file or not fetched. */
  read(path: string): Buffer | undefined {
    const resolved = this.resolve(path);
    return 'entry' in resolved ? this.blob(resolved.entry.oid) : undefined;
  }

  private blob(oid: string): Buffer | undefined {
    return this.blobs.get(oid) ?? this.byBlobId.get(oid);
  }
}

/** Bytes of kept archive members keyed by their git blob id, so a tag file identical to a member is read from it. */
export function keptByBlobId(
  members: readonly ArchiveMember[],
  kept: ReadonlyMap<string, Buffer>,
): Map<string, Buffer> {
  const result = new Map<string, Buffer>();
  for (const member of members) {
    const bytes = kept.get(member.path);
    if (bytes && member.type === 'file') result.set(member.blobId, bytes);
  }
  return result;
}

/** The tag files a content comparison reads, beyond those an sdist usually holds identical: build declarations and their companions. */
export function declaringPaths(entries: readonly TreeEntry[]): string[] {
  const root =
    /^(pyproject\.toml|setup\.cfg|setup\.py|MANIFEST\.in|README[^/]*|LICEN[CS]E[^/]*|COPYING[^/]*|NOTICE[^/]*|AUTHORS[^/]*)$/;
  return entries.filter((e) => e.type === 'blob' && (root.test(e.path) || e.mode === '120000')).map((e) => e.path);
}
