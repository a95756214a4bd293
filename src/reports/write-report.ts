import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readResultsFolder } from '../results/read-results-folder.js';
import { pathExists } from '../util/fs-checks.js';
import { checkOutputFolder } from '../util/output-path.js';
import { renderSvg, svgToPng } from './render.js';
import { type ReportChartsOptions, reportCharts } from './report-charts.js';
import { type RenderedChart, reportHtml } from './report-html.js';

/** Options of {@link writeReport}. */
export interface WriteReportOptions {
  /** Folder that receives report.html and charts/ (made if missing). @default the results folder itself */
  out?: string;
  /** Pixel density of the PNGs. @default 2 */
  scale?: number;
  /** Also write each chart as charts/<name>.svg. @default false */
  svg?: boolean;
  /** Which metrics get charts. @default reportCharts' defaults */
  charts?: ReportChartsOptions;
}

/** What {@link writeReport} wrote. */
export interface WrittenReport {
  /** The folder holding report.html and charts/. */
  dir: string;
  /** Path of report.html. */
  html: string;
  /** Paths of the chart files (PNGs, then SVGs if asked), in report order. */
  charts: string[];
}

/**
 * Writes a results folder's report (DESIGN §6): a self-contained `report.html` (inline SVG charts, tables; opens
 * without network or scripts) and `charts/<name>.png`. Everything is made in a temporary folder first and moved
 * into place by renames, so a failed or killed run never leaves a half-written report; an earlier report there is
 * replaced.
 */
export async function writeReport(
  resultsDir: string,
  options: WriteReportOptions = {},
): Promise<WrittenReport> {
  const { scale = 2, svg: writeSvg = false } = options;
  // Before the charts are drawn (issue 12): --out before anything is read, the results folder once it is.
  if (options.out !== undefined) await checkOutputFolder(options.out, { flag: 'out', purpose: 'the report' });
  const results = await readResultsFolder(resultsDir);
  if (options.out === undefined)
    await checkOutputFolder(results.dir, { flag: 'results folder', purpose: 'the report' });
  const dir = resolve(options.out ?? results.dir);
  const charts = reportCharts(results, options.charts);
  const rendered: RenderedChart[] = [];
  for (const chart of charts) rendered.push({ chart, svg: await renderSvg(chart.spec) });

  await mkdir(dir, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = join(dir, `.report-tmp-${tag}`);
  const old = join(dir, `.report-old-${tag}`);
  const pngs: string[] = [];
  const svgs: string[] = [];
  try {
    await mkdir(join(tmp, 'charts'), { recursive: true });
    for (const { chart, svg } of rendered) {
      await writeFile(join(tmp, 'charts', `${chart.name}.png`), svgToPng(svg, { scale }));
      pngs.push(join(dir, 'charts', `${chart.name}.png`));
      if (writeSvg) {
        await writeFile(join(tmp, 'charts', `${chart.name}.svg`), svg);
        svgs.push(join(dir, 'charts', `${chart.name}.svg`));
      }
    }
    await writeFile(join(tmp, 'report.html'), reportHtml(results, rendered));
    // charts/ first, report.html last: a report.html present is always one whose charts are in place.
    if (await pathExists(join(dir, 'charts'))) await rename(join(dir, 'charts'), old);
    await rename(join(tmp, 'charts'), join(dir, 'charts'));
    await rename(join(tmp, 'report.html'), join(dir, 'report.html'));
  } finally {
    await rm(tmp, { recursive: true, force: true });
    await rm(old, { recursive: true, force: true });
  }
  return { dir, html: join(dir, 'report.html'), charts: [...pngs, ...svgs] };
}
