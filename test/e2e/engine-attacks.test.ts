/**
 * Issue 8, the engine-side bypasses, tried through the running app against the fake GitHub:
 * a commit line that made the co-author pattern backtrack (point 1), a click that survived its
 * author's later "changes requested" (point 3), and policies that validated although they could
 * never match, crashed the loader or echoed control characters (points 11 and 18).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { CheckRunState, FakeGitHub, World } from "../fake-github/index.js";
import { AGENT, POLICY, appAgainstFakeGitHub } from "../helpers/e2e-harness.js";
import { checkRunRequestedAction, pullRequestEvent, reviewEvent } from "../helpers/webhooks.js";

const e2e = appAgainstFakeGitHub({ repoPrefix: "eng", collaborators: { alice: "write", bob: "write", carol: "read" } });
const { newRepo, sendOk: send, ourGate: gate } = e2e;
let w: World;
let fake: FakeGitHub;
beforeAll(() => ({ w, fake } = e2e));

/** The check's text as a reader sees it: Markdown backslash escapes and the word joiners after @ and # removed. */
const shown = (run: CheckRunState) => `${run.output.title}\n${run.output.summary}\n${run.output.text ?? ""}`.replace(/\\(.)/g, "$1").replaceAll("\u2060", "");

describe("point 1: one commit line must not stall the app", () => {
  it("co-authored-by: + 4,000 spaces + z (and a 200 KB variant): decided at once, and the human co-author after it still cannot approve", async () => {
    for (const spaces of [4_000, 200_000]) {
      const repo = newRepo();
      const message = `Change things\n\nco-authored-by:${" ".repeat(spaces)}z\nCo-authored-by: Bob <${w.ensureUser("bob").id}+bob@users.noreply.github.com>`;
      const pr = w.addPull(repo, { author: AGENT, head: `copilot/spaces-${spaces}`, commits: [{ message, author: AGENT, files: { "src/a.ts": "a\n" } }] });
      w.review(repo, pr.number, "bob", "APPROVED");
      // `send` requires a 200: the app answers 202 instead when a delivery runs for more than ~9 s,
      // which the backtracking pattern did (34 s at 4,000 spaces). No timing assertion needed.
      await send(pullRequestEvent(w, repo, pr.number, "opened"));
      let run = gate(repo, pr.headSha);
      expect(run.conclusion, `${spaces} spaces`).toBe("action_required");
      expect(shown(run)).toMatch(/bob[\s\S]*co-authored commit/);
      const r = w.review(repo, pr.number, "alice", "APPROVED");
      await send(reviewEvent(w, repo, pr.number, r.id));
      run = gate(repo, pr.headSha);
      expect(run.conclusion).toBe("success");
      expect(run.output.title).toBe("Approved by @alice");
    }
  });
});

describe("point 3: each person's latest action decides, clicks and reviews alike", () => {
  it("bob clicks Approve, then requests changes → not success; approves again → success; clicks after a new CHANGES_REQUESTED → success", async () => {
    const repo = newRepo();
    const pr = e2e.agentPull(repo);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const runId = gate(repo, pr.headSha).id;

    await send(checkRunRequestedAction(w, repo, runId, "approve", "bob"));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");

    const changes = w.review(repo, pr.number, "bob", "CHANGES_REQUESTED");
    await send(reviewEvent(w, repo, pr.number, changes.id));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("action_required");
    expect(shown(run)).toContain("withdrawn by their later review (CHANGES_REQUESTED)");

    // A re-run reads the stored click back: still withdrawn.
    await send(pullRequestEvent(w, repo, pr.number, "edited"));
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");

    const approved = w.review(repo, pr.number, "bob", "APPROVED");
    await send(reviewEvent(w, repo, pr.number, approved.id));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");

    const again = w.review(repo, pr.number, "bob", "CHANGES_REQUESTED");
    await send(reviewEvent(w, repo, pr.number, again.id));
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
    // A click after the CHANGES_REQUESTED is bob's latest action: it restores, and survives re-evaluation.
    await send(checkRunRequestedAction(w, repo, runId, "approve", "bob"));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");
    await send(pullRequestEvent(w, repo, pr.number, "edited"));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");
  });

  it("a COMMENTED review after the click does not withdraw it; a dismissal of the approving review after the click does", async () => {
    const repo = newRepo();
    const pr = e2e.agentPull(repo);
    const approvedFirst = w.review(repo, pr.number, "bob", "APPROVED");
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const runId = gate(repo, pr.headSha).id;
    await send(checkRunRequestedAction(w, repo, runId, "approve", "bob"));
    const comment = w.review(repo, pr.number, "bob", "COMMENTED");
    await send(reviewEvent(w, repo, pr.number, comment.id));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");
    w.dismissReview(repo, pr.number, approvedFirst.id);
    await send(reviewEvent(w, repo, pr.number, approvedFirst.id, "dismissed"));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("action_required");
    expect(shown(run)).toContain("dismissed after the click");
  });
});

