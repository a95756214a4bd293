import { streamFile } from '../input-files.js';
import { LineScanner } from '../line-scanner.js';
import type { InputFormat } from './input-format.js';
import { ZeekJsonReader } from './zeek-conn-json.js';
import { ZeekTsvReader } from './zeek-conn-tsv.js';

/** Zeek's rotated and live conn logs: conn.log, conn.HH:MM:SS-HH:MM:SS.log, optionally gzipped. */
const CONN_FILE_RE = /^conn(\..+)?\.log(\.gz)?$/;

/** Zeek conn logs, TSV or JSON, told apart per file by the first non-blank byte (`{` means JSON). */
export const zeekFormat: InputFormat = {
  name: 'zeek',
  description:
    'Zeek conn logs (TSV with #fields headers, or JSON lines), plain or gzip, files or day folders',
  needsHoneypots: true,
  accept: (name) => CONN_FILE_RE.test(name),
  async read(path, display, ctx) {
    ctx.collector.file = display;
    let reader: ZeekTsvReader | ZeekJsonReader | null = null;
    const scanner = new LineScanner((buf, start, end, lineNo) => {
      if (reader === null) {
        let s = start;
        while (
          s < end &&
          (buf[s] === 9 || buf[s] === 32 || buf[s] === 0xef || buf[s] === 0xbb || buf[s] === 0xbf)
        )
          s++;
        if (s >= end) return;
        reader =
          buf[s] === 123
            ? new ZeekJsonReader(display, ctx.collector, ctx.skips)
            : new ZeekTsvReader(display, ctx.collector, ctx.skips);
      }
      reader.line(buf, start, end, lineNo);
    });
    const stats = await streamFile(path, (chunk) => scanner.push(chunk), ctx.onRawBytes);
    scanner.end();
    if (reader !== null && (reader as ZeekTsvReader) instanceof ZeekTsvReader) {
      ctx.warnings.push(...(reader as ZeekTsvReader).warnings);
    }
    return { ...stats, lines: scanner.lines };
  },
};
