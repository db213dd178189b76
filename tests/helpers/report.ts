import type { RunReportHead } from '../../src/report/model.js';

/** A report head for renderer tests, with whatever a test needs changed. */
export function reportHead(changes: Partial<RunReportHead> = {}): RunReportHead {
  return {
    schema: 'crosscheck/report@1',
    project: 'django',
    displayName: 'Django',
    generatedAt: '2026-11-29T00:00:00.000Z',
    tool: { name: 'crosscheck', version: '0' },
    keyring: { dir: '/keys', keys: [] },
    sources: {},
    verdict: 'fail',
    summary: { releases: 1, pass: 0, fail: 1, incomplete: 0 },
    ...changes,
  };
}
