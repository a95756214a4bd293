/**
 * report.html in a real browser: a short backtest of aip-baseline, its report opened in headless Chromium over the
 * DevTools protocol. Every chart must render (an <svg> of non-zero size with marks in each chart's figure), the
 * console must stay free of errors and exceptions, every model legend must give each model a style of its own (the
 * stroke colour, dash pattern and shape of its legend symbol, as Chromium computes them), and a full-page screenshot is
 * saved to test/.artifacts/report.png. A deliberately broken page must fail the same checks, so they cannot pass by
 * seeing nothing. Without Chromium the
 * test is skipped locally but fails in CI (which installs Debian's `chromium`).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveExperiment, runExperiment, writeReport } from '../../src/index.js';
import { ROOT, tempDir } from '../helpers.js';
import { skipBecause } from '../skip-reasons.js';
import { CdpBrowser, CdpPage, CHROMIUM, chromiumAvailable } from './cdp.js';
import { pngSize } from './png.js';

const ARTIFACTS = join(ROOT, 'test', '.artifacts');

interface ChartCheck {
  name: string;
  width: number;
  height: number;
  marks: number;
}

// Runs in the page: each chart figure's SVG, its rendered size and how many drawn elements it holds.
const CHECK_CHARTS = `[...document.querySelectorAll('figure.chart')].map((f) => {
  const svg = f.querySelector('svg');
  const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
  return {
    name: f.dataset.chart,
    width: box.width,
    height: box.height,
    marks: svg ? svg.querySelectorAll('path, line, rect, text').length : 0,
  };
})`;

interface LegendEntry {
  label: string;
  stroke: string;
  dash: string;
  shape: string;
}

// Runs in the page: the entries of every legend titled "model" (vega's SVG: a legend group holding its title, then
// per entry a symbol path and a label), each symbol's stroke colour and dash pattern as Chromium computes them, and
// its shape (the path's outline).
const CHECK_LEGENDS = `[...document.querySelectorAll('figure.chart')].flatMap((f) =>
  [...f.querySelectorAll('g.role-legend')]
    .filter((g) => g.querySelector('.role-legend-title text')?.textContent === 'model')
    .map((g) => {
      const labels = [...g.querySelectorAll('.role-legend-label text')].map((t) => t.textContent);
      return {
        chart: f.dataset.chart,
        entries: [...g.querySelectorAll('.role-legend-symbol path')].map((p, i) => {
          const style = getComputedStyle(p);
          return { label: labels[i], stroke: style.stroke, dash: style.strokeDasharray, shape: p.getAttribute('d') };
        }),
      };
    }),
)`;

/** Legend entries that share their whole style (stroke colour, dash and shape) with another entry, by label. */
function sharedStyles(entries: LegendEntry[]): string[][] {
  const byStyle = new Map<string, string[]>();
  for (const e of entries) {
    const key = JSON.stringify([e.stroke, e.dash, e.shape]);
    byStyle.set(key, [...(byStyle.get(key) ?? []), e.label]);
  }
  return [...byStyle.values()].filter((labels) => labels.length > 1);
}

function rendered(c: ChartCheck): boolean {
  return c.width > 0 && c.height > 0 && c.marks > 0;
}

async function inspect(browser: CdpBrowser, file: string, screenshot = false) {
  const page = await CdpPage.open(browser);
  try {
    await page.goto(pathToFileURL(file).href);
    const charts = await page.evaluate<ChartCheck[]>(CHECK_CHARTS);
    const legends = await page.evaluate<{ chart: string; entries: LegendEntry[] }[]>(CHECK_LEGENDS);
    const png = screenshot ? await page.screenshot() : undefined;
    // Late console messages of the load (an exception in an onload handler) arrive as events after the load event.
    await page.evaluate('new Promise((r) => setTimeout(r, 100))');
    return { charts, legends, errors: [...page.errors], png };
  } finally {
    page.close();
  }
}

