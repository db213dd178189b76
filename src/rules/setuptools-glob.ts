/**
 * setuptools.glob (its copy of Python 3.5's glob) and distutils' findall, over the tag's tree.
 * Unlike the standard library's glob, setuptools' does not hide dot-files: `*` matches `.x`.
 * Results are the spelled strings setuptools would produce, as a set: Python's generator can
 * yield a path many times (one per way `**` can reach it), which only costs it time.
 */
import { hasMagic } from './python-patterns.js';
import { pyJoin, pySplit, type TreeNode, type VirtualTree } from './virtual-tree.js';

/** The tree, and whether dot-files hide from wildcards. */
interface GlobContext {
  tree: VirtualTree;
  /** The standard library's glob (not setuptools'): a wildcard skips names starting with '.'. */
  hideDotFiles: boolean;
}

/** setuptools.glob.glob(pathname, recursive). */
export function setuptoolsGlob(tree: VirtualTree, pathname: string, recursive: boolean): Set<string> {
  const found = iglob({ tree, hideDotFiles: false }, pathname, recursive);
  // iglob drops the empty string that glob2 yields first for a bare '**'.
  if (recursive && pathname === '**') found.delete('');
  return found;
}

/**
 * _iglob. `dirsOnly` is set when the results only serve as directories to look into: setuptools
 * also yields files there, which match nothing below them — except through a recursive `**`,
 * whose glob2 yields '' for a file too, giving "file/" (not listed, as it does not exist, but it
 * counts as found and silences the warning). So files are left out only when the next level is
 * not a recursive `**`; the standard library's glob leaves them out always (its `dironly`).
 */
function iglob(context: GlobContext, pathname: string, recursive: boolean, dirsOnly = false): Set<string> {
  const { tree } = context;
  const [dirname, basename] = pySplit(pathname);
  if (!hasMagic(pathname)) return literalGlob(tree, pathname, dirname, basename);
  let inDir: (dir: string, pattern: string) => Iterable<string> =
    recursive && basename === '**' ? (d) => glob2(context, d, dirsOnly) : (d, p) => glob1(context, d, p, dirsOnly);
  if (dirname === '') return new Set(inDir('', basename));
  const filesMatter = !context.hideDotFiles && recursive && basename === '**';
  const dirs =
    dirname !== pathname && hasMagic(dirname) ? iglob(context, dirname, recursive, !filesMatter) : new Set([dirname]);
  if (!hasMagic(basename)) inDir = (d, b) => glob0(tree, d, b);
  const out = new Set<string>();
  for (const dir of dirs) for (const name of inDir(dir, basename)) out.add(pyJoin(dir, name));
  return out;
}

/**
 * Python's glob.glob(pathname) without recursion, which setuptools uses for the defaults (package
 * modules, license files): the same walk, but `*`, `?` and `[..]` do not match a leading '.'
 * unless the pattern's component itself starts with '.'.
 */
export function stdlibGlob(tree: VirtualTree, pathname: string, recursive = false): Set<string> {
  const found = iglob({ tree, hideDotFiles: true }, pathname, recursive);
  if (recursive && pathname === '**') found.delete('');
  return found;
}

/** A pattern without magic names itself if it exists (a trailing slash: if it is a directory). */
function literalGlob(tree: VirtualTree, pathname: string, dirname: string, basename: string): Set<string> {
  const present = basename !== '' ? tree.exists(pathname) : tree.isDir(dirname);
  return new Set(present ? [pathname] : []);
}

/** glob1: the names in a directory that match the pattern. */
function glob1(context: GlobContext, dirname: string, pattern: string, dirsOnly: boolean): string[] {
  const listed = context.tree.listdir(dirname === '' ? '.' : dirname, dirsOnly);
  if (!listed) return [];
  const names =
    context.hideDotFiles && !pattern.startsWith('.') ? listed.filter((name) => !name.startsWith('.')) : listed;
  const matcher = context.tree.nameMatcher(pattern);
  return names.filter((name) => matcher.matches(name));
}

/** glob0: a literal name in a directory, if it exists ('' if the directory exists). */
function glob0(tree: VirtualTree, dirname: string, basename: string): string[] {
  if (basename === '') return tree.isDir(dirname) ? [''] : [];
  return tree.exists(pyJoin(dirname, basename)) ? [basename] : [];
}

/** glob2: '' then every path below a directory, relative to it (the standard library's skips dot-names). */
function glob2(context: GlobContext, dirname: string, dirsOnly: boolean): string[] {
  const out = [''];
  const start = context.tree.resolve(dirname === '' ? '.' : dirname);
  if (start?.kind === 'dir') collectBelow(start, '', out, context.hideDotFiles, dirsOnly);
  return out;
}

function collectBelow(node: TreeNode, prefix: string, out: string[], hideDotFiles: boolean, dirsOnly: boolean): void {
  if (node.kind !== 'dir') return;
  for (const [name, child] of node.children) {
    if ((hideDotFiles && name.startsWith('.')) || (dirsOnly && child.kind !== 'dir')) continue;
    const relative = prefix === '' ? name : pyJoin(prefix, name);
    out.push(relative);
    collectBelow(child, relative, out, hideDotFiles, dirsOnly);
  }
}

/**
 * distutils.filelist.findall(dir): every file below a directory, spelled as os.walk joins them
 * onto `dir`; for exactly '.', relative to it.
 */
export function findall(tree: VirtualTree, dir: string): Array<{ spelled: string; index: number }> {
  const start = tree.resolve(dir);
  const out: Array<{ spelled: string; index: number }> = [];
  if (start?.kind !== 'dir') return out;
  const walk = (node: TreeNode, spelled: string): void => {
    if (node.kind === 'file') {
      out.push({ spelled, index: node.index });
      return;
    }
    for (const [name, child] of node.children) walk(child, pyJoin(spelled, name));
  };
  // For exactly '.', findall makes the paths relative: the clean names, without './'.
  if (dir === '.') {
    for (const [name, child] of start.children) walk(child, name);
    return out;
  }
  walk(start, dir);
  return out;
}
