/**
 * Labels end to end (SPEC §2 signal 5, §5, §8): the manual signal is "a human put the `agent-authored`
 * label on the PR". The app reads who applied the label (GraphQL `timelineItems` LabeledEvent actor, in
 * the same query as the rest) and counts it only when that was a `User`. The real app process runs
 * against the fake GitHub, which records every label event with its actor (the calling app's bot for
 * REST writes) and serves them through `PullRequest.timelineItems`.
 */
import { beforeAll, describe, expect, test } from "vitest";
import type { CheckRunState, FakeGitHub, World } from "../fake-github/index.js";
import { appAgainstFakeGitHub } from "../helpers/e2e-harness.js";
import { labeledEvent, pullRequestEvent, pushEvent } from "../helpers/webhooks.js";

const e2e = appAgainstFakeGitHub({ repoPrefix: "l", collaborators: { alice: "write", bob: "write" } });
const { newRepo, send, gate, apiRequests, writes } = e2e;
let fake: FakeGitHub, w: World;
beforeAll(() => ({ fake, w } = e2e));

const LABEL = "agent-authored";
const OUR_BOT = "agent-gate[bot]";
const CLAUDE_TRAILER = "Co-authored-by: Claude <noreply@anthropic.com>";

/** A human's PR whose only agent signal is a Claude co-author trailer (so a force-push can remove it). */
function trailerPull(repo: string) {
  return w.addPull(repo, { author: "alice", head: `feature-${e2e.repoCount}`, commits: [{ message: `Add a\n\n${CLAUDE_TRAILER}`, author: "alice", files: { "src/a.ts": "a\n" } }] });
}

function humanPull(repo: string) {
  return w.addPull(repo, { author: "alice", head: `human-${e2e.repoCount}`, commits: [{ message: "Add x", author: "alice", files: { "src/x.ts": "x\n" } }] });
}

/** The evidence rows of the check summary for the manual signal (`| agent | signal | where | value |`). */
function manualRows(run: CheckRunState): string[] {
  return (run.output.summary ?? "").split("\n").filter((l) => /^\|[^|]*\| manual \|/.test(l));
}

/** Another GitHub App (id 999) putting a label on through REST, as a labeler workflow or bot would. */
async function labelAsOtherApp(repo: string, number: number, label: string): Promise<void> {
  const [owner] = repo.split("/");
  const token = fake.mintInstallationToken(owner!, 999);
  const res = await fetch(`${fake.apiUrl}/repos/${repo}/issues/${number}/labels`, {
    method: "POST",
    headers: { authorization: `token ${token}`, "content-type": "application/json", accept: "application/vnd.github+json" },
    body: JSON.stringify({ labels: [label] }),
  });
  expect(res.status).toBe(200);
}

describe("the label the app adds is not the manual signal", () => {
  test("(a) agent PR → labels added by the app's bot; evidence has no manual signal; the check does not change once they land", async () => {
    const repo = newRepo();
    const pr = trailerPull(repo);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    expect(w.labelsOn(repo, pr.number).sort()).toEqual([LABEL, "agent:claude-code"]);
    expect(w.lastLabelEvent(repo, pr.number, LABEL, "labeled")?.actor).toBe(OUR_BOT);
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toMatch(/\| trailer \|/);
    expect(manualRows(run)).toEqual([]);

    // Another event now that our labels are on: same outcome, so no write (the label did not become a signal).
    fake.clearLog();
    await send(pullRequestEvent(w, repo, pr.number, "edited"));
    expect(apiRequests().map((r) => `${r.method} ${r.path}`)).toEqual(["POST /api/graphql"]);
    expect(gate(repo, pr.headSha).history).toHaveLength(1);
  });

  test("(d) the labeled deliveries for our own label (sender agent-gate[bot]) cost zero requests", async () => {
    const repo = newRepo();
    const pr = trailerPull(repo);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    fake.clearLog();
    for (const label of [LABEL, "agent:claude-code"]) {
      const [name, payload] = labeledEvent(w, repo, pr.number, label);
      expect((payload.sender as { login: string; type: string }).login).toBe(OUR_BOT);
      expect((payload.sender as { type: string }).type).toBe("Bot");
      expect(await send([name, payload])).toBe(200);
    }
    expect(apiRequests()).toEqual([]);
  });

  test("signals gone after a force-push → success, although our label stays on (never removed automatically)", async () => {
    const repo = newRepo();
    const pr = trailerPull(repo);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
    const head = w.forcePushPull(repo, pr.number, [{ message: "Add a, written by hand", author: "alice", files: { "src/a.ts": "a\n" } }]);
    await send(pullRequestEvent(w, repo, pr.number, "synchronize"));
    const run = gate(repo, head.sha);
    expect(run.conclusion).toBe("success");
    expect(run.output.title).toMatch(/no coding agent/i);
    expect(w.labelsOn(repo, pr.number)).toContain(LABEL);
  });
});

