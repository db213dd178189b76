import * as openpgp from 'openpgp';
import { CRYPTO_ONLY } from '../formats/openpgp.js';

const { enums } = openpgp;

/** A revocation of a key or subkey that its primary key really signed. */
export interface Revocation {
  /** Hard: the key is compromised or no reason was given; every signature it made is void. */
  hard: boolean;
  created: Date;
  reason: string;
}

/** What crosscheck needs to know about one key (primary or subkey) to judge a signature it made. */
export interface KeyFacts {
  fingerprint: string;
  created: Date;
  /** When the key expires according to the latest valid self-signature (or binding) in the pinned copy. */
  expires?: Date;
  canSign: boolean;
  /** Set when the key cannot be relied on at all: a subkey without a valid binding, a key without a self-signature. */
  unusable?: string;
  revocation?: Revocation;
  /** An algorithm or size crosscheck does not accept as evidence (RSA or DSA under 2048 bits, …). */
  weak?: string;
}

/** Signature packets as openpgp.js parses them, with the one method crosscheck calls on key signatures. */
type KeyPacket = openpgp.PublicKeyPacket | openpgp.PublicSubkeyPacket;

const SOFT_REVOCATIONS = new Set<number>([
  enums.reasonForRevocation.keyRetired,
  enums.reasonForRevocation.keySuperseded,
]);

/** Verifies a key signature without openpgp.js's time checks (a null date skips them). */
async function verifiesOver(
  signature: openpgp.SignaturePacket,
  key: KeyPacket,
  type: openpgp.enums.signature,
  data: object,
): Promise<boolean> {
  try {
    await signature.verify(key, type, data, null as unknown as Date, false, CRYPTO_ONLY);
    return true;
  } catch {
    return false;
  }
}

/** The most recent signature in `signatures` that verifies: GnuPG judges a key by its latest self-signature. */
async function latestValid(
  signatures: readonly openpgp.SignaturePacket[],
  key: KeyPacket,
  type: openpgp.enums.signature,
  data: object,
): Promise<openpgp.SignaturePacket | undefined> {
  const newestFirst = [...signatures].sort((a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0));
  for (const signature of newestFirst) if (await verifiesOver(signature, key, type, data)) return signature;
  return undefined;
}

async function revocationOf(
  revocations: readonly openpgp.SignaturePacket[],
  primary: openpgp.PublicKeyPacket,
  type: openpgp.enums.signature,
  data: object,
): Promise<Revocation | undefined> {
  let found: Revocation | undefined;
  for (const signature of revocations) {
    if (!(await verifiesOver(signature, primary, type, data))) continue;
    const flag = signature.reasonForRevocationFlag ?? enums.reasonForRevocation.noReason;
    const revocation = {
      hard: !SOFT_REVOCATIONS.has(flag),
      created: signature.created ?? new Date(0),
      reason: describeRevocation(flag, signature.reasonForRevocationString),
    };
    // A hard revocation outweighs a soft one; between two of a kind the earlier one counts.
    if (
      !found ||
      (revocation.hard && !found.hard) ||
      (revocation.hard === found.hard && revocation.created < found.created)
    )
      found = revocation;
  }
  return found;
}

function describeRevocation(flag: number, text: string | null): string {
  const names: Record<number, string> = {
    [enums.reasonForRevocation.noReason]: 'no reason given',
    [enums.reasonForRevocation.keySuperseded]: 'superseded',
    [enums.reasonForRevocation.keyCompromised]: 'compromised',
    [enums.reasonForRevocation.keyRetired]: 'retired',
  };
  return `${names[flag] ?? `reason ${flag}`}${text ? `: ${text}` : ''}`;
}

function expiryOf(key: KeyPacket, signature: openpgp.SignaturePacket | undefined): Date | undefined {
  if (!signature || signature.keyNeverExpires !== false || !signature.keyExpirationTime) return undefined;
  return new Date(key.created.getTime() + signature.keyExpirationTime * 1000);
}

const SIGNING_ALGORITHMS = new Set<string>([
  'rsaEncryptSign',
  'rsaSign',
  'dsa',
  'ecdsa',
  'eddsaLegacy',
  'ed25519',
  'ed448',
]);

