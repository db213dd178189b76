import {
  CoreMetadataError,
  longDescription,
  parseCoreMetadata,
  type CoreMetadata,
} from '../../formats/core-metadata.js';
import {
  canonicalizeName,
  canonicalRequirement,
  parseRequirement,
  RequirementError,
  requirementForExtra,
  type Requirement,
} from '../../formats/requirements.js';
import { quote } from '../../model/errors.js';
import { type Author, type Declared, type Field, isKnown } from './declared.js';

/**
 * PKG-INFO (in an sdist and its egg-info) and METADATA (in a wheel) recomputed from what the tag
 * declares, header by header. Each header the file carries must be one the build writes from a
 * declaration, with that declaration's value; a header nothing declares fails (a dependency added
 * by a poisoned build, a URL, a classifier). What the build tool adds of its own accord is named
 * (Metadata-Version, Dynamic, `Platform: UNKNOWN`). Comparisons are by meaning where eras of
 * setuptools print the same value differently: requirements and Python requirements through
 * packaging's canonical forms, lists as multisets, the long description without the trailing
 * line ends setuptools appended.
 */
export interface MetadataFinding {
  /** A header, or `body`, that the tag does not explain, with what it declares instead. */
  mismatches: string[];
  /** Headers that could not be recomputed here (a computed setup.py value), with the reason. */
  unknowns: string[];
  /** What was recomputed, and from where, for the report. */
  derivations: string[];
}

export interface MetadataContext {
  release: string;
  /** The project's name as the profile knows it: a name the declarations cannot give is held to it. */
  project: string;
  declared: Declared;
  /** The license files setuptools picks (License-File), resolved against the tag's files; undefined when unknown. */
  licenseFiles: readonly string[] | undefined;
  /** The root file (of the tag, or of the sdist when there is no tag) whose text is this, named with its source, when a long description comes from a file setup.py reads itself. */
  rootFileWithText(text: string): string | undefined;
  /** METADATA in a wheel: its requirements must be present (bdist_wheel writes them from requires.txt in every era). */
  wheel: boolean;
}

const METADATA_VERSIONS = new Set(['1.0', '1.1', '1.2', '2.1', '2.2', '2.3', '2.4']);
/** Fields a metadata 2.2+ file may list under Dynamic (PEP 643). */
const DYNAMIC_NAMES = new Set([
  'platform',
  'supported-platform',
  'summary',
  'description',
  'description-content-type',
  'keywords',
  'home-page',
  'download-url',
  'author',
  'author-email',
  'maintainer',
  'maintainer-email',
  'license',
  'license-expression',
  'license-file',
  'classifier',
  'requires-dist',
  'requires-python',
  'requires-external',
  'project-url',
  'provides-extra',
  'provides-dist',
  'obsoletes-dist',
]);

