import * as openpgp from 'openpgp';

const { enums } = openpgp;

/**
 * The openpgp.js configuration every verification uses, passed explicitly so that no global
 * mutation can weaken it. These equal or tighten openpgp's defaults (threat catalog P-07, P-11).
 */
export const VERIFY_CONFIG: openpgp.PartialConfig = Object.freeze({
  rejectMessageHashAlgorithms: new Set([enums.hash.md5, enums.hash.ripemd, enums.hash.sha1]),
  rejectHashAlgorithms: new Set([enums.hash.md5, enums.hash.ripemd]),
  rejectPublicKeyAlgorithms: new Set([enums.publicKey.elgamal, enums.publicKey.dsa]),
  rejectCurves: new Set([enums.curve.secp256k1]),
  minRSABits: 2047,
  maxDecompressedMessageSize: 1024 * 1024,
  ignoreUnsupportedPackets: false,
  ignoreMalformedPackets: false,
  enforceGrammar: true,
  allowInsecureVerificationWithReformattedKeys: false,
});

/** Hash algorithms accepted in a clearsigned file's `Hash:` armor header. */
export const ACCEPTED_ARMOR_HASHES: ReadonlySet<string> = new Set(['SHA256', 'SHA384', 'SHA512']);

/** At most this many signature packets on one message (P-13). */
export const MAX_SIGNATURE_PACKETS = 4;

export const WEAK_HASH_NAMES: ReadonlyMap<number, string> = new Map([
  [enums.hash.md5, 'MD5'],
  [enums.hash.sha1, 'SHA-1'],
  [enums.hash.ripemd, 'RIPEMD-160'],
]);
