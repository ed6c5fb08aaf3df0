// res.html(), parseHTML(), submitForm() and clickLink() in the runtime every VU evaluates: only this loader. The
// parser and selector engine (html/index.ts, ≈90 KB) are a separate bundle that the host hands over as source
// (HostApi.htmlModuleSource) and this VU evaluates once, the first time a script reads HTML; scripts that never do
// never parse it (issue 18: in QuickJS every byte of runtime costs parse time per VU).
import type * as HtmlModule from './index.ts';
import { Error, Function, String } from '../sandbox-builtins.ts';
import type { VuState } from '../vu-state.ts';

type HtmlApi = typeof HtmlModule;
let api: HtmlApi | undefined;

export function htmlApi(vu: VuState, what: string): HtmlApi {
  if (api !== undefined) return api;
  if (vu.host.htmlModuleSource === undefined) {
    throw new Error(`${what} is not available on this engine design yet (its host has no HTML module)`);
  }
  // The bundle is an IIFE assigning `var __k6Html`: inside this function body that var stays local.
  api = new Function(`${vu.host.htmlModuleSource()}\nreturn __k6Html;`)() as HtmlApi;
  return api;
}

/** The text a Response's HTML methods parse: refused, in one line, when the body is not text. */
export function htmlText(body: unknown, what: string): string {
  if (typeof body !== 'string') {
    throw new Error(`${what}: the response body is not text (responseType "binary" or "none"?)`);
  }
  return String(body);
}
