import { execFile } from 'node:child_process';
import { access, mkdir } from 'node:fs/promises';
import { IntegrityError, UnavailableError } from '../errors.js';
import type { Limits } from '../limits.js';

export interface GitTreeEntry {
  mode: string;
  type: string;
  oid: string;
  path: string;
}

export interface RawTag {
  name: string;
  /** What refs/tags/<name> points to on the remote (and now in the mirror). */
  oid: string;
  objectType: string;
  /** The tag object's bytes when the ref points to a tag object. */
  raw?: Buffer;
}

const OID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * The git channel: a bare mirror in the cache, filled by the real git with one fetch for every
 * tag of the run (shallow, without blobs — blobs are fetched on demand for the few files whose
 * bytes are needed). git verifies each object's id as it receives it, so tree listings name
 * content by hash; crosscheck never parses packfiles itself.
 */
export class GitMirror {
  private advertised = new Map<string, string>();
  private prepared: Promise<void> | undefined;
  private prepareError: unknown;

  constructor(readonly url: string, readonly dir: string, private readonly limits: Limits) {}

  /** ls-remote once, then fetch every requested tag that exists in a single `git fetch`. */
  prepare(tags: readonly string[]): Promise<void> {
    this.prepared ??= this.doPrepare(tags).catch((error: unknown) => {
      this.prepareError = error;
    });
    return this.prepared;
  }

