/**
 * report.html in a real browser: a short backtest of aip-baseline, its report opened in headless Chromium over the
 * DevTools protocol. Every chart must render (an <svg> of non-zero size with marks in each chart's figure), the
 * console must stay free of errors and exceptions, and a full-page screenshot is saved to test/.artifacts/report.png.
 * A deliberately broken page must fail the same checks, so they cannot pass by seeing nothing. Without Chromium the
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

function rendered(c: ChartCheck): boolean {
  return c.width > 0 && c.height > 0 && c.marks > 0;
}

async function inspect(browser: CdpBrowser, file: string, screenshot = false) {
  const page = await CdpPage.open(browser);
  try {
    await page.goto(pathToFileURL(file).href);
    const charts = await page.evaluate<ChartCheck[]>(CHECK_CHARTS);
    const png = screenshot ? await page.screenshot() : undefined;
    // Late console messages of the load (an exception in an onload handler) arrive as events after the load event.
    await page.evaluate('new Promise((r) => setTimeout(r, 100))');
    return { charts, errors: [...page.errors], png };
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

    const { charts, errors, png } = await inspect(browser!, report.html, true);
    expect(errors).toEqual([]);
    expect(charts.map((c) => c.name)).toEqual(report.charts.map((p) => p.replace(/^.*\/|\.png$/g, '')));
    expect(charts.filter(rendered)).toHaveLength(report.charts.length);

    await mkdir(ARTIFACTS, { recursive: true });
    await writeFile(join(ARTIFACTS, 'report.png'), png!);
    const size = pngSize(png!);
    // A full page: the report is wider than its charts and far taller than one screen.
    expect(size.width).toBeGreaterThanOrEqual(800);
    expect(size.height).toBeGreaterThan(3000);
    expect(png!.length).toBeGreaterThan(50_000);
  });

  it('a broken page fails the same checks: console error, exception, failed load, empty chart', async () => {
    const { dir, cleanup } = await tempDir('aiplab-report-broken-');
    tmp.push({ cleanup });
    const file = join(dir, 'broken.html');
    await writeFile(
      file,
      `<!doctype html><html><body>
<figure class="chart" data-chart="fine"><svg width="100" height="50"><rect width="100" height="50"/></svg></figure>
<figure class="chart" data-chart="empty"><svg width="0" height="0"></svg></figure>
<figure class="chart" data-chart="missing"></figure>
<img src="no-such-chart.png">
<script>console.error('deliberate console error'); throw new Error('deliberate exception');</script>
</body></html>`,
    );
    const { charts, errors } = await inspect(browser!, file);
    expect(charts.filter(rendered).map((c) => c.name)).toEqual(['fine']);
    expect(
      errors.some((e) => e.includes('console.error: deliberate console error')),
      errors.join('\n'),
    ).toBe(true);
    expect(errors.some((e) => e.startsWith('exception:') && e.includes('deliberate exception'))).toBe(true);
    expect(errors.some((e) => e.startsWith('log (network)') && e.includes('no-such-chart.png'))).toBe(true);
  });
});
