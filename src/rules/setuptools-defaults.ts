/**
 * The files setuptools puts in an sdist by default, before (and, for license files and `file:`
 * references in new versions, after) MANIFEST.in — computed from what the tag declares, for the
 * setuptools version that builds the sdist. Each default says which versions it holds for; the
 * boundaries come from setuptools' code at those tags (read in its git history) and its
 * changelog. The template is read the same way from 34.0.1 to 82.x but for two changes, given
 * as the dialect: from 72.2 each argument goes through pathlib.PurePath, from 83.0 exclude-style
 * matching is in Unicode NFC. This module models 34.0.1 up to 84.x.
 *
 * Anything a default depends on that the caller does not know, or that crosscheck does not
 * model, is returned in `unknown` instead of guessed.
 */
import { posix } from 'node:path';
import type { DefaultInclusion, PruneRules, TemplateDialect } from './manifest.js';
import { compileFnmatch } from './python-patterns.js';
import { stdlibGlob } from './setuptools-glob.js';
import { pyJoin, type TagFiles, treeOf, type VirtualTree } from './virtual-tree.js';

export interface DeclaredProject {
  /** The setuptools version that builds the sdist, e.g. "66.1.1". */
  setuptools: string;
  /** The distribution name as setup() gets it ("Django"): it names the egg-info directory. */
  name: string;
  /** The sdist's top directory, which is distribution.get_fullname(): "Django-3.2.25". */
  releaseTree: string;
  /** setup(packages=…), every package and subpackage. Absent: not known. */
  packages?: readonly string[];
  /** setup(package_dir=…). Absent: none. */
  packageDir?: Readonly<Record<string, string>>;
  /** setup(py_modules=…). Absent: not known. */
  pyModules?: readonly string[];
  /** setup(scripts=…). Absent: not known. */
  scripts?: readonly string[];
  /** setup(package_data=…), patterns per package ('' for all). Absent: not known. */
  packageData?: Readonly<Record<string, readonly string[]>>;
  /** setup(exclude_package_data=…). Absent: none. */
  excludePackageData?: Readonly<Record<string, readonly string[]>>;
  /** setup(include_package_data=…): before setuptools 58.5 it turns the package_data default off. */
  includePackageData?: boolean;
  /** setup(data_files=…): paths, or [directory, paths] pairs whose paths are the files. Absent: none. */
  dataFiles?: ReadonlyArray<string | readonly [string, readonly string[]]>;
  /** [metadata] license_files (patterns from 56.0). null: not declared. Absent: not known. */
  licenseFiles?: readonly string[] | null;
  /** [metadata] license_file (one path; a pattern from 56.0). null: not declared. Absent: not known. */
  licenseFile?: string | null;
  /** Files named by `file:` in setup.cfg, or by readme/license files in pyproject.toml (added from 66.1.0). Absent: not known. */
  referencedFiles?: readonly string[];
  /** build.build_base when configured; "build" otherwise. */
  buildBase?: string;
  /**
   * Declared inputs that add files crosscheck does not model — ext_modules, libraries, custom build sub-commands, a file-finder plugin such as
   * setuptools-scm installed in the build environment. Each one makes the result unknown.
   */
  unmodelled?: readonly string[];
}

export interface SetuptoolsDefaults {
  defaults: DefaultInclusion[];
  prune: PruneRules;
  /** How this version reads MANIFEST.in where versions differ (72.2: PurePath words; 83.0: NFC). */
  dialect: TemplateDialect;
  unknown: string[];
}

type Version = readonly [number, number, number];

/**
 * The oldest and first-unmodelled versions: before 34.0.1 graft's glob differed; 84.0 (2026-08-08)
 * was read and changes nothing the sdist lists (typing and compiler changes); 85 is unread.
 */
const OLDEST: Version = [34, 0, 1];
const BEYOND: Version = [85, 0, 0];

/**
 * Every setuptools version from which what this module computes changes, with the day it was
 * tagged in setuptools' repository (facts, read from its tags): a version between two of them
 * behaves as the earlier one. `BEYOND` is the first version not read.
 */
