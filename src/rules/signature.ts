import type { KeyNotHeld, ReleaseManagerBinding } from '../profile/profile.js';
import type { ReasonCode } from '../model/reasons.js';
import * as openpgp from 'openpgp';
import { versionSatisfies } from '../profile/versions.js';
import type { Channel, Check } from '../model/check.js';
import { displayName, keysWithKeyId, type Keyring, type PinnedKey } from '../profile/keyring.js';
import { CRYPTO_ONLY, type SignedSubject } from '../formats/openpgp.js';
import { type KeyFacts, primaryFacts, subkeyFacts } from './key-validity.js';

const { enums } = openpgp;

/** Who made a verified signature: always a pinned primary key, identified by full fingerprint. */
export interface Signer {
  fingerprint: string;
  name: string;
  /** The fingerprint of the key that made the signature (the primary key or one of its subkeys). */
  signingKeyFingerprint: string;
  created: Date;
  keyFile: string;
}

export type SignatureStatus = 'pass' | 'warn' | 'unverified' | 'fail';

/**
 * What the signatures on one message establish. `fail`: the evidence contradicts the message (a
 * signature that does not verify, an unknown signer, a revoked key). `unverified`: it could not be
 * checked here, and `remedy` says what the user does. `warn`: accepted on weaker evidence, named.
 */
export interface SignatureVerdict {
  status: SignatureStatus;
  reason?: ReasonCode;
  message: string;
  remedy?: string;
  /** The pinned keys whose signatures verified (also for warn, and for unverified when the cryptography held). */
  signers: Signer[];
  expected?: string;
  actual?: string;
}

/** Everything a signature is judged against: the pinned keys, the profile's signer policy, the release, the time. */
export interface SignerTrust {
  keyring: Keyring;
  version: string;
  now: Date;
  keysNotHeld?: readonly KeyNotHeld[];
  releaseManagers?: readonly ReleaseManagerBinding[];
}

/** At most this many signature packets on one message (threat catalog P-13). */
export const MAX_SIGNATURE_PACKETS = 4;

/**
 * SHA-1 signatures made before this date are accepted with a warning; later ones are unverified.
 * A SHA-1 signature can be attacked only through a collision, and a collision needs the signer to
 * sign data the attacker prepared. Chosen-prefix collisions, the kind that makes that practical,
 * were published in January 2020 ("SHA-1 is a Shambles", Leurent and Peyrin); before then no one
 * could have prepared such data, so a signature dated before 2020 is as good as its key.
 */
export const SHA1_CUTOFF = new Date('2020-01-01T00:00:00Z');

/** Clock skew tolerated between a signer's clock and this machine's. */
const FUTURE_SKEW_MS = 24 * 3600_000;

const HASH_NAMES: Record<number, string> = {
  [enums.hash.md5]: 'MD5',
  [enums.hash.sha1]: 'SHA-1',
  [enums.hash.ripemd]: 'RIPEMD-160',
  [enums.hash.sha224]: 'SHA-224',
  [enums.hash.sha256]: 'SHA-256',
  [enums.hash.sha384]: 'SHA-384',
  [enums.hash.sha512]: 'SHA-512',
};

const day = (date: Date): string => date.toISOString().slice(0, 10);
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').toUpperCase();

/** One signature packet's judgement; the message's verdict combines them. */
type PacketVerdict = Omit<SignatureVerdict, 'signers'> & { signer?: Signer };

/**
 * Judges every signature packet on a message and combines them: one that fails fails the message
 * (an unpinned co-signature, a bad signature claiming a pinned key: threat catalog P-05, P-06); one
 * that could not be checked leaves it unverified; otherwise the weakest accepted one decides.
 */
