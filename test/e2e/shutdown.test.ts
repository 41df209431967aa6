/**
 * Graceful shutdown (src/app/runtime/shutdown.ts, docs/deploy.md "Stopping and draining"): the real app process
 * gets SIGTERM while a delivery is being evaluated. The evaluation is held deterministically on the wire:
 * the app talks to the fake GitHub through a proxy that keeps the check write until the test lets it go.
 * Nothing sleeps: every wait is on a request reaching the proxy, a log line, a webhook answer or the exit.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { startFakeGitHub, type FakeGitHub, type World } from "../fake-github/index.js";
import { startApp, untilStdout, type AppProcess } from "../helpers/app-process.js";
import { CHECK_WRITE, GUARD_MS, startHoldingProxy, withGuard, type HoldingProxy } from "../helpers/holding-proxy.js";
import { deliver, pullRequestEvent } from "../helpers/webhooks.js";
import { InFlight, gracefulShutdown, signalExitCode, type HttpRequests } from "../../src/app/runtime/shutdown.js";

/** Resolves with the first stdout line of the app containing `text` (already logged or to come). */
function logLine(app: AppProcess, text: string): Promise<string> {
  return untilStdout(app, () => app.logs.find((l) => l.includes(text)), `the log line "${text}"`, GUARD_MS);
}

function exited(app: AppProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return Promise.resolve({ code: app.child.exitCode, signal: app.child.signalCode });
  return withGuard(new Promise((resolve) => app.child.once("exit", (code, signal) => resolve({ code, signal }))), "the app to exit");
}

/** What a connection attempt to the app gives: the status, or the error code when it was refused. */
async function probe(url: string): Promise<number | string> {
  try {
    return (await fetch(`${url}/healthz`)).status;
  } catch (error) {
    return ((error as { cause?: { code?: string } }).cause?.code ?? String(error));
  }
}

let fake: FakeGitHub;
let w: World;
let proxy: HoldingProxy;
const apps: AppProcess[] = [];
let repoCounter = 0;

beforeAll(async () => {
  fake = await startFakeGitHub();
  w = fake.state;
  proxy = await startHoldingProxy(fake);
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.stop()));
});
/* eslint-disable @typescript-eslint/no-unnecessary-condition -- each is unset when beforeAll failed before starting it; its declared type cannot say so */
afterAll(async () => {
  await proxy?.close();
  await fake?.close();
});
/* eslint-enable @typescript-eslint/no-unnecessary-condition */

async function startThroughProxy(env: Record<string, string> = {}): Promise<AppProcess> {
  const app = await startApp(fake, { GHE_HOST: proxy.host, ...env });
  apps.push(app);
  return app;
}

/** A new repository with one open Copilot PR (needs an approval: action_required). */
function agentPull(): { repo: string; number: number; sha: string } {
  const repo = `acme/stop${++repoCounter}`;
  w.addRepo(repo, { files: { "README.md": "# r\n" }, collaborators: { alice: "write" } });
  const pull = w.addPull(repo, { author: "Copilot", head: `copilot/fix-${repoCounter}`, commits: [{ message: "Fix", author: "Copilot", files: { "src/a.ts": "a\n" } }] });
  return { repo, number: pull.number, sha: pull.headSha };
}

