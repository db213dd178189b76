import { parse } from 'smol-toml';

/**
 * pyproject.toml, parsed by smol-toml (TOML 1.0), kept as plain data. Only what the build reads
 * is interpreted later (rules/content/declared.ts): `[build-system]`, `[project]` and
 * `[tool.setuptools]`.
 */
export type TomlValue = string | number | boolean | Date | TomlValue[] | { [key: string]: TomlValue };
export type TomlTable = { [key: string]: TomlValue };

export class PyprojectError extends Error {}

export function parsePyproject(input: Buffer | string): TomlTable {
  let text: string;
  try {
    text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    throw new PyprojectError('pyproject.toml is not valid UTF-8');
  }
  try {
    return normalize(parse(text)) as TomlTable;
  } catch (error) {
    if (error instanceof PyprojectError) throw error;
    throw new PyprojectError(`pyproject.toml is not valid TOML: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** smol-toml's dates and integers (bigint past 2^53) as plain values; anything else is refused. */
function normalize(value: unknown): TomlValue {
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number' || value instanceof Date)
    return value;
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value === 'object' && value !== null) {
    const table: TomlTable = Object.create(null) as TomlTable;
    for (const [key, item] of Object.entries(value)) table[key] = normalize(item);
    return table;
  }
  throw new PyprojectError('pyproject.toml holds a value of an unknown type');
}

/** A table at a dotted path (`tool.setuptools`), if there is one. */
export function tableAt(root: TomlTable, path: string): TomlTable | undefined {
  let current: TomlValue | undefined = root;
  for (const key of path.split('.')) {
    if (!isTable(current)) return undefined;
    current = Object.hasOwn(current, key) ? current[key] : undefined;
  }
  return isTable(current) ? current : undefined;
}

export function isTable(value: TomlValue | undefined): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
