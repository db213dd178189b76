import { UsageError } from '../model/errors.js';

/**
 * Where each of a project's well-known origins is actually reached. Links that signed text or
 * PyPI's JSON give on a default origin (https://www.djangoproject.com, https://files.pythonhosted.org)
 * are followed on the overriding base, so a mirror or the loopback test world serves the real layout.
 */
export class OriginMap {
  private readonly overrides = new Map<string, URL>();

  /** Declares that `defaultBase` is served at `actualBase` (both absolute URLs). */
  set(defaultBase: string, actualBase: string): void {
    const from = new URL(defaultBase);
    const to = parseBase(actualBase);
    this.overrides.set(from.origin, to);
  }

  /** The URL to request for a link given on a default origin; other URLs are returned unchanged. */
  rebase(link: string | URL): URL {
    const url = new URL(link);
    const base = this.overrides.get(url.origin);
    if (!base) return url;
    const prefix = base.pathname.replace(/\/$/, '');
    return new URL(`${base.origin}${prefix}${url.pathname}${url.search}`);
  }

  /** The origin `defaultBase` is reached at. */
  resolve(defaultBase: string): string {
    return this.rebase(defaultBase).href.replace(/\/$/, '');
  }
}

export function parseBase(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(
      `"${value}" is not an absolute URL`,
      'give a base such as https://www.djangoproject.com or http://127.0.0.1:8080',
    );
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new UsageError(
      `${value}: only https:// is accepted (plain http only on 127.0.0.1, ::1 or localhost, for test worlds)`,
    );
  }
  if (url.username || url.password) throw new UsageError(`${value}: credentials in URLs are not accepted`);
  return url;
}

export function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    hostname === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}
