import { parentPort } from 'node:worker_threads';
import { AiplabError, DataError, UsageError } from '../util/errors.js';
import { readDayTableFile } from './day-table-csv.js';
import type { ReadReply, ReadRequest } from './day-table-reader-thread.js';

/**
 * A day-table reader thread: reads, gunzips and parses the files it is asked for, one at a time in the order asked,
 * and sends each table back, its columns transferred (structured clone copies the IP strings: measured cheaper on
 * the receiving side than one joined string split there, or the text and offsets into it).
 */
const port = parentPort!;
let queue: Promise<void> = Promise.resolve();
port.on('message', (request: ReadRequest) => {
  queue = queue.then(() => read(request));
});

async function read({ id, path, date }: ReadRequest): Promise<void> {
  let reply: ReadReply;
  const transfer: ArrayBuffer[] = [];
  try {
    const t = await readDayTableFile(path, date);
    reply = {
      id,
      ok: true,
      ip: t.ip,
      flows: t.flows,
      duration: t.duration,
      packets: t.packets,
      bytes: t.bytes,
    };
    for (const c of [t.flows, t.duration, t.packets, t.bytes]) transfer.push(c.buffer as ArrayBuffer);
  } catch (error) {
    const e = error as Error & { file?: string; line?: number; field?: string };
    reply = {
      id,
      ok: false,
      kind: error instanceof UsageError ? 'usage' : error instanceof DataError ? 'data' : 'other',
      aiplab: error instanceof AiplabError,
      message: e.message,
      stack: e.stack,
      file: e.file,
      line: e.line,
      field: e.field,
    };
  }
  port.postMessage(reply, transfer);
}
