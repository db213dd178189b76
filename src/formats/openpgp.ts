import * as openpgp from 'openpgp';

/**
 * openpgp.js configuration for cryptography only. openpgp.js also applies its own algorithm and
 * time policy inside `verify` (SHA-1 refused, validity checked against the key's self-signatures
 * at the signature's date), and that policy calls genuine history bad: tags signed with SHA-1
 * before 2020, and Django 2.0.6, signed a month before the self-signatures its key carries today.
 * crosscheck keeps openpgp.js for the mathematics and decides validity itself (rules/key-validity.ts, rules/signature.ts),
 * as GnuPG does. `knownNotations` and every other default stay: a frozen partial config once left
 * them out and a critical notation crashed verification.
 */
export const CRYPTO_ONLY: openpgp.Config = Object.freeze({
  ...openpgp.config,
  rejectMessageHashAlgorithms: new Set<openpgp.enums.hash>(),
  rejectHashAlgorithms: new Set<openpgp.enums.hash>(),
  rejectPublicKeyAlgorithms: new Set<openpgp.enums.publicKey>(),
  rejectCurves: new Set<openpgp.enums.curve>(),
  minRSABits: 0,
  allowMissingKeyFlags: true,
  maxDecompressedMessageSize: 1024 * 1024,
  ignoreUnsupportedPackets: false,
  ignoreMalformedPackets: false,
  enforceGrammar: true,
  allowInsecureVerificationWithReformattedKeys: false,
});

/** Hash algorithm names a clearsigned file's `Hash:` armor header may carry (RFC 4880, 9.4). */
export const ARMOR_HASHES: ReadonlySet<string> = new Set([
  'MD5',
  'SHA1',
  'RIPEMD160',
  'SHA224',
  'SHA256',
  'SHA384',
  'SHA512',
]);

/** A message's signature packets and the data they sign, as openpgp.js hashes it. */
export interface SignedSubject {
  /** What is signed, for messages: "the checksum file", "tag 4.2.28". */
  what: string;
  packets: readonly openpgp.SignaturePacket[];
  expectedType: openpgp.enums.signature;
  literal: openpgp.LiteralDataPacket;
}
