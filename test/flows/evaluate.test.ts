/**
 * The evaluate flow (src/app/flows/evaluate.ts) over the in-memory reader and writer: the app's own
 * code from the event to the writes, no HTTP. What is asserted is what the flow decides and writes —
 * the one run per SHA, the strictest decision over every open PR at it, failing closed, the clicks
 * stored back in the run, the labels — and what it reads to get there.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { evaluatePull, EVALUATION_FAILED_TITLE, minimalFallback } from "../../src/app/flows/evaluate.js";
import { shaKey, type AppState } from "../../src/app/runtime/state.js";
import { decodeButtonApprovals } from "../../src/github/button-approvals.js";
import { DEFAULT_AGENT_LABEL } from "../../src/engine/names.js";
import { HEAD, OLD, agentPull, approval, humanPull, ok, policy } from "../helpers/decision-fixtures.js";
import type { MemoryGitHub } from "../helpers/memory-github.js";
import { freshFlow, NO_OCTOKIT, type RecordingLog } from "../helpers/flow-kit.js";

let memory: MemoryGitHub;
let app: AppState;
let rec: RecordingLog;

beforeEach(() => ({ memory, app, rec } = freshFlow()));

const evaluate = (number: number, sha = HEAD) =>
  evaluatePull(app, { gh: NO_OCTOKIT, log: rec.log, repo: memory.repoContext, number, fallback: minimalFallback(sha, `https://github.com/acme/api/pull/${number}`), trigger: "test" });

const run = (sha = HEAD) => memory.runs.get(sha);

describe("evaluate: one PR", () => {
  it("an agent PR waits for a human; the approval turns the SHA's one run to success in place; nothing new → no write", async () => {
    memory.addPull({ facts: agentPull(["src/a.ts"], { number: 7 }) });
    await evaluate(7);
    expect(run()?.conclusion).toBe("action_required");
    expect(memory.reads).toEqual(["pull #7"]); // SPEC §8: one read per evaluation
    expect(memory.checkWrites).toHaveLength(1);
    expect(memory.checkWrites[0]).toMatchObject({ created: true, detailsUrl: "https://github.com/acme/api/pull/7" });
    // The built-in policy's labels: the agent label and the per-agent one.
    expect(memory.writes.filter((w) => w.kind === "labels")).toEqual([{ kind: "labels", number: 7, added: [DEFAULT_AGENT_LABEL, "agent:copilot"] }]);
    const id = run()!.id;

    memory.pulls.get(7)!.approvals = [approval("alice")];
    await evaluate(7);
    expect(run()).toMatchObject({ id, conclusion: "success" });
    expect(memory.checkWrites.map((w) => [w.conclusion, w.created])).toEqual([
      ["action_required", true],
      ["success", false],
    ]);
    // The label landed on the PR: it is not added again.
    expect(memory.writes.filter((w) => w.kind === "labels")).toHaveLength(1);

    await evaluate(7);
    expect(memory.checkWrites).toHaveLength(2);
    expect(rec.decisions.map((d) => [d.conclusion, d.wrote])).toEqual([
      ["action_required", true],
      ["success", true],
      ["success", false],
    ]);
  });

  it("a human PR passes without an approval and gets no label", async () => {
    memory.addPull({ facts: humanPull(["src/a.ts"], { number: 8 }) });
    await evaluate(8);
    expect(run()?.conclusion).toBe("success");
    expect(memory.writes.map((w) => w.kind)).toEqual(["check"]);
  });

  it("unverified facts are never success, whoever approved", async () => {
    memory.addPull({ facts: agentPull(["src/a.ts"], { number: 7, unverified: ["Could not list all changed files"] }), approvals: [approval("alice")] });
    await evaluate(7);
    expect(run()?.conclusion).toBe("failure");
    expect(run()?.summary ?? "").toContain("Could not list all changed files");
  });

  it("a policy that cannot be read fails every PR, a human's too", async () => {
    memory.policy = { status: "unreadable", reason: "could not read acme/api@main:.github/agent-policy.yml", source: { kind: "repository", description: "acme/api@main:.github/agent-policy.yml" } };
    memory.addPull({ facts: humanPull(["src/a.ts"], { number: 8 }) });
    await evaluate(8);
    expect(run()?.conclusion).toBe("failure");
  });

  it("a PR the reader cannot find fails closed on the SHA the event named", async () => {
    await evaluate(99, OLD);
    expect(run(OLD)?.conclusion).toBe("failure");
    expect(memory.writes.filter((w) => w.kind === "labels")).toEqual([]);
  });

  it("a label somebody took off is not put back", async () => {
    memory.addPull({ facts: agentPull(["src/a.ts"], { number: 7 }), labelsTakenOff: [DEFAULT_AGENT_LABEL] });
    await evaluate(7);
    expect(run()?.conclusion).toBe("action_required");
    expect(memory.writes.filter((w) => w.kind === "labels")).toEqual([{ kind: "labels", number: 7, added: ["agent:copilot"] }]);
  });
});

describe("evaluate: several PRs at one SHA (SPEC §4)", () => {
  it("the SHA carries the strictest decision, whichever PR the event names", async () => {
    memory.addPull({ facts: humanPull(["docs/a.md"], { number: 8 }) });
    memory.addPull({ facts: agentPull(["src/a.ts"], { number: 7 }) });
    await evaluate(8);
    expect(run()?.conclusion).toBe("action_required");
    expect(memory.reads).toEqual(["pull #8", "pull #7"]);
    expect(rec.decisions.map((d) => [d.pull, d.conclusion, d.checkConclusion])).toEqual([
      [8, "success", "action_required"],
      [7, "action_required", "action_required"],
    ]);
    // The agent twin is labelled, the human one not.
    expect(memory.writes.filter((w) => w.kind === "labels").map((w) => w.number)).toEqual([7]);
  });

  it("an approved PR does not lift its unverified twin; a closed twin does not count", async () => {
    memory.addPull({ facts: agentPull(["src/a.ts"], { number: 7 }), approvals: [approval("alice")] });
    memory.addPull({ facts: agentPull(["src/a.ts"], { number: 9, unverified: ["Could not list all reviews."] }), approvals: [approval("alice")] });
    await evaluate(7);
    expect(run()?.conclusion).toBe("failure");

    memory.pulls.get(9)!.state = "CLOSED";
    await evaluate(7);
    expect(run()?.conclusion).toBe("success");
  });
});

describe("evaluate: Approve clicks and faults", () => {
  it("a pending click by a person with write counts, is stored in the run and counts again when read back", async () => {
    memory.addPull({ facts: agentPull(["src/a.ts"], { number: 7 }) });
    memory.permissions.set("alice", "write");
    app.pendingClicks.set(shaKey("acme", "api", HEAD), [{ login: "alice", id: 1001, type: "User", at: "2026-01-01T00:00:00Z" }]);
    await evaluate(7);
    expect(run()?.conclusion).toBe("success");
    expect(decodeButtonApprovals(run()?.text, HEAD).map((c) => c.login)).toEqual(["alice"]);
    expect(app.pendingClicks.size).toBe(0);
    expect(rec.clicks).toMatchObject([{ login: "alice", counted: true }]);

    // Read back from the run, not from memory of the click: still success, nothing to write.
    await evaluate(7);
    expect(run()?.conclusion).toBe("success");
    expect(memory.checkWrites).toHaveLength(1);
  });

  it("a click by someone without write is answered, not stored, and does not pass the gate", async () => {
    memory.addPull({ facts: agentPull(["src/a.ts"], { number: 7 }) });
    memory.permissions.set("mallory", "read");
    app.pendingClicks.set(shaKey("acme", "api", HEAD), [{ login: "mallory", id: 1002, type: "User", at: "2026-01-01T00:00:00Z" }]);
    await evaluate(7);
    expect(run()?.conclusion).toBe("action_required");
    expect(decodeButtonApprovals(run()?.text, HEAD)).toEqual([]);
    expect(rec.clicks).toMatchObject([{ login: "mallory", counted: false }]);
  });

  it("an evaluation that throws writes failure saying so; the next one writes the true outcome", async () => {
    memory.addPull({ facts: agentPull(["src/a.ts"], { number: 7 }), approvals: [approval("alice")] });
    await evaluate(7);
    expect(run()?.conclusion).toBe("success");

    memory.faults.set("pull", new Error("boom"));
    await expect(evaluate(7)).rejects.toThrow("boom");
    expect(run()).toMatchObject({ conclusion: "failure", title: EVALUATION_FAILED_TITLE });
    expect(run()?.summary ?? "").toContain("boom");

    memory.faults.delete("pull");
    await evaluate(7);
    expect(run()?.conclusion).toBe("success");
  });

  it("a failing label write after the check leaves the check as decided (no failure over a true check)", async () => {
    memory.addPull({ facts: agentPull(["src/a.ts"], { number: 7 }) });
    memory.faults.set("labels", new Error("labels down"));
    await expect(evaluate(7)).rejects.toThrow("labels down");
    expect(run()?.conclusion).toBe("action_required");
    expect(memory.checkWrites).toHaveLength(1);
  });
});

describe("evaluate: review requests (approval.request_reviews)", () => {
  it("the unmet requirement's people are asked once per head SHA, remembered in the run", async () => {
    memory.policy = ok(policy({ approval: { users: ["alice", "bob"] } }));
    memory.addPull({ facts: agentPull(["src/a.ts"], { number: 7 }) });
    await evaluate(7);
    expect(run()?.conclusion).toBe("action_required");
    expect(memory.writes.filter((w) => w.kind === "review-request")).toEqual([{ kind: "review-request", number: 7, users: ["alice", "bob"], teams: [] }]);
    await evaluate(7);
    expect(memory.writes.filter((w) => w.kind === "review-request")).toHaveLength(1);
  });

  it("a refused request is stored and shown, never retried at the same SHA, and changes no conclusion", async () => {
    memory.policy = ok(policy({ approval: { users: ["alice"] } }));
    memory.addPull({ facts: agentPull(["src/a.ts"], { number: 7 }) });
    memory.faults.set("requestReviewers", Object.assign(new Error("Validation Failed"), { status: 500 }));
    await evaluate(7);
    expect(run()?.conclusion).toBe("action_required");
    expect(run()?.summary ?? "").toContain("GitHub refused the review request");
    memory.faults.delete("requestReviewers");
    await evaluate(7);
    expect(memory.writes.filter((w) => w.kind === "review-request")).toEqual([]);
  });
});
