// spec:diff on the two fixture edits of the pinned contract, rule by rule on minimal specs, and on bad input.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { compareSpecs } from '../compare.ts';
import type { Change } from '../compare.ts';
import { dereference, loadSpec, resolveRefs } from '../../../contract/validator/spec.ts';
import type { JsonObject } from '../../../contract/validator/spec.ts';
import { main, pinnedSpec } from '../main.ts';

const fixtures = 'tools/spec-diff/test/fixtures';
const breakingEdit = join(fixtures, 'breaking-edit.yaml');
const harmlessEdit = join(fixtures, 'harmless-edit.yaml');
const tmp = mkdtempSync(join(tmpdir(), 'spec-diff-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function run(argv: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const summary = (changes: Change[]): string[] => changes.map((c) => `${c.severity} ${c.where}: ${c.message}`);

describe('fixture edits of the pinned contract', () => {
  test('the pinned contract against itself: no differences, exit 0', () => {
    const { code, stdout } = run([pinnedSpec]);
    assert.equal(code, 0);
    assert.match(stdout, /no differences/);
  });

  test('breaking edit: exit 1 and each breaking change named', () => {
    const { code, stdout } = run([breakingEdit]);
    assert.equal(code, 1, stdout);
    const op = 'POST /api/auth/login';
    for (const line of [
      `BREAKING  ${op} request body application/json $.identifier: required field renamed to "email"`,
      `BREAKING  ${op} request body application/json $.tenant: new required field`,
      `BREAKING  ${op} response 502: status removed`,
      `BREAKING  ${op} response 401 application/json $.status: format "int32" -> "int64"`,
      `BREAKING  ${op} response 200 application/json $.jwt: required response field may now be absent`,
    ]) {
      assert.ok(stdout.includes(line), `missing: ${line}\n${stdout}`);
    }
    assert.doesNotMatch(stdout, /^harmless/m);
  });

  test('harmless edit: exit 0, only harmless changes, each named', () => {
    const { code, stdout } = run([harmlessEdit]);
    assert.equal(code, 0, stdout);
    assert.doesNotMatch(stdout, /BREAKING/);
    assert.match(stdout, /response 200 application\/json \$\.refreshToken: new optional field/);
    assert.match(stdout, /response 429: new status documented/);
    assert.match(stdout, /\$\.jwt: description changed/);
    assert.match(stdout, /0 breaking, 5 harmless/);
  });

  test('a JSON document compares the same as its YAML form', () => {
    const asJson = join(tmp, 'breaking-edit.json');
    writeFileSync(asJson, JSON.stringify(dereference(loadSpec(breakingEdit, { checkSchema: false }))));
    const yaml = run(['--format', 'json', breakingEdit]);
    const json = run(['--format', 'json', asJson]);
    assert.equal(json.code, 1);
    assert.deepEqual(JSON.parse(json.stdout).changes, JSON.parse(yaml.stdout).changes);
  });

  test('markdown output is a table for job summaries', () => {
    const { stdout } = run(['--format', 'markdown', breakingEdit]);
    assert.match(stdout, /^\| class \| where \| change \|$/m);
    assert.match(stdout, /\| \*\*breaking\*\* \| `POST \/api\/auth\/login response 502` \| status removed \|/);
  });
});

// A minimal spec: one operation whose request and 200 response schemas the test chooses.
function spec(request: JsonObject, response: JsonObject, statuses: string[] = ['200']): JsonObject {
  const responses = Object.fromEntries(
    statuses.map((s) => [s, { description: s, content: { 'application/json': { schema: response } } }]),
  );
  return {
    openapi: '3.0.3',
    info: { title: 't', version: '1' },
    paths: {
      '/login': {
        post: { requestBody: { content: { 'application/json': { schema: request } } }, responses },
      },
    },
  };
}
const str = { type: 'string' };
function withPathParameter(doc: JsonObject, parameter: JsonObject): JsonObject {
  const paths = doc['paths'] as JsonObject;
  return { ...doc, paths: { '/login': { ...(paths['/login'] as JsonObject), parameters: [parameter] } } };
}
const obj = (properties: JsonObject, extra: JsonObject = {}): JsonObject => ({ type: 'object', properties, ...extra });

// [name, base spec, next spec, expected "severity where: message" lines]
const rules: [string, JsonObject, JsonObject, string[]][] = [
  [
    'request enum narrowing is breaking',
    spec(obj({ kind: { type: 'string', enum: ['a', 'b'] } }), obj({})),
    spec(obj({ kind: { type: 'string', enum: ['a'] } }), obj({})),
    ['breaking POST /login request body application/json $.kind: enum narrowed: removed "b"'],
  ],
  [
    'response enum extension is breaking (clients meet a value they do not know)',
    spec(obj({}), obj({ state: { type: 'string', enum: ['ok'] } })),
    spec(obj({}), obj({ state: { type: 'string', enum: ['ok', 'locked'] } })),
    ['breaking POST /login response 200 application/json $.state: enum extended: added "locked"'],
  ],
  [
    'request additionalProperties tightened is breaking',
    spec(obj({ a: str }), obj({})),
    spec(obj({ a: str }, { additionalProperties: false }), obj({})),
    ['breaking POST /login request body application/json $: additionalProperties tightened: true -> false'],
  ],
  [
    'response additionalProperties loosened is breaking',
    spec(obj({}), obj({ a: str }, { additionalProperties: false })),
    spec(obj({}), obj({ a: str }, { additionalProperties: true })),
    ['breaking POST /login response 200 application/json $: additionalProperties loosened: false -> true'],
  ],
  [
    'type change is breaking',
    spec(obj({}), obj({ n: { type: 'integer' } })),
    spec(obj({}), obj({ n: { type: 'string' } })),
    ['breaking POST /login response 200 application/json $.n: type "integer" -> "string"'],
  ],
  [
    'request maxLength added is breaking, response maxLength added is harmless',
    spec(obj({ p: str }), obj({ p: str })),
    spec(obj({ p: { type: 'string', maxLength: 64 } }), obj({ p: { type: 'string', maxLength: 64 } })),
    [
      'breaking POST /login request body application/json $.p: maxLength none -> 64',
      'harmless POST /login response 200 application/json $.p: maxLength none -> 64',
    ],
  ],
  [
    'new optional request field is harmless, new required one is breaking',
    spec(obj({}), obj({})),
    spec(obj({ opt: str, req: str }, { required: ['req'] }), obj({})),
    [
      'harmless POST /login request body application/json $.opt: new optional field',
      'breaking POST /login request body application/json $.req: new required field',
    ],
  ],
  [
    'removed response field is breaking, even when optional',
    spec(obj({}), obj({ gone: str })),
    spec(obj({}), obj({})),
    ['breaking POST /login response 200 application/json $.gone: field removed'],
  ],
  [
    'nested array items are compared',
    spec(obj({}), obj({ list: { type: 'array', items: obj({ ip: str }) } })),
    spec(obj({}), obj({ list: { type: 'array', items: obj({ ip: { type: 'integer' } }) } })),
    ['breaking POST /login response 200 application/json $.list[].ip: type "string" -> "integer"'],
  ],
  [
    'a new required path-level parameter is breaking for the operation under it',
    spec(obj({}), obj({})),
    withPathParameter(spec(obj({}), obj({})), { name: 'X-Tenant', in: 'header', required: true, schema: str }),
    ['breaking POST /login parameter header:X-Tenant: new required parameter'],
  ],
  [
    'removed operation is breaking',
    spec(obj({}), obj({})),
    { openapi: '3.0.3', info: { title: 't', version: '1' }, paths: {} },
    ['breaking POST /login: operation removed'],
  ],
  [
    'newly documented status is harmless, removed status is breaking',
    spec(obj({}), obj({}), ['200', '502']),
    spec(obj({}), obj({}), ['200', '429']),
    ['breaking POST /login response 502: status removed', 'harmless POST /login response 429: new status documented'],
  ],
];

describe('rules, one minimal edit each', () => {
  for (const [name, base, next, expected] of rules) {
    test(name, () => {
      assert.deepEqual(summary(compareSpecs(base, next)).sort(), [...expected].sort());
    });
  }

  test('$refs are resolved and a recursive schema does not loop', () => {
    const doc: JsonObject = {
      openapi: '3.0.3',
      paths: {},
      components: {
        schemas: { Node: { type: 'object', properties: { child: { $ref: '#/components/schemas/Node' } } } },
      },
    };
    const resolved = resolveRefs(doc, 'mem');
    const node = JSON.stringify(resolved['components']);
    assert.match(
      node,
      /"child":\{"type":"object","properties":\{"child":\{"\$circular":"#\/components\/schemas\/Node"\}/,
    );
  });
});

describe('bad input: exit 2, one line naming the problem, nothing on stdout', () => {
  const notOpenApi = join(tmp, 'not-openapi.yaml');
  const unparsable = join(tmp, 'broken.yaml');
  const danglingRef = join(tmp, 'dangling.yaml');
  writeFileSync(notOpenApi, 'name: just yaml\n');
  writeFileSync(unparsable, 'openapi: 3.0.3\npaths: {\n');
  writeFileSync(danglingRef, JSON.stringify(spec({ $ref: '#/components/schemas/Missing' }, obj({}))));
  const cases: [string, string[], RegExp][] = [
    ['missing file', ['no/such/spec.yaml'], /no\/such\/spec\.yaml: cannot read the file \(ENOENT\)/],
    ['unparsable YAML', [unparsable], /broken\.yaml: not valid YAML\/JSON/],
    ['not an OpenAPI document', [notOpenApi], /not an OpenAPI 3\.x document/],
    ['dangling $ref', [danglingRef], /\$ref "#\/components\/schemas\/Missing" points at nothing/],
    ['no spec given', [], /expected exactly one newer spec file, got 0/],
    ['unknown flag', ['--bogus', harmlessEdit], /Unknown option '--bogus'; usage:/],
    ['unknown format', ['--format', 'html', harmlessEdit], /--format must be one of text, markdown, json/],
  ];
  for (const [name, argv, message] of cases) {
    test(name, () => {
      const { code, stdout, stderr } = run(argv);
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.match(stderr, message);
      assert.equal(stderr.trimEnd().split('\n').length, 1, stderr);
    });
  }
});

describe('the npm script wiring (real process, real exit codes)', () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ['--import', './cli/ts-register.js', 'cli/spec-diff.ts', ...args], {
      encoding: 'utf8',
      timeout: 60_000,
    });
  test('exit 1 on the breaking edit, 0 on the harmless one, 2 on a missing file', () => {
    assert.equal(cli([breakingEdit]).status, 1);
    assert.equal(cli([harmlessEdit]).status, 0);
    const missing = cli(['missing.yaml']);
    assert.equal(missing.status, 2);
    assert.equal(missing.stderr.trim().split('\n').length, 1, missing.stderr);
  });
});
