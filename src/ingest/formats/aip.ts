import { gunzipSync } from 'node:zlib';
import { isGzip, parseDayTableCsv } from '../../days/day-table-csv.js';
import { parseDay } from '../../util/dates.js';
import { DataError } from '../../util/errors.js';
import { streamFile } from '../input-files.js';
import type { InputFormat } from './input-format.js';

const AIP_FILE_RE = /^attacks\.(\d{4}-\d{2}-\d{2})\.csv(\.gz)?$/;

/**
 * AIP's processed attack files `attacks.YYYY-MM-DD.csv[.gz]` (`orig,flows,duration,packets,bytes`), so an AIP
 * `data/processed/` folder becomes a dataset as it is. Every row is validated; two files for one day are an error.
 */
export const aipFormat: InputFormat = {
  name: 'aip',
  description: "AIP processed day tables attacks.YYYY-MM-DD.csv[.gz] (AIP's data/processed/)",
  needsHoneypots: false,
  accept: (name) => AIP_FILE_RE.test(name),
  async read(path, display, ctx) {
    const name = path.split(/[\\/]/).pop() ?? path;
    const m = AIP_FILE_RE.exec(name);
    if (!m)
      throw new DataError('not an AIP day table: the name must be attacks.YYYY-MM-DD.csv[.gz]', {
        file: display,
      });
    const day = parseDay(m[1]!);
    if (day === undefined) throw new DataError(`not a real date: ${m[1]}`, { file: display });
    if (ctx.collector.covered.has(day))
      throw new DataError(`a second file for day ${m[1]}`, { file: display });
    const chunks: Buffer[] = [];
    const stats = await streamFile(path, (c) => chunks.push(c), ctx.onRawBytes);
    let bytes = Buffer.concat(chunks);
    if (isGzip(bytes)) bytes = gunzipSync(bytes); // a .gz inside a .gz is not AIP's, but costs nothing to accept
    const { table, ignoredColumns } = parseDayTableCsv(bytes.toString('utf8'), m[1]!, display);
    if (ignoredColumns.length > 0)
      ctx.warnings.push(`${display}: ignored column(s) ${ignoredColumns.join(', ')}`);
    ctx.collector.table(day, table);
    return { ...stats, lines: table.ip.length + 1 };
  },
};
