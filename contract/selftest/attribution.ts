// Reads a Playwright JSON report and says which clauses the failures speak for. A failure's clauses are the tags in
// its error messages (every check prefixes its clause, e.g. `[TOKEN-JWS]`); a failure without one is charged to the
// clauses tagged in its title. An advisory finding (a passed test with an `advisory` annotation) counts as well.
import { clauseById } from '../clauses.ts';
import { advisoryAnnotation } from '../policy.ts';

export interface FailedTest {
  readonly title: string;
  readonly clauses: readonly string[];
  readonly message: string;
  /** A passed test that reported an advisory finding (contract/policy.ts): a kill, never a pass of the clause. */
  readonly advisory?: true;
}

interface JsonAnnotation {
  type: string;
  description?: string;
}
interface JsonSpec {
  title: string;
  tests: {
    projectName?: string;
    annotations?: JsonAnnotation[];
    results: {
      status: string;
      duration?: number;
      annotations?: JsonAnnotation[];
      errors?: { message?: string }[];
      error?: { message?: string };
    }[];
  }[];
}
export interface JsonSuite {
  title: string;
  specs?: JsonSpec[];
  suites?: JsonSuite[];
}
export interface JsonReport {
  suites?: JsonSuite[];
  errors?: { message?: string }[];
  stats?: { expected: number; unexpected: number; flaky: number; skipped: number };
}

// Playwright colours its messages; the tags must be found in plain text.
const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

export function clauseTags(text: string): string[] {
  return [...new Set([...text.replace(ansi, '').matchAll(/\[([A-Z0-9-]+)\]/g)].map((m) => m[1] ?? ''))].filter((id) =>
    clauseById.has(id),
  );
}

/** The clauses a failure speaks for: the tags in its messages, else (none there) the tags in its title. */
export function failureClauses(messages: readonly string[], title: string): string[] {
  const fromMessages = clauseTags(messages.join('\n'));
  return fromMessages.length > 0 ? fromMessages : clauseTags(title);
}

/**
 * Failed tests of the report (of one Playwright project when `project` is given), and passed tests that reported an
 * advisory finding: a defect of an advisory clause is killed when it is reported.
 */
export function failedTests(report: JsonReport, project?: string): FailedTest[] {
  const out: FailedTest[] = [];
  const visit = (suite: JsonSuite): void => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests) {
        if (project !== undefined && t.projectName !== project) continue;
        for (const r of t.results) {
          const advisories = [...(t.annotations ?? []), ...(r.annotations ?? [])]
            .filter((a) => a.type === advisoryAnnotation)
            .map((a) => a.description ?? '');
          if (r.status === 'passed' && advisories.length > 0) {
            out.push({
              title: spec.title,
              clauses: clauseTags(advisories.join('\n')),
              message: `advisory: ${advisories[0] ?? ''}`,
              advisory: true,
            });
          }
          if (r.status === 'passed' || r.status === 'skipped') continue;
          const messages = [...(r.errors ?? []), ...(r.error ? [r.error] : [])].map((e) =>
            (e.message ?? '').replace(ansi, ''),
          );
          const message = [...new Set(messages)].join('\n');
          out.push({
            title: spec.title,
            clauses: failureClauses([message], spec.title),
            message: message.split('\n')[0] ?? '',
          });
        }
      }
    }
    for (const child of suite.suites ?? []) visit(child);
  };
  for (const suite of report.suites ?? []) visit(suite);
  return out;
}
