import type { EntryPoint } from '../../formats/entry-points.js';
import {
  isTable,
  type TomlTable,
  type TomlValue,
  parsePyproject,
  PyprojectError,
  tableAt,
} from '../../formats/pyproject.js';
import { getInterpolated, options, parseSetupCfg, type SetupCfg, SetupCfgError } from '../../formats/setup-cfg.js';
import { pythonSplitlines, pythonStrip } from '../../formats/python-text.js';
import {
  decodeSetupPy,
  describeUnknown as describeSetupPyUnknown,
  isUnknown as isSetupPyUnknown,
  readSetupPy,
  type Value as SetupPyValue,
} from '../../formats/setup-py.js';

/**
 * What a tag declares about the build, read statically from its files, never by running them:
 * `pyproject.toml` ([build-system], [project], [tool.setuptools]), `setup.cfg` as setuptools reads
 * it, and the literal parts of `setup.py`'s `setup()` call. Every value knows where it came from,
 * to show the derivation of each generated file ("requires.txt ← setup.cfg [options]
 * install_requires"); a value that cannot be read statically is `unknown`, with the reason, and
 * a check that needs it ends unverified — never passed.
 */
export type Field<T> = { value: T; from: string } | { unknown: string; from: string };

export interface PackageSpec {
  kind: 'list' | 'find';
  names?: string[];
  where?: string;
  include?: string[];
  exclude?: string[];
  namespaces?: boolean;
}

export interface Readme {
  /** The tag file the long description is read from, when it is a file. */
  path?: string;
  text?: string;
  contentType?: string;
}

export interface Author {
  name?: string;
  email?: string;
}

export interface Declared {
  /** The tag files that declared something, in the order they were read. */
  files: string[];
  backend: Field<string>;
  /** [build-system] requires: what the build frontend installs to build (the setuptools versions that can have built the release). */
  buildRequires?: Field<string[]>;
  name?: Field<string>;
  /** A literal version, to hold to the release's; attr:/file:/dynamic versions are the release's by construction. */
  version?: Field<string>;
  summary?: Field<string>;
  homePage?: Field<string>;
  downloadUrl?: Field<string>;
  authors?: Field<Author[]>;
  maintainers?: Field<Author[]>;
  license?: Field<string>;
  licenseExpression?: Field<string>;
  /** Patterns (setup.cfg, old setuptools) or paths (PEP 639) of the license files. */
  licenseFiles?: Field<string[]>;
  keywords?: Field<string[]>;
  platforms?: Field<string[]>;
  classifiers?: Field<string[]>;
  projectUrls?: Field<[string, string][]>;
  requiresPython?: Field<string>;
  readme?: Field<Readme>;
  dependencies?: Field<string[]>;
  extras?: Field<[string, string[]][]>;
  entryPoints?: Field<EntryPoint[]>;
  scripts?: Field<string[]>;
  packages?: Field<PackageSpec>;
  pyModules?: Field<string[]>;
  zipSafe?: Field<boolean>;
  includePackageData?: Field<boolean>;
  /** Declarations that change what the build writes and that crosscheck does not model: content checks that depend on them are unverified. */
  unmodelled: string[];
}

/** Tag files that declare the build, by path at the tag's root; `undefined` where the tag has none. */
export interface DeclaringFiles {
  pyproject?: Buffer;
  setupCfg?: Buffer;
  /** setup.py's literal keywords, as src/formats/setup-py.ts reads them. */
  setupPy?: SetupPyKeywords;
  /** Reads another tag file the declarations name (`file: README.rst`), or undefined. */
  readFile(path: string): Buffer | undefined;
}

/** A setup() keyword: its literal value, or why it has none. */
export type SetupPyKeyword = { value: unknown; line: number } | { unknown: string; line: number };
export type SetupPyKeywords = { keywords: ReadonlyMap<string, SetupPyKeyword>; problem?: string };

const known = <T>(field: Field<T> | undefined): field is { value: T; from: string } =>
  field !== undefined && 'value' in field;
export const isKnown = known;

/**
 * Reads what the tag declares. Later sources never silently override earlier ones: setuptools
 * lets pyproject.toml's [project] win over setup.py and setup.cfg, and setup.py's keywords win
 * over setup.cfg; where two sources give a field different values, the field is unknown.
 */
