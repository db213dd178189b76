import { fetchPypiVersions } from './pypi.js';
import { CrosscheckError, describeError } from '../model/errors.js';
import { versionProblem } from '../profile/versions.js';
import type { SourceChannel } from '../model/check.js';
import type { SourceDeps } from './deps.js';
import type { GitMirror } from './git.js';

/** What listing the releases needs: the sources' deps, which channels to ask, and the git mirror. */
export interface ListingDeps extends SourceDeps {
  readonly channels: ReadonlySet<SourceChannel>;
  readonly git?: GitMirror;
}

/** The releases the channels list, and a channel whose list could not be had, with why. */
export interface ReleaseList {
  /** Every release some channel lists: the union. */
  versions: string[];
  /** What each channel that answered lists. */
  byChannel: Map<'pypi' | 'git', Set<string>>;
  /** Channels whose list could not be had: the union may then lack releases, and the run is incomplete. */
  problems: string[];
}

/**
 * The union of the releases the channels list: PyPI's project listing and the git tags that match
 * the profile's tag template (the site lists none Django can be asked for). A release one channel
 * drops — a PyPI serving a tampered file and hiding the release from its listing — is still
 * verified, and reported as missing there.
 */
export async function listReleases(ctx: ListingDeps): Promise<ReleaseList> {
  const list: ReleaseList = { versions: [], byChannel: new Map(), problems: [] };
  const tasks: Promise<void>[] = [];
  if (ctx.channels.has('pypi')) {
    tasks.push(
      fetchPypiVersions(ctx).then(
        (pypi) => void list.byChannel.set('pypi', new Set(pypi.versions)),
        (error: unknown) => void list.problems.push(`PyPI's list of releases could not be had: ${describe(error)}`),
      ),
    );
  }
  if (ctx.git) {
    const git = ctx.git;
    tasks.push(
      git.listTags().then(
        (tags) =>
          void list.byChannel.set(
            'git',
            new Set(tags.flatMap((tag) => versionOfTag(ctx.profile.git?.tag ?? '{version}', tag) ?? [])),
          ),
        (error: unknown) => void list.problems.push(`the git host's list of tags could not be had: ${describe(error)}`),
      ),
    );
  }
  await Promise.all(tasks);
  list.versions = [...new Set([...list.byChannel.values()].flatMap((versions) => [...versions]))];
  return list;
}

function describe(error: unknown): string {
  return error instanceof CrosscheckError ? `${error.reason}: ${error.message}` : describeError(error);
}

/** The version a tag names under the profile's template ("{version}", "v{version}"), if it is one crosscheck can order. */
export function versionOfTag(template: string, tag: string): string | undefined {
  const [before = '', after = ''] = template.split('{version}');
  if (!tag.startsWith(before) || !tag.endsWith(after) || tag.length <= before.length + after.length) return undefined;
  const version = tag.slice(before.length, tag.length - after.length);
  return versionProblem(version) ? undefined : version;
}
