import type { ArchiveMember } from '../../formats/archive/member.js';
import { parseSetupCfg, type SetupCfg, SetupCfgError } from '../../formats/setup-cfg.js';
import { comparePython } from '../../formats/python-text.js';
import { canonicalRequirement } from '../../formats/requirements.js';
import { parseRequiresTxt, requiresTxtRequirements, RequiresTxtError } from '../../formats/requires-txt.js';
import { quote } from '../../model/errors.js';
import type { Waiver } from '../../profile/profile.js';
import { declaredRequirements, judgeCoreMetadata, type MetadataContext } from './core-metadata.js';
import { type Declared, type Field, isKnown } from './declared.js';
import { Findings } from './findings.js';
import { topLevelText } from './packages.js';
import type { TagFiles } from './tag-files.js';
import { judgeEntryPoints, recordMetadataFinding } from './wheel.js';

/**
 * An sdist recomputed from its tag. Every member is one of: a tag file, byte for byte (by git
 * blob id, with its executable bit); a tag symlink stored as the linked file's bytes; the tag's
 * setup.cfg as egg_info rewrites it (the same configuration, plus egg_info's [egg_info]), or,
 * when the tag has none, a setup.cfg holding only that section; or a file egg_info generates
 * (PKG-INFO and the one `<name>.egg-info/` directory), each recomputed from what the tag declares.
 * A tag file missing from the sdist is accepted only where MANIFEST.in and setuptools' default
 * rules leave it out.
 */
export interface SdistInput {
  filename: string;
  topDirectory: string;
  members: readonly ArchiveMember[];
  /** Bytes of the members the rules read, by full path (top directory included). */
  kept: ReadonlyMap<string, Buffer>;
  /** The file's SHA-256: a waiver applies only to the sdist it was recorded for. */
  sha256?: string;
}

/** Which tag files setuptools puts in the sdist, and why; or why that cannot be worked out. */
/** Which tag files the build puts in the sdist: `included` is 'unknown' where the setuptools versions that can have built it disagree. */
export type ManifestFates =
  { fate(path: string): { included: boolean | 'unknown'; why: string } } | { unknown: string };

export interface SdistContext extends Omit<MetadataContext, 'wheel'> {
  tag: TagFiles;
  manifest: ManifestFates;
  packages: string[] | { unknown: string };
  /** The `<name>.egg-info` directory egg_info writes, from the declared name. */
  eggInfo: string;
  waivers: readonly Waiver[];
  /** The tagger's date (Unix seconds): before 2020 a Python 2 build may have written setup.cfg. */
  taggedAt?: number;
}

export interface SdistJudgement {
  /** content.sdist-vs-git: the tag's files. */
  files: Findings;
  /** content.sdist-metadata: the files egg_info generates. */
  metadata: Findings;
}

const EGG_INFO_SECTION = 'egg_info';

export function judgeSdist(sdist: SdistInput, ctx: SdistContext): SdistJudgement {
  const judgement = { files: new Findings('content.sdist-vs-git'), metadata: new Findings('content.sdist-metadata') };
  const prefix = `${sdist.topDirectory}/`;
  const files = new Map<string, ArchiveMember>();
  for (const member of sdist.members) {
    if (member.path === sdist.topDirectory && member.type === 'directory') continue;
    if (!member.path.startsWith(prefix)) {
      judgement.files.unexplained(
        member.path,
        'only-in-sdist',
        `outside the sdist's top directory ${sdist.topDirectory}/`,
        { sdist: member.sha256 },
      );
      continue;
    }
    if (member.type === 'file') files.set(member.path.slice(prefix.length), member);
  }
  const bytes = (path: string) => sdist.kept.get(prefix + path);
  const generated: string[] = [];
  for (const [path, member] of files) {
    const digests = { sdist: member.sha256, 'sdist-blob': member.blobId };
    // What egg_info writes is judged as written even where the tag holds a file of that path: the build overwrites it (a PKG-INFO committed to git is not the release's metadata).
    if (path === 'PKG-INFO' || path.startsWith(`${ctx.eggInfo}/`)) {
      generated.push(path);
    } else if (/^[^/]+\.egg-info\//.test(path)) {
      judgement.metadata.unexplained(
        path,
        'only-in-sdist',
        `a second metadata directory (${path.split('/')[0]}); egg_info writes only ${ctx.eggInfo}/`,
        digests,
      );
    } else if (ctx.tag.entries.has(path) || 'entry' in ctx.tag.resolve(path)) {
      judgeTagFile(path, member, bytes(path), ctx, judgement.files);
    } else if (path === 'setup.cfg') {
      generated.push(path);
    } else {
      judgement.files.unexplained(path, 'only-in-sdist', 'not a file of the tag, nor one the build generates', digests);
    }
  }
  judgeMissingTagFiles(files, ctx, judgement.files);
  judgeGenerated(generated, files, bytes, ctx, judgement.metadata);
  applyWaivers(judgement.files, ctx.waivers, ctx.release, sdist.sha256);
  applyWaivers(judgement.metadata, ctx.waivers, ctx.release, sdist.sha256);
  return judgement;
}

