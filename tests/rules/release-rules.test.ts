import { beforeAll, describe, expect, it } from 'vitest';
import type { ChecksumFile } from '../../src/formats/checksum-file.js';
import type { TagObject } from '../../src/formats/git-tag.js';
import type { PypiFile, PypiRelease } from '../../src/formats/pypi-json.js';
import { artifactKindOf, normalizeProjectName, parseArtifactName } from '../../src/model/names.js';
import { loadProfile, type Profile } from '../../src/profile/profile.js';
import {
  declaredDigestCheck,
  fileIdentityCheck,
  localDigestCheck,
  pypiDigestCheck,
  pypiFilesCheck,
} from '../../src/rules/artifacts.js';
import { checksumFormatCheck, listedArtifacts, signatureTimeCheck } from '../../src/rules/checksums.js';
import type { SignedChecksums } from '../../src/rules/evidence.js';
import type { Signer } from '../../src/rules/signature.js';
import { tagCommitCheck } from '../../src/rules/tag-commit.js';
import { pypiDeclaredMetadataCheck } from '../../src/rules/pypi-metadata.js';
import { member } from '../helpers/poison.js';

// The rules of a release, on evidence objects as the run hands them over: no world, no CLI.

const SHA = (c: string) => c.repeat(64);
let django: Profile;
beforeAll(async () => {
  django = await loadProfile('django');
});

function checksumFile(
  version: string,
  digests: [string, Record<string, string>][],
  extra: Partial<ChecksumFile> = {},
): ChecksumFile {
  return {
    project: 'Django',
    version,
    releaseDate: '2026-02-03',
    packageUrls: [],
    digests: new Map(digests),
    algorithms: ['md5', 'sha1', 'sha256'],
    ...extra,
  };
}
const signer = (created: string): Signer => ({
  fingerprint: 'F'.repeat(40),
  name: 'Jacob Walls',
  signingKeyFingerprint: 'F'.repeat(40),
  created: new Date(created),
  keyFile: 'jacob.asc',
});

describe('file names: one grammar for the checksum file and verify-file', () => {
  it('reads sdists and wheels of every era, and compares names as PyPI does', () => {
    expect(parseArtifactName('Django-1.4.tar.gz')).toMatchObject({
      kind: 'sdist',
      name: 'Django',
      version: '1.4',
      normalizedName: 'django',
    });
    expect(parseArtifactName('django-4.2.28.tar.gz')).toMatchObject({ kind: 'sdist', version: '4.2.28' });
    expect(parseArtifactName('Django-1.8-py2.py3-none-any.whl')).toMatchObject({ kind: 'wheel', version: '1.8' });
    expect(parseArtifactName('django-6.0rc1-py3-none-any.whl')).toMatchObject({ kind: 'wheel', version: '6.0rc1' });
    expect(parseArtifactName('python-dateutil-2.8.2.tar.gz')).toMatchObject({
      name: 'python-dateutil',
      version: '2.8.2',
    });
    expect(parseArtifactName('django-4.2.28.zip')).toBeUndefined();
    expect(parseArtifactName('django-4.2.28-py3-none.whl')).toBeUndefined();
    expect(normalizeProjectName('Zope.Interface')).toBe(normalizeProjectName('zope_interface'));
    expect(artifactKindOf('Django-4.2.28.tar.gz', 'django', '4.2.28')).toBe('sdist');
    expect(artifactKindOf('Django-4.2.28.tar.gz', 'django', '4.2.2')).toBeUndefined();
    expect(artifactKindOf('Flask-4.2.28.tar.gz', 'django', '4.2.28')).toBeUndefined();
  });
});

describe('checksum-file rules', () => {
  it("a listed file must be this release's sdist or wheel, one of each", () => {
    const ok = checksumFile('4.2.28', [
      ['django-4.2.28.tar.gz', { sha256: SHA('a') }],
      ['django-4.2.28-py3-none-any.whl', { sha256: SHA('b') }],
    ]);
    expect(listedArtifacts(django, '4.2.28', ok).map((a) => a.kind)).toEqual(['sdist', 'wheel']);
    expect(() =>
      listedArtifacts(django, '4.2.28', checksumFile('4.2.28', [['evil-4.2.28.tar.gz', { sha256: SHA('a') }]])),
    ).toThrow(/not a Django 4.2.28 sdist or wheel/);
    expect(() =>
      listedArtifacts(
        django,
        '4.2.28',
        checksumFile('4.2.28', [
          ['django-4.2.28.tar.gz', {}],
          ['Django-4.2.28.tar.gz', {}],
        ]),
      ),
    ).toThrow(/two sdists/);
  });

  it("only MD5 and SHA-1 signed is weak evidence; a listing unlike the profile's is said", () => {
    const weak = checksumFile('1.4', [['Django-1.4.tar.gz', { md5: 'a'.repeat(32), sha1: 'b'.repeat(40) }]], {
      algorithms: ['md5', 'sha1'],
    });
    expect(checksumFormatCheck(django, '1.4', weak, listedArtifacts(django, '1.4', weak), 'u')).toMatchObject({
      status: 'warn',
      reason: 'CHECKSUM_WEAK_ONLY',
    });
    const sdistOnly = checksumFile('4.2.28', [['django-4.2.28.tar.gz', { sha256: SHA('a') }]]);
    expect(
      checksumFormatCheck(django, '4.2.28', sdistOnly, listedArtifacts(django, '4.2.28', sdistOnly), 'u'),
    ).toMatchObject({ status: 'warn', reason: 'PROFILE_MISMATCH' });
  });

  it('a signature dated before the release it vouches for fails; months after is a warning; on the day passes', () => {
    expect(signatureTimeCheck('2026-02-03', [signer('2026-01-01T00:00:00Z')], 'u')).toMatchObject({
      status: 'fail',
      reason: 'PGP_SIG_TIME_IMPLAUSIBLE',
    });
    expect(signatureTimeCheck('2026-02-03', [signer('2026-06-01T00:00:00Z')], 'u')).toMatchObject({
      status: 'warn',
      reason: 'PGP_SIG_TIME_IMPLAUSIBLE',
    });
    expect(signatureTimeCheck('2026-02-03', [signer('2026-02-03T15:00:00Z')], 'u')).toMatchObject({ status: 'pass' });
  });
});

