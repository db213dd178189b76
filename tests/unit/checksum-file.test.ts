import { describe, expect, it } from 'vitest';
import { CrosscheckError } from '../../src/model/errors.js';
import { parseChecksumFile, strongestAlgorithm } from '../../src/formats/checksum-file.js';

const md5 = 'a'.repeat(32);
const sha1 = 'b'.repeat(40);
const sha256 = 'c'.repeat(64);
const wheelSha256 = 'd'.repeat(64);

function checksumText(options: { version?: string; colon?: boolean; sections?: string; tag?: string } = {}): string {
  const version = options.version ?? '5.2.10';
  const sections =
    options.sections ??
    `MD5 checksums
=============

${md5}  django-${version}.tar.gz

SHA1 checksums
==============

${sha1}  django-${version}.tar.gz

SHA256 checksums
================

${sha256}  django-${version}.tar.gz
`;
  return `This file contains MD5, SHA1, and SHA256 checksums for the
source-code tarball and wheel files of Django ${version}, released January 6, 2026.

Release packages${options.colon ? ':' : ''}
================${options.colon ? '=' : ''}

https://www.djangoproject.com/download/${version}/tarball/

${sections}${options.tag ?? ''}`;
}

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof CrosscheckError) return error.reason;
    throw error;
  }
  return 'PASSED';
}

