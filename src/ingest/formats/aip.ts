import { gunzipSync } from 'node:zlib';
import { isGzip, parseDayTableCsv } from '../../days/day-table-csv.js';
import { parseDay } from '../../util/dates.js';
import { DataError } from '../../util/errors.js';
import { streamFile } from '../input-files.js';
import { END_DAY, FIRST_DAY } from '../record-domains.js';
import type { InputFormat } from './input-format.js';

const AIP_FILE_RE = /^attacks\.(\d{4}-\d{2}-\d{2})\.csv(\.gz)?$/;

/**
 * AIP's processed attack files `attacks.YYYY-MM-DD.csv[.gz]` (`orig,flows,duration,packets,bytes`), so an AIP
 * `data/processed/` folder becomes a dataset as it is. Every row is validated (a value outside its column's domain is
 * an error naming file, line and field: see parseDayTableCsv); two files for one day, or a day outside 1970-01-01 ..
 * 2099-12-31 (the times ingest takes), are an error naming the file.
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
    if (day < FIRST_DAY || day >= END_DAY)
      throw new DataError(`day ${m[1]} is not from 1970-01-01 to 2099-12-31`, { file: display });
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
