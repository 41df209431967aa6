/**
 * What the app keeps in memory between events. Nothing here is needed for correctness after a restart
 * (check runs hold the durable state); it only serialises work and saves requests.
 */
import type { ButtonApproval } from "../github/button-approvals.js";
import { KeyedQueue } from "./keyed-queue.js";
import { AppMetrics } from "./metrics.js";
import type { EvaluationRetries } from "./retry.js";
import type { ShaLock } from "./sha-lock.js";

const LABEL_CACHE_MAX = 10_000;

export class AppState {
  readonly appId: number;
  /**
   * Serialises evaluations per repository + head SHA (and coalesces bursts); with a lock (REDIS_URL),
   * across every replica sharing that Redis too.
   */
  readonly queue: KeyedQueue;
  /** The cross-replica lock, or null: one process (docs/deploy.md, "Several replicas"). */
  readonly lock: ShaLock | null;
  /** Approve clicks received but not yet written into the check run, per repository + SHA. */
  readonly pendingClicks = new Map<string, ButtonApproval[]>();
  /**
   * The manual label of each repository's policy as last read (`labels.agent`; false = none), so a
   * `labeled` event for another label costs no request (SPEC §8). Unknown repository → evaluate.
   */
  readonly manualLabels = new Map<string, string | false>();

  /** This instance's Prometheus registry (GET /metrics). */
  readonly metrics: AppMetrics;
  /** Automatic re-evaluation after transient faults (./retry.ts); null: none (unit tests). */
  retries: EvaluationRetries | null = null;

  constructor(appId: number, metrics: AppMetrics = new AppMetrics(), lock: ShaLock | null = null) {
    this.appId = appId;
    this.metrics = metrics;
    this.lock = lock;
    this.queue = new KeyedQueue(lock ? (key, job) => lock.run(key, job) : undefined);
  }

  rememberManualLabel(repo: string, label: string | false): void {
    if (this.manualLabels.size >= LABEL_CACHE_MAX && !this.manualLabels.has(repo)) this.manualLabels.delete(this.manualLabels.keys().next().value!);
    this.manualLabels.set(repo, label);
  }
}

export function shaKey(owner: string, repo: string, sha: string): string {
  return `${owner}/${repo}@${sha}`;
}
