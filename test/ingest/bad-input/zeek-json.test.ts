/**
 * DESIGN §8 for Zeek conn logs in JSON form: each malformed line is a counted skip with a located example (or, with
 * `--on-error fail`, a DataError naming file, line and field); sums past what a day table holds exactly are a located
 * DataError.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingest } from '../../../src/index.js';
import { put } from '../ingest-helpers.js';
import {
  describeMalformed,
  describeSumOverflow,
  HONEYPOTS,
  HP,
  jsonRecord,
  jsonWithBadLine,
  type MalformedCase,
  T0,
  tmp,
} from './helpers.js';

afterAll(() => tmp.cleanupAll());

/** A case on line 2. */
function bad(name: string, line: string, reason: string, field: string | null): MalformedCase {
  return { name, format: 'zeek', content: jsonWithBadLine(line), reason, line: 2, field };
}

describeMalformed('Zeek JSON: malformed lines are counted skips with located examples', [
  bad('JSON: cut-off object', `{"ts":${T0},"id.orig_h":"10.0.0.2","id.re`, 'bad JSON', null),
  bad('JSON: an array, not an object', '[1,2,3]', 'bad JSON', null),
  bad(
    'JSON: ts unreadable',
    `{"ts":"last tuesday","id.orig_h":"10.0.0.2","id.resp_h":"${HP}"}`,
    'bad ts',
    'ts',
  ),
  bad('JSON: ts missing', `{"id.orig_h":"10.0.0.2","id.resp_h":"${HP}"}`, 'bad ts', 'ts'),
  bad(
    'JSON: ISO ts with a day that does not exist',
    `{"ts":"2024-02-30T00:00:00Z","id.orig_h":"10.0.0.2","id.resp_h":"${HP}"}`,
    'bad ts',
    'ts',
  ),
  bad('JSON: duration a string of letters', jsonRecord('"duration":"long"'), 'bad duration', 'duration'),
  bad('JSON: negative orig_pkts', jsonRecord('"orig_pkts":-3'), 'bad count', 'orig_pkts'),
  bad('JSON: responder missing', `{"ts":${T0},"id.orig_h":"10.0.0.2"}`, 'bad address', 'id.resp_h'),
  bad(
    'JSON: originator not an address',
    `{"ts":${T0},"id.orig_h":"attacker.example","id.resp_h":"${HP}"}`,
    'bad address',
    'id.orig_h',
  ),
  // Issue 12: values outside their field's domain.
  bad(
    'JSON: originator with an IPv6 zone id',
    `{"ts":${T0},"id.orig_h":"fe80::1%eth0","id.resp_h":"${HP}"}`,
    'bad address',
    'id.orig_h',
  ),
  bad('JSON: id.orig_p 99999', jsonRecord('"id.orig_p":99999'), 'bad port', 'id.orig_p'),
  bad(
    'JSON: id.resp_p -1 (nested id)',
    `{"ts":${T0},"id":{"orig_h":"10.0.0.2","resp_h":"${HP}","resp_p":-1}}`,
    'bad port',
    'id.resp_p',
  ),
  bad('JSON: orig_pkts 1.5', jsonRecord('"orig_pkts":1.5'), 'bad count', 'orig_pkts'),
  bad('JSON: orig_ip_bytes a blank string', jsonRecord('"orig_ip_bytes":" "'), 'bad count', 'orig_ip_bytes'),
  bad('JSON: duration an empty string', jsonRecord('"duration":""'), 'bad duration', 'duration'),
  bad(
    'JSON: orig_ip_bytes above 2^53',
    jsonRecord('"orig_ip_bytes":9007199254740993'),
    'bad count',
    'orig_ip_bytes',
  ),
  bad('JSON: duration 1e308', jsonRecord('"duration":1e308'), 'bad duration', 'duration'),
  bad('JSON: ts 1e20', `{"ts":1e20,"id.orig_h":"10.0.0.2","id.resp_h":"${HP}"}`, 'bad ts', 'ts'),
  bad('JSON: ts before 1970', `{"ts":-1,"id.orig_h":"10.0.0.2","id.resp_h":"${HP}"}`, 'bad ts', 'ts'),
  bad(
    'JSON: ISO ts in 2100',
    `{"ts":"2100-01-01T00:00:00Z","id.orig_h":"10.0.0.2","id.resp_h":"${HP}"}`,
    'bad ts',
    'ts',
  ),
]);

describeSumOverflow('Zeek JSON: sums past 2^53 − 1 are located errors, not skips', [
  {
    name: 'orig_ip_bytes',
    format: 'zeek',
    content: jsonWithBadLine(
      [jsonRecord('"orig_ip_bytes":9007199254740000'), jsonRecord('"orig_ip_bytes":9007199254740000')].join(
        '\n',
      ),
    ),
    line: 3,
    field: 'orig_ip_bytes',
  },
]);

describe('Zeek JSON: malformed lines are counted', () => {
  it('every bad line is counted; a reason keeps its first three located examples', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), HONEYPOTS);
    // Lines 2, 4, 5, 7, 8 have a bad ts; line 6 a bad duration; lines 1 and 3 are good.
    const good = (k: number) => `{"ts":${T0 + k},"id.orig_h":"10.0.0.1","id.resp_h":"${HP}","duration":1}`;
    const badTs = `{"ts":"soon","id.orig_h":"10.0.0.1","id.resp_h":"${HP}"}`;
    const badDur = `{"ts":${T0},"id.orig_h":"10.0.0.1","id.resp_h":"${HP}","duration":"x"}`;
    const text = [good(1), badTs, good(2), badTs, badTs, badDur, badTs, badTs].join('\n');
    const input = await put(join(dir, 'conn.log'), text);
    const { manifest } = await ingest({
      format: 'zeek',
      inputs: [input],
      honeypots: hp,
      out: join(dir, 'out'),
    });
    expect(manifest.skipped.malformed).toEqual({
      'bad ts': 5,
      'bad duration': 1,
    });
    expect(manifest.skipped.examples['bad ts']!.map((x) => x.slice(0, x.indexOf(': field')))).toEqual([
      `${input}:2`,
      `${input}:4`,
      `${input}:5`,
    ]);
    expect(manifest.skipped.examples['bad duration']).toHaveLength(1);
    expect(manifest.attackFlows).toBe(2);
  });
});