/** Why every setuptools that can have built the release leaves the tag file `path` out of the sdist; undefined when some version includes it, or that is not known. */
function leftOutByEveryBuild(path: string, ctx: SdistContext): string | undefined {
  if ('unknown' in ctx.manifest) return undefined;
  const fate = ctx.manifest.fate(path);
  return fate.included === false ? fate.why : undefined;
}

/**
 * A tag file, with the tag's bytes, that every modelled setuptools leaves out: it fails where the
 * tag's [build-system] names what builds it (an isolated build has nothing else); without one, a
 * file-finder plugin in the builder's own environment (setuptools-git, setuptools-scm) may have
 * added every tracked file, so it is unknown rather than failed.
 */
function judgeUnexpectedTagFile(
  path: string,
  why: string,
  detail: string,
  digests: Record<string, string>,
  ctx: SdistContext,
  findings: Findings,
): void {
  if (ctx.declared.buildRequires) findings.unexplained(path, 'only-in-sdist', `${detail}: ${why}`, digests);
  else
    findings.unknown(
      path,
      `${detail} (${why}); without a [build-system] in the tag, a setuptools file-finder plugin in the builder's environment may have added it`,
      digests,
    );
}

/** A member that is a tag file: the same blob and executable bit; setup.cfg as egg_info rewrites it; a symlink stored as its target's bytes. */
function judgeTagFile(
  path: string,
  member: ArchiveMember,
  bytes: Buffer | undefined,
  ctx: SdistContext,
  findings: Findings,
): void {
  const digests = { sdist: member.sha256, 'sdist-blob': member.blobId };
  const direct = ctx.tag.entries.get(path);
  const resolved = ctx.tag.resolve(path);
  if (!('entry' in resolved)) {
    findings.unexplained(path, 'type', resolved.problem, digests);
    return;
  }
  const { entry } = resolved;
  const gitDigests = { ...digests, git: direct?.oid ?? entry.oid };
  if (direct && direct.mode !== '120000' && resolved.path === path) {
    if (member.blobId === entry.oid) {
      const executableInSdist = (member.mode & 0o111) !== 0;
      const executableInGit = entry.mode === '100755';
      if (executableInSdist !== executableInGit)
        findings.unexplained(
          path,
          'mode',
          `executable in ${executableInSdist ? 'the sdist' : 'git'} only (sdist ${member.mode.toString(8)}, git ${entry.mode})`,
          gitDigests,
        );
      else if (leftOutByEveryBuild(path, ctx))
        judgeUnexpectedTagFile(
          path,
          leftOutByEveryBuild(path, ctx)!,
          "the tag's file, but no setuptools that can have built the release puts it in an sdist",
          gitDigests,
          ctx,
          findings,
        );
      else findings.identical++;
      return;
    }
    if (path === 'setup.cfg') {
      judgeRewrittenSetupCfg(path, bytes, ctx.tag.read(path), gitDigests, ctx, findings);
      return;
    }
    findings.unexplained(path, 'content', `sdist blob ${member.blobId}, git blob ${entry.oid}`, gitDigests);
    return;
  }
  // Through a symlink (in the file's own path or a directory of it): the build copies the linked file's bytes.
  if (member.blobId === entry.oid && leftOutByEveryBuild(path, ctx))
    judgeUnexpectedTagFile(
      path,
      leftOutByEveryBuild(path, ctx)!,
      `a symlink in the tag to ${resolved.path}, but no setuptools that can have built the release puts it in an sdist`,
      { ...gitDigests, 'git-target': entry.oid },
      ctx,
      findings,
    );
  else if (member.blobId === entry.oid)
    findings.derived(
      path,
      'symlink-as-file',
      `a symlink in the tag to ${resolved.path}; the sdist holds that file's bytes`,
      { ...gitDigests, 'git-target': entry.oid },
      'type',
    );
  else
    findings.unexplained(
      path,
      'content',
      `a symlink in the tag to ${resolved.path}, whose blob ${entry.oid} differs from the sdist's ${member.blobId}`,
      { ...gitDigests, 'git-target': entry.oid },
    );
}

