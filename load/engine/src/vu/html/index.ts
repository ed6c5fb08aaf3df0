// The lazily loaded HTML bundle's entry (built apart from the runtime, see bundle.ts and loader.ts): parseHTML and
// the requests of submitForm / clickLink, over one parsed document per response.
import { parseDocument } from 'htmlparser2';
import { formRequest, linkRequest, type PlannedRequest, type SubmitOptions } from './forms.ts';
import { Selection } from './selection.ts';

export type { PlannedRequest, SubmitOptions, Selection };

export function parseHTML(html: string): Selection {
  return new Selection([parseDocument(html)]);
}

export function submitFormRequest(doc: Selection, pageUrl: string, o: SubmitOptions): PlannedRequest {
  return formRequest(doc.nodes, pageUrl, o);
}

export function clickLinkRequest(doc: Selection, pageUrl: string, o: { selector?: string }): PlannedRequest {
  return linkRequest(doc.nodes, pageUrl, o);
}