export const SETUPTOOLS_CHANGES: readonly { version: string; released: string }[] = [
  { version: '34.0.1', released: '2017-01-23' },
  { version: '36.4.0', released: '2017-09-03' },
  { version: '40.6.0', released: '2018-11-12' },
  { version: '40.8.0', released: '2019-02-05' },
  { version: '42.0.0', released: '2019-11-23' },
  { version: '43.0.0', released: '2019-12-31' },
  { version: '56.0.0', released: '2021-04-08' },
  { version: '57.0.0', released: '2021-05-22' },
  { version: '58.5.0', released: '2021-11-03' },
  { version: '62.3.0', released: '2022-05-16' },
  { version: '66.1.0', released: '2023-01-20' },
  { version: '67.2.0', released: '2023-02-06' },
  { version: '72.2.0', released: '2024-08-02' },
  { version: '74.0.0', released: '2024-08-27' },
  { version: '77.0.0', released: '2025-03-19' },
  { version: '83.0.0', released: '2026-07-04' },
];
export const FIRST_UNREAD_SETUPTOOLS = BEYOND.join('.');

export function parseVersion(text: string): Version | undefined {
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text);
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : undefined;
}

function atLeast(v: Version, floor: Version): boolean {
  for (let i = 0; i < 3; i++) if (v[i] !== floor[i]) return v[i]! > floor[i]!;
  return true;
}

function dialectOf(v: Version): TemplateDialect {
  return { normalizeWords: atLeast(v, [72, 2, 0]), normalizeUnicode: atLeast(v, [83, 0, 0]) };
}

/** How a setuptools version reads MANIFEST.in where versions differ; undefined outside 34.0.1–84.x. */
export function templateDialect(setuptools: string): TemplateDialect | undefined {
  const v = parseVersion(setuptools);
  return v && atLeast(v, OLDEST) && !atLeast(v, BEYOND) ? dialectOf(v) : undefined;
}

/** Builds the list, remembering the versions each kind of default holds for in its `why`. */
class Defaults {
  readonly list: DefaultInclusion[] = [];
  constructor(readonly tree: VirtualTree) {}

  isFile(path: string): boolean {
    return this.tree.resolve(path)?.kind === 'file';
  }

  add(path: string, why: string, stage: DefaultInclusion['stage'] = 'before-template'): void {
    this.list.push({ path, why: `${path} — ${why}`, stage });
  }
}

export function setuptoolsDefaults(input: { files: TagFiles; declared: DeclaredProject }): SetuptoolsDefaults {
  const { declared } = input;
  const unknown: string[] = [];
  const parsed = parseVersion(declared.setuptools);
  if (!parsed || !atLeast(parsed, OLDEST) || atLeast(parsed, BEYOND)) {
    unknown.push(
      `setuptools ${declared.setuptools} is outside the versions crosscheck models (34.0.1 to 84.x); the defaults of 66.1.1 are used`,
    );
  }
  const v: Version = parsed && atLeast(parsed, OLDEST) && !atLeast(parsed, BEYOND) ? parsed : [66, 1, 1];
  const d = new Defaults(treeOf(input.files));
  addStandards(d, v);
  addOptional(d, v);
  addPythonSources(d, declared, unknown);
  addPackageData(d, declared, v, unknown);
  addDataFiles(d, declared);
  addScripts(d, declared, unknown);
  if (!atLeast(v, [57, 0, 0])) addLicenseFiles(d, declared, v, 'before-template', unknown);
  addManifestMakerDefaults(d, declared, v, unknown);
  if (atLeast(v, [57, 0, 0])) addLicenseFiles(d, declared, v, 'after-template', unknown);
  addReferencedFiles(d, declared, v, unknown);
  for (const what of declared.unmodelled ?? []) unknown.push(`${what}: adds files crosscheck does not model`);
  return {
    defaults: d.list,
    prune: {
      style: atLeast(v, [74, 0, 0]) ? 'sdist' : 'manifest-maker',
      buildBase: declared.buildBase ?? 'build',
      baseDir: declared.releaseTree,
    },
    dialect: dialectOf(v),
    unknown,
  };
}

