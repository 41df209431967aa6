/**
 * The engine's vocabulary. Everything here is plain data: the engine is pure (no Probot, no HTTP,
 * no clock, no process), and the GitHub App and the CLI are adapters that fill these shapes.
 */

import type { AnalysisError, WorkflowFinding } from "./workflows/escalations.js";
import type { DependencyChange } from "./dependencies/types.js";

// ───────────────────────────── detection ─────────────────────────────

/** Signal kinds, strongest first (SPEC §2). */
export type SignalKind = "identity" | "trailer" | "branch" | "marker" | "manual" | "unknown-bot";
export const SIGNAL_KINDS: readonly SignalKind[] = ["identity", "trailer", "branch", "marker", "manual", "unknown-bot"];

/** `agents.unknown_bots`: what a GitHub App bot that writes code, neither catalogued nor trusted, is. */
export type UnknownBotsMode = "agent" | "report" | "ignore";
export const UNKNOWN_BOTS_MODES: readonly UnknownBotsMode[] = ["agent", "report", "ignore"];
/** `agents.assisted`: what commits applying an AI reviewer's suggestions do. */
export type AssistedMode = "report" | "gate" | "ignore";
export const ASSISTED_MODES: readonly AssistedMode[] = ["report", "gate", "ignore"];

/** One fired signal: why we believe an agent took part. */
export interface Evidence {
  /** Agent id (label suffix), e.g. "copilot", "claude-code"; "manual" for a human-applied label. */
  agent: string;
  signal: SignalKind;
  /** Where it was seen: "pr author", "pr body", "head branch", "label", "commit 1a2b3c4 author", … */
  where: string;
  /** The text that matched, e.g. "copilot-swe-agent[bot]" or "Co-Authored-By: Claude <noreply@anthropic.com>". */
  value: string;
}

/** A git identity, with the GitHub account behind it when GitHub resolved one (the CLI never has it). */
export interface GitIdentity {
  name: string;
  email: string;
  /** GitHub login GitHub associated with this identity, if any. */
  login?: string | null;
  /** GitHub numeric user id, if known. */
  id?: number | null;
}

export interface CommitFacts {
  sha: string;
  author: GitIdentity;
  committer: GitIdentity;
  /** Full commit message (subject, body and trailers). */
  message: string;
  /**
   * Co-authors as GitHub resolved them (GraphQL `Commit.authors` beyond the first), when the adapter
   * has them. The engine also parses `Co-authored-by:` trailers from `message` itself.
   */
  coAuthors?: GitIdentity[];
}

/** A GitHub account (PR author, reviewer, button clicker). */
export interface Account {
  login: string;
  id?: number | null;
  /** GitHub's actor type: "User", "Bot", "Organization", "Mannequin", … */
  type: string;
}

export interface ChangedFile {
  path: string;
  /** Old name when the file was renamed (both names are checked against the policy). */
  previousPath?: string | null;
  status?: "added" | "modified" | "removed" | "renamed" | "copied" | "changed" | "unchanged";
}

/**
 * A changed file's text at the base and at the head, for the workflow and dependency analysis
 * (issue 11 §2, §3). `base` null: the file did not exist at the base (at `previousPath` for a rename);
 * `head` null: removed.
 */
export interface FileContent {
  path: string;
  base: string | null;
  head: string | null;
}

/** Everything the engine needs to know about a pull request (or, in the CLI, about a base..head range). */
export interface PullFacts {
  /** "owner/name", or a local description in the CLI. */
  repository: string;
  /** PR number; absent in the CLI and for direct pushes. */
  number?: number | null;
  title: string;
  body: string;
  /** PR opener; null in the CLI. */
  author: Account | null;
  headRef: string;
  headSha: string;
  /** Base branch name, without "refs/heads/" (used by `targets`). */
  baseRef: string;
  baseSha?: string | null;
  /**
   * Labels that count as signals. The app leaves out the manual label when its latest `labeled` event
   * was not by a human (SPEC §2 signal 5: "a human put the label on"), e.g. when the app added it itself.
   */
  labels: string[];
  /** Who put a label on, when known (shown in the manual signal's evidence). Absent in the CLI. */
  labelActors?: { label: string; login: string }[];
  commits: CommitFacts[];
  files: ChangedFile[];
  /**
   * Base and head texts of the changed workflow, action metadata and manifest files (see
   * `filesNeedingContent`). Absent: the adapter offers no contents and the analysis is skipped; when
   * present, a needed file missing from it makes the decision fail closed.
   */
  contents?: FileContent[];
  /**
   * Facts that could not be read or verified (API error after retries, listing caps …). Any entry
   * makes the decision fail closed: never `success`. Each entry is a sentence for the summary.
   */
  unverified: string[];
  /** Set when the head is an "Update branch" merge judged for `approval.keep_on_update_merge`. */
  updateMerge?: UpdateMergeFacts;
}