describe('artifact rules', () => {
  const pypiFile = (filename: string, sha256: string, uploadTime = '2026-02-03T15:00:00Z'): PypiFile => ({
    filename,
    packagetype: 'sdist',
    url: `https://files.test/${filename}`,
    size: 10,
    sha256,
    uploadTime,
    yanked: false,
    yankedReason: null,
  });
  const signed = (files: [string, string][]): SignedChecksums => {
    const file = checksumFile(
      '4.2.28',
      files.map(([name, sha256]) => [name, { sha256 }]),
    );
    return { file, signers: [], url: 'u', artifacts: listedArtifacts(django, '4.2.28', file), strong: true };
  };
  const release = (files: PypiFile[]): PypiRelease => ({
    version: '4.2.28',
    url: 'https://pypi.test/pypi/django/4.2.28/json',
    fromCache: false,
    files,
  });

  it('every file PyPI offers must be signed; a file uploaded days later is said', () => {
    const sums = signed([['django-4.2.28.tar.gz', SHA('a')]]);
    expect(pypiFilesCheck(release([pypiFile('django-4.2.28.tar.gz', SHA('a'))]), sums).status).toBe('pass');
    expect(
      pypiFilesCheck(
        release([
          pypiFile('django-4.2.28.tar.gz', SHA('a')),
          pypiFile('django-4.2.28-cp312-cp312-manylinux_x86_64.whl', SHA('c')),
        ]),
        sums,
      ),
    ).toMatchObject({ status: 'fail', reason: 'PYPI_UNLISTED_FILE' });
    const late = signed([
      ['django-4.2.28.tar.gz', SHA('a')],
      ['django-4.2.28-py3-none-any.whl', SHA('b')],
    ]);
    expect(
      pypiFilesCheck(
        release([
          pypiFile('django-4.2.28.tar.gz', SHA('a')),
          pypiFile('django-4.2.28-py3-none-any.whl', SHA('b'), '2026-02-10T00:00:00Z'),
        ]),
        late,
      ),
    ).toMatchObject({ status: 'warn', reason: 'PYPI_LATE_UPLOAD' });
  });

  it("PyPI's declared digest and its bytes are each held to the signed one", () => {
    const fields = { id: 'pypi.sdist.declared-digest', channel: 'pypi' as const, artifact: 'sdist' as const, url: 'u' };
    expect(declaredDigestCheck(fields, 'f', { sha256: SHA('a') }, pypiFile('f', SHA('b')))[0]).toMatchObject({
      status: 'fail',
      reason: 'DIGEST_MISMATCH',
    });
    expect(declaredDigestCheck(fields, 'f', undefined, pypiFile('f', SHA('b')))).toEqual([]);
    const fetched = { sha256: SHA('b'), size: 10, finalUrl: 'u', fromCache: false, fetchedAt: 'now' };
    expect(pypiDigestCheck(fields, 'f', { sha256: SHA('a') }, pypiFile('f', SHA('b')), fetched)).toMatchObject({
      status: 'fail',
      reason: 'DIGEST_MISMATCH',
    });
    expect(pypiDigestCheck(fields, 'f', { sha256: SHA('b') }, pypiFile('f', SHA('c')), fetched)).toMatchObject({
      status: 'fail',
      reason: 'PYPI_DECLARATION_MISMATCH',
    });
    expect(pypiDigestCheck(fields, 'f', undefined, pypiFile('f', SHA('b')), fetched)).toMatchObject({
      status: 'warn',
      reason: 'PYPI_SELF_CONSISTENT',
    });
  });

  it('a local file is held to the digest signed for its exact name, and must be what its name says', () => {
    const identity = parseArtifactName('Django-4.2.28.tar.gz')!;
    const file = { sha256: SHA('a'), size: 10, url: 'p', finalUrl: 'p', fromCache: false, fetchedAt: 'now' };
    expect(localDigestCheck(identity, signed([['django-4.2.28.tar.gz', SHA('a')]]), file)).toMatchObject({
      status: 'fail',
      reason: 'CHECKSUM_FILENAME',
      message: expect.stringContaining('names are compared exactly'),
    });
    expect(localDigestCheck(identity, undefined, file)).toMatchObject({
      status: 'unverified',
      reason: 'NO_SIGNED_CHECKSUM',
    });
    const sdist = parseArtifactName('django-4.2.28.tar.gz')!;
    const listing = (text: string) => ({
      members: [member('django-4.2.28/PKG-INFO', Buffer.from(text))],
      kept: new Map([['django-4.2.28/PKG-INFO', Buffer.from(text)]]),
    });
    expect(fileIdentityCheck(sdist, listing('Metadata-Version: 2.1\nName: Django\nVersion: 4.2.28\n\n')).status).toBe(
      'pass',
    );
    expect(fileIdentityCheck(sdist, listing('Metadata-Version: 2.1\nName: Django\nVersion: 4.2.27\n\n'))).toMatchObject(
      { status: 'fail', reason: 'FILE_IDENTITY_MISMATCH' },
    );
  });
});

