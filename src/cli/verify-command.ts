import type { Command } from 'commander';
import { runVerify, type VerifyOptions } from '../run/verify-run.js';
import { exitCodeFor } from '../model/verdict.js';
import { ARTIFACTS, addSourceOptions, CHANNELS, type CommonOptions, commonSettings, parseList } from './options.js';
import { checkOutputPath, commandLine, emit } from './output.js';
import { createProgress } from './progress.js';
import { UsageError } from '../model/errors.js';

interface VerifyCommandOptions extends CommonOptions {
  channels: string;
  artifacts: string;
  concurrency: string;
  content: boolean;
  all?: boolean;
  series: string[];
  since?: string;
  latest?: string;
  pre?: boolean;
}

export function registerVerify(program: Command, setExitCode: (code: number) => void): void {
  const command = program
    .command('verify')
    .description('verify releases across the project site, PyPI and git against the pinned keys')
    .argument('<project>', 'project profile, e.g. django')
    .argument('[versions...]', 'versions to verify, e.g. 4.2.28 5.1.4')
    .option('--all', 'every release PyPI lists (pre-releases only with --pre)')
    .option('--series <x.y>', 'releases of a series, e.g. 4.2 (repeatable)', (v: string, p: string[]) => [...p, v], [])
    .option('--since <version>', 'releases from this version on')
    .option('--latest <n>', 'the latest N of the selected releases')
    .option('--pre', 'include pre-releases')
    .option('--channels <list>', 'channels to fetch: site,pypi,git', 'site,pypi,git')
    .option('--artifacts <list>', 'artifacts to check: sdist,wheel', 'sdist,wheel')
    .option('--concurrency <n>', 'releases verified at once', '4')
    .option('--no-content', 'skip the content comparison (digests and signatures only)');
  addSourceOptions(command).action(async (project: string, versions: string[], options: VerifyCommandOptions) => {
    const concurrency = Number(options.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
      throw new UsageError('--concurrency must be an integer from 1 to 64');
    const latest = options.latest === undefined ? undefined : Number(options.latest);
    if (latest !== undefined && (!Number.isInteger(latest) || latest < 1))
      throw new UsageError('--latest must be a positive integer');
    const settings = commonSettings(options);
    if (options.output) await checkOutputPath(options.output);
    const progress = await createProgress({ quiet: Boolean(options.quiet) });
    try {
      const run: VerifyOptions = {
        project,
        ...(options.profile ? { profilePath: options.profile } : {}),
        ...(options.keys ? { keysDir: options.keys } : {}),
        selection: {
          versions,
          ...(options.all ? { all: true } : {}),
          ...(options.series.length ? { series: options.series } : {}),
          ...(options.since ? { since: options.since } : {}),
          ...(latest ? { latest } : {}),
          ...(options.pre ? { pre: true } : {}),
        },
        channels: parseList(options.channels, CHANNELS, 'channel'),
        artifacts: parseList(options.artifacts, ARTIFACTS, 'artifact'),
        concurrency,
        compareContents: options.content,
        progress,
        command: commandLine(process.argv.slice(2)),
        onSelected: (selected) => progress.start(selected.length),
        ...settings,
      };
      const verdict = await runVerify(run, async (report) => {
        progress.stop();
        await emit(report, options.format, options.output);
        return report.head.verdict;
      });
      setExitCode(exitCodeFor(verdict));
    } finally {
      progress.stop();
    }
  });
}
