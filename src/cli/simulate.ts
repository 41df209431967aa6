/**
 * `agent-gate simulate --repo OWNER/NAME --pr N [--policy FILE]` (SPEC §7, issue 12 point 4): the
 * decision the app would post for a pull request now, from GitHub's real data (reviews, permissions,
 * teams), read by the app's own reader (src/github/read-pull.ts) and decided by the same engine.
 * Read-only (src/cli/github.ts).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { decide } from "../engine/decide/decide.js";
import { loadPolicy } from "../engine/policy/load.js";
import type { Decision, PolicyState } from "../engine/types.js";
import { describeError, type GitHub } from "../github/client.js";
import { readPull, type PullSnapshot, type ReadOptions } from "../github/read-pull.js";
import { PolicyCache } from "../github/policy-cache.js";
import { newLookupCache } from "../github/reviewers.js";
import { GitHubCliError } from "./github.js";

export interface RepoArg {
  owner: string;
  repo: string;
}

/** "OWNER/NAME", exactly one slash, GitHub's characters. */
export function parseRepoArg(value: string | undefined): RepoArg {
  const m = value ? /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/.exec(value) : null;
  if (!m) throw new GitHubCliError(`--repo must be OWNER/NAME (got ${JSON.stringify(value ?? "")})`);
  return { owner: m[1]!, repo: m[2]! };
}

/** A candidate policy file, loaded and validated like `validate` (its hash shown like the app's). */
export function candidatePolicy(file: string, cwd: string): PolicyState {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new GitHubCliError(`cannot read policy file ${file}: ${(error as Error).message}`);
  }
  const source = { kind: "file" as const, description: file };
  const loaded = loadPolicy(text, file);
  return loaded.ok ? { status: "ok", policy: loaded.policy, source, hash: loaded.hash } : { status: "invalid", errors: loaded.errors, source };
}

export async function defaultBranchOf(gh: GitHub, repo: RepoArg): Promise<string> {
  try {
    const { data } = await gh.rest.repos.get({ owner: repo.owner, repo: repo.repo });
    return data.default_branch;
  } catch (error) {
    throw new GitHubCliError(`cannot read repository ${repo.owner}/${repo.repo} (${describeError(error)})`);
  }
}

export interface SimulateTarget extends RepoArg {
  number: number;
  defaultBranch: string;
  /** The GitHub App's id, to read the Approve clicks stored in its check run (0: none read). */
  appId: number;
}

/** What the CLI's reads share within one command: reviewer look-ups and parsed policies (the command owns them). */
export type ReadCaches = Required<Pick<ReadOptions, "cache" | "policies">>;

export function newReadCaches(): ReadCaches {
  return { cache: newLookupCache(), policies: new PolicyCache() };
}

/** Read one PR as the app does (optionally under a candidate policy) and decide it. */
export async function simulatePull(gh: GitHub, target: SimulateTarget, policy: PolicyState | undefined, caches: ReadCaches): Promise<{ snapshot: PullSnapshot; decision: Decision }> {
  const fallback = { title: "", body: "", author: null, headRef: "", headSha: "", baseRef: "", labels: [], url: "", state: "OPEN" };
  const snapshot = await readPull(gh, target, fallback, { ...caches, ...(policy ? { policyOverride: policy } : {}) });
  const decision = decide({ facts: snapshot.facts, policy: snapshot.policy, approvals: snapshot.approvals, ...(snapshot.headPolicy ? { headPolicy: snapshot.headPolicy } : {}) });
  return { snapshot, decision };
}
