import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpgHome, openpgpClearsign, testKeyFingerprint, testKeyPath } from '../../fixtures/release/gpg.js';
import { parseChecksumFile } from '../../src/formats/checksum-file.js';
import { verifyClearsigned } from '../../src/rules/signed-documents.js';
import { type Keyring, loadKeyring } from '../../src/profile/keyring.js';
import { reasonOf, verdictOf } from '../helpers/reason.js';
import { DJANGO_KEYS, PINNED_TEST_KEYS, REAL } from '../helpers/paths.js';

const MAX = 256 * 1024;
const REAL_SIGNERS: Record<string, string> = {
  '1.11.28': 'FE5FB63876A1D718A8C67556E17DF5C82B4F9D00',
  '2.2.10': 'FE5FB63876A1D718A8C67556E17DF5C82B4F9D00',
  '3.2.9': 'ABB2C2A8CD01F1613618B70D2EF56372BA48CD1B',
  '4.1.5': 'ABB2C2A8CD01F1613618B70D2EF56372BA48CD1B',
  '4.2.6': '5B5B1BA10D85AC7C5C76E38F2EE82A8D9470983E',
  '4.2.11': 'ABB2C2A8CD01F1613618B70D2EF56372BA48CD1B',
  '4.2.28': '53D46942E006A2A3EEDC8BC8131403F4D16D8DC7',
  '5.1.4': 'EB1B380D8AC52D002BACD3323955B19851EA96EF',
  '5.2.15': '5B5B1BA10D85AC7C5C76E38F2EE82A8D9470983E',
  '5.2.16': '53D46942E006A2A3EEDC8BC8131403F4D16D8DC7',
};

const reason = reasonOf;
const trustIn = (keyring: Keyring, version = '9.9.9') => ({ keyring, version, now: new Date() });

