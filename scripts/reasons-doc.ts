/**
 * Writes docs/reasons.md from src/model/reasons.ts, the one list of reason codes: `npm run docs`.
 * tests/docs/reasons.test.ts holds the file to what this writes, so the two cannot drift.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REASONS } from '../src/model/reasons.js';

export function reasonsDocument(): string {
  const rows = Object.entries(REASONS).map(
    ([code, { outcomes, meaning }]) => `| \`${code}\` | ${outcomes.join(', ')} | ${meaning} |`,
  );
  return [
    '# Reason codes',
    '',
    'Every check that does not pass says why with one of these codes (the `reason` of a check in the',
    'JSON report, and of every error). `fail` is evidence against the release; `unverified` means it',
    "could not be checked here, with what to do in the check's `remedy`; `warn` passed with a caveat.",
    'The list is closed: crosscheck emits no other code. It is written from `src/model/reasons.ts`',
    'by `npm run docs`.',
    '',
    '| code | outcomes | meaning |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (process.argv[1]?.endsWith('reasons-doc.js'))
  writeFileSync(join(process.cwd(), 'docs', 'reasons.md'), reasonsDocument());