export async function judgeSignatures(subject: SignedSubject, trust: SignerTrust): Promise<SignatureVerdict> {
  const { packets, what } = subject;
  if (packets.length === 0)
    return { status: 'fail', reason: 'PGP_NO_SIGNATURE', message: `${what} carries no signature`, signers: [] };
  if (packets.length > MAX_SIGNATURE_PACKETS) {
    return {
      status: 'fail',
      reason: 'PGP_PARSE',
      message: `${what} carries ${packets.length} signatures; at most ${MAX_SIGNATURE_PACKETS} are read`,
      signers: [],
    };
  }
  const verdicts: PacketVerdict[] = [];
  for (const [index, packet] of packets.entries()) verdicts.push(await judgePacket(subject, index, packet, trust));
  const signers = verdicts.flatMap((v) => (v.signer ? [v.signer] : []));
  for (const status of ['fail', 'unverified', 'warn'] as const) {
    const first = verdicts.find((v) => v.status === status);
    if (first) return { ...withoutSigner(first), signers };
  }
  return { status: 'pass', message: `${what} is signed by ${describeSigners(signers)}, a pinned key`, signers };
}

function withoutSigner({ signer: _signer, ...verdict }: PacketVerdict): Omit<SignatureVerdict, 'signers'> {
  return verdict;
}

async function judgePacket(
  subject: SignedSubject,
  index: number,
  packet: openpgp.SignaturePacket,
  trust: SignerTrust,
): Promise<PacketVerdict> {
  const { what } = subject;
  const fail = (reason: ReasonCode, message: string, extra: Partial<PacketVerdict> = {}): PacketVerdict => ({
    status: 'fail',
    reason,
    message,
    ...extra,
  });
  if (!packet?.issuerKeyID || typeof packet.issuerKeyID.toHex !== 'function') {
    // Found by fuzzing: a mangled signature packet can come back from openpgp.js without an issuer.
    return fail('PGP_PARSE', `${what}: signature ${index + 1} names no issuer key`);
  }
  const keyId = packet.issuerKeyID.toHex().toUpperCase();
  if (packet.signatureType !== subject.expectedType) {
    const hexType = (t: number | null) => `0x${(t ?? 0).toString(16).padStart(2, '0')}`;
    return fail(
      'PGP_SIGNATURE_TYPE',
      `${what}: signature ${index + 1} has type ${hexType(packet.signatureType)}, expected ${hexType(subject.expectedType)}`,
    );
  }
  const candidates = keysWithKeyId(trust.keyring, packet.issuerKeyID);
  if (candidates.length === 0) return judgeUnpinned(subject, packet, keyId, trust);
  let last: PacketVerdict | undefined;
  for (const pinned of candidates) {
    last = await judgeWithKey(subject, packet, pinned, trust);
    if (last.status !== 'fail') return last;
  }
  return last!;
}

/**
 * A signature by a key that is not pinned. It fails, unless the profile names its key id as a
 * release manager of that era whose key crosscheck does not hold: then it cannot be checked here
 * and is unverified. Even then, the signature's stored digest prefix must match the signed bytes;
 * where it does not, the bytes were changed after signing, which needs no key to see.
 */
async function judgeUnpinned(
  subject: SignedSubject,
  packet: openpgp.SignaturePacket,
  keyId: string,
  trust: SignerTrust,
): Promise<PacketVerdict> {
  const { what } = subject;
  const claimed = packet.issuerFingerprint ? hex(packet.issuerFingerprint) : `key id ${keyId}`;
  const notHeld = (trust.keysNotHeld ?? []).find((k) => k.keyIds.includes(keyId));
  if (notHeld && notHeld.when.some((spec) => versionSatisfies(trust.version, spec))) {
    if (!(await digestPrefixMatches(subject, packet))) {
      return {
        status: 'fail',
        reason: 'PGP_BAD_SIGNATURE',
        message: `${what}: the signature by ${notHeld.name}'s key ${keyId} does not match the signed bytes (its stored digest prefix differs): they were changed after signing`,
      };
    }
    return {
      status: 'unverified',
      reason: 'PGP_KEY_NOT_HELD',
      message: `${what} is signed by ${notHeld.name}'s key ${keyId}, which is not pinned, so the signature cannot be checked here`,
      remedy: `add ${notHeld.name}'s key ${keyId} to ${trust.keyring.dir} (check its full fingerprint with them through another channel) to verify it`,
      actual: keyId,
    };
  }
  const era = notHeld ? ` (the profile names ${notHeld.name}'s key ${keyId} only for ${notHeld.when.join(', ')})` : '';
  return {
    status: 'fail',
    reason: 'PGP_UNPINNED_SIGNER',
    message: `${what} is signed by ${claimed}, which is not one of the ${trust.keyring.keys.length} pinned keys in ${trust.keyring.dir}${era}`,
    remedy: `if a release manager really uses this key, obtain it, check its full fingerprint with them through another channel, and add it to ${trust.keyring.dir} (README, "Pinning keys"); crosscheck never fetches keys itself`,
    expected: trust.keyring.keys.map((k) => k.fingerprint).join(', '),
    actual: claimed,
  };
}