describe.skipIf(
  skipBecause(
    import.meta.url,
    !chromiumAvailable() && `needs Chromium (${CHROMIUM}; Debian: apt-get install chromium)`,
  ),
)('report.html in headless Chromium', () => {
  let browser: CdpBrowser | undefined;
  const tmp: { cleanup: () => Promise<void> }[] = [];

  beforeAll(async () => {
    if (!chromiumAvailable())
      throw new Error(`CI=${process.env.CI}: Chromium is required but ${CHROMIUM} is missing`);
    browser = await CdpBrowser.launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    for (const t of tmp) await t.cleanup();
  });

  it('renders every chart of a real backtest without console errors; screenshot saved', async () => {
    const { dir, cleanup } = await tempDir('aiplab-report-browser-');
    tmp.push({ cleanup });
    const experiment = resolveExperiment(
      {
        ...JSON.parse(await readFile(join(ROOT, 'experiments', 'aip-baseline.json'), 'utf8')),
        from: '2018-05-07',
        to: '2018-05-27',
      },
      'aip-baseline (short)',
      join(ROOT, 'experiments'),
    );
    const { written } = await runExperiment(experiment, { out: dir });
    const report = await writeReport(written!.dir);
    expect(report.charts.length).toBeGreaterThan(20);

    const { charts, legends, errors, png } = await inspect(browser!, report.html, true);
    expect(errors).toEqual([]);
    expect(charts.map((c) => c.name)).toEqual(report.charts.map((p) => p.replace(/^.*\/|\.png$/g, '')));
    expect(charts.filter(rendered)).toHaveLength(report.charts.length);

    // Every chart with a line per model (over time, churn, budget curves) has a model legend of the five models, and
    // no two of its entries share a style: a line lying under another still shows by its dash and markers.
    const models = experiment.models.map((m) => m.label);
    const lineCharts = charts.filter((c) => /^(time|churn|budget)-/.test(c.name)).map((c) => c.name);
    expect(lineCharts.length).toBeGreaterThan(20);
    expect(legends.map((l) => l.chart)).toEqual(lineCharts);
    for (const { chart, entries } of legends) {
      // Set models are marked † in some legends.
      expect(
        entries.map((e) => e.label.replace(/ †$/, '')),
        chart,
      ).toEqual(models);
      expect(sharedStyles(entries), chart).toEqual([]);
      // Five models: each of the three differs on its own too (and a dash is drawn: 'none' would hide it).
      for (const part of ['stroke', 'dash', 'shape'] as const)
        expect(new Set(entries.map((e) => e[part])).size, `${chart} ${part}`).toBe(models.length);
      expect(
        entries.every((e) => e.dash !== 'none' && /^rgb/.test(e.stroke)),
        chart,
      ).toBe(true);
    }

    await mkdir(ARTIFACTS, { recursive: true });
    await writeFile(join(ARTIFACTS, 'report.png'), png!);
    const size = pngSize(png!);
    // A full page: the report is wider than its charts and far taller than one screen.
    expect(size.width).toBeGreaterThanOrEqual(800);
    expect(size.height).toBeGreaterThan(3000);
    expect(png!.length).toBeGreaterThan(50_000);
  });

  it('a broken page fails the same checks: console error, exception, failed load, empty chart, twin styles', async () => {
    const { dir, cleanup } = await tempDir('aiplab-report-broken-');
    tmp.push({ cleanup });
    const file = join(dir, 'broken.html');
    await writeFile(
      file,
      `<!doctype html><html><body>
<figure class="chart" data-chart="fine"><svg width="100" height="50"><rect width="100" height="50"/></svg></figure>
<figure class="chart" data-chart="empty"><svg width="0" height="0"></svg></figure>
<figure class="chart" data-chart="twins"><svg width="100" height="50"><g class="role-legend">
<g class="role-legend-title"><text>model</text></g>
<g class="role-legend-symbol"><path d="M-5,-5h10v10h-10Z" stroke="#4c78a8" stroke-dasharray="6,3"/></g><g class="role-legend-label"><text>A</text></g>
<g class="role-legend-symbol"><path d="M-5,-5h10v10h-10Z" stroke="#f58518" stroke-dasharray="6,3"/></g><g class="role-legend-label"><text>B</text></g>
<g class="role-legend-symbol"><path d="M-5,-5h10v10h-10Z" style="stroke: #4c78a8; stroke-dasharray: 6 3"/></g><g class="role-legend-label"><text>C</text></g>
</g></svg></figure>
<figure class="chart" data-chart="missing"></figure>
<img src="no-such-chart.png">
<script>console.error('deliberate console error'); throw new Error('deliberate exception');</script>
</body></html>`,
    );
    const { charts, legends, errors } = await inspect(browser!, file);
    expect(charts.filter(rendered).map((c) => c.name)).toEqual(['fine', 'twins']);
    // A and C look the same (one in attributes, one in CSS: the computed style sees through that); B differs.
    expect(legends.map((l) => [l.chart, sharedStyles(l.entries)])).toEqual([['twins', [['A', 'C']]]]);
    expect(
      errors.some((e) => e.includes('console.error: deliberate console error')),
      errors.join('\n'),
    ).toBe(true);
    expect(errors.some((e) => e.startsWith('exception:') && e.includes('deliberate exception'))).toBe(true);
    expect(errors.some((e) => e.startsWith('log (network)') && e.includes('no-such-chart.png'))).toBe(true);
  });
});
