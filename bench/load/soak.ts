// Soak benchmark: the reference (API + a stand-alone identity service) under the `soak` profile of
// config/profiles.json, its stage durations scaled so the whole schedule lasts --minutes, while the RSS of both
// reference processes is sampled every few seconds. Prints and writes figures: RSS after warm-up vs at the end
// (growth %, goal < 10 %), and every response status seen (goal: only documented ones). A benchmark, not a test:
// it reports what it measured and exits 1 only when a goal is missed or the run did not complete.
//   npm run bench:soak -- [--minutes 30] [--rate-scale 1] [--warmup-minutes 10]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repoRoot } from '../../config/index.ts';
import { UserError } from '../../core/errors.ts';
import { loadRunDir, metricsFileName } from '../../core/layout.ts';
import {
  applyOverrides,
  parseProfiles,
  readOverrides,
  scheduleDurationMs,
  selectProfile,
} from '../../load/lib/profiles.ts';
import {
  documentedStatuses,
  eachPoint,
  markdownTable,
  rssKiB,
  runNpm,
  textTable,
  utcStamp,
  writeResult,
  startReferenceWithOwnIdentity,
} from '../lib/support.ts';

interface Sample {
  atS: number;
  apiKiB: number | undefined;
  identityKiB: number | undefined;
}

/** The flags of npm run bench:soak (cli/bench-soak.ts parses them with node:util parseArgs). */
export const soakFlags = {
  minutes: { type: 'string', default: '30' },
  'rate-scale': { type: 'string', default: '1' },
  'warmup-minutes': { type: 'string' },
  'sample-seconds': { type: 'string', default: '5' },
} as const;

export interface SoakOptions {
  readonly minutes: string;
  readonly 'rate-scale': string;
  readonly 'warmup-minutes'?: string | undefined;
  readonly 'sample-seconds': string;
}

