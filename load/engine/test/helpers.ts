// Shared by the engine tests: a loopback HTTP server with a few behaviours, and a way to run a fixture script on the
// engine in-process (fast) or through the CLI (for what only the CLI does).
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineError } from '../src/errors.ts';
import { runTest, type RunOptions } from '../src/run.ts';
import type { SummaryData } from '../src/summary.ts';

export const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const fixture = (name: string): string => join(fixturesDir, name);

export interface TestServer {
  base: string;
  hits: () => number;
  close(): Promise<void>;
}

/** A request body with its Content-Encoding undone, codings last-applied first (the test server's /decoded). */
function decoded(raw: Buffer, encoding: string | undefined): { encoding: string; bytes: number; body: string } {
  let out = raw;
  const codings = (encoding ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  for (const c of [...codings].reverse()) {
    out =
      c === 'gzip'
        ? gunzipSync(out)
        : c === 'deflate'
          ? inflateSync(out)
          : c === 'br'
            ? brotliDecompressSync(out)
            : out;
  }
  return { encoding: encoding ?? '', bytes: raw.byteLength, body: out.toString() };
}

/** Routes: /ok JSON, /status/N, /slow/MS, /echo (method, headers, body), /decoded (the body decompressed), /stall
 * toggled by /stall-on /stall-off. */
export async function startServer(): Promise<TestServer> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    let body = '';
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      body += c.toString();
      chunks.push(c);
    });
    req.on('end', () => {
      const url = req.url ?? '/';
      const json = (status: number, payload: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json', 'X-Test': 'yes' });
        res.end(JSON.stringify(payload));
      };
      const status = /^\/status\/(\d+)/.exec(url);
      const slow = /^\/slow\/(\d+)/.exec(url);
      if (status) json(Number(status[1]), { status: Number(status[1]) });
      else if (slow) setTimeout(() => json(200, { slept: Number(slow[1]) }), Number(slow[1]));
      else if (url.startsWith('/echo')) json(200, { method: req.method, headers: req.headers, body, url });
      else if (url.startsWith('/decoded')) json(200, decoded(Buffer.concat(chunks), req.headers['content-encoding']));
      else json(200, { ok: true, nested: { list: [1, 2, 3] } });
    });
  });
  server.keepAliveTimeout = 30000;
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () =>
      new Promise((res) => {
        server.closeAllConnections();
        server.close(() => res());
      }),
  };
}

export interface EngineRun {
  exitCode: number;
  summary: SummaryData | null;
  stdout: string;
  stderr: string;
  /** Message of the EngineError that ended the run before it started, if any. */
  error: string;
}

export async function runFixture(name: string, extra: Partial<RunOptions> = {}): Promise<EngineRun> {
  let stdout = '';
  let stderr = '';
  const options: RunOptions = {
    script: fixture(name),
    env: {},
    cli: {},
    quiet: true,
    tags: {},
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    ...extra,
  };
  try {
    const r = await runTest(options);
    return { exitCode: r.exitCode, summary: r.summary, stdout, stderr, error: '' };
  } catch (e) {
    if (e instanceof EngineError) return { exitCode: e.exitCode, summary: null, stdout, stderr, error: e.message };
    throw e;
  }
}

/** Count of a metric's samples/values in the summary, or undefined when it is absent. */
export function metricValue(s: SummaryData | null, metric: string, stat: string): number | undefined {
  return s?.metrics[metric]?.values[stat];
}

export function runCli(
  args: string[],
  env: Record<string, string> = {},
): { status: number; stdout: string; stderr: string } {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const r = spawnSync(process.execPath, ['--import', './cli/ts-register.js', 'load/engine/cli.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, K6_ENGINE: 'node', ...env },
    timeout: 60000,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
