/**
 * The tag's files as the directory tree setuptools would walk in a checkout of the tag, and the
 * few POSIX path operations setuptools' file-list code relies on (posixpath.split and join,
 * lstat-style resolution of a path as it is spelled). setuptools keeps paths as spelled — a
 * pattern `./setup.py` yields the string "./setup.py", which a later `exclude setup.py` does not
 * remove — so this module resolves spellings instead of normalising them.
 */

export interface FileNode {
  kind: 'file';
  name: string;
  /** The file's clean relative path, as given. */
  path: string;
  index: number;
  parent: DirNode;
}

export interface DirNode {
  kind: 'dir';
  name: string;
  /** '' for the project root. */
  path: string;
  children: Map<string, TreeNode>;
  parent: DirNode | undefined;
}

export type TreeNode = FileNode | DirNode;

import type { Matcher } from './pattern-nfa.js';
import { compileFnmatch } from './python-patterns.js';

const OUTSIDE = Symbol('outside the project');

export class InvalidFileListError extends Error {}

/** A path git could hold: relative, '/'-separated, no empty, '.' or '..' component, no NUL. */
const UNCLEAN = /(?:^|\/)\.{0,2}(?:\/|$)|\0/;

function checkPath(path: string): void {
  if (UNCLEAN.test(path)) throw new InvalidFileListError(`not a clean relative file path: ${JSON.stringify(path)}`);
}

export class VirtualTree {
  readonly root: DirNode = { kind: 'dir', name: '', path: '', children: new Map(), parent: undefined };
  readonly files: FileNode[] = [];
  /** Set when a resolution walked above the project root or started at '/'. */
  reachedOutside = false;
  /** Every file and directory by its clean path: most spellings are clean, so most look-ups end here. */
  private readonly byPath = new Map<string, TreeNode>();
  private readonly nameMatchers = new Map<string, Matcher>();
  private readonly resolved = new Map<string, TreeNode | null | typeof OUTSIDE>();

  constructor(paths: readonly string[]) {
    for (const path of paths) this.addFile(path);
  }

  /** The clean paths, in the order given. */
  get paths(): string[] {
    return this.files.map((f) => f.path);
  }

  private addFile(path: string): void {
    checkPath(path);
    const slash = path.lastIndexOf('/');
    const dir = slash < 0 ? this.root : this.directory(path.slice(0, slash));
    const name = path.slice(slash + 1);
    if (dir.children.has(name))
      throw new InvalidFileListError(`${path} is listed twice, or is both a file and a directory`);
    const node: FileNode = { kind: 'file', name, path, index: this.files.length, parent: dir };
    dir.children.set(name, node);
    this.files.push(node);
    this.byPath.set(path, node);
  }

  /** The directory at a clean path, created with its parents when first seen. */
  private directory(path: string): DirNode {
    const known = this.byPath.get(path);
    if (known?.kind === 'dir') return known;
    if (known) throw new InvalidFileListError(`${path} is both a file and a directory`);
    const slash = path.lastIndexOf('/');
    const parent = slash < 0 ? this.root : this.directory(path.slice(0, slash));
    const name = path.slice(slash + 1);
    if (parent.children.has(name)) throw new InvalidFileListError(`${path} is both a file and a directory`);
    const created: DirNode = { kind: 'dir', name, path, children: new Map(), parent };
    parent.children.set(name, created);
    this.byPath.set(path, created);
    return created;
  }

  /**
   * What a spelled path names, as lstat would find it from the project root: '' names nothing,
   * '.' and empty components stay, '..' climbs, and any component after a file fails (ENOTDIR).
   * Paths outside the project are unknown to crosscheck: they resolve to nothing and are noted.
   */
  resolve(spelled: string): TreeNode | null {
    const clean = this.byPath.get(spelled);
    if (clean) return clean;
    let node = this.resolved.get(spelled);
    if (node === undefined) {
      node = this.walk(spelled);
      this.resolved.set(spelled, node);
    }
    if (node !== OUTSIDE) return node;
    this.reachedOutside = true;
    return null;
  }

  private walk(spelled: string): TreeNode | null | typeof OUTSIDE {
    if (spelled === '') return null;
    if (spelled.startsWith('/')) return OUTSIDE;
    let node: TreeNode = this.root;
    for (const part of spelled.split('/')) {
      if (node.kind === 'file') return null;
      if (part === '' || part === '.') continue;
      if (part === '..') {
        if (!node.parent) return OUTSIDE;
        node = node.parent;
        continue;
      }
      const child: TreeNode | undefined = node.children.get(part);
      if (!child) return null;
      node = child;
    }
    return node;
  }

  /** An fnmatch pattern for names, compiled once per tree (glob matches one pattern in many directories). */
  nameMatcher(pattern: string): Matcher {
    let matcher = this.nameMatchers.get(pattern);
    if (!matcher) {
      matcher = compileFnmatch(pattern);
      this.nameMatchers.set(pattern, matcher);
    }
    return matcher;
  }

  exists(spelled: string): boolean {
    return this.resolve(spelled) !== null;
  }

  isDir(spelled: string): boolean {
    return this.resolve(spelled)?.kind === 'dir';
  }

  /** os.listdir: the names in a directory (or only its subdirectories), or undefined when it is not one. */
  listdir(spelled: string, dirsOnly = false): string[] | undefined {
    const node = this.resolve(spelled);
    if (node?.kind !== 'dir') return undefined;
    const names: string[] = [];
    for (const [name, child] of node.children) if (!dirsOnly || child.kind === 'dir') names.push(name);
    return names;
  }
}

/**
 * The file list or a tree already built from it: building the tree is most of the cost of a
 * run on a Django-sized tag, so a caller that computes defaults and applies the manifest can
 * build it once.
 */
export type TagFiles = readonly string[] | VirtualTree;

export function treeOf(files: TagFiles): VirtualTree {
  return files instanceof VirtualTree ? files : new VirtualTree(files);
}

/** posixpath.split: the head loses its trailing slashes unless it is all slashes. */
export function pySplit(path: string): [string, string] {
  const i = path.lastIndexOf('/') + 1;
  let head = path.slice(0, i);
  const tail = path.slice(i);
  if (head !== '' && head !== '/'.repeat(head.length)) head = head.replace(/\/+$/, '');
  return [head, tail];
}

/** posixpath.join: an absolute part restarts the path; a separator is added only when needed. */
export function pyJoin(first: string, ...rest: string[]): string {
  let path = first;
  for (const part of rest) {
    if (part.startsWith('/')) path = part;
    else if (path === '' || path.endsWith('/')) path += part;
    else path += `/${part}`;
  }
  return path;
}
