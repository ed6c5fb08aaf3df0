// The Allure 3 configuration, read by every Allure command run at the repository root (`npx allure generate`,
// `npx allure open`, `npx allure watch`, ...) and by `npm run report:allure` (reports/allure/build.ts passes this file
// with --config). Allure 3 loads an allurerc.ts through jiti, so this file imports the categories from their one
// owner (contract/allure-categories.ts) and the folders from the output layout (core/layout.ts, REPORTS_DIR).
import type { AllureConfig } from 'allure';
import { allureCategories } from './contract/allure-categories.ts';
import { outputPaths } from './core/layout.ts';

export const reportName = 'VOS OMS login: contract and load';

const paths = outputPaths();

const config: AllureConfig = {
  name: reportName,
  // The contract's results and the load run's bridge (load-*-result.json, written by npm run report:allure).
  resultsDir: paths.allureResults,
  output: paths.allureReport,
  // One JSON-lines file kept between runs (CI restores it with reports/output/history).
  historyPath: paths.allureHistory,
  historyLimit: 50,
  categories: [...allureCategories],
  plugins: {
    // One self-contained index.html (build.ts also makes it work offline, from disk).
    awesome: { options: { singleFile: true, reportLanguage: 'en', reportName } },
  },
};

export default config;
