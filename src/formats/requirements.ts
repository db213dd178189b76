/**
 * Dependency declarations (PEP 508 requirement strings) read exactly as packaging 23.0's
 * `Requirement` reads them, and put in a canonical form for comparison.
 *
 * Why: a poisoned build can add a dependency to PKG-INFO, requires.txt or a wheel's METADATA.
 * crosscheck recomputes those fields from what the signed tag declares and compares them; each
 * era of setuptools and wheel prints the same requirement differently (`asgiref >= 3.3.2, < 4`
 * becomes `asgiref<4,>=3.3.2`, single quotes become double), so the comparison is of meaning,
 * not text. What packaging refuses is refused here, so that nothing an installer would read
 * differently (or not at all) is taken as equal.
 */
import {
  canonicalMarkerString,
  canonicalizeName,
  markerWithExtra,
  packagingMarkerString,
  type MarkerGroup,
} from './markers.js';
import { canonicalizeVersion, parseSpecifier, type VersionSpecifier } from './pep440.js';
import { parseRequirementSyntax, Pep508SyntaxError } from './pep508-parser.js';
import { comparePython, pythonLower, pythonStrip } from './python-text.js';
import { PythonUrlError, pythonUrlsplit, pythonUrlunsplit } from './python-url.js';

export type { MarkerComparison, MarkerGroup, MarkerItem, MarkerOperand, MarkerOperator } from './markers.js';
export type { SpecifierOperator, VersionSpecifier } from './pep440.js';
export { canonicalizeName, markerWithExtra } from './markers.js';

/** SYNTAX: not PEP 508 as packaging parses it; URL: a URL packaging refuses; SPECIFIER: a bad version specifier. */
export type RequirementErrorReason = 'SYNTAX' | 'URL' | 'SPECIFIER';

export class RequirementError extends Error {
  constructor(
    readonly reason: RequirementErrorReason,
    message: string,
    readonly input: string,
    /** Where in the input the parser stopped, for SYNTAX. */
    readonly position: number | null = null,
  ) {
    super(message);
    this.name = 'RequirementError';
  }
}

export interface Requirement {
  /** The name as written (packaging keeps it so; canonicalRequirement normalizes it). */
  readonly name: string;
  /** As written, in order, repeats included. */
  readonly extras: readonly string[];
  /** As written, in order, repeats included (SpecifierSet's set semantics are applied when printing). */
  readonly specifiers: readonly VersionSpecifier[];
  readonly url: string | null;
  /** As parsed: packaging's first-comparison extra normalization is applied only when printing its form. */
  readonly marker: MarkerGroup | null;
}

/** A URL as `Requirement.__init__` checks it: file: URLs must round-trip; others need a scheme and a host. */
function checkUrl(url: string, input: string): void {
  let parts;
  try {
    parts = pythonUrlsplit(url);
  } catch (error) {
    if (error instanceof PythonUrlError)
      throw new RequirementError('URL', `Invalid URL ${JSON.stringify(url)}: ${error.message}`, input);
    throw error;
  }
  if (parts.scheme === 'file') {
    if (pythonUrlunsplit(parts) !== url)
      throw new RequirementError(
        'URL',
        `Invalid URL ${JSON.stringify(url)}: a file: URL that does not read back the same`,
        input,
      );
  } else if (!parts.scheme || !parts.netloc) {
    throw new RequirementError('URL', `Invalid URL ${JSON.stringify(url)}: a scheme and a host are required`, input);
  }
}

/** SpecifierSet(text): comma-separated, blanks skipped, each one a valid Specifier. */
function parseSpecifierSet(text: string, input: string): VersionSpecifier[] {
  const specifiers: VersionSpecifier[] = [];
  for (const piece of text.split(',')) {
    const stripped = pythonStrip(piece);
    if (!stripped) continue;
    const specifier = parseSpecifier(stripped);
    if (!specifier) throw new RequirementError('SPECIFIER', `Invalid specifier: ${JSON.stringify(stripped)}`, input);
    specifiers.push(specifier);
  }
  return specifiers;
}

/** packaging.requirements.Requirement(text), or a RequirementError where it raises. */
export function parseRequirement(text: string): Requirement {
  let parsed;
  try {
    parsed = parseRequirementSyntax(text);
  } catch (error) {
    if (error instanceof Pep508SyntaxError)
      throw new RequirementError('SYNTAX', `${error.message} (at character ${error.position})`, text, error.position);
    throw error;
  }
  if (parsed.url) checkUrl(parsed.url, text);
  return {
    name: parsed.name,
    extras: parsed.extras,
    specifiers: parseSpecifierSet(parsed.specifier, text),
    url: parsed.url || null,
    marker: parsed.marker,
  };
}

