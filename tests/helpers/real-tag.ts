import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ArchiveListing } from '../../src/formats/archive/member.js';
import { readSdist } from '../../src/formats/archive/sdist.js';
import { DEFAULT_LIMITS } from '../../src/model/limits.js';
import type { TreeEntry } from '../../src/rules/content/tag-files.js';
import { REAL, ROOT } from './paths.js';

/** The four real Django sdists get-django-sdists.sh fetches, with the tree listing each is compared with. */
/**
 * `tagged` is the tag's date: from tags/INDEX.tsv for 2.2.28 and 3.2.25 (their tag objects give the
 * time); for 4.2.28 the release day its signed checksum file states; for 5.2.17, whose tag is not
 * among the facts, the release day its release notes state, on which its sdist's members were
 * written (2.2.28's and 3.2.25's sdists were built minutes before their tags).
 */
export const REAL_RELEASES = {
  '2.2.28': { file: 'Django-2.2.28.tar.gz', top: 'Django-2.2.28', tree: '2.2.28', exact: true, tagged: '2022-04-11' },
  '3.2.25': { file: 'Django-3.2.25.tar.gz', top: 'Django-3.2.25', tree: '3.2.25', exact: true, tagged: '2024-03-04' },
  // The tree listings at hand are of 4.2.27 and 5.2.10: their layout (git-only files, symlinks) with the sdist's own files.
  '4.2.28': { file: 'django-4.2.28.tar.gz', top: 'django-4.2.28', tree: '4.2.27', exact: false, tagged: '2026-02-03' },
  '5.2.17': { file: 'django-5.2.17.tar.gz', top: 'django-5.2.17', tree: '5.2.10', exact: false, tagged: '2026-08-04' },
} as const;
export type RealVersion = keyof typeof REAL_RELEASES;

export function realSdistPath(version: RealVersion): string | undefined {
  const dir = process.env.CROSSCHECK_REAL_SDISTS ?? join(ROOT, '.cache', 'real-sdists');
  const path = join(dir, REAL_RELEASES[version].file);
  return existsSync(path) ? path : undefined;
}

export function blobId(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** `git ls-tree -r` lines of fixtures/real/trees/<v>.tsv. */
export function treeListing(name: string): TreeEntry[] {
  return readFileSync(join(REAL, 'trees', `${name}.tsv`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [meta, path] = line.split('\t') as [string, string];
      const [mode, type, oid] = meta.split(' ') as [string, string, string];
      return { mode, type, oid, path };
    });
}

/** Reads a real sdist keeping every file's bytes that the content rules may read (all small files). */
export function readRealSdist(
  path: string,
  keepAll = (p: string) => !/\.(png|jpg|gif|mo|woff2?|ttf|eot|ico|svgz|zip|gz)$/i.test(p),
): Promise<ArchiveListing> {
  return readSdist(createReadStream(path), { ...DEFAULT_LIMITS }, keepAll);
}

/**
 * A tag for a real sdist: the entries of the tree listing, and the blobs the rules read. For 2.2.28
 * and 3.2.25 the listing is the tag's own, and every blob handed over is authenticated by its id:
 * the sdist's files, the symlinks' targets, and git's setup.cfg rebuilt from the sdist's by undoing
 * egg_info's rewrite. For 4.2.28 and 5.2.17 the tree is the sdist's own files in the listed
 * layout: the symlinks and git-only files of the listing, every other file as the sdist has it.
 */
export function realTag(
  version: RealVersion,
  listing: ArchiveListing,
): { entries: TreeEntry[]; blobs: Map<string, Buffer>; taggedAt: number } {
  const release = REAL_RELEASES[version];
  const prefix = `${release.top}/`;
  const sdistFiles = new Map(
    listing.members
      .filter((m) => m.type === 'file' && m.path.startsWith(prefix))
      .map((m) => [m.path.slice(prefix.length), m]),
  );
  const blobs = new Map<string, Buffer>();
  for (const [path, member] of sdistFiles) {
    const bytes = listing.kept.get(prefix + path);
    if (bytes) blobs.set(member.blobId, bytes);
  }
  const listed = treeListing(release.tree);
  const generated = (path: string) => path === 'PKG-INFO' || path.startsWith('Django.egg-info/');
  let entries: TreeEntry[];
  if (release.exact) {
    entries = listed;
  } else {
    const layoutOnly = listed.filter((e) => e.mode === '120000' || (!sdistFiles.has(e.path) && e.path !== 'setup.cfg'));
    const layoutPaths = new Set(layoutOnly.map((e) => e.path));
    const fromSdist = [...sdistFiles]
      .filter(([path]) => !generated(path) && path !== 'setup.cfg' && !layoutPaths.has(path))
      .map(([path, m]) => ({ mode: (m.mode & 0o111) !== 0 ? '100755' : '100644', type: 'blob', oid: m.blobId, path }));
    entries = [...layoutOnly, ...fromSdist].sort((a, b) => (a.path < b.path ? -1 : 1));
  }
  for (const entry of entries.filter((e) => e.mode === '120000')) {
    const target = Buffer.from(`../../djangodocs/static/${entry.path.split('/').pop()}`);
    if (blobId(target) !== entry.oid) throw new Error(`the target of ${entry.path} is not what the listing says`);
    blobs.set(entry.oid, target);
  }
  const setupCfg = entries.find((e) => e.path === 'setup.cfg');
  if (setupCfg) {
    const rebuilt = gitSetupCfg(version, listing.kept.get(`${prefix}setup.cfg`)!);
    if (blobId(rebuilt) !== setupCfg.oid)
      throw new Error(`git's setup.cfg of ${version} could not be rebuilt from the sdist's`);
    blobs.set(setupCfg.oid, rebuilt);
  }
  return { entries, blobs, taggedAt: realTaggedAt(version) };
}

/** The tagger's time of the real tag object where it is among the facts (tags/<v>.tag), else noon of `tagged`. */
export function realTaggedAt(version: RealVersion): number {
  const path = join(REAL, 'tags', `${version}.tag`);
  const tagger = existsSync(path) ? /^tagger .*> ([0-9]+) [+-][0-9]{4}$/m.exec(readFileSync(path, 'utf8')) : null;
  if (tagger) {
    if (new Date(Number(tagger[1]) * 1000).toISOString().slice(0, 10) !== REAL_RELEASES[version].tagged)
      throw new Error(`the tag ${version} is not dated ${REAL_RELEASES[version].tagged}`);
    return Number(tagger[1]);
  }
  return Date.parse(`${REAL_RELEASES[version].tagged}T12:00:00Z`) / 1000;
}

/** Undoes egg_info's rewrite of setup.cfg for the two exact tags (checked by blob id by the caller). */
function gitSetupCfg(version: RealVersion, sdist: Buffer): Buffer {
  const text = sdist.toString().split('\n[egg_info]')[0]!;
  if (version === '2.2.28') return Buffer.from(`${text.replace(/\n+$/, '')}\n`);
  return Buffer.from(
    text
      .replace(/\t/g, '    ')
      .replace(/ +\n/g, '\n')
      .replace(
        'packages = find:\n',
        'packages = find:\n# When the django-admin.py deprecation ends, remove "scripts".\n',
      )
      .replace(/\n+$/, '\n'),
  );
}
