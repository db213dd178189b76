import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, parseLimitOverrides } from '../../src/model/limits.js';

describe('--limit name=value', () => {
  it('sets the limits it names and leaves the others', () => {
    const limits = parseLimitOverrides(['runDeadlineMs=2147483647', 'redirects=0', 'members=7']);
    expect(limits).toEqual({ ...DEFAULT_LIMITS, runDeadlineMs: 2 ** 31 - 1, redirects: 0, members: 7 });
  });

  it('refuses a duration that no timer can hold, which would otherwise end at once', () => {
    // Node sets a timer of over 2^31 - 1 ms to 1 ms: a run given a longer deadline ended before it began.
    expect(() => parseLimitOverrides(['runDeadlineMs=3000000000'])).toThrow(
      'runDeadlineMs must be from 1 to 2147483647 ms (about 24 days), not 3000000000',
    );
    expect(() => parseLimitOverrides(['gitBusyWaitMs=2147483648'])).toThrow(
      'gitBusyWaitMs must be from 0 to 2147483647 ms',
    );
  });

  it('refuses a zero deadline, which undici would read as no timeout at all', () => {
    for (const name of ['requestDeadlineMs', 'idleTimeoutMs', 'gitDeadlineMs', 'runDeadlineMs']) {
      expect(() => parseLimitOverrides([`${name}=0`])).toThrow(`${name} must be from 1 to`);
    }
    expect(parseLimitOverrides(['gitBusyWaitMs=0', 'slowGraceMs=0'])).toMatchObject({
      gitBusyWaitMs: 0,
      slowGraceMs: 0,
    });
  });

  it('says which part is wrong: the form, the name, or the number', () => {
    expect(() => parseLimitOverrides(['runDeadlineMs=-5'])).toThrow(
      '--limit takes name=integer, not "runDeadlineMs=-5"',
    );
    expect(() => parseLimitOverrides(['nope=1'])).toThrow('unknown limit "nope"; known: checksumFileBytes');
    // Names an object has from its prototype are not limits.
    expect(() => parseLimitOverrides(['constructor=1'])).toThrow('unknown limit "constructor"');
    expect(() => parseLimitOverrides(['members=99999999999999999999'])).toThrow(
      'members must be from 0 to 9007199254740991, not 99999999999999999999',
    );
  });
});
