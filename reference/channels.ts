// Undocumented ways a login request can carry credentials, each honoured only by a defect of the catalog (the healthy
// service takes them from the JSON body alone): a query string on any method, a form-encoded body, an
// `Authorization: Basic` header, and a method-override header that turns another method into the POST.
import type { Credentials } from './request.ts';

export type Channel = 'query' | 'form' | 'basic' | 'method-override';

export const METHOD_OVERRIDE_HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override'] as const;

export interface ChannelRequest {
  readonly method: string;
  readonly url: string;
  readonly contentType: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** The method a server honouring override headers would run: the header's value, else the request's method. */
export function overriddenMethod(request: ChannelRequest): string {
  for (const name of METHOD_OVERRIDE_HEADERS) {
    const value = request.headers[name]?.trim().toUpperCase();
    if (value) return value;
  }
  return request.method;
}

/** Credentials found in one of `channels` (checked in that order), or undefined. */
export function credentialsFromChannels(
  request: ChannelRequest,
  channels: readonly Channel[],
): { readonly channel: Channel; readonly credentials: Credentials } | undefined {
  for (const channel of channels) {
    const credentials = fromChannel(request, channel);
    if (credentials !== undefined) return { channel, credentials };
  }
  return undefined;
}

function fromChannel(request: ChannelRequest, channel: Channel): Credentials | undefined {
  switch (channel) {
    case 'query': {
      const query = new URLSearchParams(request.url.split('?')[1] ?? '');
      return pair(query.get('identifier'), query.get('password'));
    }
    case 'form': {
      const type = request.contentType?.split(';')[0]?.trim().toLowerCase();
      if (request.method !== 'POST' || type !== 'application/x-www-form-urlencoded') return undefined;
      const form = new URLSearchParams(request.body.toString('utf8'));
      return pair(form.get('identifier'), form.get('password'));
    }
    case 'basic': {
      const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(request.headers.authorization ?? '');
      if (match === null) return undefined;
      const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return colon < 0 ? undefined : pair(decoded.slice(0, colon), decoded.slice(colon + 1));
    }
    case 'method-override':
      // Not a source of credentials: the app runs the overridden method (see overriddenMethod).
      return undefined;
  }
}

function pair(identifier: string | null, password: string | null): Credentials | undefined {
  return identifier === null || password === null ? undefined : { identifier, password };
}
