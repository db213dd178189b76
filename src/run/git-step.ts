import { quote } from '../model/errors.js';
import type { GitMirror, RawTag } from '../sources/git.js';
import { declaringPaths } from '../rules/content/tag-files.js';
import { parseTagObject, type TagObject } from '../formats/git-tag.js';
import { tagNameRule, tagSignatureRule } from '../rules/tag.js';
import { checkFromError, fail, pass } from '../model/check.js';
import type { GitEvidence, SignedChecksums } from '../rules/evidence.js';
import { tagCommitCheck } from '../rules/tag-commit.js';

export type { GitEvidence };
import { startedEarly } from './started-early.js';
import { type RunContext, signerTrust } from './context.js';
import { type ReleaseRecord, summarizeSigners } from './release-record.js';
import { tagName } from '../profile/profile.js';

const at = (id: string) => ({ id, channel: 'git' as const });

/** `prefetchDeclaringBlobs`: the contents will be compared with the tree, so fetch the blobs the rules read first now. */
export async function gitStep(
  ctx: RunContext,
  version: string,
  signed: SignedChecksums | undefined,
  record: ReleaseRecord,
  options: { prefetchDeclaringBlobs: boolean },
): Promise<GitEvidence | undefined> {
  const mirror = ctx.git;
  if (!mirror) return undefined;
  const name = tagName(ctx.profile, version);
  ctx.progress?.step(version, 'git', `tag ${name}`);
  const raw = await fetchTagObject(mirror, name, record);
  if (!raw) return undefined;
  const tag = await judgeTag(ctx, version, name, raw, signed, record, mirror.url);
  if (!tag) return undefined;
  return readTaggedTree(mirror, name, tag, record, options.prefetchDeclaringBlobs);
}

/** The tag's object, as the git host has it under refs/tags; a lightweight tag has none and fails. */
async function fetchTagObject(
  mirror: GitMirror,
  name: string,
  record: ReleaseRecord,
): Promise<(RawTag & { raw: Buffer }) | undefined> {
  const where = { url: mirror.url };
  let raw: RawTag;
  try {
    raw = await mirror.readTag(name);
  } catch (error) {
    record.add(checkFromError({ ...at('git.tag.fetch'), ...where }, error, `tag ${name} could not be fetched`));
    return undefined;
  }
  record.tag = { name, object: raw.oid };
  if (!raw.raw) {
    record.add(
      fail(
        {
          ...at('git.tag.fetch'),
          ...where,
          reason: raw.objectType === 'commit' ? 'TAG_NOT_ANNOTATED' : 'TAG_TARGET_TYPE',
          actual: raw.objectType,
        },
        raw.objectType === 'commit'
          ? `refs/tags/${name} points straight at commit ${raw.oid} (a lightweight tag): nothing signs it`
          : `refs/tags/${name} points at a ${raw.objectType} (${raw.oid}), not an annotated tag`,
      ),
    );
    return undefined;
  }
  record.add(
    pass(
      { ...at('git.tag.fetch'), ...where, actual: raw.oid },
      `fetched tag object ${raw.oid} for ${name} from ${mirror.url}`,
    ),
  );
  return { ...raw, raw: raw.raw };
}

/** The tag object parsed and judged by the tag rules: its signature, its name, the commit it names. */
async function judgeTag(
  ctx: RunContext,
  version: string,
  name: string,
  raw: RawTag & { raw: Buffer },
  signed: SignedChecksums | undefined,
  record: ReleaseRecord,
  url: string,
): Promise<TagObject | undefined> {
  let tag: TagObject;
  try {
    tag = parseTagObject(raw.raw, ctx.limits.tagObjectBytes);
  } catch (error) {
    record.add(checkFromError({ ...at('git.tag.signature'), url }, error, `the tag object ${raw.oid} is malformed`));
    return undefined;
  }
  if (record.tag) record.tag.commit = tag.object;
  const signature = await tagSignatureRule({
    name,
    objectId: raw.oid,
    tag,
    trust: signerTrust(ctx, version),
    unsignedTags: ctx.profile.git?.unsignedTags ?? [],
    url,
  });
  record.add(signature.check);
  if (signature.verdict && (signature.verdict.status === 'pass' || signature.verdict.status === 'warn'))
    record.tagSigners = summarizeSigners(signature.verdict.signers);
  record.add(tagNameRule(name, tag));
  record.add(tagCommitCheck(ctx.profile, name, tag, signed));
  return tag;
}

/** The tagged commit's tree: the git side of the content comparison, its declaring blobs fetched early when asked. */
async function readTaggedTree(
  mirror: GitMirror,
  name: string,
  tag: TagObject,
  record: ReleaseRecord,
  prefetchDeclaringBlobs: boolean,
): Promise<GitEvidence | undefined> {
  try {
    const target = tag.type === 'commit' ? await mirror.readCommit(tag.object) : { type: tag.type };
    if (target.type !== 'commit' || !target.tree) {
      const type = objectType(target.type);
      record.add(
        fail(
          { ...at('git.tag.target'), reason: 'TAG_TARGET_TYPE', expected: 'commit', actual: type },
          `tag ${name} points at a ${type} (${tag.object}), not a commit`,
        ),
      );
      return undefined;
    }
    record.add(pass({ ...at('git.tag.target'), actual: tag.object }, `tag ${name} points at commit ${tag.object}`));
    const entries = await mirror.listTree(target.tree);
    let blobs: Promise<Map<string, Buffer>> | undefined;
    const declaring = new Set(declaringPaths(entries));
    const declaringBlobs = () =>
      (blobs ??= startedEarly(mirror.readBlobs(entries.filter((e) => declaring.has(e.path)).map((e) => e.oid))));
    // Fetched now, while the archives download, rather than after the sdist is read.
    if (prefetchDeclaringBlobs) void declaringBlobs();
    return {
      tag: name,
      commit: tag.object,
      taggedAt: tag.taggedAt,
      entries,
      declaringBlobs,
      readBlobs: (oids) => mirror.readBlobs(oids),
    };
  } catch (error) {
    record.add(checkFromError(at('git.tag.target'), error, `the tagged commit ${tag.object} could not be read`));
    return undefined;
  }
}

/** An object type as a message shows it: a tag object's own "type" header can be of any length. */
function objectType(type: string): string {
  return /^[a-z]{1,16}$/.test(type) ? type : quote(type);
}
