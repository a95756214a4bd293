import { DAY_TABLE_HEADER } from '../days/day-table.js';
import { formatDuration } from '../util/number-format.js';
import { ipv6SortKeys, ipv6Text } from './addresses.js';

/** Per-actor sums of one day (indexed like the day's active actors), grown as needed and reused. */
export class DaySums {
  flows = new Float64Array(1024);
  durUs = new Float64Array(1024);
  packets = new Float64Array(1024);
  bytes = new Float64Array(1024);

  /** Makes room for `n` actors (contents are overwritten by the caller, not cleared). */
  ensure(n: number): void {
    if (n <= this.flows.length) return;
    let cap = this.flows.length;
    while (cap < n) cap *= 2;
    this.flows = new Float64Array(cap);
    this.durUs = new Float64Array(cap);
    this.packets = new Float64Array(cap);
    this.bytes = new Float64Array(cap);
  }
}

const COMMA = 44;
const DOT = 46;
const NEWLINE = 10;
const ZERO = 48;

/** Writes a non-negative integer (< 2^53) in decimal at `pos`; returns the position after it. */
function putUint(b: Uint8Array, pos: number, n: number): number {
  if (n < 10) {
    b[pos] = ZERO + n;
    return pos + 1;
  }
  if (n < 2_147_483_648) {
    let digits = 2;
    for (let m = 100; m <= n && digits < 10; m *= 10) digits++;
    let p = pos + digits;
    let x = n | 0;
    while (x > 0) {
      const q = (x / 10) | 0;
      b[--p] = ZERO + x - q * 10;
      x = q;
    }
    return pos + digits;
  }
  let digits = 1;
  for (let m = n; m >= 10; m = Math.floor(m / 10)) digits++;
  let p = pos + digits;
  while (n > 0) {
    const q = Math.floor(n / 10);
    b[--p] = ZERO + n - q * 10;
    n = q;
  }
  return pos + digits;
}

function putAscii(b: Uint8Array, pos: number, s: string): number {
  for (let i = 0; i < s.length; i++) b[pos++] = s.charCodeAt(i);
  return pos;
}

/** Dotted-quad text of the IPv4 address `x` (unsigned 32-bit), as ipv4Text writes it. */
function putIpv4(b: Uint8Array, pos: number, x: number): number {
  pos = putUint(b, pos, x >>> 24);
  b[pos++] = DOT;
  pos = putUint(b, pos, (x >>> 16) & 0xff);
  b[pos++] = DOT;
  pos = putUint(b, pos, (x >>> 8) & 0xff);
  b[pos++] = DOT;
  return putUint(b, pos, x & 0xff);
}

/**
 * Writes a duration of `us` whole microseconds as formatDuration(us / 1e6) does: seconds with the microseconds'
 * significant digits, at least `.0`. Below 10^15 µs the decimal has at most 15 significant digits, so it is exactly
 * the shortest text of that double; larger sums (never reached) go through formatDuration itself.
 */
function putDuration(b: Uint8Array, pos: number, us: number): number {
  if (!(us < 1e15 && Number.isInteger(us))) return putAscii(b, pos, formatDuration(us / 1e6));
  const sec = Math.floor(us / 1e6);
  let frac = us - sec * 1e6;
  pos = putUint(b, pos, sec);
  b[pos++] = DOT;
  if (frac === 0) {
    b[pos++] = ZERO;
    return pos;
  }
  let digits = 6;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  for (let k = digits - 1; k >= 0; k--) {
    const q = Math.floor(frac / 10);
    b[pos + k] = ZERO + frac - q * 10;
    frac = q;
  }
  return pos + digits;
}

/** `,flows,duration,packets,bytes\n` from `cols[at..at+4)`. */
function putSums(b: Uint8Array, pos: number, cols: Float64Array, at: number): number {
  b[pos++] = COMMA;
  pos = putUint(b, pos, cols[at]!);
  b[pos++] = COMMA;
  pos = putDuration(b, pos, cols[at + 1]!);
  b[pos++] = COMMA;
  pos = putUint(b, pos, cols[at + 2]!);
  b[pos++] = COMMA;
  pos = putUint(b, pos, cols[at + 3]!);
  b[pos++] = NEWLINE;
  return pos;
}