/** A custom or built-in agent definition (the policy's `agents.define` entries have this shape). */
export interface AgentDefinition {
  id: string;
  name: string;
  /** Account logins (PR author, commit author/committer login). Case-insensitive, exact. */
  logins?: string[];
  /** Numeric GitHub user ids of bot accounts (stronger than logins: logins can be renamed). */
  userIds?: number[];
  /** Emails (author, committer or co-author); globs allowed (minimatch, case-insensitive). */
  emails?: string[];
  /** Head-branch globs, e.g. "copilot/**". */
  branches?: string[];
  /** Substrings in PR body or commit message that mark the agent's work. */
  markers?: string[];
}

export interface DetectionConfig {
  builtin: boolean;
  signals: SignalKind[];
  define: AgentDefinition[];
  ignore: string[];
  /** The label a human applies to force gating (policy `labels.agent`, default "agent-authored"). */
  manualLabel: string | false;
  /** Automation accounts (logins, or numeric ids) that write code and are not agents; extends the built-in list. */
  trusted?: (string | number)[];
  /** Default "agent" (fail closed). */
  unknownBots?: UnknownBotsMode;
  /** Default "report". */
  assisted?: AssistedMode;
}

export interface DetectedAgent {
  id: string;
  name: string;
}

export interface CommitDetection {
  sha: string;
  agents: DetectedAgent[];
  evidence: Evidence[];
  /** AI reviewers whose suggestions this commit applies (class "assisted", SPEC §2); set by `detectAgents`. */
  assisted?: DetectedAgent[];
  assistedEvidence?: Evidence[];
}

export interface Detection {
  agentAuthored: boolean;
  agents: DetectedAgent[];
  evidence: Evidence[];
  /** Per-commit view (the CLI's JSON output lists it). */
  commits: CommitDetection[];
  /** What was looked at, for the "no coding agent detected" summary. */
  checked: string[];
  /**
   * The assisted class (SPEC §2): AI reviewers whose suggestions were applied by a human, and unknown
   * bots under `agents.unknown_bots: report`. Shown and labelled `agent-assisted`; gating only when
   * `agents.assisted: gate` (then the same evidence is in `evidence` too). Set by `detectAgents`.
   */
  assisted?: DetectedAgent[];
  assistedEvidence?: Evidence[];
  /** Bot accounts that wrote code and are neither catalogued agents nor trusted (shown with how to trust them). */
  unknownBots?: { login: string; id: number | null; where: string }[];
}

// ───────────────────────────── policy ─────────────────────────────

export type Permission = "read" | "triage" | "write" | "maintain" | "admin";
export const PERMISSIONS: readonly Permission[] = ["read", "triage", "write", "maintain", "admin"];

export type PathAction = "block" | "approve" | "allow";

export interface Requirement {
  count: number;
  min_permission: Permission;
  /** "org/team-slug" */
  teams: string[];
  users: string[];
  exclude_contributors: boolean;
  dismiss_on_push: boolean;
}

export interface PathRule {
  match: string[];
  targets?: string[];
  action: PathAction;
  reason?: string;
  /** Overrides of the top-level requirement (only with action "approve"). */
  approval?: Partial<Requirement>;
}

/** Policy-wide keys of the top-level `approval`: how the app asks for approvals (SPEC §3). */
export interface ReviewFlow {
  /** Request review from the unmet requirements' teams/users on `action_required` (default true). */
  request_reviews: boolean;
  /** Approvals survive an "Update branch" merge that changes none of the PR's files (default false). */
  keep_on_update_merge: boolean;
}

/**
 * The head commit is an "Update branch" merge of an earlier head (`from`) with the base tip, and
 * `approval.keep_on_update_merge` is on: whether the approvals given at `from` were carried over.
 */
export interface UpdateMergeFacts {
  /** The merge commit (the PR's head). */
  sha: string;
  /** The earlier head whose approvals are (or would have been) carried over. */
  from: string;
  carried: boolean;
  /** Why not, when not carried. */
  reason?: string;
}
/** `workflows.escalation`: what an agent change that widens CI privileges needs (issue 11 §2). */
export type EscalationAction = "block" | "approve" | "report";
/** `dependencies.action`: what an agent's added or changed dependencies need (issue 11 §3). */
export type DependencyAction = "report" | "approve" | "block";

