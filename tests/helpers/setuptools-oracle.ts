import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './paths.js';

export interface SetuptoolsPython {
  python: string;
  version: string;
}

/**
 * A Python that imports setuptools: $CROSSCHECK_SETUPTOOLS_PYTHON, else the system's
 * /usr/bin/python3, else python3 on PATH. Undefined when none does (the tests that need the real
 * setuptools are then skipped, visibly).
 */
export function findSetuptoolsPython(): SetuptoolsPython | undefined {
  const candidates = [process.env.CROSSCHECK_SETUPTOOLS_PYTHON, '/usr/bin/python3', 'python3'].filter(
    (c): c is string => Boolean(c),
  );
  for (const python of candidates) {
    try {
      const version = execFileSync(python, ['-c', 'import setuptools; print(setuptools.__version__)'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
      if (version) return { python, version };
    } catch {
      // not this one
    }
  }
  return undefined;
}

export type OracleAnswer = { files: string[]; warnings: string[] } | { error: string } | { timeout: number };

/** Runs tests/oracle/manifest_filelist.py over many (tree, template) cases in one process. */
export async function setuptoolsFileLists(
  python: string,
  cases: ReadonlyArray<{ dir: string; template: string; seconds?: number }>,
): Promise<OracleAnswer[]> {
  const child = spawn(python, [join(ROOT, 'tests', 'oracle', 'manifest_filelist.py')], {
    env: {
      ...process.env,
      PYTHONUTF8: '1',
      LC_ALL: 'C.UTF-8',
      PYTHONDONTWRITEBYTECODE: '1',
      SETUPTOOLS_USE_DISTUTILS: 'local',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(cases.map((c) => JSON.stringify(c)).join('\n') + '\n');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`the setuptools oracle exited with ${code}: ${stderr.slice(-2000)}`);
  const lines = stdout.trim().split('\n');
  return lines.slice(1).map((line) => JSON.parse(line) as OracleAnswer);
}
