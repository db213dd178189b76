import { quote } from '../errors.js';
import type { Difference } from './difference.js';

const CHECK = 'content.wheel-metadata';

/** Core metadata headers (PKG-INFO, METADATA): name → values, in order, up to the first blank line. */
export function parseCoreMetadata(text: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  let last: string | undefined;
  for (const line of text.split('\n')) {
    if (line === '' || line === '\r') break;
    if (/^[ \t]/.test(line) && last) {
      const values = headers.get(last)!;
      values[values.length - 1] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    const values = headers.get(last) ?? [];
    values.push(line.slice(colon + 1).trim());
    headers.set(last, values);
  }
  return headers;
}

/** The fields that decide what pip installs and which dependencies it pulls. */
export const COMPARED_FIELDS = ['name', 'version', 'requires-dist', 'requires-python', 'provides-extra'];

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

export interface MetadataInput {
  distInfo: string;
  metadata?: Buffer;
  pkgInfo?: Buffer;
  wheelFile?: Buffer;
  wheelEntryPoints?: Buffer;
  sdistEntryPoints?: Buffer;
  project: string;
  version: string;
}

/**
 * The wheel's METADATA must agree with the sdist's PKG-INFO on what decides an install; its
 * name and version must be the release's; its WHEEL file must be a version 1 wheel; its entry
 * points must be the sdist's (a console script added only to the wheel would otherwise pass).
 */
export function compareMetadata(input: MetadataInput): Difference[] {
  const differences: Difference[] = [];
  const add = (path: string, detail: string) => differences.push({ check: CHECK, path, kind: 'metadata', digests: {}, allowed: false, detail });
  const metadataPath = `${input.distInfo}/METADATA`;
  if (!input.metadata) add(metadataPath, 'the wheel has no METADATA');
  if (!input.pkgInfo) add('PKG-INFO', 'the sdist has no PKG-INFO to compare with');
  if (input.metadata && input.pkgInfo) {
    const wheel = parseCoreMetadata(input.metadata.toString('utf8'));
    const sdist = parseCoreMetadata(input.pkgInfo.toString('utf8'));
    for (const field of COMPARED_FIELDS) {
      const a = [...(wheel.get(field) ?? [])].sort();
      const b = [...(sdist.get(field) ?? [])].sort();
      if (a.join('\n') === b.join('\n')) continue;
      // Only what differs: a field can list dozens of requirements, and the one that differs is what to act on.
      const onlyInWheel = a.filter((value) => !b.includes(value));
      const onlyInSdist = b.filter((value) => !a.includes(value));
      add(
        metadataPath,
        onlyInWheel.length + onlyInSdist.length > 0
          ? `${field}: only in METADATA ${quote(onlyInWheel)}, only in PKG-INFO ${quote(onlyInSdist)}`
          : `${field}: the same values, listed ${a.length} times in METADATA and ${b.length} in PKG-INFO`,
      );
    }
    const name = wheel.get('name')?.[0] ?? '';
    const version = wheel.get('version')?.[0] ?? '';
    if (normalizeName(name) !== normalizeName(input.project)) add(metadataPath, `Name is ${quote(name)}, not ${input.project}`);
    if (version !== input.version) add(metadataPath, `Version is ${quote(version)}, not ${input.version}`);
  }
  const wheelPath = `${input.distInfo}/WHEEL`;
  if (!input.wheelFile) add(wheelPath, 'the wheel has no WHEEL file');
  else {
    const wheelVersion = parseCoreMetadata(input.wheelFile.toString('utf8')).get('wheel-version')?.[0] ?? '';
    if (!/^1\.\d+$/.test(wheelVersion)) add(wheelPath, `Wheel-Version ${quote(wheelVersion)} is not a version 1 wheel`);
  }
  const normalizedEntryPoints = (bytes: Buffer | undefined) => bytes?.toString('utf8').split('\n').map((l) => l.trim()).filter(Boolean).join('\n');
  if (normalizedEntryPoints(input.wheelEntryPoints) !== normalizedEntryPoints(input.sdistEntryPoints)) {
    add(`${input.distInfo}/entry_points.txt`, 'entry points differ from the sdist\'s egg-info entry_points.txt');
  }
  return differences;
}
