import type { RunReport } from './model.js';

/** The JSON report, schema crosscheck/report@1 (documented in the README). */
export function renderJson(report: RunReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
