/**
 * Policy preview (issue 12 point 4): a PR that edits `.github/agent-policy.yml` gets, in its own
 * check, what the edited file would do to the repository's other open agent PRs — how many it would
 * block (`success` → anything else), unblock (the reverse) or leave as they are.
 *
 * Bounded and once: the first 50 open PRs (most recently updated; the summary says so), once per
 * head commit of the policy PR (remembered in its check run's app-only block, like the clicks). Cost
 * at that moment: one REST listing plus one PR read per other open PR (each judged under the edited
 * file by the app's reader; "current" is the conclusion of the `agent-gate` check already on its
 * head). Never a write to those PRs; never a change to the policy PR's own conclusion.
 */
import type { Logger } from "probot";
import { decide } from "../../engine/decide/decide.js";
import { POLICY_PATH } from "../../engine/names.js";
import { loadPolicy } from "../../engine/policy/load.js";
import type { Decision, PolicyPreview, PolicyState } from "../../engine/types.js";
import { describeError } from "../../github/client.js";
import type { PullSnapshot } from "../../github/read-pull.js";
import type { OpenPull, Reader } from "../../github/reader.js";
import type { RepoContext } from "./evaluate.js";

/** Open PRs looked at per preview (the summary names the bound). */
export const PREVIEW_LIMIT = 50;

export interface PreviewInput {
  /** The evaluation's reader (the other PRs are read with a fresh one: their own look-ups). */
  reader: Reader;
  log: Logger;
  repo: RepoContext;
  snapshot: PullSnapshot;
}

function unavailable(reason: string): PolicyPreview {
  return { looked: 0, limit: PREVIEW_LIMIT, block: 0, unblock: 0, leave: 0, unavailable: reason };
}

/** The edited policy as the reader will apply it to the other PRs (one layer: `_extends` is not followed). */
function editedPolicy(text: string, description: string): PolicyState | string {
  const loaded = loadPolicy(text, POLICY_PATH);
  if (!loaded.ok) return "the edited policy file is invalid";
  if (/^_extends:/m.test(text)) return "the edited policy uses `_extends`, which the preview does not follow";
  return { status: "ok", policy: loaded.policy, source: { kind: "repository", description }, hash: loaded.hash };
}

export async function previewPolicy(input: PreviewInput): Promise<PolicyPreview> {
  const { snapshot, repo } = input;
  if (snapshot.headPolicyText === undefined) return unavailable("GitHub did not return the edited policy file whole");
  const candidate = editedPolicy(snapshot.headPolicyText, `${snapshot.facts.headRef}@${snapshot.facts.headSha.slice(0, 7)}:${POLICY_PATH}`);
  if (typeof candidate === "string") return unavailable(candidate);
  let pulls: OpenPull[];
  try {
    pulls = await input.reader.openPulls(PREVIEW_LIMIT + 1);
  } catch (error) {
    return unavailable(`the open pull requests could not be listed (${describeError(error)})`);
  }
  const others = pulls.filter((p) => p.number !== snapshot.facts.number).slice(0, PREVIEW_LIMIT);
  const preview: PolicyPreview = { looked: others.length, limit: PREVIEW_LIMIT, block: 0, unblock: 0, leave: 0 };
  const reader = input.reader.fresh();
  for (const p of others) {
    const fallback = { title: p.title, body: p.body ?? "", author: null, headRef: p.headRef, headSha: p.headSha, baseRef: p.baseRef, labels: [], url: p.url, state: "OPEN" };
    const s = await reader.pull(p.number, fallback, { policyOverride: candidate });
    const d: Decision = decide({ facts: s.facts, policy: s.policy, approvals: s.approvals, ...(s.headPolicy ? { headPolicy: s.headPolicy } : {}) });
    const current = s.check?.conclusion ?? null;
    if (!d.agentAuthored && current === "success") continue; // not an agent PR under either policy
    if (!d.agentAuthored && current === null) continue;
    if (current === "success" && d.conclusion !== "success") preview.block += 1;
    else if (current !== "success" && current !== null && d.conclusion === "success") preview.unblock += 1;
    else preview.leave += 1;
  }
  input.log.info({ repo: `${repo.owner}/${repo.repo}`, pr: snapshot.facts.number, sha: snapshot.facts.headSha, preview }, "agent-gate: policy preview");
  return preview;
}
