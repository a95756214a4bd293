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
    let h = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    let slot = h & this.mask;
    const table = this.table;
    for (;;) {
      const id = table[slot]!;
      if (id < 0) break;
      if (this.hashes[id] === h && this.length[id] === len) {
        const off = this.offset[id]!;
        const pool = this.pool;
        let k = 0;
        while (k < len && pool[off + k] === buf[start + k]) k++;
        if (k === len) return id;
      }
      slot = (slot + 1) & this.mask;
    }
    return this.add(
      buf,
      start,
      end,
      h,
      slot,
      Buffer.from(buf.buffer, buf.byteOffset + start, len).toString('latin1'),
    );
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

  private add(buf: Uint8Array, start: number, end: number, h: number, slot: number, text: string): number {
    const id = this.texts.length;
    const len = end - start;
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
