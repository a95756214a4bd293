import { describe, expect, it } from 'vitest';
import { canonicalIp } from '../../src/index.js';
import { IpIndex } from '../../src/knowledge/ip-index.js';
import { IP_KEY_WORDS } from '../../src/util/ip/index.js';
import { testRng } from './memory-dataset.js';

/** The knowledge base's id index against a plain Map, on random IPv4 and IPv6 addresses (many collisions of parts). */
describe('IpIndex', () => {
  it('finds, inserts, prints and truncates like a Map of strings', () => {
    const r = testRng(17);
    const index = new IpIndex(4);
    let keys = new Uint32Array(4 * IP_KEY_WORDS);
    const map = new Map<string, number>();
    const ips: string[] = [];
    const randomIp = () =>
      r(0, 9) === 0
        ? canonicalIp(`2001:db8:${r(0, 3).toString(16)}::${r(0, 0xffff).toString(16)}:${r(0, 9)}`)!
        : `${r(0, 3)}.${r(0, 255)}.${r(0, 7)}.${r(0, 255)}`;
    for (let step = 0; step < 20_000; step++) {
      const ip = randomIp();
      const expected = map.get(ip) ?? -1;
      expect(index.find(ip, keys)).toBe(expected);
      if (expected < 0) {
        const id = ips.length;
        if ((id + 1) * IP_KEY_WORDS > keys.length) {
          const grown = new Uint32Array(keys.length * 2);
          grown.set(keys);
          keys = grown;
        }
        IpIndex.writeKey(ip, keys, id * IP_KEY_WORDS);
        index.insert(id, ip, keys);
        map.set(ip, id);
        ips.push(ip);
      }
    }
    expect(index.size).toBe(map.size);
    for (let id = 0; id < ips.length; id++) expect(index.text(id, keys)).toBe(ips[id]);
    expect(ips.some((ip) => ip.includes(':'))).toBe(true);
    expect(index.find('not-an-ip', keys)).toBe(-1);
    const keep = Math.floor(ips.length / 3);
    index.truncate(keep, keys);
    expect(index.size).toBe(keep);
    for (let id = 0; id < ips.length; id++) expect(index.find(ips[id]!, keys)).toBe(id < keep ? id : -1);
  });
});
