import { AFTER_CHECKSUMS_REMEDY, type Check, fail, pass, skipped, unverified } from '../model/check.js';
import type { Profile } from '../profile/profile.js';
import type { TagObject } from '../formats/git-tag.js';
import type { SignedChecksums } from './evidence.js';

/** The commit a signed tag names, against the commit the signed checksum file names for it (from 5.2.15). */
export function tagCommitCheck(
  profile: Profile,
  name: string,
  tag: TagObject,
  signed: SignedChecksums | undefined,
): Check {
  const fields = { id: 'git.tag.commit', channel: 'git' as const };
  if (!profile.site)
    return skipped(fields, `${profile.displayName} publishes no signed checksum files to name the tag's commit`);
  const section = signed?.file.gitTag;
  if (!signed)
    return unverified(
      { ...fields, reason: 'NO_SIGNED_CHECKSUM', remedy: AFTER_CHECKSUMS_REMEDY },
      "no verified checksum file to compare the tag's commit with",
    );
  if (!section)
    return skipped(fields, 'the signed checksum file has no "Git tag" section (added in 2026, from 5.2.15)');
  if (section.tag !== name || section.commit !== tag.object) {
    return fail(
      {
        ...fields,
        reason: 'TAG_COMMIT_MISMATCH',
        expected: `${section.commit} (${section.tag})`,
        actual: `${tag.object} (${name})`,
      },
      `tag ${name} points at ${tag.object}; the signed checksum file says ${section.tag} is ${section.commit}`,
    );
  }
  return pass(
    { ...fields, expected: section.commit, actual: tag.object },
    `tag ${name} points at ${tag.object}, the commit the signed checksum file names`,
  );
}
