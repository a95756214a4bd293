import type { Dataset } from '../days/dataset.js';
import type { DayTable } from '../days/day-table.js';

/** Reads each day table once: the knowledge base's fold and the truths of several horizons share them. */
export class TableCache {
  readonly #tables = new Map<string, Promise<DayTable>>();
  constructor(private readonly dataset: Dataset) {}

  get(date: string): Promise<DayTable> {
    let t = this.#tables.get(date);
    if (t === undefined) {
      t = this.dataset.readDayTable(date);
      this.#tables.set(date, t);
    }
    return t;
  }

  /** Forgets tables before `date`. */
  evictBefore(date: string): void {
    for (const d of this.#tables.keys()) if (d < date) this.#tables.delete(d);
  }

  asDataset(): Dataset {
    return { ...this.dataset, readDayTable: (date) => this.get(date) };
  }
}
