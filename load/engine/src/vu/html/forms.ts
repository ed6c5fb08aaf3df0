// Forms and links as a browser submits and follows them: the fields a form sends (Selection.serializeArray, and what
// Response.submitForm sends) and the request that submitForm / clickLink make, with relative URLs resolved against
// the page (there is no URL class in the sandbox).
import { textContent } from 'domutils';
import { findAll, isTag, type AnyNode, type DomElement } from './query.ts';

export interface FormValue {
  name: string;
  value: string;
}

/** A request for the runtime to send: `body` is an ordered object, an array value repeating its key. */
export interface PlannedRequest {
  method: string;
  url: string;
  body: Record<string, string | string[]> | null;
}

const SKIPPED_INPUTS = ['submit', 'button', 'image', 'reset', 'file'];

/** The successful controls among `nodes` (forms stand for their controls), in document order, as jQuery does. */
export function serializeArray(nodes: AnyNode[]): FormValue[] {
  const controls = nodes.flatMap((n) =>
    isTag(n) && n.name === 'form' ? findAll([n], 'input, select, textarea', 'serializeArray') : [n],
  );
  const out: FormValue[] = [];
  for (const c of controls) {
    if (!isTag(c)) continue;
    const name = c.attribs['name'];
    if (name === undefined || name === '' || c.attribs['disabled'] !== undefined) continue;
    if (c.name === 'input') {
      const type = (c.attribs['type'] ?? 'text').toLowerCase();
      if (SKIPPED_INPUTS.includes(type)) continue;
      if ((type === 'checkbox' || type === 'radio') && c.attribs['checked'] === undefined) continue;
      out.push({ name, value: c.attribs['value'] ?? (type === 'checkbox' || type === 'radio' ? 'on' : '') });
    } else if (c.name === 'textarea') {
      out.push({ name, value: textContent(c) });
    } else if (c.name === 'select') {
      const options = findAll([c], 'option', 'serializeArray');
      let chosen = options.filter((o) => o.attribs['selected'] !== undefined);
      if (chosen.length === 0 && c.attribs['multiple'] === undefined && options[0]) chosen = [options[0]];
      for (const o of chosen) out.push({ name, value: o.attribs['value'] ?? textContent(o) });
    }
  }
  return out;
}

/** RFC 3986 reference resolution, enough for hrefs and form actions (fragments dropped: they are never sent). */
export function resolveUrl(base: string, ref: string): string {
  const r = ref.trim().replace(/#.*$/, '');
  if (/^[a-z][a-z0-9+.-]*:/i.test(r)) return r;
  const m = /^([a-z][a-z0-9+.-]*:)(\/\/[^/?#]*)?([^?#]*)(\?[^#]*)?/i.exec(base);
  if (!m) throw new Error(`cannot resolve "${ref}" against the response URL "${base}"`);
  const [, scheme, authority = '', path = '', query = ''] = m;
  if (r.startsWith('//')) return scheme + r;
  if (r === '') return scheme + authority + path + query;
  if (r.startsWith('?')) return scheme + authority + path + r;
  const [refPath, refQuery = ''] = r.split(/(?=\?)/, 2) as [string, string?];
  const merged = refPath.startsWith('/') ? refPath : path.replace(/[^/]*$/, '') + refPath;
  const segments: string[] = [];
  for (const s of merged.split('/').slice(1)) {
    if (s === '..') segments.pop();
    else if (s !== '.') segments.push(s);
  }
  const last = merged.split('/').at(-1);
  const dir = last === '.' || last === '..' ? '/' : '';
  return `${scheme}${authority}/${segments.join('/')}${dir}${refQuery}`;
}

/** The page's own base: a `<base href>` when it has one. */
function baseOf(doc: AnyNode[], pageUrl: string): string {
  const base = findAll(doc, 'base[href]', 'base')[0];
  return base ? resolveUrl(pageUrl, base.attribs['href']!) : pageUrl;
}

export interface SubmitOptions {
  formSelector?: string;
  fields?: Record<string, unknown>;
  submitSelector?: string;
}

export function formRequest(doc: AnyNode[], pageUrl: string, o: SubmitOptions): PlannedRequest {
  const formSelector = o.formSelector ?? 'form';
  const form: DomElement | undefined = findAll(doc, formSelector, 'Response.submitForm')[0];
  if (!form) throw new Error(`Response.submitForm: no form matches "${formSelector}" in the response body`);
  const submit = findAll([form], o.submitSelector ?? '[type="submit"]', 'Response.submitForm')[0];
  const values = serializeArray([form]);
  const submitName = submit?.attribs['name'];
  if (submit && submitName) values.push({ name: submitName, value: submit.attribs['value'] ?? '' });
  // fields replace the form's values of the same name (all of them, where the first was), or are added after them.
  const body: Record<string, string | string[]> = {};
  const fields = o.fields ?? {};
  const given = (k: string) => {
    const v = fields[k];
    return Array.isArray(v) ? v.map(String) : String(v);
  };
  for (const { name, value } of values) {
    const prev = body[name];
    if (name in fields) body[name] = given(name);
    else body[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  for (const k of Object.keys(fields)) if (!(k in body)) body[k] = given(k);
  // A submit button's formaction / formmethod override the form's, as in a browser.
  const method = (submit?.attribs['formmethod'] ?? form.attribs['method'] ?? 'GET').toUpperCase();
  const action = submit?.attribs['formaction'] ?? form.attribs['action'] ?? '';
  const url = resolveUrl(baseOf(doc, pageUrl), action);
  if (method !== 'GET') return { method, url, body };
  // A GET form's fields replace the action's query, encoded as a browser does (a space is '+').
  const enc = (x: string) => encodeURIComponent(x).replace(/%20/g, '+');
  const query = Object.entries(body)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${enc(k)}=${enc(x)}`))
    .join('&');
  return { method, url: `${url.replace(/\?.*$/, '')}?${query}`, body: null };
}

export function linkRequest(doc: AnyNode[], pageUrl: string, o: { selector?: string }): PlannedRequest {
  const selector = o.selector ?? 'a[href]';
  const link = findAll(doc, selector, 'Response.clickLink')[0];
  const href = link?.attribs['href'];
  if (href === undefined) throw new Error(`Response.clickLink: no link with an href matches "${selector}"`);
  return { method: 'GET', url: resolveUrl(baseOf(doc, pageUrl), href), body: null };
}
