// The published site (GitHub Pages): ONE site for every environment, so one environment's deploy never replaces
// another's. Layout:
//
//   index.html            top index: each environment with its latest verdicts (this file builds it)
//   environments.json     the same as data
//   manifest.json         every file of the site, so the next deploy can restore the site before adding its run
//   <env>/                that environment's latest reports/output (its own index.html from npm run report:index)
//   history/<env>.tar.gz  that environment's history (load.jsonl, allure-history.jsonl), restored by the next night
//
// A deploy restores the published site (restoreSite, from manifest.json), replaces one environment's folder with the
// new run (addEnvironment), rebuilds the top index and manifest (buildSiteIndex) and deploys the whole folder.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { copyFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { parseCommandLine } from '../../core/args.ts';
import { readJsonFile, writeFileAtomic } from '../../core/files.ts';
import { latestLoadRun, outputPaths } from '../../core/layout.ts';
import { UserError } from '../../core/errors.ts';
import { isRecord } from '../lib/files.ts';
import { badge, esc, fmtDate, page, table, type Cell } from '../lib/html.ts';

export const siteFiles = {
  index: 'index.html',
  environments: 'environments.json',
  manifest: 'manifest.json',
  history: 'history',
} as const;

const reserved = new Set<string>(Object.values(siteFiles));

/** An environment is a folder of the site: letters, digits, '.', '_', '-' (GitHub environment names usually are). */
export function checkEnvironmentName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(name) || reserved.has(name)) {
    throw new UserError(
      `environment "${name}" cannot be a site folder: use letters, digits, '.', '_' or '-' (and not ${[...reserved].join(', ')})`,
    );
  }
  return name;
}

/** Raw inputs the published HTML reports already render: kept in the run's artifact, not on the site. */
const notPublished = ['allure-results', 'contract/artifacts'];

function published(relPath: string): boolean {
  const p = relPath.split(sep).join('/');
  return !p.endsWith('.tmp') && !notPublished.some((n) => p === n || p.startsWith(`${n}/`));
}

function copyTree(from: string, to: string, root: string = from): number {
  let files = 0;
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const src = join(from, entry.name);
    if (!published(relative(root, src))) continue;
    const dest = join(to, entry.name);
    if (entry.isDirectory()) files += copyTree(src, dest, root);
    else if (entry.isFile()) {
      mkdirSync(to, { recursive: true });
      copyFileSync(src, dest);
      files += 1;
    }
  }
  return files;
}

/** Every file under `dir`, as site paths ('/'-separated, relative), sorted. */
function listFiles(dir: string, root: string = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return listFiles(path, root);
      return e.isFile() ? [relative(root, path).split(sep).join('/')] : [];
    })
    .sort();
}

export interface EnvironmentSummary {
  name: string;
  /** The gate's verdict of the latest run; null when that run has no gate.json. */
  verdict: 'pass' | 'fail' | null;
  generatedAt: string | null;
  /** The performance review's verdict (pass, warn, fail, no-baseline); null when there is no review. */
  review: string | null;
  run: { runId: string; profile: string; startedAt: string } | null;
  history: string | null;
}

function readJsonIfAny(path: string): Record<string, unknown> | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const value = readJsonFile(path, 'site file');
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function readEnvironment(site: string, name: string): EnvironmentSummary {
  const dir = join(site, name);
  const paths = outputPaths(dir);
  const gate = readJsonIfAny(paths.gateJson);
  const review = readJsonIfAny(join(paths.review, 'review.json'));
  const runDir = latestLoadRun(dir);
  const meta = runDir === undefined ? undefined : readJsonIfAny(join(runDir, 'meta.json'));
  const history = posix.join(siteFiles.history, `${name}.tar.gz`);
  return {
    name,
    verdict: gate?.verdict === 'pass' || gate?.verdict === 'fail' ? gate.verdict : null,
    generatedAt: str(gate?.generatedAt) || null,
    review: str(review?.verdict) || null,
    run: meta ? { runId: str(meta.runId), profile: str(meta.profile), startedAt: str(meta.startedAt) } : null,
    history: existsSync(join(site, history)) ? history : null,
  };
}