/** A policy with every default applied (what `loadPolicy` returns on success). */
export interface Policy {
  version: 1;
  enabled: boolean;
  agents: {
    builtin: boolean;
    signals: SignalKind[];
    define: AgentDefinition[];
    ignore: string[];
    /** Logins or numeric ids of automation that writes code and is not an agent (extends the built-in list). */
    trusted: (string | number)[];
    unknown_bots: UnknownBotsMode;
    assisted: AssistedMode;
  };
  labels: {
    agent: string | false;
    per_agent: boolean;
  };
  approval: Requirement;
  /** The policy-wide keys of `approval`; absent (in hand-built policies) means the defaults. */
  reviewFlow?: ReviewFlow;
  /** Absent only in hand-built policies: the engine then applies the defaults (block, report). */
  workflows?: { escalation: EscalationAction };
  dependencies?: {
    action: DependencyAction;
    /** Overrides of the top-level requirement for dependency changes (with action "approve"). */
    approval?: Partial<Requirement>;
  };
  paths: PathRule[];
  default: PathAction;
}

export interface PolicyError {
  file: string;
  /** 1-based; 0 when the error is not tied to a position (e.g. unreadable file). */
  line: number;
  /** 1-based. */
  column: number;
  /** What was wrong and what was expected, e.g. "unknown key \"aproval\" (expected one of: …)". */
  message: string;
}

/** Where the effective policy came from. */
export interface PolicySource {
  /** "repository" default-branch file, "organization" .github repo, "builtin" default, "file"/"ref" in the CLI. */
  kind: "repository" | "organization" | "builtin" | "file" | "ref";
  /** Human description, e.g. "acme/api@main:.github/agent-policy.yml (extends acme/.github:policies/strict.yml)". */
  description: string;
}

/** The policy as the adapter could obtain it. */
export type PolicyState =
  | { status: "ok"; policy: Policy; source: PolicySource; /** sha256 of the canonical effective policy, hex */ hash: string }
  | { status: "invalid"; errors: PolicyError[]; source: PolicySource }
  | { status: "unreadable"; reason: string; source: PolicySource };

/** The PR head's copy of the policy file, when the PR changes it (validated, never applied). */
export type HeadPolicyCheck = { status: "valid" } | { status: "invalid"; errors: PolicyError[] };

// ───────────────────────────── approvals ─────────────────────────────

/** One approval candidate, with the facts needed to qualify its author. */
export interface ApprovalFacts {
  account: Account;
  source: "review" | "button";
  /** Commit the review was submitted on / the check run's head SHA when the button was clicked. */
  commitSha: string;
  /** Latest review state of this user (reviews only): APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED. */
  state?: string;
  /**
   * The user's permission on the repository; null when it could not be read (the approval does not count).
   * When only a bound is known (see `permissionNote`), the highest permission the user can have.
   */
  permission: Permission | "none" | null;
  /**
   * Set when `permission` is a bound, not the exact role: what is actually known, in words, shown
   * instead of "has <permission> permission". E.g. GraphQL's `authorCanPushToRepository: false` says
   * "below write" without telling read from triage: permission "triage", note "cannot push to the
   * repository (read or triage permission)".
   */
  permissionNote?: string;
  /** Teams ("org/slug") the user is known to be in, among those the policy names. null = could not be read. */
  teams: string[] | null;
  /**
   * Reviews: the review's GitHub id (`databaseId`). GitHub numbers reviews in the order they are
   * created, so it orders the review against the clicks of the same person (see `seenReview`).
   */
  reviewId?: number | null;
  /**
   * Clicks: the clicker's latest review (id and state) as GitHub listed it when the click was
   * recorded; null when they had none. A review with a higher id, or that review in another state
   * since (dismissed), came after the click. Undefined (a click stored before this was recorded):
   * the order is unknown, and the stricter of the two decides.
   */
  seenReview?: { id: number; state: string } | null;
}

// ───────────────────────────── decision ─────────────────────────────

export type Conclusion = "success" | "failure" | "neutral" | "action_required";

export interface FileOutcome {
  path: string;
  previousPath?: string | null;
  action: PathAction;
  /** Index in policy.paths of the rule that decided; null = `default`; "policy-file" = the guard on the policy file itself. */
  rule: number | null | "policy-file";
  /** The glob that matched, for display. */
  pattern?: string;
  reason?: string;
  /**
   * The built-in named sets (`@control-plane`, `@ci`, `@dependencies`) the path belongs to, with the
   * member glob that matched; set on agent-authored decisions (the summary says why each matters).
   */
  sets?: { set: string; pattern: string }[];
}

