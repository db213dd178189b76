/** Hash algorithm names a clearsigned file's `Hash:` armor header may carry (RFC 4880, 9.4). */
export const ARMOR_HASHES: ReadonlySet<string> = new Set(['MD5', 'SHA1', 'RIPEMD160', 'SHA224', 'SHA256', 'SHA384', 'SHA512']);
