// Compares two resolved OpenAPI documents and classes every change as breaking or harmless for existing clients.
// Direction matters: a request schema that gets stricter breaks clients' requests, a response schema that gets
// looser breaks clients' parsing. So each schema rule is written once as "tighter or looser" and then judged by
// whether the schema is read by the server (request) or by the client (response).
import { isObject } from '../../contract/validator/spec.ts';
import type { Json, JsonObject } from '../../contract/validator/spec.ts';

export type Severity = 'breaking' | 'harmless';

export interface Change {
  readonly severity: Severity;
  /** Where, with a JSONPath-like tail for schema nodes: `POST /api/auth/login request body application/json $.identifier`. */
  readonly where: string;
  readonly message: string;
}

type Direction = 'request' | 'response';

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const obj = (v: Json | undefined): JsonObject => (isObject(v) ? v : {});
const asList = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : []);
const same = (a: Json | undefined, b: Json | undefined): boolean => JSON.stringify(a) === JSON.stringify(b);
const show = (v: Json | undefined): string => (v === undefined ? 'none' : JSON.stringify(v));

/** A change that makes the schema accept more values (looser) or fewer (tighter). */
function judge(direction: Direction, effect: 'tighter' | 'looser'): Severity {
  return (direction === 'request') === (effect === 'tighter') ? 'breaking' : 'harmless';
}

class Collector {
  readonly changes: Change[] = [];
  add(severity: Severity, where: string, message: string): void {
    this.changes.push({ severity, where, message });
  }
}

export function compareSpecs(base: JsonObject, next: JsonObject): Change[] {
  const out = new Collector();
  if (!same(obj(base['info'])['version'], obj(next['info'])['version'])) {
    out.add(
      'harmless',
      'info.version',
      `${show(obj(base['info'])['version'])} -> ${show(obj(next['info'])['version'])}`,
    );
  }
  if (!same(base['servers'], next['servers'])) out.add('harmless', 'servers', 'server list changed');
  compareSecurity(out, 'security (global)', base['security'], next['security']);

  const basePaths = obj(base['paths']);
  const nextPaths = obj(next['paths']);
  for (const path of new Set([...Object.keys(basePaths), ...Object.keys(nextPaths)])) {
    for (const method of methods) {
      const a = obj(basePaths[path])[method];
      const b = obj(nextPaths[path])[method];
      const where = `${method.toUpperCase()} ${path}`;
      if (isObject(a) && !isObject(b)) out.add('breaking', where, 'operation removed');
      else if (!isObject(a) && isObject(b)) out.add('harmless', where, 'operation added');
      else if (isObject(a) && isObject(b)) {
        // Path-level parameters apply to every operation under the path.
        const withPathParams = (op: JsonObject, item: Json | undefined): JsonObject => ({
          ...op,
          parameters: [...asList(obj(item)['parameters']), ...asList(op['parameters'])],
        });
        compareOperation(out, where, withPathParams(a, basePaths[path]), withPathParams(b, nextPaths[path]));
      }
    }
  }
  return out.changes;
}

function compareSecurity(out: Collector, where: string, a: Json | undefined, b: Json | undefined): void {
  const empty = (v: Json | undefined): boolean => v === undefined || (Array.isArray(v) && v.length === 0);
  if (same(a, b) || (empty(a) && empty(b))) return;
  // New or different credentials are needed: clients break. Dropping the requirement does not break them.
  out.add(empty(b) ? 'harmless' : 'breaking', where, `security requirements ${show(a)} -> ${show(b)}`);
}

function compareText(out: Collector, where: string, a: JsonObject, b: JsonObject, keys: readonly string[]): void {
  for (const key of keys) {
    if (!same(a[key], b[key])) out.add('harmless', where, `${key} changed`);
  }
}

