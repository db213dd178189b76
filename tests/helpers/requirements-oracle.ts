import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './paths.js';

/** Debian's Python, whose python3-packaging (23.0) and python3-wheel (0.38) the port describes. */
export const ORACLE_PYTHON = '/usr/bin/python3';
export const ORACLE_VERSIONS = { packaging: '23.0', wheel: '0.38.4' };

export type OracleRequirement = { ok: true; str: string; reference: string } | { ok: false; error: string };
export type OracleRequiresTxt = { ok: true; fields: [string, string][] } | { ok: false; error: string };

export interface OracleAnswer {
  versions: { python: string; packaging: string; wheel: string };
  requirements: OracleRequirement[];
  pairs: { packagingEqual: boolean }[];
  requiresTxt: OracleRequiresTxt[];
}

export interface OracleQuestion {
  requirements?: string[];
  pairs?: [number, number][];
  requiresTxt?: string[];
}

/** Whether the oracle's modules can be imported (the test is skipped, visibly, where not). */
export function oracleAvailable(): boolean {
  try {
    execFileSync(ORACLE_PYTHON, ['-c', 'import packaging.requirements, wheel.metadata, pkg_resources'], {
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}

/** One Python process for the whole batch: JSON in on stdin, JSON out. */
export function askOracle(question: OracleQuestion): OracleAnswer {
  const stdout = execFileSync(ORACLE_PYTHON, [join(ROOT, 'tests', 'oracle', 'requirements_oracle.py')], {
    input: JSON.stringify(question),
    env: { ...process.env, PYTHONUTF8: '1', PYTHONDONTWRITEBYTECODE: '1' },
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(stdout.toString('utf8')) as OracleAnswer;
}
