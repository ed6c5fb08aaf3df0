// Entry wrapper for the project's command-line tools: a user mistake (UserError, ConfigError) is one line on stderr
// and exit code 2; anything else is a bug and keeps its stack trace.
import { ConfigError } from '../config/index.ts';

/** An error caused by the user's input (flags, files, env): printed as one line, never with a stack trace. */
export class UserError extends Error {
  override readonly name = 'UserError';
}

export function runMain(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof UserError || error instanceof ConfigError) {
        console.error(`${name}: ${error.message}`);
        process.exitCode = 2;
        return;
      }
      console.error(`${name}: unexpected error`, error);
      process.exitCode = 70;
    },
  );
}
