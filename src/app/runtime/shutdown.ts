/**
 * Graceful shutdown for `npm start` (src/app/main.ts), docs/deploy.md "Stopping and draining".
 *
 * Why: containers and orchestrators stop a process with SIGTERM (`docker stop`, Kubernetes pod
 * termination), then SIGKILL after a grace period (Docker 10 s, Kubernetes 30 s by default). Probot's
 * `run()` handles only SIGINT (`probot/lib/run.js`: `server.stop()` then `process.exit(0)`), and Node's
 * default for SIGTERM is to die at once — or, as PID 1 in a container, to ignore it until the SIGKILL.
 * Either way a delivery being evaluated is cut off between reading GitHub and writing the check.
 *
 * What a signal does here:
 * 1. stop listening (new connections are refused; idle keep-alive connections are closed);
 * 2. wait, at most `drainMs`, until every webhook handler that started has settled — including one whose
 *    HTTP answer already went out as Probot's `202 still processing` after 9 s — and every HTTP response
 *    in progress has been sent (each sent with `Connection: close`, so no client keeps a connection);
 * 3. run the closers (the Redis lock connection), each bounded by `closeMs`;
 * 4. exit 0 when everything drained, 1 when the bound cut work off (logged with what was cut).
 * A second signal during the drain exits at once (128 + signal number, the shell's convention).
 */
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import { constants } from "node:os";

/** Default drain bound: under Kubernetes' default 30 s grace period, with room for the closers. */
export const DEFAULT_DRAIN_MS = 25_000;
/** Each closer (e.g. Redis QUIT) gets at most this long after the drain. */
export const DEFAULT_CLOSE_MS = 2_000;
/** Environment variable that sets the drain bound, in seconds. */
export const DRAIN_ENV = "AGENT_GATE_DRAIN_SECONDS";

/**
 * Optional field of the app function's options through which main.ts collects what must be closed at
 * shutdown (the app function builds the Redis lock itself). Absent under `probot run` and in tests.
 */
export interface ShutdownRegistrar {
  onShutdown?: (close: () => Promise<void>) => void;
}

/** Read the drain bound from the environment: a non-negative number of seconds, default 25. */
export function drainMsFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env[DRAIN_ENV];
  if (raw === undefined || raw.trim() === "") return DEFAULT_DRAIN_MS;
  if (!/^\s*\d+(\.\d+)?\s*$/.test(raw)) {
    throw new Error(`${DRAIN_ENV} must be a number of seconds (e.g. 25), got ${JSON.stringify(raw)}`);
  }
  return Math.round(Number(raw) * 1000);
}

/** Counts promises in flight and tells when none is left. */
export class InFlight {
  #count = 0;
  #waiters: (() => void)[] = [];

  get size(): number {
    return this.#count;
  }

  /** Count `work` until it settles; returns it unchanged (rejections pass through). */
  track<T>(work: Promise<T>): Promise<T> {
    this.#count++;
    const done = () => {
      if (--this.#count === 0) for (const wake of this.#waiters.splice(0)) wake();
    };
    work.then(done, done);
    return work;
  }

  /** Resolves once nothing is in flight (at once when nothing is). */
  idle(): Promise<void> {
    return this.#count === 0 ? Promise.resolve() : new Promise((resolve) => this.#waiters.push(resolve));
  }
}

type Handler = (context: never) => unknown;
type On = (events: never, handler: Handler) => void;

/**
 * Make every handler later registered with `probot.on` count in `inFlight` while it runs. Probot's
 * `on` is an instance property (an arrow function in `probot/lib/probot.js`), so replacing it on the
 * instance reaches every `probot.on(…)` of the app function. The handler's promise covers the whole
 * evaluation, follow-ups included (the handlers await the KeyedQueue job and its follow-up).
 */
export function trackHandlers(probot: { on: unknown }, inFlight: InFlight): void {
  const on = probot.on as On;
  probot.on = (events: never, handler: Handler) => {
    on(events, (context: never) => inFlight.track(Promise.resolve().then(() => handler(context))));
  };
}

/**
 * HTTP requests in progress on the process's HTTP servers, seen through Node's `http.server.request.start`
 * diagnostics channel (Node ≥ 18.7 / 16.17): Probot keeps its `http.Server` private, and `server.close()`
 * alone leaves a connection that was busy when it was called open for `keepAliveTimeout` (5 s) after its
 * answer — the drain would then end on a timer instead of on the last answer.
 */
export class HttpRequests {
  readonly #active = new Set<ServerResponse>();
  readonly #servers = new Set<HttpServer>();
  readonly #idle = new InFlight();
  #draining = false;

