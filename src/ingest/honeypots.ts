import { readFile } from 'node:fs/promises';
import { formatDay, parseDay } from '../util/dates.js';
import { DataError } from '../util/errors.js';
import { canonicalIp } from '../util/ip/index.js';
import { sha256 } from '../util/sha256.js';

/** A honeypot's public address and its operation dates as day numbers (end undefined = still running). */
export interface Honeypot {
  ip: string;
  start: number;
  end: number | undefined;
}

export interface HoneypotList {
  path: string;
  sha256: string;
  /** Operation periods by canonical IP (one IP may have several periods). */
  byIp: Map<string, Honeypot[]>;
  /** Distinct honeypot addresses. */
  count: number;
  /** What the reader decided that the user should know (a honeypot listed twice with disjoint periods, merged). */
  notes: string[];
}

/**
 * Reads AIP's `honeypots_public_ips.csv`: `public_ip,operation_start_date,operation_end_date`, `#` comments, an
 * optional header, an empty end date for a honeypot still running. Any bad line is an error naming its line. A
 * honeypot listed on several lines (in any spelling of its address) is one honeypot with several operation periods:
 * periods that share a day are an error naming both lines (which dates hold is ambiguous); disjoint ones are merged,
 * with a note.
 */
export async function readHoneypots(path: string): Promise<HoneypotList> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new DataError(
      `cannot read honeypot list: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      {
        file: path,
      },
    );
  }
  return parseHoneypots(text, path);
}

export function parseHoneypots(text: string, path: string): HoneypotList {
  const byIp = new Map<string, Honeypot[]>();
  /** The line of each period, parallel to byIp's lists. */
  const linesOf = new Map<string, number[]>();
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const cells = line.split(',').map((c) => c.trim());
    const where = { file: path, line: n + 1 };
    if (cells[0] === 'public_ip') continue;
    if (cells.length < 2 || cells.length > 3) {
      throw new DataError(
        `expected public_ip,operation_start_date,operation_end_date, found ${cells.length} field(s)`,
        where,
      );
    }
    const ip = canonicalIp(cells[0]!);
    if (ip === undefined)
      throw new DataError(`not an IP address: '${cells[0]}'`, {
        ...where,
        field: 'public_ip',
      });
    const start = parseDay(cells[1]!);
    if (start === undefined) {
      throw new DataError(`not a YYYY-MM-DD date: '${cells[1]}'`, {
        ...where,
        field: 'operation_start_date',
      });
    }
    let end: number | undefined;
    if (cells[2] !== undefined && cells[2] !== '') {
      end = parseDay(cells[2]);
      if (end === undefined) {
        throw new DataError(`not a YYYY-MM-DD date: '${cells[2]}'`, {
          ...where,
          field: 'operation_end_date',
        });
      }
      if (end < start)
        throw new DataError('operation ends before it starts', {
          ...where,
          field: 'operation_end_date',
        });
    }
    const periods = byIp.get(ip) ?? [];
    const lineNos = linesOf.get(ip) ?? [];
    for (let k = 0; k < periods.length; k++) {
      const p = periods[k]!;
      if (start <= (p.end ?? Number.POSITIVE_INFINITY) && p.start <= (end ?? Number.POSITIVE_INFINITY)) {
        throw new DataError(
          `honeypot ${ip} is already listed on line ${lineNos[k]} with an overlapping period (${periodText(p)}): list each honeypot once, or give it disjoint periods`,
          { ...where, field: 'operation_start_date' },
        );
      }
    }
    periods.push({ ip, start, end });
    lineNos.push(n + 1);
    byIp.set(ip, periods);
    linesOf.set(ip, lineNos);
  }
  if (byIp.size === 0) throw new DataError('the honeypot list names no honeypot', { file: path });
  const notes: string[] = [];
  for (const [ip, periods] of byIp) {
    if (periods.length < 2) continue;
    periods.sort((a, b) => a.start - b.start);
    notes.push(
      `${path}: honeypot ${ip} is listed on lines ${linesOf.get(ip)!.join(', ')} with disjoint periods (${periods.map(periodText).join('; ')}): merged as one honeypot with ${periods.length} operation periods`,
    );
  }
  return { path, sha256: sha256(text), byIp, count: byIp.size, notes };
}

function periodText(p: Honeypot): string {
  return `${formatDay(p.start)}..${p.end === undefined ? '' : formatDay(p.end)}`;
}

/** Whether a honeypot period covers the day (day numbers, inclusive). */
export function isOperating(periods: readonly Honeypot[], day: number): boolean {
  for (let i = 0; i < periods.length; i++) {
    const p = periods[i]!;
    if (day >= p.start && (p.end === undefined || day <= p.end)) return true;
  }
  return false;
}
