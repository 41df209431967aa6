/**
 * Issue 8 point 13: transient GitHub faults must not leave a wrong check behind. The real app against
 * the fake GitHub failing 15 % of requests (5xx, 429, secondary limits, resets, GraphQL 200-with-errors):
 * an evaluation that could not read what it needed writes the fail-closed check and re-evaluates by
 * itself (src/app/flows/retry.ts), so every PR converges to its right conclusion; when the faults do not
 * stop, it gives up visibly (check text, audit line, metric). No sleeps: the back-off base is 1 ms
 * (AGENT_GATE_RETRY_BASE_MS) and the test waits on the fake's state, re-checked as the app logs.
 */
import { beforeAll, expect, test } from "vitest";
import type { FakeGitHub, World } from "../fake-github/index.js";
import { untilStdout, type AppProcess } from "../helpers/app-process.js";
import { AGENT, CHECK_NAME, appAgainstFakeGitHub } from "../helpers/e2e-harness.js";
import { pullRequestEvent, reviewEvent } from "../helpers/webhooks.js";

const ATTEMPTS = 6;
const e2e = appAgainstFakeGitHub({
  repoPrefix: "tf",
  collaborators: { alice: "write", bob: "write" },
  env: { AGENT_GATE_RETRY_BASE_MS: "1", AGENT_GATE_RETRY_ATTEMPTS: String(ATTEMPTS) },
});
const { newRepo, send } = e2e;
let fake: FakeGitHub, app: AppProcess, w: World;
beforeAll(() => ({ fake, app, w } = e2e));

const notTokens = (t: { route: string | null }) => t.route === "/app/installations/{installation_id}/access_tokens";

function conclusionOf(repo: string, sha: string): string | null {
  const runs = w.checkRuns(repo, sha, CHECK_NAME);
  return runs.length === 1 ? (runs[0]!.conclusion ?? null) : null;
}