describe("points 11 and 18: a broken policy gives failure quoting the error, never silence", () => {
  const cases: { name: string; policy: string; expect: RegExp }[] = [
    { name: "never-matching ./ pattern", policy: "version: 1\npaths:\n  - match: ['./README.md']\n    action: block\n", expect: /agent-policy\.yml:3:13[\s\S]*can never match/ },
    { name: "backslash pattern", policy: "version: 1\npaths:\n  - match: ['src\\main.ts']\n    action: block\n", expect: /agent-policy\.yml:3:13[\s\S]*backslash/ },
    { name: "one flow list of 130,000 items", policy: `version: 1\nagents:\n  ignore: [${Array.from({ length: 130_000 }, () => "a").join(",")}]\n`, expect: /more than 100000 values/ },
    { name: "a 70 KB glob", policy: `version: 1\npaths:\n  - match: ['${"a".repeat(70_000)}']\n    action: block\n`, expect: /at most 1024 characters/ },
    // minimatch answers "no match" past 200 `**` sections: such a block rule would let everything through (issue 8, glob).
    // A negated define branch would make every human branch the agent's (issue 8, glob).
    { name: "a define branch starting with !", policy: "version: 1\nagents:\n  define:\n    - id: acme\n      branches: ['!main']\n", expect: /agent-policy\.yml:5:18[\s\S]*starts with "!"/ },
    { name: "201 `**` sections", policy: `version: 1\npaths:\n  - match: ['${"**/a/".repeat(201)}**/[b]']\n    action: block\n`, expect: /agent-policy\.yml:3:13[\s\S]*has 202 `\*\*` segments — expected at most 64/ },
  ];
  for (const c of cases) {
    it(`${c.name}: failure on a human PR and an agent PR`, async () => {
      const repo = newRepo({ [POLICY]: c.policy });
      for (const pr of [e2e.agentPull(repo), w.addPull(repo, { author: "alice", head: `feature/${e2e.nextNumber()}`, files: { "src/b.ts": "b\n" } })]) {
        await send(pullRequestEvent(w, repo, pr.number, "opened"));
        const run = gate(repo, pr.headSha);
        expect(run.conclusion).toBe("failure");
        expect(run.output.title).toMatch(/Policy file is invalid/);
        expect(shown(run)).toMatch(c.expect);
      }
    });
  }

  it("a key holding ESC, NUL, CR, U+2028, U+0085 and U+202E is shown escaped, one error per line", async () => {
    const repo = newRepo({ [POLICY]: 'version: 1\n"\\e[31mred\\0\\r\\L\\N\\u202e": 1\n' });
    const pr = e2e.agentPull(repo);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");
    const text = `${run.output.title}\n${run.output.summary}\n${run.output.text ?? ""}`;
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000\u001b\r\u2028\u0085\u202e]/);
    expect(shown(run)).toContain('unknown key "\\x1b[31mred\\x00\\r\\u2028\\x85\\u202e"');
    expect(fake.violations).toEqual([]);
  });

  it("a leading / anchors at the root: /action.yml under block blocks action.yml", async () => {
    const repo = newRepo({ [POLICY]: "version: 1\npaths:\n  - match: ['/action.yml']\n    action: block\n    reason: Root action is human-only.\n" });
    const pr = e2e.agentPull(repo, { "action.yml": "name: x\n" });
    w.review(repo, pr.number, "alice", "APPROVED");
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");
    expect(shown(run)).toContain("Root action is human-only.");
  });
});
