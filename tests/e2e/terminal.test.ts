import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseSpec } from '../../fixtures/world/build.js';
import { CLI, createTestWorld, runCli, type TestWorld, worldArgs } from '../helpers/world.js';

const run = promisify(execFile);
const ESCAPE = '\u001b[';

/** Runs the CLI on a pseudo-terminal (util-linux `script`), as a person at a terminal runs it. */
async function onTerminal(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const quoted = [process.execPath, CLI, ...args].map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  const { stdout } = await run('script', ['-qefc', quoted, '/dev/null'], {
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...env },
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  return stdout;
}

describe('colour, as the conventions define it', () => {
  let t: TestWorld;
  let args: string[];
  beforeAll(async () => {
    t = await createTestWorld([releaseSpec('4.2.28')]);
    args = ['verify', 'django', '4.2.28', ...worldArgs(t)];
  }, 240_000);
  afterAll(async () => {
    await t?.dispose();
  });

  it('colours the report on a terminal', async () => {
    const output = await onTerminal(args);
    expect(output).toContain('verdict: ');
    expect(output).toContain(ESCAPE);
  });

  it('writes no escape codes when NO_COLOR is set, even on a terminal, even with FORCE_COLOR', async () => {
    for (const env of [{ NO_COLOR: '1' }, { NO_COLOR: 'yes', FORCE_COLOR: '1' }]) {
      const output = await onTerminal(args, env);
      expect(output, JSON.stringify(env)).toContain('verdict: ');
      expect(output, JSON.stringify(env)).not.toContain(ESCAPE);
    }
  });

  it('treats an empty NO_COLOR as unset, and FORCE_COLOR=0 as no colour', async () => {
    expect(await onTerminal(args, { NO_COLOR: '' })).toContain(ESCAPE);
    expect(await onTerminal(args, { FORCE_COLOR: '0' })).not.toContain(ESCAPE);
  });

  it('writes no escape codes into a pipe, unless FORCE_COLOR asks for them', async () => {
    const piped = await runCli(args, { NO_COLOR: '', FORCE_COLOR: '' });
    expect(piped.stdout).toContain('verdict: ');
    expect(piped.stdout + piped.stderr).not.toContain(ESCAPE);
    const forced = await runCli(args, { NO_COLOR: '', FORCE_COLOR: '1' });
    expect(forced.stdout).toContain(ESCAPE);
  });

  it('draws a live progress bar on a terminal, and writes plain lines when piped or in CI', async () => {
    const loud = args.filter((arg) => arg !== '--quiet');
    const live = await onTerminal(loud, { CI: '' });
    expect(live).toMatch(/verifying .* releases/);
    expect(live).toContain('\u001b[?25l');
    const piped = await runCli(loud, { NO_COLOR: '', FORCE_COLOR: '', CI: '' });
    expect(piped.stderr).toContain('[1/1] 4.2.28: pass');
    expect(piped.stderr).not.toContain(ESCAPE);
    const ci = await onTerminal(loud, { CI: 'true' });
    expect(ci).toContain('[1/1] 4.2.28: pass');
    expect(ci).not.toContain('\u001b[?25l');
  });
});
