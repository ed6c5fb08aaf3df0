// Validates an HTTP response against the pinned OpenAPI document: status lookup (exact -> range -> default),
// $ref'd responses, media types, documented headers and the body schema (Ajv 8 + ajv-formats). It only reads
// what it is given: bodies are parsed from text or validated as passed, never coerced, defaulted or pruned.
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { addFormats } from './spec.ts';
import type { LoadedSpec } from './spec.ts';
import { describeValue } from '../../core/redact.ts';
import { jsonPath, pointerSegments } from '../../core/json-path.ts';

export interface HttpResponseLike {
  readonly status: number;
  /** Header names in any case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The raw body text ('' when empty). */
  readonly text: string;
}

export type ViolationKind = 'status' | 'content-type' | 'header' | 'body';

export interface Violation {
  readonly kind: ViolationKind;
  /** JSON path of the offending value, e.g. `$.session.expires_at` (or `header content-type`). */
  readonly path: string;
  /** The schema keyword (or rule) that failed, e.g. `format`, `required`, `media-type`. */
  readonly keyword: string;
  /** The offending value, redacted when it is a secret. */
  readonly value: string;
  /** JSON pointer into the OpenAPI document of the rule that failed. */
  readonly schemaPath: string;
  readonly message: string;
}

export interface DocumentedResponse {
  readonly operationId: string;
  /** As written in the document: `200`, `4XX` or `default`. */
  readonly status: string;
  /** `''` when the response documents no content. */
  readonly mediaType: string;
}

export interface ValidationResult {
  readonly ok: boolean;
  readonly operationId: string;
  readonly status: number;
  /** Which documented response was used (`200`, `4XX`, `default`), undefined if none applies. */
  readonly responseKey: string | undefined;
  /** The documented media type the response was checked against. */
  readonly mediaType: string | undefined;
  /** The body as parsed (JSON) — a fresh value, handy for later semantic checks. */
  readonly body: unknown;
  readonly violations: readonly Violation[];
}

interface Operation {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly pointer: string;
  readonly node: Record<string, unknown>;
}

export const SPEC_ID = 'urn:contract:openapi';
const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
// OpenAPI fields that are not JSON Schema keywords but appear in the documents Ajv reads.
export const openApiVocabulary = [
  'openapi',
  'info',
  'servers',
  'paths',
  'components',
  'tags',
  'security',
  'externalDocs',
  'example',
  'xml',
  'discriminator',
];

/** No coercion, no defaults, no removal: validation must not change what it looks at. */
export const ajvOptions = {
  allErrors: true,
  strict: false,
  logger: false,
  coerceTypes: false,
  useDefaults: false,
} as const;

