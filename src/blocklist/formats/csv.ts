import { UsageError } from '../../util/errors.js';
import { formatScore } from '../score-format.js';
import { type CsvColumn, parseCsvColumns } from './csv-columns.js';
import { defineListFormat, type ListEntryDetails } from './list-format.js';

/** A field as RFC 4180 writes it: quoted (inner quotes doubled) when it holds a comma, a quote or a line break. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const CELL: Record<CsvColumn, (d: ListEntryDetails) => string> = {
  country: (d) => d.country ?? '',
  asn: (d) => (d.asn === undefined ? '' : String(d.asn)),
  as_name: (d) => d.asName ?? '',
  first_seen: (d) => d.firstSeen ?? '',
  last_seen: (d) => d.lastSeen ?? '',
  days_seen: (d) => (d.daysSeen === undefined ? '' : String(d.daysSeen)),
};

/**
 * A CSV feed: `<out>/<Model>/<Model>-<YYYY-MM-DD>.csv` with header `ip,rank,score` and the optional columns the
 * user chose (csv-columns.ts), one row per listed IP in rank order; `rank` is the 1-based position (equal scores in
 * the list's tie order, DESIGN §4), `score` as pandas writes a float64 (as the aip format) and absent for an
 * unranked (Alpha-family) list. Text fields are quoted as RFC 4180 says; lines end with `\n`. When the optional
 * columns come with notes (the enrichment data's source and attribution), each is a `# ` line above the header.
 */
export const csvListFormat = defineListFormat({
  name: 'csv',
  description:
    'CSV ip,rank,score plus the columns chosen (country, asn, as_name, first_seen, ...): <Model>/<Model>-<date>.csv',
  render(list, { model, date, unranked = false, columns = [], details }) {
    const chosen = parseCsvColumns(columns);
    if (chosen.length > 0 && details === undefined)
      throw new UsageError(
        `the csv columns ${chosen.join(', ')} need per-IP details (WriteListOptions.details)`,
      );
    const lines: string[] = [];
    if (chosen.length > 0)
      for (const note of details?.notes ?? []) lines.push(`# ${note.replace(/[\r\n]+/g, ' ')}`);
    lines.push(['ip', 'rank', ...(unranked ? [] : ['score']), ...chosen].join(','));
    const cells = chosen.map((c) => CELL[c]);
    for (let i = 0; i < list.ips.length; i++) {
      const ip = list.ips[i]!;
      let line = `${ip},${i + 1}`;
      if (!unranked) line += `,${formatScore(list.scores[i]!)}`;
      if (cells.length > 0) {
        const d = details!.of(ip);
        for (const cell of cells) line += `,${csvField(cell(d))}`;
      }
      lines.push(line);
    }
    return [{ path: `${model}/${model}-${date}.csv`, data: `${lines.join('\n')}\n` }];
  },
});
