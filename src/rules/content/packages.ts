import { compileFnmatch } from '../python-patterns.js';
import type { PackageSpec } from './declared.js';

/**
 * Which packages a build installs, computed from the tag's file list as setuptools computes it
 * (`setuptools.discovery.PackageFinder`): from `where`, every directory whose dotted name matches
 * `include` and not `exclude` (fnmatch, case-sensitive) and, for a classic search, holds an
 * `__init__.py`; the search goes down only into directories that look like packages and whose
 * name has no dot. A namespace search (`find_namespace:`, pyproject's `packages.find` by
 * default) takes every directory.
 */
export function findPackages(files: readonly string[], spec: PackageSpec): string[] {
  if (spec.kind === 'list') return [...(spec.names ?? [])];
  const where = (spec.where ?? '.').replace(/^\.\/?/, '').replace(/\/$/, '');
  const prefix = where === '' ? '' : `${where}/`;
  const directories = new Map<string, Set<string>>();
  const hasInit = new Set<string>();
  for (const file of files) {
    if (!file.startsWith(prefix)) continue;
    const parts = file.slice(prefix.length).split('/');
    for (let depth = 1; depth < parts.length; depth++) {
      const parent = parts.slice(0, depth - 1).join('/');
      const child = parts.slice(0, depth).join('/');
      let children = directories.get(parent);
      if (!children) directories.set(parent, (children = new Set()));
      children.add(child);
    }
    if (parts[parts.length - 1] === '__init__.py') hasInit.add(parts.slice(0, -1).join('/'));
  }
  const include = (spec.include ?? ['*']).map(compileFnmatch);
  // setuptools.discovery's DEFAULT_EXCLUDE, for both finders.
  const exclude = ['ez_setup', '*__pycache__', ...(spec.exclude ?? [])].map(compileFnmatch);
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const child of [...(directories.get(dir) ?? [])].sort()) {
      const base = child.split('/').pop()!;
      const dotted = child.replace(/\//g, '.');
      if (base.includes('.') || !(spec.namespaces || hasInit.has(child))) continue;
      if (include.some((p) => p.matches(dotted)) && !exclude.some((p) => p.matches(dotted))) found.push(dotted);
      // The search goes on below an excluded package: a subpackage may still be included.
      walk(child);
    }
  };
  walk('');
  return found;
}

/** top_level.txt as egg_info writes it: the first name of each package and module, sorted, one per line. */
export function topLevelText(packages: readonly string[], modules: readonly string[]): string {
  const names = [...new Set([...packages, ...modules].map((name) => name.split('.')[0]!))].sort();
  return names.map((name) => `${name}\n`).join('');
}
