// Start a TypeScript entry of this folder as a child process and wait for its "<label> listening at URL" line.
// Used by the launcher (reference and identity processes) and by the reference entry (its managed identity child).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Readable } from 'node:stream';
import { UserError } from '../core/errors.ts';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const TS_REGISTER = join(REPO_ROOT, 'cli', 'ts-register.js');

export interface SpawnOptions {
  /**
   * e.g. 'reference': the child prints `reference listening at http://127.0.0.1:PORT` (with TLS
   * `https://localhost:PORT`, the name its certificate carries; identity: `tcp://…`).
   */
  readonly label: string;
  readonly timeoutMs: number;
  /** Own process group, so stop() reaches grandchildren too. */
  readonly detached: boolean;
  /** Every stderr line (pino JSON logs); by default they are kept only for error messages. */
  readonly onLog?: ((line: string) => void) | undefined;
}

export interface ListeningChild {
  readonly url: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal name) when the child exits. */
  readonly exited: Promise<number | string>;
  stop(): Promise<void>;
}

/** The service did not come up (exited, timed out, could not be spawned): one line, no stack (a UserError). */
export class StartError extends UserError {
  override readonly name = 'StartError';
}

export function spawnListening(entry: string, args: readonly string[], options: SpawnOptions): Promise<ListeningChild> {
  // --exit-on-stdin-close: if this process dies without calling stop(), the child sees EOF and exits too.
  const child = spawn(
    process.execPath,
    ['--import', TS_REGISTER, join(REPO_ROOT, entry), ...args, '--exit-on-stdin-close'],
    {
      cwd: REPO_ROOT, // ts-register resolves ts-node and tsconfig from the working directory
      detached: options.detached,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: process.env,
    },
  );
  // Do not keep the parent alive just because a child runs; stop() is the way to end it.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr])
    (stream as unknown as { unref?: () => void }).unref?.();

  const recent: string[] = [];
  eachLine(child.stderr!, (line) => {
    recent.push(line);
    if (recent.length > 20) recent.shift();
    options.onLog?.(line);
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const stop = (): Promise<void> => stopChild(child, exited, options.detached);
  const pattern = new RegExp(`^${options.label} listening at ((?:https?|tcp)://(?:127\\.0\\.0\\.1|localhost):\\d+)$`);

  return new Promise<ListeningChild>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(
        new StartError(`${options.label} did not report listening within ${options.timeoutMs} ms${lastWords(recent)}`),
      );
    }, options.timeoutMs);
    eachLine(child.stdout!, (line) => {
      const match = pattern.exec(line.trim());
      if (!match) return;
      clearTimeout(timer);
      resolve({ url: match[1]!, pid: child.pid!, child, exited, stop });
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new StartError(`${options.label} could not start: ${error.message}`));
    });
    void exited.then((code) => {
      clearTimeout(timer);
      // Let the last stderr chunk arrive before quoting it.
      setImmediate(() =>
        reject(new StartError(`${options.label} exited (${code}) before listening${lastWords(recent)}`)),
      );
    });
  });
}

async function stopChild(child: ChildProcess, exited: Promise<number | string>, group: boolean): Promise<void> {
  const signal = (name: NodeJS.Signals): void => {
    try {
      if (group && child.pid !== undefined) process.kill(-child.pid, name);
      else child.kill(name);
    } catch {
      // already gone
    }
  };
  if (child.exitCode === null && child.signalCode === null) {
    child.ref(); // keep this process alive until the child's exit is seen
    signal('SIGTERM');
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5000).unref());
    if ((await Promise.race([exited, timeout])) === 'timeout') {
      signal('SIGKILL');
      await exited;
    }
  }
  if (group) signal('SIGKILL'); // anything left in the group (normally nothing)
  child.stdin?.destroy();
}

function eachLine(stream: Readable, onLine: (line: string) => void): void {
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      onLine(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
    }
  });
  stream.on('end', () => {
    if (buffer) onLine(buffer);
  });
}

/** The child's last message, for an error line: the `msg` of a pino line, or the plain text. */
function lastWords(lines: readonly string[]): string {
  const last = lines.filter((l) => l.trim() !== '').at(-1);
  if (last === undefined) return '';
  try {
    const parsed = JSON.parse(last) as { msg?: unknown; err?: unknown };
    return `: ${String(parsed.msg)}${parsed.err ? ` (${String(parsed.err)})` : ''}`;
  } catch {
    return `: ${last.trim()}`;
  }
}
