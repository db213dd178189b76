/**
 * setuptools' FileList (setuptools.command.egg_info) over the tag's tree: the list of spelled
 * paths that becomes SOURCES.txt, and for each tag file the rule that put it there or took it
 * out. A file is in the sdist when at least one spelling of it is still listed at the end.
 */
import type { TemplateCommand } from '../formats/manifest-in.js';
import type { Matcher } from './pattern-nfa.js';
import { compileSetuptoolsPattern } from './python-patterns.js';
import { findall, setuptoolsGlob } from './setuptools-glob.js';
import { pyJoin, type VirtualTree } from './virtual-tree.js';

/** Where an inclusion or exclusion came from, with the text the report shows. */
export interface ManifestRule {
  source: 'default' | 'template' | 'prune';
  /** e.g. "default: setup.py (…)", "MANIFEST.in line 12: graft django", "prune_file_list: …". */
  text: string;
  /** The first physical line of MANIFEST.in, for template rules. */
  line?: number;
}

interface Entry {
  index: number;
  by: ManifestRule;
  seq: number;
}

export class FileListState {
  /** Listed spellings: setuptools' self.files, without its duplicates. */
  readonly entries = new Map<string, Entry>();
  /** Per tag file, the last rule that listed it and the last that removed a spelling of it. */
  readonly lastIncluded: Array<ManifestRule | undefined>;
  readonly lastExcluded: Array<ManifestRule | undefined>;
  private seq = 0;

  /** @param normalizeUnicode setuptools ≥ 83 matches exclude-style patterns in Unicode NFC. */
  constructor(
    readonly tree: VirtualTree,
    readonly normalizeUnicode = false,
  ) {
    this.lastIncluded = new Array<ManifestRule | undefined>(tree.files.length).fill(undefined);
    this.lastExcluded = new Array<ManifestRule | undefined>(tree.files.length).fill(undefined);
  }

  /**
   * FileList.append/extend: a spelling is kept only if it exists (_safe_path). Directories can
   * reach the list through a default (a package directory named `x.py`); they name no tag file
   * and are left out. Returns whether a tag file was listed.
   */
  add(spelled: string, by: ManifestRule): boolean {
    const node = this.tree.resolve(spelled);
    if (node?.kind !== 'file') return false;
    this.addFile(spelled, node.index, by);
    return true;
  }

  /** Lists a spelling already known to name tag file `index` (found by walking the tree). */
  addFile(spelled: string, index: number, by: ManifestRule): void {
    this.entries.set(spelled, { index, by, seq: this.seq++ });
    this.lastIncluded[index] = by;
  }

  /** FileList._remove_files: drops every listed spelling the predicate accepts. */
  remove(predicate: (spelled: string) => boolean, by: ManifestRule): boolean {
    let found = false;
    for (const [spelled, entry] of this.entries) {
      if (!predicate(spelled)) continue;
      this.entries.delete(spelled);
      this.lastExcluded[entry.index] = by;
      found = true;
    }
    return found;
  }

  removeMatching(pattern: string, by: ManifestRule): boolean {
    const matcher: Matcher = compileSetuptoolsPattern(pattern, this.normalizeUnicode);
    return this.remove((spelled) => matcher.matches(spelled), by);
  }
}

/** One pattern of a template line, applied as FileList's action does; returns setuptools' `found`. */
export function applyPattern(
  state: FileListState,
  command: TemplateCommand,
  pattern: string,
  by: ManifestRule,
): boolean {
  const { tree } = state;
  switch (command.action) {
    case 'include':
      return includeFound(state, setuptoolsGlob(tree, pattern, false), by);
    case 'recursive-include':
      return includeFound(state, setuptoolsGlob(tree, pyJoin(command.dir, '**', pattern), true), by);
    case 'graft':
      return graft(state, pattern, by);
    case 'global-include':
      return globalInclude(state, pattern, by);
    case 'exclude':
      return state.removeMatching(pattern, by);
    case 'recursive-exclude':
      return state.removeMatching(pyJoin(command.dir, '**', pattern), by);
    case 'prune':
      return state.removeMatching(pyJoin(pattern, '**'), by);
    case 'global-exclude':
      return state.removeMatching(pyJoin('**', pattern), by);
  }
}

/** include / recursive-include: glob results that are not directories; `found` counts before _safe_path. */
function includeFound(state: FileListState, globbed: Set<string>, by: ManifestRule): boolean {
  let found = false;
  for (const spelled of globbed) {
    if (state.tree.isDir(spelled)) continue;
    found = true;
    state.add(spelled, by);
  }
  return found;
}

/** graft: every file below each directory the (non-recursive) glob names. */
function graft(state: FileListState, dirPattern: string, by: ManifestRule): boolean {
  let found = false;
  for (const dir of setuptoolsGlob(state.tree, dirPattern, false)) {
    for (const { spelled, index } of findall(state.tree, dir)) {
      found = true;
      state.addFile(spelled, index, by);
    }
  }
  return found;
}

/** global-include: every file of the tree (findall('.'), clean paths) matching `**\/pattern`. */
function globalInclude(state: FileListState, pattern: string, by: ManifestRule): boolean {
  const matcher = compileSetuptoolsPattern(pyJoin('**', pattern), state.normalizeUnicode);
  let found = false;
  for (const file of state.tree.files) {
    if (!matcher.matches(file.path)) continue;
    found = true;
    state.addFile(file.path, file.index, by);
  }
  return found;
}
