// Fault benchmark: the identity upstream is killed (SIGKILL) in the middle of a load run, left down a few seconds, and
// restarted on the same port. Figures: statuses while it is down (goal: only the documented 502, its body valid against
// the pinned spec), the time from the restarted identity listening to the first 200 (goal < 1 s), the slowest login
// (nothing hangs), the run finishing on schedule, and the outage window as the load report's time series shows it.
//   npm run bench:outage -- [--seconds 45] [--kill-at 15] [--down 8] [--rate 10]
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { repoRoot } from '../../config/index.ts';
import { UserError } from '../../core/errors.ts';
import { loadRunDir, metricsFileName } from '../../core/layout.ts';
import { loadSpec } from '../../contract/validator/spec.ts';
import { ResponseValidator } from '../../contract/validator/validator.ts';
import { MAIN_ACCOUNT } from '../../reference/accounts.ts';
import { startIdentity } from '../../reference/launch.ts';
import { buildLoadReport } from '../../reports/load-report/build.ts';
import {
  documentedStatuses,
  eachPoint,
  markdownTable,
  runNpm,
  textTable,
  utcStamp,
  writeResult,
  startReferenceWithOwnIdentity,
} from '../lib/support.ts';

/** The flags of npm run bench:outage (cli/bench-outage.ts parses them with node:util parseArgs). */
export const outageFlags = {
  seconds: { type: 'string', default: '45' },
  'kill-at': { type: 'string', default: '15' },
  down: { type: 'string', default: '8' },
  rate: { type: 'string', default: '10' },
} as const;

export interface OutageOptions {
  readonly seconds: string;
  readonly 'kill-at': string;
  readonly down: string;
  readonly rate: string;
}

