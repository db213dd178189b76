import type { ReasonCode } from '../../model/reasons.js';
import type { Difference } from '../../model/difference.js';
import type { Waiver } from '../../profile/profile.js';
import type { Check } from '../../model/check.js';
import { type Declared, isKnown, readDeclared, setupPyKeywords } from './declared.js';
import type { Findings } from './findings.js';
import { licenseFilesOf, sdistFileFates } from './manifest-fates.js';
import { findPackages } from './packages.js';
import { judgeSdist, type SdistInput } from './sdist.js';
import { keptByBlobId, TagFiles, type TreeEntry } from './tag-files.js';
import { judgeWheel, type WheelInput, type WheelReference } from './wheel.js';

/**
 * The content rules of one release, the same for `verify` and `verify-file --deep`: each sdist
 * recomputed from the tag, each wheel from the sdist (or from the tag when there is no sdist),
 * every generated file from what the tag declares. Pure: everything it reads is handed in.
 */
export interface ContentInput {
  release: string;
  /** The project's PyPI name (Django): what a name the declarations cannot give is held to. */
  project: string;
  waivers: readonly Waiver[];
  /** The signed tag's tree and the blobs fetched for it (declaring files, symlink targets). */
  tag?: {
    name: string;
    commit: string;
    taggedAt: number;
    entries: readonly TreeEntry[];
    blobs: ReadonlyMap<string, Buffer>;
  };
  /** False when the git channel was left out on purpose: the sdists are then not compared with a tag at all (the caller says so). */
  tagWanted: boolean;
  /** Each distinct sdist read, the one whose digest the release manager signed first. */
  sdists: readonly { channels: string; input: SdistInput }[];
  wheels: readonly { channels: string; input: WheelInput }[];
}

export interface ContentOutput {
  checks: Check[];
  differences: Difference[];
  /** Tag paths whose blobs the rules needed and did not have: fetch them and judge again. */
  missingBlobs: string[];
}

export function judgeContent(input: ContentInput): ContentOutput {
  const output: ContentOutput = { checks: [], differences: [], missingBlobs: [] };
  const reference = input.sdists[0];
  const tag = input.tag
    ? new TagFiles(
        input.tag.entries,
        input.tag.blobs,
        reference ? keptByBlobId(reference.input.members, reference.input.kept) : new Map(),
      )
    : undefined;
  const basis = tag ? basisFromTag(tag, input) : reference ? basisFromSdist(reference.input, input) : undefined;
  if (basis) output.missingBlobs.push(...basis.missing);
  for (const { channels, input: sdist } of input.tagWanted ? input.sdists : []) {
    const fields = { artifact: 'sdist', file: sdist.filename, copies: channels };
    if (!tag || !basis) {
      output.checks.push(
        unverifiedCheck(
          'content.sdist-vs-git',
          fields,
          'NO_GIT_TREE',
          `${sdist.filename} (${channels}) cannot be compared with the tag: the tag's tree is unavailable (see the git checks)`,
          'fix what the git checks report, and run again',
        ),
      );
      continue;
    }
    const judged = judgeSdist(sdist, {
      ...basis.context,
      tag,
      manifest: basis.manifest,
      packages: basis.packages,
      eggInfo: basis.eggInfo,
      waivers: input.waivers,
      taggedAt: input.tag!.taggedAt,
    });
    output.checks.push(
      findingsCheck(
        judged.files,
        fields,
        `${sdist.filename} (${channels}) vs tag ${input.tag!.name} (${input.tag!.commit})`,
        output,
      ),
    );
    output.checks.push(
      findingsCheck(
        judged.metadata,
        fields,
        `${sdist.filename} (${channels}): PKG-INFO and ${basis.eggInfo}/ recomputed from ${describeSources(basis)}`,
        output,
      ),
    );
  }
  for (const { channels, input: wheel } of input.wheels) {
    const fields = { artifact: 'wheel', file: wheel.filename, copies: channels };
    const against = reference ? sdistReference(reference.input) : tag && basis ? tagReference(tag, basis) : undefined;
    if (!against || !basis) {
      output.checks.push(
        unverifiedCheck(
          'content.wheel-vs-sdist',
          fields,
          'NO_SDIST',
          `${wheel.filename} (${channels}): no readable sdist or tag to compare it with`,
          'fix what the sdist and git checks report, and run again',
        ),
      );
      continue;
    }
    const judged = judgeWheel(wheel, against, { ...basis.context, packages: basis.packages });
    const what =
      against.label === 'sdist'
        ? `${wheel.filename} (${channels}) vs ${reference!.input.filename}`
        : `${wheel.filename} (${channels}) vs tag ${input.tag!.name}`;
    output.checks.push(findingsCheck(judged.files, fields, what, output));
    output.checks.push(findingsCheck(judged.record, fields, `${wheel.filename} RECORD`, output));
    output.checks.push(
      findingsCheck(
        judged.metadata,
        fields,
        `${wheel.filename}: .dist-info recomputed from ${describeSources(basis)}`,
        output,
      ),
    );
  }
  return output;
}