/**
 * The tag's setup.cfg as egg_info leaves it in an sdist, byte for byte: setuptools' sdist copies
 * it and `save_version_info` rewrites it through `setopt.edit_config` — read by RawConfigParser
 * (optionxform = str), [egg_info] tag_build and tag_date set, written back by
 * `RawConfigParser.write` (comments and layout go). Any other text — a comment, a blank line,
 * another layout, a changed value — fails: nothing the tag declares writes it. Before 2020 a
 * Python 2 configparser, whose output this does not model, may have written it: a file with
 * the same configuration in other text is then unknown, not passed.
 */
function judgeRewrittenSetupCfg(
  path: string,
  sdistBytes: Buffer | undefined,
  gitBytes: Buffer | undefined,
  digests: Record<string, string>,
  ctx: SdistContext,
  findings: Findings,
): void {
  if (!sdistBytes || gitBytes === undefined) {
    findings.unknown(path, 'the file could not be read for a configuration comparison', digests);
    return;
  }
  judgeSetupCfgText(
    path,
    sdistBytes,
    gitBytes,
    digests,
    ctx,
    findings,
    "the tag's setup.cfg as egg_info rewrites it (RawConfigParser.write, [egg_info] tag_build and tag_date set)",
  );
}

function judgeSetupCfgText(
  path: string,
  sdistBytes: Buffer,
  gitBytes: Buffer,
  digests: Record<string, string>,
  ctx: SdistContext,
  findings: Findings,
  derivation: string,
): void {
  const expected = eggInfoSetupCfgTexts(gitBytes);
  if (typeof expected === 'string') {
    findings.unknown(path, `the tag's setup.cfg cannot be read as egg_info reads it (${expected})`, digests);
    return;
  }
  if (expected.some((text) => sdistBytes.equals(Buffer.from(text, 'utf8')))) {
    findings.derived(path, 'egg-info-setup-cfg', derivation, digests, 'config');
    return;
  }
  const changes = setupCfgChanges(gitBytes, sdistBytes);
  if (typeof changes === 'string') findings.unexplained(path, 'config', changes, digests);
  else if (changes.length > 0)
    findings.unexplained(
      path,
      'config',
      `configuration differs from the tag's: ${changes.slice(0, 5).join('; ')}`,
      digests,
    );
  else if (ctx.taggedAt !== undefined && ctx.taggedAt * 1000 < PYTHON2_BUILDS_UNTIL)
    findings.unknown(
      path,
      "the same configuration as the tag's, in other text than Python 3's configparser writes; a Python 2 build, which crosscheck does not model, may have written it",
      digests,
    );
  else
    findings.unexplained(
      path,
      'config',
      `not the text egg_info writes (${firstDifference(sdistBytes.toString('utf8'), expected[0]!)}): comments, blank lines and layout are not kept by configparser, so nothing the tag declares wrote them`,
      digests,
    );
}

/** setuptools 45 (January 2020) dropped Python 2: a release tagged earlier may have been built by it. */
const PYTHON2_BUILDS_UNTIL = Date.UTC(2020, 0, 1);

