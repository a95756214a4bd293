import { IP_KEY_WORDS, ipKeyText, writeIpKey } from '../util/ip/index.js';

/**
 * Knowledge ids by IP, with no JavaScript object per IP: an open-addressing hash table of ids over the numeric IP keys
 * the knowledge base keeps anyway (`ipKeys`, IP_KEY_WORDS words an IP). With millions of known IPs a Map of strings
 * (and an array of the strings) was most of the heap, and every major garbage collection walked it; typed arrays are
 * not walked. The text of an IP is made from its key when asked (IPv4), or kept in a small map (IPv6, a few %).
 */
export class IpIndex {
  /**
   * id + 1 per slot, 0 when empty; the length is a power of two, at most 70% full (linear probing stays short there,
   * and the table is 4–8 bytes a known IP instead of 8–16 at half full).
   */
  #slots: Int32Array;
  #count = 0;
  readonly #scratch = new Uint32Array(IP_KEY_WORDS);
  readonly #ipv6 = new Map<number, string>();

  constructor(capacity = 1024) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.#slots = new Int32Array(size);
  }

  get size(): number {
    return this.#count;
  }

  /** The id of `ip` (canonical text) among the first `limit` ids of `keys`, or -1. */
  find(ip: string, keys: Uint32Array): number {
    const k = this.#keyOf(ip);
    if (k === undefined) return -1;
    return this.#findKey(k, 0, keys);
  }

  /**
   * Adds id `id` whose key is already written at `keys[id * IP_KEY_WORDS]`, and its text (kept only for IPv6). The
   * caller makes sure the IP is not there yet (find first).
   */
  insert(id: number, ip: string, keys: Uint32Array): void {
    if ((this.#count + 1) * 10 > this.#slots.length * 7) this.#resize(this.#slots.length * 2, keys);
    this.#place(id, keys);
    this.#count++;
    if (keys[id * IP_KEY_WORDS] === 6) this.#ipv6.set(id, ip);
  }

  /** Writes the key of `ip` (canonical text) at `keys[at]`; a bad IP is a DataError (writeIpKey). */
  static writeKey(ip: string, keys: Uint32Array, at: number): void {
    writeIpKey(ip, keys, at);
  }

  /** The canonical text of id `id`. */
  text(id: number, keys: Uint32Array): string {
    const at = id * IP_KEY_WORDS;
    if (keys[at] === 6) {
      const known = this.#ipv6.get(id);
      if (known !== undefined) return known;
    }
    return ipKeyText(keys, at);
  }

  /** Forgets every id >= n (a fold rolled back): rebuilt from the keys of the ids kept. */
  truncate(n: number, keys: Uint32Array): void {
    for (const id of [...this.#ipv6.keys()]) if (id >= n) this.#ipv6.delete(id);
    this.#slots.fill(0);
    this.#count = 0;
    for (let id = 0; id < n; id++) {
      this.#place(id, keys);
      this.#count++;
    }
  }

  #keyOf(ip: string): Uint32Array | undefined {
    try {
      IpIndex.writeKey(ip, this.#scratch, 0);
    } catch {
      return undefined;
    }
    return this.#scratch;
  }

  #findKey(k: Uint32Array, at: number, keys: Uint32Array): number {
    const mask = this.#slots.length - 1;
    let i = hashKey(k, at) & mask;
    while (true) {
      const slot = this.#slots[i]!;
      if (slot === 0) return -1;
      const id = slot - 1;
      const p = id * IP_KEY_WORDS;
      if (
        keys[p + 4] === k[at + 4] &&
        keys[p] === k[at] &&
        keys[p + 3] === k[at + 3] &&
        keys[p + 2] === k[at + 2] &&
        keys[p + 1] === k[at + 1]
      )
        return id;
      i = (i + 1) & mask;
    }
  }

  #place(id: number, keys: Uint32Array): void {
    const mask = this.#slots.length - 1;
    let i = hashKey(keys, id * IP_KEY_WORDS) & mask;
    while (this.#slots[i] !== 0) i = (i + 1) & mask;
    this.#slots[i] = id + 1;
  }

  #resize(size: number, keys: Uint32Array): void {
    const old = this.#slots;
    this.#slots = new Int32Array(size);
    for (let i = 0; i < old.length; i++) if (old[i] !== 0) this.#place(old[i]! - 1, keys);
  }
}

function hashKey(k: Uint32Array, at: number): number {
  let h = Math.imul(k[at + 4]! ^ Math.imul(k[at + 3]!, 0x85ebca6b), 0x9e3779b1);
  h ^= Math.imul(k[at + 2]! ^ Math.imul(k[at + 1]!, 0xc2b2ae35), 0x27d4eb2f) ^ (k[at]! << 28);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h >>> 0;
}
