import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/world.js';

// V8 keeps a script's whole source in its heap for as long as the script lives, one byte per
// character when every character is ASCII and two bytes per character otherwise: one em dash in
// a comment made the 1.8 MB bundle cost 3.4 MB of heap, and V8 sizes its heap to a multiple of
// what is live, so peak memory at 100 releases was ~8 MB higher.
describe('the bundled command (dist/crosscheck.mjs)', () => {
  it('is ASCII only, so that V8 holds its source at one byte per character', () => {
    const bundle = readFileSync(CLI);
    const first = bundle.findIndex((byte) => byte > 0x7f);
    const context = first < 0 ? '' : bundle.subarray(Math.max(0, first - 60), first + 20).toString('utf8');
    expect(first, `first non-ASCII byte at offset ${first}, in: ${context}`).toBe(-1);
  });

  it('keeps the licence notices of what it bundles, beside it', () => {
    const notices = readFileSync(`${CLI}.LEGAL.txt`, 'utf8');
    expect(notices).toMatch(/OpenPGP\.js v\d+\.\d+\.\d+/);
    expect(notices).toContain('formdata-polyfill. MIT License.');
  });
});
