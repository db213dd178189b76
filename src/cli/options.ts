import { type Command, Option } from 'commander';
import { UsageError } from '../model/errors.js';
import { DEFAULT_LIMITS, type Limits, parseLimitOverrides } from '../model/limits.js';
import { readUserFile } from '../io/local-files.js';
import { defaultCacheDir } from '../io/cache.js';
import type { SourceChannel } from '../model/check.js';
import type { ArtifactKind } from '../model/check.js';
import { FORMATS, type Format } from './output.js';

/** Options every network-reaching command shares. */
export function addSourceOptions(command: Command): Command {
  const env = (flags: string, description: string, variable: string) => new Option(flags, description).env(variable);
  return command
    .addOption(
      env(
        '--site-url <url>',
        "project site base (default: the profile's, https://www.djangoproject.com)",
        'CROSSCHECK_SITE_URL',
      ),
    )
    .addOption(
      env(
        '--media-url <url>',
        'media host base (default: --site-url when given, else https://media.djangoproject.com)',
        'CROSSCHECK_MEDIA_URL',
      ),
    )
    .addOption(env('--pypi-url <url>', 'PyPI base (default: https://pypi.org)', 'CROSSCHECK_PYPI_URL'))
    .addOption(
      env(
        '--pypi-files-url <url>',
        'PyPI file host base (default: --pypi-url when given, else https://files.pythonhosted.org)',
        'CROSSCHECK_PYPI_FILES_URL',
      ),
    )
    .addOption(
      env('--git-url <url>', 'git repository (default: https://github.com/django/django.git)', 'CROSSCHECK_GIT_URL'),
    )
    .addOption(
      env(
        '--keys <dir>',
        'directory of pinned ASCII-armored public keys (default: keys/<project>/)',
        'CROSSCHECK_KEYS',
      ),
    )
    .addOption(
      env('--profile <file>', 'a project profile JSON file (default: profiles/<project>.json)', 'CROSSCHECK_PROFILE'),
    )
    .addOption(
      env('--cache <dir>', 'download cache directory (default: $XDG_CACHE_HOME/crosscheck)', 'CROSSCHECK_CACHE'),
    )
    .option('--offline', 're-verify what the cache holds, without the network (an air-gapped re-check)')
    .option('--refresh', 'analyse the archives again instead of reusing analyses of the same bytes')
    .option('--ca-file <file>', 'an extra PEM CA certificate to trust (for a mirror with a private CA)')
    .option('--limit <name=value>', 'override a limit (repeatable; see the README)', collect, [])
    .addOption(new Option('--format <format>', 'report format').choices(FORMATS).default('text'))
    .option('--output <file>', 'write the report to a file instead of stdout')
    .option('--quiet', 'no progress output')
    .addOption(new Option('--now <iso-date>', 'verify as of this time (tests)').hideHelp());
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export interface CommonOptions {
  siteUrl?: string;
  mediaUrl?: string;
  pypiUrl?: string;
  pypiFilesUrl?: string;
  gitUrl?: string;
  keys?: string;
  profile?: string;
  cache?: string;
  refresh?: boolean;
  offline?: boolean;
  caFile?: string;
  limit: string[];
  format: Format;
  output?: string;
  quiet?: boolean;
  now?: string;
}

/** Debian's whole system bundle (ca-certificates.crt) is ~220 KB; a mirror's private CA, a few. */
const MAX_CA_FILE_BYTES = 4 * 1024 * 1024;

export function commonSettings(options: CommonOptions) {
  const limits: Limits = parseLimitOverrides(options.limit, DEFAULT_LIMITS);
  let ca: Buffer | undefined;
  if (options.caFile) {
    try {
      ca = readUserFile(
        options.caFile,
        MAX_CA_FILE_BYTES,
        (size) =>
          new Error(`it is ${size} bytes; a PEM CA file is a few kilobytes (a whole system bundle, under 1 MiB)`),
      );
    } catch (error) {
      throw new UsageError(`cannot read --ca-file ${options.caFile}: ${(error as Error).message}`);
    }
  }
  let now: Date | undefined;
  if (options.now) {
    now = new Date(options.now);
    if (Number.isNaN(now.getTime())) throw new UsageError(`--now ${options.now} is not a date`);
  }
  return {
    limits,
    bases: {
      ...(options.siteUrl ? { site: options.siteUrl } : {}),
      ...(options.mediaUrl ? { media: options.mediaUrl } : {}),
      ...(options.pypiUrl ? { pypi: options.pypiUrl } : {}),
      ...(options.pypiFilesUrl ? { pypiFiles: options.pypiFilesUrl } : {}),
      ...(options.gitUrl ? { git: options.gitUrl } : {}),
    },
    cacheDir: options.cache ?? defaultCacheDir(),
    offline: Boolean(options.offline),
    reuseAnalyses: !options.refresh,
    ...(ca ? { ca } : {}),
    ...(now ? { now } : {}),
  };
}

export function parseList<T extends string>(value: string, allowed: readonly T[], what: string): T[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items)
    if (!allowed.includes(item as T))
      throw new UsageError(`unknown ${what} "${item}"; choose from ${allowed.join(', ')}`);
  if (items.length === 0) throw new UsageError(`--${what}s needs at least one of ${allowed.join(', ')}`);
  return items as T[];
}

export const CHANNELS: readonly SourceChannel[] = ['site', 'pypi', 'git'];
export const ARTIFACTS: readonly ArtifactKind[] = ['sdist', 'wheel'];