/** Specifier._canonical_spec: what SpecifierSet's set and equality go by. */
function packagingSpecifierKey(s: VersionSpecifier): string {
  return `${s.operator}${canonicalizeVersion(s.version, s.operator !== '~=')}`;
}

/** The members of a SpecifierSet: the first of each group of equal specifiers, as a Python set keeps it. */
export function specifierSetMembers(
  specifiers: readonly VersionSpecifier[],
  key = packagingSpecifierKey,
): VersionSpecifier[] {
  const seen = new Map<string, VersionSpecifier>();
  for (const s of specifiers) if (!seen.has(key(s))) seen.set(key(s), s);
  return [...seen.values()];
}

const sortedUnique = (values: Iterable<string>): string[] => [...new Set(values)].sort(comparePython);

/** The layout of `Requirement.__str__`, given its printed parts. */
function layout(
  name: string,
  extras: readonly string[],
  specifiers: readonly string[],
  url: string | null,
  marker: string | null,
): string {
  let text = name;
  if (extras.length > 0) text += `[${extras.join(',')}]`;
  if (specifiers.length > 0) text += specifiers.join(',');
  if (url) text += `@ ${url}${marker !== null ? ' ' : ''}`;
  if (marker !== null) text += `; ${marker}`;
  return text;
}

/** Exactly `str(packaging.requirements.Requirement(text))` for packaging 23.0. */
export function packagingRequirementString(req: Requirement): string {
  const specifiers = specifierSetMembers(req.specifiers).map((s) => `${s.operator}${s.version}`);
  return layout(
    req.name,
    sortedUnique(req.extras),
    specifiers.sort(comparePython),
    req.url,
    req.marker ? packagingMarkerString(req.marker) : null,
  );
}

/**
 * A specifier as the canonical form writes it: packaging's `_canonical_spec` (`>=1.0` is
 * `>=1`; `~=` keeps its zeros, which change its meaning), except that `===` keeps its text,
 * lower-cased: it matches a version string exactly (ignoring case), so `===1.0` and
 * `===1.0.0` are different even though packaging's equality says otherwise.
 */
function canonicalSpecifier(s: VersionSpecifier): string {
  return s.operator === '===' ? `===${pythonLower(s.version)}` : packagingSpecifierKey(s);
}

/**
 * The form two requirements are compared in: equal exactly when they mean the same to an
 * installer. It is `str(Requirement)` with the name and extras normalized (PEP 503, PEP 685),
 * each member of the SpecifierSet (packaging's set: of specifiers it counts equal, the first
 * written) in packaging's canonical form, sorted, and the marker in the canonical
 * form of markers.ts (which differs from `str(Marker)` only where that is ambiguous).
 */
export function canonicalRequirement(req: Requirement): string {
  return layout(
    canonicalizeName(req.name),
    sortedUnique(req.extras.map(canonicalizeName)),
    sortedUnique(specifierSetMembers(req.specifiers).map(canonicalSpecifier)),
    req.url,
    req.marker ? canonicalMarkerString(req.marker) : null,
  );
}

/** The requirement as it stands in an extra: its marker becomes `(marker) and extra == "name"`. */
export function requirementForExtra(req: Requirement, extra: string): Requirement {
  return { ...req, marker: markerWithExtra(req.marker, extra) };
}

export interface RequirementSetDifference {
  /** Canonical forms declared by the tag and missing from what was found. */
  readonly onlyDeclared: readonly string[];
  /** Canonical forms found in the artifact and not declared: what a poisoned build adds. */
  readonly onlyFound: readonly string[];
}

/** What is only on each side, as canonical strings (sorted), to name in a message. */
export function compareRequirementSets(
  declared: readonly Requirement[],
  found: readonly Requirement[],
): RequirementSetDifference {
  const left = new Set(declared.map(canonicalRequirement));
  const right = new Set(found.map(canonicalRequirement));
  return {
    onlyDeclared: [...left].filter((c) => !right.has(c)).sort(comparePython),
    onlyFound: [...right].filter((c) => !left.has(c)).sort(comparePython),
  };
}
