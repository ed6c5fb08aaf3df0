// File helpers every part shares: atomic writes (a temp file beside the target, then rename), so a crash never leaves
// a half-written report, meta.json or accounts file that looks valid; and reading a JSON input file with a one-line
// error naming the file.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from './errors.ts';

export interface WriteOptions {
  /** File mode of a new file, e.g. 0o600 for one holding passwords. */
  readonly mode?: number;
}

/** Writes `data` to `path` atomically, creating its folder; readers see the old file or the whole new one. */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: WriteOptions = {}): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(temp, data, options.mode === undefined ? {} : { mode: options.mode });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** `what path does not exist` / `cannot be read (CODE)` as a UserError. */
export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      `${what} ${path} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`}`,
    );
  }
}

/** A JSON input file, parsed; a missing, unreadable or malformed file is a one-line UserError naming it. */
export function readJsonFile(path: string, what: string): unknown {
  const text = readTextFile(path, what);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UserError(`${what} ${path} is not valid JSON: ${(error as Error).message.split('\n')[0]}`);
  }
}
