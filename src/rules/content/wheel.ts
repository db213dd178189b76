import { createHash } from 'node:crypto';
import type { ArchiveMember } from '../../formats/archive/member.js';
import { checkRecord } from './wheel-record.js';
import { parseCoreMetadata, values } from '../../formats/core-metadata.js';
import {
  describeEntryPoint,
  type EntryPoint,
  entryPointsTexts,
  EntryPointsError,
  parseEntryPoints,
} from '../../formats/entry-points.js';
import { comparePython } from '../../formats/python-text.js';
import { quote } from '../../model/errors.js';
import { judgeCoreMetadata, type MetadataContext } from './core-metadata.js';
import { type Declared, isKnown } from './declared.js';
import { Findings } from './findings.js';
import { topLevelText } from './packages.js';

/**
 * A wheel recomputed from what it was built from. Every file a wheel installs is one of three
 * kinds, and nothing else is accepted: a file of the declared packages, byte for byte the
 * reference's (the sdist, or the tag itself); a declared script, the reference's with only its
 * `#!` line rewritten as bdist_wheel rewrites it; or a file of the one `.dist-info` directory,
 * each recomputed (METADATA, WHEEL, entry points, top-level names, license files) or checked
 * (RECORD). A second metadata directory, a `.pth` file where an installer would honour it, or a
 * file installed outside the package from a `.data` directory is named and fails.
 */
export interface WheelInput {
  filename: string;
  members: readonly ArchiveMember[];
  /** Bytes of the wheel's dist-info files and scripts. */
  kept: ReadonlyMap<string, Buffer>;
}

/** What the wheel is held to: the sdist's files (paths under its top directory), or the tag's. */
export interface WheelReference {
  label: 'sdist' | 'git';
  /** Files by relative path: SHA-256 when the reference has it (an sdist), always the git blob id. */
  files: ReadonlyMap<string, { sha256?: string; blobId: string }>;
  read(path: string): Buffer | undefined;
}

export interface WheelContext extends Omit<MetadataContext, 'wheel'> {
  declared: Declared;
  /** The packages the build installs, or why they are not known. */
  packages: string[] | { unknown: string };
}

export interface WheelJudgement {
  files: Findings;
  record: Findings;
  metadata: Findings;
}

const SCRIPT_LINE = /^#!.*python[0-9.]*([ \t].*)?$/;

export function judgeWheel(wheel: WheelInput, reference: WheelReference, ctx: WheelContext): WheelJudgement {
  const judgement = {
    files: new Findings('content.wheel-vs-sdist'),
    record: new Findings('content.wheel-record'),
    metadata: new Findings('content.wheel-metadata'),
  };
  if (reference.label === 'git') judgement.files = new Findings('content.wheel-vs-git');
  const distInfo = wheelDistInfo(wheel, judgement.metadata);
  const dataDir = `${wheel.filename.split('-').slice(0, 2).join('-')}.data`;
  const expected = expectedPackageFiles(reference, ctx);
  const seen = new Set<string>();
  for (const member of wheel.members) {
    if (member.type !== 'file') continue;
    const { path } = member;
    const digests = { wheel: member.sha256, 'wheel-blob': member.blobId };
    const top = path.split('/')[0]!;
    if (distInfo && top === distInfo) continue;
    if (/\.(dist|egg)-info$/.test(top)) {
      judgement.files.unexplained(
        path,
        'only-in-wheel',
        `a second metadata directory (${top}): installers and importlib.metadata would read it as another distribution`,
        digests,
      );
      continue;
    }
    if (top === dataDir || top.endsWith('.data')) {
      judgeDataFile(path, member, dataDir, reference, ctx, judgement.files);
      continue;
    }
    if (path.endsWith('.pth') && !path.includes('/')) {
      judgement.files.unexplained(
        path,
        'only-in-wheel',
        'a .pth file at the installation root runs code at every interpreter start',
        digests,
      );
      continue;
    }
    seen.add(path);
    judgePackageFile(path, member, reference, expected, judgement.files);
  }
  if (!('unknown' in expected)) {
    for (const path of expected.paths)
      if (!seen.has(path))
        judgement.files.unexplained(
          path,
          'only-in-sdist',
          `in the ${reference.label === 'sdist' ? 'sdist' : 'tag'} under a declared package (${expected.why}), missing from the wheel`,
          { [reference.label]: reference.files.get(path)?.sha256 ?? reference.files.get(path)!.blobId },
        );
  }
  if (distInfo) judgeDistInfo(wheel, distInfo, reference, ctx, judgement);
  return judgement;
}

