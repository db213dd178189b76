/**
 * The part of CPython 3.11's urllib.parse (Debian's, with the bracketed-host check) that
 * packaging's Requirement uses to accept a URL: urlsplit, which may raise, and urlunsplit, to
 * which a file: URL must round-trip. ipaddress is ported as far as urlsplit's check needs.
 */

export interface SplitUrl {
  readonly scheme: string;
  readonly netloc: string;
  readonly path: string;
  readonly query: string;
  readonly fragment: string;
}

export class PythonUrlError extends Error {}

const SCHEME_CHARS = /^[a-zA-Z0-9+.-]*$/;

/** uses_netloc: the schemes urlunsplit gives a `//` even when the netloc is empty. */
const USES_NETLOC = new Set([
  '',
  'ftp',
  'http',
  'gopher',
  'nntp',
  'telnet',
  'imap',
  'wais',
  'file',
  'mms',
  'https',
  'shttp',
  'snews',
  'prospero',
  'rtsp',
  'rtspu',
  'rsync',
  'svn',
  'svn+ssh',
  'sftp',
  'nfs',
  'git',
  'git+ssh',
  'ws',
  'wss',
]);

/** Python's str.partition. */
function partition(text: string, sep: string): [string, string, string] {
  const i = text.indexOf(sep);
  return i < 0 ? [text, '', ''] : [text.slice(0, i), sep, text.slice(i + sep.length)];
}

function rpartitionTail(text: string, sep: string): string {
  const i = text.lastIndexOf(sep);
  return i < 0 ? text : text.slice(i + sep.length);
}

/** ipaddress' _parse_octet: ASCII decimal, at most 3 digits, no leading zero, at most 255. */
function isOctet(text: string): boolean {
  return /^[0-9]{1,3}$/.test(text) && (text === '0' || text[0] !== '0') && Number(text) <= 255;
}

function isIPv4(text: string): boolean {
  if (text.includes('/')) return false;
  const octets = text.split('.');
  return octets.length === 4 && octets.every(isOctet);
}

const isHextet = (text: string): boolean => /^[0-9a-fA-F]{1,4}$/.test(text);

/** IPv6Address._ip_int_from_string's checks on the colon-separated parts. */
function ipv6PartsValid(parts: string[]): boolean {
  if (parts.length < 3) return false;
  if (parts[parts.length - 1]!.includes('.')) {
    if (!isIPv4(parts.pop()!)) return false;
    parts.push('0', '0');
  }
  if (parts.length > 9) return false;
  const inner = parts.slice(1, -1);
  const skips = inner.filter((p) => p === '').length;
  if (skips > 1) return false;
  if (skips === 0) return parts.length === 8 && parts.every(isHextet);
  const skip = inner.indexOf('') + 1;
  let hi = skip;
  let lo = parts.length - skip - 1;
  if (parts[0] === '' && --hi !== 0) return false;
  if (parts[parts.length - 1] === '' && --lo !== 0) return false;
  if (8 - (hi + lo) < 1) return false;
  return parts.slice(0, hi).every(isHextet) && parts.slice(parts.length - lo).every(isHextet);
}

/** IPv6Address(text): an optional `%scope`, then the address. */
function isIPv6(text: string): boolean {
  if (text.includes('/')) return false;
  const [address, sep, scope] = partition(text, '%');
  if (sep && (scope === '' || scope.includes('%'))) return false;
  return address !== '' && ipv6PartsValid(address.split(':'));
}

/** _check_bracketed_host: an IPvFuture literal or an IPv6 address, never IPv4. */
function checkBracketedHost(hostname: string): void {
  if (hostname.startsWith('v')) {
    if (!/^v[a-fA-F0-9]+\.[^\n]+$/u.test(hostname)) throw new PythonUrlError('IPvFuture address is invalid');
    return;
  }
  if (isIPv4(hostname)) throw new PythonUrlError('An IPv4 address cannot be in brackets');
  if (!isIPv6(hostname))
    throw new PythonUrlError(`${JSON.stringify(hostname)} does not appear to be an IPv4 or IPv6 address`);
}

