/**
 * Issue 8 attacker pass: what changes on GitHub while an evaluation is in flight. A holding proxy
 * between the real app process and the fake GitHub keeps the first evaluation's check write on the
 * wire while the PR is retargeted (or pushed to) and the next event is delivered, so the interleaving
 * is the one under test, not a hoped-for one. The SHA's serialisation slot must make the last write
 * the one that read the current state.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startFakeGitHub, type FakeGitHub, type World } from "../fake-github/index.js";
import { startApp, type AppProcess } from "../helpers/app-process.js";
import { CHECK_WRITE, startHoldingProxy, type HoldingProxy } from "../helpers/holding-proxy.js";
import { deliver, pullRequestEvent, type Delivery } from "../helpers/webhooks.js";

const POLICY = ".github/agent-policy.yml";
let fake: FakeGitHub;
let w: World;
let proxy: HoldingProxy;
let app: AppProcess;

beforeAll(async () => {
  fake = await startFakeGitHub();
  w = fake.state;
  proxy = await startHoldingProxy(fake);
  app = await startApp(fake, { GHE_HOST: proxy.host });
});
/* eslint-disable @typescript-eslint/no-unnecessary-condition -- each is unset when beforeAll failed before starting it; its declared type cannot say so */
afterAll(async () => {
  await app?.stop();
  await proxy?.close();
  await fake?.close();
});
/* eslint-enable @typescript-eslint/no-unnecessary-condition */

const send = (d: Delivery) => deliver(app.url, app.secret, d[0], d[1]);
const ourRun = (repo: string, sha: string) => {
  const runs = w.checkRuns(repo, sha, "agent-gate").filter((r) => r.appId === fake.appId);
  expect(runs).toHaveLength(1);
  return runs[0]!;
};

describe("a PR retargeted while its evaluation is in flight", () => {
  test("the held write of the old base's `success` is followed by the new base's `failure`, never left standing", async () => {
    const repo = "acme/flight1";
    w.addRepo(repo, { files: { "README.md": "# r\n", [POLICY]: 'version: 1\npaths:\n  - match: ["**"]\n    targets: ["release/**"]\n    action: block\n' }, collaborators: { alice: "write" } });
    w.repo(repo).branches.set("release/9", w.branchSha(repo, "main"));
    const pr = w.addPull(repo, { author: "copilot-swe-agent[bot]", head: "copilot/flight", commits: [{ message: "Change", files: { "src/a.ts": "a\n" } }] });
    w.review(repo, pr.number, "alice", "APPROVED");
    const hold = proxy.hold(CHECK_WRITE);
    const first = send(pullRequestEvent(w, repo, pr.number, "opened"));
    await hold.arrived; // evaluated against base main (success), its write on the wire
    const moved = w.retargetPull(repo, pr.number, "release/9");
    const second = send(pullRequestEvent(w, repo, pr.number, "edited", { changes: { base: { ref: { from: moved.from.ref }, sha: { from: moved.from.sha } } } }));
    hold.release();
    expect(await first).toBe(200);
    expect(await second).toBe(200);
    const run = ourRun(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");
    // The stale success was written first, then replaced in the same run (one run per SHA).
    expect(run.history.map((h) => (h.body as { conclusion?: string }).conclusion)).toEqual(["success", "failure"]);
  });

  test("a push while the old head's evaluation is in flight: the new head gets its own check, the old one keeps its own", async () => {
    const repo = "acme/flight2";
    w.addRepo(repo, { files: { "README.md": "# r\n" }, collaborators: { alice: "write" } });
    const pr = w.addPull(repo, { author: "copilot-swe-agent[bot]", head: "copilot/flight2", commits: [{ message: "Change", files: { "src/a.ts": "a\n" } }] });
    const oldSha = pr.headSha;
    w.review(repo, pr.number, "alice", "APPROVED");
    const hold = proxy.hold(CHECK_WRITE);
    const first = send(pullRequestEvent(w, repo, pr.number, "opened"));
    await hold.arrived;
    w.pushToPull(repo, pr.number, { message: "More", author: "copilot-swe-agent[bot]", files: { "src/b.ts": "b\n" } });
    const newSha = w.pull(repo, pr.number).headSha;
    const second = send(pullRequestEvent(w, repo, pr.number, "synchronize"));
    hold.release();
    expect(await first).toBe(200);
    expect(await second).toBe(200);
    // alice approved the old head only: the new head needs a new approval.
    expect(ourRun(repo, newSha).conclusion).toBe("action_required");
    expect(ourRun(repo, oldSha).conclusion).toBe("success");
  });
});
