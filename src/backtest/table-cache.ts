import type { Dataset } from '../days/dataset.js';
import type { DayTable } from '../days/day-table.js';
import { DayTableReaderThread } from '../days/day-table-reader-thread.js';

export interface TableCacheOptions {
  /**
   * How many of the dataset's days after the latest one asked for are read ahead, on a worker thread, while the
   * caller works on the day it has (default 0: each table is read when asked for, on this thread). Needs the file of
   * each day: `fileOf`, or the dataset's own `fileOf` when it has one.
   */
  readAhead?: number;
  /** The file `dataset.readDayTable(date)` reads (an `attacks.YYYY-MM-DD.csv[.gz]`), undefined for none. */
  fileOf?: (date: string) => string | undefined;
}

/**
 * Reads each day table once: the knowledge base's fold and the truths of several horizons share them. With
 * `readAhead`, a worker thread reads and parses the next days while the caller ranks this one; the tables are the
 * same (the same parser), and an error is the same error, rethrown when its day is asked for. Call close() when done
 * (the thread never keeps the process alive while idle, but close() frees it at once).
 */
export class TableCache {
  readonly #tables = new Map<string, Promise<DayTable>>();
  #readAhead: number;
  readonly #fileOf: ((date: string) => string | undefined) | undefined;
  #reader: DayTableReaderThread | undefined;
  /** Index in dataset.days of each day, for read-ahead. */
  #dayIndex: Map<string, number> | undefined;

  constructor(
    private readonly dataset: Dataset,
    options: TableCacheOptions = {},
  ) {
    this.#fileOf =
      options.fileOf ?? (dataset as Dataset & { fileOf?: (date: string) => string | undefined }).fileOf;
    this.#readAhead = this.#fileOf ? Math.max(0, Math.floor(options.readAhead ?? 0)) : 0;
    if (this.#readAhead > 0) this.#reader = new DayTableReaderThread();
  }

  get(date: string): Promise<DayTable> {
    let t = this.#tables.get(date);
    if (t === undefined) {
      t = this.#read(date);
      this.#tables.set(date, t);
    }
    if (this.#readAhead > 0) this.#prefetchAfter(date);
    return t;
  }

  /** Forgets tables before `date`. */
  evictBefore(date: string): void {
    for (const d of this.#tables.keys()) if (d < date) this.#tables.delete(d);
  }

  asDataset(): Dataset {
    return { ...this.dataset, readDayTable: (date) => this.get(date) };
  }

  /** Ends the reader thread, if any, and forgets every table. get() still works after, without read-ahead. */
  async close(): Promise<void> {
    const reader = this.#reader;
    this.#reader = undefined;
    this.#readAhead = 0;
    this.#tables.clear();
    await reader?.close();
  }

  #read(date: string): Promise<DayTable> {
    const path = this.#reader ? this.#fileOf!(date) : undefined;
    if (path === undefined) return this.dataset.readDayTable(date);
    const t = this.#reader!.read(path, date);
    // A table read ahead may fail before anyone asks for it: the error waits for get().
    t.catch(() => {});
    return t;
  }

  #prefetchAfter(date: string): void {
    const days = this.dataset.days;
    if (this.#dayIndex === undefined) this.#dayIndex = new Map(days.map((d, i) => [d, i]));
    let i = this.#dayIndex.get(date);
    if (i === undefined) {
      // A day without a table: read ahead from the first day after it.
      i = -1;
      while (i + 1 < days.length && days[i + 1]! < date) i++;
    }
    for (let k = 1; k <= this.#readAhead && i + k < days.length; k++) {
      const d = days[i + k]!;
      if (!this.#tables.has(d)) this.#tables.set(d, this.#read(d));
    }
  }
}
