import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

interface FuzzReport {
  seed: number;
  count: number;
  peakRssMb: number;
  results: { format: string; mutants: number; accepted: number; rejected: number; violations: string[]; p99: number }[];
}

/**
 * The CI fuzz run (threat catalog X-02, W-10): 10,000 seeded mutants per format through the
 * readers and verifiers, in a child process with a 256 MB heap and a per-input deadline. The long
 * run is `npm run fuzz -- --count 200000 --seed N` by hand.
 */
describe('fuzzing sdists, wheels, checksum files and tag objects', () => {
  it('finds no crash, no hang, no accepted forgery and no disagreement with CPython', async () => {
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [
          '--max-old-space-size=256',
          join(ROOT, 'dist', 'fixtures', 'fuzz', 'run.js'),
          '--count',
          '10000',
          '--seed',
          '20261129',
          '--json',
        ],
        { maxBuffer: 64 * 1024 * 1024, timeout: 900_000 },
        (error, out, err) => (error && !out ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
      ),
    );
    const report = JSON.parse(stdout) as FuzzReport;
    expect(report.results.map((r) => r.format)).toEqual(['sdist', 'wheel', 'checksums', 'tag']);
    for (const result of report.results) {
      expect(result.mutants).toBe(10_000);
      expect(result.accepted + result.rejected).toBe(10_000);
      expect(result.violations, result.format).toEqual([]);
    }
    expect(report.peakRssMb).toBeLessThan(400);
  }, 900_000);
});
