import { basename } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../model/errors.js';
import { findProfileFor } from '../profile/profile.js';
import { createRunContext, reportHead } from '../run/verify-run.js';
import { parseArtifactName } from '../model/names.js';
import { checkChecksumsFile, verifyFile } from '../run/verify-file.js';
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
      const identity = parseArtifactName(basename(path));
      if (!identity)
        throw new UsageError(
          `cannot tell the project and version from "${basename(path)}"`,
          'expected <name>-<version>.tar.gz or <name>-<version>-<tags>.whl',
        );
      return identity;
    });
    if (options.checksums && new Set(identities.map((i) => i.version)).size > 1)
      throw new UsageError('--checksums covers one release; give files of one version');
    if (options.checksums) await checkChecksumsFile(options.checksums, identities[0]!);
    const projects = new Set(identities.map((i) => i.normalizedName));
    if (projects.size > 1)
      throw new UsageError(
        `the files belong to different projects (${[...projects].join(', ')}); verify them separately`,
      );
    let profilePath = options.profile;
    if (!profilePath) {
      const profile = await findProfileFor(identities[0]!.normalizedName);
      if (!profile)
        throw new UsageError(
          `crosscheck has no profile for "${identities[0]!.name}"`,
          'describe the project with --profile FILE (see the README, "Describing another project")',
        );
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
      for (const path of paths)
        releases.push({
          ...(await verifyFile(ctx, path, {
            ...(options.checksums ? { checksumsFile: options.checksums } : {}),
            deep: Boolean(options.deep),
          })),
          file: path,
        });
      const head = reportHead(ctx, releases, [], commandLine(process.argv.slice(2)));
      await emit(sourceOf({ ...head, releases }), options.format, options.output, { brief: !options.verbose });
      setExitCode(exitCodeFor(head.verdict));
    } finally {
      await close();
    }
  });
}
