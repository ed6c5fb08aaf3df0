// Shared pieces of the long-running benchmarks: run `npm run load` / `npm run k6` as a child, sample a process's RSS,
// read a k6 JSON-lines metric stream, and write a result file atomically under $REPORTS_DIR/bench/.
import { spawn } from 'node:child_process';
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { repoRoot } from '../../config/index.ts';
import { writeFileAtomic } from '../../core/files.ts';
import { outputPaths } from '../../core/layout.ts';
import { startIdentity, startReference } from '../../reference/launch.ts';
import type { RunningIdentity, RunningReference } from '../../reference/launch.ts';

/** $REPORTS_DIR/bench: every benchmark's results. */
export const benchOutputDir = outputPaths().bench;

export interface ChildResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run --silent <script> -- args` from the repo root; output is kept (and echoed when `echo` is set). */
export function runNpm(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: { echo?: boolean; timeoutMs: number },
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // own process group, so a timeout can end npm and everything under it
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (options.echo) process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (options.echo) process.stderr.write(chunk);
    });
    // Every run is bounded: past its time budget the whole group is killed and the run counts as hung.
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, options.timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : 1), stdout, stderr });
    });
  });
}

/** Resident set size of a live process in KiB (Linux /proc), or undefined once it is gone. */
export function rssKiB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export interface MetricPoint {
  metric: string;
  timeMs: number;
  value: number;
  tags: Record<string, string>;
}

/** Streams the Point lines of a k6 `--out json` file (a line at a time: soak streams run to hundreds of MB). */
export async function eachPoint(file: string, onPoint: (p: MetricPoint) => void): Promise<void> {
  const raw = createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.includes('"type":"Point"')) continue;
    const row = JSON.parse(line) as {
      metric: string;
      data: { time: string; value: number; tags?: Record<string, string> | null };
    };
    onPoint({
      metric: row.metric,
      timeMs: Date.parse(row.data.time),
      value: row.data.value,
      tags: row.data.tags ?? {},
    });
  }
}

/** Atomic: an interrupted benchmark never leaves a half-written result that looks complete. */
export function writeResult(name: string, text: string): string {
  const path = join(benchOutputDir, name);
  writeFileAtomic(path, text);
  return path;
}

/** A GitHub-flavoured markdown table. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The same table aligned for a terminal. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function utcStamp(now = new Date()): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** A status the contract documents for POST /api/auth/login. */
export const documentedStatuses = new Set(['200', '400', '401', '502']);

/** The reference with an identity service the benchmark holds itself (to measure its RSS, or kill and restart it).
 * Fast hashing: these benchmarks look at the service's behaviour, not at argon2's cost, on a small shared machine. */
export async function startReferenceWithOwnIdentity(
  accounts: number,
  accountsFile: string,
): Promise<{ identity: RunningIdentity; reference: RunningReference }> {
  const identity = await startIdentity({ hashCost: 'fast', loadAccounts: accounts });
  const reference = await startReference({
    hashCost: 'fast',
    loadAccounts: accounts,
    accountsOut: accountsFile,
    upstream: identity.url,
  });
  return { identity, reference };
}
