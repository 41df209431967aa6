/**
 * What a flow test needs around the in-memory GitHub (./memory-github.ts): an AppState whose `io` is
 * that memory, a Logger that keeps the audit lines, and an Octokit that must never be reached (a flow
 * over memory that touched Octokit would be an HTTP path the test did not mean).
 */
import type { Logger } from "probot";
import type { GitHub } from "../../src/github/client.js";
import { AppState } from "../../src/app/runtime/state.js";
import { AUDIT_CLICK, AUDIT_DECISION, AUDIT_PUSH, type ClickAudit, type DecisionAudit } from "../../src/app/runtime/audit.js";
import { ok, policy } from "./decision-fixtures.js";
import { MemoryGitHub } from "./memory-github.js";

export const APP_ID = 4242;

/** Throws on any use: the flows must reach GitHub only through `AppState.io`. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- a stand-in that throws on first use, never an Octokit
export const NO_OCTOKIT = new Proxy(
  {},
  {
    get(_, name) {
      throw new Error(`a flow over memory used Octokit (${String(name)})`);
    },
  },
) as GitHub;

export function memoryApp(memory: MemoryGitHub): AppState {
  const app = new AppState(APP_ID);
  app.io = memory.io();
  return app;
}

/** A flow test's world: an in-memory GitHub serving the test policy, an app over it, a recording log. */
export interface FlowWorld {
  memory: MemoryGitHub;
  app: AppState;
  rec: RecordingLog;
}

/** A fresh FlowWorld (call it in `beforeEach`: nothing carries over between tests). */
export function freshFlow(): FlowWorld {
  const memory = new MemoryGitHub({ policy: ok(policy()) });
  return { memory, app: memoryApp(memory), rec: recordingLog() };
}

export interface RecordingLog {
  log: Logger;
  decisions: DecisionAudit[];
  clicks: ClickAudit[];
  pushes: Record<string, unknown>[];
  errors: string[];
}

export function recordingLog(): RecordingLog {
  const out: RecordingLog = { log: undefined as unknown as Logger, decisions: [], clicks: [], pushes: [], errors: [] };
  out.log = {
    info: (obj: unknown, msg?: string) => {
      const audit = (obj as { audit?: unknown }).audit;
      if (msg === AUDIT_DECISION) out.decisions.push(audit as DecisionAudit);
      if (msg === AUDIT_CLICK) out.clicks.push(audit as ClickAudit);
      if (msg === AUDIT_PUSH) out.pushes.push(audit as Record<string, unknown>);
    },
    debug: () => {},
    warn: () => {},
    error: (_: unknown, msg?: string) => void out.errors.push(msg ?? ""),
    child: () => out.log,
  } as unknown as Logger;
  return out;
}