/** Whether the two digest bytes stored in a signature match the data: a check that needs no key. */
async function digestPrefixMatches(subject: SignedSubject, packet: openpgp.SignaturePacket): Promise<boolean> {
  try {
    const hashing = packet as unknown as {
      hash(type: number, data: object, toHash: undefined, detached: boolean): Promise<Uint8Array>;
    };
    const digest = await hashing.hash(subject.expectedType, subject.literal, undefined, true);
    return (
      packet.signedHashValue !== null &&
      digest[0] === packet.signedHashValue[0] &&
      digest[1] === packet.signedHashValue[1]
    );
  } catch {
    return false;
  }
}

/** Facts about pinned keys, computed once per key: verifying self-signatures costs a few milliseconds each. */
const factsCache = new WeakMap<openpgp.PublicKey, Promise<{ primary: KeyFacts; subkeys: Map<string, KeyFacts> }>>();

function factsOf(key: openpgp.PublicKey): Promise<{ primary: KeyFacts; subkeys: Map<string, KeyFacts> }> {
  let facts = factsCache.get(key);
  if (!facts) {
    facts = (async () => {
      const subkeys = new Map<string, KeyFacts>();
      for (const subkey of key.subkeys)
        subkeys.set(subkey.getKeyID().toHex().toUpperCase(), await subkeyFacts(key, subkey));
      return { primary: await primaryFacts(key), subkeys };
    })();
    factsCache.set(key, facts);
  }
  return facts;
}

/**
 * A signature by a pinned key, judged as GnuPG judges it: openpgp.js checks the mathematics; the
 * key's validity is decided from the pinned copy's latest self-signatures, not from those in force
 * on the signature's date (Django 2.0.6 was signed a month before the self-signatures its key
 * carries). Expiry is no protection against someone holding the key, so a signature made after
 * the pinned copy expired is unverified (the copy may be stale), never failed.
 */