/** The texts egg_info can write from `tag` (a setup.cfg's bytes; empty when the tag has none): with tag_svn_revision (setuptools before 36) or without. Or why it cannot be read. */
function eggInfoSetupCfgTexts(tag: Buffer): string[] | string {
  let cfg: SetupCfg;
  try {
    cfg = parseSetupCfg(tag);
  } catch (error) {
    return error instanceof SetupCfgError ? error.message : String(error);
  }
  const own = cfg.sections.get(EGG_INFO_SECTION);
  const tagDate = own?.get('tag_date');
  if (tagDate !== undefined && !['', '0', 'false', 'no', 'off'].includes(tagDate.toLowerCase()))
    return `[egg_info] tag_date = ${tagDate} makes the version carry the build's date`;
  return [false, true].map((svn) => {
    const section = new Map(own ?? []);
    section.set('tag_build', own?.get('tag_build') ?? '');
    section.set('tag_date', '0');
    if (svn) section.set('tag_svn_revision', '0');
    const sections = new Map(cfg.sections);
    sections.set(EGG_INFO_SECTION, section);
    return rawConfigParserWrite(cfg.defaults, sections);
  });
}

/** CPython's `RawConfigParser.write` (space_around_delimiters): [DEFAULT] first, then each section; multi-line values continued by a tab. */
export function rawConfigParserWrite(
  defaults: ReadonlyMap<string, string>,
  sections: ReadonlyMap<string, ReadonlyMap<string, string>>,
): string {
  const section = (name: string, options: ReadonlyMap<string, string>) =>
    `[${name}]\n${[...options].map(([key, value]) => `${key} = ${value.replace(/\n/g, '\n\t')}\n`).join('')}\n`;
  return (
    (defaults.size > 0 ? section('DEFAULT', defaults) : '') +
    [...sections].map(([name, options]) => section(name, options)).join('')
  );
}

function firstDifference(found: string, expected: string): string {
  let i = 0;
  while (i < found.length && i < expected.length && found[i] === expected[i]) i++;
  const line = found.slice(0, i).split('\n').length;
  return `line ${line}: ${quote(found.split('\n')[line - 1]?.slice(0, 80) ?? '')}, egg_info writes ${quote(expected.split('\n')[line - 1]?.slice(0, 80) ?? '(end of file)')}`;
}

/** Differences between two setup.cfg files as data, except an [egg_info] section exactly as egg_info writes it; or why they cannot be read. */
function setupCfgChanges(git: Buffer, sdist: Buffer): string[] | string {
  try {
    const before = parseSetupCfg(git);
    const after = parseSetupCfg(sdist);
    const changes: string[] = [];
    const sections = new Set([...before.sections.keys(), ...after.sections.keys()]);
    for (const section of sections) {
      const a = before.sections.get(section);
      const b = after.sections.get(section);
      if (section === EGG_INFO_SECTION && !a && b && isEggInfoSection(b)) continue;
      if (!a || !b) {
        changes.push(`[${section}] only in ${a ? 'the tag' : 'the sdist'}`);
        continue;
      }
      for (const option of new Set([...a.keys(), ...b.keys()]))
        if (a.get(option) !== b.get(option))
          changes.push(
            `[${section}] ${option}: tag ${quote(a.get(option) ?? null)}, sdist ${quote(b.get(option) ?? null)}`,
          );
    }
    for (const option of new Set([...before.defaults.keys(), ...after.defaults.keys()])) {
      if (before.defaults.get(option) !== after.defaults.get(option))
        changes.push(
          `[DEFAULT] ${option}: tag ${quote(before.defaults.get(option) ?? null)}, sdist ${quote(after.defaults.get(option) ?? null)}`,
        );
    }
    return changes;
  } catch (error) {
    return `not comparable as configuration: ${error instanceof SetupCfgError ? error.message : String(error)}`;
  }
}

/** egg_info's settings as setuptools writes them: tag_build and tag_date (and tag_svn_revision before setuptools 36). */
function isEggInfoSection(options: ReadonlyMap<string, string>): boolean {
  const allowed: Record<string, string> = { tag_build: '', tag_date: '0', tag_svn_revision: '0' };
  return options.has('tag_build') && [...options].every(([key, value]) => allowed[key] === value);
}

