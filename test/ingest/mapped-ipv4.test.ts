import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingest } from '../../src/index.js';
import { put, readDayFile, row, tempFolders, utc, zeekTsv } from './ingest-helpers.js';

/**
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d, RFC 4291 §2.5.5.2) is what a dual-stack socket reports for an IPv4
 * peer (Cowrie's src_ip, Zeek on some captures). It is the IPv4 host: one attacker, one row under its dotted quad,
 * whichever spelling each record uses; and a honeypot spelled either way is the same honeypot.
 */
const tmp = tempFolders('aiplab-mapped-ipv4-');
afterAll(() => tmp.cleanupAll());

describe('IPv4-mapped addresses are their IPv4 host', () => {
  it('cowrie: ::ffff:45.9.9.9, ::FFFF:2d09:909 and 45.9.9.9 are one row', async () => {
    const dir = await tmp.make();
    const at = (h: number) => `2026-03-01T${String(h).padStart(2, '0')}:00:00.000000Z`;
    const lines = [
      { eventid: 'cowrie.session.connect', src_ip: '::ffff:45.9.9.9', timestamp: at(1), session: 'a' },
      { eventid: 'cowrie.session.connect', src_ip: '45.9.9.9', timestamp: at(2), session: 'b' },
      { eventid: 'cowrie.session.connect', src_ip: '::FFFF:2d09:909', timestamp: at(3), session: 'c' },
      { eventid: 'cowrie.session.connect', src_ip: '::fffe:2d09:909', timestamp: at(4), session: 'd' },
    ].map((e) => JSON.stringify(e));
    await put(join(dir, 'in', 'cowrie.json.2026-03-01'), `${lines.join('\n')}\n`);
    await ingest({ format: 'cowrie', inputs: [join(dir, 'in')], out: join(dir, 'out') });
    const bytes = (k: number) => Buffer.byteLength(lines[k]!, 'utf8');
    expect(await readDayFile(join(dir, 'out', 'attacks.2026-03-01.csv.gz'))).toEqual([
      row('45.9.9.9', 3, 0, 3, bytes(0) + bytes(1) + bytes(2)),
      // Not mapped (::fffe:…): an IPv6 address of its own.
      row('::fffe:2d09:909', 1, 0, 1, bytes(3)),
    ]);
  });

  it('zeek: a mapped originator joins its IPv4 row; a mapped responder is the listed IPv4 honeypot', async () => {
    const dir = await tmp.make();
    const t = utc('2026-03-01', '10:00:00');
    const conn = zeekTsv([
      { ts: t, orig: '45.9.9.9', resp: '198.51.100.1', duration: 1, pkts: 2, bytes: 100 },
      { ts: t + 1, orig: '::ffff:45.9.9.9', resp: '198.51.100.1', duration: 2, pkts: 3, bytes: 200 },
      { ts: t + 2, orig: '45.9.9.9', resp: '::ffff:198.51.100.1', duration: 4, pkts: 5, bytes: 300 },
      { ts: t + 3, orig: '::ffff:198.51.100.1', resp: '198.51.100.1', duration: 8, pkts: 9, bytes: 400 },
    ]);
    await put(join(dir, 'in', 'conn.log'), conn);
    const honeypots = await put(
      join(dir, 'honeypots.csv'),
      'public_ip,operation_start_date,operation_end_date\n198.51.100.1,2026-01-01,\n',
    );
    const { manifest } = await ingest({
      format: 'zeek',
      inputs: [join(dir, 'in')],
      honeypots,
      out: join(dir, 'out'),
    });
    expect(await readDayFile(join(dir, 'out', 'attacks.2026-03-01.csv.gz'))).toEqual([
      row('45.9.9.9', 3, 7, 10, 600),
    ]);
    // The honeypot itself, spelled as mapped IPv6, is still the honeypot: its flow is dropped as one it originated.
    expect(manifest.skipped.dropped).toEqual({ 'originated by a honeypot': 1 });
  });
});
