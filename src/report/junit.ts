import type { RunReport } from './model.js';

export function renderJunit(report: RunReport): string {
  return `<testsuites name="${report.project}"/>\n`;
}
