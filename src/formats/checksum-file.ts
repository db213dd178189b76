import { IntegrityError } from '../model/errors.js';

export type DigestAlgorithm = 'md5' | 'sha1' | 'sha256';

export interface ChecksumFile {
  /** Project and version as the signed prose states them ("Django", "4.2.28"). */
  project: string;
  version: string;
  releaseDate: string;
  /** URLs from the "Release packages" section, in order. */
  packageUrls: string[];
  /** filename → digest (lower-case hex) per algorithm, from the sections present. */
  digests: Map<string, Partial<Record<DigestAlgorithm, string>>>;
  algorithms: DigestAlgorithm[];
  /** The "Git tag" section, in either of its two forms, when present. */
  gitTag?: { tag: string; commit: string };
}

const SECTION_ALGORITHM: Record<string, DigestAlgorithm> = {
  'MD5 checksums': 'md5',
  'SHA1 checksums': 'sha1',
  'SHA256 checksums': 'sha256',
};
const HEX_LENGTH: Record<DigestAlgorithm, number> = { md5: 32, sha1: 40, sha256: 64 };
const KNOWN_SECTIONS = new Set(['Release packages', 'Git tag', ...Object.keys(SECTION_ALGORITHM)]);
const FILENAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const DECLARATION = / of (\S+) ([0-9][0-9A-Za-z.+!-]*), released ([A-Z][a-z]+ [0-9]{1,2}, [0-9]{4})\./g;

/** The release the signed prose names ("… of Django 4.2.28, released …"), when it names exactly one. */
export function declaredRelease(signedText: string): { project: string; version: string } | undefined {
  const declarations = [...signedText.replace(/\s+/g, ' ').matchAll(DECLARATION)];
  return declarations.length === 1 ? { project: declarations[0]![1]!, version: declarations[0]![2]! } : undefined;
}

const grammar = (message: string, line?: number) =>
  new IntegrityError(
    'CHECKSUM_GRAMMAR',
    line === undefined ? message : `line ${line + 1} of the signed text: ${message}`,
  );

/**
 * Parses the signed text of a checksum file in every format Django has used: "Release packages"
 * with or without a colon, `/m/releases/` or `/download/<v>/…/` URLs, MD5/SHA1/SHA256 sections,
 * and the "Git tag" section as a `<commit>  <tag>` line or as a sentence. Anything it does not
 * recognise is rejected rather than skipped (threat catalog P-04, P-12).
 */
export function parseChecksumFile(signedText: string, requested: { project: string; version: string }): ChecksumFile {
  const lines = signedText.split('\n');
  const nonAscii = lines.findIndex((line) => /[^\x20-\x7e\t]/.test(line));
  if (nonAscii >= 0) throw grammar('holds a non-printable or non-ASCII character', nonAscii);

  const headings: { name: string; line: number }[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    if (/^=+$/.test(lines[i + 1]!) && lines[i]!.trim() !== '') {
      const name = lines[i]!.replace(/:$/, '');
      if (!KNOWN_SECTIONS.has(name)) throw grammar(`unknown section "${name}"`, i);
      if (headings.some((h) => h.name === name)) throw grammar(`section "${name}" appears twice`, i);
      headings.push({ name, line: i });
    }
  }
  if (headings.length === 0) throw grammar('no checksum sections');

  const prose = lines.slice(0, headings[0]!.line).join(' ').replace(/\s+/g, ' ');
  const declarations = [...prose.matchAll(DECLARATION)];
  if (declarations.length !== 1) {
    throw grammar(
      `expected one sentence naming the release ("… of ${requested.project} ${requested.version}, released <date>."), found ${declarations.length}`,
    );
  }
  const [, project, version, releaseDate] = declarations[0]!;
  if (project !== requested.project || version !== requested.version) {
    throw new IntegrityError(
      'CHECKSUM_VERSION_MISMATCH',
      `the signed checksum file is for ${project} ${version}, not ${requested.project} ${requested.version}`,
      {
        expected: `${requested.project} ${requested.version}`,
        actual: `${project} ${version}`,
      },
    );
  }

  const result: ChecksumFile = {
    project: project!,
    version: version!,
    releaseDate: releaseDate!,
    packageUrls: [],
    digests: new Map(),
    algorithms: [],
  };
  for (const [index, heading] of headings.entries()) {
    const end = headings[index + 1]?.line ?? lines.length;
    const body = lines.slice(heading.line + 2, end).map((text, offset) => ({ text, line: heading.line + 2 + offset }));
    const content = body.filter((entry) => entry.text !== '');
    if (heading.name === 'Release packages') {
      for (const { text, line } of content) {
        if (!/^https:\/\/[\x21-\x7e]+$/.test(text) || !parsesAsHttpsUrl(text))
          throw grammar(`"${text}" is not an https URL`, line);
        result.packageUrls.push(text);
      }
    } else if (heading.name === 'Git tag') {
      result.gitTag = parseGitTagSection(content);
    } else {
      const algorithm = SECTION_ALGORITHM[heading.name]!;
      parseDigestSection(algorithm, content, result.digests);
      result.algorithms.push(algorithm);
    }
  }
  if (result.algorithms.length === 0) throw grammar('no checksum sections');
  for (const [filename, digests] of result.digests) {
    const missing = result.algorithms.filter((algorithm) => !digests[algorithm]);
    if (missing.length > 0) throw grammar(`${filename} is missing from the ${missing.join(', ')} section(s)`);
  }
  return result;
}

