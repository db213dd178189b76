import * as openpgp from 'openpgp';
import { IntegrityError } from '../errors.js';
import { keysWithKeyId, displayName, type Keyring, type PinnedKey } from './keyring.js';
import { MAX_SIGNATURE_PACKETS, WEAK_HASH_NAMES } from './openpgp-policy.js';

/** Who made a verified signature: always a pinned primary key, identified by full fingerprint. */
export interface Signer {
  fingerprint: string;
  name: string;
  /** The fingerprint of the key that made the signature (the primary key or one of its subkeys). */
  signingKeyFingerprint: string;
  created: Date;
  keyFile: string;
}

/** Verifies a set of signature packets against exactly one candidate key; results follow packet order. */
export type VerifyWithKey = (key: openpgp.PublicKey) => Promise<Awaited<ReturnType<openpgp.CleartextMessage["verify"]>>>;

export interface SignatureSubject {
  /** What is signed, for messages: "the checksum file", "tag 4.2.28". */
  what: string;
  packets: readonly openpgp.SignaturePacket[];
  expectedType: openpgp.enums.signature;
  verifyWith: VerifyWithKey;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').toUpperCase();

/**
 * The verification rule shared by checksum files and git tags (threat catalog P-05, P-06, P-09):
 * every signature packet must come from a pinned key and verify; one unpinned co-signature or
 * one bad signature claiming a pinned key fails the whole message. A signer is identified by the
 * pinned key's full primary fingerprint, after openpgp.js has validated the subkey binding.
 */
export async function verifyPinnedSignatures(subject: SignatureSubject, keyring: Keyring): Promise<Signer[]> {
  const { packets, what } = subject;
  if (packets.length === 0) {
    throw new IntegrityError('PGP_NO_SIGNATURE', `${what} carries no signature`);
  }
  if (packets.length > MAX_SIGNATURE_PACKETS) {
    throw new IntegrityError('PGP_PARSE', `${what} carries ${packets.length} signatures; at most ${MAX_SIGNATURE_PACKETS} are read`);
  }
  const signers: Signer[] = [];
  for (const [index, packet] of packets.entries()) {
    if (!packet?.issuerKeyID || typeof packet.issuerKeyID.toHex !== 'function') {
      // Found by fuzzing: a mangled signature packet can come back from openpgp.js without an issuer.
      throw new IntegrityError('PGP_PARSE', `${what}: signature ${index + 1} names no issuer key`);
    }
    const keyId = packet.issuerKeyID.toHex().toUpperCase();
    if (packet.signatureType !== subject.expectedType) {
      throw new IntegrityError(
        'PGP_SIGNATURE_TYPE',
        `${what}: signature ${index + 1} has type 0x${(packet.signatureType ?? 0).toString(16).padStart(2, '0')}, expected 0x${subject.expectedType.toString(16).padStart(2, '0')}`,
      );
    }
    const weak = WEAK_HASH_NAMES.get(packet.hashAlgorithm as number);
    if (weak) {
      throw new IntegrityError('PGP_WEAK_HASH', `${what}: signature by key ${keyId} uses ${weak}, which is not accepted`, {
        expected: 'SHA-256 or stronger',
        actual: weak,
      });
    }
    const candidates = keysWithKeyId(keyring, packet.issuerKeyID);
    if (candidates.length === 0) {
      const claimed = packet.issuerFingerprint ? hex(packet.issuerFingerprint) : `key id ${keyId}`;
      throw new IntegrityError(
        'PGP_UNPINNED_SIGNER',
        `${what} is signed by ${claimed}, which is not one of the ${keyring.keys.length} pinned keys in ${keyring.dir}. ` +
          `If a release manager really uses this key, obtain it, check its full fingerprint with them through another channel, ` +
          `and add it to ${keyring.dir} (README, "Pinning keys"); crosscheck never fetches keys itself`,
        { expected: keyring.keys.map((k) => k.fingerprint).join(', '), actual: claimed },
      );
    }
    signers.push(await verifyAgainstCandidates(subject, index, packet, candidates));
  }
  return signers;
}

async function verifyAgainstCandidates(
  subject: SignatureSubject,
  index: number,
  packet: openpgp.SignaturePacket,
  candidates: PinnedKey[],
): Promise<Signer> {
  let lastError: unknown;
  for (const pinned of candidates) {
    try {
      const results = await subject.verifyWith(pinned.key);
      const result = results[index];
      if (!result) throw new Error('openpgp returned no result for this signature');
      await result.verified;
      const signingKey = pinned.key.getKeys(packet.issuerKeyID)[0]!;
      const signingKeyFingerprint = signingKey.getFingerprint().toUpperCase();
      if (packet.issuerFingerprint && hex(packet.issuerFingerprint) !== signingKeyFingerprint) {
        throw new Error(`issuer fingerprint ${hex(packet.issuerFingerprint)} is not the verifying key ${signingKeyFingerprint}`);
      }
      return {
        fingerprint: pinned.fingerprint,
        name: displayName(pinned.name),
        signingKeyFingerprint,
        created: packet.created ?? new Date(0),
        keyFile: pinned.file,
      };
    } catch (error) {
      lastError = error;
    }
  }
  const message = lastError instanceof Error ? lastError.message : String(lastError);
  const fingerprints = candidates.map((c) => c.fingerprint).join(', ');
  throw new IntegrityError(reasonForOpenpgpError(message), `${subject.what}: the signature claiming pinned key ${fingerprints} does not verify: ${message}`, {
    expected: `a valid signature by ${fingerprints}`,
    actual: message,
  });
}

/** Maps openpgp.js's error sentences to stable reason codes. */
export function reasonForOpenpgpError(message: string): string {
  if (/insecure (message )?hash algorithm/i.test(message)) return 'PGP_WEAK_HASH';
  if (/revoked/i.test(message)) return 'PGP_KEY_REVOKED';
  if (/expired/i.test(message)) return 'PGP_KEY_EXPIRED';
  if (/RSA keys shorter than|considered too weak|public key algorithm|curve/i.test(message)) return 'PGP_WEAK_KEY';
  if (/in the future|creation time/i.test(message)) return 'PGP_SIG_TIME_IMPLAUSIBLE';
  if (/binding signature/i.test(message)) return 'PGP_BAD_SIGNATURE';
  return 'PGP_BAD_SIGNATURE';
}
