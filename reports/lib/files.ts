// File helpers shared by every builder: one-line errors for bad input, and atomic writes so that a crash never
// leaves a half-written report that looks valid.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A problem with the user's input: printed as one line, never with a stack trace. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      `${what} ${path} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputError(`${what} ${path} is not valid JSON: ${(error as Error).message.split('\n')[0]}`);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Runs a CLI entry: InputError (or ConfigError from config/, LoadInputError from load/lib) becomes one line on stderr and exit 2;
 * anything else is a bug and keeps its stack.
 */
export function runCli(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof Error && ['InputError', 'ConfigError', 'LoadInputError'].includes(error.name)) {
        console.error(`error: ${error.message}`);
        process.exitCode = 2;
        return;
      }
      const errno = error as NodeJS.ErrnoException;
      if (typeof errno.code === 'string' && typeof errno.path === 'string') {
        // A file system refusal (unwritable reports folder, ...) is the user's environment, not a bug.
        console.error(`error: cannot use ${errno.path}: ${errno.code} (check the path and its permissions)`);
        process.exitCode = 2;
        return;
      }
      console.error(error);
      process.exitCode = 3;
    },
  );
}