/** sdist._add_defaults_standards: the first README found (case-sensitively), and the setup script. */
function addStandards(d: Defaults, v: Version): void {
  const readmes = atLeast(v, [36, 4, 0])
    ? ['README', 'README.rst', 'README.txt', 'README.md']
    : ['README', 'README.rst', 'README.txt'];
  const readme = readmes.find((name) => d.tree.exists(name));
  const era = atLeast(v, [36, 4, 0]) ? 'README.md from setuptools 36.4' : 'before 36.4 no README.md';
  if (readme) d.add(readme, `the first of ${readmes.join(', ')} present (sdist standard files; ${era})`);
  if (d.isFile('setup.py')) d.add('setup.py', 'the setup script (sdist standard files; all versions)');
}

/** sdist._add_defaults_optional: test scripts, setup.cfg, pyproject.toml. */
function addOptional(d: Defaults, v: Version): void {
  const testDirs = atLeast(v, [67, 2, 0]) ? ['tests', 'test'] : ['test'];
  for (const dir of testDirs) {
    const era = dir === 'tests' ? 'from setuptools 67.2' : 'all versions';
    for (const path of sortedFiles(d, `${dir}/test*.py`))
      d.add(path, `matches ${dir}/test*.py (distutils' optional defaults; ${era})`);
  }
  if (d.isFile('setup.cfg')) d.add('setup.cfg', "distutils' optional defaults (all versions)");
  if (atLeast(v, [43, 0, 0]) && d.isFile('pyproject.toml'))
    d.add('pyproject.toml', 'included by default from setuptools 43.0');
}

/** The standard library's glob of a pattern, files only, sorted (the order does not matter to the result). */
function sortedFiles(d: Defaults, pattern: string, recursive = false): string[] {
  return [...stdlibGlob(d.tree, pattern, recursive)].filter((p) => d.isFile(p)).sort();
}

