import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
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

  it("ships the licence text of every package it bundles (read from esbuild's own account of the inputs)", () => {
    const meta = JSON.parse(readFileSync(`${dirname(CLI)}/crosscheck.meta.json`, 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    const bundled = new Set(
      Object.keys(meta.inputs).flatMap((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? []),
    );
    expect(bundled).toContain('openpgp');
    expect(bundled).toContain('undici');
    const notices = readFileSync(`${dirname(CLI)}/THIRD-PARTY-NOTICES.txt`, 'utf8');
    for (const name of bundled) {
      const manifest = JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { version: string };
      expect(notices, name).toContain(`\n${name} ${manifest.version} `);
      expect(notices, name).toMatch(
        new RegExp(`--- ${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/(LICEN[CS]E|COPYING)`, 'i'),
      );
    }
  });

  it('matches its package.json licence with a LICENSE file', () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { license: string; files: string[] };
    expect(manifest.license).toBe('BSD-3-Clause');
    expect(readFileSync('LICENSE', 'utf8')).toMatch(/Redistribution and use in source and binary forms/);
    expect(manifest.files).toEqual(expect.arrayContaining(['LICENSE', 'dist/THIRD-PARTY-NOTICES.txt']));
  });
});