function checkBracketedNetloc(netloc: string): void {
  const hostAndPort = rpartitionTail(netloc, '@');
  const [before, open, bracketed] = partition(hostAndPort, '[');
  if (!open) {
    checkBracketedHost(partition(hostAndPort, ':')[0]);
    return;
  }
  if (before) throw new PythonUrlError('Invalid IPv6 URL');
  const [hostname, , port] = partition(bracketed, ']');
  if (port && !port.startsWith(':')) throw new PythonUrlError('Invalid IPv6 URL');
  checkBracketedHost(hostname);
}

/** _checknetloc: no character whose NFKC form brings in a URL delimiter (U+2100 becomes "a/c"). */
function checkNetlocNfkc(netloc: string): void {
  if (!netloc || /^[\x00-\x7f]*$/.test(netloc)) return;
  const n = netloc.replace(/[@:#?]/g, '');
  const normalized = n.normalize('NFKC');
  if (n === normalized) return;
  if (/[/?#@:]/.test(normalized))
    throw new PythonUrlError(`netloc '${netloc}' contains invalid characters under NFKC normalization`);
}

function splitNetloc(url: string): { netloc: string; rest: string } {
  let delim = url.length;
  for (const c of '/?#') {
    const i = url.indexOf(c, 2);
    if (i >= 0) delim = Math.min(delim, i);
  }
  return { netloc: url.slice(2, delim), rest: url.slice(delim) };
}

function checkNetlocBrackets(netloc: string): void {
  const open = netloc.includes('[');
  const close = netloc.includes(']');
  if (open !== close) throw new PythonUrlError('Invalid IPv6 URL');
  if (open) checkBracketedNetloc(netloc);
}

/** The scheme, if the text before the first ':' is one (it must start with an ASCII letter). */
function splitScheme(url: string): { scheme: string; rest: string } {
  const i = url.indexOf(':');
  if (i > 0 && /^[a-zA-Z]/.test(url) && SCHEME_CHARS.test(url.slice(0, i))) {
    return { scheme: url.slice(0, i).toLowerCase(), rest: url.slice(i + 1) };
  }
  return { scheme: '', rest: url };
}

/** urllib.parse.urlsplit(url) with the default scheme and fragments allowed. */
export function pythonUrlsplit(input: string): SplitUrl {
  // WHATWG: leading C0 controls and spaces go, and tabs and line breaks anywhere.
  const url = input.replace(/^[\x00-\x20]+/, '').replace(/[\t\r\n]/g, '');
  const { scheme, rest: afterScheme } = splitScheme(url);
  let rest = afterScheme;
  let netloc = '';
  if (rest.startsWith('//')) {
    ({ netloc, rest } = splitNetloc(rest));
    checkNetlocBrackets(netloc);
  }
  let fragment = '';
  let query = '';
  if (rest.includes('#')) [rest, , fragment] = partition(rest, '#');
  if (rest.includes('?')) [rest, , query] = partition(rest, '?');
  checkNetlocNfkc(netloc);
  return { scheme, netloc, path: rest, query, fragment };
}

/** urllib.parse.urlunsplit. */
export function pythonUrlunsplit(parts: SplitUrl): string {
  let url = parts.path;
  if (parts.netloc || (parts.scheme && USES_NETLOC.has(parts.scheme) && !url.startsWith('//'))) {
    if (url && !url.startsWith('/')) url = `/${url}`;
    url = `//${parts.netloc}${url}`;
  }
  if (parts.scheme) url = `${parts.scheme}:${url}`;
  if (parts.query) url = `${url}?${parts.query}`;
  if (parts.fragment) url = `${url}#${parts.fragment}`;
  return url;
}