export function readDeclared(files: DeclaringFiles): Declared {
  const declared: Declared = {
    files: [],
    backend: { value: 'setuptools.build_meta:__legacy__', from: 'no [build-system] (setuptools, legacy)' },
    unmodelled: [],
  };
  const layers: Partial<Declared>[] = [];
  if (files.setupCfg) {
    declared.files.push('setup.cfg');
    layers.push(fromSetupCfg(files.setupCfg, files.readFile, declared.unmodelled));
  }
  if (files.setupPy) {
    declared.files.push('setup.py');
    layers.push(fromSetupPy(files.setupPy, files.readFile, declared.unmodelled));
  }
  if (files.pyproject) {
    declared.files.push('pyproject.toml');
    const { backend, buildRequires, project } = fromPyproject(files.pyproject, files.readFile, declared.unmodelled);
    if (backend) declared.backend = backend;
    if (buildRequires) declared.buildRequires = buildRequires;
    layers.push(project);
  }
  for (const layer of layers) mergeLayer(declared, layer);
  return declared;
}

function mergeLayer(into: Declared, layer: Partial<Declared>): void {
  const target = into as unknown as Record<string, Field<unknown> | undefined>;
  for (const [key, field] of Object.entries(layer) as [string, Field<unknown> | undefined][]) {
    if (!field || key === 'files' || key === 'unmodelled') continue;
    const earlier = target[key];
    if (!earlier) {
      target[key] = field;
    } else if (known(earlier) && known(field) && JSON.stringify(earlier.value) !== JSON.stringify(field.value)) {
      target[key] = {
        unknown: `declared twice with different values (${earlier.from}; ${field.from})`,
        from: `${earlier.from}; ${field.from}`,
      };
    } else if (!known(field)) {
      target[key] = field;
    }
  }
}

// --- setup.cfg ---------------------------------------------------------------------------------

/** setup.cfg's [metadata] aliases (setuptools config/setupcfg.py). */
const METADATA_ALIASES: Record<string, string> = {
  home_page: 'url',
  summary: 'description',
  classifier: 'classifiers',
  platform: 'platforms',
};

/** `[options]` keys that change the build's output and that crosscheck does not model. */
const UNMODELLED_OPTIONS = new Set([
  'package_dir',
  'data_files',
  'namespace_packages',
  'eager_resources',
  'dependency_links',
  'cmdclass',
  'use_2to3',
]);
const UNMODELLED_SECTIONS = ['options.data_files', 'options.package_data', 'options.exclude_package_data'];

/**
 * The options of a section as setuptools keeps them: [DEFAULT]'s included (configparser's
 * `options()`), dashes to underscores, and [metadata]'s names lower-cased; a later spelling of
 * the same option wins, as in setuptools' option dictionary.
 */
function sectionOptions(cfg: SetupCfg, section: string): Map<string, { value: string } | { error: string }> {
  const result = new Map<string, { value: string } | { error: string }>();
  if (!cfg.sections.has(section)) return result;
  for (const option of options(cfg, section)) {
    let key =
      section === 'options.extras_require' || section === 'options.data_files' ? option : option.replace(/-/g, '_');
    if (section === 'metadata') key = METADATA_ALIASES[key.toLowerCase()] ?? key.toLowerCase();
    try {
      result.set(key, { value: getInterpolated(cfg, section, option) });
    } catch (error) {
      result.set(key, { error: error instanceof SetupCfgError ? error.message : String(error) });
    }
  }
  return result;
}

/** setuptools' `_parse_list`: lines when the value spans lines, else comma (or `separator`) separated; stripped, empties dropped. */
export function parseSetupCfgList(value: string, separator = ','): string[] {
  const items = value.includes('\n') ? pythonSplitlines(value) : value.split(separator);
  return items.map(pythonStrip).filter((item) => item !== '');
}

/** setuptools' `_parse_dict`: `key = value` lines (split at the first `=`). */
function parseSetupCfgDict(value: string): [string, string][] | undefined {
  const result: [string, string][] = [];
  for (const line of parseSetupCfgList(value)) {
    const equals = line.indexOf('=');
    if (equals < 0) return undefined;
    result.push([pythonStrip(line.slice(0, equals)), pythonStrip(line.slice(equals + 1))]);
  }
  return result;
}