/** The wheel's one .dist-info directory, named for its file name; a missing or misnamed one is recorded. */
function wheelDistInfo(wheel: WheelInput, findings: Findings): string | undefined {
  const expected = `${wheel.filename.split('-').slice(0, 2).join('-')}.dist-info`;
  const found = [...new Set(wheel.members.map((m) => m.path.split('/')[0]!).filter((d) => d.endsWith('.dist-info')))];
  if (!found.includes(expected)) {
    findings.unexplained(
      expected,
      'metadata',
      `the wheel must hold exactly one ${expected}/ directory; it holds ${found.join(', ') || 'none'}`,
    );
    return undefined;
  }
  return expected;
}

interface ExpectedFiles {
  paths: Set<string>;
  why: string;
}

/**
 * What bdist_wheel installs from the reference: with include_package_data (Django's setting),
 * every file the reference holds under a declared package's directory (modules and package data
 * alike, as setuptools' build_py collects them from the sdist's file list), and each declared
 * top-level module.
 */
function expectedPackageFiles(reference: WheelReference, ctx: WheelContext): ExpectedFiles | { unknown: string } {
  if ('unknown' in ctx.packages) return { unknown: ctx.packages.unknown };
  const { declared } = ctx;
  if (declared.unmodelled.length > 0)
    return { unknown: `declarations crosscheck does not model: ${declared.unmodelled.join(', ')}` };
  const includeData = isKnown(declared.includePackageData) ? declared.includePackageData.value : false;
  if (!includeData)
    return { unknown: 'include_package_data is not set: which data files a package installs is not modelled' };
  const packageDirs = new Set(ctx.packages.map((p) => p.replace(/\./g, '/')));
  const modules = isKnown(declared.pyModules) ? declared.pyModules.value.map((m) => `${m.replace(/\./g, '/')}.py`) : [];
  const paths = new Set<string>();
  for (const path of reference.files.keys()) {
    const inPackage = [...ancestors(path)].some((dir) => packageDirs.has(dir));
    if (inPackage || modules.includes(path)) paths.add(path);
  }
  return {
    paths,
    why: `packages ${[...new Set(ctx.packages.map((p) => p.split('.')[0]!))].join(', ')} with include_package_data`,
  };
}

function* ancestors(path: string): Iterable<string> {
  for (let slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) yield path.slice(0, slash);
}

function judgePackageFile(
  path: string,
  member: ArchiveMember,
  reference: WheelReference,
  expected: ExpectedFiles | { unknown: string },
  findings: Findings,
): void {
  const digests = { wheel: member.sha256, 'wheel-blob': member.blobId };
  const source = reference.files.get(path);
  if (!source) {
    findings.unexplained(path, 'only-in-wheel', `not in the ${reference.label === 'sdist' ? 'sdist' : 'tag'}`, digests);
    return;
  }
  const same = source.sha256 !== undefined ? source.sha256 === member.sha256 : source.blobId === member.blobId;
  if (!same) {
    findings.unexplained(
      path,
      'content',
      source.sha256 !== undefined
        ? `wheel SHA-256 ${member.sha256}, ${reference.label} SHA-256 ${source.sha256}`
        : `wheel blob ${member.blobId}, tag blob ${source.blobId}`,
      { ...digests, [reference.label]: source.sha256 ?? source.blobId },
    );
    return;
  }
  if (!('unknown' in expected) && !expected.paths.has(path)) {
    findings.unexplained(
      path,
      'only-in-wheel',
      `the ${reference.label}'s file, but not under a declared package (${expected.why}): the wheel would install it`,
      digests,
    );
    return;
  }
  if ('unknown' in expected)
    findings.unknown(
      path,
      `identical to the ${reference.label}'s file; whether the build installs it is not known (${expected.unknown})`,
      digests,
    );
  else findings.identical++;
}

