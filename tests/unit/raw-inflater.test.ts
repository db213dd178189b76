import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InflatedTooLargeError, RawInflater } from '../../src/archive/raw-inflater.js';

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
    ['an incompressible member larger than zlib’s output chunk', deflateRawSync(incompressible), incompressible.length, { bytes: incompressible.toString('base64') }],
    ['an empty member', deflateRawSync(Buffer.alloc(0)), 0, { bytes: '' }],
    ['a member one byte longer than allowed', deflateRawSync(text), text.length - 1, { tooLarge: text.length - 1 }],
    ['a member far longer than allowed', deflateRawSync(Buffer.alloc(1_000_000)), 10, { tooLarge: 10 }],
    ['a stream cut short', deflateRawSync(text).subarray(0, 40), text.length, { error: 'unexpected end of file' }],
    ['no bytes at all', Buffer.alloc(0), 10, { error: 'unexpected end of file' }],
    ['bytes that are not deflate', Buffer.from([0xff, 0xff, 0xff, 0xff]), 10, { error: 'invalid block type' }],
    // As inflateRawSync (and CPython's zipfile), bytes after the end of the stream are not read.
    ['a stream followed by other bytes', Buffer.concat([deflateRawSync(text), Buffer.from('trailing')]), text.length, { bytes: text.toString('base64') }],
  ];

  it.each(cases)('%s: the reused engine and inflateRawSync agree', (_name, data, limit, expected) => {
    expect(outcome(new RawInflater(), data, limit)).toEqual(expected);
    expect(outcome(new RawInflater({ documentedApiOnly: true }), data, limit)).toEqual(expected);
  });

  it('keeps inflating correctly across members, and after a member that fails', () => {
    const inflater = new RawInflater();
    const members = [text, incompressible, Buffer.from('x'), text.subarray(0, 1000)];
    for (const member of members) expect(inflater.inflate(deflateRawSync(member), member.length).equals(member)).toBe(true);
    expect(() => inflater.inflate(Buffer.from([0xff, 0xff]), 10)).toThrow('invalid block type');
    expect(() => inflater.inflate(deflateRawSync(text), 5)).toThrow(InflatedTooLargeError);
    for (const member of members) expect(inflater.inflate(deflateRawSync(member), member.length).equals(member)).toBe(true);
  });

  it('returns exactly the new member’s bytes from its reused buffer, and a larger member in one of its own', () => {
    const inflater = new RawInflater();
    const long = Buffer.from(inflater.inflate(deflateRawSync(text), text.length));
    expect(inflater.inflate(deflateRawSync(Buffer.from('ab')), 2).toString()).toBe('ab');
    expect(long.equals(text)).toBe(true);
    const large = randomBytes(1_500_000);
    const inflated = inflater.inflate(deflateRawSync(large), large.length);
    expect(inflated.equals(large)).toBe(true);
    expect(inflater.inflate(deflateRawSync(Buffer.from('cd')), 2).toString()).toBe('cd');
    expect(inflated.equals(large)).toBe(true);
  });

  it('lends its reused buffer to one inflater at a time, and takes it back on close', () => {
    const first = new RawInflater();
    const second = new RawInflater();
    const a = first.inflate(deflateRawSync(text), text.length);
    const b = second.inflate(deflateRawSync(text), text.length);
    expect(a.buffer).not.toBe(b.buffer);
    first.close();
    const third = new RawInflater();
    expect(third.inflate(deflateRawSync(Buffer.from('ab')), 2).buffer).toBe(a.buffer);
    expect(b.equals(text)).toBe(true);
    // A closed inflater that is used again takes a new engine and buffer.
    expect(first.inflate(deflateRawSync(text), text.length).equals(text)).toBe(true);
    for (const inflater of [first, second, third]) inflater.close();
  });
});
