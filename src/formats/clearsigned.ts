import * as openpgp from 'openpgp';
import { IntegrityError, LimitError, quote } from '../model/errors.js';
import { ARMOR_HASHES, CRYPTO_ONLY, type SignedSubject } from './openpgp.js';

/** A clearsigned document whose framing held: the signed text and what its signatures are judged on. */
export interface Clearsigned {
  /** The signed text exactly as openpgp.js authenticates it: the only text crosscheck parses. */
  signedText: string;
  subject: SignedSubject;
}

const BEGIN_SIGNED = '-----BEGIN PGP SIGNED MESSAGE-----';
const BEGIN_SIGNATURE = '-----BEGIN PGP SIGNATURE-----';
const END_SIGNATURE = '-----END PGP SIGNATURE-----';

/**
 * Reads a clearsigned document. Before openpgp.js sees it, the framing is checked strictly,
 * because openpgp.js silently ignores anything outside the armor — including a second signed
 * block (threat catalog P-01, P-02, P-03, P-11, P-13). Framing errors throw: they are evidence.
 */
export async function readClearsigned(
  bytes: Uint8Array,
  options: { what: string; maxBytes: number },
): Promise<Clearsigned> {
  const { what } = options;
  if (bytes.byteLength > options.maxBytes) {
    throw new LimitError(
      'LIMIT_EXCEEDED',
      `${what} is ${bytes.byteLength} bytes, over the ${options.maxBytes}-byte limit`,
    );
  }
  const text = decodeStrictText(bytes, what);
  checkFraming(text, what);

  let message: openpgp.CleartextMessage;
  try {
    message = await openpgp.readCleartextMessage({ cleartextMessage: text, config: CRYPTO_ONLY });
  } catch (error) {
    throw new IntegrityError(
      'PGP_PARSE',
      `${what} is not a well-formed clearsigned message: ${(error as Error).message}`,
    );
  }
  const signedText = message.getText();
  if (/\r/.test(signedText)) {
    throw new IntegrityError(
      'PGP_PARSE',
      `${what}: the signed text still holds a carriage return after canonicalisation`,
    );
  }
  const packets = (message as unknown as { signature: openpgp.Signature }).signature.packets;
  // What openpgp.js's CleartextMessage.verify hashes: the text, as a literal data packet.
  const literal = new openpgp.LiteralDataPacket();
  (literal as unknown as { setText(text: string): void }).setText(signedText);
  return { signedText, subject: { what, packets, expectedType: openpgp.enums.signature.text, literal } };
}

function decodeStrictText(bytes: Uint8Array, what: string): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new IntegrityError('PGP_PARSE', `${what} is not valid UTF-8`);
  }
  // C0 controls other than tab, LF and CR never belong in a checksum file (P-04).
  const control = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.exec(text);
  if (control) {
    throw new IntegrityError(
      'PGP_PARSE',
      `${what} holds control character U+${control[0].charCodeAt(0).toString(16).padStart(4, '0')} at offset ${control.index}`,
    );
  }
  return text;
}

function checkFraming(text: string, what: string): void {
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines[0] !== BEGIN_SIGNED) {
    const reason =
      text.includes('-----BEGIN PGP MESSAGE-----') && !text.includes(BEGIN_SIGNED)
        ? 'PGP_UNSUPPORTED_FORMAT'
        : 'PGP_TEXT_OUTSIDE_ARMOR';
    throw new IntegrityError(
      reason,
      `${what} must start with "${BEGIN_SIGNED}"; it starts with "${(lines[0] ?? '').slice(0, 60)}"`,
    );
  }
  if (lines[lines.length - 1] !== END_SIGNATURE) {
    throw new IntegrityError(
      'PGP_TEXT_OUTSIDE_ARMOR',
      `${what} has text after "${END_SIGNATURE}" (or does not end with it)`,
    );
  }
  const armorLines = lines.filter((line) => line.startsWith('-----'));
  const counts = (marker: string) => armorLines.filter((line) => line === marker).length;
  if (
    counts(BEGIN_SIGNED) !== 1 ||
    counts(BEGIN_SIGNATURE) !== 1 ||
    counts(END_SIGNATURE) !== 1 ||
    armorLines.length !== 3
  ) {
    throw new IntegrityError(
      'PGP_MULTIPLE_BLOCKS',
      `${what} must hold exactly one signed block and one signature; found armor lines: ${armorLines.join(' | ')}`,
    );
  }
  checkSignatureArmor(lines.slice(lines.indexOf(BEGIN_SIGNATURE) + 1, -1), what);
  // Armor headers run from line 1 to the first empty line; only one `Hash:` with a strong algorithm.
  const headerEnd = lines.indexOf('', 1);
  if (headerEnd < 0) throw new IntegrityError('PGP_ARMOR_HEADER', `${what} has no blank line after its armor headers`);
  const headers = lines.slice(1, headerEnd);
  if (headers.length !== 1 || !/^Hash: [A-Z0-9]+$/.test(headers[0]!)) {
    throw new IntegrityError(
      'PGP_ARMOR_HEADER',
      `${what} must have exactly one "Hash:" armor header; found ${quote(headers)}`,
    );
  }
  // Any algorithm OpenPGP names: openpgp.js holds it to the signature's own, and the signature
  // policy judges that one (rules/signature.ts).
  const hash = headers[0]!.slice('Hash: '.length);
  if (!ARMOR_HASHES.has(hash)) {
    throw new IntegrityError(
      'PGP_ARMOR_HEADER',
      `${what} declares Hash: ${hash}, which is not an OpenPGP hash algorithm`,
      {
        expected: [...ARMOR_HASHES].join(' | '),
        actual: hash,
      },
    );
  }
}

/** The signature block: optional `Key: value` armor headers, a blank line, base64, an optional CRC line. */
function checkSignatureArmor(block: string[], what: string): void {
  const blank = block.indexOf('');
  if (blank < 0 || block.slice(0, blank).some((line) => !/^(Version|Comment): [\x20-\x7e]*$/.test(line))) {
    throw new IntegrityError('PGP_PARSE', `${what}: the signature block's armor headers are malformed`);
  }
  const body = block.slice(blank + 1);
  const crc = body.length > 0 && /^=[A-Za-z0-9+/]{4}$/.test(body[body.length - 1]!) ? 1 : 0;
  const base64 = body.slice(0, body.length - crc);
  if (base64.length === 0 || base64.some((line) => !/^[A-Za-z0-9+/]+={0,2}$/.test(line))) {
    throw new IntegrityError('PGP_PARSE', `${what}: the signature block is not valid base64`);
  }
}
