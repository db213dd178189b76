import { writeFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { renderJson } from '../report/json.js';
import type { RunReport } from '../report/model.js';
import { renderText } from '../report/text.js';

export const FORMATS = ['text', 'json', 'markdown', 'junit'] as const;
export type Format = (typeof FORMATS)[number];

export async function render(report: RunReport, format: Format, color: boolean): Promise<string> {
  switch (format) {
    case 'text':
      return renderText(report, { color });
    case 'json':
      return renderJson(report);
    case 'markdown':
      return (await import('../report/markdown.js')).renderMarkdown(report);
    case 'junit':
      return (await import('../report/junit.js')).renderJunit(report);
  }
}

/** Writes the report to --output (creating the file) or stdout. */
export async function emit(text: string, output: string | undefined): Promise<void> {
  if (output) {
    try {
      await writeFile(output, text);
    } catch (error) {
      throw new UsageError(`cannot write the report to ${output}: ${(error as Error).message}`);
    }
  } else {
    process.stdout.write(text);
  }
}
