import { basename } from 'node:path';
import type { Command } from 'commander';
import { describeFileError, UsageError } from '../model/errors.js';
import { findProfileFor } from '../profile/profile.js';
import { createRunContext, reportHead } from '../run/verify-run.js';
import { type FileIdentity, identifyByName, verifyFile } from '../run/verify-file.js';
import { readUserFile } from '../io/local-files.js';
import { readClearsigned } from '../rules/openpgp/clearsign.js';
import { declaredRelease } from '../formats/checksum-file.js';
import { sourceOf } from '../report/model.js';
import { exitCodeFor } from '../model/verdict.js';
import { addSourceOptions, type CommonOptions, commonSettings } from './options.js';
import { commandLine, emit } from './output.js';

interface VerifyFileCommandOptions extends CommonOptions {
  checksums?: string;
  deep?: boolean;
  verbose?: boolean;
}

export function registerVerifyFile(program: Command, setExitCode: (code: number) => void): void {
  const command = program
    .command('verify-file')
    .description('check that downloaded files are the ones the release manager signed')
    .argument('<paths...>', 'sdists (.tar.gz) or wheels (.whl)')
    .option('--checksums <file>', 'a signed checksum file to use instead of fetching it (fully offline)')
    .option('--deep', 'also compare the contents with the signed git tag')
    .option('--verbose', 'every check and its evidence, not only the answer');
  addSourceOptions(command).action(async (paths: string[], options: VerifyFileCommandOptions) => {
    const identities = paths.map((path) => {
      const identity = identifyByName(basename(path));
      if (!identity) throw new UsageError(`cannot tell the project and version from "${basename(path)}"`, 'expected <name>-<version>.tar.gz or <name>-<version>-<tags>.whl');
      return identity;
    });
    if (options.checksums && new Set(identities.map((i) => i.version)).size > 1) throw new UsageError('--checksums covers one release; give files of one version');
    if (options.checksums) await checkChecksumsFile(options.checksums, identities[0]!);
    const projects = new Set(identities.map((i) => i.normalizedName));
    if (projects.size > 1) throw new UsageError(`the files belong to different projects (${[...projects].join(', ')}); verify them separately`);
    let profilePath = options.profile;
    if (!profilePath) {
      const profile = await findProfileFor(identities[0]!.normalizedName);
      if (!profile) throw new UsageError(`crosscheck has no profile for "${identities[0]!.name}"`, 'describe the project with --profile FILE (see the README, "Describing another project")');
      profilePath = profile.source;
    }
    const settings = commonSettings(options);
    const { ctx, close } = await createRunContext({
      project: identities[0]!.normalizedName,
      profilePath,
      ...(options.keys ? { keysDir: options.keys } : {}),
      channels: options.deep ? ['git'] : [],
      artifacts: ['sdist', 'wheel'],
      concurrency: 1,
      compareContents: Boolean(options.deep),
      ...settings,
    });
    try {
      const releases = [];
      for (const path of paths) releases.push({ ...(await verifyFile(ctx, path, { ...(options.checksums ? { checksumsFile: options.checksums } : {}), deep: Boolean(options.deep) })), file: path });
      const head = reportHead(ctx, releases, [], commandLine(process.argv.slice(2)));
      await emit(sourceOf({ ...head, releases }), options.format, options.output, { brief: !options.verbose });
      setExitCode(exitCodeFor(head.verdict));
    } finally {
      await close();
    }
  });
}

/**
 * A --checksums file the user cannot have meant: one that cannot be read, or whose text names
 * another release than the files. Both are the user's mistake, not evidence about the files, so
 * they are usage errors naming both sides; whether the file is genuine is the run's to judge.
 */
async function checkChecksumsFile(path: string, file: FileIdentity): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = readUserFile(path, MAX_CHECKSUMS_BYTES, (size) => new Error(`it is ${size} bytes; a checksum file is a few kilobytes`));
  } catch (error) {
    throw new UsageError(`cannot read --checksums ${path}: ${describeFileError(error)}`);
  }
  const named = await readClearsigned(bytes, { what: path, maxBytes: MAX_CHECKSUMS_BYTES }).then(
    ({ signedText }) => declaredRelease(signedText),
    () => undefined,
  );
  if (named && named.version !== file.version) {
    throw new UsageError(
      `the checksum file ${path} is for ${named.project} ${named.version}; ${file.filename} is ${named.project} ${file.version}`,
      `give the checksum file of ${file.version} (${named.project}-${file.version}.checksum.txt), or leave out --checksums to fetch it`,
    );
  }
}

const MAX_CHECKSUMS_BYTES = 1024 * 1024;