/** `.data/scripts/NAME` from a declared script, its `#!python` line as bdist_wheel writes it; any other `.data` file fails. */
function judgeDataFile(
  path: string,
  member: ArchiveMember,
  dataDir: string,
  reference: WheelReference,
  ctx: WheelContext,
  findings: Findings,
): void {
  const digests = { wheel: member.sha256 };
  const script = new RegExp(`^${escape(dataDir)}/scripts/([^/]+)$`).exec(path);
  if (!script) {
    if (ctx.declared.unmodelled.length > 0)
      findings.unknown(
        path,
        `installed outside the package; declarations crosscheck does not model could put it there (${ctx.declared.unmodelled.join(', ')})`,
        digests,
      );
    else
      findings.unexplained(
        path,
        'only-in-wheel',
        'installed outside the package from a .data directory, and nothing the tag declares puts it there',
        digests,
      );
    return;
  }
  const declaredScripts = ctx.declared.scripts;
  if (declaredScripts && !isKnown(declaredScripts)) {
    findings.unknown(path, `${declaredScripts.from}: ${declaredScripts.unknown}`, digests);
    return;
  }
  const source = (isKnown(declaredScripts) ? declaredScripts.value : []).find((s) => s.split('/').pop() === script[1]);
  if (!source) {
    findings.unexplained(
      path,
      'only-in-wheel',
      `a script the tag does not declare (declared: ${isKnown(declaredScripts) ? declaredScripts.value.join(', ') || 'none' : 'none'}): it would be a new command on the user's PATH`,
      digests,
    );
    return;
  }
  const original = reference.read(source);
  if (!original) {
    findings.unknown(path, `the declared script ${source} could not be read from the ${reference.label}`, digests);
    return;
  }
  const built = buildScript(original);
  if (createHash('sha256').update(built).digest('hex') !== member.sha256) {
    findings.unexplained(
      path,
      'content',
      `not ${source} as bdist_wheel builds it (only the #! line may differ)`,
      digests,
    );
    return;
  }
  findings.derived(path, 'script-shebang', `${source} (declared script; #! line rewritten by build_scripts)`, digests);
}

