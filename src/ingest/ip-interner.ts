import { canonicalIpv4Bytes, ipv4Text } from '../util/ip/index.js';

// The byte-level dotted-quad parser this fast path rests on is util/ip's canonicalIpv4Bytes (hand-written there
// because it was measured faster than any string-based parse); named here too, where its tests import it.
export { canonicalIpv4Bytes };

/**
 * Interns IP address texts straight from bytes: a dense id per distinct text, so the Zeek hot path creates no string
 * per flow (a JS string per field cost more than the whole scan), nor one per new address. A canonical dotted quad
 * (nearly every address Zeek writes) is looked up by its 32-bit value in a table of two ints a slot (value, id), one
 * cache line a lookup even with 10⁵–10⁶ distinct attackers a day; any other text (IPv6, other spellings) by a hash
 * of its bytes, compared with a copy kept in one byte arena. The text of an id is made only when asked for (writing
 * a day table): from the value for a dotted quad, from the arena otherwise. Keeping no string per id keeps the heap
 * small, so the garbage collector has little to mark however many addresses a year of input brings.
 */
export class IpInterner {
  private count = 0;
  /** Per id: the 32-bit value of a canonical dotted quad, or -1 (the text is then in the arena). */
  private v4Of = new Float64Array(1024);
  /** Per id of the byte-keyed table: offset and length of its text in `arena`. */
  private offOf = new Int32Array(1024);
  private lenOf = new Uint8Array(1024);
  /** Canonical IPv4: 2 ints a slot, the address and id + 1 (0 = empty); Fibonacci hashing by the top bits. */
  private v4Table = new Int32Array(2 << 16);
  private v4Mask = (1 << 16) - 1;
  private v4Shift = 32 - 16;
  private v4Count = 0;
  /** The byte-keyed table: SLOT ints a slot, hash, id + 1 (0 = empty), length, offset of the text in `arena`. */
  private table = new Int32Array(SLOT << 10);
  private mask = (1 << 10) - 1;
  private byteCount = 0;
  /** The texts of the byte-keyed table, one after the other. */
  private arena = new Uint8Array(1 << 14);
  private arenaUsed = 0;
  private readonly byText = new Map<string, number>();

  get size(): number {
    return this.count;
  }

  /** The text of an id, as it was interned. */
  text(id: number): string {
    const v = this.v4Of[id]!;
    if (v >= 0) return ipv4Text(v);
    const off = this.offOf[id]!;
    return Buffer.from(this.arena.buffer, this.arena.byteOffset + off, this.lenOf[id]!).toString('latin1');
  }

  /** The value of an id whose text is a canonical dotted quad (that text is then its canonical IP), else -1. */
  ipv4(id: number): number {
    return this.v4Of[id]!;
  }

  /**
   * Id of the bytes [start, end) of `buf`, or -1 for a text that cannot be an address: longer than 255 bytes, or with
   * an IPv6 zone id (`%`, see canonicalIp). Other texts get an id; whether they are addresses is decided later.
   */
  intern(buf: Uint8Array, start: number, end: number): number {
    const v4 = canonicalIpv4Bytes(buf, start, end);
    return v4 >= 0 ? this.internV4(v4) : this.internBytes(buf, start, end);
  }

  /**
   * Id of a canonical dotted quad whose value is `v4` (see canonicalIpv4Bytes): looked up by the 32-bit value in a
   * table of its own (two ints a slot), with no hashing of the text.
   */
  internV4(v4: number): number {
    const key = v4 | 0;
    const table = this.v4Table;
    const mask = this.v4Mask;
    let slot = Math.imul(key, 0x9e3779b1) >>> this.v4Shift;
    for (;;) {
      const at = slot << 1;
      const idPlus1 = table[at + 1]!;
      if (idPlus1 === 0) break;
      if (table[at] === key) return idPlus1 - 1;
      slot = (slot + 1) & mask;
    }
    const id = this.newId();
    const at = slot << 1;
    table[at] = key;
    table[at + 1] = id + 1;
    this.v4Of[id] = v4;
    if (++this.v4Count * 2 > mask + 1) this.rehashV4();
    return id;
  }