/** The soak benchmark; 0 when every check holds. */
export async function runSoak(values: SoakOptions): Promise<number> {
  const minutes = Number(values.minutes);
  const rateScale = Number(values['rate-scale']);
  const warmupMinutes = Number(values['warmup-minutes'] ?? minutes / 3);
  const sampleSeconds = Number(values['sample-seconds']);
  for (const [name, v] of Object.entries({ minutes, rateScale, warmupMinutes, sampleSeconds })) {
    if (!Number.isFinite(v) || v <= 0) {
      throw new UserError(`--${name} must be a positive number`);
    }
  }

  const profilesFile = join(repoRoot, 'config', 'profiles.json');
  const base = selectProfile(parseProfiles(readFileSync(profilesFile, 'utf8'), profilesFile), 'soak');
  const durationScale = (minutes * 60_000) / scheduleDurationMs(base);
  const loadEnv = {
    LOAD_DURATION_SCALE: durationScale.toFixed(6),
    LOAD_RATE_SCALE: String(rateScale),
  };
  const profile = applyOverrides(base, readOverrides(loadEnv));
  const accounts = Math.max(profile.maxVUs, 1);

  const scratch = mkdtempSync(join(tmpdir(), 'bench-soak-'));
  const accountsFile = join(scratch, 'accounts.json');
  const runId = `soak-${utcStamp()}`;
  console.log(
    `soak: profile soak, durations x${durationScale.toFixed(4)} (${minutes} min), rates x${rateScale}, ` +
      `stages ${profile.stages.map((s) => `${s.duration}:${s.target}`).join(',')}, maxVUs ${profile.maxVUs}, run ${runId}`,
  );

  const { identity, reference } = await startReferenceWithOwnIdentity(accounts, accountsFile);
  console.log(
    `soak: reference ${reference.baseUrl} (pid ${reference.pid}), identity ${identity.url} (pid ${identity.pid})`,
  );

  const samples: Sample[] = [];
  const t0 = Date.now();
  const sample = () =>
    samples.push({
      atS: (Date.now() - t0) / 1000,
      apiKiB: rssKiB(reference.pid),
      identityKiB: rssKiB(identity.pid),
    });
  sample();
  const sampler = setInterval(sample, sampleSeconds * 1000);

  let load;
  try {
    load = await runNpm(
      'load',
      ['--profile', 'soak', '--engine', 'node', '--run-id', runId],
      { ...process.env, ...loadEnv, AUTH_BASE_URL: reference.baseUrl, LOAD_ACCOUNTS_FILE: accountsFile },
      { echo: false, timeoutMs: (minutes + 10) * 60_000 },
    );
  } finally {
    clearInterval(sampler);
    sample();
    await reference.stop();
    await identity.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  const loadSeconds = (Date.now() - t0) / 1000;
  console.log(load.stdout.split('\n').slice(-20).join('\n'));

  // Response statuses of the login requests, from the run's metric stream.
  const runDir = loadRunDir(runId);
  const statuses = new Map<string, number>();
  let firstMs = Infinity;
  let lastMs = 0;
  await eachPoint(join(runDir, metricsFileName), (p) => {
    if (p.metric !== 'http_reqs' || p.tags.name !== 'login') return;
    const status = p.tags.status ?? '0';
    statuses.set(status, (statuses.get(status) ?? 0) + p.value);
    firstMs = Math.min(firstMs, p.timeMs);
    lastMs = Math.max(lastMs, p.timeMs);
  });
  const total = [...statuses.values()].reduce((a, b) => a + b, 0);
  const unexpected = [...statuses.entries()].filter(([s]) => !documentedStatuses.has(s));

  // RSS: median over one minute after warm-up vs median over the last minute under load (medians damp GC sawtooth).
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length === 0 ? NaN : (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2;
  };
  const loadEndS = samples.length > 1 ? samples[samples.length - 2]!.atS : loadSeconds;
  const window = (from: number, to: number, key: 'apiKiB' | 'identityKiB') =>
    median(samples.filter((s) => s.atS >= from && s.atS < to && s[key] !== undefined).map((s) => s[key]!));
  const warmS = warmupMinutes * 60;
  const rows = (['apiKiB', 'identityKiB'] as const).map((key) => {
    const start = window(5, 65, key);
    const warm = window(warmS, warmS + 60, key);
    const end = window(loadEndS - 60, loadEndS + 1, key);
    const peak = Math.max(...samples.map((s) => s[key] ?? 0));
    const growth = ((end - warm) / warm) * 100;
    return { key, start, warm, end, peak, growth };
  });
  const mib = (kib: number) => (kib / 1024).toFixed(1);
  const rssHeader = [
    'process',
    'first min (MiB)',
    `after ${warmupMinutes} min warm-up (MiB)`,
    'last min (MiB)',
    'peak (MiB)',
    'growth warm-up→end',
  ];
  const rssRows = rows.map((r) => [
    r.key === 'apiKiB' ? 'reference API' : 'identity',
    mib(r.start),
    mib(r.warm),
    mib(r.end),
    mib(r.peak),
    `${r.growth >= 0 ? '+' : ''}${r.growth.toFixed(1)} %`,
  ]);
  const statusRows = [...statuses.entries()]
    .sort()
    .map(([s, n]) => [s, String(n), documentedStatuses.has(s) ? 'documented' : 'UNDOCUMENTED']);
  const rssOk = rows.every((r) => Number.isFinite(r.growth) && r.growth < 10);
  const completed = load.code !== 137 && total > 0;
  const verdict = rssOk && unexpected.length === 0 && completed;
  const rate = total / Math.max((lastMs - firstMs) / 1000, 1);

  console.log('');
  console.log(textTable(rssHeader, rssRows));
  console.log('');
  console.log(textTable(['status', 'logins', ''], statusRows));
  console.log(
    `\nsoak: ${total} logins in ${(loadSeconds / 60).toFixed(1)} min (${rate.toFixed(1)}/s), load exit ${load.code}, ` +
      `${samples.length} RSS samples; RSS growth < 10 %: ${rssOk ? 'yes' : 'NO'}; undocumented statuses: ${unexpected.length === 0 ? 'none' : unexpected.map(([s]) => s).join(', ')}`,
  );

  const csv = [
    'seconds,api_rss_kib,identity_rss_kib',
    ...samples.map((s) => `${s.atS.toFixed(1)},${s.apiKiB ?? ''},${s.identityKiB ?? ''}`),
  ];
  writeResult('soak-rss.csv', csv.join('\n') + '\n');
  const md = `# Soak: reference under the soak profile

Run \`${runId}\` (load folder \`${relative(repoRoot, runDir)}/\`), ${new Date(t0).toISOString()}, ${minutes} min:
profile \`soak\` with stage durations x${durationScale.toFixed(4)} and rates x${rateScale}
(\`LOAD_DURATION_SCALE=${loadEnv.LOAD_DURATION_SCALE} LOAD_RATE_SCALE=${rateScale}\`: stages
${profile.stages.map((s) => `${s.duration}→${s.target}/s`).join(', ')}, maxVUs ${profile.maxVUs}), local engine, hash cost fast,
identity as a separate process. RSS sampled every ${sampleSeconds} s from /proc (${samples.length} samples,
\`soak-rss.csv\`); windows are one-minute medians.

${markdownTable(rssHeader, rssRows)}

${markdownTable(['status', 'logins', ''], statusRows)}

- ${total} logins, ${rate.toFixed(1)}/s on average; \`npm run load\` exit code ${load.code} (its SLO verdict on a shared 2-core machine).
- RSS growth after warm-up < 10 %: **${rssOk ? 'yes' : 'no'}**; undocumented statuses: **${unexpected.length === 0 ? 'none' : unexpected.map(([s]) => s).join(', ')}**.
- The identity service keeps at most 10 000 sessions (oldest evicted): at this rate the store is full after about
  ${Math.round(10_000 / Math.max(rate, 0.1) / 60)} min, which is why warm-up is ${warmupMinutes} min.
`;
  console.log(`soak: wrote ${writeResult('soak.md', md)}`);
  return verdict ? 0 : 1;
}
