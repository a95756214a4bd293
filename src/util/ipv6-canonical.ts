/**
 * Whether `text` is an IPv6 address in the form canonicalIp gives (ipaddr.js's toRFC5952String): lower-case hex groups
 * without leading zeros, the longest run of two or more zero groups (the leftmost of equal runs) written `::`, no
 * other `::`, no embedded IPv4, no zone. False for anything else, canonical or not, which canonicalIp then parses.
 */
export function isCanonicalIpv6(text: string): boolean {
  const n = text.length;
  if (n < 2 || n > 39) return false;
  let i = 0;
  /** Explicit groups so far. */
  let groups = 0;
  /** How many explicit groups come before the `::`, or -1 when there is none. */
  let gap = -1;
  /** Bit g set: explicit group g is 0. */
  let zeros = 0;
  let digits = 0;
  let leadingZero = false;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
  }
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 58) {
      if (digits === 0 || groups === 7) return false;
      if (leadingZero) zeros |= 1 << groups;
      groups++;
      digits = 0;
      if (i + 1 === n) return false;
      if (text.charCodeAt(i + 1) === 58) {
        if (gap >= 0) return false;
        gap = groups;
        i++;
      }
    } else if ((c >= 48 && c <= 57) || (c >= 97 && c <= 102)) {
      if (digits === 0) leadingZero = c === 48;
      else if (leadingZero || digits === 4) return false;
      digits++;
    } else return false;
  }
  if (digits > 0) {
    if (leadingZero) zeros |= 1 << groups;
    groups++;
  }
  if (groups > 8) return false;
  if (gap < 0) return groups === 8 && (zeros & (zeros >> 1)) === 0;
  // `::` stands for run zero groups; it must stand for 2 or more, touch no explicit 0 group, and be longer than
  // every run of explicit zero groups before it and at least as long as every one after it.
  const run = 8 - groups;
  if (run < 2) return false;
  if (gap > 0 && (zeros >> (gap - 1)) & 1) return false;
  if ((zeros >> gap) & 1) return false;
  let current = 0;
  for (let g = 0; g < groups; g++) {
    if (g === gap) current = 0;
    if ((zeros >> g) & 1) {
      current++;
      if (g < gap ? current >= run : current > run) return false;
    } else current = 0;
  }
  return true;
}