export interface RequirementOutcome {
  /** Rule index (null = the top-level approval requirement, or the `kind`'s). */
  rule: number | null;
  /** Set for the requirements of the guard analysis: workflow escalations, dependency changes. */
  kind?: "workflows" | "dependencies";
  requirement: Requirement;
  files: string[];
  approvedBy: string[];
  /** How many more qualifying approvals are needed (0 when met). */
  missing: number;
  met: boolean;
}

export interface ApprovalOutcome {
  login: string;
  source: "review" | "button";
  counted: boolean;
  /** Why it was not counted (for at least one requirement), e.g. "is a contributor to this PR (commit author)". */
  reason?: string;
  /** Requirement indexes (into Decision.requirements) this approval counted for. */
  countedFor: number[];
}

export interface Decision {
  conclusion: Conclusion;
  /** One line, the verdict (check run title: ≤ 1024 characters). */
  title: string;
  agentAuthored: boolean;
  detection: Detection;
  policy: { source: PolicySource; hash: string | null };
  files: FileOutcome[];
  blocked: FileOutcome[];
  requirements: RequirementOutcome[];
  approvals: ApprovalOutcome[];
  /** Why the decision could not be `success` for lack of facts (fail closed). */
  unverified: string[];
  policyErrors: PolicyError[];
  /** Workflow escalations and dependency changes of an agent-authored PR (issue 11), when analysed. */
  guard?: GuardOutcome;
  /** Set when a broken policy is being repaired by this PR (SPEC §4 rule 0 exception). */
  repairsPolicy: boolean;
  /** Result of validating the PR head's copy of the policy file, when the PR changes it. */
  headPolicy?: HeadPolicyCheck;
  headSha: string;
  baseRef: string;
  /** The PR this decision is about (facts.number); absent in the CLI. */
  number?: number | null;
  /**
   * Logins excluded as contributors (PR opener, commit authors, committers, co-authors), when the
   * requirement has `exclude_contributors`; shown so the summary can say exactly who may approve.
   */
  contributors?: string[];
  /**
   * Set by `strictest()` when one check carries several PRs' decisions (one SHA heading several PRs,
   * or a merge group): every PR's verdict, the strictest first.
   */
  pulls?: PullVerdict[];
  /** Copied from the facts: approvals carried over (or not) from an earlier head by an "Update branch" merge. */
  updateMerge?: UpdateMergeFacts;
  /** Set by the app on a PR that edits the policy file: what the edited file would do to the other open agent PRs. */
  policyPreview?: PolicyPreview;
  /** Set by the app when it asked for reviews for this PR at this head commit (`approval.request_reviews`). */
  reviewRequest?: ReviewRequestNote;
}

/** A review request the app made for this PR at this head commit (issue 12 point 1), for the summary. */
export interface ReviewRequestNote {
  /** Logins asked. */
  users: string[];
  /** Teams asked, "org/slug". */
  teams: string[];
  /** The people those teams and users come to, when at most 10 (named as who may approve); else null. */
  people: string[] | null;
  /** Set when GitHub refused the request: what it said. */
  failed?: string;
  /**
   * Users and teams ("org/slug") left out of the request because GitHub cannot request them: not
   * collaborators of the repository (or not visible to the app), found after GitHub refused the
   * whole request (422); the others were asked again once without them.
   */
  refused?: { users: string[]; teams: string[] };
}

/** The workflow privilege and dependency analysis of one agent-authored PR (issue 11 §2, §3). */
export interface GuardOutcome {
  escalation: EscalationAction;
  findings: WorkflowFinding[];
  dependencyAction: DependencyAction;
  dependencies: DependencyChange[];
  /** Changed workflows or manifests whose head version could not be parsed (fail closed). */
  errors: AnalysisError[];
}

/**
 * What the PR's edited policy file would do to the repository's other open agent PRs (issue 12): a
 * preview shown in the policy PR's own check, computed once per head commit.
 */
export interface PolicyPreview {
  /** How many open PRs were looked at (at most `limit`), this one excluded. */
  looked: number;
  limit: number;
  /** Open agent PRs whose check goes from `success` to anything else. */
  block: number;
  /** … from anything else to `success`. */
  unblock: number;
  /** … whose conclusion stays the same (or changes between non-success conclusions). */
  leave: number;
  /** Set when no preview could be made: why. */
  unavailable?: string;
}

/** One PR's verdict inside a combined decision (see `Decision.pulls`). */
export interface PullVerdict {
  number: number | null;
  conclusion: Conclusion;
  title: string;
}