  constructor() {
    subscribe("http.server.request.start", (message) => {
      const { response, server } = message as { request: IncomingMessage; response: ServerResponse; server: HttpServer };
      this.#servers.add(server);
      this.#active.add(response);
      if (this.#draining) this.#noKeepAlive(response);
      let settle!: () => void;
      void this.#idle.track(new Promise<void>((resolve) => (settle = resolve)));
      // "close" fires both after the answer is sent and when the client goes away first.
      response.once("close", () => {
        this.#active.delete(response);
        settle();
        if (this.#draining) server.closeIdleConnections();
      });
    });
  }

  get size(): number {
    return this.#active.size;
  }

  /** From now on every answer closes its connection; answers already under way too, if not yet sent. */
  drain(): void {
    this.#draining = true;
    for (const response of this.#active) this.#noKeepAlive(response);
    for (const server of this.#servers) server.closeIdleConnections();
  }

  idle(): Promise<void> {
    return this.#idle.idle();
  }

  /** Cut every connection still open (after the drain bound). */
  closeAll(): void {
    for (const server of this.#servers) server.closeAllConnections();
  }

  #noKeepAlive(response: ServerResponse): void {
    if (!response.headersSent) response.setHeader("connection", "close");
  }
}

export interface ShutdownLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface GracefulShutdownOptions {
  /** Stop accepting connections (Probot's `Server.stop()`); may resolve only once every connection closed. */
  stopListening: () => Promise<void>;
  deliveries: InFlight;
  http: HttpRequests;
  /** What to close after the drain (e.g. the Redis lock connection). */
  closers: readonly (() => Promise<void>)[];
  drainMs: number;
  closeMs?: number;
  log: ShutdownLog;
  exit: (code: number) => void;
}

function bounded(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([work.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

/** Exit code of a process killed by `signal` (128 + its number). */
export function signalExitCode(signal: NodeJS.Signals): number {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- os.constants.signals lacks some names on some platforms; its type lists all
  return 128 + (constants.signals[signal] ?? 15);
}

/**
 * Returns `shutdown(signal)`: the first call drains and exits; a later call exits at once. Install it
 * with `process.on("SIGTERM", …)`; resolves with the exit code it passed to `exit`.
 */
export function gracefulShutdown(opts: GracefulShutdownOptions): (signal: NodeJS.Signals) => Promise<number> {
  let started = false;
  return async (signal) => {
    if (started) {
      opts.log.warn({ signal }, "agent-gate: second signal while draining: exiting now; deliveries still in flight are cut off");
      const code = signalExitCode(signal);
      opts.exit(code);
      return code;
    }
    started = true;
    opts.http.drain();
    // server.close() stops listening synchronously; its promise settles once every connection is closed.
    const stopped = opts.stopListening().catch((err: unknown) => opts.log.warn({ err }, "agent-gate: closing the HTTP server failed"));
    opts.log.info(
      { signal, deliveries: opts.deliveries.size, requests: opts.http.size, drainMs: opts.drainMs },
      "agent-gate: stopping: no new connections; waiting for the deliveries in flight",
    );
    const drained = await bounded(Promise.all([opts.deliveries.idle(), opts.http.idle()]), opts.drainMs);
    if (!drained) {
      opts.log.error(
        { deliveries: opts.deliveries.size, requests: opts.http.size, drainMs: opts.drainMs },
        "agent-gate: drain bound reached: cutting off the deliveries still in flight (their checks are left as they were; the next event or a re-run evaluates them again)",
      );
      opts.http.closeAll();
    }
    await bounded(stopped, opts.closeMs ?? DEFAULT_CLOSE_MS);
    for (const close of opts.closers) {
      const closed = await bounded(
        close().catch((err: unknown) => opts.log.warn({ err }, "agent-gate: closing a connection at shutdown failed")),
        opts.closeMs ?? DEFAULT_CLOSE_MS,
      );
      if (!closed) opts.log.warn({}, "agent-gate: closing a connection at shutdown timed out");
    }
    const code = drained ? 0 : 1;
    opts.log.info({ code }, drained ? "agent-gate: stopped: every delivery in flight finished" : "agent-gate: stopped after the drain bound");
    opts.exit(code);
    return code;
  };
}