describe('real Django checksum files against keys/django', () => {
  let keyring: Keyring;
  beforeAll(async () => {
    keyring = await loadKeyring(DJANGO_KEYS);
  });
  const files = readdirSync(join(REAL, 'checksums'));
  it('has one test vector per known release', () => expect(files).toHaveLength(Object.keys(REAL_SIGNERS).length));

  it.each(files)('%s verifies, names its signer by full fingerprint, and parses', async (file) => {
    const version = file.replace(/^Django-|\.checksum\.txt$/g, '');
    const verified = await verifyClearsigned(readFileSync(join(REAL, 'checksums', file)), trustIn(keyring, version), {
      what: file,
      maxBytes: MAX,
    });
    expect(verified.verdict.status).toBe('pass');
    expect(verified.verdict.signers.map((s) => s.fingerprint)).toEqual([REAL_SIGNERS[version]]);
    const parsed = parseChecksumFile(verified.signedText, { project: 'Django', version });
    expect(parsed.version).toBe(version);
    expect(parsed.algorithms).toEqual(['md5', 'sha1', 'sha256']);
    const digests = readFileSync(join(REAL, 'digests.tsv'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith(`${version}\t`))
      .map((l) => l.split('\t'));
    expect(digests.length).toBe(2);
    for (const [, name, sha256] of digests) expect(parsed.digests.get(name!)?.sha256).toBe(sha256);
  });

  it.each(files)('%s with one character changed inside the signed text fails', async (file) => {
    const text = readFileSync(join(REAL, 'checksums', file), 'utf8');
    const line = text.split('\n').findIndex((l) => /^[0-9a-f]{64} {2}/.test(l));
    const lines = text.split('\n');
    lines[line] = (lines[line]![0] === 'a' ? 'b' : 'a') + lines[line]!.slice(1);
    expect(
      await verdictOf(
        verifyClearsigned(Buffer.from(lines.join('\n')), trustIn(keyring), { what: file, maxBytes: MAX }),
      ),
    ).toBe('fail PGP_BAD_SIGNATURE');
  });

  it('accepts signatures made before a key expired (Carlton Gibson 2020, Tim Graham)', async () => {
    const carlton = keyring.keys.find((k) => k.fingerprint === REAL_SIGNERS['1.11.28'])!;
    expect(await carlton.key.getExpirationTime()).toBeInstanceOf(Date);
    expect(((await carlton.key.getExpirationTime()) as Date).getTime()).toBeLessThan(Date.now());
  });
});

describe('clearsigned framing and signatures (threat catalog P-01 … P-13)', () => {
  let gpg: GpgHome;
  let keyring: Keyring;
  const text =
    'This file contains checksums for the source-code\ntarball and wheel files of Django 9.9.9, released January 1, 2030.\n\nSHA256 checksums\n================\n\n' +
    `${'a'.repeat(64)}  django-9.9.9.tar.gz\n`;
  let genuine: string;
  const verify = (armored: string | Buffer) =>
    verifyClearsigned(Buffer.from(armored), trustIn(keyring), { what: 'test file', maxBytes: MAX });
  const outcome = (armored: string | Buffer) => verdictOf(verify(armored));

  beforeAll(async () => {
    gpg = await GpgHome.create([
      'alice',
      'bob',
      'carol-expired',
      'dave-revoked',
      'mallory',
      'walter-weak',
      'erin',
      'frank',
    ]);
    keyring = await loadKeyring(PINNED_TEST_KEYS);
    genuine = await gpg.clearsign(text, 'alice');
  });
  afterAll(async () => {
    await gpg.dispose();
  });

  it('accepts a GnuPG clearsignature by a pinned key, and names the signer', async () => {
    const result = await verify(genuine);
    // The line break before the signature belongs to the armor, not to the signed text.
    expect(result.signedText).toBe(text.replace(/\n$/, ''));
    expect(result.verdict.status).toBe('pass');
    expect(result.verdict.signers[0]!.fingerprint).toBe(await testKeyFingerprint('alice'));
  });

  it('accepts an openpgp.js clearsignature by the same key', async () => {
    const result = await verify(await openpgpClearsign(text, 'alice'));
    expect(result.verdict.signers[0]!.fingerprint).toBe(await testKeyFingerprint('alice'));
  });

  it('accepts a signature made by a signing subkey and reports the primary fingerprint (P-09)', async () => {
    const result = await verify(await gpg.clearsign(text, 'bob'));
    expect(result.verdict.status).toBe('pass');
    expect(result.verdict.signers[0]!.fingerprint).toBe(await testKeyFingerprint('bob'));
    expect(result.verdict.signers[0]!.signingKeyFingerprint).not.toBe(result.verdict.signers[0]!.fingerprint);
  });

  it('rejects text before or after the armor, though openpgp.js alone accepts it (P-01)', async () => {
    const prefixed = `${'0'.repeat(64)}  django-9.9.9.tar.gz\n${genuine}`;
    const suffixed = `${genuine}${'0'.repeat(64)}  django-9.9.9.tar.gz\n`;
    for (const variant of [prefixed, suffixed]) {
      const message = await openpgp.readCleartextMessage({ cleartextMessage: variant });
      const control = await openpgp.verify({ message, verificationKeys: keyring.keys.map((k) => k.key) });
      await expect(control.signatures[0]!.verified).resolves.toBe(true);
      expect(await reason(verify(variant))).toBe('PGP_TEXT_OUTSIDE_ARMOR');
    }
  });

  it('rejects two signed blocks in either order (P-02)', async () => {
    const attacker = await gpg.clearsign(text.replace('a'.repeat(64), 'b'.repeat(64)), 'mallory');
    expect(await reason(verify(genuine + attacker))).toBe('PGP_MULTIPLE_BLOCKS');
    expect(await reason(verify(attacker + genuine))).toBe('PGP_MULTIPLE_BLOCKS');
  });

  it("rejects armor-header abuse: text before Hash, unknown headers, a missing Hash, one that is not the signature's (P-03)", async () => {
    expect(await reason(verify(genuine.replace('Hash: SHA256', 'Injected text. Hash: SHA256')))).toBe(
      'PGP_ARMOR_HEADER',
    );
    expect(await reason(verify(genuine.replace('Hash: SHA256\n', 'Hash: SHA256\nNotDashEscaped: yes\n')))).toBe(
      'PGP_ARMOR_HEADER',
    );
    expect(await reason(verify(genuine.replace('Hash: SHA256\n', '')))).toBe('PGP_ARMOR_HEADER');
    expect(await reason(verify(genuine.replace('Hash: SHA256', 'Hash: SHA1')))).toBe('PGP_PARSE');
    expect(await reason(verify(genuine.replace('Hash: SHA256', 'Hash: WHIRLPOOL')))).toBe('PGP_ARMOR_HEADER');
  });

  it('ignores unsigned trailing whitespace without letting it change the parsed text (P-04)', async () => {
    const padded = genuine.replace('django-9.9.9.tar.gz\n', 'django-9.9.9.tar.gz \t \n');
    expect((await verify(padded)).signedText).toBe(text.replace(/\n$/, ''));
  });

  it('rejects control characters and a broken dash-escape (P-04)', async () => {
    const withFormFeed = await gpg.clearsign(text.replace('tarball', 'tar\fball'), 'alice');
    expect(await reason(verify(withFormFeed))).toBe('PGP_PARSE');
    const dashed = await gpg.clearsign(`${text}-----BEGIN PGP SIGNATURE-----\n`, 'alice');
    expect(dashed).toContain('- -----BEGIN PGP SIGNATURE-----');
    expect(await reason(verify(dashed.replace('- -----BEGIN', '-----BEGIN')))).toBe('PGP_MULTIPLE_BLOCKS');
  });

  it('rejects a valid signature by a key that is not pinned (P-05)', async () => {
    expect(await outcome(await gpg.clearsign(text, 'mallory'))).toBe('fail PGP_UNPINNED_SIGNER');
  });

  it('rejects a co-signature by an unpinned key, and a bad signature claiming a pinned key (P-06)', async () => {
    const both = await gpg.gpg(
      [
        '--local-user',
        await testKeyFingerprint('alice'),
        '--local-user',
        await testKeyFingerprint('mallory'),
        '--digest-algo',
        'SHA256',
        '--clearsign',
      ],
      text,
    );
    expect(await outcome(both)).toBe('fail PGP_UNPINNED_SIGNER');
    const other = await openpgp.readCleartextMessage({ cleartextMessage: await gpg.clearsign(`${text}\n`, 'alice') });
    const forged = await openpgp.readCleartextMessage({ cleartextMessage: genuine });
    const signature = (forged as unknown as { signature: openpgp.Signature }).signature;
    signature.packets.splice(
      0,
      signature.packets.length,
      ...(other as unknown as { signature: openpgp.Signature }).signature.packets,
    );
    expect(await outcome(forged.armor())).toBe('fail PGP_BAD_SIGNATURE');
  });

  it('accepts SHA-1 made before 2020 with a warning; leaves later SHA-1, MD5 and an RSA-1024 key unverified, never failed (P-07)', async () => {
    const historical = await gpg.clearsign(text, 'alice', { digestAlgo: 'SHA1', fakedTime: '20180801T120000' });
    expect(await outcome(historical)).toBe('warn PGP_SHA1_HISTORICAL');
    expect((await verify(historical)).verdict.signers[0]!.fingerprint).toBe(await testKeyFingerprint('alice'));
    expect(
      await outcome(await gpg.clearsign(text, 'alice', { digestAlgo: 'SHA1', fakedTime: '20200101T000100' })),
    ).toBe('unverified PGP_WEAK_HASH');
    expect(await outcome(await gpg.clearsign(text, 'alice', { digestAlgo: 'MD5', fakedTime: '20180801T120000' }))).toBe(
      'unverified PGP_WEAK_HASH',
    );
    expect(await reason(verify(historical.replace('Hash: SHA1', 'Hash: SHA256')))).toBe('PGP_PARSE');
    expect(await outcome(await gpg.clearsign(text, 'walter-weak'))).toBe('unverified PGP_WEAK_KEY');
    // Weak, yet still a signature: one that does not verify fails all the same.
    const altered = historical.replace('django-9.9.9.tar.gz', 'django-9.9.8.tar.gz');
    expect(await outcome(altered)).toBe('fail PGP_BAD_SIGNATURE');
  });

  it('accepts a signature made while a key was valid; leaves one made after the pinned copy expired unverified; fails a revoked key (P-08)', async () => {
    const beforeExpiry = await gpg.clearsign(text, 'carol-expired', { fakedTime: '20210601T120000' });
    expect(await outcome(beforeExpiry)).toBe('pass -');
    expect((await verify(beforeExpiry)).verdict.signers[0]!.fingerprint).toBe(
      await testKeyFingerprint('carol-expired'),
    );
    // Erin extended her key after the copy pinned here was taken, and went on signing.
    const afterExpiry = await verify(await gpg.clearsign(text, 'erin', { fakedTime: '20220601T120000' }));
    expect(`${afterExpiry.verdict.status} ${afterExpiry.verdict.reason}`).toBe('unverified PGP_KEY_COPY_STALE');
    expect(afterExpiry.verdict.message).toMatch(
      /signed by Erin Extended \(FC642A70D768AEFD080EFB57F549705568627703\) on 2022-06-01, but the pinned copy of the key in .*erin\.pub\.asc expired on 2021-01-01/,
    );
    expect(await outcome(await gpg.clearsign(text, 'erin', { fakedTime: '20200601T120000' }))).toBe('pass -');
    // Frank's pinned copy carries only a self-signature made after this signature, as Django 2.0.6's key does.
    expect(await outcome(await gpg.clearsign(text, 'frank', { fakedTime: '20180601T000000' }))).toBe('pass -');
    expect(afterExpiry.verdict.remedy).toMatch(/refresh the copy/);
    const revoked = await gpg.clearsign(text, 'dave-revoked', { fakedTime: '20200101T000100' });
    expect(await outcome(revoked)).toBe('fail PGP_KEY_REVOKED');
  });

  it('leaves a signature dated in the future, or before its key existed, unverified (P-08)', async () => {
    expect(await outcome(await gpg.clearsign(text, 'alice', { fakedTime: '20991231T000000' }))).toBe(
      'unverified PGP_SIG_TIME_IMPLAUSIBLE',
    );
    const beforeKey = await gpg.gpg(
      [
        '--faked-system-time',
        '20050101T000000',
        '--ignore-time-conflict',
        '--local-user',
        await testKeyFingerprint('alice'),
        '--digest-algo',
        'SHA256',
        '--clearsign',
      ],
      text,
    );
    expect(await outcome(beforeKey)).toBe('unverified PGP_SIG_TIME_IMPLAUSIBLE');
  });

  it('accepts a notation that is not critical, and leaves a critical one it cannot act on unverified, never crashing', async () => {
    const sign = async (notation: string) =>
      gpg.gpg(
        [
          '--local-user',
          await testKeyFingerprint('alice'),
          '--digest-algo',
          'SHA256',
          '--sig-notation',
          notation,
          '--clearsign',
        ],
        text,
      );
    expect(await outcome(await sign('preferred-email-encoding@pgp.com=pgpmime'))).toBe('pass -');
    // The verification config once lacked openpgp.js's list of known notations, and any critical
    // notation crashed it with "Cannot read properties of undefined (reading 'indexOf')".
    expect(await outcome(await sign('!preferred-email-encoding@pgp.com=pgpmime'))).toBe(
      'unverified PGP_CRITICAL_UNKNOWN',
    );
    expect(await outcome(await sign('!surprise@evil.test=1'))).toBe('unverified PGP_CRITICAL_UNKNOWN');
  });

  it('rejects a signing subkey grafted onto a pinned key: the fingerprint is unchanged (P-09)', async () => {
    const { privateKey: graft } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'ed25519Legacy',
      userIDs: [{ name: 'graft' }],
      subkeys: [{ sign: true }],
      format: 'object',
    });
    const pinned = await openpgp.readKey({ armoredKey: readFileSync(testKeyPath('alice'), 'utf8') });
    pinned.subkeys.push(...graft.toPublic().subkeys);
    const dir = await import('node:fs/promises').then((fs) => fs.mkdtemp('/tmp/crosscheck-graft-'));
    await import('node:fs/promises').then((fs) => fs.writeFile(join(dir, 'alice.asc'), pinned.armor()));
    const grafted = await loadKeyring(dir);
    expect(grafted.keys[0]!.fingerprint).toBe(await testKeyFingerprint('alice'));
    const message = await openpgp.createCleartextMessage({ text });
    const signed = await openpgp.sign({ message, signingKeys: graft, signingKeyIDs: [graft.subkeys[0]!.getKeyID()] });
    expect(
      await verdictOf(verifyClearsigned(Buffer.from(signed), trustIn(grafted), { what: 'grafted', maxBytes: MAX })),
    ).toBe('fail PGP_BAD_SIGNATURE');
  });

  it('rejects an inline-signed message where a clearsigned file is expected (P-11)', async () => {
    const inline = await gpg.gpg(['--local-user', await testKeyFingerprint('alice'), '--armor', '--sign'], text);
    expect(await reason(verify(inline))).toBe('PGP_UNSUPPORTED_FORMAT');
  });

  it('rejects oversized files before parsing, broken armor, and too many signatures (P-13)', async () => {
    expect(await reason(verify(Buffer.alloc(MAX + 1, 0x41)))).toBe('LIMIT_EXCEEDED');
    const [signedPart, signaturePart] = genuine.split('-----BEGIN PGP SIGNATURE-----');
    const broken = `${signedPart}-----BEGIN PGP SIGNATURE-----${signaturePart!.replace(/\n\n[A-Za-z0-9+/]{4}/, '\n\n!!!!')}`;
    expect(await reason(verify(broken))).toBe('PGP_PARSE');
    const many = await openpgp.readCleartextMessage({ cleartextMessage: genuine });
    const packets = (many as unknown as { signature: openpgp.Signature }).signature.packets;
    packets.push(packets[0]!, packets[0]!, packets[0]!, packets[0]!);
    expect(await outcome(many.armor())).toBe('fail PGP_PARSE');
  });
});
