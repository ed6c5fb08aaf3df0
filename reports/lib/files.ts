// What the report builders share beyond core/files.ts (atomic writes, reading JSON): their error class for bad
// input, and a type guard for parsed JSON.
import { UserError } from '../../core/errors.ts';

/** Bad input to a report tool (flags, files): runMain (core/main.ts) prints it as one line, exit 2. */
export class InputError extends UserError {
  override readonly name = 'InputError';
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