export function judgeCoreMetadata(bytes: Buffer, ctx: MetadataContext): MetadataFinding {
  const finding: MetadataFinding = { mismatches: [], unknowns: [], derivations: [] };
  let metadata: CoreMetadata;
  try {
    metadata = parseCoreMetadata(bytes);
  } catch (error) {
    finding.mismatches.push(error instanceof CoreMetadataError ? error.message : String(error));
    return finding;
  }
  const byName = new Map<string, string[]>();
  for (const { name, value } of metadata.headers)
    byName.set(name.toLowerCase(), [...(byName.get(name.toLowerCase()) ?? []), value]);
  const seen = new Set<string>();
  const field = (name: string) => {
    seen.add(name);
    return byName.get(name) ?? [];
  };
  const { declared } = ctx;

  const version = (byName.get('metadata-version') ?? [])[0]?.trim() ?? '';
  const dynamic = new Set((byName.get('dynamic') ?? []).map((v) => v.trim().toLowerCase()));
  // PEP 643: from 2.2 an sdist's metadata is what installers may use without building; only a field the file calls Dynamic may be left to the build.
  const authoritative = (name: string) => ctx.wheel || (/^2\.([2-9]|\d\d)$/.test(version) && !dynamic.has(name));
  judgeMetadataVersion(field('metadata-version'), finding);
  judgeName(field('name'), ctx, finding);
  judgeText('Version', field('version'), { value: ctx.release, from: 'the release being verified' }, finding, true);
  if (isKnown(declared.version) && declared.version.value !== ctx.release)
    finding.mismatches.push(
      `the tag declares version ${quote(declared.version.value)} (${declared.version.from}), not ${ctx.release}`,
    );
  judgeText('Summary', field('summary'), declared.summary, finding);
  judgeText('Home-page', field('home-page'), declared.homePage, finding);
  judgeText('Download-URL', field('download-url'), declared.downloadUrl, finding);
  judgePeople(field('author'), field('author-email'), declared.authors, 'Author', finding);
  judgePeople(field('maintainer'), field('maintainer-email'), declared.maintainers, 'Maintainer', finding);
  judgeText('License', field('license'), declared.license, finding, false, (v) => v.replace(/\n {8}/g, '\n').trim());
  judgeText('License-Expression', field('license-expression'), declared.licenseExpression, finding);
  judgeList('Classifier', field('classifier'), declared.classifiers, finding);
  judgeList(
    'Project-URL',
    field('project-url'),
    declared.projectUrls && mapField(declared.projectUrls, (urls) => urls.map(([label, url]) => `${label}, ${url}`)),
    finding,
  );
  judgeKeywords(field('keywords'), declared.keywords, finding);
  judgePlatforms(field('platform'), declared.platforms, finding);
  judgeRequiresPython(field('requires-python'), declared.requiresPython, finding, authoritative('requires-python'));
  judgeText(
    'Description-Content-Type',
    field('description-content-type'),
    declared.readme && mapField(declared.readme, (r) => r.contentType),
    finding,
  );
  judgeLongDescription(metadata, field('description'), ctx, finding);
  judgeLicenseFiles(field('license-file'), ctx, finding);
  judgeRequirements(field('requires-dist'), field('provides-extra'), ctx, finding, {
    requiresDist: authoritative('requires-dist'),
    providesExtra: authoritative('provides-extra'),
  });
  for (const value of field('dynamic')) {
    if (!DYNAMIC_NAMES.has(value.trim().toLowerCase()))
      finding.mismatches.push(`Dynamic: ${quote(value)} names no core metadata field`);
  }
  if (field('dynamic').length > 0) finding.derivations.push('Dynamic ← written by the build tool (PEP 643)');
  for (const [name, values] of byName) {
    if (!seen.has(name))
      finding.mismatches.push(
        `${headerName(name)}: ${quote(values)} — the tag declares nothing that writes this header`,
      );
  }
  return finding;
}

const headerName = (lower: string) =>
  lower.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());

function mapField<T, U>(field: Field<T>, map: (value: T) => U | undefined): Field<U> | undefined {
  if (!isKnown(field)) return field;
  const value = map(field.value);
  return value === undefined ? undefined : { value, from: field.from };
}

function judgeMetadataVersion(values: string[], finding: MetadataFinding): void {
  if (values.length !== 1 || !METADATA_VERSIONS.has(values[0]!.trim()))
    finding.mismatches.push(`Metadata-Version ${quote(values)} is not one version core metadata has`);
  else finding.derivations.push(`Metadata-Version ${values[0]} ← written by the build tool`);
}

function judgeName(values: string[], ctx: MetadataContext, finding: MetadataFinding): void {
  const declared = ctx.declared.name;
  if (values.length !== 1) {
    finding.mismatches.push(`Name appears ${values.length} times`);
    return;
  }
  const name = values[0]!;
  if (canonicalizeName(name) !== canonicalizeName(ctx.project))
    finding.mismatches.push(`Name ${quote(name)} is not the project ${ctx.project}`);
  if (declared && isKnown(declared) && declared.value !== name)
    finding.mismatches.push(`Name ${quote(name)}; the tag declares ${quote(declared.value)} (${declared.from})`);
  else if (declared && isKnown(declared)) finding.derivations.push(`Name ← ${declared.from}`);
}