function fromSetupCfg(bytes: Buffer, readFile: DeclaringFiles['readFile'], unmodelled: string[]): Partial<Declared> {
  let cfg: SetupCfg;
  try {
    cfg = parseSetupCfg(bytes);
  } catch (error) {
    // setuptools could not have read it either: no release could have been built from this tag.
    const why = error instanceof SetupCfgError ? error.message : String(error);
    return { name: { unknown: `setup.cfg cannot be read as setuptools reads it: ${why}`, from: 'setup.cfg' } };
  }
  const out: Partial<Declared> = {};
  const metadata = sectionOptions(cfg, 'metadata');
  const opts = sectionOptions(cfg, 'options');
  const at = (section: string, key: string) => `setup.cfg [${section}] ${key}`;
  const field = <T>(
    section: string,
    key: string,
    map: Map<string, { value: string } | { error: string }>,
    parse: (value: string) => T | { unknown: string },
  ): Field<T> | undefined => {
    const entry = map.get(key);
    if (!entry) return undefined;
    if ('error' in entry) return { unknown: entry.error, from: at(section, key) };
    const parsed = parse(entry.value);
    return parsed !== null && typeof parsed === 'object' && 'unknown' in (parsed as object)
      ? { unknown: (parsed as { unknown: string }).unknown, from: at(section, key) }
      : { value: parsed as T, from: at(section, key) };
  };
  const text = (value: string) => value;
  const fileOrText = (value: string) => resolveFileDirective(value, readFile);

  out.name = field('metadata', 'name', metadata, text);
  out.version = field('metadata', 'version', metadata, (v) =>
    /^(attr|file):/.test(pythonStrip(v))
      ? { unknown: `computed (${pythonStrip(v)}); held to the release's version instead` }
      : pythonStrip(v),
  );
  out.summary = field('metadata', 'description', metadata, fileOrText);
  out.homePage = field('metadata', 'url', metadata, text);
  out.downloadUrl = field('metadata', 'download_url', metadata, text);
  const author = metadata.get('author');
  const authorEmail = metadata.get('author_email');
  if (author || authorEmail) out.authors = authorField('metadata', author, authorEmail, at);
  const maintainer = metadata.get('maintainer');
  const maintainerEmail = metadata.get('maintainer_email');
  if (maintainer || maintainerEmail) out.maintainers = authorField('metadata', maintainer, maintainerEmail, at);
  out.license = field('metadata', 'license', metadata, text);
  out.licenseFiles =
    field('metadata', 'license_files', metadata, (v) => parseSetupCfgList(v)) ??
    field('metadata', 'license_file', metadata, (v) => [pythonStrip(v)]);
  out.keywords = field('metadata', 'keywords', metadata, (v) => parseSetupCfgList(v));
  out.platforms = field('metadata', 'platforms', metadata, (v) => parseSetupCfgList(v));
  out.classifiers = field('metadata', 'classifiers', metadata, (v) => {
    const resolved = resolveFileDirective(v, readFile);
    return typeof resolved === 'string' ? parseSetupCfgList(resolved) : resolved;
  });
  out.projectUrls = field(
    'metadata',
    'project_urls',
    metadata,
    (v) => parseSetupCfgDict(v) ?? { unknown: 'not "label = url" lines' },
  );
  const longDescription = field('metadata', 'long_description', metadata, (v) => readmeFromFileDirective(v, readFile));
  const contentType = metadata.get('long_description_content_type');
  if (longDescription)
    out.readme =
      known(longDescription) && contentType && 'value' in contentType
        ? {
            value: { ...longDescription.value, contentType: pythonStrip(contentType.value) },
            from: longDescription.from,
          }
        : longDescription;
  for (const key of ['provides', 'requires', 'obsoletes']) if (metadata.has(key)) unmodelled.push(at('metadata', key));

  out.requiresPython = field('options', 'python_requires', opts, (v) => pythonStrip(v));
  out.dependencies = field('options', 'install_requires', opts, (v) => requirementsList(v, readFile));
  out.scripts = field('options', 'scripts', opts, (v) => parseSetupCfgList(v));
  out.pyModules = field('options', 'py_modules', opts, (v) => parseSetupCfgList(v));
  out.zipSafe = field('options', 'zip_safe', opts, parseBool);
  out.includePackageData = field('options', 'include_package_data', opts, parseBool);
  out.packages = field('options', 'packages', opts, (v) =>
    packagesFromSetupCfg(v, sectionOptions(cfg, 'options.packages.find')),
  );
  for (const key of opts.keys()) if (UNMODELLED_OPTIONS.has(key)) unmodelled.push(at('options', key));
  for (const section of UNMODELLED_SECTIONS) if (cfg.sections.has(section)) unmodelled.push(`setup.cfg [${section}]`);

  if (cfg.sections.has('options.extras_require')) {
    const extras: [string, string[]][] = [];
    let problem: string | undefined;
    for (const [extra, entry] of sectionOptions(cfg, 'options.extras_require')) {
      if ('error' in entry) problem = entry.error;
      else {
        const requirements = requirementsList(entry.value, readFile);
        if (Array.isArray(requirements)) extras.push([extra, requirements]);
        else problem = requirements.unknown;
      }
    }
    out.extras = problem
      ? { unknown: problem, from: 'setup.cfg [options.extras_require]' }
      : { value: extras, from: 'setup.cfg [options.extras_require]' };
  }
  const entryPointsFile = opts.get('entry_points');
  if (entryPointsFile)
    out.entryPoints = {
      unknown: 'entry points read from a file (entry_points = file: …)',
      from: at('options', 'entry_points'),
    };
  else if (cfg.sections.has('options.entry_points'))
    out.entryPoints = entryPointsFromSetupCfg(sectionOptions(cfg, 'options.entry_points'));
  return out;
}

