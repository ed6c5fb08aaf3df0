// What every check returns: the clause it guards, its own name, and the problems it found (empty = the clause holds).
// Problems are human sentences with secrets already redacted, so they can go straight into reports.
import type { ClauseId } from '../clauses.ts';
import { clauseTag } from '../clauses.ts';

export interface CheckResult {
  readonly clause: ClauseId;
  readonly check: string;
  readonly problems: readonly string[];
}

export function result(clause: ClauseId, check: string, problems: readonly string[]): CheckResult {
  return { clause, check, problems };
}

/** `[CLAUSE] check: problem; problem` — the tag lets reports and the self-test attribute the failure. */
export function describeFailure(r: CheckResult): string {
  return `${clauseTag(r.clause)} ${r.check}: ${r.problems.join('; ')}`;
}

/** Reads a nested value from parsed JSON without trusting its shape. */
export function at(value: unknown, ...path: string[]): unknown {
  let node = value;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}
