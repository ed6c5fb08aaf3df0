// Every entry's command line goes through node:util parseArgs. Its own strict-mode errors are long and name no usage,
// so the tokens are checked here and a problem is said in one line, in the entry's words, as a UserError (exit 2).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from './errors.ts';

/** What is wrong with a command line, for an entry's own message. */
export type ArgProblem =
  /** an option the entry does not declare */
  | { readonly kind: 'unknown'; readonly arg: string }
  /** a string option without its value, or followed by another option instead */
  | { readonly kind: 'missing-value'; readonly arg: string }
  /** a boolean option given a value */
  | { readonly kind: 'unexpected-value'; readonly arg: string }
  /** a positional argument where the entry takes none */
  | { readonly kind: 'positional'; readonly arg: string };

export interface CommandLineOptions {
  /** Appended to every message: `usage: npm run ...`. */
  readonly usage: string;
  /** The entry's own words for a problem; undefined (or no function) for the house style below. */
  readonly describe?: (problem: ArgProblem, usage: string) => string | undefined;
}

export function describeArgProblem(problem: ArgProblem, usage: string): string {
  switch (problem.kind) {
    case 'unknown':
      return `unknown option ${problem.arg}; ${usage}`;
    case 'missing-value':
      return `${problem.arg} needs a value; ${usage}`;
    case 'unexpected-value':
      return `${problem.arg} takes no value; ${usage}`;
    case 'positional':
      return `unexpected argument "${problem.arg}"; ${usage}`;
  }
}

type Config = Omit<ParseArgsConfig, 'args' | 'strict' | 'tokens'>;

/**
 * parseArgs(config) over `argv`, held to strict rules (declared options only, string options with a value, booleans
 * without, positionals only when allowed); a bad command line is a one-line UserError. A string option's value may
 * start with one dash (`--offset -5`) but not two: `--out --force` is a missing value, not a file "--force".
 */
export function parseCommandLine<const T extends Config>(
  argv: readonly string[],
  config: T,
  options: CommandLineOptions,
): ReturnType<typeof parseArgs<T & { args: string[]; strict: true }>> {
  const problem = findProblem(argv, config);
  if (problem !== undefined) {
    throw new UserError(options.describe?.(problem, options.usage) ?? describeArgProblem(problem, options.usage));
  }
  // Checked above token by token, so the lenient parse returns what the strict one would (and accepts `-5`).
  return parseArgs({ ...config, args: [...argv], strict: false }) as unknown as ReturnType<
    typeof parseArgs<T & { args: string[]; strict: true }>
  >;
}

function findProblem(argv: readonly string[], config: Config): ArgProblem | undefined {
  const { tokens } = parseArgs({ ...config, args: [...argv], strict: false, tokens: true });
  const declared = config.options ?? {};
  for (const token of tokens) {
    if (token.kind === 'positional') {
      if (config.allowPositionals !== true) return { kind: 'positional', arg: token.value };
    } else if (token.kind === 'option') {
      const spec = declared[token.name];
      if (spec === undefined) return { kind: 'unknown', arg: token.rawName };
      if (spec.type === 'string') {
        if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) {
          return { kind: 'missing-value', arg: token.rawName };
        }
      } else if (token.value !== undefined) {
        return { kind: 'unexpected-value', arg: token.rawName };
      }
    }
  }
  return undefined;
}