function compareOperation(out: Collector, where: string, a: JsonObject, b: JsonObject): void {
  compareText(out, where, a, b, ['summary', 'description', 'tags', 'externalDocs']);
  if (!same(a['operationId'], b['operationId'])) {
    out.add(
      'harmless',
      where,
      `operationId ${show(a['operationId'])} -> ${show(b['operationId'])} (generated client names change)`,
    );
  }
  if (a['deprecated'] !== true && b['deprecated'] === true) out.add('harmless', where, 'operation deprecated');
  if ('security' in a || 'security' in b) compareSecurity(out, `${where} security`, a['security'], b['security']);
  compareParameters(out, where, a['parameters'], b['parameters']);
  compareRequestBody(out, `${where} request body`, obj(a['requestBody']), obj(b['requestBody']));
  compareResponses(out, where, obj(a['responses']), obj(b['responses']));
}

function compareParameters(out: Collector, where: string, a: Json | undefined, b: Json | undefined): void {
  const index = (list: Json | undefined): Map<string, JsonObject> =>
    new Map(
      (Array.isArray(list) ? list : [])
        .filter(isObject)
        .map((p): [string, JsonObject] => [`${String(p['in'])}:${String(p['name'])}`, p]),
    );
  const before = index(a);
  const after = index(b);
  for (const [key, p] of before) {
    const q = after.get(key);
    const at = `${where} parameter ${key}`;
    if (!q) {
      out.add('breaking', at, 'parameter removed');
      continue;
    }
    if (p['required'] !== true && q['required'] === true) out.add('breaking', at, 'parameter became required');
    if (p['required'] === true && q['required'] !== true) out.add('harmless', at, 'parameter became optional');
    compareSchema(out, at, obj(p['schema']), obj(q['schema']), 'request');
    compareText(out, at, p, q, ['description']);
  }
  for (const [key, q] of after) {
    if (before.has(key)) continue;
    const at = `${where} parameter ${key}`;
    if (q['required'] === true) out.add('breaking', at, 'new required parameter');
    else out.add('harmless', at, 'new optional parameter');
  }
}

function compareRequestBody(out: Collector, where: string, a: JsonObject, b: JsonObject): void {
  if (Object.keys(a).length === 0 && Object.keys(b).length === 0) return;
  if (a['required'] !== true && b['required'] === true) out.add('breaking', where, 'request body became required');
  compareText(out, where, a, b, ['description']);
  compareContent(out, where, obj(a['content']), obj(b['content']), 'request');
}

function compareContent(out: Collector, where: string, a: JsonObject, b: JsonObject, direction: Direction): void {
  for (const mediaType of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const at = `${where} ${mediaType}`;
    const before = a[mediaType];
    const after = b[mediaType];
    if (isObject(before) && !isObject(after)) out.add('breaking', at, 'media type removed');
    else if (!isObject(before) && isObject(after)) {
      // A new request media type is an extra option; a new response media type may be sent to unaware clients.
      out.add(direction === 'request' ? 'harmless' : 'breaking', at, 'media type added');
    } else if (isObject(before) && isObject(after)) {
      compareSchema(out, `${at} $`, obj(before['schema']), obj(after['schema']), direction);
    }
  }
}

function compareResponses(out: Collector, where: string, a: JsonObject, b: JsonObject): void {
  for (const status of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const at = `${where} response ${status}`;
    const before = a[status];
    const after = b[status];
    if (isObject(before) && !isObject(after)) out.add('breaking', at, 'status removed');
    else if (!isObject(before) && isObject(after)) out.add('harmless', at, 'new status documented');
    else if (isObject(before) && isObject(after)) {
      compareText(out, at, before, after, ['description']);
      compareHeaders(out, at, obj(before['headers']), obj(after['headers']));
      compareContent(out, at, obj(before['content']), obj(after['content']), 'response');
    }
  }
}

