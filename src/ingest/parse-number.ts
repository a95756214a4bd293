/**
 * Decimal parsing straight from bytes, for the hot path of the Zeek scanner. A plain `[-]digits[.digits]` with a
 * mantissa below 2^53 is parsed as mantissa / 10^k, which is correctly rounded (both are exact doubles, and
 * IEEE division rounds once) and so equals parseFloat; anything else falls back to Number() on the text.
 * Returns NaN for text that is not a number.
 */
const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
];

export function parseDecimalBytes(buf: Buffer, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (i < end && buf[i] === 45) {
    negative = true;
    i++;
  }
  if (i >= end) return Number.NaN;
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (fraction >= 0) fraction++;
    } else if (c === 46 && fraction < 0) {
      fraction = 0;
    } else {
      return slow(buf, start, end);
    }
  }
  if (digits === 0) return Number.NaN;
  if (mantissa > 9007199254740991) return slow(buf, start, end);
  const value = fraction > 0 ? mantissa / POW10[fraction]! : mantissa;
  return negative ? -value : value;
}

function slow(buf: Buffer, start: number, end: number): number {
  const text = buf.toString('latin1', start, end).trim();
  if (text === '') return Number.NaN;
  return Number(text);
}

/** True when the bytes equal `text` (ASCII). */
export function bytesEqual(buf: Buffer, start: number, end: number, text: Uint8Array): boolean {
  if (end - start !== text.length) return false;
  for (let k = 0; k < text.length; k++) if (buf[start + k] !== text[k]) return false;
  return true;
}

/**
 * Epoch seconds of a Zeek `ts` field, to the whole second (all the day needs): digits up to the `.` are parsed, the
 * fraction is only checked to be digits. Anything unusual (sign, exponent) goes through Number(). NaN if not a time.
 */
export function epochSecondsBytes(buf: Buffer, start: number, end: number): number {
  let i = start;
  let whole = 0;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c === 46) break;
    if (c < 48 || c > 57) return slow(buf, start, end);
    whole = whole * 10 + (c - 48);
  }
  if (i === start) return slow(buf, start, end);
  for (let k = i + 1; k < end; k++) {
    const c = buf[k]!;
    if (c < 48 || c > 57) return slow(buf, start, end);
  }
  return whole;
}
