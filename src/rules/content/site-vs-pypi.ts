import type { ArchiveMember } from '../../formats/archive/member.js';
import type { Difference } from '../../model/difference.js';

/** Member-by-member differences between two copies of one artifact served by two channels. */
export function compareListings(
  a: readonly ArchiveMember[],
  b: readonly ArchiveMember[],
  nameA: string,
  nameB: string,
): Difference[] {
  const check = 'content.site-vs-pypi';
  const left = new Map(a.map((m) => [m.path, m]));
  const right = new Map(b.map((m) => [m.path, m]));
  const differences: Difference[] = [];
  for (const [path, member] of left) {
    const other = right.get(path);
    if (!other)
      differences.push({
        check,
        path,
        kind: nameA.includes('site') ? 'only-in-site' : 'only-in-pypi',
        digests: { [nameA]: member.sha256 },
        allowed: false,
      });
    else if (other.sha256 !== member.sha256 || other.type !== member.type)
      differences.push({
        check,
        path,
        kind: 'content',
        digests: { [nameA]: member.sha256, [nameB]: other.sha256 },
        allowed: false,
      });
    else if ((other.mode & 0o111) !== (member.mode & 0o111))
      differences.push({ check, path, kind: 'mode', digests: { [nameA]: member.sha256 }, allowed: false });
  }
  for (const [path, member] of right) {
    if (!left.has(path))
      differences.push({
        check,
        path,
        kind: nameB.includes('pypi') ? 'only-in-pypi' : 'only-in-site',
        digests: { [nameB]: member.sha256 },
        allowed: false,
      });
  }
  return differences;
}
