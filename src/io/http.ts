import type { Socket } from 'node:net';
import { finished, type Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';
import { Agent, buildConnector, type Dispatcher, EnvHttpProxyAgent } from 'undici';
import { LimitError, systemErrorText, UnavailableError, type ErrorContext } from '../model/errors.js';
import type { Limits } from '../model/limits.js';
import { isLoopback, type OriginMap } from './origins.js';

/** What one request may do: where it may go, how much it may read. */
export interface RequestPolicy {
  /** Origins a request (or any redirect hop) may reach, after rebasing. */
  allowedOrigins: ReadonlySet<string>;
  maxBytes: number;
  /** For error messages: "site", "pypi". */
  channel: string;
  release?: string;
}

export interface OpenResponse {
  /** The URL first requested and every hop after it; the last is where the bytes came from. */
  hops: string[];
  finalUrl: string;
  declaredLength?: number;
  body: Readable;
  headers: Record<string, string | string[] | undefined>;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** How often a request is sent again when its connection closed before any answer (see request()). */
const STALE_CONNECTION_RETRIES = 2;
const CLOSED_BEFORE_ANSWER: ReadonlySet<string> = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

/**
 * Bounded HTTP for untrusted servers (threat catalog H-01…H-07): one explicitly built undici
 * Agent with certificate checking on; manual redirects, each hop to an allowed origin and never
 * from https to http; no content decoding (`Accept-Encoding: identity`, any other encoding is
 * refused); a hard per-request deadline plus idle and minimum-throughput limits; a byte cap
 * counted by the consumer; truncation reported as truncation.
 */
export class HttpClient {
  private readonly agent: Dispatcher;

  /**
   * `ca`: a CA to trust besides the usual roots (a mirror's private CA, a proxy that inspects TLS).
   * `proxy`: the environment's HTTPS_PROXY, HTTP_PROXY and NO_PROXY (either case), as curl and git
   * read them; by default the process's own.
   */
  constructor(
    private readonly limits: Limits,
    readonly origins: OriginMap,
    options: { ca?: string | Buffer; connectionsPerOrigin?: number; proxyEnv?: NodeJS.ProcessEnv } = {},
  ) {
    const tls = {
      rejectUnauthorized: true,
      timeout: Math.min(30_000, limits.requestDeadlineMs),
      ...(options.ca ? { ca: [...rootCertificates, options.ca.toString()] } : {}),
    };
    const connector = buildConnector(tls);
    const agentOptions: Agent.Options = {
      connect: (connectOptions, callback) =>
        connector(connectOptions, (error, socket) => {
          if (socket) containListenerErrors(socket);
          callback(error, socket as never);
        }),
      headersTimeout: limits.idleTimeoutMs,
      bodyTimeout: limits.idleTimeoutMs,
      connections: options.connectionsPerOrigin ?? 4,
      maxHeaderSize: 16 * 1024,
    };
    const proxy = proxySettings(options.proxyEnv ?? process.env);
    // Through a proxy, undici makes the tunnel and the TLS inside it itself, with the same checks.
    this.agent = proxy
      ? new EnvHttpProxyAgent({ ...agentOptions, ...proxy, requestTls: tls, proxyTls: tls })
      : new Agent(agentOptions);
  }

  /**
   * Ends the client, aborting any request still running. A run closes it once it has every
   * release's result; a request still running then belongs to a release the run deadline cut off,
   * and waiting for it (undici's close() waits) kept a stalled server's socket holding the run
   * past its deadline, with no report written.
   */
  async close(): Promise<void> {
    await this.agent.destroy();
  }

  /**
   * Reads a whole (small) document into memory, bounded by policy.maxBytes.
   */
  async fetchBytes(link: string, policy: RequestPolicy): Promise<{ bytes: Buffer; finalUrl: string; hops: string[] }> {
    const chunks: Buffer[] = [];
    const { finalUrl, hops } = await this.stream(link, policy, (chunk) => {
      chunks.push(chunk);
    });
    return { bytes: Buffer.concat(chunks), finalUrl, hops };
  }

  /**
   * Streams a response body to `onChunk`, enforcing every limit, and resolves once the body has
   * been read completely and its length matched the declared Content-Length.
   */
  async stream(
    link: string,
    policy: RequestPolicy,
    onChunk: (chunk: Buffer) => void | Promise<void>,
  ): Promise<{ finalUrl: string; hops: string[]; bytes: number }> {
    const controller = new AbortController();
    const deadline = setTimeout(() => controller.abort(new Error('deadline')), this.limits.requestDeadlineMs);
    const started = Date.now();
    let url = this.origins.rebase(link).href;
    let received = 0;
    try {
      const response = await this.open(link, policy, controller.signal);
      url = response.finalUrl;
      try {
        const admit = (chunk: Buffer) => {
          received += chunk.length;
          if (received > policy.maxBytes) {
            throw new LimitError(
              'LIMIT_RESPONSE',
              `${url} sent more than ${policy.maxBytes} bytes`,
              this.context(policy, url),
            );
          }
          const elapsed = Date.now() - started;
          if (elapsed > this.limits.slowGraceMs && (received * 1000) / elapsed < this.limits.minBytesPerSecond) {
            throw new UnavailableError(
              'HTTP_TOO_SLOW',
              `${url} is sending under ${this.limits.minBytesPerSecond} bytes/s`,
              this.context(policy, url),
            );
          }
        };
        await eachChunk(response.body, admit, onChunk);
      } finally {
        discard(response.body);
      }
      if (response.declaredLength !== undefined && received !== response.declaredLength) {
        throw new UnavailableError(
          'HTTP_TRUNCATED',
          `${url} declared ${response.declaredLength} bytes and sent ${received}`,
          {
            ...this.context(policy, url),
            expected: `${response.declaredLength} bytes`,
            actual: `${received} bytes`,
          },
        );
      }
      return { finalUrl: response.finalUrl, hops: response.hops, bytes: received };
    } catch (error) {
      throw this.translate(error, policy, url, controller.signal, received);
    } finally {
      clearTimeout(deadline);
    }
  }

  private async open(link: string, policy: RequestPolicy, signal: AbortSignal): Promise<OpenResponse> {
    const hops: string[] = [];
    let current = this.origins.rebase(link);
    for (let hop = 0; ; hop++) {
      this.checkTarget(current, policy, hops);
      hops.push(current.href);
      const response = await this.request(current, signal);
      const { statusCode, headers, body } = response;
      if (REDIRECT_STATUSES.has(statusCode)) {
        discard(body);
        const location = headers.location;
        if (typeof location !== 'string' || location === '') {
          throw new UnavailableError(
            'HTTP_REDIRECT_POLICY',
            `${current.href} answered ${statusCode} without a Location`,
            this.context(policy, current.href),
          );
        }
        if (hop + 1 > this.limits.redirects) {
          throw new UnavailableError(
            'HTTP_REDIRECT_POLICY',
            `more than ${this.limits.redirects} redirects from ${link}`,
            this.context(policy, link),
          );
        }
        let next: URL;
        try {
          next = this.origins.rebase(new URL(location, current));
        } catch {
          throw new UnavailableError(
            'HTTP_REDIRECT_POLICY',
            `${current.href} redirects to an invalid location`,
            this.context(policy, current.href),
          );
        }
        if (current.protocol === 'https:' && next.protocol !== 'https:') {
          throw new UnavailableError(
            'HTTP_REDIRECT_POLICY',
            `${current.href} redirects from https to ${next.protocol.replace(':', '')}: ${next.href}`,
            this.context(policy, current.href),
          );
        }
        current = next;
        continue;
      }
      if (statusCode !== 200) {
        discard(body);
        const reason = statusCode === 404 || statusCode === 410 ? 'HTTP_NOT_FOUND' : 'HTTP_STATUS';
        throw new UnavailableError(reason, `${current.href} answered HTTP ${statusCode}`, {
          ...this.context(policy, current.href),
          expected: '200',
          actual: String(statusCode),
        });
      }
      const encoding = headers['content-encoding'];
      if (encoding !== undefined && encoding !== 'identity') {
        discard(body);
        throw new UnavailableError(
          'HTTP_CONTENT_ENCODING',
          `${current.href} sent Content-Encoding: ${String(encoding)}; artifacts are only read as sent`,
          this.context(policy, current.href),
        );
      }
      const lengthHeader = headers['content-length'];
      const chunked = /chunked/i.test(String(headers['transfer-encoding'] ?? ''));
      let declaredLength: number | undefined;
      if (typeof lengthHeader === 'string') {
        if (!/^\d{1,15}$/.test(lengthHeader)) {
          discard(body);
          throw new UnavailableError(
            'HTTP_FRAMING',
            `${current.href} sent an invalid Content-Length "${lengthHeader}"`,
            this.context(policy, current.href),
          );
        }
        declaredLength = Number(lengthHeader);
        if (declaredLength > policy.maxBytes) {
          discard(body);
          throw new LimitError(
            'LIMIT_RESPONSE',
            `${current.href} declares ${declaredLength} bytes, over the ${policy.maxBytes}-byte limit`,
            this.context(policy, current.href),
          );
        }
      } else if (!chunked) {
        // A body delimited only by the connection closing cannot be told apart from a truncated one.
        discard(body);
        throw new UnavailableError(
          'HTTP_FRAMING',
          `${current.href} sent neither Content-Length nor chunked encoding, so truncation could not be detected`,
          this.context(policy, current.href),
        );
      }
      return {
        hops,
        finalUrl: current.href,
        body,
        headers,
        ...(declaredLength === undefined ? {} : { declaredLength }),
      };
    }
  }

  /**
   * One GET. A request whose connection closed before any of its answer arrived is sent again on
   * a new connection, at most STALE_CONNECTION_RETRIES times: a server closes an idle kept-alive
   * connection when it likes (its keep-alive timeout), and a request sent as it closes meets a
   * reset or an end. That is not the server's answer; nothing was read, so nothing is spliced (no
   * body is ever resumed or retried once its headers arrived).
   */
  private async request(url: URL, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.agent.request({
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: 'GET',
          headers: { 'accept-encoding': 'identity', 'user-agent': 'crosscheck (release integrity verifier)' },
          signal,
        });
      } catch (error) {
        if (
          signal.aborted ||
          attempt >= STALE_CONNECTION_RETRIES ||
          !CLOSED_BEFORE_ANSWER.has((error as { code?: string }).code ?? '')
        )
          throw error;
      }
    }
  }

  private checkTarget(url: URL, policy: RequestPolicy, hops: string[]): void {
    const from = hops.length > 0 ? ` (redirected from ${hops[hops.length - 1]})` : '';
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
      throw new UnavailableError(
        'HTTP_REDIRECT_POLICY',
        `refusing ${url.href}${from}: only https is allowed`,
        this.context(policy, url.href),
      );
    }
    if (url.username || url.password) {
      throw new UnavailableError(
        'HTTP_REDIRECT_POLICY',
        `refusing ${url.origin}${from}: URL carries credentials`,
        this.context(policy, url.origin),
      );
    }
    if (!policy.allowedOrigins.has(url.origin)) {
      throw new UnavailableError(
        'HTTP_REDIRECT_POLICY',
        `refusing ${url.href}${from}: ${url.origin} is not an allowed origin for the ${policy.channel} channel (allowed: ${[...policy.allowedOrigins].join(', ')})`,
        this.context(policy, url.href),
      );
    }
  }

  private context(policy: RequestPolicy, url: string): ErrorContext {
    return { channel: policy.channel, url, ...(policy.release ? { release: policy.release } : {}) };
  }

  private translate(error: unknown, policy: RequestPolicy, url: string, signal: AbortSignal, received: number): Error {
    if (error instanceof UnavailableError) return error;
    const ctx = this.context(policy, url);
    // Whatever was thrown, even null or a string: this must not throw itself.
    const code = String((error as { code?: unknown } | null)?.code ?? '');
    const message = String((error as { message?: unknown } | null)?.message ?? error);
    if (signal.aborted) {
      return new UnavailableError(
        'HTTP_TIMEOUT',
        `${url} did not complete within ${this.limits.requestDeadlineMs} ms (${received} bytes received)`,
        ctx,
      );
    }
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
      return new UnavailableError('HTTP_TIMEOUT', `${url} stalled: ${message}`, ctx);
    }
    if (code === 'UND_ERR_SOCKET' || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' || code === 'ECONNRESET') {
      return new UnavailableError(
        'HTTP_TRUNCATED',
        `${url}: the connection ended after ${received} bytes (${message})`,
        ctx,
      );
    }
    if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') return new LimitError('LIMIT_RESPONSE', `${url}: ${message}`, ctx);
    if (/CERT|SSL|TLS|self[- ]signed/i.test(code + message)) {
      return new UnavailableError('TLS', `${url}: TLS certificate check failed (${code || message})`, ctx);
    }
    if (
      code === 'ECONNREFUSED' ||
      code === 'ENOTFOUND' ||
      code === 'EAI_AGAIN' ||
      code === 'EHOSTUNREACH' ||
      code === 'ENETUNREACH'
    ) {
      return new UnavailableError('HTTP_CONNECT', `cannot reach ${url}: ${systemErrorText(code)}`, ctx);
    }
    // On one line: undici's assertion messages span several.
    return new UnavailableError('HTTP_ERROR', `${url}: ${message.replace(/\s+/g, ' ').trim()}`, ctx, { cause: error });
  }
}

