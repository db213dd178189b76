import { quote, UsageError } from '../model/errors.js';
import type { Profile, Versioned } from './types.js';
import { specifierProblem } from './versions.js';

// PEP 508's project name.
const PROJECT_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

/**
 * Every field is checked for its type when the profile loads: a field of the wrong type used to
 * surface mid-run as an "internal error" in every release, or, worse, as a rule that silently
 * never applied (an unknown comparison kind, a "when" the PEP 440 library cannot read).
 */
export function validateProfile(profile: Profile, path: string): void {
  const problem = (what: string) => new UsageError(`${path}: ${what}`);
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
  const isTextList = (value: unknown): value is string[] =>
    Array.isArray(value) && value.length > 0 && value.every(isText);
  const isUrl = (value: unknown) => isText(value) && URL.canParse(value);
  const list = (value: unknown, what: string): unknown[] => {
    if (!Array.isArray(value)) throw problem(`${what} must be a list`);
    return value;
  };

  if (!isObject(profile) || profile.schema !== 'crosscheck/profile@1')
    throw problem('"schema" must be "crosscheck/profile@1"');
  for (const field of ['project', 'displayName', 'keys'] as const)
    if (!isText(profile[field])) throw problem(`"${field}" must be a non-empty string`);

  if (
    !isObject(profile.pypi) ||
    !isText(profile.pypi.name) ||
    !isUrl(profile.pypi.origin) ||
    !isUrl(profile.pypi.filesOrigin)
  )
    throw problem('"pypi" needs name, and origin and filesOrigin as URLs');
  if (!PROJECT_NAME.test(profile.pypi.name))
    throw problem(`"pypi.name" ${quote(profile.pypi.name)} is not a project name`);

  const versioned: unknown[] = [];
  if (profile.site !== undefined) {
    const site = profile.site as unknown;
    if (!isObject(site) || !isUrl(site.origin) || (site.mediaOrigin !== undefined && !isUrl(site.mediaOrigin)))
      throw problem('"site" needs origin (and mediaOrigin, if given) as URLs');
    for (const rule of list(site.checksumFile, '"site.checksumFile"')) {
      if (!isObject(rule) || !isTextList(rule.urls))
        throw problem(`every "site.checksumFile" rule needs "urls", a list of URL templates (${quote(rule)})`);
      versioned.push(rule);
    }
    if (
      site.downloadUrls !== undefined &&
      !(
        isObject(site.downloadUrls) &&
        Object.entries(site.downloadUrls).every(([kind, url]) => (kind === 'sdist' || kind === 'wheel') && isText(url))
      )
    ) {
      throw problem(`"site.downloadUrls" maps sdist and wheel to URL templates (${quote(site.downloadUrls)})`);
    }
  }
  if (profile.git !== undefined) {
    const git = profile.git as unknown;
    if (!isObject(git) || !isUrl(git.url) || !isText(git.tag) || !git.tag.includes('{version}'))
      throw problem('"git" needs url, and a tag template holding {version}');
    const oid = (value: unknown) => typeof value === 'string' && /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(value);
    if (git.unsignedTags !== undefined) {
      for (const entry of list(git.unsignedTags, '"git.unsignedTags"')) {
        if (!isObject(entry) || !isText(entry.tag) || !oid(entry.object) || !oid(entry.commit)) {
          throw problem(
            `every "git.unsignedTags" entry pins a tag by name, tag object id and commit id, in lower-case hex (${quote(entry)})`,
          );
        }
      }
    }
  }

  if (!isObject(profile.artifacts)) throw problem('"artifacts" needs sdist and wheel rule lists');
  for (const kind of ['sdist', 'wheel'] as const) {
    for (const rule of list(profile.artifacts[kind], `"artifacts.${kind}"`)) {
      if (
        !isObject(rule) ||
        !(rule.filename === null || (isText(rule.filename) && rule.filename.includes('{version}'))) ||
        (rule.topDirectory !== undefined && !isText(rule.topDirectory))
      ) {
        throw problem(
          `every "artifacts.${kind}" rule needs "filename", a template holding {version} or null, and "topDirectory" only as a string (${quote(rule)})`,
        );
      }
      versioned.push(rule);
    }
  }

  // Path-pattern rules once excused differences; every file is now explained by the tag or recomputed from it.
  if ('comparison' in profile)
    throw problem(
      '"comparison" is no longer read: crosscheck recomputes every generated file from what the tag declares, and a path pattern never excuses a difference (remove the field; a per-release waiver pinned to digests is the one exception)',
    );

  if (profile.releaseManagers !== undefined) {
    for (const manager of list(profile.releaseManagers, '"releaseManagers"')) {
      if (
        !isObject(manager) ||
        typeof manager.fingerprint !== 'string' ||
        !/^([0-9A-F]{40}|[0-9A-F]{64})$/.test(manager.fingerprint)
      ) {
        throw problem(
          `every release manager needs a full fingerprint in upper-case hex, never a key id (${quote(manager)})`,
        );
      }
      if (!Array.isArray(manager.when) || manager.when.length === 0)
        throw problem(`every release manager needs "when", a list of version specifiers (${quote(manager)})`);
      versioned.push(manager);
    }
  }
  if (profile.keysNotHeld !== undefined) {
    for (const entry of list(profile.keysNotHeld, '"keysNotHeld"')) {
      if (
        !isObject(entry) ||
        !isText(entry.name) ||
        !Array.isArray(entry.keyIds) ||
        entry.keyIds.length === 0 ||
        !entry.keyIds.every((id) => typeof id === 'string' && /^[0-9A-F]{16}$/.test(id))
      ) {
        throw problem(
          `every "keysNotHeld" entry needs a name and "keyIds", 64-bit key ids in upper-case hex (${quote(entry)})`,
        );
      }
      if (!Array.isArray(entry.when) || entry.when.length === 0)
        throw problem(`every "keysNotHeld" entry needs "when", the releases that person signed (${quote(entry)})`);
      versioned.push(entry);
    }
  }
  for (const rule of versioned as Versioned[]) {
    if (rule.when === undefined) continue;
    if (!Array.isArray(rule.when) || !rule.when.every((spec) => typeof spec === 'string'))
      throw problem(`"when" must be a list of version specifiers (${quote(rule)})`);
    for (const spec of rule.when) {
      const why = specifierProblem(spec);
      if (why) throw problem(`"when" ${quote(spec)} ${why} (${quote(rule)})`);
    }
  }

  for (const waiver of list(profile.waivers, '"waivers"')) {
    const digestsOk =
      isObject(waiver) &&
      isObject(waiver.digests) &&
      Object.keys(waiver.digests).length > 0 &&
      Object.values(waiver.digests).every(
        (digest) => typeof digest === 'string' && /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(digest),
      );
    if (
      !isObject(waiver) ||
      !isText(waiver.version) ||
      !isText(waiver.path) ||
      !isText(waiver.reason) ||
      !isText(waiver.reviewedBy) ||
      !digestsOk
    ) {
      throw problem(
        `every waiver needs version, path, digests (at least one side's, in hex), reason and reviewedBy (${quote(waiver)})`,
      );
    }
    if (typeof waiver.sdist !== 'string' || !/^[0-9a-f]{64}$/.test(waiver.sdist))
      throw problem(
        `every waiver needs "sdist": the SHA-256 of the sdist it was recorded for, in hex, so that it excuses nothing in another build (${quote(waiver)})`,
      );
  }
}
