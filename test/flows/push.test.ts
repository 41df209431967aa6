/**
 * The push flow (src/app/flows/push.ts) over the in-memory reader and writer: agent commits pushed
 * straight to the default branch get a `neutral` report on the pushed commit — unless that commit
 * carries a pull request's decision, which a report never replaces (SPEC §5, issue 8 point 6).
 */
import { beforeEach, describe, expect, it } from "vitest";
import { evaluatePull, minimalFallback } from "../../src/app/flows/evaluate.js";
import { PUSH_PAYLOAD_MAX_COMMITS, PUSH_TITLE, reportPush, type PushCommit } from "../../src/app/flows/push.js";
import type { AppState } from "../../src/app/runtime/state.js";
import { HEAD, OLD, agentPull, approval, commit } from "../helpers/decision-fixtures.js";
import type { MemoryGitHub } from "../helpers/memory-github.js";
import { freshFlow, NO_OCTOKIT, type RecordingLog } from "../helpers/flow-kit.js";

let memory: MemoryGitHub;
let app: AppState;
let rec: RecordingLog;

beforeEach(() => ({ memory, app, rec } = freshFlow()));

const copilot = (id: string): PushCommit => ({
  id,
  message: "Add feature",
  author: { name: "Copilot", email: "198982749+Copilot@users.noreply.github.com", username: "Copilot" },
  committer: { name: "GitHub", email: "noreply@github.com", username: "web-flow" },
});
const dev = (id: string): PushCommit => ({
  id,
  message: "Fix the thing",
  author: { name: "Dev", email: "dev@acme.example", username: "dev" },
  committer: { name: "Dev", email: "dev@acme.example", username: "dev" },
});

const push = (commits: PushCommit[], options: { ref?: string; after?: string } = {}) =>
  reportPush(app, { gh: NO_OCTOKIT, log: rec.log, repo: memory.repoContext, ref: options.ref ?? "refs/heads/main", before: OLD, after: options.after ?? HEAD, pusher: "dev", commits });

const evaluate = (number: number) => evaluatePull(app, { gh: NO_OCTOKIT, log: rec.log, repo: memory.repoContext, number, fallback: minimalFallback(HEAD, ""), trigger: "test" });

describe("push reports", () => {
  it("agent commits on the default branch: a neutral report on the pushed commit, written once", async () => {
    await push([dev("1".repeat(40)), copilot(HEAD)]);
    expect(memory.runs.get(HEAD)).toMatchObject({ conclusion: "neutral", title: PUSH_TITLE });
    expect(rec.pushes).toMatchObject([{ conclusion: "neutral", commits: [HEAD] }]);
    await push([dev("1".repeat(40)), copilot(HEAD)]);
    expect(memory.checkWrites).toHaveLength(1); // unchanged: no second write
  });

  it("no agent commit: no write, and no look-up of the run", async () => {
    await push([dev(HEAD)]);
    expect(memory.writes).toEqual([]);
    expect(memory.reads).toEqual(["policy"]);
    expect(rec.pushes).toEqual([]);
  });

  it("a report never weakens a pull request's check on that commit, whether it blocks or passes", async () => {
    memory.addPull({ facts: agentPull(["src/a.ts"], { number: 7 }) });
    await evaluate(7);
    expect(memory.runs.get(HEAD)?.conclusion).toBe("action_required");
    await push([copilot(HEAD)]);
    // neutral would satisfy a required check: the PR's decision stands.
    expect(memory.runs.get(HEAD)?.conclusion).toBe("action_required");
    expect(memory.checkWrites).toHaveLength(1);
    expect(rec.pushes).toMatchObject([{ conclusion: null }]);

    memory.pulls.get(7)!.approvals = [approval("alice")];
    await evaluate(7);
    await push([copilot(HEAD)]);
    expect(memory.runs.get(HEAD)?.conclusion).toBe("success");
    expect(memory.checkWrites.map((w) => w.conclusion)).toEqual(["action_required", "success"]);
  });

  it("a push to a branch that is no longer the default one reports nothing", async () => {
    memory.defaultBranch = "trunk";
    await push([copilot(HEAD)]);
    expect(memory.writes).toEqual([]);
  });

  it("a payload at GitHub's 20-commit cap is read whole; when that read fails the report says what was not checked", async () => {
    const payload = Array.from({ length: PUSH_PAYLOAD_MAX_COMMITS }, (_, i) => dev(String(i).padStart(40, "0")));
    // The agent commit is the 21st: only the compare read shows it.
    memory.compare.set(`${OLD}...${HEAD}`, [...payload.map((c) => commit(c.id, { name: "Dev", email: "dev@acme.example", login: "dev" })), commit(HEAD, { name: "Copilot", email: "198982749+Copilot@users.noreply.github.com", login: "Copilot" })]);
    await push(payload);
    expect(memory.runs.get(HEAD)).toMatchObject({ conclusion: "neutral", title: PUSH_TITLE });

    memory.runs.clear();
    memory.faults.set("compare", new Error("compare failed"));
    await push([...payload.slice(0, PUSH_PAYLOAD_MAX_COMMITS - 1), copilot(HEAD)]);
    expect(memory.runs.get(HEAD)?.summary ?? "").toContain("Not verified");
    expect(rec.pushes.at(-1)).toMatchObject({ unverified: ["only the first 20 commits were checked (compare API: compare failed)"] });
  });
});
