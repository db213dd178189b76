import { readClearsigned } from '../formats/clearsigned.js';
import { type TagObject, tagSignatureSubject } from '../formats/git-tag.js';
import { judgeSignatures, type SignatureVerdict, type SignerTrust } from './signature.js';

// The two signed documents of a release, read by their formats and judged by the signature rules.

/** Reads a clearsigned document and judges its signatures against the pinned keys and the profile's signer policy. */
export async function verifyClearsigned(
  bytes: Uint8Array,
  trust: SignerTrust,
  options: { what: string; maxBytes: number },
): Promise<{ signedText: string; verdict: SignatureVerdict }> {
  const { signedText, subject } = await readClearsigned(bytes, options);
  return { signedText, verdict: await judgeSignatures(subject, trust) };
}

/** Judges a parsed tag's OpenPGP signature against the pinned keys and the profile's signer policy. */
export async function verifyTagSignature(tag: TagObject, trust: SignerTrust): Promise<SignatureVerdict> {
  return judgeSignatures(await tagSignatureSubject(tag), trust);
}