/**
 * Hands a body's chunks to `onChunk` in order and settles once the body has ended and the last
 * chunk's work is done, or with the first error (the body's, or one `admit` or `onChunk` threw or
 * returned). `admit` sees each chunk as it arrives and may refuse it (the byte cap, the rate floor).
 *
 * The body is never paused. Pausing it stops undici's HTTP parser once the body's buffer is full,
 * and undici 7 asserts (`assert(!this.paused)` in Parser.finish, from the socket's 'end') when a
 * server that ends the connection after its response (HTTP/1.0, `Connection: close`) does so while
 * the parser is stopped: an uncaught AssertionError that ended the whole run. undici 8.6 resumes
 * the parser there instead, but undici 8 needs Node 22.19. Chunks that arrive while a chunk's work
 * is pending wait here instead; what waits is bounded by `admit` (the request's byte cap), and in
 * practice by how much faster the network is than the disk. A chunk handled synchronously costs
 * no promise: cheaper than `for await`, which builds a promise and an iterator result for every
 * chunk of a 34 MB download.
 */
function eachChunk(
  body: Readable,
  admit: (chunk: Buffer) => void,
  onChunk: (chunk: Buffer) => void | Promise<void>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const waiting: Buffer[] = [];
    let busy = false;
    let ended = false;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      waiting.length = 0;
      body.off('data', onData);
      reject(error);
    };
    const handle = (chunk: Buffer) => {
      let pending: void | Promise<void>;
      try {
        pending = onChunk(chunk);
      } catch (error) {
        fail(error);
        return;
      }
      if (pending) {
        busy = true;
        pending.then(next, fail);
      }
    };
    const next = () => {
      busy = false;
      while (!busy && !failed && waiting.length > 0) handle(waiting.shift()!);
      if (!busy && !failed && ended) resolve();
    };
    const onData = (chunk: Buffer) => {
      try {
        admit(chunk);
      } catch (error) {
        fail(error);
        return;
      }
      if (busy) waiting.push(chunk);
      else handle(chunk);
    };
    body.on('data', onData);
    finished(body, (error) => {
      if (error) return fail(error);
      ended = true;
      if (!busy && waiting.length === 0 && !failed) resolve();
    });
  });
}

