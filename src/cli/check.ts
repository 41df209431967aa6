/**
 * `agent-gate check`: the engine over a local `base..head` range (SPEC §7).
 *
 * The policy is read from the BASE ref (or `--policy FILE`), never from the working tree or the head:
 * a branch an agent can push to must never supply the rules that judge it (SPEC §3). When the head
 * changes the policy file, its copy is only validated and reported (`headPolicy`), as the app does.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { decide } from "../engine/decide/decide.js";
import { BUILTIN_DEFAULT_POLICY } from "../engine/policy/defaults.js";
import { POLICY_PATH } from "../engine/names.js";
import { loadPolicy, validatePolicyText } from "../engine/policy/load.js";
import { policyHash } from "../engine/policy/hash.js";
import { parsePolicyDocument } from "../engine/policy/yaml.js";
import type { ChangedFile, Decision, HeadPolicyCheck, PolicySource, PolicyState, PullFacts } from "../engine/types.js";
import { filesNeedingContent } from "../engine/guard.js";
import type { FileContent } from "../engine/types.js";
import { GitError, branchName, changedFiles, commitExists, listCommits, mergeBase, preferBranch, readFileAt, resolveCommit } from "./git.js";
import type { Repository } from "./git.js";

/** Tried in order when `--base` is not given: the remote's default branch, then the usual names. */
export const DEFAULT_BASE_CANDIDATES = ["origin/HEAD", "main", "master", "origin/main", "origin/master"] as const;

/** A failure the CLI reports as one line and exit code 3. */
export class CliError extends Error {
  override readonly name = "CliError";
}

export interface CheckOptions {
  base?: string;
  head?: string;
  /** A policy file on disk (relative to `cwd`) instead of the base ref's. */
  policyFile?: string;
  /** Base branch name for `targets` when the base ref is not a branch (a commit id, a tag). */
  target?: string;
  cwd: string;
}

export interface CheckRange {
  base: string;
  baseSha: string;
  /** Branch name `targets` rules were matched against, null when unknown. */
  baseBranch: string | null;
  head: string;
  headSha: string;
  headBranch: string | null;
  commits: number;
  files: number;
}

export interface CheckResult {
  decision: Decision;
  range: CheckRange;
  policy: PolicyState;
}

async function defaultBase(repo: Repository): Promise<string> {
  for (const candidate of DEFAULT_BASE_CANDIDATES) {
    if (await commitExists(repo, candidate)) return candidate;
  }
  throw new CliError(`no base ref: none of ${DEFAULT_BASE_CANDIDATES.join(", ")} exists; pass --base REF`);
}

/** The policy file given with `--policy`, read from disk. */
async function policyFromFile(file: string, cwd: string): Promise<PolicyState> {
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, file), "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (code ?? String(e));
    throw new CliError(`cannot read policy file ${file}: ${why}`);
  }
  return policyState(text, file, { kind: "file", description: file }, true);
}

/**
 * Loads one policy file. `_extends` (SPEC §3) names another repository's file, which cannot be read
 * offline; loading this file alone would drop the extended rules (often the strict ones), so that is
 * reported as unreadable (exit 3) with the way out, never applied half.
 */
function policyState(text: string, name: string, source: PolicySource, fromPolicyOption = false): PolicyState {
  const loaded = loadPolicy(text, name);
  if (!loaded.ok) return { status: "invalid", errors: loaded.errors, source };
  const parsed = parsePolicyDocument(text, name);
  if (parsed.ok && parsed.doc.extends !== null) {
    // Given with --policy already: the way out is a file without `_extends`, not --policy again.
    const wayOut = fromPolicyOption
      ? "give --policy a file without `_extends`: the extended policy with this file's keys written over it"
      : "pass the complete policy with --policy FILE (a file without `_extends`)";
    return {
      status: "unreadable",
      reason: `it extends "${parsed.doc.extends}", which cannot be read offline; ${wayOut}`,
      source,
    };
  }
  return { status: "ok", policy: loaded.policy, hash: loaded.hash, source };
}

/** The policy file as the base ref has it, else the built-in default. */
async function policyFromBase(repo: Repository, baseRef: string, baseSha: string): Promise<PolicyState> {
  // git's own `<rev>:<path>` notation: `git show main:.github/agent-policy.yml` shows the same text.
  const name = `${baseRef}:${POLICY_PATH}`;
  const source = { kind: "ref", description: name } as const;
  let text: string | null;
  try {
    text = await readFileAt(repo, baseSha, POLICY_PATH);
  } catch (e) {
    // Fail closed (SPEC §4): a policy that exists but cannot be read is never "no policy".
    if (e instanceof GitError) return { status: "unreadable", reason: e.message, source };
    throw e;
  }
  if (text === null) {
    return {
      status: "ok",
      policy: BUILTIN_DEFAULT_POLICY,
      hash: policyHash(BUILTIN_DEFAULT_POLICY),
      source: { kind: "builtin", description: `built-in default (no ${POLICY_PATH} at ${baseRef})` },
    };
  }
  return policyState(text, name, source);
}

