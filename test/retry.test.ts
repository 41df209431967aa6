/** src/app/flows/retry.ts (automatic re-evaluation) and src/app/runtime/payload-guard.ts, in process; timers faked, nothing sleeps. */
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import type { Logger } from "probot";
import { EvaluationRetries, gaveUpNote, retryOptionsFromEnv, type RetryAudit } from "../src/app/flows/retry.js";
import { payloadProblem } from "../src/app/runtime/payload-guard.js";
import { coalesceKey, nextCursor, recoveryOptionsFromEnv } from "../src/app/flows/recover.js";

const lines: RetryAudit[] = [];
const log = { info: () => undefined, warn: () => undefined } as unknown as Logger;
const target = { log, repo: "acme/r", headSha: "a".repeat(40), pull: 1 };

beforeEach(() => {
  vi.useFakeTimers();
  lines.length = 0;
});
afterEach(() => vi.useRealTimers());

test("back-off doubles per attempt with jitter in [0.5, 1.5), capped; attempts bounded; then gave_up", async () => {
  const r = new EvaluationRetries({ baseMs: 100, attempts: 3, capMs: 250, random: () => 0.99, onAudit: (l) => lines.push(l) });
  expect([1, 2, 3].map((n) => r.delayMs(n))).toEqual([149, 250, 250]);
  let runs = 0;
  const run = () => { runs++; return Promise.resolve(); };
  for (let i = 0; i < 3; i++) {
    expect(r.failed("k", target, "HTTP 502", run)).toBe("scheduled");
    // A second failure while one is scheduled is coalesced into it.
    expect(r.failed("k", target, "HTTP 502", run)).toBe("coalesced");
    await vi.runAllTimersAsync();
  }
  expect(runs).toBe(3);
  expect(r.isLastAttempt("k")).toBe(true);
  expect(r.failed("k", target, "HTTP 502", run)).toBe("gave_up");
  expect(lines.map((l) => [l.attempt, l.outcome])).toEqual([
    [1, "scheduled"],
    [2, "scheduled"],
    [3, "scheduled"],
    [3, "gave_up"],
  ]);
  expect(lines[3]).not.toHaveProperty("delayMs");
  expect(gaveUpNote(3)).toMatch(/3 times/);
});

test("a clean evaluation ends the series and drops its timer; stop() drops every timer", async () => {
  const r = new EvaluationRetries({ baseMs: 10, attempts: 5 });
  let runs = 0;
  r.failed("k", target, "x", () => { runs++; return Promise.resolve(); });
  r.succeeded("k");
  expect(r.pending).toBe(0);
  expect(r.isLastAttempt("k")).toBe(false);
  r.failed("j", target, "x", () => { runs++; return Promise.resolve(); });
  r.stop();
  await vi.runAllTimersAsync();
  expect(runs).toBe(0);
  expect(r.failed("j", target, "x", () => { runs++; return Promise.resolve(); })).toBe("stopped");
});

test("settings from the environment: defaults, and a malformed value is refused", () => {
  expect(retryOptionsFromEnv({})).toEqual({ baseMs: 5000, attempts: 5 });
  expect(retryOptionsFromEnv({ AGENT_GATE_RETRY_BASE_MS: "1", AGENT_GATE_RETRY_ATTEMPTS: "0" })).toEqual({ baseMs: 1, attempts: 0 });
  expect(() => retryOptionsFromEnv({ AGENT_GATE_RETRY_BASE_MS: "0" })).toThrow(/AGENT_GATE_RETRY_BASE_MS/);
  expect(() => retryOptionsFromEnv({ AGENT_GATE_RETRY_ATTEMPTS: "five" })).toThrow(/AGENT_GATE_RETRY_ATTEMPTS/);
  expect(recoveryOptionsFromEnv({})).toEqual({ windowMs: 3_600_000, max: 300 });
  expect(() => recoveryOptionsFromEnv({ AGENT_GATE_RECOVER_MINUTES: "-1" })).toThrow(/AGENT_GATE_RECOVER_MINUTES/);
});

test("payload guard: installation and repository must be nameable", () => {
  const ok = { installation: { id: 7 }, repository: { name: "r.x-y_z", owner: { login: "acme" } } };
  expect(payloadProblem(ok)).toBeNull();
  expect(payloadProblem({ ...ok, installation: { id: -1 } })).toMatch(/installation/);
  expect(payloadProblem({ ...ok, installation: { id: "7" } })).toMatch(/installation/);
  expect(payloadProblem({ ...ok, installation: null })).toMatch(/installation/);
  expect(payloadProblem({ ...ok, repository: { owner: { login: "acme" } } })).toMatch(/repository.name/);
  expect(payloadProblem({ ...ok, repository: { name: "../x", owner: { login: "acme" } } })).toMatch(/repository.name/);
  expect(payloadProblem({ ...ok, repository: { name: "r", owner: { login: "a\u202eb" } } })).toMatch(/owner.login/);
  expect(payloadProblem({ installation: { id: 7 } }, { repository: false })).toBeNull();
  expect(payloadProblem([])).toMatch(/not an object/);
});

test("recovery helpers: the next cursor from a Link header; coalescing keys", () => {
  expect(nextCursor('<https://api.github.com/app/hook/deliveries?per_page=100&cursor=v1_42>; rel="next"')).toBe("v1_42");
  expect(nextCursor('<https://api.github.com/app/hook/deliveries?cursor=a>; rel="prev"')).toBeNull();
  expect(nextCursor(undefined)).toBeNull();
  const repo = { id: 5 };
  expect(coalesceKey("pull_request", { repository: repo, pull_request: { number: 3 } }, "g1")).toBe(coalesceKey("pull_request_review", { repository: repo, pull_request: { number: 3 } }, "g2"));
  // Clicks are never coalesced: each is a person's action.
  expect(coalesceKey("check_run", { action: "requested_action", repository: repo, check_run: { head_sha: "s" } }, "g1")).not.toBe(
    coalesceKey("check_run", { action: "requested_action", repository: repo, check_run: { head_sha: "s" } }, "g2"),
  );
  expect(coalesceKey("weird", {}, "g9")).toBe("delivery:g9");
});
