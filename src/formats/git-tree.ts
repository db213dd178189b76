import { IntegrityError, UnavailableError } from '../model/errors.js';

export interface GitTreeEntry {
  mode: string;
  type: string;
  oid: string;
  path: string;
}

interface TreeRecord {
  mode: number;
  name: string;
  oid: string;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const S_IFGITLINK = 0o160000;
/** What `ls-tree` output the listing replaces was bounded to (256 MiB). */
const MAX_LISTING_CHARS = 256 * 1024 * 1024;

/**
 * Lists a tree recursively as `git ls-tree -r --full-tree -z` prints it — every blob and
 * submodule, depth-first in tree order, modes canonicalised as git does — from the tree objects
 * themselves, read level by level through `readTrees`. This saves a git process per release
 * (each a fork of the whole verifier); tests/unit/git-tree.test.ts holds the two side by side on a
 * real Django tree and on malformed trees.
 */
export async function walkTree(
  root: string,
  readTrees: (oids: string[]) => Promise<Map<string, Buffer>>,
  maxEntries: number,
): Promise<GitTreeEntry[]> {
  const tooMany = () =>
    new UnavailableError('LIMIT_MEMBERS', `tree ${root} has over ${maxEntries} entries, the limit`, { channel: 'git' });
  const oidBytes = root.length / 2;
  const trees = new Map<string, TreeRecord[]>();
  let level = [root];
  let recordsRead = 0;
  while (level.length > 0) {
    const contents = await readTrees(level);
    const next = new Set<string>();
    for (const oid of level) {
      const records = parseTree(contents.get(oid)!, oidBytes, oid);
      trees.set(oid, records);
      // Directories count too, so that a deep or wide hostile tree stops while it is read.
      recordsRead += records.length;
      if (recordsRead > 2 * maxEntries) throw tooMany();
      for (const record of records) if (record.mode === S_IFDIR && !trees.has(record.oid)) next.add(record.oid);
    }
    level = [...next];
  }
  // Depth-first in tree order, with an explicit stack: a subtree may be shared, so the listing is
  // bounded as it grows (not by the trees read), and nesting does not use the call stack.
  const entries: GitTreeEntry[] = [];
  let visited = 0;
  let pathChars = 0;
  const stack: { records: TreeRecord[]; next: number; prefix: string }[] = [
    { records: trees.get(root)!, next: 0, prefix: '' },
  ];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const record = top.records[top.next++];
    if (!record) {
      stack.pop();
      continue;
    }
    if (++visited > 2 * maxEntries) throw tooMany();
    const path = `${top.prefix}${record.name}`;
    pathChars += path.length;
    if (pathChars > MAX_LISTING_CHARS)
      throw new UnavailableError(
        'LIMIT_EXCEEDED',
        `tree ${root}: its paths exceed ${MAX_LISTING_CHARS} characters in all`,
        { channel: 'git' },
      );
    if (record.mode === S_IFDIR) {
      stack.push({ records: trees.get(record.oid)!, next: 0, prefix: `${path}/` });
      continue;
    }
    entries.push({
      mode: record.mode.toString(8).padStart(6, '0'),
      type: record.mode === S_IFGITLINK ? 'commit' : 'blob',
      oid: record.oid,
      path,
    });
    if (entries.length > maxEntries) throw tooMany();
  }
  return entries;
}

/** One tree object's entries, decoded as git's decode_tree_entry does. */
export function parseTree(content: Buffer, oidBytes: number, treeId: string): TreeRecord[] {
  const malformed = (what: string) => new IntegrityError('GIT_OBJECT', `tree ${treeId}: ${what}`, { channel: 'git' });
  const records: TreeRecord[] = [];
  let pos = 0;
  while (pos < content.length) {
    const space = content.indexOf(0x20, pos);
    if (space < 0 || space === pos || space - pos > 7) throw malformed('malformed mode in tree entry');
    let mode = 0;
    for (let i = pos; i < space; i++) {
      const digit = content[i]! - 0x30;
      if (digit < 0 || digit > 7) throw malformed('malformed mode in tree entry');
      mode = mode * 8 + digit;
    }
    const nul = content.indexOf(0, space + 1);
    if (nul < 0 || nul + 1 + oidBytes > content.length) throw malformed('too-short tree object');
    if (nul === space + 1) throw malformed('empty filename in tree entry');
    records.push({
      mode: canonicalMode(mode),
      name: content.subarray(space + 1, nul).toString('utf8'),
      oid: content.subarray(nul + 1, nul + 1 + oidBytes).toString('hex'),
    });
    pos = nul + 1 + oidBytes;
  }
  return records;
}

/** git's canon_mode: a regular file is 100644 or 100755, anything unknown a submodule. */
function canonicalMode(mode: number): number {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return S_IFREG | (mode & 0o100 ? 0o755 : 0o644);
    case S_IFLNK:
      return S_IFLNK;
    case S_IFDIR:
      return S_IFDIR;
    default:
      return S_IFGITLINK;
  }
}
