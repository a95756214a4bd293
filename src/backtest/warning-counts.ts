/**
 * The models' warnings of a run, each counted instead of repeated: Model.rank prefixes "<model> <date>: ", and without
 * the date a warning that comes day after day is one entry with its count (the backtest's and the tuner's).
 */
export class WarningCounts {
  readonly #counts = new Map<string, number>();

  /** Records one warning (a bound function: pass it as a ModelContext's `warn`). */
  readonly add = (message: string): void => {
    const key = message.replace(/^(\S+) \d{4}-\d{2}-\d{2}: /, '$1: ');
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  };

  /** Distinct warnings in first-seen order, with how often each came. */
  list(): { message: string; count: number }[] {
    return [...this.#counts].map(([message, count]) => ({ message, count }));
  }
}