test("with 15 % of GitHub requests failing, every PR converges to the right conclusion by itself", async () => {
  const expected: { repo: string; sha: string; want: string; agent?: boolean }[] = [];
  const deliveries: Parameters<typeof send>[0][] = [];
  for (let i = 0; i < 12; i++) {
    const repo = newRepo({ ".github/agent-policy.yml": "version: 1\npaths:\n  - match: ['infra/**']\n    action: block\n" });
    const kind = i % 4;
    if (kind === 0) {
      const pr = w.addPull(repo, { author: "alice", head: `feature-${i}`, commits: [{ message: "Docs", author: "alice", files: { "docs/x.md": "x\n" } }] });
      expected.push({ repo, sha: pr.headSha, want: "success" });
      deliveries.push(pullRequestEvent(w, repo, pr.number, "opened"));
    } else {
      const files: Record<string, string> = kind === 3 ? { "infra/main.tf": "x\n" } : { "src/a.ts": "a\n" };
      const pr = w.addPull(repo, { author: AGENT, head: `copilot/c-${i}`, commits: [{ message: "Change", files }] });
      deliveries.push(pullRequestEvent(w, repo, pr.number, "opened"));
      if (kind === 2) {
        const review = w.review(repo, pr.number, "bob", "APPROVED");
        deliveries.push(reviewEvent(w, repo, pr.number, review.id));
      }
      expected.push({ repo, sha: pr.headSha, want: kind === 1 ? "action_required" : kind === 2 ? "success" : "failure", agent: true });
    }
  }
  // The first delivery's read fails for good (four GraphQL answers with errors: plugin-retry's three
  // retries used up), so the re-evaluation path is taken whatever else the random faults hit; then
  // 15 % of requests fail at random while the rest arrive at once.
  fake.faults.inject({ graphql: true, times: 4, status: 200, body: { data: null, errors: [{ message: "Something went wrong while executing your query." }] } });
  fake.faults.random({ rate: 0.15, seed: 8013, skip: notTokens });
  const statuses = [await send(deliveries[0]!), ...(await Promise.all(deliveries.slice(1).map((d) => send(d))))];
  // Every delivery is answered: 200, 202 when a loaded machine took Probot past its 9 s, or the
  // status of a GitHub request that failed for good (@octokit/webhooks answers with the error's
  // status: 500, or the injected 403/429/5xx) — the app re-evaluates those SHAs by itself.
  for (const s of statuses) expect(s === 200 || s === 202 || (s >= 400 && s <= 599), `delivery answered ${s}`).toBe(true);
  const wrong = () => expected.filter((e) => conclusionOf(e.repo, e.sha) !== e.want);
  // A label write that failed is re-evaluated after the check is already right: wait for both.
  const unlabelled = () => expected.filter((e) => e.agent && w.labelsOn(e.repo, 1).length < 2);
  await untilStdout(app, () => (wrong().length === 0 && unlabelled().length === 0 ? true : undefined), "every PR at its right conclusion, agent PRs labelled", 60_000).catch((error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)}: ${JSON.stringify(wrong().map((e) => ({ ...e, got: conclusionOf(e.repo, e.sha) })))}`);
  });
  fake.faults.random(null);
  // The faults did bite (the test exercised the retry path), and nothing gave up.
  expect(fake.faults.randomHits).toBeGreaterThan(0);
  const retries = app.json().filter((l) => (l.audit as { type?: string } | undefined)?.type === "retry");
  expect(retries.length).toBeGreaterThan(0);
  expect(retries.filter((l) => (l.audit as { outcome: string }).outcome === "gave_up")).toEqual([]);
  for (const e of expected) expect(w.checkRuns(e.repo, e.sha, CHECK_NAME)).toHaveLength(1);
  // Agent PRs carry their labels (a failed label write is re-evaluated like a failed read).
  for (const e of expected) if (e.agent) expect(w.labelsOn(e.repo, 1).sort()).toEqual(["agent-authored", "agent:copilot"]);
}, 90_000);

test("a read failure writes the fail-closed check, then the re-evaluation turns it right", async () => {
  const repo = newRepo();
  const pr = w.addPull(repo, { author: "alice", head: "h", commits: [{ message: "x", author: "alice", files: { "a.txt": "a\n" } }] });
  // The PR query answers 200 with errors four times: plugin-retry's three retries are used up too.
  // Scoped to this repository: the first test's label re-evaluations may still be reading.
  fake.faults.inject({ graphql: true, repo, times: 4, status: 200, body: { data: null, errors: [{ message: "Something went wrong while executing your query." }] } });
  expect(await send(pullRequestEvent(w, repo, pr.number, "opened"))).toBe(200);
  await untilStdout(app, () => (conclusionOf(repo, pr.headSha) === "success" ? true : undefined), "the re-evaluation's success", 20_000);
  // First the fail-closed check, then the re-evaluation's update of the same run.
  const run = w.checkRuns(repo, pr.headSha, CHECK_NAME)[0]!;
  expect(run.history.map((h) => h.body.conclusion)).toEqual(["failure", "success"]);
  const line = app.json().find((l) => {
    const a = l.audit as { type?: string; repo?: string } | undefined;
    return a?.type === "retry" && a.repo === repo;
  });
  expect(line?.audit).toMatchObject({ type: "retry", outcome: "scheduled", attempt: 1, pull: pr.number, headSha: pr.headSha });
  expect((line?.audit as { reason: string }).reason).toMatch(/Could not read pull request/);
});

test("faults that do not stop: bounded attempts, then it gives up visibly (check text, audit, metric)", async () => {
  const repo = newRepo();
  const pr = w.addPull(repo, { author: "alice", head: "g", commits: [{ message: "x", author: "alice", files: { "a.txt": "a\n" } }] });
  fake.faults.inject({ graphql: true, repo, times: 1_000, status: 502 });
  expect(await send(pullRequestEvent(w, repo, pr.number, "opened"))).toBe(200);
  const gaveUp = await untilStdout(
    app,
    () =>
      app.json().find((l) => {
        const a = l.audit as { type?: string; repo?: string; outcome?: string } | undefined;
        return a?.type === "retry" && a.repo === repo && a.outcome === "gave_up";
      }),
    "the gave_up audit line",
    20_000,
  );
  expect(gaveUp.audit).toMatchObject({ attempt: ATTEMPTS });
  const scheduled = app.json().filter((l) => {
    const a = l.audit as { type?: string; repo?: string; outcome?: string } | undefined;
    return a?.type === "retry" && a.repo === repo && a.outcome === "scheduled";
  });
  expect(scheduled.map((l) => (l.audit as { attempt: number }).attempt)).toEqual(Array.from({ length: ATTEMPTS }, (_, i) => i + 1));
  // The back-off grows (jittered around base · 2^(n−1), base 1 ms).
  const delays = scheduled.map((l) => (l.audit as { delayMs: number }).delayMs);
  expect(delays[ATTEMPTS - 1]!).toBeGreaterThan(delays[0]!);
  fake.faults.clear();
  const run = w.checkRuns(repo, pr.headSha, CHECK_NAME)[0]!;
  expect(run.conclusion).toBe("failure");
  expect(`${run.output.summary ?? ""}\n${run.output.text ?? ""}`.replaceAll("\\", "")).toMatch(new RegExp(`re-evaluated this commit ${ATTEMPTS} times after GitHub failed to answer and gave up`));
  const metrics = await (await fetch(`${app.url}/metrics`)).text();
  expect(metrics).toMatch(/agent_gate_evaluation_retries_total\{outcome="gave_up"\} [1-9]/);
});
