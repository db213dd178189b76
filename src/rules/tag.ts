import type { UnsignedTag } from '../profile/profile.js';
import { createHash } from 'node:crypto';
import { quote } from '../model/errors.js';
import type { TagObject } from '../formats/git-tag.js';
import { verifyTagSignature } from './signed-documents.js';
import { type Check, checkFromError, fail, pass, warn } from '../model/check.js';
import { type SignatureVerdict, type SignerTrust, signatureCheck } from './signature.js';

const SIGNATURE = { id: 'git.tag.signature', channel: 'git' } as const;

/** The id git gives a tag object: SHA-1 over "tag <size>\0" and its bytes. */
export function tagObjectId(raw: Buffer): string {
  return createHash('sha1').update(`tag ${raw.length}\0`).update(raw).digest('hex');
}

/**
 * The tag's signature, judged against the pinned keys (rules/signature.ts). A tag without one is
 * accepted with a warning only where the profile pins that very tag object and commit (Django has
 * six such genuine tags); any other object under one of those names is a rewritten tag and fails,
 * signed or not. Any other unsigned tag fails: nothing ties it to a release manager, and a release
 * manager who can sign would only leave a tag unsigned to keep it from being judged.
 */
export async function tagSignatureRule(input: {
  name: string;
  objectId: string;
  tag: TagObject;
  trust: SignerTrust;
  unsignedTags: readonly UnsignedTag[];
  url?: string;
}): Promise<{ check: Check; verdict?: SignatureVerdict }> {
  const { name, objectId, tag } = input;
  const fields = { ...SIGNATURE, ...(input.url ? { url: input.url } : {}) };
  const pinned = input.unsignedTags.find((t) => t.tag === name);
  if (pinned && (pinned.object !== objectId || pinned.commit !== tag.object)) {
    return {
      check: fail(
        {
          ...fields,
          reason: 'TAG_REWRITTEN',
          expected: `tag object ${pinned.object} → commit ${pinned.commit}`,
          actual: `tag object ${objectId} → commit ${tag.object}`,
        },
        `the profile records tag ${name} as tag object ${pinned.object} pointing at ${pinned.commit}; the git host serves ${objectId} pointing at ${tag.object}: the tag was rewritten`,
      ),
    };
  }
  if (tag.signature === undefined) {
    if (pinned) {
      return {
        check: warn(
          { ...fields, reason: 'TAG_UNSIGNED', expected: pinned.object, actual: objectId },
          `tag ${name} is unsigned; it is the tag object ${objectId} (commit ${tag.object}) the profile records for this release, which is all that vouches for it`,
        ),
      };
    }
    return {
      check: fail(
        {
          ...fields,
          reason: 'TAG_UNSIGNED',
          actual: objectId,
          remedy: `ask the release managers whether tag ${name} is genuinely unsigned; if so, record its tag object ${objectId} and commit ${tag.object} in the profile's git.unsignedTags after checking them through another channel`,
        },
        `tag ${name} is not signed, and the profile does not record it as a genuinely unsigned tag: nothing ties the git channel to a release manager`,
      ),
    };
  }
  try {
    const verdict = await verifyTagSignature(tag, input.trust);
    return { check: signatureCheck(fields, verdict), verdict };
  } catch (error) {
    return { check: checkFromError(fields, error) };
  }
}

/** The signed tag object must name the requested tag: a signed tag replayed under another name fails (G-02). */
export function tagNameRule(name: string, tag: TagObject): Check {
  const fields = { id: 'git.tag.name', channel: 'git' } as const;
  return tag.tag === name
    ? pass({ ...fields, expected: name, actual: tag.tag }, `the tag object names itself ${tag.tag}`)
    : fail(
        { ...fields, reason: 'TAG_NAME_MISMATCH', expected: name, actual: quote(tag.tag) },
        `refs/tags/${name} points to a tag object that names itself ${quote(tag.tag)}: a signed tag replayed under another name`,
      );
}