function compareHeaders(out: Collector, where: string, a: JsonObject, b: JsonObject): void {
  for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const at = `${where} header ${name}`;
    if (isObject(a[name]) && !isObject(b[name])) out.add('breaking', at, 'response header removed');
    else if (!isObject(a[name]) && isObject(b[name])) out.add('harmless', at, 'response header added');
    else compareSchema(out, at, obj(obj(a[name])['schema']), obj(obj(b[name])['schema']), 'response');
  }
}

// Bounds: for max* a smaller value (or a new bound) is tighter; for min* a larger one is.
const upperBounds = ['maxLength', 'maximum', 'exclusiveMaximum', 'maxItems', 'maxProperties'] as const;
const lowerBounds = ['minLength', 'minimum', 'exclusiveMinimum', 'minItems', 'minProperties'] as const;

function compareSchema(out: Collector, where: string, a: JsonObject, b: JsonObject, dir: Direction): void {
  if (same(a, b)) return;
  if ('$circular' in a || '$circular' in b) {
    if (!same(a['$circular'], b['$circular'])) out.add('breaking', where, 'recursive schema reference changed');
    return;
  }
  compareText(out, where, a, b, ['description', 'title', 'example', 'examples']);

  if (!same(a['type'], b['type'])) {
    out.add('breaking', where, `type ${show(a['type'])} -> ${show(b['type'])}`);
    return; // the rest of the schema describes a different kind of value
  }
  if (!same(a['format'], b['format'])) {
    // Dropping a format loosens a request but changes what response consumers may receive.
    const severity = a['format'] !== undefined && b['format'] === undefined ? judge(dir, 'looser') : 'breaking';
    out.add(severity, where, `format ${show(a['format'])} -> ${show(b['format'])}`);
  }
  if (a['nullable'] !== b['nullable']) {
    out.add(
      judge(dir, b['nullable'] === true ? 'looser' : 'tighter'),
      where,
      `nullable ${show(a['nullable'])} -> ${show(b['nullable'])}`,
    );
  }
  if (!same(a['pattern'], b['pattern'])) {
    const effect = b['pattern'] === undefined ? 'looser' : 'tighter';
    out.add(judge(dir, effect), where, `pattern ${show(a['pattern'])} -> ${show(b['pattern'])}`);
  }
  for (const key of upperBounds) compareBound(out, where, key, a[key], b[key], 'upper', dir);
  for (const key of lowerBounds) compareBound(out, where, key, a[key], b[key], 'lower', dir);
  compareEnum(out, where, a['enum'], b['enum'], dir);
  if (a['deprecated'] !== true && b['deprecated'] === true) out.add('harmless', where, 'deprecated');
  if (a['readOnly'] !== b['readOnly'] || a['writeOnly'] !== b['writeOnly']) {
    out.add('breaking', where, 'readOnly/writeOnly changed');
  }
  for (const key of ['allOf', 'oneOf', 'anyOf', 'not'] as const) {
    if (!same(a[key], b[key])) out.add('breaking', where, `${key} changed (composition: review by hand)`);
  }
  if (isObject(a['items']) || isObject(b['items'])) {
    compareSchema(out, `${where}[]`, obj(a['items']), obj(b['items']), dir);
  }
  compareProperties(out, where, a, b, dir);
}

function compareBound(
  out: Collector,
  where: string,
  key: string,
  a: Json | undefined,
  b: Json | undefined,
  kind: 'upper' | 'lower',
  dir: Direction,
): void {
  if (same(a, b)) return;
  let effect: 'tighter' | 'looser';
  if (typeof a !== 'number') effect = 'tighter';
  else if (typeof b !== 'number') effect = 'looser';
  else effect = (kind === 'upper') === b < a ? 'tighter' : 'looser';
  out.add(judge(dir, effect), where, `${key} ${show(a)} -> ${show(b)}`);
}

