import { constants, createWriteStream } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { UsageError } from '../model/errors.js';
import { colorWanted } from './color.js';
import { writeJson } from '../report/json.js';
import type { ReportSource } from '../report/model.js';
import type { TextSink } from '../report/sink.js';
import { writeBriefText, writeText } from '../report/text.js';

export const FORMATS = ['text', 'json', 'markdown', 'junit'] as const;
export type Format = (typeof FORMATS)[number];

export async function writeReport(
  source: ReportSource,
  format: Format,
  out: TextSink,
  color: boolean,
  brief = false,
): Promise<void> {
  switch (format) {
    case 'text':
      return brief ? writeBriefText(source, out, { color }) : writeText(source, out, { color });
    case 'json':
      return writeJson(source, out);
    case 'markdown':
      return (await import('../report/markdown.js')).writeMarkdown(source, out);
    case 'junit':
      return (await import('../report/junit.js')).writeJunit(source, out);
  }
}

/**
 * Refuses an --output that cannot be written before a run starts, rather than after it has
 * verified every release (minutes, during an incident): its directory must exist and be writable,
 * and the path must not be a directory. The file itself is created only when the report is written.
 */
export async function checkOutputPath(output: string): Promise<void> {
  const refuse = (why: string) => new UsageError(`cannot write the report to ${output}: ${why}`);
  const target = await stat(output).catch(() => undefined);
  if (target?.isDirectory()) throw refuse('it is a directory');
  const dir = dirname(output);
  const parent = await stat(dir).catch(() => undefined);
  if (!parent?.isDirectory()) throw refuse(`${dir} is not a directory`);
  await access(target ? output : dir, constants.W_OK).catch((error: Error) => {
    throw refuse(error.message);
  });
}

/**
 * Writes the report to --output (creating the file) or stdout, a piece at a time. A report cut
 * short by an error ends the command with exit code 2, so a partial file never passes as whole;
 * on stdout that is most often a reader that stopped reading (EPIPE: `| head`, a pipeline that failed).
 */
/** `brief`: verify-file's text answer, a sentence and a verdict per file. */
export async function emit(
  source: ReportSource,
  format: Format,
  output: string | undefined,
  options: { brief?: boolean } = {},
): Promise<void> {
  const stream = output ? createWriteStream(output) : process.stdout;
  const sink = new StreamSink(stream);
  try {
    await writeReport(
      source,
      format,
      sink,
      colorWanted(process.env, !output && process.stdout.isTTY === true),
      options.brief,
    );
    if (output) {
      stream.end();
      await finished(stream);
    }
  } catch (error) {
    if (output) stream.destroy();
    if (!sink.failure) throw error;
    throw output
      ? new UsageError(`cannot write the report to ${output}: ${sink.failure.message}`)
      : new UsageError(
          `cannot write the report to stdout: ${sink.failure.message}`,
          'the report was cut short; use --output FILE to keep it whole',
        );
  }
}

/** A stream as a sink: each write waits for the stream to drain, and a stream error fails the next write. */
class StreamSink implements TextSink {
  failure: Error | undefined;

  constructor(private readonly stream: Writable) {
    stream.on('error', (error) => (this.failure ??= error));
  }

  async write(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.stream.write(text)) return;
    await new Promise<void>((resolve, reject) => {
      const onDrain = () => {
        this.stream.off('error', onError);
        resolve();
      };
      const onError = (error: Error) => {
        this.stream.off('drain', onDrain);
        reject(error);
      };
      this.stream.once('drain', onDrain);
      this.stream.once('error', onError);
    });
  }
}

/** The command line as a shell reads it back: each argument quoted where it needs to be. */
export function commandLine(argv: readonly string[]): string {
  return ['crosscheck', ...argv]
    .map((arg) => (/^[A-Za-z0-9_.,:/=@%+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`))
    .join(' ');
}
