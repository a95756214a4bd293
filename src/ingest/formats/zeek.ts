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
    // TSV or JSON is decided by the first byte that is not blank (or a UTF-8 BOM); chunks wait until then.
    let tsv: ZeekTsvReader | null = null;
    let json: LineScanner | null = null;
    const waiting: Buffer[] = [];
    const feed = (chunk: Buffer) => {
      if (tsv) tsv.push(chunk);
      else if (json) json.push(chunk);
      else {
        waiting.push(chunk);
        const first = firstContentByte(chunk);
        if (first < 0) return;
        if (first === 123) {
          const reader = new ZeekJsonReader(display, ctx.collector, ctx.skips);
          json = new LineScanner((buf, start, end, lineNo) => reader.line(buf, start, end, lineNo));
        } else tsv = new ZeekTsvReader(display, ctx.collector, ctx.skips);
        for (const c of waiting.splice(0)) feed(c);
      }
    };
    const stats = await streamFile(path, feed, ctx.onRawBytes);
    let lines = 0;
    if (tsv !== null) {
      const reader: ZeekTsvReader = tsv;
      reader.end();
      ctx.warnings.push(...reader.warnings);
      lines = reader.lines;
    } else if (json !== null) {
      const scanner: LineScanner = json;
      scanner.end();
      lines = scanner.lines;
    } else {
      lines = waiting.reduce((a, c) => a + c.filter((b) => b === 10).length, 0);
    }
    return { ...stats, lines };
  },
};

/** The first byte of a chunk that is not blank or part of a UTF-8 byte-order mark, or -1. */
function firstContentByte(chunk: Buffer): number {
  for (const b of chunk)
    if (b !== 9 && b !== 32 && b !== 10 && b !== 13 && b !== 0xef && b !== 0xbb && b !== 0xbf) return b;
  return -1;
}
