import { satisfies, valid, validRange } from '@renovatebot/pep440';

import { MAX_VERSION_LENGTH } from '../model/names.js';

export { MAX_VERSION_LENGTH };

// The PEP 440 library reads each number as a JavaScript number: past 15 digits two versions
// compare equal (1.9007199254740993 and 1.9007199254740992), and past 20 a specifier such as
// `<1.8` throws inside it.
const INEXACT_NUMBER = /\d{16}/;

/**
 * Why crosscheck cannot work with a version, if it cannot: not PEP 440, a number it cannot
 * order exactly, or longer than MAX_VERSION_LENGTH.
 */
export function versionProblem(version: string): string | undefined {
  if (version.length > MAX_VERSION_LENGTH) return `is longer than ${MAX_VERSION_LENGTH} characters`;
  if (!valid(version)) return 'is not a PEP 440 version';
  if (INEXACT_NUMBER.test(version)) return 'holds a number of more than 15 digits';
  return undefined;
}

/** Why a profile's PEP 440 specifier cannot be used, if it cannot: one that matched nothing in silence. */
export function specifierProblem(specifier: string): string | undefined {
  if (!specifier.trim() || !validRange(specifier)) return 'is not a PEP 440 version specifier';
  if (INEXACT_NUMBER.test(specifier)) return 'holds a number of more than 15 digits';
  return undefined;
}

/**
 * `satisfies` parses its specifier with a large regular expression at every call, and a release
 * asks the same few questions dozens of times: that garbage was most of what a long run promoted
 * to V8's old generation, so the answers are kept (docs/benchmarks.md). Bounded: a run over every
 * Django release asks a few thousand distinct questions at most, and a full memo starts again.
 */
const answers = new Map<string, boolean>();
const MAX_ANSWERS = 4096;

/**
 * Whether a profile's era (PEP 440 specifiers) covers a version. Pre-releases belong to their era:
 * 6.0a1 is named as 5.2.1 and later are, and 1.5a1 was signed by the 1.x release managers, though
 * a bare PEP 440 specifier leaves pre-releases out (`<1.8` still excludes 1.8a1, as PEP 440 says).
 */
export function versionSatisfies(version: string, specifier: string): boolean {
  const question = `${version} ${specifier}`;
  let answer = answers.get(question);
  if (answer === undefined) {
    if (answers.size >= MAX_ANSWERS) answers.clear();
    answer = satisfies(version, specifier, { prereleases: true });
    answers.set(question, answer);
  }
  return answer;
}
