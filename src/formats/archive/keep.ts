import type { KeepPredicate } from './member.js';

/**
 * Which members' bytes a read keeps for the content rules (src/rules/content/): in an sdist,
 * PKG-INFO, every file of a top-level `*.egg-info` directory, and the files at the project's
 * root (the build's declarations, README, license files); in a wheel, every file of a top-level
 * `.dist-info` or `.egg-info` directory and the `.data/scripts/` files. Small files that start
 * with `#!` are kept besides, for the scripts a wheel installs. Each kept file is capped by the
 * metadataFileBytes limit.
 */
export function keepSdistContent(topDirectory: string): KeepPredicate {
  const top = `${topDirectory}/`;
  return (path) => {
    if (!path.startsWith(top)) return /^[^/]+$/.test(path);
    const relative = path.slice(top.length);
    return !relative.includes('/') || /^[^/]+\.egg-info\//.test(relative);
  };
}

export const keepWheelContent: KeepPredicate = (path) =>
  /^[^/]+\.(dist|egg)-info\//.test(path) || /^[^/]+\.data\/scripts\//.test(path);
