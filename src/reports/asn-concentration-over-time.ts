import { budgetTitle, type ChartResults } from './chart-common.js';
import { metricOverTime } from './metric-over-time.js';
import type { VegaLiteSpec } from './render.js';

/** The package the ASN metrics read (enrich/enrich-sources.ts), whose version the run's manifest records. */
const ASN_PACKAGE = '@ip-location-db/asn';

/** Options of {@link asnConcentrationOverTime}. */
export interface AsnConcentrationOverTimeOptions {
  /** Budget as in the result files: a number, 'natural' or a matched budget ('size(Alpha)'). */
  budget: string | number;
  /** `asn_top_share` (share of the list in its largest AS) or `asn_hhi` (Herfindahl index). @default 'asn_top_share' */
  metric?: 'asn_top_share' | 'asn_hhi';
}

/**
 * How concentrated each model's lists are in autonomous systems, day by day, at one budget: the ASN metrics of
 * backtest/metrics (asn-top-share.ts, asn-hhi.ts). The subtitle names the AS data and its version as the run's
 * manifest records it, with the attribution its CC BY 4.0 licence asks for. Undefined when the run did not compute the
 * metric (it is computed only when an experiment names it).
 */
export function asnConcentrationOverTime(
  results: ChartResults,
  options: AsnConcentrationOverTimeOptions,
): VegaLiteSpec | undefined {
  const { budget, metric = 'asn_top_share' } = options;
  const version = results.manifest.versions?.[ASN_PACKAGE];
  const data = `AS data: ${ASN_PACKAGE}${version ? ` ${version}` : ''} (RouteViews, DB-IP, NRO; CC BY 4.0)`;
  const top = metric === 'asn_top_share';
  const spec = metricOverTime(results, {
    metric,
    budget,
    title: top ? 'share of the list in its largest AS' : 'AS concentration of the list (Herfindahl index)',
    subtitle: `${budgetTitle(String(budget))}; ${
      top ? '1: every listed IP in one AS' : '1: one AS, 1/size: every IP in an AS of its own'
    }; an IP of unknown AS counts as an AS of its own`,
    yTitle: top ? 'largest AS share' : 'Herfindahl index over ASes',
    yDomain: [0, 1],
  });
  if (spec === undefined) return undefined;
  // The data's attribution as the subtitle's last line (CC BY 4.0 asks for it wherever results built on it are shown).
  const title = spec.title as { text: string; subtitle: string | string[] };
  title.subtitle = [...[title.subtitle].flat(), data];
  return spec;
}