interface Basis {
  /** Whose declarations: the tag's, or without it the sdist's own. */
  source: 'the tag' | 'the sdist';
  declared: Declared;
  context: {
    release: string;
    project: string;
    declared: Declared;
    licenseFiles: string[] | undefined;
    rootFileWithText(text: string): string | undefined;
  };
  manifest: ReturnType<typeof sdistFileFates>;
  packages: string[] | { unknown: string };
  eggInfo: string;
  /** Tag files the declarations name whose bytes were not at hand. */
  missing: string[];
}

/** What the tag declares, and what follows from it: the packages, the license files, the sdist's file list. */
function basisFromTag(tag: TagFiles, input: ContentInput): Basis {
  const missing = new Set<string>();
  const read = (path: string) => {
    const bytes = tag.read(path);
    if (!bytes && tag.entries.has(path)) missing.add(path);
    return bytes;
  };
  const setupPy = read('setup.py');
  // The files the declarations name (file: directives, pyproject readme and license) are sdist defaults too.
  const referencedFiles = new Set<string>();
  const declared = readDeclared({
    ...optional('pyproject', read('pyproject.toml')),
    ...optional('setupCfg', read('setup.cfg')),
    ...(setupPy ? { setupPy: setupPyKeywords(setupPy) } : {}),
    readFile: (path) => {
      referencedFiles.add(path);
      return read(path);
    },
  });
  if (isKnown(declared.scripts)) for (const script of declared.scripts.value) read(script);
  const packages = isKnown(declared.packages)
    ? findPackages(tag.paths, declared.packages.value)
    : {
        unknown: declared.packages ? `${declared.packages.from}: ${declared.packages.unknown}` : 'no packages declared',
      };
  const licenseFiles = licenseFilesOf(tag.paths, declared);
  for (const file of licenseFiles ?? []) read(file);
  const name = isKnown(declared.name) ? declared.name.value : input.project;
  const eggInfo = `${name.replace(/-/g, '_')}.egg-info`;
  return {
    source: 'the tag',
    declared,
    context: {
      release: input.release,
      project: input.project,
      declared,
      licenseFiles,
      rootFileWithText: rootFileWithText('the tag', tag.paths, (p) => tag.read(p)),
    },
    manifest: sdistFileFates(tag, declared, {
      release: input.release,
      name,
      taggedAt: input.tag!.taggedAt,
      packages,
      referencedFiles: [...referencedFiles].filter((p) => tag.entries.has(p)).sort(),
      read,
    }),
    packages,
    eggInfo,
    missing: [...missing],
  };
}

/** Without the tag: the sdist's own declarations (a weaker basis: the wheel is held to the sdist, not to git). */
function basisFromSdist(sdist: SdistInput, input: ContentInput): Basis {
  const prefix = `${sdist.topDirectory}/`;
  const read = (path: string) => sdist.kept.get(prefix + path);
  const files = sdist.members
    .filter((m) => m.type === 'file' && m.path.startsWith(prefix))
    .map((m) => m.path.slice(prefix.length));
  const setupPy = read('setup.py');
  const declared = readDeclared({
    ...optional('pyproject', read('pyproject.toml')),
    ...optional('setupCfg', read('setup.cfg')),
    ...(setupPy ? { setupPy: setupPyKeywords(setupPy) } : {}),
    readFile: read,
  });
  const packages = isKnown(declared.packages)
    ? findPackages(files, declared.packages.value)
    : {
        unknown: declared.packages ? `${declared.packages.from}: ${declared.packages.unknown}` : 'no packages declared',
      };
  const licenseFiles = licenseFilesOf(files, declared);
  return {
    source: 'the sdist',
    declared,
    context: {
      release: input.release,
      project: input.project,
      declared,
      licenseFiles,
      rootFileWithText: rootFileWithText('the sdist', files, read),
    },
    manifest: { unknown: 'the tag is not available' },
    packages,
    eggInfo: `${(isKnown(declared.name) ? declared.name.value : input.project).replace(/-/g, '_')}.egg-info`,
    missing: [],
  };
}

