/**
 * Which files of a git tag setuptools puts in the sdist, and why — computed from the tag's file
 * list alone, as setuptools' egg_info (manifest_maker.run) builds SOURCES.txt:
 *
 *   1. the defaults (README, setup.py, setup.cfg, pyproject.toml, package modules, scripts,
 *      MANIFEST.in itself, the egg-info directory; license files before setuptools 57),
 *   2. each MANIFEST.in line in order (a malformed line or one that matches nothing only warns),
 *   3. the late defaults (license files from setuptools 57, files named by `file:` from 66.1),
 *   4. prune_file_list: the build directory, the `<name>-<version>` release tree, VCS directories.
 *
 * A tag file missing from the sdist is acceptable only if this says it is not included. The
 * caller computes the defaults (see setuptools-defaults.ts); anything it could not know is
 * passed through as `unknown`, which means the result is not a proof.
 *
 * Assumed, as in a checkout of the tag on Linux: a case-sensitive file system, UTF-8 names, and
 * every symlink pointing at a file of the tag (it is then a file to setuptools). A symlink to a
 * directory (setuptools walks into it) or to nothing (setuptools skips it) is not modelled: a
 * caller that finds one must add it to `unknown`.
 */
import {
  type ManifestTemplate,
  parseManifestTemplate,
  type TemplateCommand,
  type TemplateLine,
} from '../formats/manifest-in.js';
import { applyPattern, FileListState, type ManifestRule } from './file-list.js';
import { hasMagic } from './python-patterns.js';
import { type TagFiles, treeOf, VirtualTree } from './virtual-tree.js';

export { parseManifestTemplate } from '../formats/manifest-in.js';
export type { ManifestTemplate, TemplateCommand, TemplateLine } from '../formats/manifest-in.js';
export type { ManifestRule } from './file-list.js';
export { InvalidFileListError } from './virtual-tree.js';
export type { TagFiles } from './virtual-tree.js';

/** The tag's files as a tree, to pass to setuptoolsDefaults, findPackages and applyManifest alike. */
export function prepareTagFiles(files: readonly string[]): VirtualTree {
  return new VirtualTree(files);
}

/** What differs between setuptools versions in reading MANIFEST.in (setuptoolsDefaults gives it). */
export interface TemplateDialect {
  /** From 72.2: every argument through pathlib.PurePath (`./a` is `a`, `dir/` is `dir`). */
  normalizeWords: boolean;
  /** From 83.0: exclude-style lines and global-include match in Unicode normal form C. */
  normalizeUnicode: boolean;
}

/** One default inclusion: a path as setuptools spells it, and why it is a default. */
export interface DefaultInclusion {
  path: string;
  why: string;
  /** Defaults are added before MANIFEST.in is read; license and `file:` files later in new versions. */
  stage?: 'before-template' | 'after-template';
}

/**
 * prune_file_list. `manifest-maker`: egg_info's own (setuptools < 74): the build base, the release
 * tree and RCS/CVS/.svn directories. `sdist`: distutils' with setuptools' addition (setuptools ≥
 * 74): the same two directories, RCS/CVS/.svn/.hg/.git/.bzr/_darcs anywhere, .tox/.nox/.venv at
 * the top.
 */
export interface PruneRules {
  style: 'manifest-maker' | 'sdist';
  /** build.build_base: "build" unless configured. */
  buildBase: string;
  /** distribution.get_fullname(): "<name>-<version>", e.g. "Django-3.2.25". */
  baseDir: string;
}

export interface ApplyManifestInput {
  /** The tag's file paths: POSIX, relative, files only (a symlink counts as a file); or prepareTagFiles of them. */
  files: TagFiles;
  /** MANIFEST.in's text (or its parse, with the same dialect); absent when the tag has none. */
  template?: string | ManifestTemplate;
  defaults: readonly DefaultInclusion[];
  /** prune_file_list; omit only to model the defaults and MANIFEST.in alone (as the tests do). */
  prune?: PruneRules;
  /** How this setuptools version reads the template where versions differ; absent: 34.0.1 to 72.1. */
  dialect?: TemplateDialect;
  /** What the caller could not compute; copied to the result. */
  unknown?: readonly string[];
}

export type FileFate =
  | { path: string; included: true; by: ManifestRule; why: string }
  | { path: string; included: false; by?: ManifestRule; includedBefore?: ManifestRule; why: string };

export interface ManifestWarning {
  line?: number;
  message: string;
  /** What setuptools itself logs for it (for a line: its message, without its line prefix). */
  setuptools?: string;
}

