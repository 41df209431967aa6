/**
 * Issue 12 point 3, through the app: on `installation.created` and `installation_repositories.added`
 * the open PRs of the repositories get their `agent-gate` check right away (bounded to the 100 most
 * recently updated per repository), closed PRs and other repositories are left alone.
 */
import { beforeAll, describe, expect, test } from "vitest";
import type { World } from "../fake-github/index.js";
import { appAgainstFakeGitHub, CHECK_NAME } from "../helpers/e2e-harness.js";
import { installationCreated, installationRepositoriesAdded } from "../helpers/webhooks.js";

const e2e = appAgainstFakeGitHub({ repoPrefix: "install", collaborators: { alice: "write" } });
let w: World;
beforeAll(() => ({ w } = e2e));

describe("a check on every open PR from the moment of installation", () => {
  test("installation.created evaluates the open PRs of the listed repositories", async () => {
    const a = e2e.newRepo({}, {}, "newco");
    const b = e2e.newRepo({}, {}, "newco");
    const unlisted = e2e.newRepo({}, {}, "newco");
    const agent = e2e.agentPull(a);
    const human = w.addPull(a, { author: "alice", commits: [{ message: "Fix", author: "alice", files: { "x.ts": "x\n" } }] });
    const closed = e2e.agentPull(a, { "c.ts": "c\n" }, { head: "copilot/closed", state: "closed" });
    const inB = e2e.agentPull(b);
    const elsewhere = e2e.agentPull(unlisted);
    await e2e.sendOk(installationCreated(e2e.fake, "newco", [a, b]));
    expect(e2e.gate(a, agent.headSha).conclusion).toBe("action_required");
    expect(e2e.gate(a, human.headSha).conclusion).toBe("success");
    expect(e2e.gate(b, inB.headSha).conclusion).toBe("action_required");
    expect(w.checkRuns(a, closed.headSha, CHECK_NAME)).toEqual([]);
    expect(w.checkRuns(unlisted, elsewhere.headSha, CHECK_NAME)).toEqual([]);
    expect(w.labelsOn(a, agent.number)).toContain("agent-authored");
    // One listing per repository, most recently updated first, one page of 100.
    const lists = e2e.apiRequests().filter((r) => r.operationId === "pulls/list");
    expect(lists).toHaveLength(2);
    for (const l of lists) expect(l.path).toMatch(/state=open.*sort=updated|sort=updated.*state=open/);
    expect(lists.every((l) => l.path.includes("per_page=100"))).toBe(true);
  });

  test("installation_repositories.added evaluates the added repositories only, the same SHA once", async () => {
    const added = e2e.newRepo({}, {}, "newco");
    const pr = e2e.agentPull(added);
    await e2e.sendOk(installationRepositoriesAdded(e2e.fake, "newco", [added]));
    expect(e2e.gate(added, pr.headSha).conclusion).toBe("action_required");
    // Redelivered: converges on the same one check, no second write.
    const writes = e2e.writes().length;
    await e2e.sendOk(installationRepositoriesAdded(e2e.fake, "newco", [added]));
    expect(e2e.gate(added, pr.headSha).conclusion).toBe("action_required");
    expect(e2e.writes().length).toBe(writes);
  });

  test("a repository whose PRs cannot be listed is skipped, the others still get their check", async () => {
    const broken = e2e.newRepo({}, {}, "newco");
    const fine = e2e.newRepo({}, {}, "newco");
    e2e.agentPull(broken);
    const pr = e2e.agentPull(fine);
    e2e.fake.faults.inject({ repo: broken, operationId: "pulls/list", status: 404, times: 1 });
    await e2e.sendOk(installationRepositoriesAdded(e2e.fake, "newco", [broken, fine]));
    expect(e2e.gate(fine, pr.headSha).conclusion).toBe("action_required");
  });
});