describe("the tag's commit against the signed checksum file", () => {
  const tag = (object: string): TagObject => ({
    object,
    type: 'commit',
    tag: '5.2.16',
    tagger: 'x',
    taggedAt: 0,
    payload: Buffer.alloc(0),
  });
  const sums = (gitTag?: { tag: string; commit: string }): SignedChecksums => ({
    file: checksumFile('5.2.16', [], gitTag ? { gitTag } : {}),
    signers: [],
    url: 'u',
    artifacts: [],
    strong: true,
  });

  it('passes the named commit, fails another, and says when there is nothing to compare', () => {
    expect(
      tagCommitCheck(django, '5.2.16', tag('a'.repeat(40)), sums({ tag: '5.2.16', commit: 'a'.repeat(40) })).status,
    ).toBe('pass');
    expect(
      tagCommitCheck(django, '5.2.16', tag('b'.repeat(40)), sums({ tag: '5.2.16', commit: 'a'.repeat(40) })),
    ).toMatchObject({ status: 'fail', reason: 'TAG_COMMIT_MISMATCH' });
    expect(tagCommitCheck(django, '5.2.16', tag('a'.repeat(40)), sums())).toMatchObject({ status: 'skipped' });
    expect(tagCommitCheck(django, '5.2.16', tag('a'.repeat(40)), undefined)).toMatchObject({
      status: 'unverified',
      reason: 'NO_SIGNED_CHECKSUM',
    });
  });
});

describe("PyPI's declared requirements against the release's metadata", () => {
  const metadata = (lines: string[]) =>
    Buffer.from(`Metadata-Version: 2.1\nName: Django\nVersion: 3.2.25\n${lines.join('\n')}\n\n`);
  const wheel = {
    what: 'METADATA of Django-3.2.25-py3-none-any.whl',
    bytes: metadata([
      'Requires-Python: >=3.6',
      'Requires-Dist: asgiref (<4,>=3.3.2)',
      'Requires-Dist: pytz',
      "Requires-Dist: bcrypt ; extra == 'bcrypt'",
    ]),
  };

  it('pass what the metadata says, however PyPI spells and orders it; none declared sends resolvers to the files', () => {
    const declared = {
      requiresDist: ["bcrypt; extra == 'bcrypt'", 'pytz', 'asgiref<4,>=3.3.2'],
      requiresPython: '>= 3.6',
    };
    expect(pypiDeclaredMetadataCheck(declared, [wheel], 'u').status).toBe('pass');
    expect(pypiDeclaredMetadataCheck({ requiresDist: null, requiresPython: null }, [], 'u').status).toBe('pass');
  });

  it('fail a requirement added or dropped, or another Requires-Python; unverified with no metadata to read', () => {
    const fails = [
      { requiresDist: ['asgiref<4,>=3.3.2', 'pytz', "bcrypt; extra == 'bcrypt'", 'evil'], requiresPython: null },
      { requiresDist: ['pytz', "bcrypt; extra == 'bcrypt'"], requiresPython: null },
      { requiresDist: null, requiresPython: '>=2.7' },
    ];
    for (const declared of fails)
      expect(pypiDeclaredMetadataCheck(declared, [wheel], 'u')).toMatchObject({
        status: 'fail',
        reason: 'PYPI_METADATA_MISMATCH',
      });
    expect(pypiDeclaredMetadataCheck({ requiresDist: ['pytz'], requiresPython: null }, [], 'u')).toMatchObject({
      status: 'unverified',
      reason: 'PYPI_METADATA_UNCHECKED',
    });
  });

  it("accept the sdist's PKG-INFO as the source when the wheel's differs (warehouse takes the first file uploaded)", () => {
    const pkgInfo = { what: 'PKG-INFO of Django-3.2.25.tar.gz', bytes: metadata(['Requires-Python: >=3.6']) };
    expect(pypiDeclaredMetadataCheck({ requiresDist: [], requiresPython: '>=3.6' }, [wheel, pkgInfo], 'u').status).toBe(
      'pass',
    );
  });
});
