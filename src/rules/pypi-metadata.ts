import { type Check, fail, pass, unverified } from '../model/check.js';
import { parseCoreMetadata, values } from '../formats/core-metadata.js';
import type { PypiDeclaredMetadata } from '../formats/pypi-json.js';
import { canonicalRequirement, parseRequirement } from '../formats/requirements.js';

/** A metadata file the content rules hold to the tag: a wheel's METADATA or an sdist's PKG-INFO. */
export interface MetadataReference {
  /** How a message names it: "METADATA of django-5.2.16-py3-none-any.whl". */
  what: string;
  bytes: Buffer;
}

const FIELDS = { id: 'pypi.release.requirements', channel: 'pypi' as const };

/**
 * What PyPI's JSON declares of the release's requirements, against the release's own metadata.
 * Resolvers such as Poetry take `requires_dist` and `requires_python` from the JSON without opening
 * a file, so a dependency added there (or a security floor dropped) would be installed although
 * every file is genuine. The JSON must say what one of the release's checked metadata files says
 * (warehouse takes it from the first file uploaded); null — PyPI declares nothing — sends resolvers
 * to the files themselves.
 */
export function pypiDeclaredMetadataCheck(
  declared: PypiDeclaredMetadata,
  references: readonly MetadataReference[],
  url: string,
): Check {
  const fields = { ...FIELDS, url };
  if (declared.requiresDist === null && declared.requiresPython === null) {
    return pass(fields, "PyPI's JSON declares no requirements of its own: installers read them from the checked files");
  }
  if (references.length === 0) {
    return unverified(
      {
        ...fields,
        reason: 'PYPI_METADATA_UNCHECKED',
        remedy: 'see the archive checks, fix what they report, and run again',
      },
      "no file's metadata could be read to compare the requirements PyPI's JSON declares with",
    );
  }
  const found = requirementsOf(declared);
  const described = references.map((reference) => ({ reference, says: said(reference.bytes, declared) }));
  const match = described.find(({ says }) => says !== undefined && same(says, found));
  if (match) {
    return pass(
      { ...fields, expected: show(found) },
      `the requirements PyPI's JSON declares are those of the ${match.reference.what}: ${show(found)}`,
    );
  }
  const first = described[0]!;
  return fail(
    {
      ...fields,
      reason: 'PYPI_METADATA_MISMATCH',
      expected: first.says ? show(first.says) : 'unreadable',
      actual: show(found),
    },
    `PyPI's JSON declares ${show(found)}, but the ${first.reference.what} says ${first.says ? show(first.says) : 'nothing readable'}: a resolver reading the JSON would install other requirements than the release declares`,
  );
}

interface Requirements {
  /** Canonical Requires-Dist, sorted; undefined when PyPI does not declare them (then not compared). */
  dist?: string[];
  python?: string;
}

function requirementsOf(declared: PypiDeclaredMetadata): Requirements {
  return {
    ...(declared.requiresDist !== null ? { dist: declared.requiresDist.map(canonical).sort() } : {}),
    ...(declared.requiresPython !== null ? { python: declared.requiresPython.replace(/\s+/g, '') } : {}),
  };
}

/** What a metadata file says of the fields PyPI declares; undefined when it cannot be read. */
function said(bytes: Buffer, declared: PypiDeclaredMetadata): Requirements | undefined {
  try {
    const metadata = parseCoreMetadata(bytes);
    const python = values(metadata, 'Requires-Python')[0]?.replace(/\s+/g, '') ?? '';
    return {
      ...(declared.requiresDist !== null ? { dist: values(metadata, 'Requires-Dist').map(canonical).sort() } : {}),
      ...(declared.requiresPython !== null ? { python } : {}),
    };
  } catch {
    return undefined;
  }
}

/** A requirement in canonical form; one crosscheck cannot read is compared as written. */
function canonical(text: string): string {
  try {
    return canonicalRequirement(parseRequirement(text));
  } catch {
    return text.trim();
  }
}

function same(a: Requirements, b: Requirements): boolean {
  return a.python === b.python && JSON.stringify(a.dist) === JSON.stringify(b.dist);
}

function show(r: Requirements): string {
  const parts = [];
  if (r.dist) parts.push(`Requires-Dist ${r.dist.length === 0 ? '(none)' : r.dist.join('; ')}`);
  if (r.python !== undefined) parts.push(`Requires-Python ${r.python === '' ? '(none)' : r.python}`);
  return parts.join(', ');
}
