import { describe, expect, it } from 'vitest';
import type { ArchiveMember } from '../../src/formats/archive/member.js';
import { readDeclared } from '../../src/rules/content/declared.js';
import { judgeSdist } from '../../src/rules/content/sdist.js';
import { TagFiles, type TreeEntry } from '../../src/rules/content/tag-files.js';
import type { Waiver } from '../../src/profile/profile.js';

/** A per-release waiver, pinned to exact digests, allows one difference and nothing else. */
const member = (path: string, blobId: string, sha256: string): ArchiveMember => ({
  path,
  type: 'file',
  mode: 0o644,
  size: 1,
  sha256,
  blobId,
});
const tree: TreeEntry[] = [{ mode: '100644', type: 'blob', oid: 'a'.repeat(40), path: 'django/conf/locale/x.mo' }];
const members = [member('django-9.0/django/conf/locale/x.mo', 'b'.repeat(40), 'c'.repeat(64))];

describe('per-release waivers', () => {
  const SDIST = 'f'.repeat(64);
  const judge = (waivers: Waiver[], version = '9.0', sdist: string | null = SDIST) => {
    const declared = readDeclared({ readFile: () => undefined });
    const context = {
      release: version,
      project: 'Django',
      declared,
      licenseFiles: [],
      rootFileWithText: () => undefined,
      tag: new TagFiles(tree, new Map()),
      manifest: { fate: () => ({ included: true, why: 'MANIFEST.in line 1: graft django' }) },
      packages: ['django'],
      eggInfo: 'Django.egg-info',
      waivers,
    };
    const judged = judgeSdist(
      {
        filename: 'django-9.0.tar.gz',
        topDirectory: 'django-9.0',
        members,
        kept: new Map(),
        ...(sdist ? { sha256: sdist } : {}),
      },
      context,
    );
    return judged.files.differences;
  };
  const waiver: Waiver = {
    version: '9.0',
    path: 'django/conf/locale/x.mo',
    sdist: SDIST,
    digests: { 'sdist-blob': 'b'.repeat(40), git: 'a'.repeat(40) },
    reason: 'translations compiled at release time',
    reviewedBy: 'release team',
  };

  it('fail a content difference nothing explains', () => {
    expect(judge([])).toMatchObject([{ path: 'django/conf/locale/x.mo', kind: 'content', allowed: false }]);
  });

  it('allow exactly the waived difference, naming the waiver', () => {
    expect(judge([waiver])).toMatchObject([{ allowed: true, waiver: 'translations compiled at release time' }]);
  });

  it('do not apply to other bytes, another path or another release', () => {
    expect(judge([{ ...waiver, digests: { ...waiver.digests, 'sdist-blob': 'd'.repeat(40) } }])[0]!.allowed).toBe(
      false,
    );
    expect(judge([{ ...waiver, path: 'django/conf/locale/y.mo' }])[0]!.allowed).toBe(false);
    expect(judge([waiver], '9.1')[0]!.allowed).toBe(false);
  });

  it('do not excuse the same difference in another build of the release: a waiver holds for the sdist it was recorded for', () => {
    // A waiver naming only the tag's side would otherwise excuse any bytes at that path, in any sdist.
    expect(judge([{ ...waiver, digests: { git: 'a'.repeat(40) } }], '9.0', 'e'.repeat(64))[0]!.allowed).toBe(false);
    expect(judge([waiver], '9.0', 'e'.repeat(64))[0]!.allowed).toBe(false);
    expect(judge([waiver], '9.0', null)[0]!.allowed).toBe(false);
    expect(judge([{ ...waiver, digests: { git: 'a'.repeat(40) } }])[0]!.allowed).toBe(true);
  });
});
