// Test support: an app wired to an in-process identity service (fast hashing), and a small request builder.
import type { App, AppOptions, AppRequest } from '../app.ts';
import { createApp, LOGIN_PATH } from '../app.ts';
import type { IdentityBackend, IdentityFaults, IdentityService } from '../identity/service.ts';
import { createIdentityService } from '../identity/service.ts';
import type { AppResponse } from '../reply.ts';
import type { TokenSigner } from '../tokens.ts';
import { createTokenSigner } from '../tokens.ts';

export interface TestApp {
  readonly app: App;
  readonly identity: IdentityService;
  readonly signer: TokenSigner;
  /** POST a JSON-ish body to the login path. */
  post(body: string | object, contentType?: string | null, extra?: Partial<AppRequest>): Promise<AppResponse>;
  call(request: Partial<AppRequest>): Promise<AppResponse>;
}

// Keyed by the catalog's fault object itself (faults may hold functions, which JSON cannot tell apart).
const services = new Map<IdentityFaults | undefined, Promise<IdentityService>>();
let signer: Promise<TokenSigner> | undefined;

/** One identity service per fault set (seeding costs a few ms with fast hashing), shared across tests. */
function identityFor(faults?: IdentityFaults): Promise<IdentityService> {
  const key = faults;
  let service = services.get(key);
  if (!service) {
    service = createIdentityService({ hashCost: 'fast', loadAccounts: 2, ...(faults ? { faults } : {}) }).then((s) => {
      s.close(); // stops the sweep timer so the test process can exit
      return s;
    });
    services.set(key, service);
  }
  return service;
}

export const failingBackend: IdentityBackend = {
  authenticate: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9')),
};

/** Any app option (defect, policies, clock, random, ...); `upstream` replaces the in-process identity service. */
export type TestAppOptions = Partial<Omit<AppOptions, 'identity' | 'signer'>> & { readonly upstream?: IdentityBackend };

export async function testApp(options: TestAppOptions = {}): Promise<TestApp> {
  const { upstream, ...appOptions } = options;
  const identity = await identityFor(options.defect?.identity);
  signer ??= createTokenSigner();
  const s = await signer;
  const app = createApp({ ...appOptions, identity: upstream ?? identity, signer: s });
  const call = (request: Partial<AppRequest>): Promise<AppResponse> =>
    app.handle({
      method: 'POST',
      url: LOGIN_PATH,
      contentType: 'application/json',
      userAgent: 'reference-test',
      body: Buffer.alloc(0),
      tooLarge: false,
      remoteAddress: '127.0.0.1',
      ...request,
    });
  return {
    app,
    identity,
    signer: s,
    call,
    post: (body, contentType = 'application/json', extra = {}) =>
      call({
        body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
        contentType: contentType ?? undefined,
        ...extra,
      }),
  };
}

export function json(response: AppResponse): unknown {
  return JSON.parse(response.body) as unknown;
}
