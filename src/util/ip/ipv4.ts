/**
 * IPv4 in its one accepted spelling, the canonical dotted quad: four decimal parts 0..255 without leading zeros (what
 * Zeek writes, and what ipaddr.js's `IPv4.isValidFourPartDecimal` accepts). Other spellings ipaddr.js reads (`10`,
 * `0x0a.0.0.1`, `010.0.0.1`) are no address here. Hand-written rather than ipaddr.js because every flow, day-table row
 * and lookup goes through them; test/util/ip.test.ts checks them against ipaddr.js.
 */

/** Whether `text` is an IPv4 dotted quad in canonical form. */
export function isCanonicalIpv4(text: string): boolean {
  return ipv4InText(text, 0, text.length) >= 0;
}

/** IPv4 dotted quad → unsigned 32-bit number, or -1 if `ip` is not a canonical IPv4 text. */
export function ipv4ToNumber(ip: string): number {
  return ipv4InText(ip, 0, ip.length);
}

/** The value of the canonical dotted quad that is `text[start, end)`, or -1 for any other text. */
export function ipv4InText(text: string, start: number, end: number): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || part > 255) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      // No leading zero (`010` is not canonical) and at most three digits.
      if (digits > 0 && (part === 0 || digits === 3)) return -1;
      part = part * 10 + (c - 48);
      digits++;
    } else return -1;
  }
  if (dots !== 3 || digits === 0 || part > 255) return -1;
  return value * 256 + part;
}

/**
 * The value of the canonical dotted quad at bytes [start, end) of `buf`, or -1 for any other text: ipv4InText on
 * bytes. This is ingest's fast path (IpInterner, the Zeek and nfdump readers): unrolled per part, it was measured
 * faster than decoding a string per field, which is why it stays hand-written.
 */
export function canonicalIpv4Bytes(buf: Uint8Array, start: number, end: number): number {
  if (end - start < 7 || end - start > 15) return -1;
  let i = start;
  let value = 0;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (buf[i] !== 46) return -1;
      i++;
    }
    let c = i < end ? buf[i]! - 48 : -1;
    if (c < 0 || c > 9) return -1;
    let v = c;
    i++;
    if (v !== 0 && i < end) {
      c = buf[i]! - 48;
      if (c >= 0 && c <= 9) {
        v = v * 10 + c;
        i++;
        if (i < end) {
          c = buf[i]! - 48;
          if (c >= 0 && c <= 9) {
            v = v * 10 + c;
            i++;
            if (v > 255) return -1;
          }
        }
      }
    }
    value = value * 256 + v;
  }
  return i === end ? value : -1;
}

/** Canonical dotted-quad text of an IPv4 address held as an unsigned 32-bit number. */
export function ipv4Text(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}