  private async doPrepare(tags: readonly string[]): Promise<void> {
    await this.initMirror();
    const listing = await this.git(['ls-remote', '--tags', 'origin'], 'list the remote tags');
    for (const line of listing.toString('utf8').split('\n')) {
      const match = /^([0-9a-f]{40,64})\trefs\/tags\/([^\n^]+)$/.exec(line);
      if (match) this.advertised.set(match[2]!, match[1]!);
    }
    const wanted = tags.filter((tag) => this.advertised.has(tag));
    if (wanted.length === 0) return;
    const refspecs = wanted.map((tag) => `+refs/tags/${tag}:refs/tags/${tag}`);
    await this.git(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--depth=1', '--filter=blob:none', 'origin', ...refspecs], `fetch ${wanted.length} tag(s)`);
  }

  private async initMirror(): Promise<void> {
    const exists = await access(`${this.dir}/HEAD`).then(() => true, () => false);
    if (!exists) {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await this.git(['init', '--quiet', '--bare'], 'create the mirror');
      await this.git(['remote', 'add', 'origin', this.url], 'configure the mirror');
      await this.git(['config', 'remote.origin.promisor', 'true'], 'configure the mirror');
      await this.git(['config', 'remote.origin.partialclonefilter', 'blob:none'], 'configure the mirror');
      await this.git(['config', 'extensions.partialClone', 'origin'], 'configure the mirror');
    }
  }

  /** What refs/tags/<name> is on the remote, read back from the mirror. */
  async readTag(name: string): Promise<RawTag> {
    await this.prepared;
    if (this.prepareError) throw this.prepareError;
    const oid = this.advertised.get(name);
    if (!oid) throw new UnavailableError('TAG_NOT_FOUND', `the git remote ${this.url} has no tag ${name}`, { channel: 'git', url: this.url, release: name });
    const local = (await this.git(['rev-parse', '--verify', '--quiet', `refs/tags/${name}`], `read tag ${name}`)).toString().trim();
    if (local !== oid) {
      throw new UnavailableError('TAG_FETCH', `tag ${name}: the remote advertised ${oid} but the mirror holds ${local || 'nothing'}`, { channel: 'git', url: this.url, expected: oid, actual: local });
    }
    const objectType = await this.objectType(oid);
    if (objectType !== 'tag') return { name, oid, objectType };
    const raw = await this.git(['cat-file', 'tag', oid], `read tag object ${oid}`, this.limits.tagObjectBytes);
    return { name, oid, objectType, raw };
  }

  async objectType(oid: string): Promise<string> {
    this.checkOid(oid);
    return (await this.git(['cat-file', '-t', oid], `read the type of ${oid}`)).toString().trim();
  }

  /** The commit's tree id, read from the commit object (which git fetched and verified). */
  async commitTree(commit: string): Promise<string> {
    this.checkOid(commit);
    const type = await this.objectType(commit);
    if (type !== 'commit') throw new IntegrityError('TAG_TARGET_TYPE', `${commit} is a ${type}, not a commit`, { channel: 'git', actual: type, expected: 'commit' });
    const body = (await this.git(['cat-file', 'commit', commit], `read commit ${commit}`, 1024 * 1024)).toString('utf8');
    const match = /^tree ([0-9a-f]{40,64})\n/.exec(body);
    if (!match) throw new IntegrityError('GIT_OBJECT', `commit ${commit} has no tree line`, { channel: 'git' });
    return match[1]!;
  }

  /** `git ls-tree -r` of a tree: every blob (and submodule) with mode, id and path. */
  async listTree(tree: string): Promise<GitTreeEntry[]> {
    this.checkOid(tree);
    const out = await this.git(['ls-tree', '-r', '-z', '--full-tree', tree], `list tree ${tree}`, 256 * 1024 * 1024);
    const entries: GitTreeEntry[] = [];
    for (const record of out.toString('utf8').split('\0')) {
      if (record === '') continue;
      const match = /^(\d{6}) (\w+) ([0-9a-f]{40,64})\t([\s\S]+)$/.exec(record);
      if (!match) throw new IntegrityError('GIT_OBJECT', `unexpected ls-tree record ${JSON.stringify(record.slice(0, 80))}`, { channel: 'git' });
      entries.push({ mode: match[1]!, type: match[2]!, oid: match[3]!, path: match[4]! });
    }
    if (entries.length > this.limits.members) throw new UnavailableError('LIMIT_MEMBERS', `tree ${tree} has ${entries.length} entries, over the ${this.limits.members} limit`, { channel: 'git' });
    return entries;
  }

  /**
   * Reads blobs by id: one fetch for all of them (the shallow, blob-less fetch left them out),
   * then one `git cat-file --batch`. git checks every object's id as it stores it.
   */
  async readBlobs(oids: readonly string[]): Promise<Map<string, Buffer>> {
    const wanted = [...new Set(oids)];
    wanted.forEach((oid) => this.checkOid(oid));
    const blobs = new Map<string, Buffer>();
    if (wanted.length === 0) return blobs;
    // One request for every blob the partial fetch left out, the way git's own promisor fetch asks.
    await this.git(['-c', 'fetch.negotiationAlgorithm=noop', 'fetch', 'origin', '--quiet', '--no-tags', '--no-write-fetch-head', '--recurse-submodules=no', '--filter=blob:none', '--stdin'], `fetch ${wanted.length} blob(s)`, 1024 * 1024, `${wanted.join('\n')}\n`);
    const out = await this.git(['cat-file', '--batch'], 'read blobs', wanted.length * (this.limits.metadataFileBytes + 128), `${wanted.join('\n')}\n`);
    let pos = 0;
    for (const oid of wanted) {
      const headerEnd = out.indexOf(0x0a, pos);
      const header = out.subarray(pos, headerEnd).toString('latin1');
      const match = /^([0-9a-f]{40,64}) blob (\d+)$/.exec(header);
      if (!match || match[1] !== oid) throw new IntegrityError('GIT_OBJECT', `${oid} is not a blob in the mirror (${header})`, { channel: 'git' });
      const size = Number(match[2]);
      if (size > this.limits.metadataFileBytes) throw new UnavailableError('LIMIT_EXCEEDED', `blob ${oid} is ${size} bytes, over the ${this.limits.metadataFileBytes}-byte limit`, { channel: 'git' });
      blobs.set(oid, Buffer.from(out.subarray(headerEnd + 1, headerEnd + 1 + size)));
      pos = headerEnd + 1 + size + 1;
    }
    return blobs;
  }

  private checkOid(oid: string): void {
    if (!OID.test(oid)) throw new IntegrityError('GIT_OBJECT', `"${oid}" is not an object id`, { channel: 'git' });
  }

  private git(args: string[], what: string, maxBuffer = 16 * 1024 * 1024, input?: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        'git',
        ['-C', this.dir, '-c', 'http.followRedirects=false', '-c', 'http.lowSpeedLimit=1000', '-c', 'http.lowSpeedTime=30', '-c', 'core.symlinks=false', ...args],
        {
          encoding: 'buffer',
          maxBuffer,
          timeout: this.limits.gitDeadlineMs,
          env: {
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            HOME: this.dir,
            GIT_CONFIG_NOSYSTEM: '1',
            GIT_CONFIG_GLOBAL: '/dev/null',
            GIT_TERMINAL_PROMPT: '0',
            GIT_ASKPASS: 'true',
            GIT_PROTOCOL_FROM_USER: '0',
            GIT_ALLOW_PROTOCOL: 'https:http',
            LC_ALL: 'C',
          },
        },
        (error, stdout, stderr) => {
          if (!error) return resolve(stdout);
          const detail = stderr.toString('utf8').trim().split('\n').slice(-2).join(' ') || error.message;
          reject(new UnavailableError(error.killed ? 'GIT_TIMEOUT' : 'GIT_ERROR', `git could not ${what} from ${this.url}: ${detail}`, { channel: 'git', url: this.url }));
        },
      );
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(input);
    });
  }
}