describe("SIGTERM with an evaluation in flight (real app process)", () => {
  test("the in-flight delivery finishes (200, check written), new connections are refused, the process exits 0", async () => {
    const app = await startThroughProxy();
    const { repo, number, sha } = agentPull();
    const hold = proxy.hold(CHECK_WRITE);
    const answered = deliver(app.url, app.secret, ...pullRequestEvent(w, repo, number, "opened"));
    await hold.arrived;
    expect(w.checkRuns(repo, sha, "agent-gate")).toHaveLength(0);

    const exit = exited(app);
    app.child.kill("SIGTERM");
    await logLine(app, "agent-gate: stopping");
    // The listener is closed: a new connection (a probe, the next delivery) is refused while the drain goes on.
    expect(await probe(app.url)).toBe("ECONNREFUSED");
    expect(app.child.exitCode).toBeNull();

    hold.release();
    expect(await withGuard(answered, "the webhook answer")).toBe(200);
    expect(await exit).toEqual({ code: 0, signal: null });
    const runs = w.checkRuns(repo, sha, "agent-gate");
    expect(runs).toHaveLength(1);
    expect(runs[0]!.conclusion).toBe("action_required");
    expect(app.logs.some((l) => l.includes("every delivery in flight finished"))).toBe(true);
  });

  test("with nothing in flight, SIGTERM and SIGINT both exit 0 at once", async () => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const app = await startThroughProxy();
      const exit = exited(app);
      app.child.kill(signal);
      expect(await exit).toEqual({ code: 0, signal: null });
    }
  });

  test("a second signal during the drain exits at once (143), cutting the delivery off: it fails, no check is written; its redelivery writes it", async () => {
    const app = await startThroughProxy();
    const { repo, number, sha } = agentPull();
    const hold = proxy.hold(CHECK_WRITE);
    const delivery = pullRequestEvent(w, repo, number, "opened");
    const deliveryId = "5e7a0d1c-cut-off";
    const answered = deliver(app.url, app.secret, ...delivery, { deliveryId }).then(
      (status) => status,
      () => "connection lost",
    );
    await hold.arrived;
    const exit = exited(app);
    app.child.kill("SIGTERM");
    await logLine(app, "agent-gate: stopping");
    app.child.kill("SIGTERM");
    expect(await exit).toEqual({ code: 143, signal: null });
    expect(await withGuard(answered, "the webhook answer")).toBe("connection lost");
    // The held write is never forwarded: the app died before writing (GitHub marks the delivery failed).
    expect(w.checkRuns(repo, sha, "agent-gate")).toHaveLength(0);

    // Recovery (docs/deploy.md): redelivering that same delivery to a running replica writes the check.
    const next = await startThroughProxy({ WEBHOOK_SECRET: app.secret });
    expect(await deliver(next.url, next.secret, ...delivery, { deliveryId })).toBe(200);
    const runs = w.checkRuns(repo, sha, "agent-gate");
    expect(runs).toHaveLength(1);
    expect(runs[0]!.conclusion).toBe("action_required");
  });

  test("the drain is bounded (AGENT_GATE_DRAIN_SECONDS): past it the process exits 1 and says what it cut off", async () => {
    const app = await startThroughProxy({ AGENT_GATE_DRAIN_SECONDS: "0.2" });
    const { repo, number, sha } = agentPull();
    const hold = proxy.hold(CHECK_WRITE);
    const answered = deliver(app.url, app.secret, ...pullRequestEvent(w, repo, number, "opened")).catch(() => "connection lost");
    await hold.arrived;
    const exit = exited(app);
    app.child.kill("SIGTERM");
    expect(await exit).toEqual({ code: 1, signal: null });
    expect(await withGuard(answered, "the webhook answer")).toBe("connection lost");
    const cut = JSON.parse(await logLine(app, "drain bound reached")) as { deliveries?: number; drainMs?: number };
    expect(cut).toMatchObject({ deliveries: 1, drainMs: 200 });
    expect(w.checkRuns(repo, sha, "agent-gate")).toHaveLength(0);
  });

  test("a drain bound that is not a number of seconds refuses to start", async () => {
    await expect(startApp(fake, { AGENT_GATE_DRAIN_SECONDS: "25s" }, { startTimeoutMs: 10_000 })).rejects.toThrow(/AGENT_GATE_DRAIN_SECONDS must be a number of seconds/);
  });
});

describe("gracefulShutdown (in process)", () => {
  const quietLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const noHttp = { drain: () => undefined, idle: () => Promise.resolve(), closeAll: () => undefined, size: 0 } as unknown as HttpRequests;

  test("waits for a delivery whose HTTP answer already went out (Probot's 202 after 9 s), then runs the closers, then exits 0", async () => {
    const deliveries = new InFlight();
    const order: string[] = [];
    let finish!: () => void;
    void deliveries.track(new Promise<void>((r) => (finish = r)).then(() => void order.push("delivery finished")));
    const exitCode = new Promise<number>((resolve) => {
      void gracefulShutdown({
        stopListening: () => {
        order.push("stopped listening");
        return Promise.resolve();
      },
        deliveries,
        http: noHttp,
        closers: [
        () => {
          order.push("redis closed");
          return Promise.resolve();
        },
      ],
        drainMs: GUARD_MS,
        log: quietLog,
        exit: (code) => {
          order.push(`exit ${code}`);
          resolve(code);
        },
      })("SIGTERM");
    });
    // Everything up to the wait ran synchronously or in the microtasks of the call: nothing is closed yet.
    await Promise.resolve();
    expect(order).toEqual(["stopped listening"]);
    finish();
    expect(await exitCode).toBe(0);
    expect(order).toEqual(["stopped listening", "delivery finished", "redis closed", "exit 0"]);
  });

  test("a closer that fails or hangs does not keep the process up", async () => {
    const codes: number[] = [];
    await gracefulShutdown({
      stopListening: () => Promise.resolve(),
      deliveries: new InFlight(),
      http: noHttp,
      closers: [() => Promise.reject(new Error("boom")), () => new Promise<void>(() => undefined)],
      drainMs: 1000,
      closeMs: 10,
      log: quietLog,
      exit: (code) => void codes.push(code),
    })("SIGINT");
    expect(codes).toEqual([0]);
  });

  test("signal exit codes follow the shell's 128 + n", () => {
    expect(signalExitCode("SIGTERM")).toBe(143);
    expect(signalExitCode("SIGINT")).toBe(130);
  });
});
