import type { KnowledgeColumns } from '../knowledge/knowledge-view.js';
import type { RankedList } from '../models/ranked-list.js';
import type { ListEvaluation } from './list-evaluation.js';
import { discount, type Truth } from './truth.js';

/**
 * The facts of a list against a truth that do not depend on earlier lists (all but churn and latency, left NaN); the
 * cross-sensor facts from `truth.here` when set. `budget`: the K the list was cut to, or 'natural' for the model's own
 * list (K is then its size, and the facts say it is natural).
 */
export function evaluateList(list: RankedList, truth: Truth, budget: number | 'natural'): ListEvaluation {
  const natural = budget === 'natural';
  const k = natural ? list.ids.length : budget;
  const { rowById, table, relevance } = truth;
  let tp = 0;
  let flows = 0;
  let packets = 0;
  let bytes = 0;
  let duration = 0;
  let dcg = 0;
  let cumulativeTp = 0;
  const hitRelevance: number[] = [];
  for (let i = 0; i < list.ids.length; i++) {
    const id = list.ids[i]!;
    const row = id < rowById.length ? rowById[id]! : -1;
    if (row < 0) continue;
    tp++;
    flows += table.flows[row]!;
    packets += table.packets[row]!;
    bytes += table.bytes[row]!;
    duration += table.duration[row]!;
    dcg += relevance[row]! * discount(i);
    if (i < k) cumulativeTp += k - i;
    hitRelevance.push(relevance[row]!);
  }
  // Across sensors: the entries the truth's sensors never saw before D (on one side's tables, every entry was seen).
  let fpElsewhere = 0;
  let unseenTp = 0;
  const here = truth.here;
  if (here) {
    const first = here.firstSeenById;
    for (let i = 0; i < list.ids.length; i++) {
      const id = list.ids[i]!;
      if (first[id]! >= 0) continue;
      if (id < rowById.length && rowById[id]! >= 0) unseenTp++;
      else fpElsewhere++;
    }
  }
  hitRelevance.sort((a, b) => b - a);
  let aipDcg = 0;
  for (let j = 0; j < hitRelevance.length; j++) aipDcg += 2 ** hitRelevance[j]! * discount(j);
  return {
    size: list.ids.length,
    k,
    natural,
    positives: truth.positives,
    tp,
    returningPositives: truth.returningPositives,
    // Every listed id is known before D, so every hit is a returning attacker.
    returningTp: tp,
    totalFlows: truth.totalFlows,
    totalPackets: truth.totalPackets,
    totalBytes: truth.totalBytes,
    totalDuration: truth.totalDuration,
    coveredFlows: flows,
    coveredPackets: packets,
    coveredBytes: bytes,
    coveredDuration: duration,
    cumulativeTp,
    dcg,
    idealDcg: truth.idealDcgPrefix[Math.min(k, truth.positives)]!,
    aipDcg,
    aipIdealDcg: truth.aipIdealDcg,
    previousSize: Number.NaN,
    sharedWithPrevious: Number.NaN,
    firstListings: Number.NaN,
    latencyDays: Number.NaN,
    fpElsewhere,
    unseenPositives: here ? here.unseenPositives : truth.positives - truth.returningPositives,
    unseenTp,
  };
}

/** Churn and latency of one list over the days: one tracker per model and budget, fed every day in order. */
export interface ListHistoryFacts {
  previousSize: number;
  sharedWithPrevious: number;
  firstListings: number;
  latencyDays: number;
}

/**
 * A marker array shared by every ListHistory of a run: each comparison marks the previous list with a fresh stamp, so
 * one array of one int per known IP serves all models and budgets.
 */
/** Lists up to this long are compared through a set; longer ones through the shared marker array. */
const SMALL_LIST = 16_384;

export class StampMarks {
  #mark = new Int32Array(0);
  #stamp = 0;

  /** A fresh stamp and an array of at least n entries none of which holds it. */
  next(n: number): { mark: Int32Array; stamp: number } {
    if (this.#mark.length < n) {
      const grown = new Int32Array(Math.max(n, Math.ceil(this.#mark.length * 1.5)));
      grown.set(this.#mark);
      this.#mark = grown;
    }
    return { mark: this.#mark, stamp: ++this.#stamp };
  }
}

export class ListHistory {
  #previous: Int32Array | undefined;
  #previousDay = Number.NaN;
  /** Per knowledge id, one bit: listed on some earlier day (one bit an IP, so many models × budgets stay cheap). */
  #listed = new Uint32Array(0);
  readonly #marks: StampMarks;

  /**
   * @param observableFrom day number from which an IP's first attack counts as observed: first listings of IPs first
   * seen earlier are left out of the latency (their first possible listing came before the run started).
   * @param marks shared with the other histories of the run (one is made if not given).
   */
  constructor(
    private readonly observableFrom: number,
    marks?: StampMarks,
  ) {
    this.#marks = marks ?? new StampMarks();
  }

  /** Records the list for day `day` (days strictly increasing) and returns its churn and latency facts. */
  add(list: RankedList, day: number, columns: KnowledgeColumns): ListHistoryFacts {
    const ids = list.ids;
    const n = columns.firstSeen.length;
    const words = (n + 31) >>> 5;
    if (this.#listed.length < words) {
      const grown = new Uint32Array(Math.max(words, Math.ceil(this.#listed.length * 1.25)));
      grown.set(this.#listed);
      this.#listed = grown;
    }
    let previousSize = Number.NaN;
    let shared = Number.NaN;
    if (this.#previous !== undefined && this.#previousDay === day - 1) {
      const prev = this.#previous;
      shared = 0;
      if (prev.length <= SMALL_LIST && ids.length <= SMALL_LIST) {
        // Short lists (top-K budgets): a set of the previous list, no array of one int per known IP.
        const before = new Set<number>(prev);
        for (let i = 0; i < ids.length; i++) if (before.has(ids[i]!)) shared++;
      } else {
        const { mark, stamp } = this.#marks.next(n);
        for (let i = 0; i < prev.length; i++) mark[prev[i]!] = stamp;
        for (let i = 0; i < ids.length; i++) if (mark[ids[i]!] === stamp) shared++;
      }
      previousSize = prev.length;
    }
    let firstListings = 0;
    let latencyDays = 0;
    const listed = this.#listed;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const bit = 1 << (id & 31);
      if ((listed[id >>> 5]! & bit) !== 0) continue;
      listed[id >>> 5] = listed[id >>> 5]! | bit;
      const first = columns.firstSeen[id]!;
      if (first >= this.observableFrom) {
        firstListings++;
        latencyDays += day - first;
      }
    }
    this.#previous = ids;
    this.#previousDay = day;
    return { previousSize, sharedWithPrevious: shared, firstListings, latencyDays };
  }
}