/** A single-valued header that holds a declared value exactly (after `normalize`), or is absent when nothing declares it. */
function judgeText(
  header: string,
  values: string[],
  declared: Field<string | undefined> | undefined,
  finding: MetadataFinding,
  required = false,
  normalize = (v: string) => v.trim(),
): void {
  if (declared && !isKnown(declared)) {
    if (values.length > 0) finding.unknowns.push(`${header}: ${declared.from}: ${declared.unknown}`);
    return;
  }
  const expected = declared?.value;
  if (values.length === 0) {
    if (expected !== undefined && expected !== '' && required)
      finding.mismatches.push(`${header} is missing; expected ${quote(expected)}`);
    return;
  }
  if (values.length > 1) finding.mismatches.push(`${header} appears ${values.length} times: ${quote(values)}`);
  else if (expected === undefined)
    finding.mismatches.push(`${header}: ${quote(values[0])} — the tag declares no ${header.toLowerCase()}`);
  else if (normalize(values[0]!) !== normalize(expected))
    finding.mismatches.push(`${header}: ${quote(values[0])}; the tag declares ${quote(expected)} (${declared!.from})`);
  else finding.derivations.push(`${header} ← ${declared!.from}`);
}

/** A repeatable header that holds exactly the declared values, in any order. */
function judgeList(
  header: string,
  values: string[],
  declared: Field<string[]> | undefined,
  finding: MetadataFinding,
): void {
  if (declared && !isKnown(declared)) {
    if (values.length > 0) finding.unknowns.push(`${header}: ${declared.from}: ${declared.unknown}`);
    return;
  }
  const expected = declared?.value ?? [];
  const onlyFound = multisetMinus(
    values.map((v) => v.trim()),
    expected,
  );
  const onlyDeclared = multisetMinus(
    expected,
    values.map((v) => v.trim()),
  );
  if (onlyFound.length > 0)
    finding.mismatches.push(
      `${header}: ${quote(onlyFound)} not declared by the tag${declared ? ` (${declared.from})` : ''}`,
    );
  // An older build writing fewer than declared would drop information, not add it; still, it is not what the tag says.
  if (onlyDeclared.length > 0 && values.length > 0)
    finding.mismatches.push(`${header}: declared ${quote(onlyDeclared)} missing`);
  if (onlyFound.length === 0 && declared && values.length > 0) finding.derivations.push(`${header} ← ${declared.from}`);
}

function multisetMinus(a: readonly string[], b: readonly string[]): string[] {
  const remaining = [...b];
  return a.filter((item) => {
    const at = remaining.indexOf(item);
    if (at < 0) return true;
    remaining.splice(at, 1);
    return false;
  });
}

function judgePeople(
  names: string[],
  emails: string[],
  declared: Field<Author[]> | undefined,
  role: 'Author' | 'Maintainer',
  finding: MetadataFinding,
): void {
  if (declared && !isKnown(declared)) {
    if (names.length + emails.length > 0) finding.unknowns.push(`${role}: ${declared.from}: ${declared.unknown}`);
    return;
  }
  const people = declared?.value ?? [];
  // setuptools writes setup.cfg/setup.py authors as given; pyproject's as "Name <email>" (its _people).
  const fromPyproject = declared?.from.startsWith('pyproject.toml') ?? false;
  const expectedNames = fromPyproject
    ? people.filter((p) => p.name && !p.email).map((p) => p.name!)
    : people.flatMap((p) => (p.name ? [p.name] : []));
  const expectedEmails = fromPyproject
    ? people.filter((p) => p.email).map((p) => (p.name ? `${p.name} <${p.email}>` : p.email!))
    : people.flatMap((p) => (p.email ? [p.email] : []));
  const joined = (list: string[]) => (list.length > 0 ? [list.join(', ')] : []);
  judgeList(role, names, { value: joined(expectedNames), from: declared?.from ?? 'nothing' }, finding);
  judgeList(`${role}-email`, emails, { value: joined(expectedEmails), from: declared?.from ?? 'nothing' }, finding);
}

