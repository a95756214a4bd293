import { BUDGET_K_METRIC } from '../backtest/backtest.js';
import { budgetLabel } from '../backtest/experiment.js';
import { markSetCut, SET_CUT_NOTE } from '../backtest/set-cuts.js';
import { DB_IP_LINK, ENRICH_PACKAGES } from '../enrich/enrich-sources.js';
import { HEADLINE_METRICS } from '../metrics/builtin.js';
import { usesAsnData } from '../metrics/list-asns.js';
import { formatPValue } from '../metrics/stats/format-p-value.js';
import type { ResultsFolder } from '../results/read-results-folder.js';
import { VERSION } from '../version.js';
import {
  budgetOrder,
  budgetTitle,
  ciPercent,
  MATCHED_BUDGET_NOTE,
  matchedBudgetOf,
  modelOrder,
  unrankedModels,
} from './chart-common.js';
import type { ReportChart } from './report-charts.js';

/** A chart of the report with its rendered SVG. */
export interface RenderedChart {
  chart: ReportChart;
  svg: string;
}

/** Options of {@link reportHtml}. */
export interface ReportHtmlOptions {
  /** Where the PNGs are, relative to report.html: each chart links to its PNG. @default 'charts' */
  chartsDir?: string;
  /** The time written in the footer. @default the current time */
  writtenAt?: Date;
}

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 "DejaVu Sans", Helvetica, Arial, sans-serif; color: #1d1d1f; background: #f6f7f9; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; min-height: 100vh; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #e3e6ea; }
h3 { font-size: 15px; margin: 20px 0 6px; }
p.desc { margin: 4px 0; color: #333; }
p.meta, .note { color: #666; font-size: 12.5px; }
nav { margin: 14px 0; font-size: 13px; }
nav a { margin-right: 14px; }
a { color: #1f5fa8; text-decoration: none; }
a:hover { text-decoration: underline; }
table { border-collapse: collapse; margin: 6px 0 14px; font-size: 13px; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e3e6ea; text-align: left; vertical-align: top; }
th { background: #f1f3f6; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.best { font-weight: 700; }
table.kv { width: 100%; table-layout: fixed; }
table.kv th { width: 190px; background: none; font-weight: 600; color: #444; }
table.kv td { overflow-wrap: anywhere; }
code, pre { font: 12.5px/1.4 "DejaVu Sans Mono", Menlo, Consolas, monospace; }
pre { background: #f6f7f9; padding: 10px 12px; overflow: auto; max-height: 480px; border: 1px solid #e3e6ea; }
details { margin: 8px 0; }
summary { cursor: pointer; font-weight: 600; }
figure.chart { margin: 14px 0 22px; overflow-x: auto; }
figure.chart svg { display: block; max-width: none; height: auto; }
figcaption { font-size: 12px; color: #666; margin-top: 2px; }
.sig { color: #1f5fa8; font-weight: 600; }
footer { margin-top: 40px; color: #888; font-size: 12px; }
`;

/** Escapes text for HTML content and double-quoted attributes. */
function esc(text: unknown): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? '–' : String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? x.toExponential(2) : x.toFixed(3);
}

/**
 * Vega names clip paths and gradients `clip1`, `gradient1`, … afresh in every SVG; inlined side by side in one page,
 * a later chart's `url(#clip1)` would resolve to the first chart's element. Prefixing the ids keeps each chart's own.
 */
function scopeSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`);
}

function kvTable(rows: [string, string][]): string {
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</table>`;
}

function summaryTables(results: ResultsFolder): string {
  const present = new Set(results.summary.map((s) => s.metric));
  const metrics = HEADLINE_METRICS.filter((m) => present.has(m));
  const models = modelOrder(results);
  const unranked = unrankedModels(results);
  const find = new Map(results.summary.map((s) => [`${s.model}\u0000${s.budget}\u0000${s.metric}`, s]));
  const parts: string[] = [];
  for (const budget of budgetOrder(results)) {
    // The best mean of each column in bold, by the metric's own direction.
    const best = new Map<string, number>();
    for (const metric of metrics) {
      const means = models
        .map((m) => find.get(`${m}\u0000${budget}\u0000${metric}`))
        .filter((s) => s !== undefined && s.n > 0 && Number.isFinite(s.mean));
      if (means.length < 2) continue;
      const higher = means[0]!.higherIsBetter;
      best.set(
        metric,
        higher ? Math.max(...means.map((s) => s!.mean)) : Math.min(...means.map((s) => s!.mean)),
      );
    }
    // A matched budget's K changes by day: its mean K (budget_k) beside the mean size.
    const matched = matchedBudgetOf(budget) !== undefined;
    const head = ['model', ...(matched ? ['mean K'] : []), 'mean size', ...metrics]
      .map((h) => `<th>${esc(h)}</th>`)
      .join('');
    const body = models
      .map((model) => {
        const size = find.get(`${model}\u0000${budget}\u0000size`);
        const cells = metrics.map((metric) => {
          const s = find.get(`${model}\u0000${budget}\u0000${metric}`);
          if (!s || s.n === 0) return '<td class="num">–</td>';
          const cls = best.get(metric) === s.mean ? 'num best' : 'num';
          return `<td class="${cls}">${fmt(s.mean)} <span class="note">[${fmt(s.ciLow)}, ${fmt(s.ciHigh)}]</span></td>`;
        });
        const sizeCell = size && size.n > 0 ? String(Math.round(size.mean)) : '–';
        const k = find.get(`${model}\u0000${budget}\u0000${BUDGET_K_METRIC}`);
        const kCell = matched
          ? `<td class="num">${k && k.n > 0 ? String(Math.round(k.mean)) : '–'}</td>`
          : '';
        return `<tr><td>${esc(markSetCut(unranked, model, budget))}</td>${kCell}<td class="num">${esc(sizeCell)}</td>${cells.join('')}</tr>`;
      })
      .join('');
    const marked = models.some((m) => markSetCut(unranked, m, budget) !== m);
    const note = marked ? `<p class="note set-cut">${esc(SET_CUT_NOTE)}</p>` : '';
    parts.push(`<h3>${esc(budgetTitle(budget))}</h3><table><tr>${head}</tr>${body}</table>${note}`);
  }
  return parts.join('\n');
}

function comparisonTables(results: ResultsFolder): string {
  const present = new Set(results.comparisons.map((c) => c.metric));
  const metrics = HEADLINE_METRICS.filter((m) => present.has(m));
  if (metrics.length === 0) return '<p class="note">No paired comparisons in this run.</p>';
  const level = ciPercent(results);
  const unranked = unrankedModels(results);
  const model = (m: string, budget: string) => esc(markSetCut(unranked, m, budget));
  const marked = results.comparisons.some(
    (c) =>
      markSetCut(unranked, c.modelA, c.budget) !== c.modelA ||
      markSetCut(unranked, c.modelB, c.budget) !== c.modelB,
  );
  const note = marked ? `<p class="note set-cut">${esc(SET_CUT_NOTE)}</p>` : '';
  return `${metrics
    .map((metric) => {
      const rows = results.comparisons.filter((c) => c.metric === metric);
      const significant = rows.filter((c) => c.significant).length;
      const body = rows
        .map(
          (c) =>
            `<tr><td>${esc(budgetTitle(c.budget))}</td><td>${model(c.modelA, c.budget)}</td><td>${model(c.modelB, c.budget)}</td>` +
            `<td class="num">${fmt(c.meanDiff)} [${fmt(c.ciLow)}, ${fmt(c.ciHigh)}]</td>` +
            `<td class="num">${c.wins} / ${c.losses} / ${c.ties}</td><td class="num">${esc(formatPValue(c.pHolm, '–'))}</td>` +
            `<td${c.significant ? ' class="sig"' : ''}>${esc(c.verdict)}</td></tr>`,
        )
        .join('');
      return (
        `<details><summary>${esc(metric)}: ${significant} of ${rows.length} differences significant</summary>` +
        `<table><tr><th>budget</th><th>A</th><th>B</th><th>mean A − B [${level}% CI]</th><th>A wins / losses / ties</th>` +
        `<th>Holm p</th><th>verdict</th></tr>${body}</table></details>`
      );
    })
    .join('\n')}\n${note}`;
}

function skippedAndWarnings(results: ResultsFolder): string {
  const { skipped, warnings } = results.manifest;
  const parts: string[] = [];
  if (skipped.length === 0) parts.push('<p>Every target day was scored.</p>');
  else
    parts.push(
      `<table><tr><th>list day</th><th>horizon</th><th>not scored because</th></tr>${skipped
        .map(
          (s) => `<tr><td>${esc(s.date)}</td><td class="num">${s.horizon}</td><td>${esc(s.reason)}</td></tr>`,
        )
        .join('')}</table>`,
    );
  parts.push('<h3>Warnings</h3>');
  if (warnings.length === 0) parts.push('<p>No warnings.</p>');
  else
    parts.push(
      `<table><tr><th>times</th><th>warning</th></tr>${warnings
        .map((w) => `<tr><td class="num">${w.count}</td><td>${esc(w.message)}</td></tr>`)
        .join('')}</table>`,
    );
  return parts.join('\n');
}

function runFacts(results: ResultsFolder): string {
  const { manifest } = results;
  const e = manifest.experiment;
  const d = manifest.dataset;
  const dataset = typeof e.dataset === 'string' ? e.dataset : `synthetic: ${JSON.stringify(e.dataset.synth)}`;
  const git = manifest.git.commit
    ? `<code>${esc(manifest.git.commit)}</code>${manifest.git.dirty ? ' (with uncommitted changes)' : ''}`
    : 'unknown';
  const rows: [string, string][] = [
    ['experiment', `${esc(e.id)} (version ${esc(e.version)})`],
    [
      'days',
      `${esc(e.from)} .. ${esc(e.to)}: ${manifest.days} list days, ${manifest.scoredDays} scored on their own day`,
    ],
    [
      'models',
      e.models
        .map(
          (m) =>
            `${esc(m.label)}${m.label !== m.name ? ` (${esc(m.name)})` : ''} <code>${esc(JSON.stringify(m.params))}</code>`,
        )
        .join('<br>'),
    ],
    ['budgets', esc(e.budgets.map(budgetLabel).join(', '))],
    [
      'set models',
      unrankedModels(results).length > 0
        ? `${esc(unrankedModels(results).join(', '))}: their lists are sets; cut to a numeric or matched budget, they keep the first K members in the tie order (last seen, days active, flows, IP), marked ${esc('†')}`
        : 'none',
    ],
    ['horizons', esc(e.horizons.join(', '))],
    ['metrics', `${e.metrics.length}: ${esc(e.metrics.join(', '))}`],
    ['seed', esc(e.seed)],
    ['bootstrap', `${e.bootstrap.resamples} resamples, ${ciPercent(results)}% intervals`],
    // A synthetic dataset is described by its spec and made into a cache folder; a real one is its folder.
    ...(typeof e.dataset === 'string'
      ? []
      : ([['dataset', `<code>${esc(dataset)}</code>`]] as [string, string][])),
    ['dataset folder', `<code>${esc(d.dir)}</code>`],
    ['dataset fingerprint', `<code>${esc(d.fingerprint)}</code> (sha-256 of ${esc(d.fingerprintOf)})`],
    [
      'dataset days',
      `${esc(d.firstDay ?? '–')} .. ${esc(d.lastDay ?? '–')}: ${d.days} days` +
        (d.missingDays.length > 0 ? `; missing: ${esc(d.missingDays.join(', '))}` : ''),
    ],
    ['IPs known at the end', esc(manifest.knownIps)],
    ['run started', esc(manifest.startedAt)],
    ['run time', `${(manifest.timings.totalMs / 1000).toFixed(1)} s`],
    ['command', manifest.command ? `<code>aiplab ${esc(manifest.command.join(' '))}</code>` : '–'],
    ['git commit', git],
    ['written by', `aiplab ${esc(manifest.aiplab)}`],
  ];
  return kvTable(rows);
}

/**
 * The credit of the AS data when the results hold a metric that read it (asn_top_share, asn_hhi): the package and
 * version the manifest records, its CC BY 4.0 attribution, and the link back DB-IP's licence asks of web pages
 * showing its results. Empty otherwise.
 */
function asnCredit(results: ResultsFolder): string {
  const metrics = [...new Set([...results.summary, ...results.perDay].map((r) => r.metric))];
  if (!usesAsnData(metrics)) return '';
  const { package: pkg, attribution } = ENRICH_PACKAGES.asn;
  const version = results.manifest.versions?.[pkg];
  return (
    `<p class="credit">AS data: ${esc(pkg)}${version ? ` ${esc(version)}` : ''}; ${esc(attribution)}. ` +
    `<a href='${DB_IP_LINK.href}'>${esc(DB_IP_LINK.text)}</a></p>\n`
  );
}

function slugId(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * The self-contained HTML report of a results folder (DESIGN §6): charts inlined as SVG (no script, no network),
 * the run's facts, the summary tables per budget, the paired comparisons, skipped days and warnings, the resolved
 * configuration and the versions. Every piece of text from the results is escaped.
 */
export function reportHtml(
  results: ResultsFolder,
  charts: readonly RenderedChart[],
  options: ReportHtmlOptions = {},
): string {
  const { chartsDir = 'charts', writtenAt = new Date() } = options;
  const { manifest } = results;
  const e = manifest.experiment;
  const sections = [...new Set(charts.map((c) => c.chart.section))];
  const chartSections = sections.map((section) => {
    const figures = charts
      .filter((c) => c.chart.section === section)
      .map(
        ({ chart, svg }) =>
          `<figure class="chart" id="chart-${esc(chart.name)}" data-chart="${esc(chart.name)}">` +
          `${scopeSvgIds(svg, `c-${chart.name}`)}` +
          `<figcaption>${esc(chart.title)} · <a href="${esc(`${chartsDir}/${chart.name}.png`)}">PNG</a></figcaption></figure>`,
      )
      .join('\n');
    return `<section id="${esc(slugId(section))}"><h2>${esc(section)}</h2>\n${figures}\n</section>`;
  });
  const nav = [
    ['run', 'Run'],
    ['summary', 'Summary'],
    ...sections.map((s) => [slugId(s), s]),
    ['comparisons', 'Comparisons'],
    ['skipped', 'Skipped days and warnings'],
    ['config', 'Configuration and versions'],
  ]
    .map(([id, label]) => `<a href="#${esc(id)}">${esc(label)}</a>`)
    .join('');
  const versions = kvTable(Object.entries(manifest.versions).map(([k, v]) => [k, `<code>${esc(v)}</code>`]));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`aiplab report: ${e.id}`)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header>
<h1>${esc(e.id)}</h1>
${e.description ? `<p class="desc">${esc(e.description)}</p>` : ''}
<p class="meta">run of ${esc(manifest.startedAt)} · ${esc(e.models.length)} models × ${esc(e.budgets.length)} budgets · aiplab ${esc(manifest.aiplab)} · commit ${esc(manifest.git.commit?.slice(0, 12) ?? 'unknown')}${manifest.git.dirty ? ' (dirty)' : ''}</p>
<nav>${nav}</nav>
</header>
<section id="run"><h2>Run</h2>
${runFacts(results)}
</section>
<section id="summary"><h2>Summary</h2>
<p class="note">Mean across days [${ciPercent(results)}% bootstrap CI of the mean]; the best mean of each column in bold.</p>
${budgetOrder(results).some((b) => matchedBudgetOf(b)) ? `<p class="note">${esc(MATCHED_BUDGET_NOTE)}; mean K is its mean over the scored days (budget_k in per_day.csv).</p>` : ''}
${summaryTables(results)}
</section>
${chartSections.join('\n')}
<section id="comparisons"><h2>Comparisons</h2>
<p class="note">Paired per-day differences A − B, bootstrap CI, Wilcoxon signed-rank test Holm-corrected over every pair and budget of a metric.</p>
${comparisonTables(results)}
</section>
<section id="skipped"><h2>Skipped days and warnings</h2>
${skippedAndWarnings(results)}
</section>
<section id="config"><h2>Configuration and versions</h2>
<details><summary>resolved experiment (manifest.json)</summary><pre>${esc(JSON.stringify(e, null, 2))}</pre></details>
<h3>Versions</h3>
${versions}
</section>
<footer>${asnCredit(results)}Written by aiplab ${esc(VERSION)} at ${esc(writtenAt.toISOString())} from <code>${esc(results.dir)}</code>.</footer>
</main>
</body>
</html>
`;
}