function compareEnum(out: Collector, where: string, a: Json | undefined, b: Json | undefined, dir: Direction): void {
  if (same(a, b)) return;
  const before = Array.isArray(a) ? a.map((v) => JSON.stringify(v)) : undefined;
  const after = Array.isArray(b) ? b.map((v) => JSON.stringify(v)) : undefined;
  const removed = before && after ? before.filter((v) => !after.includes(v)) : [];
  const added = before && after ? after.filter((v) => !before.includes(v)) : [];
  if (!before) out.add(judge(dir, 'tighter'), where, `enum added ${show(b)}`);
  else if (!after) out.add(judge(dir, 'looser'), where, `enum removed (was ${show(a)})`);
  else {
    if (removed.length > 0) out.add(judge(dir, 'tighter'), where, `enum narrowed: removed ${removed.join(', ')}`);
    if (added.length > 0) out.add(judge(dir, 'looser'), where, `enum extended: added ${added.join(', ')}`);
  }
}

function compareProperties(out: Collector, where: string, a: JsonObject, b: JsonObject, dir: Direction): void {
  const before = obj(a['properties']);
  const after = obj(b['properties']);
  const requiredBefore = new Set((Array.isArray(a['required']) ? a['required'] : []).map(String));
  const requiredAfter = new Set((Array.isArray(b['required']) ? b['required'] : []).map(String));
  const removed = Object.keys(before).filter((k) => !(k in after));
  const added = Object.keys(after).filter((k) => !(k in before));

  for (const name of removed) {
    // Same schema under a new name: report it as the rename it most likely is.
    const twin = added.find((candidate) => same(before[name], after[candidate]));
    const message = twin ? `field renamed to "${twin}"` : 'field removed';
    out.add('breaking', `${where}.${name}`, requiredBefore.has(name) ? `required ${message}` : message);
  }
  for (const name of added) {
    const renamedFrom = removed.find((old) => same(before[old], after[name]));
    if (renamedFrom) continue;
    const required = requiredAfter.has(name);
    if (dir === 'request') {
      out.add(
        required ? 'breaking' : 'harmless',
        `${where}.${name}`,
        required ? 'new required field' : 'new optional field',
      );
    } else {
      out.add('harmless', `${where}.${name}`, required ? 'new field (always present)' : 'new optional field');
    }
  }
  for (const name of Object.keys(before).filter((k) => k in after)) {
    const at = `${where}.${name}`;
    if (!requiredBefore.has(name) && requiredAfter.has(name)) {
      out.add(judge(dir, 'tighter'), at, dir === 'request' ? 'field became required' : 'field now always present');
    }
    if (requiredBefore.has(name) && !requiredAfter.has(name)) {
      out.add(
        judge(dir, 'looser'),
        at,
        dir === 'request' ? 'field became optional' : 'required response field may now be absent',
      );
    }
    compareSchema(out, at, obj(before[name]), obj(after[name]), dir);
  }
  // A required name with no property schema (allowed in JSON Schema) still changes what must be sent/received.
  for (const name of requiredAfter) {
    if (!requiredBefore.has(name) && !(name in after) && dir === 'request') {
      out.add('breaking', `${where}.${name}`, 'new required field');
    }
  }
  compareAdditional(out, where, a['additionalProperties'], b['additionalProperties'], dir);
}

/** additionalProperties: absent/true allows anything, false allows nothing, a schema allows values of that shape. */
function compareAdditional(
  out: Collector,
  where: string,
  a: Json | undefined,
  b: Json | undefined,
  dir: Direction,
): void {
  const openness = (v: Json | undefined): number =>
    v === false ? 0 : isObject(v) && Object.keys(v).length > 0 ? 1 : 2;
  const before = openness(a);
  const after = openness(b);
  if (before === after) {
    if (isObject(a) && isObject(b)) compareSchema(out, `${where}.*`, a, b, dir);
    return;
  }
  const effect = after < before ? 'tighter' : 'looser';
  out.add(
    judge(dir, effect),
    where,
    `additionalProperties ${effect === 'tighter' ? 'tightened' : 'loosened'}: ${show(a ?? true)} -> ${show(b ?? true)}`,
  );
}
