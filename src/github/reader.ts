/**
 * What the app's flows know about GitHub, as two interfaces (issue 13; policy-bot's `pull.Context`):
 * a `Reader` of the facts one piece of work needs about one repository, and a `Writer` of everything
 * the app puts on GitHub there. The flows (src/app/flows/) see only these, so a flow can be run over
 * GitHub (./github-io.ts: the GraphQL reader of ./read-pull.ts & co. and ./write-check.ts) or over
 * plain memory (test/helpers/memory-github.ts, for flow tests without HTTP) alike.
 *
 * Both are bound to one repository and one piece of work (an evaluation, a push report, a merge
 * group): the GitHub reader keeps a memo of reviewer look-ups for that work only. Each method says
 * whether it throws; the ones that do not turn what cannot be read into `facts.unverified` or an
 * unreadable policy, so the decision fails closed (SPEC §4) instead of crashing or passing.
 */
import type { CommitFacts, PolicyState } from "../engine/types.js";
import type { PullFallback, PullSnapshot, ReadOptions } from "./read-pull.js";
import type { ExistingCheck } from "./refs.js";
import type { CheckWrite, LabelWrite } from "./write-check.js";

/**
 * What a flow may ask of one PR read: pending Approve clicks (they count only while their SHA is the
 * head) and a policy to judge under instead of the default branch's (the policy preview). The rest of
 * `ReadOptions` (caches, the org-access wording) is the GitHub reader's own business.
 */
export type PullReadOptions = Pick<ReadOptions, "pendingClicks" | "policyOverride">;

/** An open pull request as a listing shows it (for the policy preview). */
export interface OpenPull {
  number: number;
  title: string;
  body: string | null;
  headRef: string;
  headSha: string;
  baseRef: string;
  url: string;
}

export interface RepoPolicyRead {
  policy: PolicyState;
  /** The default branch as GitHub names it now; null when the read could not say. */
  defaultBranch: string | null;
}

export interface Reader {
  /**
   * One pull request's facts at its head: commits, files, reviews and their qualification, the policy
   * of the default branch, the app's run at the head, the other open PRs at that head (`twins`).
   * Never throws: what could not be read is in `facts.unverified`, an unreadable policy, or
   * `inaccessible` (the repository is not visible to the installation).
   */
  pull(number: number, fallback: PullFallback, options?: PullReadOptions): Promise<PullSnapshot>;
  /** The same reader for another piece of work: no memo of the look-ups made so far (the policy preview). */
  fresh(): Reader;
  /** The policy of the default branch alone (pushes, which have no PR). Never throws. */
  repoPolicy(defaultBranch: string): Promise<RepoPolicyRead>;
  /** The commits of `before...after` (a push past the payload's 20). Throws GitHub's error. */
  compareCommits(before: string, after: string): Promise<CommitFacts[]>;
  /**
   * The PR numbers of the merge-queue group whose head commit is `headSha` on `baseRef`: its entry and
   * every entry ahead of it. A string (why) when they cannot be known. Never throws.
   */
  mergeGroupPulls(baseRef: string, headSha: string): Promise<number[] | string>;
  /** The open PRs, most recently updated first, at most `limit`. Throws GitHub's error. */
  openPulls(limit: number): Promise<OpenPull[]>;
  /** The members of the owner's team `slug` (first `limit`). Throws GitHub's error. */
  teamMembers(slug: string, limit: number): Promise<string[]>;
  /** Whether a review can be requested from the user (a collaborator); false when it cannot be read. */
  isCollaborator(login: string): Promise<boolean>;
  /** Whether the owner's team `slug` has access to the repository; false when it cannot be read. */
  teamHasAccess(slug: string): Promise<boolean>;
}

/** A check write as a flow asks for it (the repository, app id and created runs are the writer's). */
export type CheckWriteRequest = Omit<CheckWrite, "gh" | "repo" | "appId" | "runs">;

/** A label write as a flow asks for it (the repository is the writer's). */
export type LabelWriteRequest = Omit<LabelWrite, "gh" | "repo">;

export interface Writer {
  /**
   * The app's `agent-gate` run on the SHA by a direct look-up: for work that has no PR read saying it
   * (a push report; failing closed after an error). Throws GitHub's error.
   */
  findRun(sha: string): Promise<ExistingCheck | null>;
  /** Write the outcome on the SHA's one run (create, or update when changed). Returns whether it wrote. Throws. */
  check(write: CheckWriteRequest): Promise<boolean>;
  /** Add the planned labels missing from the PR (creating them in the repository when missing). Returns the names added. Throws. */
  labels(write: LabelWriteRequest): Promise<string[]>;
  /** Ask these users and teams (slugs of the owner) to review the PR. Throws GitHub's refusal as it came. */
  requestReviewers(number: number, users: readonly string[], teams: readonly string[]): Promise<void>;
}
