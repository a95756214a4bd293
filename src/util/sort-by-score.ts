const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const SMALL = 48;

/**
 * Reorders `order` (indices into `keyOf`) by key descending; equal keys keep their order in `order` (stable), which
 * is how every ranked list gets its ties ordered by IP: pass the candidates in IP order (DESIGN §4).
 * An LSD radix sort over the 64 bits of the keys (four 16-bit passes, skipped where all keys share the digit): O(n),
 * no comparator calls, so ranking 10⁶ IPs a day stays cheap. Keys must not be NaN; -0 equals 0.
 */
export function sortByScoreDesc(order: Int32Array, keyOf: Float64Array): Int32Array {
  const n = order.length;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(keyOf[order[i]!]!)) throw new RangeError(`score of candidate ${order[i]} is NaN`);
  }
  if (n <= SMALL) return insertionSort(order, keyOf);
  // Scratch buffers grown and reused across calls (sorts run one at a time): no allocation but the result.
  if (scratchF.length < n) {
    const cap = Math.max(n, Math.ceil(scratchF.length * 1.5));
    scratchF = new Float64Array(cap);
    scratchW = new Uint32Array(scratchF.buffer);
    for (let b = 0; b < 4; b++) scratchU32[b] = new Uint32Array(cap);
    scratchIdx = new Int32Array(cap);
  }
  const f = scratchF;
  const w = scratchW;
  for (let i = 0; i < n; i++) f[i] = keyOf[order[i]!]! + 0; // + 0 turns -0 into 0
  // Map each float to an unsigned 64-bit key that sorts descending: ascending transform (flip sign bit, or all bits
  // for negatives), then invert every bit.
  let hiK = scratchU32[0]!;
  let loK = scratchU32[1]!;
  for (let i = 0; i < n; i++) {
    const hi = w[2 * i + HI]!;
    if (hi & 0x80000000) {
      hiK[i] = hi; // ~(~hi)
      loK[i] = w[2 * i + LO]!;
    } else {
      hiK[i] = ~(hi ^ 0x80000000) >>> 0;
      loK[i] = ~w[2 * i + LO]! >>> 0;
    }
  }
  let idx = order.slice();
  let idx2 = scratchIdx;
  let hi2 = scratchU32[2]!;
  let lo2 = scratchU32[3]!;
  const count = scratchCount;
  for (let pass = 0; pass < 4; pass++) {
    const src = pass < 2 ? loK : hiK;
    const shift = pass % 2 === 0 ? 0 : 16;
    count.fill(0);
    for (let i = 0; i < n; i++) count[((src[i]! >>> shift) & 0xffff) + 1]!++;
    if (count[((src[0]! >>> shift) & 0xffff) + 1] === n) continue; // one digit for all: order unchanged
    for (let b = 0; b < 65_536; b++) count[b + 1]! += count[b]!;
    for (let i = 0; i < n; i++) {
      const pos = count[(src[i]! >>> shift) & 0xffff]!++;
      idx2[pos] = idx[i]!;
      hi2[pos] = hiK[i]!;
      lo2[pos] = loK[i]!;
    }
    [idx, idx2] = [idx2, idx];
    [hiK, hi2] = [hi2, hiK];
    [loK, lo2] = [lo2, loK];
  }
  // After an odd number of passes the result sits in the scratch: hand out a copy of its first n.
  return idx === scratchIdx ? idx.slice(0, n) : idx;
}

let scratchF = new Float64Array(0);
let scratchW = new Uint32Array(0);
const scratchU32: Uint32Array[] = [];
let scratchIdx = new Int32Array(0);
const scratchCount = new Int32Array(65_537);

function insertionSort(order: Int32Array, keyOf: Float64Array): Int32Array {
  const out = order.slice();
  for (let i = 1; i < out.length; i++) {
    const v = out[i]!;
    const k = keyOf[v]!;
    let j = i - 1;
    while (j >= 0 && keyOf[out[j]!]! < k) {
      out[j + 1] = out[j]!;
      j--;
    }
    out[j + 1] = v;
  }
  return out;
}
