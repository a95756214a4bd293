import type { Dataset } from '../days/dataset.js';
import type { DayTable } from '../days/day-table.js';
import type { KnowledgeView } from '../knowledge/knowledge-view.js';
import { LookaheadError } from '../knowledge/lookahead-error.js';
import type { SensorFeatures } from '../models/model-context.js';
import { formatDay, parseDay } from '../util/dates.js';
import { DataError, UsageError } from '../util/errors.js';

/** Reads one day's table of one side (a table cache's get, or a sensor view's readDayTable). */
export type ReadTable = (date: string) => Promise<DayTable>;

function grown(a: Int32Array, n: number): Int32Array {
  if (a.length >= n) return a;
  const b = new Int32Array(Math.max(n, Math.ceil(a.length * 1.5))).fill(-1);
  b.set(a);
  return b;
}

/**
 * What the truth sensors saw before D, when they are not the lists' sensors (a backtest across sensors): the first day
 * they saw each IP, folded from their tables of the days before D only, and mapped onto the knowledge ids of the view
 * as of D (an IP the truth sensors saw before the lists' sensors did gets its day when it becomes known).
 * O(rows of the folded days + new ids) a day.
 */
export class TruthHistory {
  /** IP → the first day (number) the truth sensors saw it; only days before the current D. */
  readonly #first = new Map<string, number>();
  /** Knowledge id → that day, or -1. */
  #byId: Int32Array = new Int32Array(0);
  /** Ids of the view mapped so far. */
  #mapped = 0;
  #next: number | undefined;
  #day = Number.NaN;

  constructor(
    private readonly truth: Dataset,
    private readonly read: ReadTable,
  ) {}

  /** The D it is as of (NaN before the first advance). */
  get day(): number {
    return this.#day;
  }

  /** Folds the truth tables of the days before the view's D not folded yet, and maps the view's new ids. */
  async advanceTo(view: KnowledgeView): Promise<void> {
    const day = view.day;
    if (this.#day > day)
      throw new LookaheadError(`TruthHistory: already at ${formatDay(this.#day)}, asked for ${view.date}`);
    const start = this.#next ?? parseDay(this.truth.firstDay ?? view.date) ?? day;
    const fresh: string[] = [];
    const freshDays: number[] = [];
    for (let d = start; d < day; d++) {
      const date = formatDay(d);
      if (!this.truth.has(date)) continue;
      const table = await this.read(date);
      for (const ip of table.ip)
        if (!this.#first.has(ip)) {
          this.#first.set(ip, d);
          fresh.push(ip);
          freshDays.push(d);
        }
    }
    this.#next = Math.max(start, day);
    this.#byId = grown(this.#byId, view.size);
    const byId = this.#byId;
    // IPs known before that the truth sensors saw only now, then the ids new to the view.
    const ids = view.idsOf(fresh);
    for (let i = 0; i < ids.length; i++)
      if (ids[i]! >= 0 && ids[i]! < this.#mapped) byId[ids[i]!] = freshDays[i]!;
    const text = view.ipText();
    for (let id = this.#mapped; id < view.size; id++) byId[id] = this.#first.get(text(id)) ?? -1;
    this.#mapped = view.size;
    this.#day = day;
  }

  /** For each id of the view: the day (number) the truth sensors first saw it before D, -1 never. Read-only. */
  firstSeenById(): Int32Array {
    return this.#byId.subarray(0, this.#mapped);
  }

  /** Attackers of a table the truth sensors never saw before D. */
  unseenIn(table: DayTable): number {
    let n = 0;
    for (const ip of table.ip) if (!this.#first.has(ip)) n++;
    return n;
  }
}

/**
 * The last day each of the lists' sensors saw each known IP, from each sensor's own tables of the days before D:
 * what the number of sensors that saw an IP in a window is counted from. One array of one int per known IP a sensor.
 */
export class SensorLastSeen {
  #last: Int32Array[];
  #size = 0;
  #day = Number.NaN;

  constructor(
    readonly sensors: readonly string[],
    private readonly readers: readonly ReadTable[],
    private readonly dir: string,
  ) {
    this.#last = sensors.map(() => new Int32Array(0));
  }

  get day(): number {
    return this.#day;
  }

  /** Records the sensors' tables of `days` (ascending, before D, just folded into the knowledge of `view`). */
  async addDays(days: readonly string[], view: KnowledgeView): Promise<void> {
    this.#last = this.#last.map((a) => grown(a, view.size));
    this.#size = view.size;
    for (const date of days) {
      const d = parseDay(date)!;
      for (let s = 0; s < this.sensors.length; s++) {
        const table = await this.readers[s]!(date);
        const ids = view.idsOf(table.ip);
        const last = this.#last[s]!;
        for (let r = 0; r < ids.length; r++) {
          if (ids[r]! < 0)
            throw new DataError(
              `sensor '${this.sensors[s]}' saw ${table.ip[r]} on ${date}, but the sum of the lists' sensors did not: the per-sensor tables disagree with their sum`,
              { file: this.dir },
            );
          last[ids[r]!] = d;
        }
      }
    }
    this.#day = view.day;
  }

  /** For each id: how many sensors saw it in the days `day - window` .. `day - 1`. */
  spread(window: number, day: number): Int32Array {
    const out = new Int32Array(this.#size);
    const from = day - window;
    for (const last of this.#last) for (let id = 0; id < this.#size; id++) if (last[id]! >= from) out[id]!++;
    return out;
  }
}

/**
 * The model context's sensor features for the view as of D (SensorFeatures): fresh arrays each call, and a
 * LookaheadError once the backtest has moved on to a later day (the trackers then hold days the view must not see).
 */
export function sensorFeatures(
  view: KnowledgeView,
  sensors: { train: readonly string[]; truth: readonly string[] },
  lastSeen: SensorLastSeen,
  truth: TruthHistory,
): SensorFeatures {
  const day = view.day;
  const check = (what: string) => {
    if (lastSeen.day !== day || truth.day !== day)
      throw new LookaheadError(
        `sensor features ${what}: made for ${view.date}, used after the backtest moved on to ${formatDay(Math.max(lastSeen.day, truth.day))}`,
      );
  };
  const features: SensorFeatures = {
    sensors: Object.freeze([...sensors.train]),
    here: Object.freeze([...sensors.truth]),
    spread(window: number): Int32Array {
      if (!Number.isInteger(window) || window < 1)
        throw new UsageError(`sensor features: spread(window): a whole number of days >= 1, got ${window}`);
      check('spread');
      return lastSeen.spread(window, day);
    },
    firstSeenHere(): Int32Array {
      check('firstSeenHere');
      return truth.firstSeenById().slice(0, view.size);
    },
    firstSeenAnywhere(): Int32Array {
      check('firstSeenAnywhere');
      const here = truth.firstSeenById();
      const out = view.columns().firstSeen.slice();
      for (let id = 0; id < out.length; id++) if (here[id]! >= 0 && here[id]! < out[id]!) out[id] = here[id]!;
      return out;
    },
  };
  return Object.freeze(features);
}
