/**
 * Approve clicks waiting in `app.pendingClicks` are removed and answered whatever happens to the PR
 * (SPEC §4: approvals count only at the current head; SPEC §5: "else say why not"). In process, against
 * the fake GitHub over loopback HTTP, so the map itself can be inspected.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Logger } from "probot";
import { startFakeGitHub, type FakeGitHub, type World } from "./fake-github/index.js";
import { createAppOctokit } from "../src/github/octokit.js";
import type { GitHub } from "../src/github/client.js";
import { evaluatePull, minimalFallback } from "../src/app/flows/evaluate.js";
import { AppState, shaKey } from "../src/app/runtime/state.js";
import { AUDIT_CLICK, type ClickAudit } from "../src/app/runtime/audit.js";

let fake: FakeGitHub;
let w: World;
let gh: GitHub;

beforeAll(async () => {
  fake = await startFakeGitHub();
  w = fake.state;
  w.addRepo("acme/api", { files: { "README.md": "# r\n" }, collaborators: { alice: "write" } });
  const Octokit = createAppOctokit({ AGENT_GATE_TEST_NO_THROTTLE: "1" });
  gh = new Octokit({ auth: { token: fake.mintInstallationToken("acme") }, baseUrl: fake.apiUrl });
});
/* eslint-disable @typescript-eslint/no-unnecessary-condition -- each is unset when beforeAll failed before starting it; its declared type cannot say so */
afterAll(async () => {
  await fake?.close();
});
/* eslint-enable @typescript-eslint/no-unnecessary-condition */

/** A Logger that keeps the audit lines of clicks. */
function recordingLog(): { log: Logger; clicks: ClickAudit[] } {
  const clicks: ClickAudit[] = [];
  const log = {
    info: (obj: unknown, msg?: string) => {
      if (msg === AUDIT_CLICK) clicks.push((obj as { audit: ClickAudit }).audit);
    },
    debug: () => {},
    warn: () => {},
    error: () => {},
  } as unknown as Logger;
  return { log, clicks };
}

const repo = { owner: "acme", repo: "api", defaultBranch: "main" };

describe("pending Approve clicks", () => {
  it("a click overtaken by a push: not counted at the new head, answered, and removed from the map", async () => {
    const pr = w.addPull("acme/api", { author: "copilot-swe-agent[bot]", head: "copilot/x", commits: [{ message: "Change", files: { "src/a.ts": "a\n" } }] });
    const clickedAt = pr.headSha;
    const app = new AppState(fake.appId);
    const { log, clicks } = recordingLog();
    // The check_run handler records alice's click at the SHA she saw, then the agent pushes before the evaluation reads.
    app.pendingClicks.set(shaKey("acme", "api", clickedAt), [{ login: "alice", id: w.user("alice")!.id, type: "User", at: "2024-01-01T00:00:00Z" }]);
    const moved = w.pushToPull("acme/api", pr.number, { message: "More", files: { "src/b.ts": "b\n" } }).sha;

    await evaluatePull(app, { gh, log, repo, number: pr.number, fallback: minimalFallback(clickedAt, ""), trigger: "check_run.requested_action" });
    // The new head's evaluation is queued in its own lane; one more evaluation there runs after it.
    await evaluatePull(app, { gh, log, repo, number: pr.number, fallback: minimalFallback(moved, ""), trigger: "test" });

    expect([...app.pendingClicks.keys()]).toEqual([]);
    expect(clicks).toEqual([
      expect.objectContaining({ login: "alice", headSha: clickedAt, pulls: [pr.number], counted: false, reason: expect.stringMatching(/pushed to \(head [0-9a-f]{7}\).*only at the head/) }),
    ]);
    const [run] = w.checkRuns("acme/api", moved, "agent-gate");
    expect(run?.conclusion).toBe("action_required");
    expect(run?.output.text ?? "").not.toMatch(/agent-gate:approvals/);
    expect(w.checkRuns("acme/api", clickedAt, "agent-gate")).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  it("a click at the current head still counts, and is removed from the map once stored", async () => {
    const pr = w.addPull("acme/api", { author: "copilot-swe-agent[bot]", head: "copilot/y", commits: [{ message: "Change", files: { "src/c.ts": "c\n" } }] });
    const app = new AppState(fake.appId);
    const { log, clicks } = recordingLog();
    app.pendingClicks.set(shaKey("acme", "api", pr.headSha), [{ login: "alice", id: w.user("alice")!.id, type: "User", at: "2024-01-01T00:00:00Z" }]);
    await evaluatePull(app, { gh, log, repo, number: pr.number, fallback: minimalFallback(pr.headSha, ""), trigger: "check_run.requested_action" });
    expect([...app.pendingClicks.keys()]).toEqual([]);
    expect(clicks).toEqual([expect.objectContaining({ login: "alice", headSha: pr.headSha, counted: true })]);
    const [run] = w.checkRuns("acme/api", pr.headSha, "agent-gate");
    expect(run?.conclusion).toBe("success");
    expect(run?.output.text ?? "").toMatch(/agent-gate:approvals/);
    expect(fake.violations).toEqual([]);
  });
});
