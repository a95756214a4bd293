/**
 * One folded day's rows, keyed by knowledge ids: what windowed models (Alpha, Pareto, TopVolume, the Random Forest's
 * "attacked on D-1" labels) read. Values are the day table's, unchanged (no flows 0 → 1 rule here).
 */
export interface DayRows {
  /** `YYYY-MM-DD` */
  readonly date: string;
  /** Day number (days since 1970-01-01). */
  readonly day: number;
  /** Knowledge ids of the day's attackers, in the day table's row order. */
  readonly ids: Int32Array;
  readonly flows: Float64Array;
  readonly duration: Float64Array;
  readonly packets: Float64Array;
  readonly bytes: Float64Array;
}

/** The days `[from, to]` of a view's window (`to` = the day before the view's date). */
export interface KnowledgeWindow {
  readonly from: string;
  readonly to: string;
  /** Folded days inside the window, ascending (a folded day may have no rows: an empty day). */
  readonly days: readonly DayRows[];
  /** Days inside the window with no day table: unknown, not empty. */
  readonly missingDays: readonly string[];
  /** Days inside the window before the knowledge base's first day. */
  readonly daysBeforeStart: readonly string[];
}
