// http.asyncRequest: the request is queued on the VU's event loop (event-loop.ts) and its promise returned at once.
// When the script next yields (an await, the end of its function), the loop sends every request queued by then in
// one round trip, performed concurrently as a batch is, and settles each promise with its own Response. So
// `await Promise.all([http.asyncRequest(...), http.asyncRequest(...)])` takes as long as the slower one, as in k6.
import { Promise } from '../sandbox-builtins.ts';
import type { VuState } from '../vu-state.ts';
import type { RequestFlow } from './http-flow.ts';
import type { Response } from './http-response.ts';

interface Queued {
  flow: RequestFlow;
  resolve: (r: Response) => void;
  reject: (e: unknown) => void;
}

/** `send` performs flows together (http.ts's, redirect and auth rounds included). */
export function createAsyncRequests(vu: VuState, send: (flows: RequestFlow[]) => Response[]) {
  let queue: Queued[] = [];
  vu.loop.addSource({
    pending: () => queue.length > 0,
    run() {
      const q = queue;
      queue = [];
      let responses: Response[];
      try {
        responses = send(q.map((x) => x.flow));
      } catch (e) {
        for (const x of q) x.reject(e);
        return;
      }
      q.forEach((x, i) => x.resolve(responses[i]!));
    },
    reset() {
      queue = [];
    },
  });
  /**
   * A blocking request takes the queued async ones along in its round trip (`withQueued`), so an asyncRequest made
   * before http.get runs during it, as in k6, rather than after it.
   */
  function withQueued(flow: RequestFlow): Response {
    if (queue.length === 0) return send([flow])[0]!;
    const q = queue;
    queue = [];
    let responses: Response[];
    try {
      responses = send([flow, ...q.map((x) => x.flow)]);
    } catch (e) {
      for (const x of q) x.reject(e);
      throw e;
    }
    q.forEach((x, i) => x.resolve(responses[i + 1]!));
    return responses[0]!;
  }
  /** `prepare` builds the flow; an error there (bad URL, bad params) rejects the promise, as in k6. */
  const queueAsync = (prepare: () => RequestFlow): Promise<Response> => {
    let flow: RequestFlow;
    try {
      flow = prepare();
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise((resolve, reject) => queue.push({ flow, resolve, reject }));
  };
  return { queueAsync, withQueued };
}