function judgeMissingTagFiles(files: ReadonlyMap<string, ArchiveMember>, ctx: SdistContext, findings: Findings): void {
  for (const [path, entry] of ctx.tag.entries) {
    if (files.has(path)) continue;
    const digests = { git: entry.oid };
    if ('unknown' in ctx.manifest) {
      findings.unknown(
        path,
        `a tag file missing from the sdist; which files setuptools includes could not be worked out: ${ctx.manifest.unknown}`,
        digests,
      );
      continue;
    }
    const fate = ctx.manifest.fate(path);
    if (fate.included === 'unknown') findings.unknown(path, `a tag file missing from the sdist: ${fate.why}`, digests);
    else if (fate.included)
      findings.unexplained(path, 'only-in-git', `missing from the sdist, though ${fate.why}`, digests);
    else findings.derived(path, 'manifest', `left out: ${fate.why}`, digests, 'only-in-git');
  }
}

/** PKG-INFO, the egg-info files and an sdist-only setup.cfg, each recomputed from the declarations. */
function judgeGenerated(
  paths: readonly string[],
  files: ReadonlyMap<string, ArchiveMember>,
  bytes: (path: string) => Buffer | undefined,
  ctx: SdistContext,
  findings: Findings,
): void {
  const egg = ctx.eggInfo;
  const present = new Set(paths);
  const { declared } = ctx;
  const readable = (path: string) => {
    const content = bytes(path);
    if (!content) findings.unknown(path, 'the file was not kept for reading (over the metadata size limit?)');
    return content;
  };
  const pkgInfo = present.has('PKG-INFO') ? readable('PKG-INFO') : undefined;
  if (!present.has('PKG-INFO')) findings.unexplained('PKG-INFO', 'metadata', 'the sdist has no PKG-INFO');
  else if (pkgInfo) recordMetadataFinding(findings, 'PKG-INFO', judgeCoreMetadata(pkgInfo, { ...ctx, wheel: false }));

  const expectedEggFiles = new Set(['PKG-INFO', 'SOURCES.txt', 'dependency_links.txt', 'top_level.txt']);
  for (const path of paths) {
    if (path === 'PKG-INFO') continue;
    if (path === 'setup.cfg') {
      judgeSdistOnlySetupCfg(path, readable(path), ctx, findings);
      continue;
    }
    const name = path.slice(egg.length + 1);
    const content = readable(path);
    if (!content) continue;
    switch (name) {
      case 'PKG-INFO':
        if (pkgInfo && content.equals(pkgInfo))
          findings.derived(path, 'egg-info', 'PKG-INFO (egg_info writes the same file twice)');
        else
          findings.unexplained(
            path,
            'metadata',
            "differs from the sdist's PKG-INFO, which egg_info writes identically",
          );
        break;
      case 'SOURCES.txt':
        judgeSources(path, content, files, ctx, findings);
        break;
      case 'requires.txt':
        judgeRequiresTxt(path, content, declared, findings);
        break;
      case 'entry_points.txt':
        judgeEntryPoints(path, content, declared, findings);
        break;
      case 'top_level.txt':
        judgeTopLevel(path, content, ctx, findings);
        break;
      case 'dependency_links.txt':
        if (content.toString('utf8') === '\n')
          findings.derived(path, 'egg-info', 'no dependency_links declared (egg_info writes an empty line)');
        else
          findings.unexplained(
            path,
            'metadata',
            `holds ${quote(content.toString('utf8'))}; the tag declares no dependency links`,
          );
        break;
      case 'not-zip-safe':
      case 'zip-safe': {
        const expected = name === 'not-zip-safe' ? false : true;
        if (isKnown(declared.zipSafe) && declared.zipSafe.value === expected && content.toString('utf8') === '\n')
          findings.derived(path, 'egg-info', declared.zipSafe.from);
        else
          findings.unexplained(
            path,
            'metadata',
            `the tag declares ${isKnown(declared.zipSafe) ? `zip_safe = ${declared.zipSafe.value}` : 'no zip_safe'}`,
          );
        break;
      }
      default:
        findings.unexplained(
          path,
          'only-in-sdist',
          `a file egg_info does not write from what the tag declares${declared.unmodelled.length > 0 ? ` (declarations not modelled: ${declared.unmodelled.join(', ')})` : ''}`,
        );
    }
  }
  for (const name of expectedEggFiles)
    if (!present.has(`${egg}/${name}`))
      findings.unexplained(`${egg}/${name}`, 'metadata', 'missing: egg_info writes it into every sdist');
  if (!files.has('setup.cfg') && !ctx.tag.entries.has('setup.cfg'))
    findings.unexplained(
      'setup.cfg',
      'metadata',
      "missing: setuptools' sdist writes egg_info's [egg_info] section into a setup.cfg of every sdist",
    );
  const requirementsDeclared = (() => {
    try {
      return declaredRequirements(declared).length > 0;
    } catch {
      return false;
    }
  })();
  if (requirementsDeclared && !present.has(`${egg}/requires.txt`))
    findings.unexplained(`${egg}/requires.txt`, 'metadata', 'missing, though the tag declares requirements');
  if (isKnown(declared.entryPoints) && declared.entryPoints.value.length > 0 && !present.has(`${egg}/entry_points.txt`))
    findings.unexplained(`${egg}/entry_points.txt`, 'metadata', 'missing, though the tag declares entry points');
}

