import { streamFile } from '../input-files.js';
import { LineScanner } from '../line-scanner.js';
import { loginDaysOf, noteLogin } from '../login-filter.js';
import {
  BAD_DURATION,
  BAD_PORT,
  durationProblem,
  isJsonPort,
  jsonDurationMicros,
} from '../record-domains.js';
import type { InputFormat } from './input-format.js';
import { epochSeconds } from './zeek-conn-json.js';

/**
 * Cowrie's JSON event log (`cowrie.json`, rotated `cowrie.json.YYYY-MM-DD`, optionally gzipped). Every event comes
 * from an attacker to the honeypot, so no honeypot list is needed. Per IP per UTC day (of the event's `timestamp`):
 * flows = `cowrie.session.connect` events (a session is a flow); duration = sum of `duration` on
 * `cowrie.session.closed`; packets = events; bytes = UTF-8 bytes of the raw JSON lines without the newline — the
 * mapping of ../shared/data/README.md, so the day tables equal the AIP reference. Durations are summed as whole
 * microseconds; values outside their field's domain (record-domains.ts: ports where present, durations, the time) are
 * counted, located skips.
 *
 * Which IPs are attackers (`--attack`): `connections` (the default), every IP that connected; `login-success`, on
 * each UTC day only the IPs with a `cowrie.login.success` event that day, with all their records of the day (the rule
 * of a DIY threat feed: attackers that got in). The latter is applied once the whole ingest is read
 * (login-filter.ts); the rows removed are counted as the drop 'no cowrie.login.success that day'. See
 * docs/input-cowrie.md.
 */
export const cowrieFormat: InputFormat = {
  name: 'cowrie',
  description: 'Cowrie JSON event logs (cowrie.json[.YYYY-MM-DD][.gz]); sessions are flows',
  needsHoneypots: false,
  options: { attack: ['connections', 'login-success'] },
  accept: (name) => /^cowrie\.json/.test(name),
  async read(path, display, ctx) {
    ctx.collector.file = display;
    ctx.collector.fields = { ts: 'timestamp', orig: 'src_ip', resp: 'src_ip', duration: 'duration' };
    const logins = ctx.reader.attack === 'login-success' ? loginDaysOf(ctx.collector) : undefined;
    const scanner = new LineScanner((buf, start, end, lineNo) => {
      let s = start;
      while (s < end && (buf[s] === 32 || buf[s] === 9)) s++;
      if (s >= end) return;
      let e: Record<string, unknown>;
      try {
        e = JSON.parse(buf.toString('utf8', start, end)) as Record<string, unknown>;
      } catch {
        ctx.skips.malformedRecord('bad JSON', 'not a JSON object', display, lineNo);
        return;
      }
      if (e === null || typeof e !== 'object' || Array.isArray(e)) {
        ctx.skips.malformedRecord('bad JSON', 'not a JSON object', display, lineNo);
        return;
      }
      const ip = e.src_ip;
      if (typeof ip !== 'string' || ip === '') {
        ctx.skips.malformedRecord('bad address', 'missing src_ip', display, lineNo, 'src_ip');
        return;
      }
      const ts = epochSeconds(e.timestamp);
      if (ts === undefined) {
        ctx.skips.malformedRecord(
          'bad ts',
          `unreadable timestamp ${JSON.stringify(e.timestamp)}`,
          display,
          lineNo,
          'timestamp',
        );
        return;
      }
      for (const field of ['src_port', 'dst_port'] as const) {
        const port = e[field];
        if (port !== undefined && port !== null && !isJsonPort(port)) {
          ctx.skips.malformedRecord(
            BAD_PORT,
            `not a port (0 to 65535): ${JSON.stringify(port).slice(0, 60)}`,
            display,
            lineNo,
            field,
          );
          return;
        }
      }
      let flows = 0;
      let durationUs = 0;
      if (e.eventid === 'cowrie.session.connect') flows = 1;
      else if (e.eventid === 'cowrie.session.closed') {
        durationUs = e.duration === undefined || e.duration === null ? -1 : jsonDurationMicros(e.duration);
        if (durationUs < 0) {
          ctx.skips.malformedRecord(
            BAD_DURATION,
            durationProblem(JSON.stringify(e.duration) ?? 'undefined'),
            display,
            lineNo,
            'duration',
          );
          return;
        }
      }
      // The sensor (for --per-sensor): absent, empty or not a string, the collector counts it as 'unknown'.
      const sensor = typeof e.sensor === 'string' && e.sensor !== '' ? e.sensor : undefined;
      ctx.collector.event(ts, ip, flows, durationUs, 1, end - start, lineNo, sensor);
      if (logins !== undefined && e.eventid === 'cowrie.login.success')
        noteLogin(ctx.collector, logins, ts, ip);
    });
    const stats = await streamFile(path, (chunk) => scanner.push(chunk), ctx.onRawBytes);
    scanner.end();
    return { ...stats, lines: scanner.lines };
  },
};
