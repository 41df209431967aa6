/**
 * Automatic re-evaluation after a transient fault (issue 8 point 13, docs/app.md "Transient faults").
 *
 * Why: an evaluation that could not read what it needed (a 5xx, a rate limit, a reset, a GraphQL
 * answer with errors — after Octokit's own retries) writes the fail-closed check, and the delivery is
 * still answered 2xx, so GitHub never redelivers it: without this the check would stay `failure`
 * ("Policy could not be read") until someone clicks Re-run. So the app schedules the re-evaluation
 * itself:
 * - bounded exponential back-off with jitter: attempt n waits `baseMs · 2^(n−1)` times a random factor
 *   in [0.5, 1.5), at most `capMs`; at most `attempts` re-evaluations per commit;
 * - per commit (repository + head SHA) coalesced: one timer per SHA at a time; the re-evaluation goes
 *   through the same KeyedQueue as every event (src/app/runtime/keyed-queue.ts), so it is serialised with them
 *   and merged into a waiting evaluation of the SHA;
 * - an evaluation of the SHA that read everything clears the SHA's count (and its timer);
 * - the last attempt that still fails says so in the check text (`gaveUpNote`), in an audit line
 *   (`type: "retry"`, `outcome: "gave_up"`) and in `agent_gate_evaluation_retries_total{outcome="gave_up"}`.
 * Nothing here is needed for correctness after a restart: pending timers are dropped at shutdown, and
 * start-up recovery (src/app/flows/recover.ts) re-evaluates recent deliveries anyway.
 */
import type { Logger } from "probot";
import { AUDIT_SCHEMA } from "../runtime/audit.js";

/** Environment variables (docs/deploy.md). */
export const RETRY_BASE_ENV = "AGENT_GATE_RETRY_BASE_MS";
export const RETRY_ATTEMPTS_ENV = "AGENT_GATE_RETRY_ATTEMPTS";

export const DEFAULT_RETRY_BASE_MS = 5_000;
export const DEFAULT_RETRY_ATTEMPTS = 5;
/** No single wait longer than this (with the defaults: 5, 10, 20, 40, 80 s ± jitter). */
export const RETRY_CAP_MS = 300_000;

export const AUDIT_RETRY = "agent-gate re-evaluation";

export interface RetryAudit {
  schema: typeof AUDIT_SCHEMA;
  type: "retry";
  repo: string;
  headSha: string;
  pull: number;
  /** The re-evaluation this line is about: 1 = the first after the original evaluation. */
  attempt: number;
  /** `scheduled`: it will run after `delayMs`; `gave_up`: the attempts are used up, the check says so. */
  outcome: "scheduled" | "gave_up";
  delayMs?: number;
  /** What failed (a request error, or the facts that could not be read). */
  reason: string;
}

export interface RetryOptions {
  baseMs: number;
  attempts: number;
  capMs?: number;
  /** [0, 1); Math.random by default (the jitter). */
  random?: () => number;
  /** Called for every audit line (metrics). */
  onAudit?: (line: RetryAudit) => void;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  if (!/^\s*\d{1,9}\s*$/.test(raw) || Number(raw) < min) throw new Error(`${name} must be a whole number ≥ ${min}, got ${JSON.stringify(raw.slice(0, 40))}`);
  return Number(raw);
}

/** The retry settings from the environment; throws with a one-line message when one is malformed. */
export function retryOptionsFromEnv(env: NodeJS.ProcessEnv): Pick<RetryOptions, "baseMs" | "attempts"> {
  return { baseMs: positiveInt(env, RETRY_BASE_ENV, DEFAULT_RETRY_BASE_MS, 1), attempts: positiveInt(env, RETRY_ATTEMPTS_ENV, DEFAULT_RETRY_ATTEMPTS, 0) };
}

/** The line the last failing attempt adds to the check's "could not verify" list. */
export function gaveUpNote(attempts: number): string {
  return (
    `agent-gate re-evaluated this commit ${attempts} ${attempts === 1 ? "time" : "times"} after GitHub failed to answer and gave up; ` +
    `re-run the agent-gate check once GitHub answers again.`
  );
}

interface Pending {
  timer: NodeJS.Timeout;
  attempt: number;
}