  /** The byte-keyed table: IPv6 and anything that is not a canonical dotted quad. */
  private internBytes(buf: Uint8Array, start: number, end: number): number {
    const len = end - start;
    if (len > 255) return -1;
    let h = len;
    for (let i = start; i < end; i++) {
      const b = buf[i]!;
      if (b === PERCENT) return -1;
      h = Math.imul(h ^ b, 0x01000193);
    }
    h ^= h >>> 15;
    h = Math.imul(h, 0x9e3779b1);
    h ^= h >>> 13;
    const table = this.table;
    const mask = this.mask;
    const arena = this.arena;
    let slot = h & mask;
    for (;;) {
      const at = slot * SLOT;
      const idPlus1 = table[at + 1]!;
      if (idPlus1 === 0) break;
      if (table[at] === h && table[at + 2] === len) {
        const off = table[at + 3]!;
        let k = 0;
        while (k < len && arena[off + k] === buf[start + k]) k++;
        if (k === len) return idPlus1 - 1;
      }
      slot = (slot + 1) & mask;
    }
    if (this.arenaUsed + len > this.arena.length) {
      const next = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + len));
      next.set(this.arena);
      this.arena = next;
    }
    this.arena.set(buf.subarray(start, end), this.arenaUsed);
    const id = this.newId();
    const at = slot * SLOT;
    table[at] = h;
    table[at + 1] = id + 1;
    table[at + 2] = len;
    table[at + 3] = this.arenaUsed;
    this.v4Of[id] = -1;
    this.offOf[id] = this.arenaUsed;
    this.lenOf[id] = len;
    this.arenaUsed += len;
    if (++this.byteCount * 2 > mask + 1) this.rehash();
    return id;
  }

  /** Id of a text (for formats parsed into strings: JSON, CSV). */
  internString(text: string): number {
    const known = this.byText.get(text);
    if (known !== undefined) return known;
    const bytes = Buffer.from(text, 'latin1');
    const id = this.intern(bytes, 0, bytes.length);
    if (id >= 0) this.byText.set(text, id);
    return id;
  }

  /** A new id, with room for it in the per-id arrays. */
  private newId(): number {
    const id = this.count++;
    if (id === this.v4Of.length) {
      const size = id * 2;
      const v4Of = new Float64Array(size);
      v4Of.set(this.v4Of);
      this.v4Of = v4Of;
      const offOf = new Int32Array(size);
      offOf.set(this.offOf);
      this.offOf = offOf;
      const lenOf = new Uint8Array(size);
      lenOf.set(this.lenOf);
      this.lenOf = lenOf;
    }
    return id;
  }

  private rehashV4(): void {
    const old = this.v4Table;
    const bits = 32 - this.v4Shift + 1;
    const table = new Int32Array(2 << bits);
    const mask = (1 << bits) - 1;
    const shift = 32 - bits;
    for (let at = 0; at < old.length; at += 2) {
      if (old[at + 1] === 0) continue;
      let slot = Math.imul(old[at]!, 0x9e3779b1) >>> shift;
      while (table[(slot << 1) + 1] !== 0) slot = (slot + 1) & mask;
      table[slot << 1] = old[at]!;
      table[(slot << 1) + 1] = old[at + 1]!;
    }
    this.v4Table = table;
    this.v4Mask = mask;
    this.v4Shift = shift;
  }

  private rehash(): void {
    const old = this.table;
    const size = (this.mask + 1) * 2;
    const table = new Int32Array(SLOT * size);
    const mask = size - 1;
    for (let at = 0; at < old.length; at += SLOT) {
      if (old[at + 1] === 0) continue;
      let slot = old[at]! & mask;
      while (table[slot * SLOT + 1] !== 0) slot = (slot + 1) & mask;
      table.set(old.subarray(at, at + SLOT), slot * SLOT);
    }
    this.table = table;
    this.mask = mask;
  }
}

const SLOT = 4;
/** `%`, which starts an IPv6 zone id. */
const PERCENT = 37;