describe("a human's label is the manual signal", () => {
  test("(b) a human labels a human PR → gated; the evidence names the label and the human", async () => {
    const repo = newRepo();
    const pr = humanPull(repo);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");
    w.labelPull(repo, pr.number, LABEL, "bob");
    const delivery = labeledEvent(w, repo, pr.number, LABEL);
    expect((delivery[1].sender as { login: string }).login).toBe("bob");
    fake.clearLog();
    await send(delivery);
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("action_required");
    const rows = manualRows(run);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(LABEL);
    // The login is shown without pinging (a word joiner follows the @).
    expect(rows[0]).toMatch(/added by @\u2060bob/);
    // The label is already on: nothing to add; only the check is rewritten.
    expect(writes().map((r) => r.operationId)).toEqual(["checks/update"]);

    // (e) Redelivery of the same event: one read, no write.
    fake.clearLog();
    await send(delivery);
    expect(apiRequests().map((r) => `${r.method} ${r.path}`)).toEqual(["POST /api/graphql"]);
    expect(gate(repo, pr.headSha).history).toHaveLength(2);
  });

  test("a label a human took off is not put back; re-added by the human it counts (the latest LABELED event decides)", async () => {
    const repo = newRepo();
    const pr = trailerPull(repo);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    w.unlabelPull(repo, pr.number, LABEL, "bob");
    fake.clearLog();
    await send(labeledEvent(w, repo, pr.number, LABEL, "unlabeled"));
    // Still an agent PR (the trailer), still gated; the label stays off: taking it off was bob's decision.
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
    expect(w.labelsOn(repo, pr.number)).toEqual(["agent:claude-code"]);
    expect(writes()).toEqual([]);
    expect(manualRows(gate(repo, pr.headSha))).toEqual([]);

    w.labelPull(repo, pr.number, LABEL, "bob");
    await send(labeledEvent(w, repo, pr.number, LABEL));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("action_required");
    expect(manualRows(run)).toHaveLength(1);
    expect(manualRows(run)[0]).toMatch(/added by @\u2060bob/);
  });
});

describe("a bot's label is not", () => {
  test("(c) another app labels a human PR → its labeled event costs nothing, and re-evaluation stays success", async () => {
    const repo = newRepo();
    const pr = humanPull(repo);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    await labelAsOtherApp(repo, pr.number, LABEL);
    expect(w.lastLabelEvent(repo, pr.number, LABEL, "labeled")?.actor).toBe("app-999[bot]");
    fake.clearLog();
    const delivery = labeledEvent(w, repo, pr.number, LABEL);
    expect((delivery[1].sender as { type: string }).type).toBe("Bot");
    await send(delivery);
    expect(apiRequests()).toEqual([]);

    // Anything that does evaluate (an edit here) reads who applied the label and does not count it.
    await send(pullRequestEvent(w, repo, pr.number, "edited"));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("success");
    expect(manualRows(run)).toEqual([]);
    expect(writes()).toEqual([]);
  });

  test("a bot taking a human's label off is evaluated but does not lift the gate; a human taking it off does", async () => {
    const repo = newRepo();
    const pr = humanPull(repo);
    w.labelPull(repo, pr.number, LABEL, "bob");
    await send(labeledEvent(w, repo, pr.number, LABEL));
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
    // An agent's app token can edit labels: only a human's decision undoes a human's (issue 8 attacker pass).
    w.unlabelPull(repo, pr.number, LABEL, "app-999[bot]");
    fake.clearLog();
    await send(labeledEvent(w, repo, pr.number, LABEL, "unlabeled"));
    expect(fake.countRequests({ kind: "graphql" })).toBe(1);
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
    expect(w.labelsOn(repo, pr.number)).not.toContain(LABEL); // not put back either
    // bob puts it on again and takes it off himself: lifted.
    w.labelPull(repo, pr.number, LABEL, "bob");
    w.unlabelPull(repo, pr.number, LABEL, "bob");
    await send(labeledEvent(w, repo, pr.number, LABEL, "unlabeled"));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");
  });

  test("the label's event older than the first 100 label events is found by paging backwards", async () => {
    const repo = newRepo();
    const byBot = humanPull(repo);
    await labelAsOtherApp(repo, byBot.number, LABEL);
    const byHuman = w.addPull(repo, { author: "alice", head: `human-b-${e2e.repoCount}`, commits: [{ message: "Add y", author: "alice", files: { "src/y.ts": "y\n" } }] });
    w.labelPull(repo, byHuman.number, LABEL, "bob");
    for (const pr of [byBot, byHuman]) {
      for (let i = 0; i < 105; i++) {
        w.labelPull(repo, pr.number, "churn", "carol");
        w.unlabelPull(repo, pr.number, "churn", "carol");
      }
    }
    fake.clearLog();
    await send(pullRequestEvent(w, repo, byBot.number, "opened"));
    // 210 churn events (LABELED and UNLABELED, both in the window since a bot's UNLABELED must be
    // seen) before the label's own: the read and two pages back.
    expect(fake.countRequests({ kind: "graphql" })).toBe(3);
    expect(gate(repo, byBot.headSha).conclusion).toBe("success");
    await send(pullRequestEvent(w, repo, byHuman.number, "opened"));
    const run = gate(repo, byHuman.headSha);
    expect(run.conclusion).toBe("action_required");
    expect(manualRows(run)[0]).toMatch(/added by @\u2060bob/);
  });
});

describe("push to the default branch: custom agents live in the policy", () => {
  test("a commit by an org-defined agent, with no built-in signal, is reported (the policy read is needed)", async () => {
    const policy = ["version: 1", "agents:", "  define:", "    - id: acme-bot", "      name: ACME agent", '      emails: ["agent@acme.example"]', ""].join("\n");
    const repo = newRepo({ ".github/agent-policy.yml": policy });
    const before = w.repo(repo).branches.get("main")!;
    const human = w.pushCommit(repo, "main", { message: "Plain change", author: { name: "ACME Agent", email: "agent@acme.example" }, files: { "src/p.ts": "p\n" } });
    fake.clearLog();
    await send(pushEvent(w, repo, { before, after: human.sha }));
    expect(fake.countRequests({ kind: "graphql" })).toBe(1);
    const run = gate(repo, human.sha);
    expect(run.conclusion).toBe("neutral");
    expect(run.output.summary).toContain("ACME agent");
  });
});