/** glob.escape: a literal directory name inside a pattern. */
function globEscape(path: string): string {
  return path.replace(/[*?[]/g, '[$&]');
}

/** distutils' build_py.get_package_dir. */
export function packageDirOf(pkg: string, packageDir: Readonly<Record<string, string>> | undefined): string {
  const path = pkg === '' ? [] : pkg.split('.');
  if (!packageDir || Object.keys(packageDir).length === 0)
    return path.length > 0 ? pyJoin(path[0]!, ...path.slice(1)) : '';
  const tail: string[] = [];
  while (path.length > 0) {
    const mapped = packageDir[path.join('.')];
    if (mapped !== undefined) return pyJoin(mapped, ...tail);
    tail.unshift(path.pop()!);
  }
  const root = packageDir[''];
  const parts = root !== undefined ? [root, ...tail] : tail;
  return parts.length > 0 ? pyJoin(parts[0]!, ...parts.slice(1)) : '';
}

/** build_py.get_source_files: py_modules' files (and their package's __init__.py), then every package's *.py. */
function addPythonSources(d: Defaults, declared: DeclaredProject, unknown: string[]): void {
  if (declared.pyModules === undefined) unknown.push('py_modules is not known: modules named there are sdist defaults');
  if (declared.packages === undefined)
    unknown.push("the package list is not known: every package's *.py files are sdist defaults");
  const checked = new Set<string>();
  for (const module of declared.pyModules ?? []) {
    const parts = module.split('.');
    const pkg = parts.slice(0, -1).join('.');
    const dir = packageDirOf(pkg, declared.packageDir);
    const init = pyJoin(dir, '__init__.py');
    if (pkg !== '' && !checked.has(pkg) && d.isFile(init))
      d.add(init, `__init__.py of the package of module ${module} (py_modules; all versions)`);
    checked.add(pkg);
    const file = pyJoin(dir, `${parts[parts.length - 1]}.py`);
    if (d.isFile(file)) d.add(file, `module ${module} (py_modules; all versions)`);
  }
  for (const pkg of declared.packages ?? []) {
    const dir = packageDirOf(pkg, declared.packageDir);
    if (dir !== '' && d.tree.resolve(dir)?.kind !== 'dir')
      unknown.push(`package ${pkg}: its directory ${dir} is not in the tag; setuptools would stop with an error`);
    for (const path of sortedFiles(d, pyJoin(globEscape(dir), '*.py'))) {
      // build_py leaves out the setup script itself when a package lives at the top.
      if (d.tree.resolve(path) === d.tree.resolve('setup.py')) continue;
      d.add(path, `a module of package ${pkg} (packages; all versions)`);
    }
  }
}

/**
 * build_py's package data (sdist._add_defaults_python, for projects with packages or modules):
 * each package's package_data patterns under its directory, with the standard library's glob
 * (recursive ** from 62.3), minus exclude_package_data (fnmatch on the whole path, so * spans
 * directories). Before 58.5 include_package_data=True turned this default off.
 */
function addPackageData(d: Defaults, declared: DeclaredProject, v: Version, unknown: string[]): void {
  const data = declared.packageData;
  if (data === undefined) {
    unknown.push('package_data is not known: the files it names are sdist defaults');
    return;
  }
  const pure = (declared.packages?.length ?? 0) + (declared.pyModules?.length ?? 0) > 0;
  if (!pure || (!atLeast(v, [58, 5, 0]) && declared.includePackageData)) return;
  const recursive = atLeast(v, [62, 3, 0]);
  const era = recursive ? 'recursive ** from setuptools 62.3' : 'before 62.3 ** is not recursive';
  for (const pkg of declared.packages ?? []) {
    const dir = packageDirOf(pkg, declared.packageDir);
    const specFor = (spec: DeclaredProject['packageData']): string[] =>
      [...(spec?.[''] ?? []), ...(spec?.[pkg] ?? [])].map((p) => pyJoin(dir, p));
    const excluded = specFor(declared.excludePackageData).map(compileFnmatch);
    for (const pattern of specFor(data)) {
      for (const path of [...stdlibGlob(d.tree, pattern, recursive)].sort()) {
        const node = d.tree.resolve(path);
        if (node?.kind !== 'file' || excluded.some((m) => m.matches(path))) continue;
        // build_py keeps the path relative to the package directory, then joins it back.
        const clean = node.path;
        d.add(
          dir === '' ? clean : pyJoin(dir, posix.relative(posix.normalize(dir), clean)),
          `package data of ${pkg} matching ${pattern} (package_data; ${era})`,
        );
      }
    }
  }
}

/** sdist._add_defaults_data_files: each named file that exists (a pair's first item is where it installs). */
function addDataFiles(d: Defaults, declared: DeclaredProject): void {
  for (const item of declared.dataFiles ?? []) {
    const paths = typeof item === 'string' ? [item] : item[1];
    for (const path of paths) if (d.isFile(path)) d.add(path, 'a data file (data_files; all versions)');
  }
}

function addScripts(d: Defaults, declared: DeclaredProject, unknown: string[]): void {
  if (declared.scripts === undefined) {
    unknown.push('scripts is not known: the scripts named there are sdist defaults');
    return;
  }
  for (const script of declared.scripts) d.add(script, 'a script (scripts; all versions)');
}

/**
 * License files: `license_file` from 40.8 (one path), `license_files` from 42.0 (paths), both as
 * glob patterns with the default patterns LICEN[CS]E*, COPYING*, NOTICE*, AUTHORS* when neither is
 * declared from 56.0; added before MANIFEST.in (which could exclude them) until 56.x, after it from
 * 57.0; `**` recursive from 77.0.
 */
function addLicenseFiles(
  d: Defaults,
  declared: DeclaredProject,
  v: Version,
  stage: DefaultInclusion['stage'],
  unknown: string[],
): void {
  if (!atLeast(v, [40, 8, 0])) return;
  if (declared.licenseFiles === undefined || declared.licenseFile === undefined) {
    unknown.push(
      'license_file / license_files are not known: the license files are sdist defaults from setuptools 40.8',
    );
    return;
  }
  const when =
    stage === 'after-template'
      ? 'added after MANIFEST.in from setuptools 57.0'
      : 'added before MANIFEST.in in setuptools 40.8–56.x';
  const declaredFiles = atLeast(v, [42, 0, 0]) ? [...(declared.licenseFiles ?? [])] : [];
  if (declared.licenseFile && !declaredFiles.includes(declared.licenseFile)) declaredFiles.push(declared.licenseFile);
  if (!atLeast(v, [56, 0, 0])) {
    for (const path of declaredFiles) d.add(path, `a declared license file (${when})`, stage);
    return;
  }
  const useDefaults = declared.licenseFiles === null && declared.licenseFile === null;
  const patterns = useDefaults ? ['LICEN[CS]E*', 'COPYING*', 'NOTICE*', 'AUTHORS*'] : declaredFiles;
  // From 77.0 (PEP 639) ** is recursive, and '..' or a leading '/' stops setuptools.
  const recursive = atLeast(v, [77, 0, 0]);
  if (recursive && patterns.some((p) => p.includes('..') || p.startsWith('/'))) {
    unknown.push('a license_files pattern holds .. or starts with /: setuptools 77 refuses it and stops');
  }
  const source = useDefaults ? 'the default license patterns (from setuptools 56.0)' : 'declared license_files';
  const seen = new Set<string>();
  for (const pattern of patterns) {
    for (const path of sortedFiles(d, pattern, recursive)) {
      if (path.endsWith('~') || seen.has(path)) continue;
      seen.add(path);
      d.add(path, `matches ${pattern} of ${source}; ${when}`, stage);
    }
  }
}

/**
 * manifest_maker.add_defaults: MANIFEST.in itself, setup.py again (from 40.6), and everything in the
 * egg-info directory (a checkout normally has none; a stale SOURCES.txt there would be read back).
 */
function addManifestMakerDefaults(d: Defaults, declared: DeclaredProject, v: Version, unknown: string[]): void {
  if (d.isFile('MANIFEST.in')) d.add('MANIFEST.in', 'the manifest template itself (all versions)');
  if (atLeast(v, [40, 6, 0]) && d.isFile('setup.py'))
    d.add('setup.py', 'egg_info always lists setup.py (from setuptools 40.6)');
  const eggInfo = eggInfoDir(declared);
  const inEggInfo = d.tree.files.filter((f) => f.path.startsWith(`${eggInfo}/`));
  for (const file of inEggInfo)
    d.add(file.path, `in the egg-info directory ${eggInfo}/, which egg_info grafts (all versions)`);
  if (d.isFile(`${eggInfo}/SOURCES.txt`))
    unknown.push(
      `the tag holds ${eggInfo}/SOURCES.txt: egg_info reads it back, so the files it names are defaults too`,
    );
}

/** egg_info's directory: to_filename(safe_name(name)) + ".egg-info", under package_dir[''] if set. */
export function eggInfoDir(declared: Pick<DeclaredProject, 'name' | 'packageDir'>): string {
  const name = `${declared.name.replace(/[^A-Za-z0-9.]+/g, '-').replace(/-/g, '_')}.egg-info`;
  const base = declared.packageDir?.[''];
  return base && base !== '.' ? pyJoin(base, name) : name;
}

function addReferencedFiles(d: Defaults, declared: DeclaredProject, v: Version, unknown: string[]): void {
  if (!atLeast(v, [66, 1, 0])) return;
  if (declared.referencedFiles === undefined) {
    unknown.push('the files named by file: directives are not known: they are sdist defaults from setuptools 66.1');
    return;
  }
  for (const path of declared.referencedFiles)
    d.add(
      path,
      'named by a file: directive or pyproject readme/license (added after MANIFEST.in from setuptools 66.1)',
      'after-template',
    );
}
