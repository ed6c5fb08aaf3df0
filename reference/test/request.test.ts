import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hasDuplicateTopLevelKey, isJsonMediaType, parseLoginRequest } from '../request.ts';

const parse = (text: string, contentType: string | null = 'application/json') =>
  parseLoginRequest({
    contentType: contentType ?? undefined,
    body: Buffer.from(text),
    tooLarge: false,
    maxBodyBytes: 16384,
  });

describe('login request validation', () => {
  test('accepts exactly {identifier, password} strings, empty strings included', () => {
    assert.deepEqual(parse('{"identifier":"a@b.c","password":""}'), {
      ok: true,
      credentials: { identifier: 'a@b.c', password: '' },
    });
  });

  test('names each problem', () => {
    const problem = (text: string, contentType?: string | null) => {
      const result = parse(text, contentType);
      return result.ok ? 'ok' : result.problem;
    };
    assert.equal(problem('{"identifier":"a","password":"b"}', 'text/plain'), 'content-type');
    assert.equal(problem('{', null), 'content-type');
    assert.equal(problem('{'), 'malformed-json');
    assert.equal(problem('[]'), 'not-object');
    assert.equal(problem('{"identifier":"a"}'), 'missing-field');
    assert.equal(problem('{"identifier":"a","password":1}'), 'wrong-type');
    assert.equal(problem('{"identifier":"a","password":"b","x":1}'), 'extra-property');
    assert.equal(problem('{"identifier":"a","password":"b","identifier":"c"}'), 'duplicate-key');
  });

  test('lenient problems pass through (what the defect catalog uses)', () => {
    const result = parseLoginRequest(
      {
        contentType: 'text/plain',
        body: Buffer.from('{"identifier":1,"password":"b","x":1}'),
        tooLarge: false,
        maxBodyBytes: 1,
      },
      new Set(['content-type', 'wrong-type', 'extra-property']),
    );
    assert.deepEqual(result, { ok: true, credentials: { identifier: '1', password: 'b' } });
  });

  test('messages never quote the body', () => {
    const result = parse('{"identifier":"a","password":"S3cret-Value","S3cret-Value":1}');
    assert.equal(result.ok, false);
    assert.ok(!JSON.stringify(result).includes('S3cret-Value'));
  });
});

describe('duplicate top-level keys', () => {
  const cases: [string, boolean][] = [
    ['{"a":1,"b":2}', false],
    ['{"a":1,"a":2}', true],
    ['{"a":{"x":1,"x":2}}', false], // nested: not the request object's keys
    ['{"a":"\\"b\\":1,","b":1}', false], // a key-like text inside a string value
    ['{"a":[{"b":1},{"b":2}],"b":1}', false],
    ['{"\\u0061":1,"a":2}', true], // escaped spelling of the same key
    ['{ "a" : 1 , "a" : 2 }', true],
  ];
  for (const [text, expected] of cases) {
    test(`${text} -> ${expected}`, () => assert.equal(hasDuplicateTopLevelKey(text), expected));
  }
});

describe('media type', () => {
  const cases: [string | undefined, boolean][] = [
    ['application/json', true],
    ['Application/JSON', true],
    ['application/json; charset=utf-8', true],
    ['application/json;charset="UTF-8"', true],
    ['application/json; charset=latin1', false],
    ['application/jsonp', false],
    ['application/problem+json', false],
    ['text/plain', false],
    [undefined, false],
  ];
  for (const [header, expected] of cases) {
    test(`${String(header)} -> ${expected}`, () => assert.equal(isJsonMediaType(header), expected));
  }
});
