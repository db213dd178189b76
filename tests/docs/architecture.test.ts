import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/io/package-root.js';

const run = promisify(execFile);
const ROOT = packageRoot();
const DEPCRUISE = join(ROOT, 'node_modules', '.bin', 'depcruise');

// The rooms of src/ and which may import which (.dependency-cruiser.cjs): data flows one way, and a
// rule is a pure function that no source, run or command can be imported into.
describe('the layout of src/', () => {
  it('keeps every import within the rooms it may reach, with no circle', async () => {
    const { stdout } = await run(DEPCRUISE, ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    const result = JSON.parse(stdout) as {
      summary: { violations: { rule: { name: string }; from: string; to: string }[]; totalCruised: number };
    };
    expect(result.summary.totalCruised).toBeGreaterThan(100);
    expect(result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
  });

  it('would refuse a rule that reaches into the run', async () => {
    const probe = [
      '--config',
      '.dependency-cruiser.cjs',
      '--output-type',
      'json',
      'src/rules/artifacts.ts',
      'src/run/context.ts',
    ];
    const { stdout } = await run(DEPCRUISE, probe, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    const rules = (
      JSON.parse(stdout) as {
        summary: { ruleSetUsed: { forbidden: { name: string; from: { path?: string }; to: { pathNot?: string } }[] } };
      }
    ).summary.ruleSetUsed.forbidden;
    const rulesRoom = rules.find((r) => r.name === 'rules-imports')!;
    expect(new RegExp(rulesRoom.from.path!).test('src/rules/artifacts.ts')).toBe(true);
    expect(new RegExp(rulesRoom.to.pathNot!).test('src/run/context.ts')).toBe(false);
    expect(new RegExp(rulesRoom.to.pathNot!).test('src/formats/git-tag.ts')).toBe(true);
  });
});
