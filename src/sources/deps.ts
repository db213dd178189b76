import type { DownloadCache } from '../io/cache.js';
import type { HttpClient } from '../io/http.js';
import type { Limits } from '../model/limits.js';
import type { Profile } from '../profile/profile.js';

/** Where the profile's origins are reached in this run (after --site-url and friends). */
export interface Origins {
  site: string;
  media: string;
  pypi: string;
  pypiFiles: string;
}

/**
 * What a source needs to fetch, and nothing more (as tuf-js hands its fetcher in): the HTTP
 * client, the download store, the limits, the profile's URL layouts and where they are reached.
 * The run passes its context, which has these fields; a source never sees the rest of a run.
 */
export interface SourceDeps {
  readonly profile: Profile;
  readonly http: HttpClient;
  readonly cache: DownloadCache;
  readonly limits: Limits;
  readonly origins: Origins;
}
