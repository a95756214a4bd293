import { loadIpLookup } from '../enrich/ip-lookup.js';
import type { KnowledgeView } from '../knowledge/knowledge-view.js';
import { formatDay } from '../util/dates.js';
import type { CsvColumn } from './formats/csv-columns.js';
import type { ListDetails, ListEntryDetails } from './formats/list-format.js';

/**
 * The details a day's csv columns read: first seen, last seen and days seen from the knowledge view the lists were
 * built from (the days before its date only, so never the list's own day), country and AS from the enrichment data,
 * which is loaded only when a column needs it. Undefined when no column is chosen.
 */
export async function listEntryDetails(
  view: KnowledgeView,
  columns: readonly CsvColumn[],
): Promise<ListDetails | undefined> {
  if (columns.length === 0) return undefined;
  const country = columns.includes('country');
  const asn = columns.includes('asn') || columns.includes('as_name');
  const history = columns.some((c) => c === 'first_seen' || c === 'last_seen' || c === 'days_seen');
  const lookup = country || asn ? await loadIpLookup({ country, asn }) : undefined;
  const known = history ? view.columns() : undefined;
  const notes = (lookup?.sources ?? []).map(
    (s) => `${s.kind === 'asn' ? 'asn, as_name' : 'country'}: ${s.package} ${s.version}; ${s.attribution}`,
  );
  return {
    notes,
    of(ip: string): ListEntryDetails {
      const d: ListEntryDetails = lookup ? lookup.lookup(ip) : {};
      const id = known ? view.idOf(ip) : undefined;
      if (known && id !== undefined) {
        d.firstSeen = formatDay(known.firstSeen[id]!);
        d.lastSeen = formatDay(known.lastSeen[id]!);
        d.daysSeen = known.daysActive[id]!;
      }
      return d;
    },
  };
}
