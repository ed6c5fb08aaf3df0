// The slice of autocannon's programmatic API this benchmark uses (the package ships no types).
declare module 'autocannon' {
  interface Request {
    method: string;
    path: string;
    headers: Record<string, string>;
    body: string;
  }
  interface Options {
    url: string;
    connections: number;
    /** Requests to complete before the run ends (takes precedence over duration). */
    amount?: number;
    duration?: number;
    timeout?: number;
    /** Cycled through by every connection. */
    requests: Request[];
  }
  interface Result {
    '2xx': number;
    non2xx: number;
    errors: number;
    timeouts: number;
  }
  interface Instance {
    /** Emitted for every completed response. */
    on(event: 'response', listener: () => void): Instance;
  }
  function autocannon(options: Options, done: (error: Error | null, result: Result) => void): Instance;
  export default autocannon;
}
