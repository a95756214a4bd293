/**
 * Sorted, disjoint, inclusive address ranges each holding one value (an index the caller gives meaning to), found by
 * binary search: IPv4 ranges as uint32 pairs, IPv6 ranges as four uint32 words each (most significant first), so a
 * lookup needs no BigInt and the whole table is a handful of typed arrays.
 */
export class RangeTable {
  /** @internal use RangeTableBuilder */
  constructor(
    private readonly v4Start: Uint32Array,
    private readonly v4End: Uint32Array,
    private readonly v4Value: Uint32Array,
    /** Four words a range. */
    private readonly v6Start: Uint32Array,
    private readonly v6End: Uint32Array,
    private readonly v6Value: Uint32Array,
  ) {}

  /** Ranges held, by family. */
  get sizes(): { v4: number; v6: number } {
    return { v4: this.v4Value.length, v6: this.v6Value.length };
  }

  /** Bytes of the typed arrays. */
  get bytes(): number {
    return [this.v4Start, this.v4End, this.v4Value, this.v6Start, this.v6End, this.v6Value].reduce(
      (sum, a) => sum + a.byteLength,
      0,
    );
  }

  /** The value of the range holding an IPv4 address (as uint32), or -1 in a gap. */
  findV4(address: number): number {
    const starts = this.v4Start;
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! <= address) lo = mid + 1;
      else hi = mid;
    }
    const i = lo - 1;
    return i >= 0 && address <= this.v4End[i]! ? this.v4Value[i]! : -1;
  }

  /** The value of the range holding an IPv6 address (four uint32 words, most significant first), or -1 in a gap. */
  findV6(address: ArrayLike<number>): number {
    const starts = this.v6Start;
    let lo = 0;
    let hi = this.v6Value.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareWords(starts, mid * 4, address, 0) <= 0) lo = mid + 1;
      else hi = mid;
    }
    const i = lo - 1;
    return i >= 0 && compareWords(this.v6End, i * 4, address, 0) >= 0 ? this.v6Value[i]! : -1;
  }
}

/** Sign of a[i .. i+3] − b[j .. j+3], both unsigned 128-bit numbers as four uint32 words. */
function compareWords(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number {
  return a[i]! - b[j]! || a[i + 1]! - b[j + 1]! || a[i + 2]! - b[j + 2]! || a[i + 3]! - b[j + 3]!;
}

/**
 * Disjoint ranges in ascending order, built from ranges sorted by start that may overlap: each address keeps the value
 * of the narrowest range holding it (fewest addresses), and of the later line among equally narrow ones.
 */
class Segments<T extends number | bigint> {
  readonly start: T[] = [];
  readonly end: T[] = [];
  readonly value: number[] = [];
  /** Width (end − start) of the input range each segment comes from: what an overlapping range is compared on. */
  readonly width: T[] = [];
  /** Start of the last range added (input order). */
  lastStart: T | undefined;
  /** Ranges that overlapped earlier ones. */
  overlaps = 0;

  constructor(
    private readonly before: (x: T) => T,
    private readonly after: (x: T) => T,
    private readonly minus: (a: T, b: T) => T,
  ) {}

  /** Appends a segment, merged into the last one where it continues it with the same value and width. */
  private push(s: T, e: T, v: number, w: T): void {
    const n = this.end.length;
    if (n > 0 && this.value[n - 1] === v && this.width[n - 1] === w && this.after(this.end[n - 1]!) === s) {
      this.end[n - 1] = e;
      return;
    }
    this.start.push(s);
    this.end.push(e);
    this.value.push(v);
    this.width.push(w);
  }

  add(s: T, e: T, v: number): string | undefined {
    if (s > e) return 'range start after its end';
    if (this.lastStart !== undefined && s < this.lastStart)
      return 'range starts before the previous one (the file must be sorted)';
    this.lastStart = s;
    const { start, end, value, width } = this;
    const w = this.minus(e, s);
    if (end.length === 0 || end[end.length - 1]! < s) {
      this.push(s, e, v, w);
      return undefined;
    }
    // Overlap: the segments that end at or after s (a short tail: the data overlaps rarely) are taken off and put
    // back with the new range; where they meet, the narrower wins (the new one when as narrow).
    this.overlaps++;
    let k = end.length;
    while (k > 0 && end[k - 1]! >= s) k--;
    const tail = {
      start: start.splice(k),
      end: end.splice(k),
      value: value.splice(k),
      width: width.splice(k),
    };
    let from = s; // the first address of the new range not yet placed
    let done = false; // all of the new range placed
    for (let i = 0; i < tail.start.length; i++) {
      const ts = tail.start[i]!;
      const te = tail.end[i]!;
      const tv = tail.value[i]!;
      const tw = tail.width[i]!;
      if (ts < s) this.push(ts, this.before(s), tv, tw);
      if (!done && ts > from) {
        // The new range alone, up to this segment or to its own end.
        const upTo = ts <= e ? this.before(ts) : e;
        this.push(from, upTo, v, w);
        if (upTo === e) done = true;
        else from = ts;
      }
      if (!done && ts <= e) {
        // The part both hold.
        const a = ts > s ? ts : s;
        const b = te < e ? te : e;
        if (tw < w) this.push(a, b, tv, tw);
        else this.push(a, b, v, w);
        if (b === e) done = true;
        else from = this.after(b);
      }
      if (te > e) this.push(ts > e ? ts : this.after(e), te, tv, tw);
    }
    if (!done) this.push(from, e, v, w);
    return undefined;
  }
}

/**
 * Collects ranges sorted by start. Where ranges overlap (upstream data has some: nested ranges, in either order when
 * they share a start, and partial overlaps), each address gets the value of the **narrowest** range holding it (the
 * most specific one), and of the later line among equally wide ones; `overlaps` counts the ranges that overlapped an
 * earlier one.
 */
export class RangeTableBuilder {
  readonly #v4 = new Segments<number>(
    (x) => x - 1,
    (x) => x + 1,
    (a, b) => a - b,
  );
  readonly #v6 = new Segments<bigint>(
    (x) => x - 1n,
    (x) => x + 1n,
    (a, b) => a - b,
  );

  /** Ranges that overlapped an earlier one, by family. */
  get overlaps(): { v4: number; v6: number } {
    return { v4: this.#v4.overlaps, v6: this.#v6.overlaps };
  }

  /** Adds an IPv4 range (uint32 bounds, inclusive); returns why it cannot be added, else undefined. */
  addV4(start: number, end: number, value: number): string | undefined {
    return this.#v4.add(start, end, value);
  }

  /** Adds an IPv6 range (bounds below 2^128, inclusive); see addV4. */
  addV6(start: bigint, end: bigint, value: number): string | undefined {
    return this.#v6.add(start, end, value);
  }

  build(): RangeTable {
    const v4 = this.#v4;
    const v6 = this.#v6;
    const words = (values: bigint[]) => {
      const out = new Uint32Array(values.length * 4);
      for (let i = 0; i < values.length; i++) {
        const x = values[i]!;
        out[4 * i] = Number(x >> 96n);
        out[4 * i + 1] = Number((x >> 64n) & 0xffff_ffffn);
        out[4 * i + 2] = Number((x >> 32n) & 0xffff_ffffn);
        out[4 * i + 3] = Number(x & 0xffff_ffffn);
      }
      return out;
    };
    return new RangeTable(
      Uint32Array.from(v4.start),
      Uint32Array.from(v4.end),
      Uint32Array.from(v4.value),
      words(v6.start),
      words(v6.end),
      Uint32Array.from(v6.value),
    );
  }
}
