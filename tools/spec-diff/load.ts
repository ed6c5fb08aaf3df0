// Reads an OpenAPI document (YAML or JSON) and resolves its local $refs, so the comparison sees plain schemas.
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';

/** Bad input: the message is one line naming the file and what is wrong with it. */
export class SpecError extends Error {
  override readonly name = 'SpecError';
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const isObject = (v: Json | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses and checks the document is OpenAPI 3.x with `paths`; YAML is a superset of JSON, so one parser does both. */
export function loadSpec(file: string): JsonObject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new SpecError(`${file}: cannot read the file (${code}); pass the path of an OpenAPI YAML or JSON document`);
  }
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const firstError = doc.errors[0];
  if (firstError) {
    throw new SpecError(`${file}: not valid YAML/JSON: ${firstError.message.split('\n')[0] ?? ''}`);
  }
  const value = doc.toJS({ maxAliasCount: 100 }) as Json;
  if (!isObject(value) || typeof value['openapi'] !== 'string' || !/^3\./.test(value['openapi'])) {
    throw new SpecError(`${file}: not an OpenAPI 3.x document (no "openapi: 3.x" at the top)`);
  }
  if (!isObject(value['paths'])) {
    throw new SpecError(`${file}: OpenAPI document has no "paths" object`);
  }
  return resolveRefs(value, file);
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
