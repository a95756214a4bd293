import type { IpLookup } from '../enrich/ip-lookup.js';
import type { KnowledgeView } from '../knowledge/knowledge-view.js';
import type { RankedList } from '../models/ranked-list.js';
import type { AsnGroups } from './list-evaluation.js';
import { getMetric, metricNames } from './metric.js';

/**
 * The AS of each listed IP, grouped: the facts of the ASN metrics (asn_hhi, asn_top_share). Each knowledge id is
 * looked up once per run (ids never change their IP), so a run of many days, models and budgets pays one binary search
 * per distinct listed IP.
 */
export class ListAsns {
  /** AS number by knowledge id; -1 not looked up yet, 0 unknown. */
  #asnById = new Float64Array(0).fill(-1);

  constructor(private readonly lookup: IpLookup) {}

  groups(list: RankedList, view: KnowledgeView): AsnGroups {
    const ids = list.ids;
    if (this.#asnById.length < view.size) {
      const grown = new Float64Array(Math.max(view.size, Math.ceil(this.#asnById.length * 1.5))).fill(-1);
      grown.set(this.#asnById);
      this.#asnById = grown;
    }
    const asnById = this.#asnById;
    const ipOf = view.ipText();
    const counts = new Map<number, number>();
    let unknown = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      let asn = asnById[id]!;
      if (asn < 0) {
        asn = this.lookup.asnOf(ipOf(id));
        asnById[id] = asn;
      }
      if (asn === 0) unknown++;
      else counts.set(asn, (counts.get(asn) ?? 0) + 1);
    }
    return { sizes: [...counts.values()].sort((a, b) => b - a), unknown };
  }
}

/**
 * Whether any of these metric columns (names, or `name_hN` at a horizon) is of a metric that reads the AS data
 * (Metric.needs: asn_top_share, asn_hhi): results showing it must carry the data's credit.
 */
export function usesAsnData(columns: readonly string[]): boolean {
  const known = new Set(metricNames());
  return columns.some((c) => {
    const name = c.replace(/_h\d+$/, '');
    return known.has(name) && getMetric(name).needs?.includes('asn') === true;
  });
}