/**
 * The head's copy of the policy file when the range changes it (validated, never applied).
 * Undefined when the head does not touch it or deletes it (then there is no copy to validate).
 */
async function headPolicyCheck(
  repo: Repository,
  head: string,
  headSha: string,
  files: ChangedFile[],
): Promise<HeadPolicyCheck | undefined> {
  const touched = files.some((f) => f.path === POLICY_PATH && f.status !== "removed");
  if (!touched) return undefined;
  const name = `${head}:${POLICY_PATH}`;
  let text: string | null;
  try {
    text = await readFileAt(repo, headSha, POLICY_PATH);
  } catch (e) {
    if (e instanceof GitError) return { status: "invalid", errors: [{ file: name, line: 0, column: 0, message: e.message }] };
    throw e;
  }
  if (text === null) return undefined;
  const errors = validatePolicyText(text, name);
  return errors.length === 0 ? { status: "valid" } : { status: "invalid", errors };
}

/**
 * Base and head texts of the changed workflows and manifests (issue 11 §4: the same analysis as the
 * app). The base is the merge base, the version the range's diff starts from; a renamed file is read
 * at its old name there. What cannot be read is returned as a sentence (the decision fails closed).
 */
async function readContents(repo: Repository, baseSha: string, headSha: string, files: ChangedFile[]): Promise<{ contents: FileContent[]; unverified: string[] }> {
  const needed = filesNeedingContent(files);
  const contents: FileContent[] = [];
  const unverified: string[] = [];
  if (needed.length === 0) return { contents, unverified };
  const from = (await mergeBase(repo, baseSha, headSha)) ?? baseSha;
  for (const f of needed) {
    try {
      const head = await readFileAt(repo, headSha, f.path);
      if (head === null) {
        unverified.push(`${f.path} could not be read at ${headSha.slice(0, 12)}`);
        continue;
      }
      contents.push({ path: f.path, base: await readFileAt(repo, from, f.previousPath ?? f.path), head });
    } catch (e) {
      if (!(e instanceof GitError)) throw e;
      unverified.push(`${f.path} could not be read: ${e.message}`);
    }
  }
  return { contents, unverified };
}

function usesTargets(state: PolicyState): boolean {
  return state.status === "ok" && state.policy.paths.some((r) => r.targets !== undefined);
}

export async function runCheck(repo: Repository, o: CheckOptions): Promise<CheckResult> {
  // A name that is a branch means the branch, even when a tag of that name exists (see preferBranch).
  const headRef = await preferBranch(repo, o.head ?? "HEAD");
  const baseRef = await preferBranch(repo, o.base ?? (await defaultBase(repo)));
  const head = headRef.name;
  const base = baseRef.name;
  const headSha = await resolveCommit(repo, headRef.rev);
  const baseSha = await resolveCommit(repo, baseRef.rev);
  const baseBranch = o.target ?? (await branchName(repo, baseRef.rev));
  const headBranch = await branchName(repo, headRef.rev);

  const commits = await listCommits(repo, baseSha, headSha);
  const files = await changedFiles(repo, baseSha, headSha);
  const policy = o.policyFile ? await policyFromFile(o.policyFile, o.cwd) : await policyFromBase(repo, base, baseSha);
  const headPolicy = await headPolicyCheck(repo, head, headSha, files);

  const facts: PullFacts = {
    repository: repo.name,
    number: null,
    // No PR offline: the title names the range, and the body is empty, so that no PR-level evidence
    // is invented from commit text (each commit's own message is examined anyway).
    title: `${base}..${head}`,
    body: "",
    author: null,
    headRef: headBranch ?? "",
    headSha,
    baseRef: baseBranch ?? base,
    baseSha,
    labels: [],
    commits,
    files,
    unverified: [],
  };
  let decision = decide({ facts, policy, approvals: [], headPolicy });
  if (decision.agentAuthored && filesNeedingContent(files).length > 0) {
    // As in the app: the workflow and dependency analysis runs for agent work only.
    const read = await readContents(repo, baseSha, headSha, files);
    facts.contents = read.contents;
    facts.unverified.push(...read.unverified);
    decision = decide({ facts, policy, approvals: [], headPolicy });
  }
  if (decision.agentAuthored && baseBranch === null && usesTargets(policy)) {
    // Without a branch name a `targets` rule (often a block on release branches) could be skipped
    // silently; fail closed and say how to supply it. Path rules only gate agent work, so a range
    // without agents is not held up by this.
    facts.unverified.push(
      `the base ref "${base}" is not a branch, so the policy's \`targets\` rules could not be applied (pass --target BRANCH)`,
    );
    decision = decide({ facts, policy, approvals: [], headPolicy });
  }
  return {
    decision,
    policy,
    range: { base, baseSha, baseBranch, head, headSha, headBranch, commits: commits.length, files: files.length },
  };
}