/** A setup.cfg the tag lacks (a pyproject.toml project): egg_info's [egg_info] section alone, as RawConfigParser writes it. */
function judgeSdistOnlySetupCfg(
  path: string,
  content: Buffer | undefined,
  ctx: SdistContext,
  findings: Findings,
): void {
  if (!content) return;
  judgeSetupCfgText(
    path,
    content,
    Buffer.alloc(0),
    {},
    ctx,
    findings,
    'the tag has none; egg_info writes [egg_info] tag_build and tag_date into every sdist',
  );
}

/**
 * SOURCES.txt as egg_info writes it: the sdist's files but PKG-INFO (and a setup.cfg the tag
 * lacks, written after it), sorted as FileList.sort sorts them (by directory, then name), one
 * per line, without a final line end.
 */
export function sourcesText(paths: Iterable<string>): string {
  const split = (path: string): [string, string] => {
    const slash = path.lastIndexOf('/');
    return slash < 0 ? ['', path] : [path.slice(0, slash), path.slice(slash + 1)];
  };
  return [...paths]
    .map(split)
    .sort((a, b) => comparePython(a[0], b[0]) || comparePython(a[1], b[1]))
    .map(([dir, name]) => (dir === '' ? name : `${dir}/${name}`))
    .join('\n');
}

function judgeSources(
  path: string,
  content: Buffer,
  files: ReadonlyMap<string, ArchiveMember>,
  ctx: SdistContext,
  findings: Findings,
): void {
  const listed = [...files.keys()].filter(
    (file) => file !== 'PKG-INFO' && !(file === 'setup.cfg' && !ctx.tag.entries.has('setup.cfg')),
  );
  const expected = sourcesText(listed);
  const found = content.toString('utf8');
  if (found === expected || found === `${expected}\n`) {
    findings.derived(path, 'egg-info', "the sdist's own file list, as egg_info writes it");
    return;
  }
  const foundLines = new Set(found.split('\n').filter(Boolean));
  const onlyListed = [...foundLines].filter((line) => !files.has(line));
  const onlyInSdist = listed.filter((file) => !foundLines.has(file));
  findings.unexplained(
    path,
    'metadata',
    onlyListed.length + onlyInSdist.length > 0
      ? `lists ${quote(onlyListed.slice(0, 5))} that the sdist does not hold, and leaves out ${quote(onlyInSdist.slice(0, 5))}`
      : "lists the sdist's files in another order or layout than egg_info writes",
  );
}

