import { compare, explain } from '@renovatebot/pep440';
import { quote, UsageError } from '../model/errors.js';
import { versionProblem } from './versions.js';

export interface Selection {
  versions: string[];
  all?: boolean;
  series?: string[];
  since?: string;
  latest?: number;
  pre?: boolean;
}

/** True when the selection needs the project's list of releases (anything but explicit versions). */
export function needsReleaseList(selection: Selection): boolean {
  return Boolean(selection.all || selection.series?.length || selection.since || selection.latest);
}

/**
 * Picks releases from the project's list, in PEP 440 order: filters narrow (series, since,
 * pre-releases only with `pre`, then the latest N), explicit versions are added.
 */
export function selectReleases(available: readonly string[], selection: Selection): string[] {
  for (const version of [...selection.versions, ...(selection.since ? [selection.since] : [])]) {
    const problem = versionProblem(version);
    if (problem) throw new UsageError(`${quote(version)} ${problem}`);
  }
  for (const series of selection.series ?? []) {
    if (!/^\d+(\.\d+)*$/.test(series)) throw new UsageError(`--series "${series}" is not a release series such as 4.2`);
  }
  let chosen: string[] = [];
  if (needsReleaseList(selection)) {
    chosen = available.filter((v) => !versionProblem(v) && (selection.pre || !explain(v)?.is_prerelease));
    if (selection.series?.length)
      chosen = chosen.filter((v) => selection.series!.some((series) => inSeries(v, series)));
    // By order, not by the specifier >=since: a specifier leaves pre-releases out, even with --pre.
    if (selection.since) chosen = chosen.filter((v) => compare(v, selection.since!) >= 0);
    chosen.sort(compare);
    if (selection.latest) chosen = chosen.slice(-selection.latest);
  }
  const all = [...new Set([...chosen, ...selection.versions])];
  return all.sort(compare);
}

/** "4.2" covers 4.2, 4.2.1, 4.2.28 …; "4" covers every 4.x. */
function inSeries(version: string, series: string): boolean {
  const release = explain(version)?.release ?? [];
  const prefix = series.split('.').map(Number);
  return prefix.every((part, i) => release[i] === part);
}
