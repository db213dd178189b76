import { describe, expect, it } from 'vitest';
import type { ArchiveMember } from '../../src/archive/member.js';
import { Policy } from '../../src/compare/policy.js';
import { compareSdistWithGit, type TreeEntry } from '../../src/compare/sdist-vs-git.js';
import { loadProfile } from '../../src/profile/profile.js';

const member = (path: string, blobId: string, sha256: string): ArchiveMember => ({ path, type: 'file', mode: 0o644, size: 1, sha256, blobId });
const tree: TreeEntry[] = [{ mode: '100644', type: 'blob', oid: 'a'.repeat(40), path: 'django/conf/locale/x.mo' }];
const members = [member('django-9.0/django/conf/locale/x.mo', 'b'.repeat(40), 'c'.repeat(64))];

describe('per-release waivers', () => {
  const compare = async (waivers: { version: string; path: string; digests: Record<string, string>; reason: string; reviewedBy: string }[], version = '9.0') => {
    const profile = await loadProfile('django');
    return compareSdistWithGit({ members, topDirectory: 'django-9.0', sdistContent: new Map(), tree, blobs: new Map(), policy: new Policy(profile.comparison.sdistVsGit, waivers, version) }).differences;
  };
  const waiver = { version: '9.0', path: 'django/conf/locale/x.mo', digests: { 'sdist-blob': 'b'.repeat(40), git: 'a'.repeat(40) }, reason: 'translations compiled at release time', reviewedBy: 'release team' };

  it('fail a content difference no rule allows', async () => {
    expect(await compare([])).toMatchObject([{ path: 'django/conf/locale/x.mo', kind: 'content', allowed: false }]);
  });

  it('allow exactly the waived difference, naming the waiver', async () => {
    expect(await compare([waiver])).toMatchObject([{ allowed: true, waiver: 'translations compiled at release time' }]);
  });

  it('do not apply to other bytes, another path or another release', async () => {
    expect((await compare([{ ...waiver, digests: { ...waiver.digests, 'sdist-blob': 'd'.repeat(40) } }]))[0]!.allowed).toBe(false);
    expect((await compare([{ ...waiver, path: 'django/conf/locale/y.mo' }]))[0]!.allowed).toBe(false);
    expect((await compare([waiver], '9.1'))[0]!.allowed).toBe(false);
  });
});
