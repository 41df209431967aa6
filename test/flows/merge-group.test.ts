/**
 * The merge-group flow (src/app/flows/merge-group.ts) over the in-memory reader and writer: the
 * group's commit passes only when every PR in the group (its entry and each one ahead of it) passes
 * at its own head; a group that cannot be resolved fails closed; never `action_required` (nobody can
 * approve inside a queue).
 */
import { beforeEach, describe, expect, it } from "vitest";
import { evaluateMergeGroup } from "../../src/app/flows/merge-group.js";
import type { AppState } from "../../src/app/runtime/state.js";
import { agentPull, approval, humanPull } from "../helpers/decision-fixtures.js";
import type { MemoryGitHub } from "../helpers/memory-github.js";
import { freshFlow, NO_OCTOKIT, type RecordingLog } from "../helpers/flow-kit.js";

const GROUP = "e".repeat(40);
const head = (n: number) => String(n).repeat(40);

let memory: MemoryGitHub;
let app: AppState;
let rec: RecordingLog;

beforeEach(() => {
  ({ memory, app, rec } = freshFlow());
  memory.addPull({ facts: humanPull(["src/a.ts"], { number: 1, headSha: head(1) }) });
  memory.addPull({ facts: agentPull(["src/b.ts"], { number: 2, headSha: head(2) }), approvals: [approval("alice", { commitSha: head(2) })] });
  memory.addPull({ facts: agentPull(["src/c.ts"], { number: 3, headSha: head(3) }) });
});

const group = () => evaluateMergeGroup(app, { gh: NO_OCTOKIT, log: rec.log, repo: memory.repoContext, headSha: GROUP, baseRef: "main" });

describe("merge groups", () => {
  it("every PR up to the group's entry passes at its own head → success; the PR behind it is not judged", async () => {
    memory.mergeQueues.set("main", [
      { position: 1, headSha: "f".repeat(40), number: 1 },
      { position: 2, headSha: GROUP, number: 2 },
      { position: 3, headSha: "9".repeat(40), number: 3 },
    ]);
    await group();
    expect(memory.runs.get(GROUP)?.conclusion).toBe("success");
    expect(memory.reads).toEqual(["merge queue main", "pull #1", "pull #2"]);
    expect(rec.decisions.map((d) => [d.pull, d.conclusion, d.checkConclusion])).toEqual([
      [1, "success", "success"],
      [2, "success", "success"],
    ]);
  });

  it("one PR in the group needing an approval fails the group (never action_required) and is named", async () => {
    memory.mergeQueues.set("main", [
      { position: 1, headSha: "f".repeat(40), number: 2 },
      { position: 2, headSha: GROUP, number: 3 },
    ]);
    await group();
    const written = memory.runs.get(GROUP);
    expect(written?.conclusion).toBe("failure");
    expect(written?.title).toContain("#3");
    expect(memory.checkWrites.map((w) => w.conclusion)).toEqual(["failure"]);
  });

  it("a group that cannot be resolved fails closed, saying why", async () => {
    memory.mergeQueues.set("main", "Could not read the merge queue of main (HTTP 502).");
    await group();
    expect(memory.runs.get(GROUP)?.conclusion).toBe("failure");
    expect(memory.runs.get(GROUP)?.summary ?? "").toContain("Could not read the merge queue of main");

    memory.runs.clear();
    memory.mergeQueues.set("main", [{ position: 1, headSha: "f".repeat(40), number: 1 }]);
    await group();
    expect(memory.runs.get(GROUP)?.conclusion).toBe("failure");
  });

  it("an entry whose PR cannot be read fails the group", async () => {
    memory.mergeQueues.set("main", [
      { position: 1, headSha: "f".repeat(40), number: 1 },
      { position: 2, headSha: GROUP, number: 42 },
    ]);
    await group();
    expect(memory.runs.get(GROUP)?.conclusion).toBe("failure");
  });
});