export class ResponseValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly operations: readonly Operation[];

  constructor(
    readonly spec: LoadedSpec,
    private readonly secrets: readonly string[] = [],
  ) {
    this.ajv = new Ajv(ajvOptions);
    addFormats(this.ajv);
    this.ajv.addVocabulary(openApiVocabulary);
    this.ajv.addSchema(structuredClone(spec.doc) as object, SPEC_ID);
    this.operations = listOperations(spec.doc.paths);
  }

  operationIds(): string[] {
    return this.operations.map((o) => o.operationId);
  }

  operation(operationId: string): { method: string; path: string } {
    const op = this.findOperation(operationId);
    return { method: op.method, path: op.path };
  }

  /** Every (operation, status, media type) the document promises: the universe of the coverage gate. */
  documentedResponses(operationId?: string): DocumentedResponse[] {
    const ops = operationId === undefined ? this.operations : [this.findOperation(operationId)];
    return ops.flatMap((op) =>
      Object.keys(this.responsesOf(op)).flatMap((status) => {
        const { node } = this.responseAt(op, status);
        const types = Object.keys((node.content as Record<string, unknown> | undefined) ?? {});
        return (types.length > 0 ? types : ['']).map((mediaType) => ({
          operationId: op.operationId,
          status,
          mediaType,
        }));
      }),
    );
  }

  /**
   * The schemas a response body of an operation is checked against, one per documented (status, media type), each
   * as a JSON pointer into the document with response `$ref`s followed (for the load side's generated validator).
   */
  responseSchemaPointers(operationId: string): { status: string; mediaType: string; pointer: string }[] {
    const op = this.findOperation(operationId);
    return Object.keys(this.responsesOf(op)).flatMap((status) => {
      const { node, pointer } = this.responseAt(op, status);
      const content = (node.content as Record<string, Record<string, unknown>> | undefined) ?? {};
      return Object.keys(content)
        .filter((mediaType) => content[mediaType]?.schema !== undefined)
        .map((mediaType) => ({ status, mediaType, pointer: `${pointer}/content/${escapePointer(mediaType)}/schema` }));
    });
  }

  /** The request body schema of an operation's JSON media type, with every `$ref` resolved (for generators). */
  requestSchema(operationId: string, mediaType = 'application/json'): Record<string, unknown> {
    const op = this.findOperation(operationId);
    const body = this.deref(`${op.pointer}/requestBody`);
    const pointer = `${body.pointer}/content/${escapePointer(mediaType)}/schema`;
    if (this.get(pointer) === undefined) throw new Error(`${operationId} documents no ${mediaType} request body`);
    return this.inline(pointer, new Set()) as Record<string, unknown>;
  }

  /** Validates a request body against the operation's documented request schema (the oracle for generated bodies). */
  validateRequestBody(operationId: string, body: unknown, mediaType = 'application/json'): readonly Violation[] {
    const op = this.findOperation(operationId);
    const requestBody = this.deref(`${op.pointer}/requestBody`);
    const pointer = `${requestBody.pointer}/content/${escapePointer(mediaType)}/schema`;
    return this.schemaViolations(pointer, body);
  }

  validate(operationId: string, response: HttpResponseLike): ValidationResult {
    const op = this.findOperation(operationId);
    const headers = lowerCaseKeys(response.headers);
    const responseKey = pickResponseKey(Object.keys(this.responsesOf(op)), response.status);
    const base = { operationId, status: response.status, responseKey } as const;
    if (responseKey === undefined) {
      const documented = Object.keys(this.responsesOf(op)).join(', ');
      const message = `status ${response.status} is not documented for ${operationId} (documented: ${documented})`;
      return {
        ...base,
        ok: false,
        mediaType: undefined,
        body: undefined,
        violations: [
          violation(
            'status',
            '$status',
            'documented-status',
            String(response.status),
            `${op.pointer}/responses`,
            message,
          ),
        ],
      };
    }
    const { node, pointer } = this.responseAt(op, responseKey);
    const violations: Violation[] = [...this.headerViolations(node, pointer, headers)];
    const content = (node.content as Record<string, unknown> | undefined) ?? {};
    const documentedTypes = Object.keys(content);
    const contentType = headers['content-type'];
    if (documentedTypes.length === 0) {
      if (response.text !== '') {
        violations.push(
          violation(
            'body',
            '$',
            'content',
            describeValue(response.text, undefined, this.secrets),
            `${pointer}`,
            `response ${responseKey} documents no content but the body is not empty`,
          ),
        );
      }
      return { ...base, ok: violations.length === 0, mediaType: '', body: undefined, violations };
    }
    const mediaType = matchMediaType(contentType, documentedTypes);
    if (mediaType === undefined) {
      violations.push(
        violation(
          'content-type',
          'header content-type',
          'media-type',
          JSON.stringify(contentType ?? null),
          `${pointer}/content`,
          `Content-Type ${contentType === undefined ? 'is missing' : `"${contentType}"`} but ${responseKey} documents ${documentedTypes.join(', ')}`,
        ),
      );
      return { ...base, ok: false, mediaType: undefined, body: undefined, violations };
    }
    let body: unknown = response.text;
    if (isJsonMediaType(mediaType)) {
      try {
        body = JSON.parse(response.text);
      } catch {
        violations.push(
          violation(
            'body',
            '$',
            'json',
            describeValue(response.text, undefined, this.secrets),
            `${pointer}/content`,
            `the body is not valid JSON although Content-Type is ${contentType ?? ''}`,
          ),
        );
        return { ...base, ok: false, mediaType, body: undefined, violations };
      }
    }
    const schemaPointer = `${pointer}/content/${escapePointer(mediaType)}/schema`;
    if (this.get(schemaPointer) !== undefined) violations.push(...this.schemaViolations(schemaPointer, body));
    return { ...base, ok: violations.length === 0, mediaType, body, violations };
  }

  /** Schema-only validation of an already parsed body for (operation, status key, media type). */
  validateBody(operationId: string, status: number, body: unknown, mediaType = 'application/json'): ValidationResult {
    const op = this.findOperation(operationId);
    const responseKey = pickResponseKey(Object.keys(this.responsesOf(op)), status);
    if (responseKey === undefined) {
      return this.validate(operationId, { status, headers: {}, text: '' });
    }
    const { pointer } = this.responseAt(op, responseKey);
    const violations = this.schemaViolations(`${pointer}/content/${escapePointer(mediaType)}/schema`, body);
    return { ok: violations.length === 0, operationId, status, responseKey, mediaType, body, violations };
  }

  private schemaViolations(schemaPointer: string, value: unknown): Violation[] {
    let validate = this.compiled.get(schemaPointer);
    if (validate === undefined) {
      validate = this.ajv.compile({ $ref: `${SPEC_ID}#${schemaPointer}` });
      this.compiled.set(schemaPointer, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((error) => this.toViolation(error, schemaPointer, value));
  }

  private toViolation(error: ErrorObject, schemaPointer: string, root: unknown): Violation {
    const segments = pointerSegments(error.instancePath);
    const params = error.params as Record<string, unknown>;
    const located = this.locate(schemaPointer, segments);
    const schemaPath = located === undefined ? `(${error.schemaPath})` : `#${located}/${error.keyword}`;
    if (error.keyword === 'required' || error.keyword === 'additionalProperties') {
      const name = String(params.missingProperty ?? params.additionalProperty);
      const path = jsonPath([...segments, name]);
      const what =
        error.keyword === 'required' ? 'is required but missing' : 'is not allowed (additionalProperties: false)';
      const value =
        error.keyword === 'required'
          ? '(missing)'
          : describeValue(valueAt(root, [...segments, name]), name, this.secrets);
      return violation('body', path, error.keyword, value, schemaPath, `${path} ${what} (schema ${schemaPath})`);
    }
    const path = jsonPath(segments);
    const value = describeValue(valueAt(root, segments), segments.at(-1), this.secrets);
    const detail =
      error.keyword === 'format' ? `format "${String(params.format)}"` : `${error.keyword}: ${error.message ?? ''}`;
    return violation(
      'body',
      path,
      error.keyword,
      value,
      schemaPath,
      `${path} ${detail}, got ${value} (schema ${schemaPath})`,
    );
  }

  /** The JSON pointer of the schema that applies at an instance location, following $ref; undefined if ambiguous. */
  private locate(schemaPointer: string, segments: readonly string[]): string | undefined {
    let current = this.deref(schemaPointer);
    for (const segment of segments) {
      const node = current.node;
      const properties = node.properties as Record<string, unknown> | undefined;
      let next: string;
      if (properties !== undefined && Object.hasOwn(properties, segment))
        next = `${current.pointer}/properties/${escapePointer(segment)}`;
      else if (node.items !== undefined && /^\d+$/.test(segment)) next = `${current.pointer}/items`;
      else if (typeof node.additionalProperties === 'object') next = `${current.pointer}/additionalProperties`;
      else return undefined;
      current = this.deref(next);
    }
    return current.pointer;
  }

  private headerViolations(
    node: Record<string, unknown>,
    pointer: string,
    headers: Record<string, string | undefined>,
  ): Violation[] {
    const documented = (node.headers as Record<string, unknown> | undefined) ?? {};
    const out: Violation[] = [];
    for (const name of Object.keys(documented)) {
      if (name.toLowerCase() === 'content-type') continue; // OpenAPI: ignored, described by `content`
      const header = this.deref(`${pointer}/headers/${escapePointer(name)}`);
      const value = headers[name.toLowerCase()];
      if (value === undefined) {
        if (header.node.required === true) {
          out.push(
            violation(
              'header',
              `header ${name}`,
              'required',
              '(missing)',
              `${header.pointer}/required`,
              `header ${name} is documented as required but missing`,
            ),
          );
        }
        continue;
      }
      const schemaPointer = `${header.pointer}/schema`;
      const schema = this.get(schemaPointer) === undefined ? undefined : this.deref(schemaPointer).node;
      if (schema === undefined) continue;
      const typed =
        schema.type === 'integer' || schema.type === 'number'
          ? Number(value)
          : schema.type === 'boolean'
            ? value === 'true'
              ? true
              : value === 'false'
                ? false
                : value
            : value;
      for (const v of this.schemaViolations(schemaPointer, typed)) {
        out.push({ ...v, kind: 'header', path: `header ${name}`, message: `header ${name}: ${v.message}` });
      }
    }
    return out;
  }

  private findOperation(operationId: string): Operation {
    const op = this.operations.find((o) => o.operationId === operationId);
    if (op === undefined) {
      throw new Error(
        `operation "${operationId}" is not in ${this.spec.path} (known: ${this.operationIds().join(', ')})`,
      );
    }
    return op;
  }

  private responsesOf(op: Operation): Record<string, unknown> {
    return (op.node.responses as Record<string, unknown> | undefined) ?? {};
  }

  private responseAt(op: Operation, key: string): { node: Record<string, unknown>; pointer: string } {
    return this.deref(`${op.pointer}/responses/${escapePointer(key)}`);
  }

  /** Follows `$ref` chains (internal references only) from a pointer to the object they name. */
  private deref(pointer: string): { node: Record<string, unknown>; pointer: string } {
    const seen = new Set<string>();
    let current = pointer;
    for (;;) {
      const node = this.get(current);
      if (typeof node !== 'object' || node === null) throw new Error(`${this.spec.path}: nothing at #${current}`);
      const ref = (node as { $ref?: unknown }).$ref;
      if (typeof ref !== 'string') return { node: node as Record<string, unknown>, pointer: current };
      if (!ref.startsWith('#'))
        throw new Error(`${this.spec.path}: external $ref "${ref}" at #${current} is not supported`);
      if (seen.has(ref)) throw new Error(`${this.spec.path}: circular $ref "${ref}"`);
      seen.add(ref);
      current = ref.slice(1);
    }
  }

  private get(pointer: string): unknown {
    let node: unknown = this.spec.doc;
    for (const segment of pointerSegments(pointer)) {
      if (typeof node !== 'object' || node === null) return undefined;
      node = (node as Record<string, unknown>)[segment];
    }
    return node;
  }

  private inline(pointer: string, stack: Set<string>): unknown {
    const { node, pointer: target } = this.deref(pointer);
    if (stack.has(target)) throw new Error(`${this.spec.path}: recursive schema at #${target} cannot be inlined`);
    const inner = new Set(stack).add(target);
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      const child = `${target}/${escapePointer(key)}`;
      if (key === 'properties' && typeof value === 'object' && value !== null) {
        out[key] = Object.fromEntries(
          Object.keys(value).map((p) => [p, this.inline(`${child}/${escapePointer(p)}`, inner)]),
        );
      } else if (
        (key === 'items' || key === 'additionalProperties' || key === 'not') &&
        typeof value === 'object' &&
        value !== null
      ) {
        out[key] = this.inline(child, inner);
      } else if ((key === 'allOf' || key === 'anyOf' || key === 'oneOf') && Array.isArray(value)) {
        out[key] = value.map((_, i) => this.inline(`${child}/${i}`, inner));
      } else {
        out[key] = structuredClone(value);
      }
    }
    return out;
  }
}

