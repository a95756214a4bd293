/**
 * Interns IP address texts straight from bytes: a dense id per distinct text, found by an open-addressing hash table,
 * so the Zeek hot path creates no string per flow (a JS string per field cost more than the whole scan). A slot holds
 * the hash, the id and the text's first 16 bytes (every IPv4 text and short IPv6 ones whole), so a lookup usually
 * touches one cache line: with 10⁵–10⁶ distinct attackers a day the table outgrows the caches, and separate arrays
 * for hash, length and offset cost a cache miss each. The text of an id is made once, when the id is new.
 */
export class IpInterner {
  /** SLOT ints per slot: hash, id + 1 (0 = empty), length, then 4 words of the text's first 16 bytes. */
  private table = new Int32Array(SLOT << 16);
  private mask = (1 << 16) - 1;
  /** Texts longer than 16 bytes, by id (compared only on a full hash match). */
  private readonly long = new Map<number, Uint8Array>();
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
    // Four bytes at a time: the words are both the hash input and the inline copy compared below.
    let w0 = 0;
    let w1 = 0;
    let w2 = 0;
    let w3 = 0;
    let h = len;
    let i = start;
    for (let k = 0; i < end; k++) {
      let w = buf[i]!;
      if (i + 1 < end) w |= buf[i + 1]! << 8;
      if (i + 2 < end) w |= buf[i + 2]! << 16;
      if (i + 3 < end) w |= buf[i + 3]! << 24;
      i += 4;
      if (k === 0) w0 = w;
      else if (k === 1) w1 = w;
      else if (k === 2) w2 = w;
      else if (k === 3) w3 = w;
      h = Math.imul(h ^ w, 0x9e3779b1);
      h ^= h >>> 15;
    }
    h ^= h >>> 13;
    const table = this.table;
    const mask = this.mask;
    let slot = h & mask;
    for (;;) {
      const at = slot * SLOT;
      const idPlus1 = table[at + 1]!;
      if (idPlus1 === 0) break;
      if (
        table[at] === h &&
        table[at + 2] === len &&
        table[at + 3] === w0 &&
        table[at + 4] === w1 &&
        table[at + 5] === w2 &&
        table[at + 6] === w3 &&
        (len <= 16 || this.sameLong(idPlus1 - 1, buf, start))
      ) {
        return idPlus1 - 1;
      }
      slot = (slot + 1) & mask;
    }
    const id = this.texts.length;
    const at = slot * SLOT;
    table[at] = h;
    table[at + 1] = id + 1;
    table[at + 2] = len;
    table[at + 3] = w0;
    table[at + 4] = w1;
    table[at + 5] = w2;
    table[at + 6] = w3;
    if (len > 16) this.long.set(id, Uint8Array.prototype.slice.call(buf, start, end));
    this.texts.push(Buffer.from(buf.buffer, buf.byteOffset + start, len).toString('latin1'));
    if (this.texts.length * 2 > mask + 1) this.rehash();
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

  private sameLong(id: number, buf: Uint8Array, start: number): boolean {
    const text = this.long.get(id)!;
    for (let k = 0; k < text.length; k++) if (text[k] !== buf[start + k]) return false;
    return true;
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

const SLOT = 8;
