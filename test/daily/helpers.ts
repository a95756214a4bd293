/** Fixtures of the aiplab daily tests: small Zeek day folders and Cowrie logs written by hand, and folder snapshots. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Flow, honeypotCsv, put, utc, zeekTsv } from '../ingest/ingest-helpers.js';

export const HONEYPOT = '147.32.80.10';

/** Attackers of a day: IP → flows, each flow at noon UTC to the honeypot, 2 s, 3 packets, 120 bytes. */
export type DayAttacks = Record<string, number>;

/** Writes `<root>/<day>/conn.00:00:00-00:00:00.log.gz` with the day's attacks (and a flow to another host). */
export async function zeekDay(root: string, day: string, attacks: DayAttacks): Promise<string> {
  const flows: Flow[] = [];
  for (const [ip, n] of Object.entries(attacks))
    for (let k = 0; k < n; k++)
      flows.push({
        ts: utc(day, '12:00:00') + k,
        orig: ip,
        resp: HONEYPOT,
        duration: 2,
        pkts: 3,
        bytes: 120,
      });
  flows.push({
    ts: utc(day, '13:00:00'),
    orig: '45.9.9.9',
    resp: '8.8.4.4',
    duration: 1,
    pkts: 1,
    bytes: 60,
  });
  return put(join(root, day, 'conn.00:00:00-00:00:00.log.gz'), zeekTsv(flows));
}

export async function honeypotsFile(dir: string): Promise<string> {
  return put(join(dir, 'honeypots.csv'), honeypotCsv([{ ip: HONEYPOT, start: '2026-01-01' }]));
}

/** Cowrie JSON lines: one session (connect + closed after `duration` s) per attacker flow, at 10:00 UTC of `day`. */
export function cowrieLines(day: string, attacks: DayAttacks, duration = 3): string {
  const lines: string[] = [];
  let session = 0;
  for (const [ip, n] of Object.entries(attacks))
    for (let k = 0; k < n; k++) {
      const id = `s${day}${session++}`;
      lines.push(
        JSON.stringify({
          eventid: 'cowrie.session.connect',
          src_ip: ip,
          timestamp: `${day}T10:00:0${k % 10}.000000Z`,
          session: id,
        }),
        JSON.stringify({
          eventid: 'cowrie.session.closed',
          src_ip: ip,
          timestamp: `${day}T10:00:3${k % 10}.000000Z`,
          session: id,
          duration,
        }),
      );
    }
  return lines.map((l) => `${l}\n`).join('');
}

/** Path → [bytes as base64, mtime in ns] of every file under the folders (recursively), or of the files given. */
export async function snapshot(...dirs: string[]): Promise<Map<string, [string, bigint]>> {
  const out = new Map<string, [string, bigint]>();
  for (const dir of dirs) {
    let names: string[];
    try {
      names = (await stat(dir)).isDirectory()
        ? (await readdir(dir, { recursive: true })).map(String).sort()
        : [''];
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(dir, name);
      const s = await stat(path, { bigint: true });
      if (s.isFile()) out.set(path, [(await readFile(path)).toString('base64'), s.mtimeNs]);
    }
  }
  return out;
}

/** The IPs of a txt list, sorted (the tests compare sets). */
export async function listed(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .sort();
}

export const at = (day: string, time = '00:15:00') => new Date(`${day}T${time}Z`);