function judgeKeywords(values: string[], declared: Field<string[]> | undefined, finding: MetadataFinding): void {
  if (values.length === 0) return;
  if (declared && !isKnown(declared)) {
    finding.unknowns.push(`Keywords: ${declared.from}: ${declared.unknown}`);
    return;
  }
  const found = values
    .flatMap((v) => v.split(','))
    .map((k) => k.trim())
    .filter(Boolean);
  judgeList('Keywords', found, declared ?? { value: [], from: 'nothing' }, finding);
}

function judgePlatforms(values: string[], declared: Field<string[]> | undefined, finding: MetadataFinding): void {
  if (!declared && values.length === 1 && values[0]!.trim() === 'UNKNOWN') {
    finding.derivations.push('Platform: UNKNOWN ← written by setuptools before 59 when no platform is declared');
    return;
  }
  judgeList('Platform', values, declared, finding);
}

function judgeRequiresPython(
  values: string[],
  declared: Field<string> | undefined,
  finding: MetadataFinding,
  required: boolean,
): void {
  const canonical = (text: string) => canonicalSpecifiers(text);
  if (declared && !isKnown(declared)) {
    if (values.length > 0) finding.unknowns.push(`Requires-Python: ${declared.from}: ${declared.unknown}`);
    return;
  }
  if (values.length === 0) {
    if (required && declared)
      finding.mismatches.push(
        `Requires-Python: declared ${quote(declared.value)} missing, in metadata an installer takes as it is (${declared.from})`,
      );
    return;
  }
  if (!declared) {
    finding.mismatches.push(`Requires-Python: ${quote(values)} — the tag declares no Python requirement`);
    return;
  }
  if (values.length !== 1 || canonical(values[0]!) !== canonical(declared.value))
    finding.mismatches.push(
      `Requires-Python: ${quote(values)}; the tag declares ${quote(declared.value)} (${declared.from})`,
    );
  else finding.derivations.push(`Requires-Python ← ${declared.from}`);
}

/** A specifier set by meaning: `>= 3.10` and `>=3.10` are one; the order of the members does not matter. */
function canonicalSpecifiers(text: string): string {
  try {
    return canonicalRequirement(parseRequirement(`python${text.trim()}`)).slice('python'.length);
  } catch {
    return `unreadable: ${text}`;
  }
}

function judgeLongDescription(
  metadata: CoreMetadata,
  headerValues: string[],
  ctx: MetadataContext,
  finding: MetadataFinding,
): void {
  const found = longDescription(metadata);
  if (headerValues.length > 1) finding.mismatches.push(`Description appears ${headerValues.length} times`);
  if (headerValues.length > 0 && metadata.body.trim() !== '')
    finding.mismatches.push('a long description both in a Description header and in the body');
  const declared = ctx.declared.readme;
  if (!found) return;
  const normalize = (text: string) => text.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  if (declared && isKnown(declared) && declared.value.text !== undefined) {
    if (normalize(found.text) === normalize(declared.value.text))
      finding.derivations.push(`the long description ← ${declared.value.path ?? declared.from}`);
    else
      finding.mismatches.push(
        `the long description (${found.where}) is not the text the tag declares (${declared.value.path ?? declared.from})`,
      );
    return;
  }
  const file = ctx.rootFileWithText(normalize(found.text));
  if (file) finding.derivations.push(`the long description ← ${file} (read by setup.py; the same text)`);
  else if (declared && !isKnown(declared))
    finding.unknowns.push(`the long description: ${declared.from}: ${declared.unknown}`);
  else
    finding.mismatches.push(
      `a long description that is no file of the tag and that nothing declares (${found.text.length} characters)`,
    );
}

function judgeLicenseFiles(values: string[], ctx: MetadataContext, finding: MetadataFinding): void {
  if (values.length === 0) return;
  if (!ctx.licenseFiles) {
    finding.unknowns.push('License-File: the license files setuptools picks could not be worked out here');
    return;
  }
  judgeList(
    'License-File',
    values,
    { value: [...ctx.licenseFiles], from: describeLicenseSource(ctx.declared) },
    finding,
  );
}