async function judgeWithKey(
  subject: SignedSubject,
  packet: openpgp.SignaturePacket,
  pinned: PinnedKey,
  trust: SignerTrust,
): Promise<PacketVerdict> {
  const { what } = subject;
  const signingKey = pinned.key.getKeys(packet.issuerKeyID)[0]!;
  const signingKeyFingerprint = signingKey.getFingerprint().toUpperCase();
  const created = packet.created ?? new Date(0);
  const signer: Signer = {
    fingerprint: pinned.fingerprint,
    name: displayName(pinned.name),
    signingKeyFingerprint,
    created,
    keyFile: pinned.file,
  };
  const who = `${signer.name} (${pinned.fingerprint})`;
  const bad = (why: string): PacketVerdict => ({
    status: 'fail',
    reason: 'PGP_BAD_SIGNATURE',
    message: `${what}: the signature claiming pinned key ${pinned.fingerprint} does not verify: ${why}`,
    expected: `a valid signature by ${pinned.fingerprint}`,
    actual: why,
  });
  if (packet.issuerFingerprint && hex(packet.issuerFingerprint) !== signingKeyFingerprint) {
    return bad(`issuer fingerprint ${hex(packet.issuerFingerprint)} is not the verifying key ${signingKeyFingerprint}`);
  }
  try {
    await packet.verify(
      signingKey.keyPacket,
      subject.expectedType,
      subject.literal,
      null as unknown as Date,
      true,
      CRYPTO_ONLY,
    );
  } catch (error) {
    const why = (error as Error).message;
    // openpgp.js checks critical subpackets and notations only after the mathematics held.
    if (/unknown critical/i.test(why)) {
      return {
        status: 'unverified',
        reason: 'PGP_CRITICAL_UNKNOWN',
        message: `${what}: the signature by ${who} carries something marked critical that crosscheck does not understand (${why}), so it cannot be relied on`,
        remedy: 'ask the release manager to sign without critical notations crosscheck does not know',
        signer,
      };
    }
    return bad(why);
  }
  const { primary, subkeys } = await factsOf(pinned.key);
  const keyFacts =
    signingKeyFingerprint === pinned.fingerprint ? primary : subkeys.get(signingKey.getKeyID().toHex().toUpperCase());
  const facts = [primary, ...(keyFacts && keyFacts !== primary ? [keyFacts] : [])];
  for (const key of facts) {
    if (key.unusable) return bad(key.unusable);
    const revocation = key.revocation;
    if (revocation && (revocation.hard || revocation.created <= created)) {
      return {
        status: 'fail',
        reason: 'PGP_KEY_REVOKED',
        message: `${what} is signed by ${who}, whose key ${key.fingerprint} is revoked (${revocation.reason}, ${day(revocation.created)})${revocation.hard ? '' : `, before the signature was made (${day(created)})`}`,
        signer,
      };
    }
  }
  const validity = judgeKeyValidity(what, who, facts, keyFacts, created, trust, pinned);
  if (validity) return { ...validity, signer };
  const hash = judgeHash(what, who, packet, created);
  if (hash) return { ...hash, signer };
  const unauthorised = judgeBinding(what, signer, trust);
  if (unauthorised) return { ...unauthorised, signer };
  return { status: 'pass', message: `${what} is signed by ${describeSigners([signer])}, a pinned key`, signer };
}

function judgeKeyValidity(
  what: string,
  who: string,
  facts: KeyFacts[],
  keyFacts: KeyFacts | undefined,
  created: Date,
  trust: SignerTrust,
  pinned: PinnedKey,
): Omit<PacketVerdict, 'signer'> | undefined {
  const unverified = (reason: ReasonCode, message: string, remedy: string) => ({
    status: 'unverified' as const,
    reason,
    message,
    remedy,
  });
  if (keyFacts && !keyFacts.canSign)
    return unverified(
      'PGP_KEY_USAGE',
      `${what}: the signature by ${who} was made with key ${keyFacts.fingerprint}, which its self-signature does not allow to sign`,
      'ask the release manager which key signs releases',
    );
  for (const key of facts) {
    if (key.weak)
      return unverified(
        'PGP_WEAK_KEY',
        `${what} is signed by ${who} with a key crosscheck does not accept as evidence: ${key.weak}`,
        `ask the release manager for a signature by a stronger key and pin it in ${trust.keyring.dir}`,
      );
    if (created.getTime() < key.created.getTime()) {
      return unverified(
        'PGP_SIG_TIME_IMPLAUSIBLE',
        `${what}: the signature by ${who} is dated ${created.toISOString()}, before its key ${key.fingerprint} was created (${key.created.toISOString()})`,
        'ask the release manager; the signing clock was wrong or the signature is not theirs',
      );
    }
    if (key.expires && created.getTime() >= key.expires.getTime()) {
      return unverified(
        'PGP_KEY_COPY_STALE',
        `${what} is signed by ${who} on ${day(created)}, but the pinned copy of the key in ${pinned.file} expired on ${day(key.expires)}: the owner may have extended it since, and this copy does not show it`,
        `refresh the copy of ${who} in ${trust.keyring.dir} from a source you trust (check the full fingerprint), then run again`,
      );
    }
  }
  if (created.getTime() > trust.now.getTime() + FUTURE_SKEW_MS) {
    return unverified(
      'PGP_SIG_TIME_IMPLAUSIBLE',
      `${what}: the signature by ${who} is dated ${created.toISOString()}, in the future`,
      "check this machine's clock, or ask the release manager about theirs",
    );
  }
  return undefined;
}

