import { type Declared, isKnown } from './declared.js';
import { fnmatchToRegExp } from './packages.js';
import type { ManifestFates } from './sdist.js';
import type { TagFiles } from './tag-files.js';

/** setuptools' default license_files patterns (56.0 and later), matched at the project's root. */
const DEFAULT_LICENSE_PATTERNS = ['LICEN[CS]E*', 'COPYING*', 'NOTICE*', 'AUTHORS*'];

/**
 * The license files setuptools records (License-File) and puts in the wheel: the declared paths
 * or patterns (PEP 639 license-files, setup.cfg license_files or license_file), else the default
 * patterns; each pattern's matches sorted, first occurrence kept, files only (`_finalize_license_files`).
 */
export function licenseFilesOf(paths: readonly string[], declared: Declared): string[] | undefined {
  const field = declared.licenseFiles;
  if (field && !isKnown(field)) return undefined;
  const patterns = field?.value ?? DEFAULT_LICENSE_PATTERNS;
  const files = new Set(paths);
  const result: string[] = [];
  for (const pattern of patterns) {
    const segments = pattern.split('/');
    const matchers = segments.map(fnmatchToRegExp);
    const matches = [...files].filter((path) => {
      const parts = path.split('/');
      return parts.length === segments.length && parts.every((part, i) => matchers[i]!.test(part) && !(part.startsWith('.') && !segments[i]!.startsWith('.')));
    });
    for (const path of matches.sort()) if (!result.includes(path) && !path.endsWith('~')) result.push(path);
  }
  return result;
}

/** Which tag files setuptools puts in the sdist (MANIFEST.in and the defaults of its era). */
export function sdistFileFates(tag: TagFiles, declared: Declared, context: { release: string; read(path: string): Buffer | undefined }): ManifestFates {
  void tag;
  void declared;
  void context;
  return { unknown: 'MANIFEST.in is not applied yet' };
}
