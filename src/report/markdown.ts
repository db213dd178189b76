import type { RunReport } from './model.js';

export function renderMarkdown(report: RunReport): string {
  return `# ${report.displayName}\n\n${report.verdict}\n`;
}