/**
 * The root file of the basis (the tag, or without it the sdist) whose text is a long description
 * that setup.py reads itself (`long_description=read('README.rst')`), named with its source.
 */
function rootFileWithText(
  source: 'the tag' | 'the sdist',
  paths: readonly string[],
  read: (path: string) => Buffer | undefined,
): (text: string) => string | undefined {
  return (text) => {
    const path = paths
      .filter((p) => !p.includes('/'))
      .find((p) => read(p)?.toString('utf8').replace(/\r\n?/g, '\n').replace(/\n+$/, '') === text);
    return path === undefined ? undefined : `${source}'s ${path}`;
  };
}

function optional<K extends string>(key: K, value: Buffer | undefined): Partial<Record<K, Buffer>> {
  return value ? ({ [key]: value } as Record<K, Buffer>) : {};
}

function sdistReference(sdist: SdistInput): WheelReference {
  const prefix = `${sdist.topDirectory}/`;
  const files = new Map(
    sdist.members
      .filter((m) => m.type === 'file' && m.path.startsWith(prefix))
      .map((m) => [m.path.slice(prefix.length), { sha256: m.sha256, blobId: m.blobId }]),
  );
  return { label: 'sdist', files, read: (path) => sdist.kept.get(prefix + path) };
}

/** The tag as a wheel's reference (verify-file --deep on a wheel): the files the sdist would hold, by blob id. */
function tagReference(tag: TagFiles, basis: Basis): WheelReference {
  const files = new Map<string, { blobId: string }>();
  for (const path of tag.paths) {
    if (!('unknown' in basis.manifest) && !basis.manifest.fate(path).included) continue;
    const resolved = tag.resolve(path);
    if ('entry' in resolved) files.set(path, { blobId: resolved.entry.oid });
  }
  return { label: 'git', files, read: (path) => tag.read(path) };
}

function describeSources(basis: Basis): string {
  return basis.declared.files.length > 0
    ? `${basis.source}'s ${basis.declared.files.join(', ')}`
    : `setuptools' defaults (${basis.source} declares nothing)`;
}

type CheckFields = { artifact: string; file: string };

function unverifiedCheck(id: string, fields: CheckFields, reason: ReasonCode, message: string, remedy: string): Check {
  return { id, channel: 'content', ...fields, status: 'unverified', reason, message, remedy };
}

/**
 * A comparison's findings as its check: fail when something is not explained, unverified when
 * something could not be worked out (and nothing failed), pass otherwise, naming what was
 * identical and which derivations explained the rest.
 */
function findingsCheck(findings: Findings, fields: CheckFields, what: string, output: ContentOutput): Check {
  output.differences.push(...findings.differences);
  const base = { id: findings.check, channel: 'content' as const, ...fields };
  const failing = findings.differences.filter((d) => !d.allowed && !d.unverified);
  if (failing.length > 0) {
    const shown = failing.slice(0, 5).map((d) => `${d.path} (${d.kind}${d.detail ? `: ${d.detail}` : ''})`);
    return {
      ...base,
      status: 'fail',
      reason: 'CONTENT_MISMATCH',
      actual: failing
        .map((d) => d.path)
        .slice(0, 20)
        .join(', '),
      message: `${what}: ${failing.length} file(s) the tag does not explain — ${shown.join('; ')}${failing.length > 5 ? '; …' : ''}`,
    };
  }
  const allowed = findings.differences.filter((d) => d.allowed);
  const rules = [...new Set(allowed.map((d) => d.rule ?? `waiver: ${d.waiver}`))];
  const explained = `${findings.identical} identical${allowed.length > 0 ? `, ${allowed.length} explained (${rules.join(', ')})` : ''}`;
  if (findings.unknowns.length > 0) {
    return {
      ...base,
      status: 'unverified',
      reason: 'CONTENT_NOT_DERIVABLE',
      message: `${what}: ${explained}; ${findings.unknowns.length} could not be recomputed here — ${findings.unknowns.slice(0, 3).join('; ')}${findings.unknowns.length > 3 ? '; …' : ''}`,
      remedy:
        'compare the files named with the tag by hand: crosscheck cannot recompute them from what the tag declares',
    };
  }
  return { ...base, status: 'pass', message: `${what}: ${explained}` };
}