export interface RetryTarget {
  log: Logger;
  repo: string;
  headSha: string;
  pull: number;
}

export class EvaluationRetries {
  readonly baseMs: number;
  readonly attempts: number;
  readonly capMs: number;
  readonly #random: () => number;
  readonly #onAudit: ((line: RetryAudit) => void) | undefined;
  /** Re-evaluations already spent per SHA key (reset by an evaluation that read everything). */
  readonly #spent = new Map<string, number>();
  readonly #pending = new Map<string, Pending>();
  #stopped = false;

  constructor(options: RetryOptions) {
    this.baseMs = options.baseMs;
    this.attempts = options.attempts;
    this.capMs = options.capMs ?? RETRY_CAP_MS;
    this.#random = options.random ?? Math.random;
    this.#onAudit = options.onAudit;
  }

  /** SHA keys with a re-evaluation scheduled (tests, metrics). */
  get pending(): number {
    return this.#pending.size;
  }

  /** Whether the next failing evaluation of `key` is the last one allowed (its check says it gave up). */
  isLastAttempt(key: string): boolean {
    return (this.#spent.get(key) ?? 0) >= this.attempts;
  }

  /** The back-off before re-evaluation number `attempt` (1-based). */
  delayMs(attempt: number): number {
    const exp = this.baseMs * 2 ** Math.min(attempt - 1, 30);
    return Math.round(Math.min(this.capMs, exp * (0.5 + this.#random())));
  }

  /** An evaluation of `key` read everything it needed: forget its failures, drop its timer. */
  succeeded(key: string): void {
    this.#spent.delete(key);
    const p = this.#pending.get(key);
    if (p) {
      clearTimeout(p.timer);
      this.#pending.delete(key);
    }
  }

  /**
   * An evaluation of `key` could not read what it needed: schedule `run` (the re-evaluation), unless
   * one is already scheduled for the SHA (coalesced), or give up visibly once the attempts are spent.
   * Returns what was done.
   */
  failed(key: string, target: RetryTarget, reason: string, run: () => Promise<void>): "scheduled" | "coalesced" | "gave_up" | "stopped" {
    if (this.#stopped) return "stopped";
    if (this.#pending.has(key)) return "coalesced";
    const spent = this.#spent.get(key) ?? 0;
    if (spent >= this.attempts) {
      this.#spent.delete(key);
      this.#audit(target, { attempt: spent, outcome: "gave_up", reason });
      return "gave_up";
    }
    const attempt = spent + 1;
    this.#spent.set(key, attempt);
    if (this.#spent.size > MAX_TRACKED) this.#spent.delete(this.#spent.keys().next().value!);
    const delayMs = this.delayMs(attempt);
    const timer = setTimeout(() => {
      this.#pending.delete(key);
      run().catch((error: unknown) => target.log.warn({ err: error, repo: target.repo, headSha: target.headSha }, "agent-gate: automatic re-evaluation failed"));
    }, delayMs);
    this.#pending.set(key, { timer, attempt });
    this.#audit(target, { attempt, outcome: "scheduled", delayMs, reason });
    return "scheduled";
  }

  /** Drop every scheduled re-evaluation (shutdown); later failures schedule nothing. */
  stop(log?: Pick<Logger, "info">): void {
    this.#stopped = true;
    if (this.#pending.size > 0) log?.info({ dropped: this.#pending.size }, "agent-gate: dropping scheduled re-evaluations at shutdown (start-up recovery covers them)");
    for (const p of this.#pending.values()) clearTimeout(p.timer);
    this.#pending.clear();
  }

  #audit(target: RetryTarget, fields: Pick<RetryAudit, "attempt" | "outcome" | "delayMs" | "reason">): void {
    const line: RetryAudit = { schema: AUDIT_SCHEMA, type: "retry", repo: target.repo, headSha: target.headSha, pull: target.pull, ...fields };
    if (line.delayMs === undefined) delete line.delayMs;
    const log = fields.outcome === "gave_up" ? target.log.warn.bind(target.log) : target.log.info.bind(target.log);
    log({ audit: line }, AUDIT_RETRY);
    this.#onAudit?.(line);
  }
}

/** SHAs whose failure count is remembered at most (oldest forgotten first): bounded memory. */
const MAX_TRACKED = 10_000;
