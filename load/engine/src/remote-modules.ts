// Remote modules, as k6 takes them: `import { textSummary } from 'https://jslib.k6.io/k6-summary/0.1.0/index.js'`.
// The engine fetches each URL once and keeps it in a cache folder, then bundles it like a local file (its relative
// imports resolve against its URL). Later runs use the cached copy without the network (jslib's URLs are versioned;
// delete the folder to fetch again). With --offline, or when the fetch fails, the import is one line naming the URL
// and how to vendor the module.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface RemoteSettings {
  /** No network: only cached modules. */
  offline: boolean;
  cacheDir: string;
}

const FETCH_TIMEOUT_MS = 15_000;
const MAX_REDIRECTS = 5;
const MAX_BYTES = 20 * 1024 * 1024;

/** $K6_ENGINE_CACHE_DIR, else $XDG_CACHE_HOME/k6-node-engine, else node_modules/.cache/k6-node-engine (here), else ~/.cache. */
export function remoteCacheDir(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  if (env['K6_ENGINE_CACHE_DIR']) return env['K6_ENGINE_CACHE_DIR'];
  if (env['XDG_CACHE_HOME']) return join(env['XDG_CACHE_HOME'], 'k6-node-engine');
  if (existsSync(join(cwd, 'node_modules'))) return join(cwd, 'node_modules', '.cache', 'k6-node-engine');
  return join(homedir(), '.cache', 'k6-node-engine');
}

/**
 * https URLs only; plain http only to 127.0.0.1 and only under K6_ENGINE_REMOTE_HTTP_LOOPBACK=1 (tests: a loopback
 * server without TLS). k6 itself refuses http:// module URLs.
 */
export function isRemoteSpecifier(spec: string): boolean {
  return /^https:\/\//i.test(spec) || (loopbackHttpAllowed() && /^http:\/\/127\.0\.0\.1[:/]/.test(spec));
}

function loopbackHttpAllowed(): boolean {
  return process.env['K6_ENGINE_REMOTE_HTTP_LOOPBACK'] === '1';
}

function cacheFile(dir: string, url: string): string {
  return join(dir, `${createHash('sha256').update(url).digest('hex').slice(0, 32)}.js`);
}

/** The vendoring advice every failure ends with. */
function vendorHint(url: string): string {
  // https://jslib.k6.io/k6-summary/0.1.0/index.js becomes lib/k6-summary-0.1.0-index.js.
  const name = new URL(url).pathname
    .split('/')
    .filter(Boolean)
    .slice(-3)
    .join('-')
    .replace(/[^\w.-]/g, '_');
  return `download it once where the network allows (curl -fsSL ${url} -o lib/${name}) and import "./lib/${name}" instead`;
}

/** The module's source, from the cache or the network; an Error with one line when neither has it. */
export async function loadRemoteModule(url: string, s: RemoteSettings): Promise<string> {
  const file = cacheFile(s.cacheDir, url);
  if (existsSync(file)) return readFileSync(file, 'utf8');
  if (s.offline) {
    throw new Error(
      `import "${url}" is not available: --offline and not in the cache (${s.cacheDir}); ${vendorHint(url)}`,
    );
  }
  let source: string;
  try {
    source = await fetchText(url, MAX_REDIRECTS);
  } catch (e) {
    throw new Error(
      `import "${url}" is not available: fetching it failed (${(e as Error).message}); ${vendorHint(url)}`,
      { cause: e },
    );
  }
  try {
    mkdirSync(s.cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, source);
    renameSync(tmp, file); // whole files only: a concurrent run never reads half a module
  } catch {
    // An unwritable cache only costs a fetch next time.
  }
  return source;
}

function fetchText(url: string, redirectsLeft: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    const req = get(url, { timeout: FETCH_TIMEOUT_MS, headers: { 'user-agent': 'k6-node-engine' } }, (res) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location) {
        res.resume();
        const next = new URL(location, url).href;
        if (redirectsLeft === 0) return reject(new Error('too many redirects'));
        if (!isRemoteSpecifier(next)) return reject(new Error(`redirected to ${next}, not an https URL`));
        return resolve(fetchText(next, redirectsLeft - 1));
      }
      if (status !== 200) {
        res.resume();
        return reject(new Error(`HTTP ${status}`));
      }
      collect(res).then(resolve, reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${FETCH_TIMEOUT_MS / 1000} s`)));
    req.on('error', (e) => reject(new Error((e as NodeJS.ErrnoException).code ?? e.message)));
  });
}

function collect(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BYTES) res.destroy(new Error(`larger than ${MAX_BYTES / 1024 / 1024} MB`));
      else chunks.push(c);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}
