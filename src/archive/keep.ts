/**
 * Which members' bytes an sdist reader keeps, as data (a profile describes it): exact paths
 * under the top directory, and the egg-info entry points.
 */
export interface KeepSpec {
  topDirectory: string;
  paths: string[];
  entryPoints: boolean;
}

export function keepPredicate(spec: KeepSpec): (path: string) => boolean {
  const top = `${spec.topDirectory}/`;
  const exact = new Set(spec.paths);
  return (path) => {
    if (!path.startsWith(top)) return false;
    const relative = path.slice(top.length);
    return exact.has(relative) || (spec.entryPoints && /^[^/]+\.egg-info\/entry_points\.txt$/.test(relative));
  };
}
