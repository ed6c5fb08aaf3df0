// Entry wrapper for every command-line tool of the project (cli/, reports/, contract/selftest, bench/): a user mistake
// is one line on stderr, prefixed with the tool's name, and exit code 2; anything else is a bug and keeps its stack
// trace (exit 70, EX_SOFTWARE).
import { ConfigError } from '../config/index.ts';

/** An error caused by the user's input (flags, files, env): printed as one line, never with a stack trace. */
export class UserError extends Error {
  override readonly name: string = 'UserError';
}

export function runMain(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (isUserMistake(error)) {
        console.error(`${name}: ${error.message}`);
        process.exitCode = 2;
        return;
      }
      const errno = error as NodeJS.ErrnoException;
      if (typeof errno.code === 'string' && typeof errno.path === 'string') {
        // A file system refusal (unwritable reports folder, ...) is the user's environment, not a bug.
        console.error(`${name}: cannot use ${errno.path}: ${errno.code} (check the path and its permissions)`);
        process.exitCode = 2;
        return;
      }
      console.error(`${name}: unexpected error`, error);
      process.exitCode = 70;
    },
  );
}

/** LoadInputError comes from load/lib, which runs under k6 too and so cannot extend UserError: known by its name. */
function isUserMistake(error: unknown): error is Error {
  return (
    error instanceof UserError ||
    error instanceof ConfigError ||
    (error instanceof Error && error.name === 'LoadInputError')
  );
}
