// k6/html's Element (what Selection.get(i) and each() give): the DOM-like methods of @types/k6's Element base class.
// The tag-specific subclasses' methods (an anchor's pathname(), a form's elements(), ...) are not implemented: each
// throws one line naming itself rather than being undefined.
import { getAttributeValue, getInnerHTML, getOuterHTML, textContent } from 'domutils';
import { Selection } from './selection.ts';
import { elementChildren, findAll, isTag, matches, parentElement, type AnyNode } from './query.ts';

/** DOM node types as k6 numbers them (NodeType in @types/k6). */
function nodeTypeOf(n: AnyNode): number | undefined {
  switch (n.type) {
    case 'tag':
    case 'script':
    case 'style':
      return 1;
    case 'text':
    case 'cdata':
      return 3;
    case 'comment':
      return 8;
    case 'root':
      return 9;
    case 'directive':
      return 10;
    default:
      return undefined;
  }
}

const wrap = (n: AnyNode | null | undefined): Element | undefined => (n ? new Element(n) : undefined);

interface Attribute {
  name: string;
  value: string;
  ownerElement: Element;
}

export class Element {
  readonly node: AnyNode;
  constructor(node: AnyNode) {
    this.node = node;
  }
  get selection(): Selection {
    return new Selection([this.node]);
  }
  private attr(name: string): string | undefined {
    return isTag(this.node) ? getAttributeValue(this.node, String(name).toLowerCase()) : undefined;
  }
  nodeName(): string {
    const n = this.node;
    if (isTag(n)) return n.name.toUpperCase();
    return n.type === 'text' ? '#text' : n.type === 'comment' ? '#comment' : n.type === 'root' ? '#document' : n.type;
  }
  nodeType(): number | undefined {
    return nodeTypeOf(this.node);
  }
  nodeValue(): string | undefined {
    const n = this.node;
    return 'data' in n && typeof n.data === 'string' ? n.data : undefined;
  }
  id(): string {
    return this.attr('id') ?? '';
  }
  className(): string | undefined {
    return this.attr('class');
  }
  classList(): string[] {
    return (this.attr('class') ?? '').split(/\s+/).filter((c) => c !== '');
  }
  lang(): string | undefined {
    return this.attr('lang');
  }
  getAttribute(name: string): string | undefined {
    return this.attr(name);
  }
  getAttributeNode(name: string): Attribute | undefined {
    const value = this.attr(name);
    return value === undefined ? undefined : { name: String(name).toLowerCase(), value, ownerElement: this };
  }
  hasAttribute(name: string): boolean {
    return this.attr(name) !== undefined;
  }
  hasAttributes(): boolean {
    return isTag(this.node) && Object.keys(this.node.attribs).length > 0;
  }
  attributes(): Record<string, Attribute> {
    const out: Record<string, Attribute> = {};
    if (isTag(this.node)) {
      for (const [name, value] of Object.entries(this.node.attribs)) out[name] = { name, value, ownerElement: this };
    }
    return out;
  }
  textContent(): string {
    return textContent(this.node);
  }
  innerHTML(): string | undefined {
    return 'children' in this.node ? getInnerHTML(this.node) : undefined;
  }
  toString(): string {
    return getOuterHTML(this.node);
  }
  hasChildNodes(): boolean {
    return 'children' in this.node && this.node.children.length > 0;
  }
  childNodes(): Element[] {
    return 'children' in this.node ? this.node.children.map((c) => new Element(c)) : [];
  }
  children(): Element[] {
    return elementChildren(this.node).map((c) => new Element(c));
  }
  childElementCount(): number {
    return elementChildren(this.node).length;
  }
  firstChild(): Element | undefined {
    return 'children' in this.node ? wrap(this.node.children[0]) : undefined;
  }
  lastChild(): Element | undefined {
    return 'children' in this.node ? wrap(this.node.children.at(-1)) : undefined;
  }
  firstElementChild(): Element | undefined {
    return wrap(elementChildren(this.node)[0]);
  }
  lastElementChild(): Element | undefined {
    return wrap(elementChildren(this.node).at(-1));
  }
  nextSibling(): Element | undefined {
    return wrap(this.node.next);
  }
  previousSibling(): Element | undefined {
    return wrap(this.node.prev);
  }
  nextElementSibling(): Element | undefined {
    let n = this.node.next;
    while (n !== null && !isTag(n)) n = n.next;
    return wrap(n);
  }
  previousElementSibling(): Element | undefined {
    let n = this.node.prev;
    while (n !== null && !isTag(n)) n = n.prev;
    return wrap(n);
  }
  parentNode(): Element | undefined {
    return wrap(this.node.parent);
  }
  parentElement(): Element | undefined {
    return wrap(parentElement(this.node));
  }
  ownerDocument(): Element | undefined {
    let n: AnyNode = this.node;
    while (n.parent !== null) n = n.parent;
    return n.type === 'root' ? new Element(n) : undefined;
  }
  contains(other: Element): boolean {
    for (let n: AnyNode | null = other.node; n !== null; n = n.parent) if (n === this.node) return true;
    return false;
  }
  isSameNode(other: Element): boolean {
    return other instanceof Element && other.node === this.node;
  }
  isEqualNode(other: Element): boolean {
    return other instanceof Element && getOuterHTML(other.node) === getOuterHTML(this.node);
  }
  matches(selector: string): boolean {
    return matches(this.node, selector, 'Element.matches');
  }
  querySelector(selector: string): Element | undefined {
    return wrap(findAll([this.node], selector, 'Element.querySelector')[0]);
  }
  querySelectorAll(selector: string): Element[] {
    return findAll([this.node], selector, 'Element.querySelectorAll').map((n) => new Element(n));
  }
  getElementsByClassName(name: string): Element[] {
    const sel = String(name)
      .split(/\s+/)
      .filter((c) => c !== '')
      .map((c) => `.${c.replace(/[^\w-]/g, '\\$&')}`)
      .join('');
    return sel === '' ? [] : this.querySelectorAll(sel);
  }
  getElementsByTagName(name: string): Element[] {
    return this.querySelectorAll(String(name) === '*' ? '*' : String(name).replace(/[^\w-]/g, '\\$&'));
  }
}

// The tag-specific methods of k6's Element subclasses (HrefElement, FormElement, InputElement, ...).
// prettier-ignore
const UNSUPPORTED = [
  'hash', 'host', 'hostname', 'origin', 'password', 'pathname', 'port', 'protocol', 'relList', 'search', 'username',
  'text', 'elements', 'length', 'method', 'form', 'formAction', 'formEnctype', 'formMethod', 'formNoValidate',
  'formTarget', 'labels', 'name', 'value', 'options', 'control', 'type', 'validity', 'areas', 'images', 'textTracks',
  'isDefaultNamespace', 'namespaceURI',
];
for (const name of UNSUPPORTED) {
  Object.defineProperty(Element.prototype, name, {
    value() {
      throw new Error(`Element.${name}() is not supported by the node engine: use Selection.attr() or .text()`);
    },
  });
}
