// Distributed local proof: the same login test run by the local engine as 1, 2 and 4 processes that split it with
// k6 execution segments (what k6-operator does with parallelism N), against one reference on loopback. Figures per
// configuration: logins run vs the single-process schedule, the summed arrival rate over the hold stage, VUs (hence
// accounts) used by more than one instance, and the merged percentiles (the reports' stream merge, analyzeRun over
// the instances' folders) next to exact percentiles of the same samples and next to the single-process run.
// A last single-process run repeats the first one: the difference between the two is the run-to-run noise.
//   npm run bench:distributed -- [--rate 20] [--hold 20] [--processes 1,2,4,1]
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../config/index.ts';
import { UserError } from '../../core/errors.ts';
import { metricsFileName } from '../../core/layout.ts';
import { accountIndexForVu } from '../../load/lib/accounts.ts';
import {
  applyOverrides,
  parseProfiles,
  readOverrides,
  scheduledIterations,
  selectProfile,
} from '../../load/lib/profiles.ts';
import { startReference } from '../../reference/launch.ts';
import { percentile } from '../../load/lib/percentile.ts';
import { runMetaJson, type RunMeta } from '../../load/lib/run-meta.ts';
import { analyzeRun } from '../../reports/load-report/analyze.ts';
import { histogramRelativeError } from '../../reports/lib/histogram.ts';
import { benchOutputDir, eachPoint, markdownTable, runNpm, textTable, utcStamp, writeResult } from '../lib/support.ts';

/** The flags of npm run bench:distributed (cli/bench-distributed.ts parses them with node:util parseArgs). */
export const distributedFlags = {
  rate: { type: 'string', default: '20' },
  hold: { type: 'string', default: '20' },
  processes: { type: 'string', default: '1,2,4,1' },
} as const;

export interface DistributedOptions {
  readonly rate: string;
  readonly hold: string;
  readonly processes: string;
}

