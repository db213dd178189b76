import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { satisfies } from '@renovatebot/pep440';
import { describe, expect, it } from 'vitest';
import { testKeyPath } from '../../fixtures/release/gpg.js';
import { UsageError } from '../../src/model/errors.js';
import { loadKeyring } from '../../src/profile/keyring.js';
import { DJANGO_KEYS, REAL, ROOT } from '../helpers/paths.js';

describe('the pinned Django keyring', () => {
  it('pins exactly the fingerprints its README lists, which are the real-data facts', async () => {
    const keyring = await loadKeyring(DJANGO_KEYS);
    const readme = readFileSync(join(DJANGO_KEYS, 'README.md'), 'utf8');
    const listed = [...readme.matchAll(/\| `[^`]+\.asc` \| `([0-9A-F]{40})` \|/g)].map((m) => m[1]!).sort();
    expect(keyring.keys.map((k) => k.fingerprint).sort()).toEqual(listed);
    const facts = readFileSync(join(REAL, 'FINGERPRINTS.tsv'), 'utf8')
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((l) => l.split('\t')[0]!)
      .sort();
    expect(listed).toEqual(facts);
  });

  it('refuses a secret key in the key directory, and an empty directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crosscheck-keys-'));
    await expect(loadKeyring(dir)).rejects.toBeInstanceOf(UsageError);
    await copyFile(testKeyPath('alice', 'sec'), join(dir, 'alice.asc'));
    await expect(loadKeyring(dir)).rejects.toThrow(/secret key/);
  });

  it('refuses a file that is not a key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crosscheck-keys-'));
    await writeFile(join(dir, 'short-id.asc'), '131403F4D16D8DC7\n');
    await expect(loadKeyring(dir)).rejects.toThrow(/not an ASCII-armored OpenPGP public key/);
  });
});

describe('dependency floors (threat catalog H-08)', () => {
  const version = (name: string) =>
    (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  it.each([
    ['openpgp', '>=6.1.1', 'CVE-2025-47934'],
    ['undici', '>=7.30.2,<8', 'CVE-2026-120423; 8.x needs Node 22'],
    ['yauzl', '>=3.2.1', 'CVE-2026-31988'],
    ['tar-stream', '>=3.1', 'async iteration with error propagation'],
  ])('%s satisfies %s (%s)', (name, range) => {
    expect(satisfies(version(name), range)).toBe(true);
  });
});
