// k6/html's Selection: a jQuery-like, read-only set of nodes (the methods of @types/k6's Selection). Callbacks get
// (index, Selection) — each() gets (index, Element), as k6 types it.
import { getInnerHTML, getAttributeValue, textContent } from 'domutils';
import { Element } from './element.ts';
import { serializeArray } from './forms.ts';
import {
  ancestors,
  elementChildren,
  findAll,
  isTag,
  matches,
  parentElement,
  siblings,
  unique,
  type AnyNode,
  type DomElement,
} from './query.ts';

type Tester = (index: number, s: Selection) => unknown;
type Predicate = string | Tester | Selection;

/** jQuery's data() conversions: "true"/"false"/"null", numbers that round-trip, JSON objects and arrays. */
function dataValue(v: string): unknown {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (v === 'null') return null;
  if (v !== '' && String(Number(v)) === v) return Number(v);
  if (/^[[{]/.test(v)) {
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }
  return v;
}

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

export class Selection {
  readonly nodes: AnyNode[];
  constructor(nodes: AnyNode[]) {
    this.nodes = nodes;
  }
  get length(): number {
    return this.nodes.length;
  }
  size(): number {
    return this.nodes.length;
  }
  private first1(): AnyNode | undefined {
    return this.nodes[0];
  }
  private test(p: Predicate, where: string): (n: AnyNode, i: number) => boolean {
    if (typeof p === 'function') return (n, i) => Boolean(p(i, new Selection([n])));
    if (p instanceof Selection) return (n) => p.nodes.includes(n);
    return (n) => matches(n, String(p), where);
  }
  /** Keeps the nodes that match `selector`, when one is given. */
  private only(nodes: AnyNode[], selector: string | undefined, where: string): Selection {
    const u = unique(nodes);
    return new Selection(selector === undefined ? u : u.filter((n) => matches(n, selector, where)));
  }

  find(selector: string): Selection {
    return new Selection(findAll(this.nodes, selector, 'Selection.find'));
  }
  children(selector?: string): Selection {
    return this.only(this.nodes.flatMap(elementChildren), selector, 'Selection.children');
  }
  contents(): Selection {
    return new Selection(this.nodes.flatMap((n) => ('children' in n ? n.children : [])));
  }
  parent(selector?: string): Selection {
    const ps = this.nodes.map(parentElement).filter((p): p is DomElement => p !== null);
    return this.only(ps, selector, 'Selection.parent');
  }
  parents(selector?: string): Selection {
    return this.only(this.nodes.flatMap(ancestors), selector, 'Selection.parents');
  }
  parentsUntil(selector?: string): Selection {
    return this.until(ancestors, selector, 'Selection.parentsUntil');
  }
  closest(selector: string): Selection {
    const found = this.nodes
      .map((n) => [n, ...ancestors(n)].find((a) => matches(a, selector, 'Selection.closest')))
      .filter((n): n is AnyNode => n !== undefined);
    return new Selection(unique(found));
  }
  next(selector?: string): Selection {
    return this.only(
      this.nodes.flatMap((n) => siblings(n, 1).slice(0, 1)),
      selector,
      'Selection.next',
    );
  }
  prev(selector?: string): Selection {
    return this.only(
      this.nodes.flatMap((n) => siblings(n, -1).slice(0, 1)),
      selector,
      'Selection.prev',
    );
  }
  nextAll(selector?: string): Selection {
    return this.only(
      this.nodes.flatMap((n) => siblings(n, 1)),
      selector,
      'Selection.nextAll',
    );
  }
  prevAll(selector?: string): Selection {
    return this.only(
      this.nodes.flatMap((n) => siblings(n, -1)),
      selector,
      'Selection.prevAll',
    );
  }
  nextUntil(selector?: string): Selection {
    return this.until((n) => siblings(n, 1), selector, 'Selection.nextUntil');
  }
  prevUntil(selector?: string): Selection {
    return this.until((n) => siblings(n, -1), selector, 'Selection.prevUntil');
  }
  /** The nodes `walk` gives from each node, up to (not including) the first that matches `selector`. */
  private until(walk: (n: AnyNode) => DomElement[], selector: string | undefined, where: string): Selection {
    const out: AnyNode[] = [];
    for (const n of this.nodes) {
      for (const m of walk(n)) {
        if (selector !== undefined && matches(m, selector, where)) break;
        out.push(m);
      }
    }
    return new Selection(unique(out));
  }

  first(): Selection {
    return this.slice(0, 1);
  }
  last(): Selection {
    return this.slice(-1);
  }
  eq(index: number): Selection {
    const i = index < 0 ? this.nodes.length + index : index;
    return this.slice(i, i + 1);
  }
  slice(start: number, end?: number): Selection {
    if (start < 0 && end === undefined) return new Selection(this.nodes.slice(start));
    return new Selection(this.nodes.slice(start, end));
  }
  get(index: number): Element | undefined {
    const n = this.nodes[index < 0 ? this.nodes.length + index : index];
    return n === undefined ? undefined : new Element(n);
  }
  toArray(): Selection[] {
    return this.nodes.map((n) => new Selection([n]));
  }
  each(fn: (index: number, element: Element) => unknown): Selection {
    this.nodes.forEach((n, i) => fn(i, new Element(n)));
    return this;
  }
  map(fn: Tester): unknown[] {
    return this.nodes.map((n, i) => fn(i, new Selection([n])));
  }
  filter(p: Predicate): Selection {
    const t = this.test(p, 'Selection.filter');
    return new Selection(this.nodes.filter(t));
  }
  not(p: Predicate): Selection {
    const t = this.test(p, 'Selection.not');
    return new Selection(this.nodes.filter((n, i) => !t(n, i)));
  }
  is(p: Predicate): boolean {
    const t = this.test(p, 'Selection.is');
    return this.nodes.some(t);
  }
  has(selector: string): Selection {
    return new Selection(this.nodes.filter((n) => findAll([n], selector, 'Selection.has').length > 0));
  }

  attr(name: string, fallback?: string): string | undefined {
    const n = this.first1();
    const v = n !== undefined && isTag(n) ? getAttributeValue(n, String(name).toLowerCase()) : undefined;
    return v ?? fallback;
  }
  text(): string {
    return textContent(this.nodes);
  }
  html(): string | undefined {
    const n = this.first1();
    return n === undefined ? undefined : getInnerHTML(n);
  }
  val(): string | undefined {
    const n = this.first1();
    if (n === undefined || !isTag(n)) return undefined;
    if (n.name === 'textarea') return textContent(n);
    if (n.name === 'select') {
      const options = findAll([n], 'option', 'Selection.val');
      const chosen = options.find((o) => o.attribs['selected'] !== undefined) ?? options[0];
      return chosen === undefined ? undefined : (chosen.attribs['value'] ?? textContent(chosen));
    }
    if (n.name === 'option') return n.attribs['value'] ?? textContent(n);
    if (n.name === 'input') {
      const type = (n.attribs['type'] ?? '').toLowerCase();
      return n.attribs['value'] ?? (type === 'checkbox' || type === 'radio' ? 'on' : '');
    }
    return n.attribs['value'];
  }
  /** data() gives every data-* attribute (camelCase keys), data('fooBar') the one of data-foo-bar. */
  data(key?: string): unknown {
    const n = this.first1();
    if (n === undefined || !isTag(n)) return undefined;
    const all: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(n.attribs)) if (k.startsWith('data-')) all[camel(k.slice(5))] = dataValue(v);
    return key === undefined ? all : all[camel(String(key))];
  }

  serializeArray(): { name: string; value: string }[] {
    return serializeArray(this.nodes);
  }
  serialize(): string {
    const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
    return this.serializeArray()
      .map((f) => `${enc(f.name)}=${enc(f.value)}`)
      .join('&');
  }
  serializeObject(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of this.serializeArray()) out[f.name] = f.value;
    return out;
  }
}
