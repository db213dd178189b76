import { versionSatisfies } from '../../profile/versions.js';
import {
  canonicalizeName,
  type MarkerComparison,
  type MarkerGroup,
  type MarkerOperator,
  parseRequirement,
  RequirementError,
} from '../../formats/requirements.js';
import { applyManifest, type FileFate, NOT_INCLUDED, parseManifestTemplate, prepareTagFiles } from '../manifest.js';
import {
  type DeclaredProject,
  FIRST_UNREAD_SETUPTOOLS,
  SETUPTOOLS_CHANGES,
  setuptoolsDefaults,
} from '../setuptools-defaults.js';
import { type Declared, isKnown } from './declared.js';
import { compileFnmatch } from '../python-patterns.js';
import type { Matcher } from '../pattern-nfa.js';
import type { ManifestFates } from './sdist.js';
import type { TagFiles } from './tag-files.js';

/** setuptools' default license_files patterns (56.0 and later), matched at the project's root. */
const DEFAULT_LICENSE_PATTERNS = ['LICEN[CS]E*', 'COPYING*', 'NOTICE*', 'AUTHORS*'];

/**
 * The license files setuptools records (License-File) and puts in the wheel: the declared paths
 * or patterns (PEP 639 license-files, setup.cfg license_files or license_file), else the default
 * patterns; each pattern's matches sorted, first occurrence kept, files only (`_finalize_license_files`).
 */
export function licenseFilesOf(paths: readonly string[], declared: Declared): string[] | undefined {
  const field = declared.licenseFiles;
  if (field && !isKnown(field)) return undefined;
  const patterns = field?.value ?? DEFAULT_LICENSE_PATTERNS;
  const files = new Set(paths);
  const result: string[] = [];
  for (const pattern of patterns) {
    const segments = pattern.split('/');
    const matchers = segments.map(compileFnmatch);
    const matches = [...files].filter((path) => {
      const parts = path.split('/');
      return (
        parts.length === segments.length &&
        parts.every((part, i) => matchers[i]!.matches(part) && !(part.startsWith('.') && !segments[i]!.startsWith('.')))
      );
    });
    for (const path of matches.sort()) if (!result.includes(path) && !path.endsWith('~')) result.push(path);
  }
  return result;
}

/** A build made after the tag, with a setuptools released up to this long after it, is still that release's. */
const BUILD_AFTER_TAG_MS = 30 * 24 * 3600 * 1000;
/** Until when a release manager could still have built with a setuptools older than the model (34.0.1, January 2017). */
const OLDER_SETUPTOOLS_UNTIL = Date.UTC(2018, 0, 23);

const SETUPTOOLS_BACKENDS = new Set(['setuptools.build_meta', 'setuptools.build_meta:__legacy__']);

export interface FatesContext {
  release: string;
  /** The distribution name the build uses (names the egg-info directory and the release tree). */
  name: string;
  /** The tagger's date (Unix seconds), covered by the tag's signature. */
  taggedAt?: number;
  packages: string[] | { unknown: string };
  /** Tag files the declarations name (`file:` directives, pyproject readme and license). */
  referencedFiles: readonly string[];
  read(path: string): Buffer | undefined;
}

/** One setuptools version that could have built the sdist, or the versions older than the model. */
type Candidate = { version: string; label: string } | { older: true; label: string };

/**
 * Which tag files setuptools puts in the sdist: MANIFEST.in and the defaults, evaluated for every
 * setuptools version that could have built the release — those the tag's [build-system] requires
 * allows, released by the time the release was tagged (plus a month), one per behaviour the model
 * tells apart. A file is left out when every such version leaves it out, included when every one
 * includes it, and unknown otherwise (the message names the versions on each side).
 */
