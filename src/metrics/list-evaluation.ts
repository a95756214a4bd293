/**
 * What the metrics are computed from: the facts of one list (one model, one budget, one day) against one day's
 * attackers. The engine computes them once per list, in O(list + attackers); every metric is then a formula over them,
 * so adding a metric never adds a pass over the data.
 */
export interface ListEvaluation {
  /** Entries in the list. */
  size: number;
  /** The budget K the list was cut to; for the natural list (the model's own rule), its size. */
  k: number;
  /**
   * Whether this is the model's natural list (its own rule, cut to no budget): then `k` is only its size, not a budget,
   * and a metric defined for a list cut to K (recall_at_k) is undefined.
   */
  natural: boolean;
  /** Attackers of the target day (P). */
  positives: number;
  /** Listed attackers. */
  tp: number;
  /** Attackers of the target day known before D (seen on any day before D): the only ones a list from history can hold. */
  returningPositives: number;
  /** Listed attackers among the returning ones. */
  returningTp: number;
  /** Day totals of the target day's attackers. */
  totalFlows: number;
  totalPackets: number;
  totalBytes: number;
  totalDuration: number;
  /** Volumes of the listed attackers. */
  coveredFlows: number;
  coveredPackets: number;
  coveredBytes: number;
  coveredDuration: number;
  /**
   * Σ over k = 1 .. K of the listed attackers among the first k entries: each hit at 0-based position i < K counts
   * K − i times (recall AUC's numerator).
   */
  cumulativeTp: number;
  /** Σ over list positions i (0-based) of the attacker's relevance / log2(i + 2). */
  dcg: number;
  /** The best DCG any list of `k` entries could reach: the k most relevant attackers in order. */
  idealDcg: number;
  /** AIP's order-free nDCG numerator: Σ over listed attackers, by relevance descending, 2^rel / log2(j + 2). */
  aipDcg: number;
  /** AIP's denominator: the same over every attacker of the day. */
  aipIdealDcg: number;
  /** Size of the same model's list (same budget) for the previous day; NaN for the first day of the run. */
  previousSize: number;
  /** Entries in both this list and the previous one; NaN for the first day. */
  sharedWithPrevious: number;
  /** IPs in this list never listed before by this model and budget (since the run's first day) with an observable first attack. */
  firstListings: number;
  /** Σ of (D − day of the IP's first attack) over those first listings. */
  latencyDays: number;
  /**
   * Listed IPs that did not attack on the target day and that the truth's sensors never saw before D: listed only
   * because other sensors saw them. 0 when the lists and the truth come from the same tables (every listed IP was seen).
   */
  fpElsewhere: number;
  /**
   * Attackers of the target day the truth's sensors never saw before D; with the same tables on both sides, those not
   * known before D (positives − returningPositives).
   */
  unseenPositives: number;
  /** Listed attackers among them (0 with the same tables on both sides: every listed IP was seen). */
  unseenTp: number;
  /**
   * How the list spreads over autonomous systems (asn_hhi, asn_top_share): only when a metric needs the ASN data
   * (Metric.needs), else absent.
   */
  asnGroups?: AsnGroups;
}

/** A list's IPs grouped by autonomous system (enrichment data, docs/enrichment.md). */
export interface AsnGroups {
  /** Listed IPs in each AS, largest first. */
  sizes: readonly number[];
  /** Listed IPs whose address has no AS in the data. */
  unknown: number;
}

/** Public IPv4 addresses (AIP's evaluation `public_IPs`): the universe of its contingency table. */
export const PUBLIC_IPV4 = 3_706_452_992;

/** a / b, NaN when b is 0 (a rate over nothing is undefined, not 0). */
export function ratio(a: number, b: number): number {
  return b === 0 ? Number.NaN : a / b;
}
