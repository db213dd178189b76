#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import { Command, CommanderError } from 'commander';
import { CrosscheckError, UsageError } from '../model/errors.js';
import { toolVersion } from '../run/verify-run.js';
import { escapeTerminal } from '../report/escape.js';
import { EXIT } from '../model/verdict.js';
import { registerReport } from './report-command.js';
import { registerVerifyFile } from './verify-file-command.js';
import { registerVerify } from './verify-command.js';

/**
 * The command line. Exit codes: 0 every release passed; 1 something failed (tampering or
 * mismatch); 2 usage or configuration error; 3 nothing failed but something could not be
 * verified. One rule in every mode: what a channel, the network or a limit kept from being
 * checked is 3, evidence against a release is 1, what the user asked wrongly is 2. An unexpected
 * error exits 2 with its message, never 0.
 */
export async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.usage;
  const program = new Command('crosscheck')
    .description("Verify release artifacts across a project's site, PyPI and git against pinned release-manager keys.")
    .version(toolVersion())
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .showHelpAfterError('(run crosscheck help <command> for the options)');
  registerVerify(program, (code) => (exitCode = code));
  registerVerifyFile(program, (code) => (exitCode = code));
  registerReport(program, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : EXIT.usage;
    }
    if (error instanceof UsageError) {
      process.stderr.write(
        `crosscheck: ${escapeTerminal(error.message)}\n${error.hint ? `  ${escapeTerminal(error.hint)}\n` : ''}`,
      );
      return EXIT.usage;
    }
    const message =
      error instanceof CrosscheckError
        ? `${error.reason}: ${error.message}`
        : error instanceof Error
          ? error.message
          : String(error);
    process.stderr.write(`crosscheck: ${escapeTerminal(message)}\n`);
    if (error instanceof CrosscheckError) return error.outcome === 'fail' ? EXIT.fail : EXIT.incomplete;
    return EXIT.usage;
  }
}

// Three V8 settings keep peak memory flat over long runs: no TurboFan tier-up of undici's
// WebAssembly HTTP parser (its optimised compilation is a transient spike), young-generation
// semi-spaces that do not grow past what the bundle's load leaves, and an old generation collected
// once it has grown by half. Set here rather than on the command line, because a V8 flag given at
// start makes Node discard the code cache of its own modules. What they save on Node 22 and 24 is
// measured by `npm run bench -- --sections v8` (docs/benchmarks.md).
setFlagsFromString('--liftoff-only');
setFlagsFromString('--semi-space-growth-factor=1');
setFlagsFromString('--heap-growing-percent=50');

if (process.env.NODE_TLS_REJECT_UNAUTHORIZED === '0') {
  process.stderr.write(
    'crosscheck: refusing to run with NODE_TLS_REJECT_UNAUTHORIZED=0: TLS certificate checks must stay on (unset it; for a private CA use --ca-file)\n',
  );
  process.exit(EXIT.usage);
}
// The last line of defence: an error nothing caught must never end in exit code 0.
process.on('uncaughtException', (error) => {
  process.stderr.write(`crosscheck: internal error: ${escapeTerminal(error.message)}\n`);
  process.exit(EXIT.usage);
});
process.on('unhandledRejection', (error) => {
  process.stderr.write(`crosscheck: internal error: ${escapeTerminal(String(error))}\n`);
  process.exit(EXIT.usage);
});

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Whatever handle is still open (a stalled server's socket), the verdict is final: leave soon.
setTimeout(() => process.exit(code), 1000).unref();