/** The environments of a site: its folders (not reserved) holding an index.html or a gate.json. */
export function listEnvironments(site: string): EnvironmentSummary[] {
  if (!existsSync(site)) return [];
  return readdirSync(site, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !reserved.has(e.name))
    .filter((e) => existsSync(join(site, e.name, 'index.html')) || existsSync(join(site, e.name, 'gate.json')))
    .map((e) => readEnvironment(site, e.name))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function renderSiteIndex(envs: readonly EnvironmentSummary[]): string {
  const reviewBadge = (r: string | null): string => {
    if (r === null) return '—';
    const s = r === 'pass' ? 'pass' : r === 'fail' ? 'fail' : r === 'warn' ? 'warn' : 'info';
    return badge(s, r.toUpperCase());
  };
  const rows = envs.map((e): Cell[] => [
    { html: `<a href="${esc(e.name)}/index.html">${esc(e.name)}</a>`, cls: 'l' },
    {
      html: e.verdict ? badge(e.verdict, e.verdict.toUpperCase()) : badge('fail', 'NO VERDICT'),
    },
    e.generatedAt ? fmtDate(e.generatedAt) : '—',
    { html: e.run ? `<code>${esc(e.run.runId)}</code>` : '—', cls: 'l' },
    e.run?.profile || '—',
    { html: reviewBadge(e.review) },
    { html: e.history ? `<a href="${esc(e.history)}">${esc(e.history)}</a>` : '—', cls: 'l' },
  ]);
  const failing = envs.filter((e) => e.verdict !== 'pass').length;
  const body = envs.length
    ? `<section id="environments"><h2>Environments</h2>${table(
        ['Environment', 'Release gate', 'Gate run', 'Load run', 'Profile', 'Performance review', 'History'],
        rows,
        { left: [0, 3, 6] },
      )}<p class="note">Each environment's folder holds the reports of its latest run; its history (load runs and
Allure trend) is kept in <code>history/&lt;environment&gt;.tar.gz</code> and grows with every run.</p></section>`
    : '<p class="note">No environment has published a run yet.</p>';
  return page({
    title: `Login suite reports: ${envs.length} environment(s), ${failing} not passing`,
    heading: 'POST /api/auth/login: contract and load, per environment',
    sub: 'the latest run of each environment',
    body,
  });
}

export interface SiteManifest {
  version: 1;
  files: { path: string; bytes: number }[];
}

/** Writes the top index, environments.json and manifest.json (last, so it lists the other two). */
export function buildSiteIndex(site: string): EnvironmentSummary[] {
  const envs = listEnvironments(site);
  writeFileAtomic(join(site, siteFiles.index), renderSiteIndex(envs));
  writeFileAtomic(join(site, siteFiles.environments), `${JSON.stringify(envs, null, 2)}\n`);
  const manifest: SiteManifest = {
    version: 1,
    files: listFiles(site)
      .filter((p) => p !== siteFiles.manifest)
      .map((p) => ({ path: p, bytes: statSync(join(site, p)).size })),
  };
  writeFileAtomic(join(site, siteFiles.manifest), `${JSON.stringify(manifest)}\n`);
  return envs;
}

/** The history tarball of one environment, made with the system's tar (as the workflows restore it). */
function writeHistoryTarball(historyDir: string, dest: string): void {
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = `${dest}.${process.pid}.tmp`;
  const run = spawnSync('tar', ['-czf', tmp, '-C', historyDir, '.'], { encoding: 'utf8' });
  if (run.status !== 0) {
    rmSync(tmp, { force: true });
    throw new UserError(`cannot pack ${historyDir}: tar ${run.error?.message ?? run.stderr.trim()}`);
  }
  renameSync(tmp, dest);
}

export interface AddResult {
  env: string;
  files: number;
  environments: EnvironmentSummary[];
}

/**
 * Puts one run's reports (a reports/output folder) into the site as environment `env`, replacing that environment's
 * previous run and leaving the others as they are; packs its history; rebuilds the top index and the manifest.
 */
export function addEnvironment(o: { site: string; env: string; from: string }): AddResult {
  const env = checkEnvironmentName(o.env);
  if (!existsSync(o.from)) throw new UserError(`--from ${o.from}: no such reports folder`);
  const dest = join(o.site, env);
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  const files = copyTree(o.from, dest);
  const history = outputPaths(o.from).loadHistory;
  if (existsSync(dirname(history)))
    writeHistoryTarball(dirname(history), join(o.site, siteFiles.history, `${env}.tar.gz`));
  return { env, files, environments: buildSiteIndex(o.site) };
}

/** A manifest path is relative, '/'-separated, without '.', '..' or empty segments: it can only land inside the site. */
export function safeSitePath(path: string): boolean {
  return (
    path.length > 0 &&
    !path.startsWith('/') &&
    !path.includes('\\') &&
    path.split('/').every((s) => s !== '' && s !== '.' && s !== '..')
  );
}

export function parseManifest(value: unknown, where: string): SiteManifest {
  if (!isRecord(value) || value.version !== 1 || !Array.isArray(value.files)) {
    throw new UserError(`${where} is not a site manifest (version 1 with files)`);
  }
  const files = value.files.map((f: unknown) => {
    if (!isRecord(f) || typeof f.path !== 'string' || typeof f.bytes !== 'number' || !safeSitePath(f.path)) {
      throw new UserError(`${where} lists an invalid entry: ${JSON.stringify(f)}`);
    }
    return { path: f.path, bytes: f.bytes };
  });
  return { version: 1, files };
}

export interface RestoreResult {
  /** False when the site has no manifest yet (first deploy, or a site published before this layout). */
  found: boolean;
  files: number;
  bytes: number;
}

export interface RestoreOptions {
  fetch?: typeof fetch;
  concurrency?: number;
  timeoutMs?: number;
}

/**
 * Downloads the published site into `into` from its manifest. No manifest (404): a new site, nothing restored. Any
 * other failure throws, so a deploy never publishes a site that silently lost another environment.
 */
export async function restoreSite(baseUrl: string, into: string, o: RestoreOptions = {}): Promise<RestoreResult> {
  const get = o.fetch ?? fetch;
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  // Pages is behind a CDN: a unique query asks for the current files, not a copy cached before the last deploy.
  const bust = `v=${Date.now()}`;
  const url = (path: string): string =>
    `${new URL(path.split('/').map(encodeURIComponent).join('/'), base).href}?${bust}`;
  const timeout = o.timeoutMs ?? 120_000;
  const manifestRes = await get(url(siteFiles.manifest), { signal: AbortSignal.timeout(timeout) });
  if (manifestRes.status === 404) return { found: false, files: 0, bytes: 0 };
  if (!manifestRes.ok) throw new UserError(`cannot read ${base}${siteFiles.manifest}: HTTP ${manifestRes.status}`);
  let raw: unknown;
  try {
    raw = await manifestRes.json();
  } catch {
    throw new UserError(`${base}${siteFiles.manifest} is not JSON`);
  }
  const manifest = parseManifest(raw, `${base}${siteFiles.manifest}`);
  mkdirSync(into, { recursive: true });
  let bytes = 0;
  const queue = [...manifest.files];
  const worker = async (): Promise<void> => {
    for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
      const res = await get(url(f.path), { signal: AbortSignal.timeout(timeout) });
      if (!res.ok || res.body === null) throw new UserError(`cannot restore ${base}${f.path}: HTTP ${res.status}`);
      const dest = resolve(into, ...f.path.split('/'));
      mkdirSync(dirname(dest), { recursive: true });
      const tmp = `${dest}.restore.tmp`;
      await pipeline(Readable.fromWeb(res.body as WebReadableStream), createWriteStream(tmp));
      const size = statSync(tmp).size;
      if (size !== f.bytes) {
        rmSync(tmp, { force: true });
        throw new UserError(`cannot restore ${base}${f.path}: ${size} bytes, the manifest says ${f.bytes}`);
      }
      renameSync(tmp, dest);
      bytes += size;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 8) }, worker));
  return { found: true, files: manifest.files.length, bytes };
}

