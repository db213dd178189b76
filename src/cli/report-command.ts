import { type Command, Option } from 'commander';
import { UsageError } from '../model/errors.js';
import { REPORT_SCHEMA } from '../report/model.js';
import { SavedReport } from '../report/saved-report.js';
import { exitCodeFor } from '../model/verdict.js';
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
      let saved: SavedReport;
      try {
        saved = await SavedReport.open(file);
      } catch (error) {
        throw new UsageError(`cannot read ${file} as a JSON report: ${(error as Error).message}`);
      }
      try {
        const { head } = saved.source;
        if (head.schema !== REPORT_SCHEMA) throw new UsageError(`${file} is not a ${REPORT_SCHEMA} report`);
        await emit(saved.source, options.format, options.output);
        setExitCode(exitCodeFor(head.verdict));
      } finally {
        await saved.close();
      }
    });
}
