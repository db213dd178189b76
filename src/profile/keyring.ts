import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { UsageError } from '../model/errors.js';
import { CRYPTO_ONLY } from '../formats/openpgp.js';
import { readUserFile } from '../io/local-files.js';

/** A key with every signature it has gathered can reach a few hundred kilobytes; this is far past that. */
const MAX_KEY_FILE_BYTES = 8 * 1024 * 1024;

export interface PinnedKey {
  /** Full primary-key fingerprint, upper-case hex (40 for v4, 64 for v6). */
  fingerprint: string;
  /** The first user id, for display only — never used for trust. */
  name: string;
  file: string;
  key: openpgp.PublicKey;
}

export interface Keyring {
  dir: string;
  keys: readonly PinnedKey[];
}

const FINGERPRINT = /^(?:[0-9A-F]{40}|[0-9A-F]{64})$/;

/**
 * Loads every ASCII-armored public key in `dir/*.asc` and pins each primary key by its full
 * fingerprint. Keys are never fetched: this directory is the whole trust root. A secret key,
 * an unreadable file or an empty directory is a configuration error.
 */
export async function loadKeyring(dir: string): Promise<Keyring> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.asc')).sort();
  } catch (error) {
    throw new UsageError(
      `cannot read the key directory ${dir}: ${(error as Error).message}`,
      'pass --keys DIR, a directory of *.asc public keys',
    );
  }
  if (names.length === 0) {
    throw new UsageError(
      `no *.asc public keys in ${dir}`,
      'pin at least one release manager key (see the README, "Pinning keys")',
    );
  }
  const keys: PinnedKey[] = [];
  for (const name of names) {
    const file = join(dir, name);
    let armored: string;
    try {
      armored = readUserFile(
        file,
        MAX_KEY_FILE_BYTES,
        (size) => new Error(`it is ${size} bytes; an armored public key is a few kilobytes`),
      ).toString('utf8');
    } catch (error) {
      throw new UsageError(
        `cannot read the key ${file}: ${(error as Error).message}`,
        'the key directory holds *.asc public keys, each a regular file',
      );
    }
    let read: openpgp.Key[];
    try {
      read = await openpgp.readKeys({ armoredKeys: armored, config: CRYPTO_ONLY });
    } catch (error) {
      throw new UsageError(`${file} is not an ASCII-armored OpenPGP public key: ${(error as Error).message}`);
    }
    for (const key of read) {
      if (key.isPrivate()) {
        throw new UsageError(`${file} holds a secret key; the key directory must hold public keys only`);
      }
      const fingerprint = key.getFingerprint().toUpperCase();
      if (!FINGERPRINT.test(fingerprint)) throw new UsageError(`${file}: unexpected fingerprint form ${fingerprint}`);
      if (keys.some((k) => k.fingerprint === fingerprint)) {
        throw new UsageError(`${file}: key ${fingerprint} is pinned twice`);
      }
      keys.push({ fingerprint, name: key.getUserIDs()[0] ?? '(no user id)', file, key: key as openpgp.PublicKey });
    }
  }
  return { dir, keys };
}

/** The pinned keys that hold a primary key or subkey with this key id (normally zero or one). */
export function keysWithKeyId(keyring: Keyring, keyID: openpgp.KeyID): PinnedKey[] {
  return keyring.keys.filter((pinned) => pinned.key.getKeys(keyID).length > 0);
}

/** "Jacob Walls" from "Jacob Walls <jacob@example>" — display only. */
export function displayName(userId: string): string {
  return userId.replace(/\s*<[^>]*>\s*$/, '').trim() || userId;
}