function authorField(
  section: string,
  name: { value: string } | { error: string } | undefined,
  email: { value: string } | { error: string } | undefined,
  at: (s: string, k: string) => string,
): Field<Author[]> {
  const from = at(section, name ? 'author' : 'author_email');
  if ((name && 'error' in name) || (email && 'error' in email))
    return { unknown: 'cannot be read (interpolation)', from };
  const author: Author = {};
  if (name && 'value' in name) author.name = name.value;
  if (email && 'value' in email) author.email = email.value;
  return { value: [author], from };
}

/** setuptools 62+: requirement lists split at lines or semicolons, `#` comments dropped. */
function requirementsList(value: string, readFile: DeclaringFiles['readFile']): string[] | { unknown: string } {
  const resolved = resolveFileDirective(value, readFile);
  if (typeof resolved !== 'string') return resolved;
  return parseSetupCfgList(resolved, ';').filter((line) => !line.startsWith('#'));
}

function parseBool(value: string): boolean {
  return ['1', 'true', 'yes'].includes(pythonStrip(value).toLowerCase());
}

function packagesFromSetupCfg(
  value: string,
  find: Map<string, { value: string } | { error: string }>,
): PackageSpec | { unknown: string } {
  const trimmed = pythonStrip(value);
  if (trimmed === 'find:' || trimmed === 'find_namespace:') {
    const list = (key: string) => {
      const entry = find.get(key);
      return entry && 'value' in entry ? parseSetupCfgList(entry.value) : undefined;
    };
    const where = list('where');
    return {
      kind: 'find',
      ...(where ? { where: where[0]! } : {}),
      include: list('include') ?? ['*'],
      exclude: list('exclude') ?? [],
      namespaces: trimmed === 'find_namespace:',
    };
  }
  return { kind: 'list', names: parseSetupCfgList(value) };
}

function entryPointsFromSetupCfg(section: Map<string, { value: string } | { error: string }>): Field<EntryPoint[]> {
  const from = 'setup.cfg [options.entry_points]';
  const entries: EntryPoint[] = [];
  for (const [group, entry] of section) {
    if ('error' in entry) return { unknown: entry.error, from };
    for (const line of parseSetupCfgList(entry.value)) {
      const equals = line.indexOf('=');
      if (equals < 0) return { unknown: `"${line}" in ${group} is not "name = value"`, from };
      entries.push({ group, name: pythonStrip(line.slice(0, equals)), value: pythonStrip(line.slice(equals + 1)) });
    }
  }
  return { value: entries, from };
}

/** `file: a, b` (setuptools' `_parse_file`): the files' contents joined by a line break; other values as they are. */
function resolveFileDirective(value: string, readFile: DeclaringFiles['readFile']): string | { unknown: string } {
  const trimmed = pythonStrip(value);
  if (!trimmed.startsWith('file:')) return value;
  const parts: string[] = [];
  for (const path of parseSetupCfgList(trimmed.slice('file:'.length))) {
    const bytes = readFile(normalizePath(path));
    if (!bytes) return { unknown: `${value.trim()}: ${path} is not a file of the tag` };
    parts.push(bytes.toString('utf8'));
  }
  return parts.join('\n');
}

function readmeFromFileDirective(value: string, readFile: DeclaringFiles['readFile']): Readme | { unknown: string } {
  const trimmed = pythonStrip(value);
  if (!trimmed.startsWith('file:')) return { text: value };
  const paths = parseSetupCfgList(trimmed.slice('file:'.length));
  const resolved = resolveFileDirective(value, readFile);
  if (typeof resolved !== 'string') return resolved;
  return { text: resolved, ...(paths.length === 1 ? { path: normalizePath(paths[0]!) } : {}) };
}