/** Longest row: an IPv6 text (≤ 39), four numbers (≤ 24 characters each), four commas and a newline. */
const MAX_ROW = 39 + 4 * 24 + 5;
const ROW_BITS = 2_097_152; // 2^21: a row's position packed under its IPv4 address in one double (< 2^53)

/**
 * The day table whose rows are `rows` (indices into `actors` and `sums`) as CSV text, byte for byte what
 * dayTableToCsv(sortDayTable(table)) gives for the same table, so ingesting the zeek output writes the same file.
 * Rows are ordered as sortIpIndex orders them (IPv4 numerically, then IPv6 numerically), on the addresses' numbers,
 * never on their text. The sorted pass reads addresses from the sort keys, not from the (scattered) actor objects,
 * and each row's sums from one place (a row's four values side by side): reading in address order is reading in
 * random order, and memory latency, not formatting, would bound it.
 */
export function dayTableCsvBytes(
  actors: { readonly addr: Float64Array; readonly v6: Uint8Array },
  rows: Int32Array,
  sums: DaySums,
): Buffer {
  const { addr, v6: isV6 } = actors;
  const count = rows.length;
  let n6 = 0;
  for (let i = 0; i < count; i++) n6 += isV6[rows[i]!]!;
  const n4 = count - n6;
  const v6 = new Int32Array(n6);
  const keys = new Float64Array(n4);
  /** Sums by row, four values a row: IPv4 rows in `keys` position order, then IPv6 rows in `v6` order. */
  const cols = new Float64Array(4 * count);
  const { flows, durUs, packets, bytes } = sums;
  for (let i = 0, i4 = 0, i6 = 0; i < count; i++) {
    const j = rows[i]!;
    let at: number;
    if (isV6[j] === 1) {
      at = 4 * (n4 + i6);
      v6[i6++] = j;
    } else {
      at = 4 * i4;
      keys[i4] = addr[j]! * ROW_BITS + i4;
      i4++;
    }
    cols[at] = flows[j]!;
    cols[at + 1] = durUs[j]!;
    cols[at + 2] = packets[j]!;
    cols[at + 3] = bytes[j]!;
  }
  const b = Buffer.allocUnsafe(DAY_TABLE_HEADER.length + 1 + count * MAX_ROW);
  let pos = putAscii(b, 0, DAY_TABLE_HEADER);
  b[pos++] = NEWLINE;
  if (n4 < ROW_BITS) {
    // Addresses are distinct: sorting address·2^21 + position sorts by address and carries the position along.
    keys.sort();
    for (let i = 0; i < n4; i++) {
      const key = keys[i]!;
      const at = key % ROW_BITS;
      pos = putIpv4(b, pos, (key - at) / ROW_BITS);
      pos = putSums(b, pos, cols, 4 * at);
    }
  } else {
    const a4 = new Float64Array(n4);
    for (let i = 0, i4 = 0; i < count; i++) if (isV6[rows[i]!] === 0) a4[i4++] = addr[rows[i]!]!;
    const sorted = Array.from({ length: n4 }, (_, i) => i).sort((x, y) => a4[x]! - a4[y]!);
    for (const at of sorted) {
      pos = putIpv4(b, pos, a4[at]!);
      pos = putSums(b, pos, cols, 4 * at);
    }
  }
  const hi = new Float64Array(n6);
  const lo = new Float64Array(n6);
  for (let i = 0; i < n6; i++) [hi[i], lo[i]] = ipv6SortKeys(addr[v6[i]!]!);
  const idx = Array.from({ length: n6 }, (_, i) => i).sort((x, y) => hi[x]! - hi[y]! || lo[x]! - lo[y]!);
  for (const i of idx) {
    pos = putAscii(b, pos, ipv6Text(addr[v6[i]!]!));
    pos = putSums(b, pos, cols, 4 * (n4 + i));
  }
  return b.subarray(0, pos);
}
