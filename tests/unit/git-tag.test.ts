import { mkdtemp, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitRepo } from '../../fixtures/release/git-repo.js';
import { GpgHome, testKeyFingerprint } from '../../fixtures/release/gpg.js';
import { parseTagObject } from '../../src/formats/git-tag.js';
import { verifyTagSignature } from '../../src/rules/signed-documents.js';
import { type Keyring, loadKeyring } from '../../src/profile/keyring.js';
import { reasonOf, verdictOf } from '../helpers/reason.js';
import { DJANGO_KEYS, PINNED_TEST_KEYS, REAL } from '../helpers/paths.js';

const LIMIT = 64 * 1024;

const reason = reasonOf;
const trustIn = (keyring: Keyring, version = '1.0.0') => ({ keyring, version, now: new Date() });

describe('real Django tag objects against keys/django (the whole history: tests/rules/real-tag-history.test.ts)', () => {
  let keyring: Keyring;
  beforeAll(async () => {
    keyring = await loadKeyring(DJANGO_KEYS);
  });

  it('3.2.25 points at c98eca322af87adf046ab621e7c8a23d340f7afe, signed by Mariusz Felisiak', async () => {
    const tag = parseTagObject(readFileSync(join(REAL, 'tags', '3.2.25.tag')), LIMIT);
    expect(tag.object).toBe('c98eca322af87adf046ab621e7c8a23d340f7afe');
    const verdict = await verifyTagSignature(tag, trustIn(keyring, '3.2.25'));
    expect(verdict.status).toBe('pass');
    expect(verdict.signers[0]!.fingerprint).toBe('ABB2C2A8CD01F1613618B70D2EF56372BA48CD1B');
  });

  it('1.11.28 is an annotated tag without a signature', async () => {
    const tag = parseTagObject(readFileSync(join(REAL, 'tags', '1.11.28.tag')), LIMIT);
    expect(tag.signature).toBeUndefined();
    expect(await reason(() => verifyTagSignature(tag, trustIn(keyring, '1.11.28')))).toBe('TAG_UNSIGNED');
  });

  it('1.7.1 is signed by James Bennett, whose key is not pinned: unverified only where the profile names his key for that era', async () => {
    const tag = parseTagObject(readFileSync(join(REAL, 'tags', '1.7.1.tag')), LIMIT);
    expect(await verdictOf(verifyTagSignature(tag, trustIn(keyring, '1.7.1')))).toBe('fail PGP_UNPINNED_SIGNER');
    const keysNotHeld = [{ name: 'James Bennett', keyIds: ['2D9266A6808FE067'], when: ['<1.8'] }];
    expect(await verdictOf(verifyTagSignature(tag, { ...trustIn(keyring, '1.7.1'), keysNotHeld }))).toBe(
      'unverified PGP_KEY_NOT_HELD',
    );
  });
});