/** The upstream-outage benchmark; 0 when every check holds. */
export async function runOutage(values: OutageOptions): Promise<number> {
  const seconds = Number(values.seconds);
  const killAtS = Number(values['kill-at']);
  const downS = Number(values.down);
  const rate = Number(values.rate);
  if (![seconds, killAtS, downS, rate].every((v) => Number.isFinite(v) && v > 0) || killAtS + downS + 5 > seconds) {
    throw new UserError('--seconds, --kill-at, --down, --rate must be positive and leave 5 s after the restart');
  }

  const accounts = 20;
  const scratch = mkdtempSync(join(tmpdir(), 'bench-outage-'));
  const accountsFile = join(scratch, 'accounts.json');
  const runId = `outage-${utcStamp()}`;
  const runDir = loadRunDir(runId);
  const loadEnv = {
    LOAD_STAGES: `1s:${rate},${seconds - 1}s:${rate}`,
    LOAD_MAX_VUS: String(accounts),
    LOAD_PRE_ALLOCATED_VUS: String(accounts),
  };

  const started = await startReferenceWithOwnIdentity(accounts, accountsFile);
  const reference = started.reference;
  let identity = started.identity;
  const identityPort = identity.port;
  console.log(
    `outage: reference ${reference.baseUrl}, identity ${identity.url}, ${rate} logins/s for ${seconds} s, run ${runId}`,
  );

  // A probe of our own every 50 ms with the main account: the exact moment service comes back, and 502 bodies to check.
  interface Probe {
    sentMs: number;
    doneMs: number;
    status: number;
    contentType: string;
    text: string;
  }
  const probes: Probe[] = [];
  let probing = false;
  async function probeLoop(): Promise<void> {
    while (probing) {
      const sentMs = Date.now();
      try {
        const res = await fetch(`${reference.baseUrl}/api/auth/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify({ identifier: MAIN_ACCOUNT.identifier, password: MAIN_ACCOUNT.password }),
          signal: AbortSignal.timeout(15_000),
        });
        probes.push({
          sentMs,
          doneMs: Date.now(),
          status: res.status,
          contentType: res.headers.get('content-type') ?? '',
          text: res.status === 200 ? '' : await res.text(), // 200 bodies carry tokens: never kept
        });
      } catch {
        probes.push({ sentMs, doneMs: Date.now(), status: 0, contentType: '', text: '' });
      }
      await delay(50);
    }
  }

  const loadPromise = runNpm(
    'load',
    ['--profile', 'smoke', '--engine', 'node', '--run-id', runId],
    { ...process.env, ...loadEnv, AUTH_BASE_URL: reference.baseUrl, LOAD_ACCOUNTS_FILE: accountsFile },
    { timeoutMs: (seconds + 60) * 1000 },
  );

  // The schedule starts when the engine writes its first points (to a .partial file, renamed at the end).
  const streamStarted = () =>
    [metricsFileName, `${metricsFileName}.partial`].some((f) => {
      const path = join(runDir, f);
      return existsSync(path) && statSync(path).size > 0;
    });
  let loadEnded = false;
  void loadPromise.then(() => (loadEnded = true));
  const waitStart = Date.now();
  while (!streamStarted() && !loadEnded && Date.now() - waitStart < 60_000) await delay(100);
  if (!streamStarted()) {
    console.error(`outage: the load run did not start: ${(await loadPromise).stderr.trim().split('\n').pop() ?? ''}`);
    await reference.stop();
    await identity.stop();
    process.exit(1);
  }
  const loadStartMs = Date.now();
  probing = true;
  const probeDone = probeLoop();
  await delay(killAtS * 1000);
  const killMs = Date.now();
  await identity.kill();
  console.log(`outage: identity killed at +${((killMs - loadStartMs) / 1000).toFixed(1)} s`);
  await delay(downS * 1000);
  const restartMs = Date.now();
  identity = await startIdentity({ hashCost: 'fast', loadAccounts: accounts, port: identityPort });
  const listeningMs = Date.now();
  console.log(
    `outage: identity restarted at +${((restartMs - loadStartMs) / 1000).toFixed(1)} s, listening after ${listeningMs - restartMs} ms`,
  );
  const load = await loadPromise;
  probing = false;
  await probeDone;
  const loadEndMs = Date.now();
  await reference.stop();
  await identity.stop();
  rmSync(scratch, { recursive: true, force: true });

  // The load run's own login requests: request start = point time - duration (k6 stamps a sample when it ends).
  interface Req {
    startMs: number;
    endMs: number;
    status: string;
  }
  const reqs: Req[] = [];
  await eachPoint(join(runDir, metricsFileName), (p) => {
    if (p.metric === 'http_req_duration' && p.tags.name === 'login') {
      reqs.push({ startMs: p.timeMs - p.value, endMs: p.timeMs, status: p.tags.status ?? '0' });
    }
  });
  const count = (list: readonly { status: string }[]) => {
    const m = new Map<string, number>();
    for (const r of list) m.set(r.status, (m.get(r.status) ?? 0) + 1);
    return (
      [...m.entries()]
        .sort()
        .map(([s, n]) => `${s}×${n}`)
        .join(', ') || 'none'
    );
  };
  const before = reqs.filter((r) => r.endMs < killMs);
  const down = reqs.filter((r) => r.startMs >= killMs && r.endMs <= listeningMs);
  const after = reqs.filter((r) => r.startMs > listeningMs);
  const straddling = reqs.filter((r) => !before.includes(r) && !down.includes(r) && !after.includes(r));
  const firstOkAfter = reqs
    .filter((r) => r.endMs > listeningMs && r.status === '200')
    .sort((a, b) => a.endMs - b.endMs)[0];
  const lateFailures = after.filter((r) => r.status !== '200');
  const slowestMs = Math.max(...reqs.map((r) => r.endMs - r.startMs));
  const undocumented = reqs.filter((r) => !documentedStatuses.has(r.status));

  const probeOkAfter = probes.find((p) => p.status === 200 && p.doneMs > listeningMs);
  const lastProbeFailure = [...probes]
    .reverse()
    .find((p) => p.status !== 200 && p.sentMs < (probeOkAfter?.sentMs ?? Infinity));
  const validator = new ResponseValidator(loadSpec());
  const downProbes = probes.filter((p) => p.sentMs >= killMs && p.doneMs <= listeningMs);
  const invalid502 = downProbes.filter(
    (p) =>
      p.status !== 502 ||
      !validator.validate('post_api_auth_login', {
        status: p.status,
        headers: { 'content-type': p.contentType },
        text: p.text,
      }).ok,
  );

  // What the load report shows: its time buckets holding 502s.
  const { htmlPath, analysis } = await buildLoadReport([runDir]);
  const bucketMs = analysis.timeline.bucketSeconds * 1000;
  const with502 = analysis.timeline.points.filter((b) => (b.statuses['502'] ?? 0) > 0).map((b) => b.t);
  const reportWindow =
    with502.length === 0
      ? 'no 502 bucket'
      : `${((with502[0]! - loadStartMs) / 1000).toFixed(0)} s to ${((with502[with502.length - 1]! + bucketMs - loadStartMs) / 1000).toFixed(0)} s after start (${with502.length} buckets of ${analysis.timeline.bucketSeconds} s)`;
  const reportHtml = readFileSync(htmlPath, 'utf8');

  const rel = (ms: number) => `+${((ms - loadStartMs) / 1000).toFixed(2)} s`;
  const recoveryLoadMs = firstOkAfter === undefined ? NaN : firstOkAfter.endMs - listeningMs;
  const recoveryProbeMs = probeOkAfter === undefined ? NaN : probeOkAfter.doneMs - listeningMs;
  const expectedEndS = seconds + 10; // schedule + the smoke profile's gracefulStop
  const checks: [string, string, boolean][] = [
    ['statuses while down (load)', count(down), down.every((r) => r.status === '502') && down.length > 0],
    [
      'probe 502 bodies valid (pinned spec)',
      `${downProbes.length - invalid502.length}/${downProbes.length}`,
      invalid502.length === 0 && downProbes.length > 0,
    ],
    ['recovery: listening → first 200 (load)', `${recoveryLoadMs.toFixed(0)} ms`, recoveryLoadMs < 1000],
    ['recovery: listening → first 200 (probe, 50 ms)', `${recoveryProbeMs.toFixed(0)} ms`, recoveryProbeMs < 1000],
    ['non-200 started after restart', count(lateFailures), lateFailures.length === 0],
    ['undocumented statuses (whole run)', count(undocumented), undocumented.length === 0],
    ['slowest login (nothing hangs)', `${slowestMs.toFixed(0)} ms`, slowestMs < 5000],
    [
      'run finished on schedule',
      `${((loadEndMs - loadStartMs) / 1000).toFixed(1)} s (≤ ${expectedEndS} s), npm run load exit ${load.code}`,
      loadEndMs - loadStartMs <= expectedEndS * 1000 && load.code !== 137,
    ],
    ['load report shows the outage', reportWindow, with502.length > 0 && reportHtml.includes('status 502')],
  ];
  const rows = checks.map(([what, value, ok]) => [what, value, ok ? 'ok' : 'MISSED']);
  const timeline = [
    ['identity killed', rel(killMs)],
    ['restart begun', rel(restartMs)],
    ['identity listening', rel(listeningMs)],
    ['first 200 after restart (load)', firstOkAfter ? rel(firstOkAfter.endMs) : '—'],
    [
      'last probe failure',
      lastProbeFailure ? `${rel(lastProbeFailure.doneMs)} (status ${lastProbeFailure.status})` : '—',
    ],
    ['load run ended', rel(loadEndMs)],
  ];
  console.log('');
  console.log(textTable(['event', 'time since load start'], timeline));
  console.log('');
  console.log(
    `load requests: before kill ${count(before)}; while down ${count(down)}; straddling ${count(straddling)}; after restart ${count(after)}`,
  );
  console.log(textTable(['figure', 'measured', 'goal'], rows));
  console.log(`outage: load report ${htmlPath}`);

  const md = `# Upstream outage: identity killed mid-load, then restarted

Run \`${runId}\` (\`${relative(repoRoot, runDir)}/\`, load report \`report.html\` there), ${new Date(loadStartMs).toISOString()}:
profile \`smoke\` reshaped to ${rate} logins/s for ${seconds} s (\`LOAD_STAGES=${loadEnv.LOAD_STAGES}\`), local engine,
hash cost fast, identity as its own process killed with SIGKILL at +${killAtS} s and restarted on the same port ${downS} s later.
A probe sent the main account's login every 50 ms throughout.

${markdownTable(['event', 'time since load start'], timeline)}

Load requests: before the kill ${count(before)}; while down ${count(down)}; straddling the kill or restart ${count(straddling)};
started after the restart ${count(after)}.

${markdownTable(['figure', 'measured', 'goal'], rows)}

The smoke SLOs (error rate < 1 %) fail on this run by design: an outage must fail the load gate.
`;
  console.log(`outage: wrote ${writeResult('upstream-outage.md', md)}`);
  return checks.every(([, , ok]) => ok) ? 0 : 1;
}