export const siteUsage = `usage: npm run report:site -- restore --from URL --into DIR
       npm run report:site -- add --env NAME --from REPORTS_DIR --into DIR
       npm run report:site -- index --into DIR`;

/** `npm run report:site -- <command> ...` (entry: cli/report-site.ts); returns the line to print. */
export async function runSiteCommand(argv: readonly string[]): Promise<string> {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      options: { from: { type: 'string' }, into: { type: 'string' }, env: { type: 'string' } },
      allowPositionals: true,
    },
    { usage: siteUsage },
  );
  const [command, ...extra] = positionals;
  if (extra.length > 0) throw new UserError(`unexpected argument "${extra[0]}"; ${siteUsage}`);
  const need = (name: 'from' | 'into' | 'env'): string => {
    const v = values[name];
    if (v === undefined || v === '') throw new UserError(`${command ?? ''} needs --${name}; ${siteUsage}`);
    return v;
  };
  if (command === 'restore') {
    const r = await restoreSite(need('from'), resolve(need('into')));
    return r.found
      ? `site: restored ${r.files} files (${(r.bytes / 1e6).toFixed(1)} MB) from ${values.from}`
      : `site: no manifest at ${values.from}: starting a new site`;
  }
  if (command === 'add') {
    const r = addEnvironment({ site: resolve(need('into')), env: need('env'), from: resolve(need('from')) });
    return `site: ${r.env} updated (${r.files} files); environments: ${r.environments.map((e) => e.name).join(', ')}`;
  }
  if (command === 'index') {
    const envs = buildSiteIndex(resolve(need('into')));
    return `site: index of ${envs.length} environment(s)`;
  }
  throw new UserError(`${command === undefined ? 'no command' : `unknown command "${command}"`}; ${siteUsage}`);
}