describe('tag objects made by git tag -s (threat catalog G-01, G-04, G-06, P-10)', () => {
  let gpg: GpgHome;
  let repo: GitRepo;
  let keyring: Keyring;
  let genuine: Buffer;

  beforeAll(async () => {
    gpg = await GpgHome.create();
    keyring = await loadKeyring(PINNED_TEST_KEYS);
    const dir = await promisify(mkdtemp)(join(tmpdir(), 'crosscheck-tags-'));
    repo = await GitRepo.init(join(dir, 'repo.git'), gpg);
    const commit = await repo.commit(
      [{ path: 'README', kind: 'file', content: Buffer.from('hello\n') }],
      'initial',
      new Date('2024-01-01T00:00:00Z'),
    );
    genuine = await repo.catFile('tag', await repo.tag('1.0.0', commit, 'alice', new Date('2024-01-01T00:00:00Z')));
  });
  afterAll(async () => {
    await gpg.dispose();
  });

  it('accepts a genuine GnuPG-signed tag', async () => {
    const verdict = await verifyTagSignature(parseTagObject(genuine, LIMIT), trustIn(keyring));
    expect(verdict.status).toBe('pass');
    expect(verdict.signers[0]!.fingerprint).toBe(await testKeyFingerprint('alice'));
  });

  it('accepts a tag signed with a signing subkey', async () => {
    const commit = (await repo.git(['rev-parse', 'main'])).trim();
    const raw = await repo.catFile('tag', await repo.tag('1.0.1', commit, 'bob', new Date('2024-01-02T00:00:00Z')));
    expect((await verifyTagSignature(parseTagObject(raw, LIMIT), trustIn(keyring))).signers[0]!.fingerprint).toBe(
      await testKeyFingerprint('bob'),
    );
  });

  it('rejects a second signature block after the genuine one (git uses the last) (G-01)', async () => {
    const text = genuine.toString();
    const block = text.slice(text.indexOf('-----BEGIN PGP SIGNATURE-----'));
    expect(await reason(() => parseTagObject(Buffer.from(text + block), LIMIT))).toBe('TAG_SIGNATURE_FRAMING');
    expect(await reason(() => parseTagObject(Buffer.from(`${text}trailing text\n`), LIMIT))).toBe(
      'TAG_SIGNATURE_FRAMING',
    );
  });

  it.each([
    ['a duplicate tag header', (t: string) => t.replace('tag 1.0.0\n', 'tag 1.0.0\ntag 9.9.9\n')],
    ['a missing tagger', (t: string) => t.replace(/tagger [^\n]*\n/, '')],
    ['an extra header', (t: string) => t.replace('tag 1.0.0\n', 'tag 1.0.0\nencoding latin1\n')],
    ['headers out of order', (t: string) => t.replace(/^(object [^\n]*\n)(type [^\n]*\n)/, '$2$1')],
    ['a carriage return', (t: string) => t.replace('tag 1.0.0\n', 'tag 1.0.0\r\n')],
    ['a NUL byte', (t: string) => t.replace('Tag 1.0.0', 'Tag\u00001.0.0')],
    [
      'an abbreviated object id',
      (t: string) => t.replace(/^object ([0-9a-f]{40})/, (_, id: string) => `object ${id.slice(0, 12)}`),
    ],
    ['no blank line after the headers', (t: string) => t.replace(/\n\n/, '\n')],
  ])('rejects a tag object with %s (G-04)', async (_, mutate) => {
    expect(await reason(() => parseTagObject(Buffer.from(mutate(genuine.toString())), LIMIT))).toBe('TAG_GRAMMAR');
  });

  it('rejects an SSH-signed tag (G-06)', async () => {
    const text = genuine.toString();
    const ssh = `${text.slice(0, text.indexOf('-----BEGIN PGP SIGNATURE-----'))}-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAQ==\n-----END SSH SIGNATURE-----\n`;
    expect(await reason(() => parseTagObject(Buffer.from(ssh), LIMIT))).toBe('TAG_SIG_FORMAT');
  });

  it('rejects a text-mode signature over the tag payload (P-10)', async () => {
    const tag = parseTagObject(genuine, LIMIT);
    const textMode = await gpg.gpg(
      ['--local-user', await testKeyFingerprint('alice'), '--textmode', '--armor', '--detach-sign'],
      tag.payload,
    );
    const forged = parseTagObject(Buffer.concat([tag.payload, Buffer.from(textMode)]), LIMIT);
    expect(await verdictOf(verifyTagSignature(forged, trustIn(keyring)))).toBe('fail PGP_SIGNATURE_TYPE');
  });

  it('rejects a tag signed by an unpinned key', async () => {
    const commit = (await repo.git(['rev-parse', 'main'])).trim();
    const raw = await repo.catFile('tag', await repo.tag('6.6.6', commit, 'mallory', new Date('2024-01-03T00:00:00Z')));
    expect(await verdictOf(verifyTagSignature(parseTagObject(raw, LIMIT), trustIn(keyring)))).toBe(
      'fail PGP_UNPINNED_SIGNER',
    );
  });

  it('rejects a tag object over the size limit before parsing it', async () => {
    expect(await reason(() => parseTagObject(Buffer.alloc(LIMIT + 1, 0x61), LIMIT))).toBe('LIMIT_EXCEEDED');
  });
});