/**
 * Whether WHATWG URL parsing, which every later use of the URL goes through, accepts `text` as
 * https. The grammar's character class lets through what it refuses (`https://[/x`, a port of
 * 99999): `verify` then stopped the release as an internal error while `verify-file` passed.
 */
function parsesAsHttpsUrl(text: string): boolean {
  try {
    return new URL(text).protocol === 'https:';
  } catch {
    return false;
  }
}

function parseDigestSection(
  algorithm: DigestAlgorithm,
  content: { text: string; line: number }[],
  into: ChecksumFile['digests'],
): void {
  const pattern = new RegExp(`^([0-9a-f]{${HEX_LENGTH[algorithm]}})  (\\S+)$`);
  const seen = new Set<string>();
  for (const { text, line } of content) {
    const match = pattern.exec(text);
    if (!match)
      throw grammar(
        `"${text}" is not "<${HEX_LENGTH[algorithm]} lower-case hex digits>  <filename>" (${algorithm})`,
        line,
      );
    const [, digest, filename] = match;
    if (!FILENAME.test(filename!)) throw grammar(`"${filename}" is not a plain file name`, line);
    if (seen.has(filename!)) {
      throw new IntegrityError(
        'CHECKSUM_DUPLICATE',
        `${filename} is listed twice in the ${algorithm} section (line ${line + 1})`,
        { file: filename! },
      );
    }
    seen.add(filename!);
    const entry = into.get(filename!) ?? {};
    entry[algorithm] = digest!;
    into.set(filename!, entry);
  }
}

function parseGitTagSection(content: { text: string; line: number }[]): { tag: string; commit: string } {
  if (content.length !== 1)
    throw grammar(`the Git tag section must hold exactly one line, found ${content.length}`, content[1]?.line);
  const { text, line } = content[0]!;
  const asLine = /^([0-9a-f]{40}) {2}(\S+)$/.exec(text);
  if (asLine) return { commit: asLine[1]!, tag: asLine[2]! };
  const asSentence = /^The (\S+) tag points to commit ([0-9a-f]{40})\.$/.exec(text);
  if (asSentence) return { tag: asSentence[1]!, commit: asSentence[2]! };
  throw grammar(`"${text}" is neither "<commit>  <tag>" nor "The <tag> tag points to commit <commit>."`, line);
}

/** The strongest algorithm the file offers; SHA-256 is the only one that counts as evidence. */
export function strongestAlgorithm(file: ChecksumFile): DigestAlgorithm {
  for (const algorithm of ['sha256', 'sha1', 'md5'] as const) if (file.algorithms.includes(algorithm)) return algorithm;
  throw grammar('no checksum sections');
}
