// The DOM and selector primitives the Selection and Element APIs are built on. The parser is htmlparser2 (with
// domhandler's tree) and the selector engine css-select: permissively licensed (MIT / BSD-2), plain ES2022 with no
// Node API, small for what they do (≈90 KB minified together), and css-select supports the jQuery-style pseudo
// classes k6 scripts use (`:contains`, `:has`, `:not`, `:nth-child`, `:checked`, `:selected`...). They run in the
// sandbox, in the lazily loaded HTML bundle (see loader.ts), never in the runtime every VU evaluates.
import { is as cssIs, selectAll } from 'css-select';
import { isTag, type AnyNode, type Element as DomElement } from 'domhandler';
import { uniqueSort } from 'domutils';

export type { AnyNode, DomElement };
export { isTag };

/** css-select's own messages ("Unmatched selector", ...) name no selector: say which one and where. */
function selectorError(where: string, selector: string, e: unknown): Error {
  return new Error(`${where}: invalid selector "${selector}": ${(e as Error).message}`);
}

/** Descendants of `roots` matching `selector`, in document order, once each. */
export function findAll(roots: AnyNode[], selector: string, where: string): DomElement[] {
  try {
    // One root at a time: given a single node css-select searches below it (jQuery's find); given an array it
    // would test the nodes themselves too, and a document root never matches.
    const found = roots.flatMap((r) => selectAll<AnyNode, DomElement>(String(selector), r));
    return roots.length > 1 ? uniqueSort(found) : found;
  } catch (e) {
    throw selectorError(where, String(selector), e);
  }
}

export function matches(node: AnyNode, selector: string, where: string): boolean {
  if (!isTag(node)) return false;
  try {
    return cssIs<AnyNode, DomElement>(node, String(selector));
  } catch (e) {
    throw selectorError(where, String(selector), e);
  }
}

export function unique<T extends AnyNode>(nodes: T[]): T[] {
  return uniqueSort(nodes);
}

export function elementChildren(node: AnyNode): DomElement[] {
  return 'children' in node ? node.children.filter(isTag) : [];
}

export function parentElement(node: AnyNode): DomElement | null {
  const p = node.parent;
  return p !== null && isTag(p) ? p : null;
}

/** Element siblings after (dir 1) or before (dir -1) `node`, nearest first. */
export function siblings(node: AnyNode, dir: 1 | -1): DomElement[] {
  const out: DomElement[] = [];
  for (let n = dir === 1 ? node.next : node.prev; n !== null; n = dir === 1 ? n.next : n.prev) {
    if (isTag(n)) out.push(n);
  }
  return out;
}

/** Ancestors that are elements, nearest first. */
export function ancestors(node: AnyNode): DomElement[] {
  const out: DomElement[] = [];
  for (let p = parentElement(node); p !== null; p = parentElement(p)) out.push(p);
  return out;
}
