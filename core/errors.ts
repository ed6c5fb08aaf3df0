// The one root of every expected, user-caused failure (a bad flag, file, variable or target): the entry wrapper
// (core/main.ts) prints it as one line, without a stack, and exits 2. No Node imports, on purpose: the k6 scripts'
// input errors (load/lib/input-error.ts) extend it too, and k6 runs them.

/** An error caused by the user's input (flags, files, env): printed as one line, never with a stack trace. */
export class UserError extends Error {
  override readonly name: string = 'UserError';
}