describe('checksum-file grammar (threat catalog P-12)', () => {
  it('parses both "Release packages" spellings and all three digest sections', () => {
    for (const colon of [false, true]) {
      const parsed = parseChecksumFile(checksumText({ colon }), { project: 'Django', version: '5.2.10' });
      expect(parsed.packageUrls).toEqual(['https://www.djangoproject.com/download/5.2.10/tarball/']);
      expect(parsed.digests.get('django-5.2.10.tar.gz')).toEqual({ md5, sha1, sha256 });
      expect(parsed.releaseDate).toBe('January 6, 2026');
    }
  });

  it('reads the Git tag section as a line and as a sentence', () => {
    const commit = '1'.repeat(40);
    const asLine = parseChecksumFile(checksumText({ tag: `\nGit tag\n=======\n\n${commit}  5.2.10\n` }), {
      project: 'Django',
      version: '5.2.10',
    });
    const asSentence = parseChecksumFile(
      checksumText({ tag: `\nGit tag\n=======\n\nThe 5.2.10 tag points to commit ${commit}.\n` }),
      { project: 'Django', version: '5.2.10' },
    );
    expect(asLine.gitTag).toEqual({ tag: '5.2.10', commit });
    expect(asSentence.gitTag).toEqual({ tag: '5.2.10', commit });
    expect(
      reasonOf(() =>
        parseChecksumFile(checksumText({ tag: `\nGit tag\n=======\n\nThe 5.2.10 tag points at ${commit}\n` }), {
          project: 'Django',
          version: '5.2.10',
        }),
      ),
    ).toBe('CHECKSUM_GRAMMAR');
  });

  it('rejects the genuine signed file of another version (replay)', () => {
    expect(
      reasonOf(() => parseChecksumFile(checksumText({ version: '5.2.9' }), { project: 'Django', version: '5.2.10' })),
    ).toBe('CHECKSUM_VERSION_MISMATCH');
  });

  it('rejects a filename listed twice', () => {
    const sections = `SHA256 checksums\n================\n\n${sha256}  django-5.2.10.tar.gz\n${wheelSha256}  django-5.2.10.tar.gz\n`;
    expect(
      reasonOf(() => parseChecksumFile(checksumText({ sections }), { project: 'Django', version: '5.2.10' })),
    ).toBe('CHECKSUM_DUPLICATE');
  });

  it.each([
    ['non-hex digits', `${'z'.repeat(64)}  django-5.2.10.tar.gz`],
    ['63 hex digits', `${'c'.repeat(63)}  django-5.2.10.tar.gz`],
    ['65 hex digits', `${'c'.repeat(65)}  django-5.2.10.tar.gz`],
    ['upper-case hex', `${'C'.repeat(64)}  django-5.2.10.tar.gz`],
    ['one space', `${sha256} django-5.2.10.tar.gz`],
    ['a path', `${sha256}  ../django-5.2.10.tar.gz`],
    ['a look-alike character', `${sha256}  djang\u043e-5.2.10.tar.gz`],
    ['a form feed', `${sha256}  django-5.2.10.tar.gz\f`],
  ])('rejects a SHA-256 line with %s', (_, line) => {
    const sections = `SHA256 checksums\n================\n\n${line}\n`;
    expect(
      reasonOf(() => parseChecksumFile(checksumText({ sections }), { project: 'Django', version: '5.2.10' })),
    ).toBe('CHECKSUM_GRAMMAR');
  });

  it('rejects a SHA-256 placed in the MD5 section', () => {
    const sections = `MD5 checksums\n=============\n\n${sha256}  django-5.2.10.tar.gz\n`;
    expect(
      reasonOf(() => parseChecksumFile(checksumText({ sections }), { project: 'Django', version: '5.2.10' })),
    ).toBe('CHECKSUM_GRAMMAR');
  });

  it('rejects unknown and repeated sections, and a file missing from one section', () => {
    const unknown = `${checksumText()}\nBLAKE2 checksums\n================\n\n${sha256}  django-5.2.10.tar.gz\n`;
    expect(reasonOf(() => parseChecksumFile(unknown, { project: 'Django', version: '5.2.10' }))).toBe(
      'CHECKSUM_GRAMMAR',
    );
    const repeated = `${checksumText()}\nSHA256 checksums\n================\n\n${sha256}  django-5.2.10.tar.gz\n`;
    expect(reasonOf(() => parseChecksumFile(repeated, { project: 'Django', version: '5.2.10' }))).toBe(
      'CHECKSUM_GRAMMAR',
    );
    const missing = checksumText()
      .replace(`${wheelSha256}`, '')
      .replace(
        `${sha256}  django-5.2.10.tar.gz`,
        `${sha256}  django-5.2.10.tar.gz\n${wheelSha256}  django-5.2.10-py3-none-any.whl`,
      );
    expect(reasonOf(() => parseChecksumFile(missing, { project: 'Django', version: '5.2.10' }))).toBe(
      'CHECKSUM_GRAMMAR',
    );
  });

  it('rejects a file that names the release twice or not at all', () => {
    const twice = checksumText().replace(
      'released January 6, 2026.',
      'released January 6, 2026. Also the files of Django 5.2.9, released May 1, 2025.',
    );
    expect(reasonOf(() => parseChecksumFile(twice, { project: 'Django', version: '5.2.10' }))).toBe('CHECKSUM_GRAMMAR');
    expect(
      reasonOf(() =>
        parseChecksumFile(checksumText().replace(/of Django 5\.2\.10, released/, 'released'), {
          project: 'Django',
          version: '5.2.10',
        }),
      ),
    ).toBe('CHECKSUM_GRAMMAR');
  });

  it('keeps a weak-only file parseable, with SHA-1 as its strongest digest', () => {
    const sections = `MD5 checksums\n=============\n\n${md5}  django-5.2.10.tar.gz\n\nSHA1 checksums\n==============\n\n${sha1}  django-5.2.10.tar.gz\n`;
    const parsed = parseChecksumFile(checksumText({ sections }), { project: 'Django', version: '5.2.10' });
    expect(strongestAlgorithm(parsed)).toBe('sha1');
  });

  it('rejects a non-https package URL', () => {
    const text = checksumText().replace(
      'https://www.djangoproject.com/download/5.2.10/tarball/',
      'http://www.djangoproject.com/download/5.2.10/tarball/',
    );
    expect(reasonOf(() => parseChecksumFile(text, { project: 'Django', version: '5.2.10' }))).toBe('CHECKSUM_GRAMMAR');
  });

  it.each(['https://[/x', 'https://www.djangoproject.com:99999/x', 'https://exa mple.com/'.replace(' ', '%')])(
    'rejects a package URL that passes the line grammar but not URL parsing: %s',
    (url) => {
      const text = checksumText().replace('https://www.djangoproject.com/download/5.2.10/tarball/', url);
      expect(() => parseChecksumFile(text, { project: 'Django', version: '5.2.10' })).toThrow(
        /^line 7 of the signed text: .* is not an https URL$/,
      );
      expect(reasonOf(() => parseChecksumFile(text, { project: 'Django', version: '5.2.10' }))).toBe(
        'CHECKSUM_GRAMMAR',
      );
    },
  );
});
