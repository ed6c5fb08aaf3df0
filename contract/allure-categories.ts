// The Allure categories of the contract's results, in one place: the Allure 3 config (allurerc.ts at the root, used by
// `npm run report:allure` and by `npx allure ...`) imports them — Allure 3 reads categories only from its config — and
// allure-playwright writes them into the results folder for Allure 2 users (contract/playwright.config.ts).
// First match wins.
import { clauses } from './clauses.ts';
import type { ClauseKind } from './clauses.ts';

const clauseIds = (...kinds: ClauseKind[]): string =>
  clauses
    .filter((c) => kinds.includes(c.kind))
    .map((c) => c.id)
    .join('|');

export const allureCategories = [
  // A passed test that recorded an advisory finding (label `advisory`, set by support/test.ts), one group per clause.
  {
    name: 'Advisories',
    matchers: { statuses: ['passed'], labels: { advisory: '.+' } },
    groupBy: [{ label: 'advisory' }],
    groupByMessage: false,
  },
  {
    name: 'Infrastructure errors',
    messageRegex:
      '[\\s\\S]*(not reachable|ECONNREFUSED|ECONNRESET|no response from|cannot prepare the target)[\\s\\S]*',
    matchedStatuses: ['failed', 'broken'],
  },
  {
    name: 'Security findings',
    messageRegex: `[\\s\\S]*\\[(${clauseIds('security')})\\][\\s\\S]*`,
    matchedStatuses: ['failed', 'broken'],
  },
  {
    name: 'Contract violations',
    messageRegex: `[\\s\\S]*\\[(${clauseIds('contract', 'hardening')})\\][\\s\\S]*`,
    matchedStatuses: ['failed', 'broken'],
  },
] as const; // literal statuses, so allurerc.ts can type-check them against Allure 3's config type
