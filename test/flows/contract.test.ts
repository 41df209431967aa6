/**
 * The in-memory reader and writer tell the truth about the GitHub ones: one story — an agent PR
 * waits, a human approves, nothing changes, the commit is pushed to the default branch — run
 * through the same flows twice, once over the fake GitHub (the GitHub Reader/Writer, real HTTP on
 * loopback, in process) and once over memory, must be observed the same way: the conclusions on the
 * head, the labels, which evaluations wrote. If the memory side drifts from what the GitHub side
 * does, the flow tests in this folder would prove nothing; this test is what fails then.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../fake-github/index.js";
import { createAppOctokit } from "../../src/github/octokit.js";
import type { GitHub } from "../../src/github/client.js";
import { evaluatePull, minimalFallback } from "../../src/app/flows/evaluate.js";
import { reportPush, type PushCommit } from "../../src/app/flows/push.js";
import { AppState } from "../../src/app/runtime/state.js";
import { agentPull, approval, ok, policy } from "../helpers/decision-fixtures.js";
import { MemoryGitHub } from "../helpers/memory-github.js";
import { memoryApp, NO_OCTOKIT, recordingLog } from "../helpers/flow-kit.js";
import { BUILTIN_DEFAULT_POLICY } from "../../src/engine/policy/defaults.js";

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await startFakeGitHub();
});
/* eslint-disable @typescript-eslint/no-unnecessary-condition -- each is unset when beforeAll failed before starting it; its declared type cannot say so */
afterAll(async () => {
  await fake?.close();
});
/* eslint-enable @typescript-eslint/no-unnecessary-condition */

/** What the story looks like from outside, step by step. */
interface Side {
  headSha: string;
  app: AppState;
  gh: GitHub;
  approve(login: string): void;
  conclusion(): string | null | undefined;
  runs(): number;
  labels(): string[];
}

const repo = { owner: "acme", repo: "api", defaultBranch: "main" };
const copilotCommit = (sha: string): PushCommit => ({
  id: sha,
  message: "Add feature",
  author: { name: "Copilot", email: "198982749+Copilot@users.noreply.github.com", username: "Copilot" },
  committer: { name: "GitHub", email: "noreply@github.com", username: "web-flow" },
});

async function story(side: Side): Promise<unknown[]> {
  const rec = recordingLog();
  const seen: unknown[] = [];
  const evaluate = () => evaluatePull(side.app, { gh: side.gh, log: rec.log, repo, number: 7, fallback: minimalFallback(side.headSha, ""), trigger: "test" });
  await evaluate();
  seen.push(["waits", side.conclusion(), side.labels()]);
  side.approve("alice");
  await evaluate();
  seen.push(["approved", side.conclusion(), side.labels()]);
  await evaluate();
  seen.push(["again", side.conclusion(), side.runs()]);
  await reportPush(side.app, { gh: side.gh, log: rec.log, repo, ref: "refs/heads/main", before: "0".repeat(40), after: side.headSha, pusher: "dev", commits: [copilotCommit(side.headSha)] });
  seen.push(["pushed", side.conclusion(), side.runs()]);
  seen.push(["wrote", rec.decisions.map((d) => [d.conclusion, d.wrote])]);
  seen.push(["push audit", rec.pushes.map((p) => p.conclusion)]);
  return seen;
}

describe("memory and GitHub, one story", () => {
  it("observed the same through the fake GitHub and through memory", async () => {
    const w = fake.state;
    w.addRepo("acme/api", { files: { "src/a.ts": "a\n" }, collaborators: { alice: "write" } });
    const pr = w.addPull("acme/api", { number: 7, author: "copilot-swe-agent[bot]", head: "copilot/add-feature", commits: [{ message: "Add feature", files: { "src/a.ts": "b\n" } }] });
    const Octokit = createAppOctokit({ AGENT_GATE_TEST_NO_THROTTLE: "1" });
    const gh = new Octokit({ auth: { token: fake.mintInstallationToken("acme") }, baseUrl: fake.apiUrl });
    const overHttp = await story({
      headSha: pr.headSha,
      app: new AppState(fake.appId),
      gh,
      approve: (login) => void w.review("acme/api", 7, login, "APPROVED"),
      conclusion: () => w.checkRuns("acme/api", pr.headSha, "agent-gate")[0]?.conclusion,
      runs: () => w.checkRuns("acme/api", pr.headSha, "agent-gate").length,
      labels: () => [...w.labelsOn("acme/api", 7)].sort(),
    });
    expect(fake.violations).toEqual([]);

    const memory = new MemoryGitHub({ policy: ok(policy()) });
    expect(policy()).toEqual(BUILTIN_DEFAULT_POLICY); // both sides judge under the built-in policy
    const facts = memory.addPull({ facts: agentPull(["src/a.ts"], { number: 7 }) });
    const inMemory = await story({
      headSha: facts.headSha,
      app: memoryApp(memory),
      gh: NO_OCTOKIT,
      approve: (login) => void (memory.pulls.get(7)!.approvals = [approval(login)]),
      conclusion: () => memory.runs.get(facts.headSha)?.conclusion,
      runs: () => (memory.runs.has(facts.headSha) ? 1 : 0),
      labels: () => [...(memory.pulls.get(7)!.labels ?? [])].sort(),
    });

    expect(inMemory).toEqual(overHttp);
    // And the story is the one the flow tests rely on.
    expect(overHttp.slice(0, 3)).toEqual([
      ["waits", "action_required", ["agent-authored", "agent:copilot"]],
      ["approved", "success", ["agent-authored", "agent:copilot"]],
      ["again", "success", 1],
    ]);
  });
});