function normalizePath(path: string): string {
  return path.replace(/^\.\//, '');
}

// --- setup.py ----------------------------------------------------------------------------------

const SETUP_PY_LIST_KEYS: Record<string, keyof Declared> = {
  classifiers: 'classifiers',
  platforms: 'platforms',
  scripts: 'scripts',
  py_modules: 'pyModules',
  install_requires: 'dependencies',
};
const SETUP_PY_TEXT_KEYS: Record<string, keyof Declared> = {
  name: 'name',
  version: 'version',
  description: 'summary',
  url: 'homePage',
  download_url: 'downloadUrl',
  license: 'license',
  python_requires: 'requiresPython',
};
const SETUP_PY_UNMODELLED = new Set([
  'package_dir',
  'data_files',
  'package_data',
  'exclude_package_data',
  'namespace_packages',
  'eager_resources',
  'dependency_links',
  'cmdclass',
  'ext_modules',
  'libraries',
  'provides',
  'requires',
  'obsoletes',
  'use_2to3',
  'distclass',
]);

function fromSetupPy(
  setupPy: SetupPyKeywords,
  readFile: DeclaringFiles['readFile'],
  unmodelled: string[],
): Partial<Declared> {
  const out: Partial<Declared> = {};
  const target = out as Record<string, Field<unknown>>;
  if (setupPy.problem) {
    out.name = { unknown: setupPy.problem, from: 'setup.py' };
    return out;
  }
  const from = (key: string, line: number) => `setup.py line ${line}: ${key}`;
  const set = <T>(key: string, field: keyof Declared, convert: (value: unknown) => T | undefined) => {
    const keyword = setupPy.keywords.get(key);
    if (!keyword) return;
    if ('unknown' in keyword) {
      target[field] = { unknown: `computed (${keyword.unknown})`, from: from(key, keyword.line) };
      return;
    }
    const value = convert(keyword.value);
    target[field] =
      value === undefined
        ? {
            unknown: `not the type setuptools expects: ${JSON.stringify(keyword.value).slice(0, 80)}`,
            from: from(key, keyword.line),
          }
        : { value, from: from(key, keyword.line) };
  };
  const asText = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const asList = (value: unknown) =>
    typeof value === 'string'
      ? [value]
      : Array.isArray(value) && value.every((v) => typeof v === 'string')
        ? (value as string[])
        : undefined;
  for (const [key, field] of Object.entries(SETUP_PY_TEXT_KEYS)) set(key, field, asText);
  for (const [key, field] of Object.entries(SETUP_PY_LIST_KEYS))
    set(key, field, key === 'install_requires' ? (v) => requirementStrings(v) : asList);
  set('keywords', 'keywords', (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean)
      : asList(v),
  );
  set('zip_safe', 'zipSafe', (v) => (typeof v === 'boolean' ? v : undefined));
  set('include_package_data', 'includePackageData', (v) => (typeof v === 'boolean' ? v : undefined));
  set('packages', 'packages', (v) =>
    asList(v) ? ({ kind: 'list', names: asList(v)! } as PackageSpec) : isFindPackagesCall(v),
  );
  set('project_urls', 'projectUrls', (v) =>
    isStringRecord(v) ? (Object.entries(v) as [string, string][]) : undefined,
  );
  set('extras_require', 'extras', (v) => (isRecord(v) ? extrasFrom(v) : undefined));
  set('entry_points', 'entryPoints', (v) => (isRecord(v) ? entryPointsFrom(v) : undefined));
  const author = setupPy.keywords.get('author');
  const authorEmail = setupPy.keywords.get('author_email');
  if (author || authorEmail) out.authors = setupPyAuthor(author, authorEmail, from);
  const maintainer = setupPy.keywords.get('maintainer');
  const maintainerEmail = setupPy.keywords.get('maintainer_email');
  if (maintainer || maintainerEmail) out.maintainers = setupPyAuthor(maintainer, maintainerEmail, from);
  const longDescription = setupPy.keywords.get('long_description');
  if (longDescription) {
    // setup.py reads it from a file in ways no static reader follows; the PKG-INFO check matches it against the tag's files.
    out.readme =
      'value' in longDescription && typeof longDescription.value === 'string'
        ? { value: { text: longDescription.value }, from: from('long_description', longDescription.line) }
        : { value: {}, from: from('long_description', longDescription.line) };
    const contentType = setupPy.keywords.get('long_description_content_type');
    if (contentType && 'value' in contentType && typeof contentType.value === 'string' && known(out.readme))
      out.readme.value.contentType = contentType.value;
  }
  for (const key of setupPy.keywords.keys()) if (SETUP_PY_UNMODELLED.has(key)) unmodelled.push(`setup.py ${key}`);
  void readFile;
  return out;
}

function setupPyAuthor(
  name: SetupPyKeyword | undefined,
  email: SetupPyKeyword | undefined,
  from: (key: string, line: number) => string,
): Field<Author[]> {
  const where = from(name ? 'author' : 'author_email', (name ?? email)!.line);
  if ((name && 'unknown' in name) || (email && 'unknown' in email)) return { unknown: 'computed', from: where };
  const author: Author = {};
  if (name && 'value' in name && typeof name.value === 'string') author.name = name.value;
  if (email && 'value' in email && typeof email.value === 'string') author.email = email.value;
  return { value: [author], from: where };
}

function requirementStrings(value: unknown): string[] | undefined {
  // setuptools accepts a string of lines or a list of strings (pkg_resources.parse_requirements).
  if (typeof value === 'string')
    return pythonSplitlines(value)
      .map(pythonStrip)
      .filter((line) => line !== '' && !line.startsWith('#'));
  if (Array.isArray(value) && value.every((v) => typeof v === 'string'))
    return (value as string[]).map(pythonStrip).filter(Boolean);
  return undefined;
}

function extrasFrom(value: Record<string, unknown>): [string, string[]][] | undefined {
  const extras: [string, string[]][] = [];
  for (const [extra, requirements] of Object.entries(value)) {
    const list = requirementStrings(requirements);
    if (!list) return undefined;
    extras.push([extra, list]);
  }
  return extras;
}

function entryPointsFrom(value: Record<string, unknown>): EntryPoint[] | undefined {
  const entries: EntryPoint[] = [];
  for (const [group, lines] of Object.entries(value)) {
    const list = typeof lines === 'string' ? pythonSplitlines(lines) : Array.isArray(lines) ? lines : undefined;
    if (!list || !list.every((line) => typeof line === 'string')) return undefined;
    for (const line of list as string[]) {
      if (pythonStrip(line) === '') continue;
      const equals = line.indexOf('=');
      if (equals < 0) return undefined;
      entries.push({ group, name: pythonStrip(line.slice(0, equals)), value: pythonStrip(line.slice(equals + 1)) });
    }
  }
  return entries;
}

/** `find_packages(...)` as the setup.py reader returns a call it could read (`{__finder__, where, exclude, include}`): a package search. */
function isFindPackagesCall(value: unknown): PackageSpec | undefined {
  if (!isRecord(value) || (value.__finder__ !== 'find_packages' && value.__finder__ !== 'find_namespace_packages'))
    return undefined;
  const strings = (v: unknown) =>
    typeof v === 'string'
      ? [v]
      : Array.isArray(v) && v.every((s) => typeof s === 'string')
        ? (v as string[])
        : undefined;
  if (
    (value.exclude !== undefined && !strings(value.exclude)) ||
    (value.include !== undefined && !strings(value.include)) ||
    (value.where !== undefined && typeof value.where !== 'string')
  )
    return undefined;
  return {
    kind: 'find',
    ...(typeof value.where === 'string' ? { where: value.where } : {}),
    include: strings(value.include) ?? ['*'],
    exclude: strings(value.exclude) ?? [],
    namespaces: value.__finder__ === 'find_namespace_packages',
  };
}

/**
 * What setup.py's setup() call declares, read by src/formats/setup-py.ts without running it, as
 * plain values: tuples as lists, dicts as records. A float or bytes value is kept as a marker no
 * setuptools option takes, so the option reads as "not the type setuptools expects".
 */
export function setupPyKeywords(bytes: Buffer): SetupPyKeywords {
  const decoded = decodeSetupPy(bytes);
  if (!decoded.ok) return { keywords: new Map(), problem: `setup.py cannot be read: ${decoded.reason}` };
  const declaration = readSetupPy(decoded.text);
  if (declaration.call.status !== 'found')
    return { keywords: new Map(), problem: `setup.py: ${declaration.call.reason}` };
  const keywords = new Map<string, SetupPyKeyword>();
  for (const [name, entry] of declaration.keywords) {
    keywords.set(
      name,
      isSetupPyUnknown(entry)
        ? { unknown: describeSetupPyUnknown(name, entry), line: entry.line }
        : { value: plain(entry.value), line: entry.line },
    );
  }
  const other = declaration.otherKeywords;
  return { keywords, ...(other ? { problem: describeSetupPyUnknown('**', other) } : {}) };
}

function plain(value: SetupPyValue): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (isValueList(value)) return value.map(plain);
  if (value.type === 'tuple') return value.items.map(plain);
  if (value.type === 'dict') return Object.fromEntries([...value.entries].map(([key, item]) => [key, plain(item)]));
  return { unsupported: value.type };
}