export interface ManifestResult {
  /** One per input file, in input order. */
  fates: FileFate[];
  /** Tag files in the sdist, sorted. */
  included: string[];
  /** Tag files not in the sdist, sorted. */
  notIncluded: string[];
  /**
   * The listed paths as setuptools spells them (what it writes to SOURCES.txt, before its own
   * sort), sorted: usually the same as `included`, but a pattern like `./x` lists "./x".
   */
  listed: string[];
  /** What setuptools would warn about (malformed lines, lines that match nothing, missing defaults). */
  warnings: ManifestWarning[];
  /** Reasons the result may not be exact; empty when it is a complete derivation. */
  unknown: string[];
  /**
   * Set when setuptools could not build an sdist from this tag at all: it stops with an error at
   * this point (the lists then hold what was derived up to it).
   */
  fails?: string;
}

export const NOT_INCLUDED = 'not included by any default or MANIFEST.in line';

export function applyManifest(input: ApplyManifestInput): ManifestResult {
  const tree = treeOf(input.files);
  const dialect = input.dialect ?? { normalizeWords: false, normalizeUnicode: false };
  const state = new FileListState(tree, dialect.normalizeUnicode);
  const warnings: ManifestWarning[] = [];
  const unknown = [...(input.unknown ?? [])];
  addDefaults(state, input.defaults, 'before-template', warnings);
  if (input.template !== undefined) {
    const template =
      typeof input.template === 'string'
        ? parseManifestTemplate(input.template, { normalizeWords: dialect.normalizeWords })
        : input.template;
    warnings.push(...template.warnings.map((message) => ({ message: `MANIFEST.in ${message}` })));
    for (const line of template.lines) {
      const fails = applyLine(state, line, warnings, unknown);
      if (fails) return { ...summarise(state, tree.paths, warnings, unknown), fails };
    }
  }
  addDefaults(state, input.defaults, 'after-template', warnings);
  if (input.prune) pruneFileList(state, input.prune, unknown);
  return summarise(state, tree.paths, warnings, unknown);
}

function addDefaults(
  state: FileListState,
  defaults: readonly DefaultInclusion[],
  stage: DefaultInclusion['stage'],
  warnings: ManifestWarning[],
): void {
  for (const inclusion of defaults) {
    if ((inclusion.stage ?? 'before-template') !== stage) continue;
    if (!state.add(inclusion.path, { source: 'default', text: `default: ${inclusion.why}` })) {
      warnings.push({ message: `default ${inclusion.path} is not a file of the tag; setuptools skips it` });
    }
  }
}

function lineLabel(line: TemplateLine): string {
  return line.lastLine > line.line
    ? `MANIFEST.in lines ${line.line}-${line.lastLine}`
    : `MANIFEST.in line ${line.line}`;
}

/**
 * process_template_line, one pattern at a time, with setuptools' warnings. Returns why the build
 * stops, if it does: setuptools formats a skipped line's warning with "line %d", which raises a
 * TypeError when the line was joined from several (TextFile then counts a range) — in every
 * version, distutils' own included.
 */
function applyLine(
  state: FileListState,
  line: TemplateLine,
  warnings: ManifestWarning[],
  unknown: string[],
): string | undefined {
  const label = lineLabel(line);
  const { command } = line;
  if (!command) {
    const error = line.error ?? 'malformed';
    if (line.joined)
      return `${label}: ${error}, on a line continued with \\; setuptools' warning for it fails (TypeError: %d format) and the build stops`;
    warnings.push({
      line: line.line,
      message: `${label}: ${error}; setuptools warns and skips the line`,
      setuptools: error,
    });
    return undefined;
  }
  for (const pattern of patternsOf(command)) {
    const shown = 'dir' in command ? `${command.action} ${command.dir} ${pattern}` : `${command.action} ${pattern}`;
    const rule: ManifestRule = { source: 'template', text: `${label}: ${shown}`, line: line.line };
    state.tree.reachedOutside = false;
    const found = applyPattern(state, command, pattern, rule);
    if (state.tree.reachedOutside) {
      unknown.push(
        `${label}: ${shown} reaches outside the project; setuptools would look at the build machine's files there, which the tag does not determine`,
      );
    }
    if (!found)
      warnings.push({
        line: line.line,
        message: `${label}: ${shown} matches nothing; setuptools warns and goes on`,
        setuptools: noMatchMessage(command, pattern),
      });
  }
  return undefined;
}

