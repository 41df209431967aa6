/**
 * The policy preview (src/app/flows/policy-preview.ts) inside the evaluate flow, over the in-memory
 * reader and writer: a PR that edits the policy file gets, in its own check, what the edited file
 * would do to the other open agent PRs — computed once per head SHA, never written to those PRs.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { evaluatePull, minimalFallback } from "../../src/app/flows/evaluate.js";
import type { AppState } from "../../src/app/runtime/state.js";
import { decodePolicyPreview } from "../../src/github/button-approvals.js";
import { POLICY_PATH } from "../../src/engine/names.js";
import { HEAD, agentPull, approval } from "../helpers/decision-fixtures.js";
import type { MemoryGitHub } from "../helpers/memory-github.js";
import { freshFlow, NO_OCTOKIT, type RecordingLog } from "../helpers/flow-kit.js";

const OTHER = "9".repeat(40);
let memory: MemoryGitHub;
let app: AppState;
let rec: RecordingLog;

beforeEach(() => ({ memory, app, rec } = freshFlow()));

const evaluate = (number: number, sha: string) => evaluatePull(app, { gh: NO_OCTOKIT, log: rec.log, repo: memory.repoContext, number, fallback: minimalFallback(sha, ""), trigger: "test" });

describe("policy preview", () => {
  it("an edit that would block an approved agent PR is counted in the editing PR's check, once per head SHA", async () => {
    memory.addPull({ facts: agentPull(["src/a.ts"], { number: 8, headSha: OTHER }), approvals: [approval("alice", { commitSha: OTHER })] });
    await evaluate(8, OTHER);
    expect(memory.runs.get(OTHER)?.conclusion).toBe("success");

    memory.addPull({
      facts: agentPull([POLICY_PATH], { number: 7 }),
      headPolicy: { status: "valid" },
      headPolicyText: "version: 1\ndefault: block\n",
    });
    await evaluate(7, HEAD);
    expect(decodePolicyPreview(memory.runs.get(HEAD)?.text, HEAD)).toEqual({ looked: 1, limit: 50, block: 1, unblock: 0, leave: 0 });
    // Never a write on the other PR: its run is the one its own evaluation wrote.
    expect(memory.checkWrites.filter((w) => w.sha === OTHER)).toHaveLength(1);

    const readsBefore = memory.reads.length;
    await evaluate(7, HEAD);
    expect(memory.reads.slice(readsBefore)).toEqual(["pull #7"]); // the stored preview is reused
  });

  it("when the open PRs cannot be listed, the preview says so and the check still carries the PR's own decision", async () => {
    memory.addPull({ facts: agentPull([POLICY_PATH], { number: 7 }), headPolicy: { status: "valid" }, headPolicyText: "version: 1\n" });
    memory.faults.set("openPulls", new Error("HTTP 502"));
    await evaluate(7, HEAD);
    const preview = decodePolicyPreview(memory.runs.get(HEAD)?.text, HEAD);
    expect(preview?.unavailable).toContain("the open pull requests could not be listed");
    expect(rec.decisions.map((d) => d.pull)).toEqual([7]);
    expect(memory.runs.get(HEAD)?.conclusion).toBe(rec.decisions[0]!.conclusion);
  });
});
