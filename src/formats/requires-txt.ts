/**
 * setuptools' `*.egg-info/requires.txt`, and the Requires-Dist/Provides-Extra lines that
 * bdist_wheel (wheel 0.38's metadata.py) writes from it.
 *
 * setuptools writes install_requires first, then one `[section]` per extra, sorted; a
 * requirement's marker is moved into the header: `[:marker]` for install_requires,
 * `[extra:marker]` for an extra (dist.py `_move_install_requirements_markers`,
 * `_convert_extras_requirements`; egg_info.py `write_requirements`). Readers split it with
 * pkg_resources' `split_sections` (stripped lines, blank and `#` lines skipped). wheel sorts
 * the sections by header, re-parses each line with pkg_resources (packaging 21.3), drops the
 * line's own marker, and writes `name[extras] (specifiers) ; (condition) and extra == 'x'`,
 * copying the condition's text as it stands in the header.
 *
 * Where the tools that read the file disagree, the file is refused rather than read one way:
 * an empty header (`[]`, which wheel reads as install_requires and pkg_resources ignores), a
 * marker on a line (which pkg_resources keeps and wheel drops), a header condition that is not
 * a whole marker (wheel pastes it into parentheses, so `a) or (b` would change the meaning), a
 * line continued with a backslash, and what packaging 21.3 refuses and 23.0 accepts (a name or
 * extra ending in `.`, `-` or `_`, a trailing comma among the specifiers).
 */
import { canonicalizeVersion, preReleaseLetters, type VersionSpecifier } from './pep440.js';
import { parseMarkerSyntax, parseRequirementSyntax, Pep508SyntaxError } from './pep508-parser.js';
import type { MarkerGroup } from './markers.js';
import { comparePython, pythonSplitlines, pythonStrip } from './python-text.js';
import {
  parseRequirement,
  RequirementError,
  requirementForExtra,
  specifierSetMembers,
  type Requirement,
} from './requirements.js';

export type RequiresTxtErrorReason =
  'SECTION' | 'MARKER' | 'REQUIREMENT' | 'LINE_MARKER' | 'CONTINUATION' | 'LEGACY_PARSER';

export class RequiresTxtError extends Error {
  constructor(
    readonly reason: RequiresTxtErrorReason,
    message: string,
    /** The line's number (1-based, as str.splitlines() counts lines) and its stripped text. */
    readonly line: number,
    readonly text: string,
    options?: { cause?: unknown },
  ) {
    super(`requires.txt line ${line} ${JSON.stringify(text)}: ${message}`, options);
    this.name = 'RequiresTxtError';
  }
}

export interface RequiresTxtSection {
  /** The header between its brackets, stripped; null for the lines before any header. */
  readonly header: string | null;
  /** `safe_extra` of the header before its first `:`; null when that is empty. */
  readonly extra: string | null;
  /** The header after its first `:` as written (wheel copies it), null when empty or absent. */
  readonly condition: string | null;
  readonly marker: MarkerGroup | null;
  readonly requirements: readonly Requirement[];
}

export interface RequiresTxtEntry {
  /** The line's requirement (it has no marker of its own: that is refused). */
  readonly requirement: Requirement;
  readonly extra?: string;
  readonly marker?: MarkerGroup;
}

export interface RequiresTxt {
  readonly sections: readonly RequiresTxtSection[];
  readonly entries: readonly RequiresTxtEntry[];
}

export interface CoreMetadataField {
  readonly name: 'Provides-Extra' | 'Requires-Dist';
  readonly value: string;
}

/** pkg_resources.safe_name. */
export const safeName = (name: string): string => name.replace(/[^A-Za-z0-9.]+/g, '-');

/** pkg_resources.safe_extra. */
export const safeExtra = (extra: string): string => extra.replace(/[^A-Za-z0-9.-]+/g, '_').toLowerCase();

interface Line {
  readonly number: number;
  readonly text: string;
}

/** yield_lines: stripped, blank lines and lines starting with `#` skipped (numbered as in the file). */
function keptLines(text: string): Line[] {
  return pythonSplitlines(text)
    .map((line, index) => ({ number: index + 1, text: pythonStrip(line) }))
    .filter((line) => line.text !== '' && !line.text.startsWith('#'));
}

/** A whole marker (packaging's Marker() ignores what follows one; here nothing may). */
function parseCondition(condition: string, line: Line): MarkerGroup {
  try {
    return parseMarkerSyntax(condition);
  } catch (error) {
    if (error instanceof Pep508SyntaxError)
      throw new RequiresTxtError(
        'MARKER',
        `the header's condition is not a marker: ${error.message}`,
        line.number,
        line.text,
        { cause: error },
      );
    throw error;
  }
}

function parseHeader(line: Line): Omit<RequiresTxtSection, 'requirements'> {
  if (!line.text.endsWith(']'))
    throw new RequiresTxtError('SECTION', 'invalid section heading', line.number, line.text);
  const header = pythonStrip(line.text.slice(1, -1));
  if (header === '')
    throw new RequiresTxtError(
      'SECTION',
      'an empty section header (wheel reads it as install_requires, pkg_resources ignores it)',
      line.number,
      line.text,
    );
  const colon = header.indexOf(':');
  const extraText = colon < 0 ? header : header.slice(0, colon);
  const condition = colon < 0 ? '' : header.slice(colon + 1);
  return {
    header,
    extra: extraText ? safeExtra(extraText) : null,
    condition: condition || null,
    marker: condition ? parseCondition(condition, line) : null,
  };
}

/**
 * What packaging 21.3 (wheel's pkg_resources) refuses among what 23.0 accepts, found by the
 * differential test: its grammar wants names and extras to end in a letter or digit and no
 * comma after the last specifier; its `===` version runs to the next whitespace, through commas
 * and parentheses; and its `~=` pattern tries `a` before `alpha` (`b` before `beta`, `pre`
 * before `preview`) and is not anchored, so a spelled-out pre-release leaves text unread.
 */
