import ipaddr from 'ipaddr.js';
import { DataError } from '../util/errors.js';

/** Words per IP key: family (4 or 6), then the address as four big-endian 32-bit words (IPv4 in the last one). */
export const IP_KEY_WORDS = 5;

/**
 * Writes the numeric sort key of `ip` into `out[at .. at+5)`: comparing keys word by word orders IPs numerically,
 * IPv4 before IPv6 (the order of util/ip.ts `ipSortKey`, without a Buffer per IP).
 */
export function writeIpKey(ip: string, out: Uint32Array, at: number): void {
  if (!ip.includes(':')) {
    const parts = ip.split('.');
    let v = 0;
    let ok = parts.length === 4;
    for (const p of parts) {
      const n = Number(p);
      if (p === '' || !Number.isInteger(n) || n < 0 || n > 255) ok = false;
      v = v * 256 + n;
    }
    if (!ok) throw new DataError(`not an IP address: '${ip}'`);
    out[at] = 4;
    out[at + 1] = 0;
    out[at + 2] = 0;
    out[at + 3] = 0;
    out[at + 4] = v;
    return;
  }
  if (!ipaddr.IPv6.isValid(ip)) throw new DataError(`not an IP address: '${ip}'`);
  const b = ipaddr.IPv6.parse(ip).toByteArray();
  out[at] = 6;
  for (let w = 0; w < 4; w++) {
    out[at + 1 + w] =
      ((b[4 * w]! << 24) | (b[4 * w + 1]! << 16) | (b[4 * w + 2]! << 8) | b[4 * w + 3]!) >>> 0;
  }
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