/** distutils' build_scripts with bdist_wheel's executable `python`: a first line naming python becomes `#!python` and its options. */
export function buildScript(original: Buffer): Buffer {
  const newline = original.indexOf(0x0a);
  const firstLine = original.subarray(0, newline < 0 ? original.length : newline).toString('latin1');
  const match = SCRIPT_LINE.exec(firstLine);
  if (!match) return original;
  const rest = newline < 0 ? Buffer.alloc(0) : original.subarray(newline + 1);
  return Buffer.concat([Buffer.from(`#!python${match[1] ?? ''}\n`, 'latin1'), rest]);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function judgeDistInfo(
  wheel: WheelInput,
  distInfo: string,
  reference: WheelReference,
  ctx: WheelContext,
  judgement: WheelJudgement,
): void {
  const { metadata } = judgement;
  const file = (name: string) => wheel.kept.get(`${distInfo}/${name}`);
  const present = new Set(
    wheel.members
      .filter((m) => m.type === 'file' && m.path.startsWith(`${distInfo}/`))
      .map((m) => m.path.slice(distInfo.length + 1)),
  );
  const handled = new Set(['METADATA', 'WHEEL', 'RECORD', 'entry_points.txt', 'top_level.txt']);

  const record = file('RECORD');
  if (!record) judgement.record.unexplained(`${distInfo}/RECORD`, 'record', 'the wheel has no RECORD');
  else {
    const problems = checkRecord(distInfo, record.toString('utf8'), wheel.members);
    judgement.record.differences.push(...problems);
    if (problems.length === 0) judgement.record.identical = wheel.members.filter((m) => m.type === 'file').length;
  }

  const metadataBytes = file('METADATA');
  if (!metadataBytes) metadata.unexplained(`${distInfo}/METADATA`, 'metadata', 'the wheel has no METADATA');
  else
    recordMetadataFinding(metadata, `${distInfo}/METADATA`, judgeCoreMetadata(metadataBytes, { ...ctx, wheel: true }));

  const wheelFile = file('WHEEL');
  if (!wheelFile) metadata.unexplained(`${distInfo}/WHEEL`, 'metadata', 'the wheel has no WHEEL file');
  else judgeWheelFile(`${distInfo}/WHEEL`, wheelFile, wheel.filename, metadata);

  judgeEntryPoints(
    `${distInfo}/entry_points.txt`,
    present.has('entry_points.txt') ? file('entry_points.txt') : undefined,
    ctx.declared,
    metadata,
  );
  if (present.has('top_level.txt')) {
    const text = file('top_level.txt')?.toString('utf8');
    const modules = isKnown(ctx.declared.pyModules) ? ctx.declared.pyModules.value : [];
    if ('unknown' in ctx.packages) metadata.unknown(`${distInfo}/top_level.txt`, ctx.packages.unknown);
    else if (text !== topLevelText(ctx.packages, modules))
      metadata.unexplained(
        `${distInfo}/top_level.txt`,
        'metadata',
        `holds ${quote(text)}; the declared packages give ${quote(topLevelText(ctx.packages, modules))}`,
      );
    else
      metadata.derived(
        `${distInfo}/top_level.txt`,
        'top-level-names',
        `the declared packages (${ctx.declared.packages?.from ?? 'setuptools'})`,
      );
  }

  for (const name of present) {
    if (handled.has(name)) continue;
    judgeLicenseFile(distInfo, name, file(name), reference, ctx, metadata);
  }
}

function recordMetadataFinding(findings: Findings, path: string, finding: ReturnType<typeof judgeCoreMetadata>): void {
  for (const mismatch of finding.mismatches) findings.unexplained(path, 'metadata', mismatch);
  for (const unknown of finding.unknowns) findings.unknown(path, unknown);
  if (finding.mismatches.length === 0 && finding.unknowns.length === 0)
    findings.derived(path, 'core-metadata', finding.derivations.join('; '));
}
export { recordMetadataFinding };

/** WHEEL: a version 1 wheel, a generator, a purelib root, and the tags of the file name exactly. */
function judgeWheelFile(path: string, bytes: Buffer, filename: string, findings: Findings): void {
  const parsed = parseCoreMetadata(bytes);
  const problems: string[] = [];
  const one = (name: string) => values(parsed, name);
  const known = new Set(['wheel-version', 'generator', 'root-is-purelib', 'tag', 'build']);
  for (const header of parsed.headers)
    if (!known.has(header.name.toLowerCase()))
      problems.push(`${header.name}: ${quote(header.value)} is not a WHEEL field`);
  // bdist_wheel writes the fields and a blank line, nothing after: installers skip a body, so text there is unexplained.
  if (parsed.body.replace(/^[\r\n]+|[\r\n]+$/g, '') !== '')
    problems.push(`text after the WHEEL fields (${quote(parsed.body.trim())}), which bdist_wheel never writes`);
  if (one('Wheel-Version').length !== 1 || !/^1\.\d+$/.test(one('Wheel-Version')[0]!.trim()))
    problems.push(`Wheel-Version ${quote(one('Wheel-Version'))} is not a version 1 wheel`);
  if (one('Generator').length !== 1) problems.push('no single Generator');
  else if (!/^[A-Za-z0-9_.-]+ \([0-9][0-9A-Za-z.+!-]*\)$/.test(one('Generator')[0]!.trim()))
    problems.push(
      `Generator ${quote(one('Generator')[0])} is not a build tool and its version ("bdist_wheel (0.38.4)")`,
    );
  if (one('Root-Is-Purelib').length !== 1 || one('Root-Is-Purelib')[0]!.trim() !== 'true')
    problems.push(`Root-Is-Purelib ${quote(one('Root-Is-Purelib'))}: a pure-Python build installs into purelib`);
  const parts = filename.replace(/\.whl$/, '').split('-');
  const [python, abi, platform] = parts.slice(-3) as [string, string, string];
  const expectedTags = python
    .split('.')
    .flatMap((py) => abi.split('.').flatMap((a) => platform.split('.').map((p) => `${py}-${a}-${p}`)))
    .sort();
  const tags = one('Tag')
    .map((t) => t.trim())
    .sort();
  if (tags.join(' ') !== expectedTags.join(' '))
    problems.push(`Tag ${quote(tags)}; the file name says ${quote(expectedTags)}`);
  const build = parts.length === 6 ? parts[2] : undefined;
  if ((one('Build')[0]?.trim() ?? undefined) !== build)
    problems.push(`Build ${quote(one('Build'))}; the file name says ${quote(build ?? 'none')}`);
  if (problems.length > 0) findings.unexplained(path, 'metadata', problems.join('; '));
  else findings.derived(path, 'wheel-file', `the file name's tags; generator ${one('Generator')[0]!.trim()}`);
}

export function judgeEntryPoints(
  path: string,
  bytes: Buffer | undefined,
  declared: Declared,
  findings: Findings,
): void {
  const field = declared.entryPoints;
  if (field && !isKnown(field)) {
    if (bytes) findings.unknown(path, `${field.from}: ${field.unknown}`);
    return;
  }
  const expected = (field?.value ?? []).map(describeEntryPoint).sort();
  if (!bytes) {
    if (expected.length > 0) findings.unexplained(path, 'metadata', `missing; the tag declares ${quote(expected)}`);
    return;
  }
  if (!field) {
    findings.unexplained(
      path,
      'metadata',
      `the tag declares no entry points, and setuptools writes no entry_points.txt then (it holds ${quote(bytes.toString('utf8').slice(0, 200))})`,
    );
    return;
  }
  let found: EntryPoint[];
  try {
    found = parseEntryPoints(bytes.toString('utf8'));
  } catch (error) {
    findings.unexplained(path, 'metadata', error instanceof EntryPointsError ? error.message : String(error));
    return;
  }
  const foundLines = found.map(describeEntryPoint).sort();
  const extra = foundLines.filter((line) => !expected.includes(line));
  const missing = expected.filter((line) => !foundLines.includes(line));
  if (extra.length > 0 || missing.length > 0 || foundLines.length !== expected.length) {
    findings.unexplained(
      path,
      'metadata',
      `entry points the tag does not declare: ${quote(extra)}${missing.length > 0 ? `; declared and missing: ${quote(missing)}` : ''}`,
    );
    return;
  }
  // The same entry points are not enough: every byte is setuptools' rendering of them (a comment or a stray line is read by no one here, but is not what the build wrote).
  const texts = entryPointsTexts(field.value, comparePython);
  if (texts.some((text) => bytes.equals(Buffer.from(text, 'utf8')))) findings.derived(path, 'entry-points', field.from);
  else if (/setup\.py/.test(field.from))
    findings.unknown(
      path,
      `the declared entry points, in other text than setuptools renders them; a string given to setup.py's entry_points is written as it is, which crosscheck does not model (${field.from})`,
    );
  else
    findings.unexplained(
      path,
      'metadata',
      `the declared entry points, but not the text setuptools writes from ${field.from}: ${quote(bytes.toString('utf8').slice(0, 200))}, expected ${quote(texts[0])}`,
    );
}

/**
 * A license file: the reference's file of that path, under `licenses/` (PEP 639, setuptools 77
 * and later) or by its base name (earlier), and one the License-File rules pick.
 */
function judgeLicenseFile(
  distInfo: string,
  name: string,
  mine: Buffer | undefined,
  reference: WheelReference,
  ctx: WheelContext,
  findings: Findings,
): void {
  const path = `${distInfo}/${name}`;
  const relative = name.startsWith('licenses/') ? name.slice('licenses/'.length) : undefined;
  const candidates = ctx.licenseFiles ?? [];
  const source = relative ?? candidates.find((file) => file.split('/').pop() === name);
  if (!source || !(ctx.licenseFiles ?? []).includes(source)) {
    if (!ctx.licenseFiles) findings.unknown(path, 'the license files setuptools picks could not be worked out here');
    else
      findings.unexplained(
        path,
        'only-in-wheel',
        `a file in the metadata directory that nothing the tag declares writes (license files: ${candidates.join(', ') || 'none'})`,
      );
    return;
  }
  const original = reference.read(source);
  if (!original || !mine) {
    findings.unknown(path, `the license file ${source} could not be read to compare`);
    return;
  }
  if (!original.equals(mine)) findings.unexplained(path, 'content', `not the ${reference.label}'s ${source}`);
  else findings.derived(path, 'license-file', `${source} (License-File)`);
}