function legacyParserObjection(text: string, req: Requirement): string | null {
  if (!/[A-Za-z0-9]$/.test(req.name)) return 'a name ending in punctuation';
  if (req.extras.some((e) => !/[A-Za-z0-9]$/.test(e))) return 'an extra ending in punctuation';
  if (parseRequirementSyntax(text).specifier.endsWith(',')) return 'a trailing comma after the specifiers';
  if (req.specifiers.some((s) => s.operator === '===')) return 'an arbitrary-equality (===) specifier';
  if (req.specifiers.some((s) => s.operator === '~=' && (preReleaseLetters(s.version)?.length ?? 0) > 3))
    return 'a ~= version with its pre-release spelled out (alpha, beta, preview)';
  return null;
}

/** One requirement line, as wheel reads it: `drop_comment`, no continuation, no marker. */
function parseLine(line: Line): Requirement {
  const text = line.text.split(' #')[0]!;
  if (text.endsWith('\\'))
    throw new RequiresTxtError('CONTINUATION', 'a line continued with a backslash', line.number, line.text);
  let req: Requirement;
  try {
    req = parseRequirement(text);
  } catch (error) {
    if (error instanceof RequirementError)
      throw new RequiresTxtError('REQUIREMENT', error.message, line.number, line.text, { cause: error });
    throw error;
  }
  if (req.marker)
    throw new RequiresTxtError(
      'LINE_MARKER',
      'a marker on a requirement line (wheel drops it; setuptools writes markers in the section header)',
      line.number,
      line.text,
    );
  const objection = legacyParserObjection(text, req);
  if (objection)
    throw new RequiresTxtError(
      'LEGACY_PARSER',
      `${objection}, which wheel's pkg_resources cannot parse`,
      line.number,
      line.text,
    );
  return req;
}

const NO_HEADER = { header: null, extra: null, condition: null, marker: null } as const;

/** split_sections, each line parsed; the lines before any header form a section of their own. */
function splitSections(lines: readonly Line[]): RequiresTxtSection[] {
  const sections: RequiresTxtSection[] = [];
  let current: Omit<RequiresTxtSection, 'requirements'> = NO_HEADER;
  let requirements: Requirement[] = [];
  const close = (): void => {
    if (current.header !== null || requirements.length > 0) sections.push({ ...current, requirements });
  };
  for (const line of lines) {
    if (!line.text.startsWith('[')) {
      requirements.push(parseLine(line));
      continue;
    }
    close();
    current = parseHeader(line);
    requirements = [];
  }
  close();
  return sections;
}

/** Reads a requires.txt (as text: decode it as UTF-8 first). Throws RequiresTxtError. */
export function parseRequiresTxt(text: string): RequiresTxt {
  const sections = splitSections(keptLines(text));
  const entries = sections.flatMap((s) =>
    s.requirements.map((requirement): RequiresTxtEntry => ({
      requirement,
      ...(s.extra !== null ? { extra: s.extra } : {}),
      ...(s.marker !== null ? { marker: s.marker } : {}),
    })),
  );
  return { sections, entries };
}

/** The requirements as an installer sees them: a section's condition and extra become the marker. */
export function requiresTxtRequirements(txt: RequiresTxt): Requirement[] {
  return txt.entries.map((e) => {
    const req = { ...e.requirement, marker: e.marker ?? null };
    return e.extra !== undefined ? requirementForExtra(req, e.extra) : req;
  });
}

/** packaging 21.3's Specifier._canonical_spec, which strips trailing zeros for `~=` too. */
const legacySpecifierKey = (s: VersionSpecifier): string => `${s.operator}${canonicalizeVersion(s.version, true)}`;

/** wheel's convert_requirements for one line: `project_name[extras] (specs)` or `... @ url`. */
function requiresDistValue(req: Requirement): string {
  const extras = [...new Set(req.extras)].map(safeExtra).sort(comparePython);
  let value = safeName(req.name) + (extras.length > 0 ? `[${extras.join(',')}]` : '');
  if (req.url) return `${value} @ ${req.url}`;
  const specs = specifierSetMembers(req.specifiers, legacySpecifierKey).map((s) => `${s.operator}${s.version}`);
  if (specs.length > 0) value += ` (${specs.sort(comparePython).join(',')})`;
  return value;
}

/** generate_requirements for one section. */
function sectionFields(section: RequiresTxtSection): CoreMetadataField[] {
  const fields: CoreMetadataField[] = [];
  let condition = section.condition ?? '';
  if (section.extra !== null) {
    fields.push({ name: 'Provides-Extra', value: section.extra });
    condition = `${condition ? `(${condition}) and ` : ''}extra == '${section.extra}'`;
  }
  const suffix = condition ? ` ; ${condition}` : '';
  for (const req of section.requirements)
    fields.push({ name: 'Requires-Dist', value: requiresDistValue(req) + suffix });
  return fields;
}

/**
 * The Provides-Extra and Requires-Dist fields, in order, that wheel's `pkginfo_to_metadata`
 * writes into METADATA from this requires.txt: sections sorted by header (install_requires
 * first), each field once.
 */
export function requiresDistFromRequiresTxt(txt: RequiresTxt): CoreMetadataField[] {
  const sorted = [...txt.sections].sort((a, b) => comparePython(a.header ?? '', b.header ?? ''));
  const seen = new Set<string>();
  const fields: CoreMetadataField[] = [];
  for (const field of sorted.flatMap(sectionFields)) {
    const key = `${field.name}\n${field.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    fields.push(field);
  }
  return fields;
}
