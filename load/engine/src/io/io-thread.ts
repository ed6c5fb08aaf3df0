// The HTTP I/O thread: performs every VU's requests (one keep-alive connection pool per VU, as k6 keeps one per VU)
// and measures k6's timing phases at the socket. Requests arrive in the VUs' shared cells (announced on one doorbell,
// see protocol.ts); the reply goes into the cell and wakes the blocked VU.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import {
  BELL,
  IO,
  IO_REPLY_BYTES,
  IO_REQUEST_BYTES,
  IO_SIGNAL_BYTES,
  type HttpRequestSpec,
  type HttpResult,
} from '../protocol.ts';
import { ConnectionPool, perform, setInsecureSkipTLSVerify } from './perform.ts';

const wd = workerData as { insecureSkipTLSVerify: boolean; doorbell: SharedArrayBuffer };
setInsecureSkipTLSVerify(wd.insecureSkipTLSVerify);
const doorbell = new Int32Array(wd.doorbell);

interface Slot {
  signal: Int32Array;
  request: Buffer;
  handle(specJson: string): void;
}
const slots: Slot[] = [];
// Atomics.waitAsync (V8; Node >= 16) is not in this TypeScript lib yet.
const waitAsync = (
  Atomics as unknown as {
    waitAsync(a: Int32Array, i: number, v: number): { async: true; value: Promise<string> } | { async: false };
  }
).waitAsync;

function attach(port: MessagePort, signalBuffer: SharedArrayBuffer): void {
  const signal = new Int32Array(signalBuffer, 0, 4);
  const replyArea = Buffer.from(signalBuffer, IO_SIGNAL_BYTES, IO_REPLY_BYTES);
  const pool = new ConnectionPool();
  const handle = (specJson: string) => {
    const specs = JSON.parse(specJson) as HttpRequestSpec[];
    const reply = (results: HttpResult[]) => {
      const json = JSON.stringify(results);
      const written = json.length * 3 <= IO_REPLY_BYTES ? replyArea.write(json, 0, 'utf8') : -1;
      if (written >= 0) Atomics.store(signal, IO.REPLY_LEN, written);
      else {
        port.postMessage(json);
        Atomics.store(signal, IO.REPLY_LEN, -1);
      }
      Atomics.store(signal, IO.REPLY, 1);
      Atomics.notify(signal, IO.REPLY);
    };
    if (specs.length === 1) void perform(pool, specs[0]!).then((r) => reply([r]));
    else void Promise.all(specs.map((s) => perform(pool, s))).then(reply);
  };
  const slot = {
    signal,
    request: Buffer.from(signalBuffer, IO_SIGNAL_BYTES + IO_REPLY_BYTES, IO_REQUEST_BYTES),
    handle,
  };
  slots.push(slot);
  // The VU may have rung before this message arrived (its ring found no slot to scan): look now.
  take(slot);
  // Requests too large for the shared cell come as messages.
  port.on('message', handle);
  port.on('close', () => pool.destroy());
}

function take(slot: Slot): void {
  if (Atomics.load(slot.signal, IO.REQUEST) !== 1) return;
  Atomics.store(slot.signal, IO.REQUEST, 0);
  slot.handle(slot.request.toString('utf8', 0, Atomics.load(slot.signal, IO.REQUEST_LEN)));
}

/** Takes every announced request, then sleeps on the doorbell (Atomics.waitAsync keeps this event loop running). */
function answerDoorbell(): void {
  for (;;) {
    const rings = Atomics.load(doorbell, BELL.RINGS);
    for (const slot of slots) take(slot);
    Atomics.store(doorbell, BELL.ASLEEP, 1);
    const wait = waitAsync(doorbell, BELL.RINGS, rings);
    if (wait.async) {
      void wait.value.then(() => {
        Atomics.store(doorbell, BELL.ASLEEP, 0);
        answerDoorbell();
      });
      return;
    }
    Atomics.store(doorbell, BELL.ASLEEP, 0); // rung meanwhile: scan again
  }
}
answerDoorbell();

parentPort!.on(
  'message',
  (msg: { t: 'attach'; port: MessagePort; signal: SharedArrayBuffer } | { t: 'insecure'; value: boolean }) => {
    if (msg.t === 'attach') attach(msg.port, msg.signal);
    else setInsecureSkipTLSVerify(msg.value);
  },
);
