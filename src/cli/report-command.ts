import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { parseStrictJson } from '../net/strict-json.js';
import { REPORT_SCHEMA, type RunReport, sourceOf } from '../report/model.js';
import { exitCodeFor } from '../verdict/release-verdict.js';
import { emit, FORMATS, type Format } from './output.js';

/** `crosscheck report FILE.json --format markdown`: renders a saved JSON report in another format. */
export function registerReport(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('report')
    .description('render a saved JSON report (crosscheck/report@1) as text, Markdown or JUnit')
    .argument('<report.json>', 'a report written with --format json')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .option('--output <file>', 'write to a file instead of stdout')
    .action(async (file: string, options: { format: Format; output?: string }) => {
      let report: RunReport;
      try {
        report = parseStrictJson(await readFile(file, 'utf8')) as RunReport;
      } catch (error) {
        throw new UsageError(`cannot read ${file} as a JSON report: ${(error as Error).message}`);
      }
      if (report.schema !== REPORT_SCHEMA) throw new UsageError(`${file} is not a ${REPORT_SCHEMA} report`);
      await emit(sourceOf(report), options.format, options.output);
      setExitCode(exitCodeFor(report.verdict));
    });
}
