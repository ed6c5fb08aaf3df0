// `npm run docs:screenshots [-- --out DIR] [--run RUN_DIR]`: the screenshots of docs/reading-the-reports.md, rendered
// by Debian's chromium through playwright-core (as reports/test/render.test.ts does). By default from synthetic runs
// (reports/test/synthetic-run.ts: deterministic, so a re-run changes no pixel unless a report changed): five passing
// nights, then a night 40 % slower that saturates (dropped iterations) — its load report and its review, which flags
// the regression. `--run DIR` shoots a real run's load report instead (e.g. after `npm run load -- --profile smoke`).
// Every page is checked for the accounts' passwords before it is shot; the PNGs are kept small (1000 px wide, sections only).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../config/index.ts';
import { parseCommandLine } from '../core/args.ts';
import { outputPaths } from '../core/layout.ts';
import { InputError } from './lib/files.ts';
import { buildLoadReport } from './load-report/build.ts';
import { appendHistory, recordFromRun } from './review/history.ts';
import { reviewRun, writeReview } from './review/review.ts';
import { writeSyntheticRun } from './test/synthetic-run.ts';

const executablePath = '/usr/bin/chromium';
/**
 * Passwords that must not appear on a page that becomes a screenshot: the configured accounts' (LOGIN_PASSWORD,
 * PROBE_PASSWORD: the reference's own by default) and the prefix the reference gives every load account.
 */
function secrets(): string[] {
  const config = loadConfig();
  return [config.login.password, config.probe?.password ?? '', 'Load-Only-Passw0rd-'].filter((s) => s.length >= 6);
}
const usage = 'usage: npm run docs:screenshots -- [--out DIR] [--run RUN_DIR]   (default: docs/images, synthetic runs)';

/** [file name, page, CSS selector of the part to shoot] */
type Shot = [name: string, page: string, selector: string];

async function syntheticReports(root: string): Promise<Shot[]> {
  const paths = outputPaths(root);
  const night = (i: number, o: { medianMs?: number; droppedShare?: number } = {}): string => {
    const runId = `night-${i}`;
    const dir = join(paths.loadRuns, runId);
    writeSyntheticRun(dir, {
      durationSec: 120,
      rps: 20,
      seed: 100 + i,
      profile: 'nightly',
      runId,
      startMs: Date.UTC(2026, 10, 20 + i, 2, 17),
      wrongShare: 0.1,
      ...o,
    });
    return dir;
  };
  for (let i = 1; i <= 5; i += 1) {
    const dir = night(i);
    await buildLoadReport([dir]);
    appendHistory(await recordFromRun(dir), paths.loadHistory);
  }
  const current = night(6, { medianMs: 53, droppedShare: 0.1 });
  const { htmlPath } = await buildLoadReport([current]);
  writeReview(await reviewRun({ runDir: current, historyFile: paths.loadHistory }), paths.review);
  const review = join(paths.review, 'review.html');
  return [
    ['load-report-summary.png', htmlPath, 'header.top, #global'],
    ['load-report-charts.png', htmlPath, '#charts'],
    ['load-report-breakdown.png', htmlPath, '#by-tag, #timings'],
    ['review.png', review, 'main'],
  ];
}

function realReport(runDir: string): Shot[] {
  const html = join(runDir, 'report.html');
  if (!existsSync(html)) throw new InputError(`${html} does not exist: run npm run report:load -- ${runDir} first`);
  return [
    ['load-report-summary.png', html, 'header.top, #global'],
    ['load-report-charts.png', html, '#charts'],
    ['load-report-breakdown.png', html, '#by-tag, #timings'],
  ];
}

export async function runDocsScreenshots(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandLine(
    argv,
    { options: { out: { type: 'string' }, run: { type: 'string' } } },
    { usage },
  );
  const out = resolve(values.out ?? 'docs/images');
  const forbidden = secrets();
  if (!existsSync(executablePath))
    throw new InputError(`${executablePath} is not installed (apt-get install chromium)`);
  if (values.run !== undefined && !existsSync(values.run)) throw new InputError(`--run ${values.run} does not exist`);
  const scratch = mkdtempSync(join(tmpdir(), 'docs-shots-'));
  // Loaded here: bad input is reported without loading the browser driver.
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox'] });
  try {
    const shots = values.run !== undefined ? realReport(resolve(values.run)) : await syntheticReports(scratch);
    mkdirSync(out, { recursive: true });
    const page = await browser.newPage({ viewport: { width: 1250, height: 800 }, deviceScaleFactor: 0.8 });
    for (const [name, file, selector] of shots) {
      const text = readFileSync(file, 'utf8');
      const leaked = forbidden.find((s) => text.includes(s));
      if (leaked !== undefined) throw new InputError(`${file} holds a test password: not shooting it`);
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      const target = join(out, name);
      const parts = page.locator(selector);
      // Several sections (e.g. "#by-tag, #timings"): one image spanning from the first to the last.
      // Page coordinates: the page is not scrolled after goto, so viewport boxes are page boxes.
      const boxes = [];
      for (let i = 0; i < (await parts.count()); i += 1) {
        const box = await parts.nth(i).boundingBox();
        if (box !== null) boxes.push(box);
      }
      if (boxes.length === 0) throw new InputError(`${file}: nothing matches ${selector}`);
      const top = Math.min(...boxes.map((b) => b.y));
      const bottom = Math.max(...boxes.map((b) => b.y + b.height));
      const left = Math.min(...boxes.map((b) => b.x));
      const right = Math.max(...boxes.map((b) => b.x + b.width));
      await page.screenshot({
        path: target,
        fullPage: true,
        clip: { x: left, y: top, width: right - left, height: bottom - top },
      });
      console.log(`${target} (${Math.round(statSync(target).size / 1024)} KB)`);
    }
  } finally {
    await browser.close();
    rmSync(scratch, { recursive: true, force: true });
  }
  return 0;
}