function judgeRequiresTxt(path: string, content: Buffer, declared: Declared, findings: Findings): void {
  for (const field of [declared.dependencies, declared.extras] as (Field<unknown> | undefined)[]) {
    if (field && !isKnown(field)) {
      findings.unknown(path, `${field.from}: ${field.unknown}`);
      return;
    }
  }
  const layout = requiresTxtLayoutProblem(content.toString('utf8'));
  if (layout) {
    findings.unexplained(path, 'metadata', `not laid out as egg_info writes it: ${layout}`);
    return;
  }
  let found: string[];
  let expected: string[];
  try {
    found = requiresTxtRequirements(parseRequiresTxt(content.toString('utf8'))).map(canonicalRequirement);
    expected = declaredRequirements(declared).map(canonicalRequirement);
  } catch (error) {
    findings.unexplained(
      path,
      'metadata',
      error instanceof RequiresTxtError ? error.message : `a requirement cannot be read: ${(error as Error).message}`,
    );
    return;
  }
  const onlyFound = [...new Set(found)].filter((r) => !expected.includes(r));
  const onlyDeclared = [...new Set(expected)].filter((r) => !found.includes(r));
  const source = [declared.dependencies?.from, declared.extras?.from].filter(Boolean).join(' and ');
  if (onlyFound.length > 0 || onlyDeclared.length > 0) {
    findings.unexplained(
      path,
      'metadata',
      `${onlyFound.length > 0 ? `requirements the tag does not declare: ${quote(onlyFound)}` : ''}${onlyFound.length > 0 && onlyDeclared.length > 0 ? '; ' : ''}${onlyDeclared.length > 0 ? `declared and missing: ${quote(onlyDeclared)}` : ''} (${source || 'nothing declared'})`,
    );
  } else findings.derived(path, 'egg-info', source);
}

/**
 * egg_info's `write_requirements` layout: the unconditional requirements one a line, then for each
 * extra (or `:marker`) in sorted order a blank line, `[name]` and its requirements. Nothing else
 * — no comment, no other blank line, no indentation — is written, so nothing else may be there.
 */
export function requiresTxtLayoutProblem(text: string): string | undefined {
  if (text === '') return undefined;
  if (!text.endsWith('\n')) return 'the last line has no line end';
  const lines = text.slice(0, -1).split('\n');
  const headers: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const at = `line ${i + 1} (${quote(line.slice(0, 80))})`;
    if (line === '') {
      if (!lines[i + 1]?.startsWith('[')) return `${at}: a blank line that does not precede a section`;
      continue;
    }
    if (line.startsWith('[')) {
      if (lines[i - 1] !== '')
        return `${at}: a section not preceded by a blank line (egg_info writes one before each, the first too)`;
      if (!line.endsWith(']')) return `${at}: not a section header`;
      headers.push(line.slice(1, -1));
      continue;
    }
    if (line !== line.trim() || /[\r\t]/.test(line)) return `${at}: a requirement with space around it`;
    if (line.startsWith('#') || line.includes(' #')) return `${at}: a comment`;
  }
  for (let i = 1; i < headers.length; i++)
    if (comparePython(headers[i - 1]!, headers[i]!) >= 0)
      return `sections [${headers[i - 1]}] and [${headers[i]}] are not in the sorted order egg_info writes them in`;
  return undefined;
}

function judgeTopLevel(path: string, content: Buffer, ctx: SdistContext, findings: Findings): void {
  if ('unknown' in ctx.packages) {
    findings.unknown(path, ctx.packages.unknown);
    return;
  }
  const modules = isKnown(ctx.declared.pyModules) ? ctx.declared.pyModules.value : [];
  const expected = topLevelText(ctx.packages, modules);
  if (content.toString('utf8') === expected)
    findings.derived(path, 'egg-info', `the declared packages (${ctx.declared.packages?.from ?? 'setuptools'})`);
  else
    findings.unexplained(
      path,
      'metadata',
      `holds ${quote(content.toString('utf8'))}; the declared packages give ${quote(expected)}`,
    );
}

/** A per-release waiver from the profile allows one unexplained difference, only in the sdist it was recorded for (by SHA-256), and only for exactly the digests it names. */
function applyWaivers(
  findings: Findings,
  waivers: readonly Waiver[],
  release: string,
  sdist: string | undefined,
): void {
  if (sdist === undefined) return;
  for (const difference of findings.differences) {
    if (difference.allowed || difference.unverified) continue;
    const waiver = waivers.find(
      (w) =>
        w.version === release &&
        w.sdist === sdist &&
        w.path === difference.path &&
        Object.entries(w.digests).every(([side, digest]) => difference.digests[side] === digest),
    );
    if (waiver) {
      difference.allowed = true;
      difference.waiver = waiver.reason;
    }
  }
}
