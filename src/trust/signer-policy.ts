import { IntegrityError } from '../errors.js';
import { appliesTo, type Profile } from '../profile/profile.js';
import type { Signer } from './signatures.js';

/**
 * Holds signers to the profile's release-manager bindings (threat catalog G-06): a pinned key
 * may sign only the releases its entry's specifiers match. Without `releaseManagers` in the
 * profile every pinned key may sign every release, and this does nothing.
 */
export function checkSignersAuthorised(profile: Profile, version: string, signers: readonly Signer[], what: string): void {
  const managers = profile.releaseManagers;
  if (!managers) return;
  for (const signer of signers) {
    const entries = managers.filter((m) => m.fingerprint === signer.fingerprint);
    if (entries.some((m) => appliesTo(m, version))) continue;
    const allowed = managers.filter((m) => appliesTo(m, version)).map((m) => `${m.name ?? 'key'} ${m.fingerprint}`);
    throw new IntegrityError(
      'PGP_SIGNER_NOT_AUTHORISED',
      `${what} is signed by ${signer.name} (${signer.fingerprint}), a pinned key the ${profile.displayName} profile does not allow to sign ${version}` +
        (entries.length > 0 ? ` (it may sign ${entries.flatMap((m) => m.when).join(', ')})` : ' (it is listed for no release)'),
      { release: version, expected: allowed.join('; ') || 'no key is listed for this release', actual: signer.fingerprint },
    );
  }
}
