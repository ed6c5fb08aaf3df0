// The entry wrapper of every command of the project (cli/*.ts, and the service entries of reference/): a user mistake
// is one line on stderr, prefixed with the command's name, and exit code 2; anything else is a bug and keeps its stack
// trace (exit 70, EX_SOFTWARE).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../config/index.ts';
import { ProxyConfigError } from '../config/proxy.ts';
import { UserError } from './errors.ts';

export { UserError };

export interface EntryOptions {
  /**
   * A service entry (a server or a child other processes wait for): every failure is one line, exit 2 for a user
   * mistake and 1 for anything else (it failed to start), and the process exits at once, as its listeners would
   * keep it alive.
   */
  readonly service?: boolean;
}

/** Runs `main` and sets the exit code it returns (none: the process lives on, e.g. a server that is listening). */
export function runMain(name: string, main: () => Promise<number | void>, options: EntryOptions = {}): void {
  main().then(
    (code) => {
      if (code !== undefined) process.exitCode = code;
    },
    (error: unknown) => {
      const { line, code, stack } = describeFailure(error, options.service === true);
      if (stack) console.error(`${name}: ${line}`, error);
      else console.error(`${name}: ${line}`);
      if (options.service) process.exit(code);
      process.exitCode = code;
    },
  );
}

/** True when the module at `moduleUrl` (its import.meta.url) is the script node was started with. */
export function isMainModule(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(moduleUrl);
}

/** An expected failure caused by the user's input: the UserError root, and config/'s own (config sits below core). */
export function isUserError(error: unknown): error is Error {
  return error instanceof UserError || error instanceof ConfigError || error instanceof ProxyConfigError;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? '';
}

function describeFailure(error: unknown, service: boolean): { line: string; code: number; stack: boolean } {
  if (isUserError(error)) return { line: service ? firstLine(error) : error.message, code: 2, stack: false };
  if (service) return { line: firstLine(error), code: 1, stack: false };
  const errno = error as NodeJS.ErrnoException;
  if (typeof errno.code === 'string' && typeof errno.path === 'string') {
    // A file system refusal (unwritable reports folder, ...) is the user's environment, not a bug.
    return {
      line: `cannot use ${errno.path}: ${errno.code} (check the path and its permissions)`,
      code: 2,
      stack: false,
    };
  }
  return { line: 'unexpected error', code: 70, stack: true };
}
