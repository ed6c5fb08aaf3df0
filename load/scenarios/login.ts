// Load scenario for POST /api/auth/login: the profile (config/profiles.json) picks the open-model schedule, the SLOs
// (config/slo.json) become the thresholds, each VU logs in with its own account. Runs unmodified on k6 and on the
// local engine:  k6 run -e AUTH_BASE_URL=http://127.0.0.1:PORT -e LOAD_ACCOUNTS_FILE=/abs/accounts.json \
//                       -e LOAD_PROFILE=smoke load/scenarios/login.ts      (or simply: npm run load -- --profile smoke)
import { sleep } from 'k6';
import { SharedArray } from 'k6/data';
import exec from 'k6/execution';
import http from 'k6/http';
import type { Options } from 'k6/options';
import type { Account } from '../lib/accounts.ts';
import { accountIndexForVu, parseAccounts } from '../lib/accounts.ts';
import { LoadInputError } from '../lib/input-error.ts';
import { readinessHint, readinessProblem } from '../lib/login-checks.ts';
import { login } from '../lib/login.ts';
import { sessionModeFrom } from '../lib/session-mode.ts';
import { wrongPasswordPlan } from '../lib/wrong-password.ts';
import { applyOverrides, firstLine, parseProfiles, readOverrides, selectProfile, toScenario } from '../lib/profiles.ts';
import { newRunId } from '../lib/run-meta.ts';
import { objectivesFor, parseSlo, sloFor, toK6Thresholds } from '../lib/slo.ts';
import type { SummaryData } from '../lib/summary-data.ts';
import { junitXml, markdownSummary, textSummary } from '../lib/summary.ts';
import { assertLoadAllowed, parseAllowList, parseTargetUrl } from '../lib/target-guard.ts';
import { loginUrl } from '../lib/url.ts';

// open() is called here, in the entry script, so relative paths resolve from this file on k6 and the engine alike.
function readFile(path: string, what: string): string {
  try {
    return open(path);
  } catch (error) {
    throw new LoadInputError(`${what} ${path} cannot be read: ${firstLine(error)}`);
  }
}

const profilesFile = __ENV.LOAD_PROFILES_FILE || '../../config/profiles.json';
const sloFile = __ENV.LOAD_SLO_FILE || '../../config/slo.json';
const overrides = readOverrides(__ENV);
const profile = applyOverrides(
  selectProfile(parseProfiles(readFile(profilesFile, 'profiles file'), profilesFile), __ENV.LOAD_PROFILE || 'smoke'),
  overrides,
);
const slo = parseSlo(readFile(sloFile, 'SLO file'), sloFile);
const objectives = objectivesFor(slo, profile);
const target = parseTargetUrl(__ENV.AUTH_BASE_URL);
assertLoadAllowed(target, parseAllowList(__ENV.ALLOW_REMOTE_LOAD));
const runId = __ENV.LOAD_RUN_ID || newRunId(profile.name);
// npm run load passes LOAD_OUTPUT_DIR; a plain `k6 run` writes where core/layout.ts would: $REPORTS_DIR/load/<run id>.
const reportsDir = (__ENV.REPORTS_DIR || 'reports/output').replace(/\/+$/, '');
const outputDir = (__ENV.LOAD_OUTPUT_DIR || `${reportsDir}/load/${runId}`).replace(/\/+$/, '');
// LOAD_SESSION=cookie: deployments whose login sets a session cookie get it checked too (lib/session-mode.ts).
const session = sessionModeFrom(__ENV);

// Loaded once and shared read-only by every VU; a bad file stops the run at init with a one-line reason.
const accounts = new SharedArray<Account>('load accounts', () => {
  const file = __ENV.LOAD_ACCOUNTS_FILE;
  if (!file) {
    throw new LoadInputError(
      'LOAD_ACCOUNTS_FILE is not set: point it at a JSON array of {identifier, password} (npm run load does this for the reference)',
    );
  }
  return parseAccounts(readFile(file, 'LOAD_ACCOUNTS_FILE'), file, profile.maxVUs);
});

export const options: Options = {
  scenarios: { [profile.name]: toScenario(profile) },
  thresholds: toK6Thresholds(objectives, profile),
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'],
  setupTimeout: '30s',
};

const expectReadinessAnswer = http.expectedStatuses(400, 401);

/** Readiness gate: the target must answer the login path in JSON before any load is sent. */
export function setup(): { target: string } {
  let last = '';
  for (let attempt = 1; attempt <= 5; attempt++) {
    const res = http.post(loginUrl(target.baseUrl), '{}', {
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      tags: { name: 'readiness' },
      responseCallback: expectReadinessAnswer,
      timeout: '5s',
    });
    const problem = readinessProblem(res.status, String(res.headers['Content-Type'] ?? ''), String(res.error));
    if (problem === undefined) return { target: target.baseUrl };
    last = problem;
    sleep(1);
  }
  exec.test.abort(`target ${target.baseUrl} is not ready: ${readinessHint}, got ${last}`);
  return { target: target.baseUrl };
}

// Module state is per VU (k6 gives each VU its own copy), so is this plan: one account, never two failures in a row.
const nextIsWrongPassword = wrongPasswordPlan(overrides.wrongPasswordShare);

export default function (): void {
  const account = accounts[accountIndexForVu(exec.vu.idInTest, accounts.length)];
  if (account === undefined) throw new LoadInputError(`VU ${exec.vu.idInTest} has no load account`);
  login(target.baseUrl, account, nextIsWrongPassword(), session);
}

export function handleSummary(data: SummaryData): { [destination: string]: string } {
  const ctx = {
    runId,
    profile: profile.name,
    target: target.baseUrl,
    objectives,
    checksRateMin: sloFor(slo, profile.name).checksRateMin,
  };
  return {
    stdout: textSummary(data, ctx),
    [`${outputDir}/summary.json`]: JSON.stringify(data, null, 2),
    [`${outputDir}/junit.xml`]: junitXml(data, ctx),
    [`${outputDir}/summary.md`]: markdownSummary(data, ctx),
  };
}