/** SHA-1 before the cutoff is accepted with a warning; after it, and MD5 or RIPEMD-160 always, unverified. */
function judgeHash(
  what: string,
  who: string,
  packet: openpgp.SignaturePacket,
  created: Date,
): Omit<PacketVerdict, 'signer'> | undefined {
  const algorithm = packet.hashAlgorithm ?? 0;
  const name = HASH_NAMES[algorithm] ?? `hash algorithm ${algorithm}`;
  if (algorithm === enums.hash.sha1 && created < SHA1_CUTOFF) {
    return {
      status: 'warn',
      reason: 'PGP_SHA1_HISTORICAL',
      message: `${what} is signed by ${who} with SHA-1 on ${day(created)}, before chosen-prefix collisions made SHA-1 signatures attackable (${day(SHA1_CUTOFF)}); accepted`,
      actual: name,
    };
  }
  if (algorithm === enums.hash.sha1 || algorithm === enums.hash.md5 || algorithm === enums.hash.ripemd) {
    return {
      status: 'unverified',
      reason: 'PGP_WEAK_HASH',
      message: `${what} is signed by ${who} with ${name} on ${day(created)}; ${name === 'SHA-1' ? `after ${day(SHA1_CUTOFF)} a SHA-1 signature can be the product of a collision` : `${name} signatures can be forged through collisions`}, so it is not accepted as evidence`,
      remedy: 'ask the release manager for a signature made with SHA-256 or stronger',
      expected: 'SHA-256 or stronger',
      actual: name,
    };
  }
  if (!(algorithm in HASH_NAMES))
    return {
      status: 'unverified',
      reason: 'PGP_WEAK_HASH',
      message: `${what}: the signature by ${who} uses ${name}, which crosscheck does not know`,
      remedy: 'ask the release manager for a SHA-256 signature',
    };
  return undefined;
}

/** The profile's release-manager bindings (threat catalog G-06): a pinned key may sign only the releases its entry matches. */
function judgeBinding(what: string, signer: Signer, trust: SignerTrust): Omit<PacketVerdict, 'signer'> | undefined {
  const managers = trust.releaseManagers;
  if (!managers) return undefined;
  const entries = managers.filter((m) => m.fingerprint === signer.fingerprint);
  const applies = (m: ReleaseManagerBinding) => m.when.some((spec) => versionSatisfies(trust.version, spec));
  if (entries.some(applies)) return undefined;
  const allowed = managers.filter(applies).map((m) => `${m.name ?? 'key'} ${m.fingerprint}`);
  return {
    status: 'fail',
    reason: 'PGP_SIGNER_NOT_AUTHORISED',
    message:
      `${what} is signed by ${signer.name} (${signer.fingerprint}), a pinned key the profile does not allow to sign ${trust.version}` +
      (entries.length > 0
        ? ` (it may sign ${entries.flatMap((m) => m.when).join(', ')})`
        : ' (it is listed for no release)'),
    expected: allowed.join('; ') || 'no key is listed for this release',
    actual: signer.fingerprint,
  };
}

export function describeSigners(signers: readonly Signer[]): string {
  return signers.map((s) => `${s.name} (${s.fingerprint}) on ${day(s.created)}`).join(' and ');
}

/** The check a signature verdict becomes: its status, reason, remedy and the signers' fingerprints. */
export function signatureCheck(
  fields: { id: string; channel: Channel; url?: string },
  verdict: SignatureVerdict,
): Check {
  return {
    ...fields,
    status: verdict.status,
    message: verdict.message,
    ...(verdict.reason ? { reason: verdict.reason } : {}),
    ...(verdict.remedy ? { remedy: verdict.remedy } : {}),
    ...(verdict.expected !== undefined ? { expected: verdict.expected } : {}),
    ...(verdict.actual !== undefined
      ? { actual: verdict.actual }
      : verdict.signers.length > 0
        ? { actual: verdict.signers.map((s) => s.fingerprint).join(', ') }
        : {}),
  };
}

/** Whether a verdict lets the signed content be used: accepted outright or on weaker evidence, named. */
export function accepted(verdict: SignatureVerdict): boolean {
  return verdict.status === 'pass' || verdict.status === 'warn';
}
