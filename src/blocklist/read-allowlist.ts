import { readFile } from 'node:fs/promises';
import { DataError } from '../util/errors.js';
import { Allowlist, type AllowlistRange, parseAllowlistEntry } from './allowlist.js';

/**
 * Parses AIP's `do_not_block_these_ips.csv`: an optional header `ip`, then one address or CIDR range a line (IPv4 or
 * IPv6). AIP reads it with pandas, so a CSV line keeps only its first field (its example file is `ip,` /
 * `192.168.1.2,`); `#` starts a comment, blank lines are skipped. A bad entry is a DataError naming the line.
 */
export function parseAllowlist(text: string, path: string): Allowlist {
  const ranges: AllowlistRange[] = [];
  const lines = text.split('\n');
  let seenData = false;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (i === 0 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    const hash = line.indexOf('#');
    if (hash >= 0) line = line.slice(0, hash);
    const comma = line.indexOf(',');
    let entry = (comma >= 0 ? line.slice(0, comma) : line).trim();
    if (entry.length >= 2 && entry.startsWith('"') && entry.endsWith('"')) entry = entry.slice(1, -1).trim();
    if (entry === '') {
      if (comma >= 0 && line.slice(comma).replace(/[,\s]/g, '') !== '')
        throw new DataError('empty address before a comma', {
          file: path,
          line: i + 1,
          field: 'ip',
        });
      continue;
    }
    const first = !seenData;
    seenData = true;
    if (first && entry.toLowerCase() === 'ip') continue;
    const range = parseAllowlistEntry(entry);
    if (range === undefined)
      throw new DataError(`not an IP address or CIDR range: '${entry}'`, {
        file: path,
        line: i + 1,
        field: 'ip',
      });
    ranges.push(range);
  }
  return Allowlist.fromRanges(ranges);
}

/** Reads an allowlist file (see parseAllowlist); a file that cannot be read is a DataError naming it. */
export async function readAllowlist(path: string): Promise<Allowlist> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'allowlist file does not exist'
        : `cannot read allowlist (${code ?? String(error)})`;
    throw new DataError(why, { file: path });
  }
  return parseAllowlist(text, path);
}