export function sdistFileFates(tag: TagFiles, declared: Declared, context: FatesContext): ManifestFates {
  if (!isKnown(declared.backend))
    return { unknown: `the build backend cannot be read (${declared.backend.from}: ${declared.backend.unknown})` };
  if (!SETUPTOOLS_BACKENDS.has(declared.backend.value))
    return {
      unknown: `built by ${declared.backend.value} (${declared.backend.from}), whose choice of files crosscheck does not model`,
    };
  const template = tag.entries.has('MANIFEST.in') ? context.read('MANIFEST.in') : undefined;
  if (tag.entries.has('MANIFEST.in') && !template) return { unknown: 'MANIFEST.in could not be read from git' };
  const problems = unmodelledLinks(tag);
  if (problems.length > 0) return { unknown: problems.join('; ') };
  const candidates = plausibleSetuptools(declared, context.taggedAt);
  if ('unknown' in candidates) return candidates;
  const requirementNote = declared.buildRequires ? `, as far as ${declared.buildRequires.from} allows` : '';

  const files = prepareTagFiles(tag.paths);
  const including = template ? includingLinesOf(template.toString('utf8')) : [];
  const project = declaredProject(declared, context);
  // Versions that differ only where this tag has nothing to tell them apart give one evaluation.
  const evaluations = new Map<string, Map<string, FileFate> | { unknown: string }>();
  const perCandidate = candidates.map((candidate) => {
    const version = 'older' in candidate ? SETUPTOOLS_CHANGES[0]!.version : candidate.version;
    const defaults = setuptoolsDefaults({ files, declared: { ...project, setuptools: version } });
    const key = JSON.stringify([
      defaults.defaults.map((d) => [d.path, d.stage]),
      defaults.prune.style,
      defaults.dialect,
      defaults.unknown,
    ]);
    let fates = evaluations.get(key);
    if (!fates) {
      const result = applyManifest({
        files,
        ...(template ? { template: template.toString('utf8') } : {}),
        ...defaults,
      });
      fates =
        result.unknown.length > 0
          ? { unknown: result.unknown.join('; ') }
          : result.fails
            ? { unknown: `setuptools ${version} stops with an error on this tag (${result.fails})` }
            : new Map(result.fates.map((fate) => [fate.path, fate]));
      evaluations.set(key, fates);
    }
    return { candidate, fates };
  });
  return {
    fate(path) {
      const included: { label: string; why: string }[] = [];
      const excluded: { label: string; why: string }[] = [];
      for (const { candidate, fates } of perCandidate) {
        if (!(fates instanceof Map)) return { included: 'unknown', why: `${candidate.label}: ${fates.unknown}` };
        const fate = fates.get(path);
        if (!fate) return { included: 'unknown', why: `${path} is not in the file list the model was given` };
        if ('older' in candidate && !leftOutByAnyVersion(fate, including))
          return {
            included: 'unknown',
            why: `the release may have been built with ${candidate.label}, which crosscheck does not model`,
          };
        (fate.included ? included : excluded).push({ label: candidate.label, why: fate.why });
      }
      const span = `setuptools ${spanOf(candidates.map((c) => c.label))}${requirementNote}`;
      if (included.length === 0) return { included: false, why: `${excluded[excluded.length - 1]!.why} (${span})` };
      if (excluded.length === 0)
        return {
          included: true,
          why: `every setuptools that can have built it includes it (${span}): ${included[included.length - 1]!.why}`,
        };
      return {
        included: 'unknown',
        why: `setuptools ${spanOf(included.map((e) => e.label))} include it and ${spanOf(excluded.map((e) => e.label))} leave it out; which one built the release is not known`,
      };
    },
  };
}

/**
 * What is certain of a setuptools older than the model, from how 34.0.1 leaves a file out: that
 * nothing names it (no version of distutils adds a file no default or line names), or that a
 * MANIFEST.in exclusion, or prune_file_list, removed it with no including line after (distutils
 * has removed files this way since Python 2; only what older versions add differs).
 */
