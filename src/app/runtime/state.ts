/**
 * What the app keeps in memory between events. Nothing here is needed for correctness after a restart
 * (check runs hold the durable state); it only serialises work and saves requests.
 */
import type { ButtonApproval } from "../../github/button-approvals.js";
import type { GitHub } from "../../github/client.js";
import { QueryOctokits } from "../../github/octokit.js";
import { PolicyCache } from "../../github/policy-cache.js";
import { CreatedRuns } from "../../github/write-check.js";
import { repositorySelection, type OrgAccess } from "../../github/read-repo-policy.js";
import { githubIo, type AppIo } from "./io.js";
import { KeyedQueue } from "./keyed-queue.js";
import { AppMetrics } from "./metrics.js";
import type { EvaluationRetries } from "../flows/retry.js";
import type { ShaLock } from "./sha-lock.js";

const LABEL_CACHE_MAX = 10_000;
const SEEN_DELIVERIES_MAX = 10_000;
/** How long an installation's `repository_selection` is reused (it only words a message, see OrgAccess). */
const SELECTION_TTL_MS = 10 * 60_000;

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
   * Keyed by lower-case `owner/name`. An entry is only as good as the policy it was read from, so
   * every push to a default branch that could have changed that policy drops it (issue 8 point 5):
   * the repository's own, its owner's `.github`, and — for a policy with `_extends`, whose sources
   * can be anywhere — any. See `forgetPolicyOf`.
   */
  readonly manualLabels = new Map<string, { label: string | false; defaultBranch: string; extends: boolean }>();

  /** This instance's Prometheus registry (GET /metrics). */
  readonly metrics: AppMetrics;
  /**
   * Delivery ids (X-GitHub-Delivery) this process has received, so start-up recovery (./recover.ts)
   * does not handle one twice. Bounded: the oldest are forgotten first.
   */
  readonly seenDeliveries = new Set<string>();
  /** For a delivery being recovered: when GitHub delivered it (an Approve click keeps its own time). */
  readonly recoveredDeliveryTimes = new Map<string, string>();
  /** Parsed policies by text (src/github/policy-cache.ts): the same policy file gives the same Policy object. */
  readonly policies = new PolicyCache();
  /** The check runs this process created (src/github/write-check.ts), so a lagging read never makes a second one. */
  readonly createdRuns = new CreatedRuns();
  /** The installations' Octokits for GraphQL queries, not spaced like writes (src/github/octokit.ts). */
  readonly queryOctokits = new QueryOctokits();
  /** How the flows reach GitHub (./io.ts): GitHub itself; memory in flow tests (test/flows/). */
  io: AppIo = githubIo;
  /** Automatic re-evaluation after transient faults (./retry.ts); null: none (unit tests). */
  retries: EvaluationRetries | null = null;

  constructor(appId: number, metrics: AppMetrics = new AppMetrics(), lock: ShaLock | null = null) {
    this.appId = appId;
    this.metrics = metrics;
    this.lock = lock;
    this.queue = new KeyedQueue(lock ? (key, job) => lock.run(key, job) : undefined);
  }

  /** `repository_selection` per installation owner (lower-case), with when it was asked. */
  private readonly selections = new Map<string, { at: number; value: Promise<"all" | "selected" | null> }>();

  /** Why `<owner>/.github` could not be read: one cached request per owner (issue 8 point 9). */
  readonly orgAccess: OrgAccess = (gh: GitHub, owner: string) => {
    const key = owner.toLowerCase();
    const now = Date.now();
    const hit = this.selections.get(key);
    if (hit && now - hit.at < SELECTION_TTL_MS) return hit.value;
    if (this.selections.size >= LABEL_CACHE_MAX) this.selections.delete(this.selections.keys().next().value!);
    const value = repositorySelection(gh);
    this.selections.set(key, { at: now, value });
    return value;
  };

  /** Take these clicks (the very objects) out of the ones pending at `key`: they were judged or answered. */
  forgetPendingClicks(key: string, clicks: readonly ButtonApproval[]): void {
    const left = (this.pendingClicks.get(key) ?? []).filter((c) => !clicks.includes(c));
    if (left.length > 0) this.pendingClicks.set(key, left);
    else this.pendingClicks.delete(key);
  }

  rememberDelivery(id: string): void {
    if (this.seenDeliveries.size >= SEEN_DELIVERIES_MAX) this.seenDeliveries.delete(this.seenDeliveries.values().next().value!);
    this.seenDeliveries.add(id);
  }

  rememberManualLabel(repo: string, label: string | false, defaultBranch: string, viaExtends: boolean): void {
    const key = repo.toLowerCase();
    if (this.manualLabels.size >= LABEL_CACHE_MAX && !this.manualLabels.has(key)) this.manualLabels.delete(this.manualLabels.keys().next().value!);
    this.manualLabels.set(key, { label, defaultBranch, extends: viaExtends });
  }

  /**
   * The manual label as last read, or undefined when it cannot be trusted: never read, or read when the
   * default branch (where the policy lives) was another one than the event says it is now.
   */
  manualLabelOf(repo: string, defaultBranch: string): string | false | undefined {
    const entry = this.manualLabels.get(repo.toLowerCase());
    return entry?.defaultBranch === defaultBranch ? entry.label : undefined;
  }

  /** A push to `repo`'s default branch: drop every cached manual label whose policy it may have changed. */
  forgetPolicyOf(repo: string): void {
    const key = repo.toLowerCase();
    const [owner = "", name = ""] = key.split("/");
    for (const [k, entry] of this.manualLabels) {
      if (k === key || entry.extends || (name === ".github" && k.startsWith(`${owner}/`))) this.manualLabels.delete(k);
    }
  }
}

export function shaKey(owner: string, repo: string, sha: string): string {
  return `${owner}/${repo}@${sha}`;
}
