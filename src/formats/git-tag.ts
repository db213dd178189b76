import * as openpgp from 'openpgp';
import { IntegrityError, LimitError, quote } from '../model/errors.js';
import { CRYPTO_ONLY, type SignedSubject } from './openpgp.js';

export interface TagObject {
  object: string;
  type: string;
  tag: string;
  tagger: string;
  /** Unix seconds from the tagger line. */
  taggedAt: number;
  /** The bytes git signs: everything before the signature block. */
  payload: Buffer;
  /** The armored signature block, or undefined for an unsigned annotated tag. */
  signature?: string;
}

/** Lines git recognises as the start of a signature (gpg-interface.c); git uses the last one. */
const SIGNATURE_MARKERS = [
  '-----BEGIN PGP SIGNATURE-----',
  '-----BEGIN PGP MESSAGE-----',
  '-----BEGIN SIGNED MESSAGE-----',
  '-----BEGIN SSH SIGNATURE-----',
];
const PGP_BEGIN = '-----BEGIN PGP SIGNATURE-----';
const PGP_END = '-----END PGP SIGNATURE-----';

/**
 * Parses a raw annotated tag object strictly (threat catalog G-01, G-04): exactly the headers
 * object, type, tag, tagger in that order; no NUL or CR; the signature split exactly where git
 * splits it (the last marker line) and required to be one PGP armor block running to the end.
 */
export function parseTagObject(raw: Buffer, maxBytes: number): TagObject {
  if (raw.byteLength > maxBytes)
    throw new LimitError('LIMIT_EXCEEDED', `the tag object is ${raw.byteLength} bytes, over ${maxBytes}`);
  if (raw.includes(0)) throw new IntegrityError('TAG_GRAMMAR', 'the tag object contains a NUL byte');
  if (raw.includes(13)) throw new IntegrityError('TAG_GRAMMAR', 'the tag object contains a carriage return');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new IntegrityError('TAG_GRAMMAR', 'the tag object is not valid UTF-8');
  }
  const headerEnd = text.indexOf('\n\n');
  if (headerEnd < 0) throw new IntegrityError('TAG_GRAMMAR', 'the tag object has no blank line after its headers');
  const headers = text.slice(0, headerEnd).split('\n');
  const expected = ['object', 'type', 'tag', 'tagger'];
  if (headers.length !== expected.length || headers.some((line, i) => !line.startsWith(`${expected[i]} `))) {
    throw new IntegrityError(
      'TAG_GRAMMAR',
      `the tag object's headers must be exactly "object, type, tag, tagger" in order; found ${quote(headers.map((h) => h.split(' ')[0]))}`,
    );
  }
  const value = (i: number) => headers[i]!.slice(expected[i]!.length + 1);
  const object = value(0);
  if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(object))
    throw new IntegrityError('TAG_GRAMMAR', `"object ${object}" is not an object id`);
  const tagger = value(3);
  const taggerMatch = /^[^<>\n]*<[^<>\n]*> ([0-9]{1,12}) [+-][0-9]{4}$/.exec(tagger);
  if (!taggerMatch)
    throw new IntegrityError('TAG_GRAMMAR', `"tagger ${tagger}" is not "<name> <<email>> <seconds> <zone>"`);

  const { payloadEnd, signature } = splitSignature(text, headerEnd + 2);
  return {
    object,
    type: value(1),
    tag: value(2),
    tagger,
    taggedAt: Number(taggerMatch[1]),
    payload: Buffer.from(text.slice(0, payloadEnd), 'utf8'),
    ...(signature === undefined ? {} : { signature }),
  };
}

function splitSignature(text: string, bodyStart: number): { payloadEnd: number; signature?: string } {
  const starts: { offset: number; marker: string }[] = [];
  let offset = bodyStart;
  for (const line of text.slice(bodyStart).split('\n')) {
    const marker = SIGNATURE_MARKERS.find((m) => line.startsWith(m));
    if (marker) starts.push({ offset, marker });
    offset += line.length + 1;
  }
  const last = starts[starts.length - 1];
  if (!last) return { payloadEnd: text.length };
  if (last.marker !== PGP_BEGIN) {
    throw new IntegrityError(
      'TAG_SIG_FORMAT',
      `the tag is signed with "${last.marker}"; only OpenPGP signatures are accepted`,
    );
  }
  if (starts.length > 1) {
    throw new IntegrityError(
      'TAG_SIGNATURE_FRAMING',
      `the tag object holds ${starts.length} signature blocks; git verifies only the last, so it is rejected`,
    );
  }
  const signature = text.slice(last.offset);
  if (!signature.endsWith(`${PGP_END}\n`) || signature.indexOf(PGP_END) !== signature.length - PGP_END.length - 1) {
    throw new IntegrityError(
      'TAG_SIGNATURE_FRAMING',
      'the tag signature is not one armor block running to the end of the object',
    );
  }
  return { payloadEnd: last.offset, signature };
}

/**
 * What a tag's signature is judged on: its packets, and the payload git signs, as binary data
 * (type 0x00: a text-mode signature over a tag is refused, threat catalog P-10).
 */
export async function tagSignatureSubject(tag: TagObject): Promise<SignedSubject> {
  if (tag.signature === undefined) throw new IntegrityError('TAG_UNSIGNED', `tag ${tag.tag} is not signed`);
  const what = `tag ${tag.tag}`;
  let signature: openpgp.Signature;
  try {
    signature = await openpgp.readSignature({ armoredSignature: tag.signature, config: CRYPTO_ONLY });
  } catch (error) {
    throw new IntegrityError('PGP_PARSE', `${what}: the signature block does not parse: ${(error as Error).message}`);
  }
  const literal = new openpgp.LiteralDataPacket();
  (literal as unknown as { setBytes(bytes: Uint8Array, format: openpgp.enums.literal): void }).setBytes(
    tag.payload,
    openpgp.enums.literal.binary,
  );
  return {
    what,
    packets: signature.packets as unknown as openpgp.SignaturePacket[],
    expectedType: openpgp.enums.signature.binary,
    literal,
  };
}