function leftOutByAnyVersion(fate: FileFate, including: readonly IncludingLine[]): boolean {
  if (fate.included) return false;
  if (fate.why === NOT_INCLUDED || fate.by?.source === 'prune') return true;
  const line = fate.by?.source === 'template' ? fate.by.line : undefined;
  return line !== undefined && !including.some((later) => later.line > line && later.mayAdd(fate.path));
}

interface IncludingLine {
  line: number;
  /** Whether the line may add `path` in some setuptools version: a superset (`*` is taken to cross directories). */
  mayAdd(path: string): boolean;
}

/** MANIFEST.in's lines that add files (include, global-include, recursive-include, graft). */
function includingLinesOf(template: string): IncludingLine[] {
  const glob = /[*?[]/;
  // Each line's patterns are compiled once: the line is asked about every file of the tag.
  const compiled = new Map<string, Matcher>();
  const matcher = (pattern: string) =>
    compiled.get(pattern) ?? compiled.set(pattern, compileFnmatch(pattern.replace(/^\.\//, ''))).get(pattern)!;
  const anyOf = (patterns: readonly string[], text: string) => patterns.some((p) => matcher(p).matches(text));
  const under = (dir: string, path: string) =>
    glob.test(dir) || path.startsWith(`${dir.replace(/^\.\//, '').replace(/\/+$/, '')}/`);
  const lines: IncludingLine[] = [];
  for (const { lastLine: line, command } of parseManifestTemplate(template).lines) {
    if (!command) continue;
    const base = (path: string) => path.slice(path.lastIndexOf('/') + 1);
    if (command.action === 'graft') lines.push({ line, mayAdd: (path) => under(command.dirPattern, path) });
    else if (command.action === 'recursive-include')
      lines.push({
        line,
        mayAdd: (path) =>
          under(command.dir, path) && (anyOf(command.patterns, base(path)) || anyOf(command.patterns, path)),
      });
    else if (command.action === 'include') lines.push({ line, mayAdd: (path) => anyOf(command.patterns, path) });
    else if (command.action === 'global-include')
      lines.push({ line, mayAdd: (path) => anyOf(command.patterns, base(path)) || anyOf(command.patterns, path) });
  }
  return lines;
}

/** The setuptools versions, one per modelled behaviour, that can have built a release of this tag. */
function plausibleSetuptools(declared: Declared, taggedAt: number | undefined): Candidate[] | { unknown: string } {
  const requires = setuptoolsRequirement(declared);
  if (requires !== undefined && 'unknown' in requires) return requires;
  const builtBy = taggedAt === undefined ? Number.POSITIVE_INFINITY : taggedAt * 1000 + BUILD_AFTER_TAG_MS;
  const candidates: Candidate[] = [];
  SETUPTOOLS_CHANGES.forEach((change, i) => {
    if (Date.parse(change.released) > builtBy) return;
    const next = SETUPTOOLS_CHANGES[i + 1]?.version ?? FIRST_UNREAD_SETUPTOOLS;
    if (requires !== undefined && !boundMeets(change.version, next, requires)) return;
    candidates.push({ version: change.version, label: `${change.version}–${previousOf(next)}` });
  });
  // Before 2018 a release manager may have used a setuptools older than the model, unless [build-system] requires rules every one out.
  const olderAdmitted = requires === undefined || boundMeets('0', SETUPTOOLS_CHANGES[0]!.version, requires);
  if (olderAdmitted && builtBy < OLDER_SETUPTOOLS_UNTIL + BUILD_AFTER_TAG_MS)
    candidates.unshift({ older: true, label: `setuptools before ${SETUPTOOLS_CHANGES[0]!.version}` });
  if (candidates.length === 0)
    return {
      unknown: `no setuptools version crosscheck models (${SETUPTOOLS_CHANGES[0]!.version} to ${previousOf(FIRST_UNREAD_SETUPTOOLS)}) can have built it${requires ? ` (${[...requires.all, ...requires.any].join('; ')})` : ''}`,
    };
  return candidates;
}

/**
 * What the tag's [build-system] requires says of setuptools: every unmarked requirement holds; of
 * those under an environment marker, one does where their markers cover every Python version (as
 * Django's `python_version >= '3.9'` and `< '3.9'` do). Where they may not (one marker alone, or a
 * marker on anything else), a build can run where none applies, bound by the unmarked ones only.
 * Undefined: no bound.
 */
function setuptoolsRequirement(declared: Declared): SetuptoolsBound | undefined | { unknown: string } {
  if (!declared.buildRequires) return undefined;
  if (!isKnown(declared.buildRequires))
    return { unknown: `${declared.buildRequires.from}: ${declared.buildRequires.unknown}` };
  const bound: SetuptoolsBound = { all: [], any: [] };
  const markers: MarkerGroup[] = [];
  for (const text of declared.buildRequires.value) {
    let requirement;
    try {
      requirement = parseRequirement(text);
    } catch (error) {
      return {
        unknown: `${declared.buildRequires.from}: "${text}" is not a requirement (${error instanceof RequirementError ? error.message : String(error)})`,
      };
    }
    if (canonicalizeName(requirement.name) !== 'setuptools') continue;
    const specifier = requirement.specifiers.map((s) => `${s.operator}${s.version}`).join(',');
    if (requirement.marker) {
      bound.any.push(specifier);
      markers.push(requirement.marker);
    } else {
      bound.all.push(specifier);
    }
  }
  if (!PYTHON_VERSIONS.every((python) => markers.some((marker) => evaluateMarker(marker, python) === true)))
    bound.any = [];
  return bound.all.length + bound.any.length > 0 ? bound : undefined;
}

/** Every `python_version` a build can run on (2.0 … 2.7, 3.0 … 3.40, 4.0): what a set of markers must cover. */
const PYTHON_VERSIONS = [
  '2.0',
  '2.1',
  '2.2',
  '2.3',
  '2.4',
  '2.5',
  '2.6',
  '2.7',
  ...Array.from({ length: 41 }, (_, i) => `3.${i}`),
  '4.0',
];

/**
 * A marker's value on a Python version (PEP 508: `and` binds tighter than `or`; a value that reads
 * as a version is compared as one), or undefined when it depends on anything but `python_version`.
 */
function evaluateMarker(group: MarkerGroup, python: string): boolean | undefined {
  let any: boolean | undefined = false;
  let all: boolean | undefined = true;
  for (const item of [...group.items, 'or' as const]) {
    if (item === 'or') {
      any = any === true || all === true ? true : any === undefined || all === undefined ? undefined : false;
      all = true;
    } else if (item !== 'and') {
      const value = item.kind === 'group' ? evaluateMarker(item, python) : evaluateComparison(item, python);
      all = all === false || value === false ? false : all === undefined || value === undefined ? undefined : true;
    }
  }
  return any;
}

const FLIPPED: Partial<Record<MarkerOperator, MarkerOperator>> = {
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
  '==': '==',
  '!=': '!=',
};

function evaluateComparison(comparison: MarkerComparison, python: string): boolean | undefined {
  const { left, right } = comparison;
  const onLeft = left.kind === 'variable' && left.name === 'python_version' && right.kind === 'value';
  const onRight = right.kind === 'variable' && right.name === 'python_version' && left.kind === 'value';
  if (!onLeft && !onRight) return undefined;
  const value = onLeft ? (right as { value: string }).value : (left as { value: string }).value;
  if (comparison.operator === 'in' || comparison.operator === 'not in') {
    const contained = onLeft ? value.includes(python) : python.includes(value);
    return comparison.operator === 'in' ? contained : !contained;
  }
  if (comparison.operator === '===') return python === value;
  const operator = onLeft ? comparison.operator : FLIPPED[comparison.operator];
  if (operator === undefined || !/^[0-9]+(\.[0-9]+)*(\.\*)?$/.test(value)) return undefined;
  return versionSatisfies(python, `${operator}${value}`);
}

interface SetuptoolsBound {
  /** Specifiers that all hold ('' for a requirement without one). */
  all: string[];
  /** Specifiers under markers, one of which holds. */
  any: string[];
}

function boundMeets(from: string, to: string, bound: SetuptoolsBound): boolean {
  const meets = (specifier: string) => specifier === '' || intervalMeets(from, to, specifier);
  return bound.all.every(meets) && (bound.any.length === 0 || bound.any.some(meets));
}

/**
 * Whether some version in [from, to) satisfies `specifier`. A specifier's answer changes only at
 * the versions it names, just above them (`>34.0.1` admits 34.0.2; not 34.0.1.post1, which PEP 440
 * excludes), and where a prefix of one ends (`!=34.*` and `~=34.1` admit 35): the interval's floor
 * and each such point that falls inside are tried.
 */
function intervalMeets(from: string, to: string, specifier: string): boolean {
  const named = [...specifier.matchAll(/[\d]+(?:\.[\d]+)*/g)].map((m) => m[0].split('.').map(Number));
  const width = Math.max(3, from.split('.').length, to.split('.').length, ...named.map((v) => v.length)) + 1;
  const points = named.flatMap((v) => [
    v,
    [...v, ...Array<number>(width - v.length - 1).fill(0), 1],
    ...v.map((_, i) => [...v.slice(0, i), v[i]! + 1]),
  ]);
  const samples = [from, ...points.map((v) => v.join('.'))].filter((v) => versionSatisfies(v, `>=${from},<${to}`));
  return samples.some((v) => versionSatisfies(v, specifier));
}

function previousOf(version: string): string {
  const [major = '0', minor = '0'] = version.split('.');
  return minor === '0' ? `${Number(major) - 1}.x` : `${major}.${Number(minor) - 1}.x`;
}

/** "40.8.0–41.x, 42.0.0–42.x" → "40.8.0–42.x" when the labels are consecutive. */
function spanOf(labels: readonly string[]): string {
  if (labels.length === 0) return 'none';
  const first = labels[0]!;
  const last = labels[labels.length - 1]!;
  if (labels.length === 1) return first;
  return `${first.split('–')[0]}–${last.split('–')[1] ?? last}`;
}

/** Symlinks the model cannot follow: to a directory, or to nothing. */
function unmodelledLinks(tag: TagFiles): string[] {
  const problems: string[] = [];
  for (const [path, entry] of tag.entries) {
    if (entry.mode !== '120000') continue;
    const resolved = tag.resolve(path);
    if (!('entry' in resolved))
      problems.push(`the symlink ${path} does not lead to a file of the tag (${resolved.problem})`);
  }
  return problems;
}

/** What the model needs of the declarations; a field left out is one the model then calls unknown. */
function declaredProject(declared: Declared, context: FatesContext): Omit<DeclaredProject, 'setuptools'> {
  const listOf = (field: Declared['scripts']) => (field === undefined ? [] : isKnown(field) ? field.value : undefined);
  const license = declared.licenseFiles;
  const singular = license !== undefined && / license_file$/.test(license.from);
  const project: Omit<DeclaredProject, 'setuptools'> = {
    name: context.name,
    releaseTree: `${context.name}-${context.release}`,
    packageData: {},
    dataFiles: [],
    referencedFiles: context.referencedFiles,
    unmodelled: declared.unmodelled,
    licenseFiles: license === undefined || singular ? null : isKnown(license) ? license.value : undefined,
    licenseFile: license === undefined || !singular ? null : isKnown(license) ? license.value[0]! : undefined,
  };
  if (!('unknown' in context.packages)) project.packages = context.packages;
  const pyModules = listOf(declared.pyModules);
  if (pyModules) project.pyModules = pyModules;
  const scripts = listOf(declared.scripts);
  if (scripts) project.scripts = scripts;
  if (declared.includePackageData && isKnown(declared.includePackageData))
    project.includePackageData = declared.includePackageData.value;
  return project;
}