/** FileList.process_template_line's log_map, formatted. */
function noMatchMessage(command: TemplateCommand, pattern: string): string {
  const dir = 'dir' in command ? command.dir : '';
  switch (command.action) {
    case 'include':
      return `warning: no files found matching '${pattern}'`;
    case 'exclude':
      return `warning: no previously-included files found matching '${pattern}'`;
    case 'global-include':
      return `warning: no files found matching '${pattern}' anywhere in distribution`;
    case 'global-exclude':
      return `warning: no previously-included files matching '${pattern}' found anywhere in distribution`;
    case 'recursive-include':
      return `warning: no files found matching '${pattern}' under directory '${dir}'`;
    case 'recursive-exclude':
      return `warning: no previously-included files matching '${pattern}' found under directory '${dir}'`;
    case 'graft':
      return `warning: no directories found matching '${pattern}'`;
    case 'prune':
      return `no previously-included directories found matching '${pattern}'`;
  }
}

function patternsOf(command: TemplateCommand): string[] {
  return 'patterns' in command ? command.patterns : [command.dirPattern];
}

const MANIFEST_MAKER_VCS = new Set(['RCS', 'CVS', '.svn']);
const DISTUTILS_VCS = new Set(['RCS', 'CVS', '.svn', '.hg', '.git', '.bzr', '_darcs']);
const SDIST_TOP_LEVEL = new Set(['.tox', '.nox', '.venv']);

/** Whether a directory component (not the last component) of the spelled path is one of `names`. */
function underDirectoryNamed(spelled: string, names: ReadonlySet<string>): boolean {
  let start = 0;
  for (let slash = spelled.indexOf('/'); slash >= 0; slash = spelled.indexOf('/', start)) {
    if (names.has(spelled.slice(start, slash))) return true;
    start = slash + 1;
  }
  return false;
}

function pruneFileList(state: FileListState, prune: PruneRules, unknown: string[]): void {
  const rule = (text: string): ManifestRule => ({ source: 'prune', text: `prune_file_list: ${text}` });
  const buildRule = rule(`the build directory ${prune.buildBase}/`);
  const treeRule = rule(`the release tree ${prune.baseDir}/`);
  if (prune.style === 'manifest-maker') {
    state.removeMatching(`${prune.buildBase}/**`, buildRule);
    state.removeMatching(`${prune.baseDir}/**`, treeRule);
    state.remove(
      (p) => underDirectoryNamed(p, MANIFEST_MAKER_VCS),
      rule('a version-control directory (RCS, CVS, .svn)'),
    );
    return;
  }
  // distutils matches these two as glob prefixes; crosscheck models literal names only.
  for (const [dir, dirRule] of [
    [prune.buildBase, buildRule],
    [prune.baseDir, treeRule],
  ] as const) {
    if (hasMagic(dir))
      unknown.push(`prune_file_list: ${dir} is a glob pattern to distutils; crosscheck reads it literally`);
    state.remove((p) => p.startsWith(`${dir}/`), dirRule);
  }
  state.remove(
    (p) => underDirectoryNamed(p, DISTUTILS_VCS),
    rule('a version-control directory (RCS, CVS, .svn, .hg, .git, .bzr, _darcs)'),
  );
  state.remove(
    (p) => p.includes('/') && SDIST_TOP_LEVEL.has(p.slice(0, p.indexOf('/'))),
    rule('a .tox, .nox or .venv directory at the top'),
  );
}

function summarise(
  state: FileListState,
  files: readonly string[],
  warnings: ManifestWarning[],
  unknown: string[],
): ManifestResult {
  const live = new Array<{ by: ManifestRule; seq: number } | undefined>(files.length).fill(undefined);
  for (const entry of state.entries.values()) {
    const current = live[entry.index];
    if (!current || current.seq < entry.seq) live[entry.index] = entry;
  }
  const fates = files.map((path, index): FileFate => {
    const kept = live[index];
    if (kept) return { path, included: true, by: kept.by, why: kept.by.text };
    const by = state.lastExcluded[index];
    const before = state.lastIncluded[index];
    if (!by) return { path, included: false, why: NOT_INCLUDED };
    return {
      path,
      included: false,
      by,
      ...(before ? { includedBefore: before } : {}),
      why: before ? `${by.text} (after ${before.text})` : by.text,
    };
  });
  // Sorted by UTF-16 code units, as JavaScript's default sort does.
  const sorted = (keep: boolean): string[] =>
    fates
      .filter((f) => f.included === keep)
      .map((f) => f.path)
      .sort();
  return {
    fates,
    included: sorted(true),
    notIncluded: sorted(false),
    listed: [...state.entries.keys()].sort(),
    warnings,
    unknown,
  };
}
