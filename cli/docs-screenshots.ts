// `npm run docs:screenshots [-- --out DIR] [--run RUN_DIR]`: the screenshots of docs/reading-the-reports.md
// (reports/docs-screenshots.ts), rendered by chromium from synthetic runs or a real run's load report.
import { runMain } from '../core/main.ts';
import { runDocsScreenshots } from '../reports/docs-screenshots.ts';

runMain('docs:screenshots', () => runDocsScreenshots(process.argv.slice(2)));
