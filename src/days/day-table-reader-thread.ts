import { Worker } from 'node:worker_threads';
import { AiplabError, DataError, UsageError } from '../util/errors.js';
import type { DayTable } from './day-table.js';

/** @internal A request to the reader thread. */
export interface ReadRequest {
  id: number;
  path: string;
  date: string;
}

/** @internal Its reply: the table (columns transferred, IPs cloned) or the error, to be rebuilt here. */
export type ReadReply =
  | {
      id: number;
      ok: true;
      ip: string[];
      flows: Float64Array;
      duration: Float64Array;
      packets: Float64Array;
      bytes: Float64Array;
    }
  | {
      id: number;
      ok: false;
      kind: 'usage' | 'data' | 'other';
      aiplab: boolean;
      message: string;
      stack: string | undefined;
      file: string | undefined;
      line: number | undefined;
      field: string | undefined;
    };

/**
 * Reads day-table files (readDayTableFile) on a worker thread (src/days/day-table-reader-worker.mjs), in the order
 * asked, so the main thread can go on with its own work meanwhile. The tables are the ones readDayTableFile gives; an
 * error is rethrown here as the same class with the same message, file, line and field. The thread is started on the
 * first read and never keeps the process alive once no read is pending; close() ends it.
 */
export class DayTableReaderThread {
  #worker: Worker | undefined;
  #nextId = 0;
  readonly #pending = new Map<
    number,
    { date: string; resolve: (t: DayTable) => void; reject: (e: Error) => void }
  >();
  #closed = false;

  read(path: string, date: string): Promise<DayTable> {
    if (this.#closed) return Promise.reject(new Error('DayTableReaderThread: read after close()'));
    const worker = this.#start();
    const id = this.#nextId++;
    return new Promise<DayTable>((resolve, reject) => {
      this.#pending.set(id, { date, resolve, reject });
      if (this.#pending.size === 1) worker.ref();
      worker.postMessage({ id, path, date } satisfies ReadRequest);
    });
  }

  /** Ends the thread; reads still pending are rejected. */
  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = undefined;
    this.#fail(new Error('DayTableReaderThread closed'));
    if (worker) await worker.terminate();
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL('./day-table-reader-worker.mjs', import.meta.url));
    worker.unref();
    worker.on('message', (reply: ReadReply) => this.#settle(reply));
    worker.on('error', (error) => {
      if (this.#worker === worker) this.#worker = undefined;
      this.#fail(error);
    });
    worker.on('exit', (code) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      this.#fail(new Error(`day-table reader thread exited with code ${code}`));
    });
    this.#worker = worker;
    return worker;
  }

  #settle(reply: ReadReply): void {
    const p = this.#pending.get(reply.id);
    if (!p) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker?.unref();
    if (reply.ok) {
      p.resolve({
        date: p.date,
        ip: reply.ip,
        flows: reply.flows,
        duration: reply.duration,
        packets: reply.packets,
        bytes: reply.bytes,
      });
    } else p.reject(rebuildError(reply));
  }

  #fail(error: Error): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(error);
  }
}

function rebuildError(m: Extract<ReadReply, { ok: false }>): Error {
  let error: Error;
  if (m.kind === 'data') {
    // The message already names file, line and field.
    error = new DataError('', { file: m.file, line: m.line, field: m.field });
    error.message = m.message;
  } else if (m.kind === 'usage') error = new UsageError(m.message);
  else error = m.aiplab ? new AiplabError(m.message) : new Error(m.message);
  if (m.stack !== undefined) error.stack = m.stack;
  return error;
}
