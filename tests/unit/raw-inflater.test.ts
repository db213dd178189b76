import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InflatedTooLargeError, RawInflater } from '../../src/formats/archive/raw-inflater.js';

const text = Buffer.from('def view(request):\n    return HttpResponse("ok")\n'.repeat(400));
const incompressible = randomBytes(70_000);

type Outcome = { bytes: string } | { tooLarge: number } | { error: string };

function outcome(inflater: RawInflater, data: Buffer, limit: number): Outcome {
  try {
    return { bytes: inflater.inflate(data, limit).toString('base64') };
  } catch (error) {
    if (error instanceof InflatedTooLargeError) return { tooLarge: error.limit };
    return { error: (error as Error).message };
  }
}

describe('RawInflater', () => {
  const cases: [string, Buffer, number, Outcome][] = [
    ['a text member at its exact size', deflateRawSync(text), text.length, { bytes: text.toString('base64') }],
    [
      'an incompressible member larger than zlib’s output chunk',
      deflateRawSync(incompressible),
      incompressible.length,
      { bytes: incompressible.toString('base64') },
    ],
    ['an empty member', deflateRawSync(Buffer.alloc(0)), 0, { bytes: '' }],
    ['a member one byte longer than allowed', deflateRawSync(text), text.length - 1, { tooLarge: text.length - 1 }],
    ['a member far longer than allowed', deflateRawSync(Buffer.alloc(1_000_000)), 10, { tooLarge: 10 }],
    ['a stream cut short', deflateRawSync(text).subarray(0, 40), text.length, { error: 'unexpected end of file' }],
    ['no bytes at all', Buffer.alloc(0), 10, { error: 'unexpected end of file' }],
    ['bytes that are not deflate', Buffer.from([0xff, 0xff, 0xff, 0xff]), 10, { error: 'invalid block type' }],
    // As inflateRawSync (and CPython's zipfile), bytes after the end of the stream are not read.
    [
      'a stream followed by other bytes',
      Buffer.concat([deflateRawSync(text), Buffer.from('trailing')]),
      text.length,
      { bytes: text.toString('base64') },
    ],
  ];

  it.each(cases)('%s', (_name, data, limit, expected) => {
    expect(outcome(new RawInflater(), data, limit)).toEqual(expected);
  });

  it('keeps inflating correctly across members, and after a member that fails', () => {
    const inflater = new RawInflater();
    const members = [text, incompressible, Buffer.from('x'), text.subarray(0, 1000)];
    for (const member of members)
      expect(inflater.inflate(deflateRawSync(member), member.length).equals(member)).toBe(true);
    expect(() => inflater.inflate(Buffer.from([0xff, 0xff]), 10)).toThrow('invalid block type');
    expect(() => inflater.inflate(deflateRawSync(text), 5)).toThrow(InflatedTooLargeError);
    for (const member of members)
      expect(inflater.inflate(deflateRawSync(member), member.length).equals(member)).toBe(true);
  });
});
