/** Builders of engine inputs for the decision, matching and rendering tests. */
import { BUILTIN_DEFAULT_POLICY } from "../../src/engine/policy/defaults.js";
import type {
  Account,
  ApprovalFacts,
  CommitFacts,
  PathRule,
  Policy,
  PolicyState,
  PullFacts,
  Requirement,
} from "../../src/engine/types.js";

export const HEAD = "a".repeat(40);
export const OLD = "b".repeat(40);

export function policy(overrides: Partial<Omit<Policy, "approval">> & { approval?: Partial<Requirement> } = {}): Policy {
  const base = structuredClone<Policy>(BUILTIN_DEFAULT_POLICY);
  const { approval, ...rest } = overrides;
  return { ...base, ...rest, approval: { ...base.approval, ...approval } };
}

export function rules(...paths: PathRule[]): PathRule[] {
  return paths;
}

export function ok(p: Policy): PolicyState {
  return { status: "ok", policy: p, source: { kind: "repository", description: "acme/api@main:.github/agent-policy.yml" }, hash: "f".repeat(64) };
}

/** A User account; its id is derived from the lower-case login, so distinct logins are distinct accounts. */
export const human = (login: string, id?: number): Account => ({ login, id: id ?? idOf(login), type: "User" });

function idOf(login: string): number {
  let h = 7;
  for (const c of login.toLowerCase()) h = (h * 31 + c.charCodeAt(0)) % 1_000_000_007;
  return 10_000 + h;
}

export function commit(sha: string, author: { name?: string; email?: string; login?: string | null }, message = "Change things"): CommitFacts {
  const identity = { name: author.name ?? author.login ?? "Someone", email: author.email ?? "someone@example.com", login: author.login ?? null };
  return { sha, author: identity, committer: { ...identity }, message };
}

/** A PR opened by the Copilot coding agent (identity signal), one commit by it, touching `files`. */
export function agentPull(files: (string | { path: string; previousPath?: string })[], extra: Partial<PullFacts> = {}): PullFacts {
  return {
    repository: "acme/api",
    number: 7,
    title: "Add feature",
    body: "",
    author: { login: "Copilot", id: 198982749, type: "Bot" },
    headRef: "copilot/add-feature",
    headSha: HEAD,
    baseRef: "main",
    labels: [],
    commits: [commit("c".repeat(40), { name: "Copilot", email: "198982749+Copilot@users.noreply.github.com", login: "Copilot" })],
    files: files.map((f) => (typeof f === "string" ? { path: f, status: "modified" as const } : { ...f, status: "renamed" as const })),
    unverified: [],
    ...extra,
  };
}

/** A PR by a human with a human commit and no agent signal. */
export function humanPull(files: string[], extra: Partial<PullFacts> = {}): PullFacts {
  return agentPull(files, {
    author: human("dev"),
    headRef: "feature/thing",
    commits: [commit("d".repeat(40), { name: "Dev", email: "dev@acme.example", login: "dev" }, "Fix the thing")],
    ...extra,
  });
}

export function approval(login: string, extra: Partial<ApprovalFacts> = {}): ApprovalFacts {
  return {
    account: human(login),
    source: "review",
    commitSha: HEAD,
    state: "APPROVED",
    permission: "write",
    teams: [],
    ...extra,
  };
}