/** Whether a key may sign: its key flags say so, or, on an old key signature without flags, its algorithm can (as GnuPG decides). */
function maySign(signature: openpgp.SignaturePacket | undefined, key: KeyPacket): boolean {
  if (!signature) return false;
  if (signature.keyFlags) return (signature.keyFlags[0]! & enums.keyFlags.signData) !== 0;
  return SIGNING_ALGORITHMS.has(String(key.getAlgorithmInfo().algorithm));
}

/** Why a key's algorithm or size is not accepted as evidence; undefined when it is. */
export function weakness(key: KeyPacket): string | undefined {
  const info = key.getAlgorithmInfo() as { algorithm: string; bits?: number; curve?: string };
  if (!SIGNING_ALGORITHMS.has(info.algorithm)) return `${info.algorithm} cannot make signatures`;
  if ((info.algorithm.startsWith('rsa') || info.algorithm === 'dsa') && (info.bits ?? 0) < 2048)
    return `${info.algorithm.toUpperCase().replace('ENCRYPTSIGN', '')} ${info.bits} bits (under 2048)`;
  if (info.curve === 'secp256k1') return 'curve secp256k1';
  return undefined;
}

const hex = (bytes: string): string => bytes.toUpperCase();

/** The facts of the primary key: its latest valid self-signature, its revocation, its algorithm. */
export async function primaryFacts(key: openpgp.PublicKey): Promise<KeyFacts> {
  const primary = key.keyPacket as openpgp.PublicKeyPacket;
  let selfSignature: openpgp.SignaturePacket | undefined;
  for (const user of key.users) {
    if (!user.userID) continue;
    const latest = await latestValid(user.selfCertifications, primary, enums.signature.certGeneric, {
      userID: user.userID,
      key: primary,
    });
    if (latest && (!selfSignature || (latest.created?.getTime() ?? 0) > (selfSignature.created?.getTime() ?? 0)))
      selfSignature = latest;
  }
  const { directSignatures } = key as unknown as { directSignatures: openpgp.SignaturePacket[] };
  const direct = await latestValid(directSignatures, primary, enums.signature.key, { key: primary });
  const expiries = [expiryOf(primary, selfSignature), expiryOf(primary, direct)].filter(
    (d): d is Date => d !== undefined,
  );
  const revocation = await revocationOf(key.revocationSignatures, primary, enums.signature.keyRevocation, {
    key: primary,
  });
  const weak = weakness(primary);
  return {
    fingerprint: hex(primary.getFingerprint()),
    created: primary.created,
    ...(expiries.length > 0 ? { expires: new Date(Math.min(...expiries.map((d) => d.getTime()))) } : {}),
    canSign: maySign(selfSignature, primary),
    ...(selfSignature ? {} : { unusable: 'it carries no valid self-signature' }),
    ...(revocation ? { revocation } : {}),
    ...(weak ? { weak } : {}),
  };
}

/**
 * The facts of a subkey: it counts only when the pinned primary key bound it (a subkey grafted
 * onto a pinned key carries a binding by another key, threat catalog P-09) and, for signing, when
 * the subkey signed the binding back (the embedded primary-key binding signature).
 */
export async function subkeyFacts(key: openpgp.PublicKey, subkey: openpgp.Subkey): Promise<KeyFacts> {
  const primary = key.keyPacket as openpgp.PublicKeyPacket;
  const packet = subkey.keyPacket as openpgp.PublicSubkeyPacket;
  const data = { key: primary, bind: packet };
  const binding = await latestValid(subkey.bindingSignatures, primary, enums.signature.subkeyBinding, data);
  const canSign = maySign(binding, packet);
  let unusable: string | undefined;
  if (!binding)
    unusable = `subkey ${hex(packet.getFingerprint())} is not bound to the pinned primary key by a valid binding signature`;
  else if (
    canSign &&
    !(
      binding.embeddedSignature &&
      (await verifiesOver(binding.embeddedSignature, packet, enums.signature.keyBinding, data))
    )
  ) {
    unusable = `signing subkey ${hex(packet.getFingerprint())} has no valid back-signature binding it to the primary key`;
  }
  const revocation = await revocationOf(subkey.revocationSignatures, primary, enums.signature.subkeyRevocation, data);
  const weak = weakness(packet);
  const expires = expiryOf(packet, binding);
  return {
    fingerprint: hex(packet.getFingerprint()),
    created: packet.created,
    ...(expires ? { expires } : {}),
    canSign,
    ...(unusable ? { unusable } : {}),
    ...(revocation ? { revocation } : {}),
    ...(weak ? { weak } : {}),
  };
}
