// Generated negative testing (fast-check), driven by the request schema of the pinned spec: schema-violating bodies
// must get a documented 400, valid-shaped bodies with random credentials a documented 401 — nothing undocumented,
// ever. The seed is printed and recorded (Allure parameter, annotation) so a failure replays exactly:
//   CONTRACT_FC_SEED=<seed> npm run contract -- --grep generated
import fc from 'fast-check';
import * as allure from 'allure-js-commons';
import { clauseTag } from '../clauses.ts';
import type { ClauseId } from '../clauses.ts';
import { loginOperationId, responseIsDocumented } from '../checks/documented.ts';
import { errorStatusMatches, statusIs } from '../checks/errors.ts';
import { describeFailure } from '../checks/result.ts';
import type { CheckResult } from '../checks/result.ts';
import { errorRevealsNoInternals, responseHasNoPassword } from '../checks/security.ts';
import { invalidBodies, validShapedBodies } from '../generators/request-bodies.ts';
import type { ObjectSchema } from '../generators/request-bodies.ts';
import { redactText } from '../../core/redact.ts';
import type { Exchange } from '../support/http.ts';
import { holdsUnderPolicy } from '../support/matchers.ts';
import { test } from '../support/test.ts';
import type { LoginApi } from '../support/test.ts';
import type { SuiteContext } from '../support/context.ts';

const invalidRuns = 180;
const validRuns = 30; // each costs the target a password hash verification

function seedFromEnv(): number {
  const raw = process.env.CONTRACT_FC_SEED;
  if (raw === undefined || raw === '') return Math.floor(Math.random() * 2 ** 31);
  const seed = Number(raw);
  if (!Number.isInteger(seed))
    throw new Error(`CONTRACT_FC_SEED="${raw}" must be an integer (the seed a previous run printed)`);
  return seed;
}

/**
 * Throws a clause-tagged error when a check fails on a gating clause, so fast-check shrinks on it and the report
 * attributes it; an advisory finding is recorded instead (holdsUnderPolicy).
 */
function require(result: CheckResult): void {
  if (!holdsUnderPolicy(result)) throw new Error(describeFailure(result));
}

function requireDocumented(suite: SuiteContext, exchange: Exchange): void {
  for (const r of responseIsDocumented(suite.validator, exchange.response, loginOperationId).results) require(r);
}

async function recordSeed(seed: number, runs: number): Promise<void> {
  const info = test.info();
  info.annotations.push({
    type: 'fast-check seed',
    description: `${seed} (replay: CONTRACT_FC_SEED=${seed} npm run contract -- --grep generated)`,
  });
  await allure.parameter('fast-check seed', String(seed));
  await allure.parameter('fast-check runs', String(runs));
  console.log(`fast-check seed ${seed} for "${info.title}" (${runs} runs)`);
}

async function runProperty<T>(
  seed: number,
  runs: number,
  arbitrary: fc.Arbitrary<T>,
  property: (value: T) => Promise<void>,
  clause: ClauseId,
  render: (value: T) => string,
  secrets: readonly string[],
): Promise<void> {
  const details = await fc.check(fc.asyncProperty(arbitrary, property), { seed, numRuns: runs, endOnFailure: false });
  if (!details.failed) return;
  const minimal = details.counterexample?.[0];
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  const example = minimal === undefined ? '(none)' : redactText(render(minimal), secrets);
  await test.info().attach('minimal counterexample (shrunk)', { body: example, contentType: 'text/plain' });
  const tagged = /\[[A-Z0-9-]+\]/.test(cause) ? cause : `${clauseTag(clause)} ${cause}`;
  throw new Error(
    `${tagged}\nminimal counterexample after ${details.numShrinks} shrinks: ${example.slice(0, 300)}\nreplay: CONTRACT_FC_SEED=${seed} npm run contract -- --grep generated (fast-check seed ${seed}, path ${details.counterexamplePath ?? ''})`,
  );
}

async function post(api: LoginApi, text: string): Promise<Exchange> {
  return api.call('generated body', { body: text, attach: false, step: false });
}

test.describe('generated requests (fast-check, from the spec request schema)', () => {
  test(`${clauseTag('REQUEST-VALIDATION')} ${clauseTag('DUPLICATE-KEYS')} generated: ${invalidRuns} schema-violating bodies each get a documented 400`, async ({
    api,
    suite,
  }) => {
    const seed = seedFromEnv();
    await recordSeed(seed, invalidRuns);
    const schema = suite.validator.requestSchema(loginOperationId) as ObjectSchema;
    const marker = 'Generated-Marker-Passw0rd!';
    await runProperty(
      seed,
      invalidRuns,
      invalidBodies(schema),
      async (body) => {
        // The oracle is the spec itself: a body the generator calls invalid must be refused by the request schema.
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.text);
        } catch {
          parsed = undefined;
        }
        if (
          parsed !== undefined &&
          !body.kind.startsWith('duplicate') &&
          suite.validator.validateRequestBody(loginOperationId, parsed).length === 0
        ) {
          throw new Error(`generator bug: "${body.kind}" produced a body the request schema accepts`);
        }
        const exchange = await post(api, body.text);
        requireDocumented(suite, exchange);
        // A repeated key is valid JSON the document says nothing about: its own (hardening) clause, judged by policy.
        const clause = body.kind.startsWith('duplicate') ? 'DUPLICATE-KEYS' : 'REQUEST-VALIDATION';
        require(statusIs(clause, 400, exchange.response.status, body.kind));
        require(errorStatusMatches(exchange.response.status, exchange.response.text));
        require(errorRevealsNoInternals(exchange.response));
        require(responseHasNoPassword(exchange.response, marker));
      },
      'REQUEST-VALIDATION',
      (body) => `${body.kind}: ${body.text}`,
      suite.secrets,
    );
  });

  test(`${clauseTag('AUTH-REJECTS-BAD-CREDENTIALS')} generated: ${validRuns} valid-shaped bodies with random credentials each get a documented 401`, async ({
    api,
    suite,
  }) => {
    const seed = seedFromEnv();
    await recordSeed(seed, validRuns);
    const schema = suite.validator.requestSchema(loginOperationId) as ObjectSchema;
    await runProperty(
      seed,
      validRuns,
      validShapedBodies(schema).filter((b) => b.identifier !== api.identifier && b.identifier !== api.probe.identifier),
      async (body) => {
        if (suite.validator.validateRequestBody(loginOperationId, body).length > 0) {
          throw new Error('generator bug: a valid-shaped body breaks the request schema');
        }
        const exchange = await post(api, JSON.stringify(body));
        requireDocumented(suite, exchange);
        require(statusIs('AUTH-REJECTS-BAD-CREDENTIALS', 401, exchange.response.status, 'random credentials'));
        require(errorStatusMatches(exchange.response.status, exchange.response.text));
        require(errorRevealsNoInternals(exchange.response));
        if (typeof body.password === 'string' && body.password.length >= 4)
          require(responseHasNoPassword(exchange.response, body.password));
      },
      'AUTH-REJECTS-BAD-CREDENTIALS',
      (body) => JSON.stringify(body),
      suite.secrets,
    );
  });
});