/**
 * Makes an exception thrown by a listener of `socket` (undici's own: its parser's assertions run
 * in the socket's 'end' and 'close' handlers) destroy that socket with the exception instead of
 * escaping to the process, where it ended the whole run as an internal error. Destroyed so, the
 * socket fails the request it carried (HTTP_ERROR), and the run's other requests go on.
 */
export function containListenerErrors(socket: Socket): void {
  const emit = socket.emit;
  socket.emit = function (this: Socket, event: string | symbol, ...args: unknown[]): boolean {
    try {
      return Reflect.apply(emit, this, [event, ...args]) as boolean;
    } catch (error) {
      this.destroy(error instanceof Error ? error : new Error(String(error)));
      return true;
    }
  } as Socket['emit'];
}

/** Abandons a response body; its late errors (the socket closing under it) are expected, not crashes. */
function discard(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

/**
 * The proxies the environment names, read as curl reads them (the lower-case name first;
 * HTTP_PROXY in upper case too, which only CGI-era servers had reason to distrust), or undefined
 * when it names none.
 */
/** The proxy variables of an environment, to hand on to git as they are. */
export function proxyEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const names = ['http_proxy', 'https_proxy', 'all_proxy', 'no_proxy'].flatMap((name) => [name, name.toUpperCase()]);
  return Object.fromEntries(names.filter((name) => env[name]).map((name) => [name, env[name]!]));
}

export function proxySettings(
  env: NodeJS.ProcessEnv,
): { httpProxy?: string; httpsProxy?: string; noProxy?: string } | undefined {
  const read = (name: string) => env[name.toLowerCase()] || env[name.toUpperCase()] || undefined;
  const httpProxy = read('http_proxy');
  const httpsProxy = read('https_proxy') ?? read('all_proxy') ?? httpProxy;
  if (!httpProxy && !httpsProxy) return undefined;
  const noProxy = read('no_proxy');
  return {
    ...(httpProxy ? { httpProxy } : {}),
    ...(httpsProxy ? { httpsProxy } : {}),
    ...(noProxy ? { noProxy } : {}),
  };
}
