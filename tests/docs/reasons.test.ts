import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reasonsDocument } from '../../scripts/reasons-doc.js';
import { REASONS } from '../../src/model/reasons.js';
import { ROOT } from '../helpers/paths.js';

describe('the reason codes', () => {
  it('are documented exactly: docs/reasons.md is what src/model/reasons.ts says (npm run docs writes it)', () => {
    expect(readFileSync(join(ROOT, 'docs', 'reasons.md'), 'utf8')).toBe(reasonsDocument());
  });

  it('are the only ones the code emits: every quoted reason-like code in src is one of them', () => {
    const quoted = execFileSync(
      'git',
      ['grep', '-hoE', "reason: '[A-Z][A-Z0-9_]+'|Error\\('[A-Z][A-Z0-9_]+'", '--', 'src'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    const codes = new Set([...quoted.matchAll(/'([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]!));
    // Parser-internal kinds of requirement and requires.txt errors, which never reach a report.
    const internal = new Set([
      'SECTION',
      'MARKER',
      'REQUIREMENT',
      'LINE_MARKER',
      'CONTINUATION',
      'LEGACY_PARSER',
      'SYNTAX',
      'URL',
      'SPECIFIER',
    ]);
    expect([...codes].filter((code) => !internal.has(code) && !Object.hasOwn(REASONS, code))).toEqual([]);
    expect(codes.size).toBeGreaterThan(40);
  });
});
