import { createHash } from 'node:crypto';
import type { ArchiveListing, ArchiveMember } from '../../src/formats/archive/member.js';

/**
 * Listings of archives as a poisoned build would make them: members added, replaced or removed,
 * with digests that match their new bytes (a legitimately signed poisoned build has consistent
 * digests everywhere; only the content rules can catch it).
 */
export function member(path: string, content: Buffer, mode = 0o644): ArchiveMember {
  return {
    path,
    type: 'file',
    mode,
    size: content.length,
    sha256: createHash('sha256').update(content).digest('hex'),
    blobId: createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex'),
  };
}

export function withFile(
  listing: ArchiveListing,
  path: string,
  content: string | Buffer,
  mode = 0o644,
): ArchiveListing {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  const members = listing.members.filter((m) => m.path !== path);
  members.push(member(path, bytes, mode));
  const kept = new Map(listing.kept);
  kept.set(path, bytes);
  return { members, kept };
}

export function withoutFile(listing: ArchiveListing, path: string): ArchiveListing {
  const kept = new Map(listing.kept);
  kept.delete(path);
  return { members: listing.members.filter((m) => m.path !== path), kept };
}

/** A file's text edited in place (it must be kept: a metadata file, a script, a declaring file). */
export function editFile(listing: ArchiveListing, path: string, edit: (text: string) => string): ArchiveListing {
  const text = listing.kept.get(path);
  if (!text) throw new Error(`${path} is not kept`);
  const edited = edit(text.toString('utf8'));
  if (edited === text.toString('utf8')) throw new Error(`the edit of ${path} changed nothing`);
  const mode = listing.members.find((m) => m.path === path)?.mode ?? 0o644;
  return withFile(listing, path, edited, mode);
}

/** RECORD rewritten to list every member as it now is, as a poisoned build's own bdist_wheel would write it. */
export function withFreshRecord(listing: ArchiveListing, distInfo: string): ArchiveListing {
  const recordPath = `${distInfo}/RECORD`;
  const rows = listing.members
    .filter((m) => m.type === 'file' && m.path !== recordPath)
    .map((m) => `${m.path},sha256=${Buffer.from(m.sha256, 'hex').toString('base64url')},${m.size}`);
  return withFile(listing, recordPath, `${[...rows, `${recordPath},,`].join('\n')}\n`);
}
