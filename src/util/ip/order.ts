import ipaddr from 'ipaddr.js';
import { DataError } from '../errors.js';
import { ipFamily } from './canonical.js';
import { ipv4Text, ipv4ToNumber } from './ipv4.js';
import { ipv6Parts, ipv6TextOfBytes } from './ipv6.js';

/**
 * A 17-byte key that sorts IPs numerically with `Buffer.compare`: family (4 before 6), then the address bytes.
 * `ip` must be canonical (see canonicalIp).
 */
export function ipSortKey(ip: string): Buffer {
  const key = Buffer.alloc(17);
  const bytes = ipaddr.parse(ip).toByteArray();
  key[0] = bytes.length === 4 ? 4 : 6;
  key.set(bytes, 17 - bytes.length);
  return key;
}

/**
 * Sorts canonical IP strings numerically (IPv4 first), returning the permutation. IPv4 is compared as numbers (the
 * common case, and fast); IPv6 by 16-byte keys.
 */
export function sortIpIndex(ips: readonly string[]): number[] {
  const n = ips.length;
  const v4 = new Float64Array(n);
  const v6: (Buffer | undefined)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const x = ipv4ToNumber(ips[i]!);
    v4[i] = x;
    if (x < 0) v6[i] = ipSortKey(ips[i]!);
  }
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => {
    const x = v4[a]!;
    const y = v4[b]!;
    if (x >= 0 && y >= 0) return x - y;
    if (x >= 0) return -1;
    if (y >= 0) return 1;
    return Buffer.compare(v6[a]!, v6[b]!);
  });
  return order;
}

/** Words per IP key: family (4 or 6), then the address as four big-endian 32-bit words (IPv4 in the last one). */
export const IP_KEY_WORDS = 5;

/**
 * Writes the numeric key of `ip` into `out[at .. at+5)`: comparing keys word by word (compareIpKeys) orders IPs
 * numerically, IPv4 before IPv6 (ipSortKey's order, without a Buffer per IP). `ip` is a canonical dotted quad or an
 * IPv6 text ipaddr.js reads; anything else is a DataError.
 */
export function writeIpKey(ip: string, out: Uint32Array, at: number): void {
  const v4 = ipv4ToNumber(ip);
  if (v4 >= 0) {
    out[at] = 4;
    out[at + 1] = 0;
    out[at + 2] = 0;
    out[at + 3] = 0;
    out[at + 4] = v4;
    return;
  }
  const p = ipFamily(ip) === 6 ? ipv6Parts(ip) : undefined;
  if (p === undefined) throw new DataError(`not an IP address: '${ip}'`);
  out[at] = 6;
  for (let w = 0; w < 4; w++) out[at + 1 + w] = p[2 * w]! * 65536 + p[2 * w + 1]!;
}

/** Compares the keys of ids `a` and `b` in `keys` (negative: a sorts first). */
export function compareIpKeys(keys: Uint32Array, a: number, b: number): number {
  const pa = a * IP_KEY_WORDS;
  const pb = b * IP_KEY_WORDS;
  for (let w = 0; w < IP_KEY_WORDS; w++) {
    const d = keys[pa + w]! - keys[pb + w]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** The canonical text of the IP whose key is at `keys[at .. at+5)` (see writeIpKey). */
export function ipKeyText(keys: Uint32Array, at: number): string {
  if (keys[at] === 4) return ipv4Text(keys[at + 4]!);
  const bytes: number[] = [];
  for (let w = 1; w < 5; w++) {
    const x = keys[at + w]!;
    bytes.push(x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255);
  }
  return ipv6TextOfBytes(bytes);
}