/** The distributed benchmark; 0 when every check holds. */
export async function runDistributed(values: DistributedOptions): Promise<number> {
  const rate = Number(values.rate);
  const holdS = Number(values.hold);
  const counts = values.processes.split(',').map(Number);
  if (!(rate > 0 && holdS > 0 && counts.every((n) => Number.isInteger(n) && n >= 1 && n <= 8) && counts[0] === 1)) {
    throw new UserError('--rate and --hold must be positive, --processes a list starting with 1 (e.g. 1,2,4,1)');
  }

  const rampS = 5;
  const maxVUs = 20;
  const loadEnv = {
    LOAD_STAGES: `${rampS}s:${rate},${holdS}s:${rate}`,
    LOAD_MAX_VUS: String(maxVUs),
    LOAD_PRE_ALLOCATED_VUS: String(maxVUs),
  };
  const profilesFile = join(repoRoot, 'config', 'profiles.json');
  const profile = applyOverrides(
    selectProfile(parseProfiles(readFileSync(profilesFile, 'utf8'), profilesFile), 'smoke'),
    readOverrides(loadEnv),
  );
  const scheduled = scheduledIterations(profile);
  // Two separate runs on a shared 2-core machine differ by more than any merge error, so an N-process run is compared
  // with the band its single-process runs (first and repeat) span, widened by 25 % or 5 ms, whichever is larger.
  const inBand = (singles: readonly number[], other: number) =>
    other >= Math.min(...singles) - Math.max(0.25 * Math.min(...singles), 5) &&
    other <= Math.max(...singles) + Math.max(0.25 * Math.max(...singles), 5);
  // The merge itself must be within the log histograms' relative error of the exact percentile (it keeps every sample
  // below reports/lib/distribution.ts's cap, so it is exact here; the tolerance covers runs past the cap).
  const mergeTolerance = 2 * histogramRelativeError;

  const scratch = mkdtempSync(join(tmpdir(), 'bench-distributed-'));
  const accountsFile = join(scratch, 'accounts.json');
  const reference = await startReference({ hashCost: 'fast', loadAccounts: maxVUs, accountsOut: accountsFile });
  const stamp = utcStamp();
  const outRoot = join(benchOutputDir, 'distributed', stamp);
  console.log(
    `distributed: ${reference.baseUrl}, profile smoke reshaped to ${loadEnv.LOAD_STAGES} (${scheduled} logins), maxVUs ${maxVUs}, output ${outRoot}`,
  );

  interface Config {
    processes: number;
    dirs: string[];
    exitCodes: number[];
    wallS: number;
  }

  function segmentSequence(n: number): string[] {
    return Array.from({ length: n + 1 }, (_, i) => (i === 0 ? '0' : i === n ? '1' : `${i}/${n}`));
  }

  async function runConfig(n: number): Promise<Config> {
    const seq = segmentSequence(n);
    const run = `p${n}${existsSync(join(outRoot, `p${n}`)) ? '-repeat' : ''}`;
    const dirs = seq.slice(1).map((_, i) => join(outRoot, run, `instance-${i + 1}`));
    const started = Date.now();
    const results = await Promise.all(
      dirs.map((dir, i) => {
        mkdirSync(dir, { recursive: true });
        const vars = {
          AUTH_BASE_URL: reference.baseUrl,
          LOAD_ACCOUNTS_FILE: accountsFile,
          LOAD_PROFILE: 'smoke',
          LOAD_PROFILES_FILE: profilesFile,
          LOAD_SLO_FILE: join(repoRoot, 'config', 'slo.json'),
          LOAD_RUN_ID: `${run}-instance-${i + 1}`,
          LOAD_OUTPUT_DIR: dir,
          ...loadEnv,
        };
        const segmentArgs =
          n === 1
            ? []
            : ['--execution-segment', `${seq[i]}:${seq[i + 1]}`, '--execution-segment-sequence', seq.join(',')];
        return runNpm(
          'k6',
          [
            'run',
            '--quiet',
            ...segmentArgs,
            '--tag',
            `instance=${i + 1}`,
            '--out',
            `json=${join(dir, metricsFileName)}`,
            ...Object.entries(vars).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
            'load/scenarios/login-instrumented.ts',
          ],
          { ...process.env, K6_ENGINE: 'node', K6_NO_USAGE_REPORT: 'true' },
          { timeoutMs: (rampS + holdS + 90) * 1000 },
        ).then((r) => {
          // meta.json names the profile, so the merge judges the SLOs of config/slo.json for it.
          const meta: RunMeta = {
            runId: vars.LOAD_RUN_ID,
            profile: 'smoke',
            engine: 'node',
            target: reference.baseUrl,
            commit: 'bench',
            startedAt: new Date(started).toISOString(),
            endedAt: new Date().toISOString(),
            exitCode: r.code,
          };
          writeFileSync(join(dir, 'meta.json'), runMetaJson(meta));
          if (r.code !== 0 && r.code !== 99) console.error(r.stderr.trim().split('\n').slice(-3).join('\n'));
          return r.code;
        });
      }),
    );
    return { processes: n, dirs, exitCodes: results, wallS: (Date.now() - started) / 1000 };
  }

  interface Figures {
    processes: number;
    label: string;
    loadAvg: number;
    logins: number;
    perInstance: number[];
    holdRate: number;
    dropped: number;
    vusShared: number;
    accountsUsed: number;
    exact: { p50: number; p95: number; p99: number };
    merged: { p50: number; p95: number; p99: number };
    mergedVerdict: string;
    instanceVerdicts: string;
    exitCodes: number[];
  }

  /** k6's percentile (load/lib/percentile.ts), the reports' one definition: a merge below the sample cap is exact. */
  function exactPercentile(sorted: readonly number[], p: number): number {
    return percentile(sorted, p);
  }

  async function figures(c: Config, label: string, loadAvg: number): Promise<Figures> {
    const durations: number[] = [];
    const perInstance: number[] = [];
    const vusByInstance: Set<string>[] = [];
    let holdRate = 0;
    let dropped = 0;
    for (const dir of c.dirs) {
      const times: number[] = [];
      const vus = new Set<string>();
      await eachPoint(join(dir, metricsFileName), (p) => {
        if (p.metric === 'dropped_iterations') dropped += p.value;
        if (p.metric !== 'http_req_duration' || p.tags.name !== 'login') return;
        durations.push(p.value);
        times.push(p.timeMs - p.value); // request start: the arrival
        if (p.tags.vu_id !== undefined) vus.add(p.tags.vu_id);
      });
      times.sort((a, b) => a - b);
      perInstance.push(times.length);
      vusByInstance.push(vus);
      // This instance's arrival rate over the middle of its hold stage (its own clock: instances start a little apart).
      const t0 = times[0] ?? 0;
      const from = t0 + (rampS + 2) * 1000;
      const to = t0 + (rampS + holdS - 2) * 1000;
      holdRate += times.filter((t) => t >= from && t < to).length / ((to - from) / 1000);
    }
    let vusShared = 0;
    const all = new Set<string>();
    vusByInstance.forEach((set, i) => {
      for (const vu of set) {
        if (vusByInstance.some((other, j) => j !== i && other.has(vu))) vusShared += 1;
        all.add(vu);
      }
    });
    const accounts = new Set([...all].map((vu) => accountIndexForVu(Number(vu), maxVUs)));
    durations.sort((a, b) => a - b);
    const analysis = await analyzeRun(c.dirs);
    const instanceOk = c.exitCodes.map((code) => (code === 0 ? 'pass' : `fail(${code})`)).join(' ');
    return {
      processes: c.processes,
      label,
      loadAvg,
      logins: durations.length,
      perInstance,
      holdRate,
      dropped,
      vusShared,
      accountsUsed: accounts.size,
      exact: {
        p50: exactPercentile(durations, 50),
        p95: exactPercentile(durations, 95),
        p99: exactPercentile(durations, 99),
      },
      merged: { p50: analysis.global.p50, p95: analysis.global.p95, p99: analysis.global.p99 },
      mergedVerdict: analysis.thresholdsOk
        ? `pass (${analysis.thresholds.length} SLOs)`
        : `fail: ${analysis.thresholds
            .filter((t) => !t.ok)
            .map((t) => `${t.metric} ${t.expression}`)
            .join('; ')}`,
      instanceVerdicts: instanceOk,
      exitCodes: c.exitCodes,
    };
  }

  const results: Figures[] = [];
  try {
    for (const n of counts) {
      const label = results.some((r) => r.processes === n) ? `${n} (repeat)` : String(n);
      const loadAvg = loadavg()[0] ?? NaN;
      console.log(`distributed: ${label} process(es), machine load average ${loadAvg.toFixed(1)}...`);
      const config = await runConfig(n);
      const f = await figures(config, label, loadAvg);
      results.push(f);
      console.log(
        `distributed: ${n} process(es) done in ${config.wallS.toFixed(1)} s: ${f.logins} logins (${f.perInstance.join('+')})`,
      );
    }
  } finally {
    await reference.stop();
    rmSync(scratch, { recursive: true, force: true });
  }

  const single = results[0]!;
  const singles = results.filter((f) => f.processes === 1);
  const ms = (v: number) => v.toFixed(1);
  const rel = (a: number, b: number) => `${(((a - b) / b) * 100).toFixed(1)} %`;
  const header = [
    'processes',
    'load avg',
    'logins (per instance)',
    'vs schedule',
    'summed hold rate /s',
    'dropped',
    'VUs in >1 instance',
    'accounts used',
    'merged p50/p95/p99 ms',
    'exact p50/p95/p99 ms',
    'merge error p95',
    'vs 1-process p50/p95',
    'merged SLO verdict',
    'per-instance k6 verdicts',
  ];
  const rows = results.map((f) => [
    f.label,
    f.loadAvg.toFixed(1),
    `${f.logins} (${f.perInstance.join('+')})`,
    `${f.logins}/${scheduled}`,
    f.holdRate.toFixed(2),
    String(f.dropped),
    String(f.vusShared),
    String(f.accountsUsed),
    `${ms(f.merged.p50)}/${ms(f.merged.p95)}/${ms(f.merged.p99)}`,
    `${ms(f.exact.p50)}/${ms(f.exact.p95)}/${ms(f.exact.p99)}`,
    rel(f.merged.p95, f.exact.p95),
    f === single ? '—' : `${rel(f.merged.p50, single.merged.p50)} / ${rel(f.merged.p95, single.merged.p95)}`,
    f.mergedVerdict,
    f.instanceVerdicts,
  ]);
  const checks: [string, boolean][] = results.flatMap((f) => [
    [`${f.label}p: every scheduled login ran once (${f.logins}/${scheduled})`, f.logins === scheduled] as [
      string,
      boolean,
    ],
    [
      `${f.label}p: summed hold rate ${f.holdRate.toFixed(2)}/s within 5 % of ${rate}/s`,
      Math.abs(f.holdRate - rate) <= 0.05 * rate,
    ] as [string, boolean],
    [`${f.label}p: no VU/account used by two instances`, f.vusShared === 0] as [string, boolean],
    [
      `${f.label}p: merged percentiles within ${(mergeTolerance * 100).toFixed(1)} % of exact`,
      (['p50', 'p95', 'p99'] as const).every(
        (k) => Math.abs(f.merged[k] - f.exact[k]) <= mergeTolerance * f.exact[k] + 0.05,
      ),
    ] as [string, boolean],
    ...(f.processes === 1
      ? []
      : [
          [
            `${f.label}p: merged p50 and p95 within the single-process runs' band ±25 % (or 5 ms)`,
            inBand(
              singles.map((x) => x.merged.p50),
              f.merged.p50,
            ) &&
              inBand(
                singles.map((x) => x.merged.p95),
                f.merged.p95,
              ),
          ] as [string, boolean],
        ]),
  ]);
  console.log('');
  console.log(textTable(header, rows));
  console.log('');
  for (const [what, ok] of checks) console.log(`${ok ? 'ok    ' : 'MISSED'}  ${what}`);

  const md = `# Distributed local proof: execution segments, merged percentiles

${new Date().toISOString()}, reference on loopback (hash cost fast, managed identity), profile \`smoke\` reshaped to
\`LOAD_STAGES=${loadEnv.LOAD_STAGES}\` (${scheduled} logins scheduled), \`LOAD_MAX_VUS=${maxVUs}\`. Each configuration runs
\`npm run k6 -- run --execution-segment i/N:(i+1)/N --execution-segment-sequence 0,1/N,...,1 --tag instance=i\` as N
concurrent processes of the local engine on the script \`load/scenarios/login-instrumented.ts\` (the suite's login scenario plus
a \`vu_id\` tag); instance folders under \`reports/output/bench/distributed/${stamp}/\`. Merged figures come from the
reports' stream merge (\`analyzeRun\` over the instances' folders: every sample below the cap, else log histograms
with relative error ${(histogramRelativeError * 100).toFixed(2)} %); exact ones from sorting the same samples. Both use
k6's percentile (interpolated between closest ranks).

${markdownTable(header, rows)}

Tolerances: the merge must be within ${(mergeTolerance * 100).toFixed(1)} % of the exact (k6) percentile of the
same samples — this is what proves the merge. Separate runs cannot match that closely on a shared 2-core machine (the
"load avg" column; N engine processes also compete with the target for CPU): the single-process run is repeated last,
and an N-process run's merged p50 and p95 must lie within the band the single-process runs span, widened by 25 % (or
5 ms). The difference between the two single-process rows is the run-to-run noise of this machine.

${checks.map(([what, ok]) => `- ${ok ? 'ok' : '**missed**'}: ${what}`).join('\n')}

Per-instance k6 verdicts show why k6-operator's runners are not enough: each judges its own share (for example the
minimum-samples threshold), while the merged verdict judges the whole test once.
`;
  console.log(`distributed: wrote ${writeResult('distributed.md', md)}`);
  return checks.every(([, ok]) => ok) ? 0 : 1;
}