function describeLicenseSource(declared: Declared): string {
  return declared.licenseFiles
    ? declared.licenseFiles.from
    : "setuptools' default license_files patterns (LICEN[CS]E*, COPYING*, NOTICE*, AUTHORS*) over the tag's files";
}

/**
 * Requires-Dist and Provides-Extra by meaning: the declared dependencies, and each extra's
 * requirements with `extra == "name"` in their marker, as packaging reads them. setuptools before
 * 57 wrote no Requires-Dist into PKG-INFO (only requires.txt); a wheel's METADATA always has them,
 * and so does metadata of version 2.2 or later, unless it calls the field Dynamic (PEP 643).
 */
function judgeRequirements(
  requiresDist: string[],
  providesExtra: string[],
  ctx: MetadataContext,
  finding: MetadataFinding,
  required: { requiresDist: boolean; providesExtra: boolean },
): void {
  const { dependencies, extras } = ctx.declared;
  for (const field of [dependencies, extras] as (Field<unknown> | undefined)[]) {
    if (field && !isKnown(field)) {
      if (requiresDist.length + providesExtra.length > 0)
        finding.unknowns.push(`Requires-Dist: ${field.from}: ${field.unknown}`);
      return;
    }
  }
  const expectedExtras = (isKnown(extras) ? extras.value : []).map(([name]) => canonicalizeName(name));
  const foundExtras = providesExtra.map((e) => canonicalizeName(e.trim()));
  judgeList(
    'Provides-Extra',
    foundExtras,
    { value: expectedExtras, from: extras?.from ?? 'nothing (no extras declared)' },
    finding,
  );
  if (required.providesExtra && foundExtras.length === 0 && expectedExtras.length > 0)
    finding.mismatches.push(
      `Provides-Extra: declared ${quote(expectedExtras)} missing, in metadata whose version makes its fields authoritative (${extras?.from ?? 'extras'})`,
    );
  let expected: string[];
  try {
    expected = declaredRequirements(ctx.declared).map(canonicalRequirement);
  } catch (error) {
    finding.unknowns.push(`Requires-Dist: a declared requirement cannot be read: ${(error as Error).message}`);
    return;
  }
  const found: string[] = [];
  for (const value of requiresDist) {
    try {
      found.push(canonicalRequirement(parseRequirement(value)));
    } catch (error) {
      finding.mismatches.push(
        `Requires-Dist ${quote(value)} is not a requirement packaging reads: ${error instanceof RequirementError ? error.message : String(error as Error)}`,
      );
    }
  }
  const source =
    [dependencies?.from, extras?.from].filter(Boolean).join(' and ') || 'nothing (no dependencies declared)';
  if (requiresDist.length === 0 && !required.requiresDist) {
    if (expected.length > 0)
      finding.derivations.push('no Requires-Dist: setuptools before 57 wrote requirements only into requires.txt');
    return;
  }
  const onlyFound = multisetMinus([...new Set(found)], expected);
  const onlyDeclared = multisetMinus(expected, [...new Set(found)]);
  if (onlyFound.length > 0)
    finding.mismatches.push(`Requires-Dist: ${quote(onlyFound)} — not declared by the tag (${source})`);
  if (onlyDeclared.length > 0)
    finding.mismatches.push(`Requires-Dist: declared ${quote(onlyDeclared)} missing (${source})`);
  if (onlyFound.length === 0 && onlyDeclared.length === 0 && expected.length > 0)
    finding.derivations.push(`Requires-Dist ← ${source}`);
}

/** The declared requirements as an installer sees them: dependencies, then each extra's with its marker. */
export function declaredRequirements(declared: Declared): Requirement[] {
  const result: Requirement[] = [];
  if (isKnown(declared.dependencies))
    for (const text of declared.dependencies.value) result.push(parseRequirement(text));
  if (isKnown(declared.extras))
    for (const [extra, list] of declared.extras.value)
      for (const text of list) result.push(requirementForExtra(parseRequirement(text), extra));
  return result;
}
