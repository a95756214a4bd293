/**
 * Interns IP address texts straight from bytes: a dense id per distinct text, found by an open-addressing hash table
 * over a byte pool, so the Zeek hot path creates no string per flow (a JS string per field cost more than the whole
 * scan). The text of an id is made once, when the id is new.
 */
export class IpInterner {
  private table = new Int32Array(1 << 16).fill(-1);
  private mask = (1 << 16) - 1;
  private pool = new Uint8Array(1 << 20);
  private poolUsed = 0;
  private offset = new Int32Array(1 << 12);
  private length = new Uint8Array(1 << 12);
  private hashes = new Int32Array(1 << 12);
  private readonly texts: string[] = [];
  private readonly byText = new Map<string, number>();

  get size(): number {
    return this.texts.length;
  }

  text(id: number): string {
    return this.texts[id]!;
  }

  /** Id of the bytes [start, end) of `buf` (texts longer than 255 bytes are not addresses: -1). */
  intern(buf: Uint8Array, start: number, end: number): number {
    const len = end - start;
    if (len > 255) return -1;
    // Hash four bytes at a time: a byte-serial multiply chain costs more than the rest of the lookup.
    let h = len;
    let i = start;
    for (; i + 4 <= end; i += 4) {
      h = Math.imul(
        h ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24)),
        0x9e3779b1,
      );
      h ^= h >>> 15;
    }
    for (; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    h ^= h >>> 13;
    const table = this.table;
    const mask = this.mask;
    const hashes = this.hashes;
    const lengths = this.length;
    let slot = h & mask;
    for (;;) {
      const id = table[slot]!;
      if (id < 0) break;
      if (hashes[id] === h && lengths[id] === len) {
        const off = this.offset[id]! - start;
        const pool = this.pool;
        let k = start;
        while (k < end && pool[off + k] === buf[k]) k++;
        if (k === end) return id;
      }
      slot = (slot + 1) & mask;
    }
    return this.add(buf, start, end, h, slot);
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

  private add(buf: Uint8Array, start: number, end: number, h: number, slot: number): number {
    const id = this.texts.length;
    const len = end - start;
    const text = Buffer.from(buf.buffer, buf.byteOffset + start, len).toString('latin1');
    if (id === this.offset.length) {
      const n = id * 2;
      this.offset = grow(this.offset, new Int32Array(n));
      this.length = grow(this.length, new Uint8Array(n));
      this.hashes = grow(this.hashes, new Int32Array(n));
    }
    if (this.poolUsed + len > this.pool.length)
      this.pool = grow(this.pool, new Uint8Array(this.pool.length * 2));
    this.pool.set(buf.subarray(start, end), this.poolUsed);
    this.offset[id] = this.poolUsed;
    this.length[id] = len;
    this.hashes[id] = h;
    this.poolUsed += len;
    this.texts.push(text);
    this.table[slot] = id;
    if (this.texts.length * 2 > this.table.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const size = this.table.length * 2;
    this.table = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    for (let id = 0; id < this.texts.length; id++) {
      let slot = this.hashes[id]! & this.mask;
      while (this.table[slot]! >= 0) slot = (slot + 1) & this.mask;
      this.table[slot] = id;
    }
  }
}

function grow<T extends Int32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