function isValueList(value: object): value is readonly SetupPyValue[] {
  return Array.isArray(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((v) => typeof v === 'string');
}

// --- pyproject.toml ----------------------------------------------------------------------------

const PROJECT_KEYS = new Set([
  'name',
  'version',
  'description',
  'readme',
  'requires-python',
  'license',
  'license-files',
  'authors',
  'maintainers',
  'keywords',
  'classifiers',
  'urls',
  'scripts',
  'gui-scripts',
  'entry-points',
  'dependencies',
  'optional-dependencies',
  'dynamic',
]);
const README_TYPES: Record<string, string> = { '.md': 'text/markdown', '.rst': 'text/x-rst', '.txt': 'text/plain' };

function fromPyproject(
  bytes: Buffer,
  readFile: DeclaringFiles['readFile'],
  unmodelled: string[],
): { backend?: Field<string>; buildRequires?: Field<string[]>; project: Partial<Declared> } {
  let root: TomlTable;
  try {
    root = parsePyproject(bytes);
  } catch (error) {
    const why = error instanceof PyprojectError ? error.message : String(error);
    return { backend: { unknown: why, from: 'pyproject.toml' }, project: {} };
  }
  const buildSystem = tableAt(root, 'build-system');
  const backendValue = buildSystem?.['build-backend'];
  const backend: Field<string> | undefined = buildSystem
    ? typeof backendValue === 'string'
      ? { value: backendValue, from: 'pyproject.toml [build-system] build-backend' }
      : {
          value: 'setuptools.build_meta:__legacy__',
          from: 'pyproject.toml [build-system] without build-backend (setuptools, legacy)',
        }
    : undefined;
  const requires = buildSystem?.requires;
  const buildRequires: Field<string[]> | undefined =
    requires === undefined
      ? undefined
      : Array.isArray(requires) && requires.every((r) => typeof r === 'string')
        ? { value: requires as string[], from: 'pyproject.toml [build-system] requires' }
        : { unknown: 'not a list of strings', from: 'pyproject.toml [build-system] requires' };
  const system = { ...(backend ? { backend } : {}), ...(buildRequires ? { buildRequires } : {}) };
  const project = tableAt(root, 'project');
  if (!project) return { ...system, project: {} };
  const out: Partial<Declared> = {};
  const at = (key: string) => `pyproject.toml [project] ${key}`;
  const take = <T>(key: string, convert: (value: TomlValue) => T | undefined): Field<T> | undefined => {
    if (!Object.hasOwn(project, key)) return undefined;
    const value = convert(project[key]!);
    return value === undefined
      ? { unknown: `not the type PEP 621 gives it: ${JSON.stringify(project[key]).slice(0, 80)}`, from: at(key) }
      : { value, from: at(key) };
  };
  const text = (v: TomlValue) => (typeof v === 'string' ? v : undefined);
  const strings = (v: TomlValue) =>
    Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : undefined;
  const people = (v: TomlValue) =>
    Array.isArray(v) && v.every((p) => isTable(p))
      ? (v as TomlTable[]).map((p) => ({
          ...(typeof p.name === 'string' ? { name: p.name } : {}),
          ...(typeof p.email === 'string' ? { email: p.email } : {}),
        }))
      : undefined;
  out.name = take('name', text);
  out.version = take('version', text);
  out.summary = take('description', text);
  out.requiresPython = take('requires-python', text);
  out.authors = take('authors', people);
  out.maintainers = take('maintainers', people);
  out.keywords = take('keywords', strings);
  out.classifiers = take('classifiers', strings);
  out.dependencies = take('dependencies', strings);
  out.projectUrls = take('urls', (v) =>
    isTable(v) && Object.values(v).every((u) => typeof u === 'string')
      ? (Object.entries(v) as [string, string][])
      : undefined,
  );
  out.extras = take('optional-dependencies', (v) =>
    isTable(v) && Object.values(v).every((r) => strings(r))
      ? (Object.entries(v).map(([extra, reqs]) => [extra, strings(reqs)!]) as [string, string[]][])
      : undefined,
  );
  out.readme = take('readme', (v) => readmeFromPyproject(v, readFile));
  const license = project.license;
  if (typeof license === 'string') out.licenseExpression = { value: license, from: at('license') };
  else if (license !== undefined)
    out.license = take('license', (v) =>
      isTable(v) && typeof v.text === 'string'
        ? v.text
        : isTable(v) && typeof v.file === 'string'
          ? readFile(v.file)?.toString('utf8')
          : undefined,
    );
  out.licenseFiles = take('license-files', strings);
  out.entryPoints = entryPointsFromPyproject(project);
  for (const key of Object.keys(project)) if (!PROJECT_KEYS.has(key)) unmodelled.push(at(key));

  const dynamic = Array.isArray(project.dynamic)
    ? project.dynamic.filter((d): d is string => typeof d === 'string')
    : [];
  const tool = tableAt(root, 'tool.setuptools');
  if (dynamic.includes('version'))
    out.version = { unknown: "dynamic; held to the release's version instead", from: at('dynamic') };
  for (const key of dynamic.filter((d) => d !== 'version')) {
    const field = DYNAMIC_FIELDS[key];
    if (field)
      (out as Record<string, Field<unknown>>)[field] = {
        unknown: `dynamic (${key} from [tool.setuptools.dynamic], not modelled)`,
        from: at('dynamic'),
      };
  }
  if (tool) fromToolSetuptools(tool, out, unmodelled);
  else
    out.packages = {
      unknown:
        'no [tool.setuptools] packages: setuptools discovers them automatically, which crosscheck does not model',
      from: 'pyproject.toml',
    };
  out.includePackageData ??= {
    value: true,
    from: "pyproject.toml (setuptools' default with [project]: include-package-data = true)",
  };
  return { ...system, project: out };
}

const DYNAMIC_FIELDS: Record<string, keyof Declared> = {
  dependencies: 'dependencies',
  'optional-dependencies': 'extras',
  readme: 'readme',
  description: 'summary',
  classifiers: 'classifiers',
  'entry-points': 'entryPoints',
  scripts: 'entryPoints',
  urls: 'projectUrls',
  license: 'license',
  authors: 'authors',
  keywords: 'keywords',
  'requires-python': 'requiresPython',
};

function readmeFromPyproject(value: TomlValue, readFile: DeclaringFiles['readFile']): Readme | undefined {
  if (typeof value === 'string') {
    const bytes = readFile(value);
    const extension = /\.[^.]+$/.exec(value.toLowerCase())?.[0] ?? '';
    return bytes
      ? {
          path: value,
          text: bytes.toString('utf8'),
          ...(README_TYPES[extension] ? { contentType: README_TYPES[extension] } : {}),
        }
      : undefined;
  }
  if (!isTable(value)) return undefined;
  const contentType = typeof value['content-type'] === 'string' ? value['content-type'] : undefined;
  if (typeof value.file === 'string') {
    const bytes = readFile(value.file);
    return bytes
      ? { path: value.file, text: bytes.toString('utf8'), ...(contentType ? { contentType } : {}) }
      : undefined;
  }
  if (typeof value.text === 'string') return { text: value.text, ...(contentType ? { contentType } : {}) };
  return undefined;
}

function entryPointsFromPyproject(project: TomlTable): Field<EntryPoint[]> | undefined {
  const entries: EntryPoint[] = [];
  const groups: [string, TomlValue | undefined][] = [
    ['console_scripts', project.scripts],
    ['gui_scripts', project['gui-scripts']],
    ...(isTable(project['entry-points']) ? Object.entries(project['entry-points']) : []),
  ];
  if (groups.every(([, table]) => table === undefined)) return undefined;
  for (const [group, table] of groups) {
    if (table === undefined) continue;
    if (!isTable(table)) return { unknown: `[${group}] is not a table`, from: 'pyproject.toml [project]' };
    for (const [name, value] of Object.entries(table)) {
      if (typeof value !== 'string')
        return { unknown: `entry point ${name} is not a string`, from: 'pyproject.toml [project]' };
      entries.push({ group, name, value });
    }
  }
  return { value: entries, from: 'pyproject.toml [project] scripts / gui-scripts / entry-points' };
}

function fromToolSetuptools(tool: TomlTable, out: Partial<Declared>, unmodelled: string[]): void {
  const at = (key: string) => `pyproject.toml [tool.setuptools] ${key}`;
  const packages = tool.packages;
  if (Array.isArray(packages) && packages.every((p) => typeof p === 'string'))
    out.packages = { value: { kind: 'list', names: packages as string[] }, from: at('packages') };
  else if (isTable(packages) && isTable(packages.find)) {
    const find = packages.find;
    const list = (v: TomlValue | undefined) =>
      Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : undefined;
    out.packages = {
      value: {
        kind: 'find',
        ...(list(find.where)?.[0] ? { where: list(find.where)![0]! } : {}),
        include: list(find.include) ?? ['*'],
        exclude: list(find.exclude) ?? [],
        namespaces: find.namespaces !== false,
      },
      from: at('packages.find'),
    };
  } else
    out.packages = {
      unknown:
        'no literal packages or packages.find: setuptools discovers them automatically, which crosscheck does not model',
      from: 'pyproject.toml [tool.setuptools]',
    };
  if (Array.isArray(tool['py-modules']))
    out.pyModules = {
      value: (tool['py-modules'] as TomlValue[]).filter((m): m is string => typeof m === 'string'),
      from: at('py-modules'),
    };
  if (typeof tool['zip-safe'] === 'boolean') out.zipSafe = { value: tool['zip-safe'], from: at('zip-safe') };
  if (typeof tool['include-package-data'] === 'boolean')
    out.includePackageData = { value: tool['include-package-data'], from: at('include-package-data') };
  if (Array.isArray(tool['script-files']))
    out.scripts = {
      value: (tool['script-files'] as TomlValue[]).filter((s): s is string => typeof s === 'string'),
      from: at('script-files'),
    };
  for (const key of [
    'package-dir',
    'data-files',
    'package-data',
    'exclude-package-data',
    'namespace-packages',
    'cmdclass',
    'ext-modules',
  ])
    if (Object.hasOwn(tool, key)) unmodelled.push(at(key));
}