/** Exact status, then its range (`4XX`), then `default`. */
export function pickResponseKey(keys: readonly string[], status: number): string | undefined {
  const exact = keys.find((k) => k === String(status));
  if (exact !== undefined) return exact;
  const range = keys.find((k) => k.toUpperCase() === `${Math.floor(status / 100)}XX`);
  if (range !== undefined) return range;
  return keys.find((k) => k === 'default');
}

/** The documented media type a Content-Type header satisfies: exact, then `type/*`, then `*\/*`. */
export function matchMediaType(contentType: string | undefined, documented: readonly string[]): string | undefined {
  if (contentType === undefined) return undefined;
  const essence = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(essence)) return undefined;
  const lower = documented.map((d) => d.toLowerCase());
  const index = [essence, `${essence.split('/')[0]}/*`, '*/*'].map((c) => lower.indexOf(c)).find((i) => i >= 0);
  return index === undefined ? undefined : documented[index];
}

export function isJsonMediaType(mediaType: string): boolean {
  const essence = mediaType.split(';')[0]?.trim().toLowerCase() ?? '';
  return essence === 'application/json' || essence.endsWith('+json');
}

function listOperations(paths: Record<string, Record<string, unknown>>): Operation[] {
  return Object.entries(paths).flatMap(([path, item]) =>
    httpMethods
      .filter((m) => typeof item[m] === 'object' && item[m] !== null)
      .map((method) => {
        const node = item[method] as Record<string, unknown>;
        const operationId = typeof node.operationId === 'string' ? node.operationId : `${method} ${path}`;
        return {
          operationId,
          method: method.toUpperCase(),
          path,
          pointer: `/paths/${escapePointer(path)}/${method}`,
          node,
        };
      }),
  );
}

function violation(
  kind: ViolationKind,
  path: string,
  keyword: string,
  value: string,
  schemaPath: string,
  message: string,
): Violation {
  return {
    kind,
    path,
    keyword,
    value,
    schemaPath: schemaPath.startsWith('#') || schemaPath.startsWith('(') ? schemaPath : `#${schemaPath}`,
    message,
  };
}

function lowerCaseKeys(headers: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function valueAt(root: unknown, segments: readonly string[]): unknown {
  let node = root;
  for (const s of segments) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[s];
  }
  return node;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** One line per violation, for assertion messages. */
export function formatViolations(result: ValidationResult): string {
  return result.violations.map((v) => `  - [${v.kind}] ${v.message}`).join('\n');
}
