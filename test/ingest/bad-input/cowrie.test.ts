/**
 * DESIGN §8 for Cowrie JSON event logs: each malformed line is a counted skip with a located example (or, with
 * `--on-error fail`, a DataError naming file, line and field); a duration sum past 2^53 µs is a located DataError.
 */
import { afterAll } from 'vitest';
import {
  COWRIE_GOOD,
  cowrieWithBadLine,
  describeMalformed,
  describeSumOverflow,
  type MalformedCase,
  tmp,
} from './helpers.js';

afterAll(() => tmp.cleanupAll());

/** A case on line 2. */
function bad(name: string, event: object | string, reason: string, field: string | null): MalformedCase {
  const line = typeof event === 'string' ? event : JSON.stringify(event);
  return { name, format: 'cowrie', content: cowrieWithBadLine(line), reason, line: 2, field };
}

const connect = { eventid: 'cowrie.session.connect', src_ip: '10.0.0.2', timestamp: '2024-01-02T00:03:00Z' };
const closed = { eventid: 'cowrie.session.closed', src_ip: '10.0.0.2', timestamp: '2024-01-02T00:04:00Z' };

describeMalformed('Cowrie: malformed lines are counted skips with located examples', [
  bad('Cowrie: bad JSON', '{"eventid": "cowrie.login', 'bad JSON', null),
  bad(
    'Cowrie: no src_ip',
    { eventid: 'cowrie.session.connect', timestamp: '2024-01-02T00:03:00Z' },
    'bad address',
    'src_ip',
  ),
  // Issue 12: values outside their field's domain.
  bad('Cowrie: src_ip with an IPv6 zone id', { ...connect, src_ip: 'fe80::1%eth0' }, 'bad address', 'src_ip'),
  bad('Cowrie: src_port 99999', { ...connect, src_port: 99999, dst_port: 22 }, 'bad port', 'src_port'),
  bad('Cowrie: dst_port -1', { ...connect, src_port: 40000, dst_port: -1 }, 'bad port', 'dst_port'),
  bad(
    'Cowrie: duration 1e308',
    `{"eventid":"cowrie.session.closed","src_ip":"10.0.0.2","timestamp":"2024-01-02T00:04:00Z","duration":1e308}`,
    'bad duration',
    'duration',
  ),
  bad(
    'Cowrie: timestamp 1e20',
    `{"eventid":"cowrie.session.connect","src_ip":"10.0.0.2","timestamp":1e20}`,
    'bad ts',
    'timestamp',
  ),
  bad('Cowrie: timestamp in 2100', { ...connect, timestamp: '2100-01-01T00:00:00Z' }, 'bad ts', 'timestamp'),
]);

describeSumOverflow('Cowrie: a duration sum past 2^53 µs is a located error, not a skip', [
  {
    name: 'duration',
    format: 'cowrie',
    content: [
      JSON.stringify(COWRIE_GOOD[0]),
      JSON.stringify({ ...closed, duration: 5e9 }),
      JSON.stringify({ ...closed, duration: 5e9 }),
      '',
    ].join('\n'),
    line: 3,
    field: 'duration',
  },
]);
