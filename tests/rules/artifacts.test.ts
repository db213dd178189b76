import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashFile, type FetchedFile } from '../../src/io/cache.js';
import { digestCheck, weakAlgorithmsFor } from '../../src/rules/artifacts.js';

const bytes = Buffer.from('the release manager signed these bytes\n');
const digest = (algorithm: string, data: Buffer = bytes) => createHash(algorithm).update(data).digest('hex');
const fields = {
  id: 'site.sdist.digest',
  channel: 'site' as const,
  artifact: 'sdist',
  url: 'https://www.djangoproject.com/m/releases/1.4/Django-1.4.tar.gz',
};

describe('digestCheck holds a download to the strongest signed digest', () => {
  let dir: string;
  let file: FetchedFile;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crosscheck-digest-'));
    const path = join(dir, 'Django-1.4.tar.gz');
    await writeFile(path, bytes);
    const digests = await hashFile(path, ['sha1', 'md5']);
    file = {
      ...digests,
      path,
      url: fields.url,
      finalUrl: fields.url,
      fromCache: false,
      fetchedAt: '2026-11-29T00:00:00Z',
    };
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('passes on the signed SHA-256, whatever weaker digests say beside it', () => {
    expect(
      digestCheck(fields, 'Django-1.4.tar.gz', { sha256: digest('sha256'), md5: 'f'.repeat(32) }, file),
    ).toMatchObject({ status: 'pass', expected: digest('sha256') });
  });

  it('fails when the SHA-256 differs, naming both digests', () => {
    const signed = digest('sha256', Buffer.from('other bytes'));
    expect(
      digestCheck(fields, 'Django-1.4.tar.gz', { sha256: signed, sha1: digest('sha1'), md5: digest('md5') }, file),
    ).toMatchObject({
      status: 'fail',
      reason: 'DIGEST_MISMATCH',
      expected: `sha256:${signed}`,
      actual: `sha256:${digest('sha256')}`,
    });
  });

  it('compares SHA-1 when only MD5 and SHA-1 are signed, and warns at best', () => {
    expect(digestCheck(fields, 'Django-1.4.tar.gz', { sha1: digest('sha1'), md5: digest('md5') }, file)).toMatchObject({
      status: 'warn',
      reason: 'CHECKSUM_WEAK_ONLY',
      expected: digest('sha1'),
    });
    expect(digestCheck(fields, 'Django-1.4.tar.gz', { sha1: '0'.repeat(40), md5: digest('md5') }, file)).toMatchObject({
      status: 'fail',
      reason: 'DIGEST_MISMATCH',
    });
    expect(digestCheck(fields, 'Django-1.4.tar.gz', { md5: '0'.repeat(32) }, file)).toMatchObject({
      status: 'fail',
      reason: 'DIGEST_MISMATCH',
    });
  });

  it('is unverified without a signed digest', () => {
    expect(digestCheck(fields, 'Django-1.4.tar.gz', undefined, file)).toMatchObject({
      status: 'unverified',
      reason: 'NO_SIGNED_CHECKSUM',
    });
  });

  it('asks downloads for a weak digest only when it is the strongest signed', () => {
    expect(weakAlgorithmsFor({ sha256: 'a', sha1: 'b', md5: 'c' })).toEqual([]);
    expect(weakAlgorithmsFor({ sha1: 'b', md5: 'c' })).toEqual(['sha1']);
    expect(weakAlgorithmsFor({ md5: 'c' })).toEqual(['md5']);
    expect(weakAlgorithmsFor(undefined)).toEqual([]);
  });
});
