/**
 * One spelling of a Bot's login across GitHub's APIs. GraphQL's `Bot.login` has no "[bot]" suffix
 * (`copilot-swe-agent`), REST, webhooks, noreply e-mails and policy files have it
 * (`copilot-swe-agent[bot]`); the fake reproduces that (test/fake-github/README.md). The reader puts
 * the suffix back (src/github/rest-login.ts `restLogin`), so detection, the contributor list, the
 * approvals list, stored clicks and the audit log all say `name[bot]` — once.
 */
import { beforeAll, describe, expect, test } from "vitest";
import type { FakeGitHub, World } from "../fake-github/index.js";
import { POLICY, appAgainstFakeGitHub } from "../helpers/e2e-harness.js";
import { checkRunRequestedAction, pullRequestEvent, reviewEvent } from "../helpers/webhooks.js";

const e2e = appAgainstFakeGitHub({ repoPrefix: "bots", collaborators: { alice: "write" } });
const { sendOk: send, gate, waitForLog } = e2e;
let fake: FakeGitHub, w: World;
beforeAll(() => ({ fake, w } = e2e));

/** A repository with the policy file when one is given (else the built-in policy applies). */
const newRepo = (policy?: string): string => e2e.newRepo(policy ? { [POLICY]: policy } : {});

/** `name` as a login without the "[bot]" suffix (a GraphQL spelling leaking through). */
const bare = (name: string) => new RegExp(`${name.replace(/-/g, "\\\\?-")}(?!\\\\?\\[bot)`);

describe("Bot logins from GraphQL meet REST, webhooks and the policy in one spelling", () => {
  test("the fake is faithful: GraphQL says `copilot-swe-agent`, REST says `copilot-swe-agent[bot]`", async () => {
    const repo = newRepo();
    const pr = w.addPull(repo, { author: "copilot-swe-agent[bot]", head: "copilot/x", commits: [{ message: "Change", author: "copilot-swe-agent[bot]", files: { "a.ts": "a\n" } }] });
    const token = fake.mintInstallationToken("acme");
    const gql = await fetch(`${fake.url}/api/graphql`, {
      method: "POST",
      headers: { authorization: `token ${token}` },
      body: JSON.stringify({
        query: `query($n: Int!) { repository(owner: "acme", name: "${repo.split("/")[1]}") { pullRequest(number: $n) {
          author { __typename login url }
          commits(first: 1) { nodes { commit { author { email user { login } } } } } } } }`,
        variables: { n: pr.number },
      }),
    });
    const data = ((await gql.json()) as { data: { repository: { pullRequest: { author: unknown; commits: { nodes: { commit: { author: unknown } }[] } } } } }).data;
    expect(data.repository.pullRequest.author).toEqual({ __typename: "Bot", login: "copilot-swe-agent", url: expect.stringMatching(/\/apps\/copilot-swe-agent$/) });
    // `GitActor.user` is typed `User`: a bot commit author resolves to null; its noreply e-mail keeps the suffix.
    expect(data.repository.pullRequest.commits.nodes[0]!.commit.author).toEqual({ email: expect.stringMatching(/\+copilot-swe-agent\[bot\]@users\.noreply\.github\.com$/), user: null });
    const rest = await fetch(`${fake.url}/repos/${repo}/pulls/${pr.number}`, { headers: { authorization: `token ${token}` } });
    expect(((await rest.json()) as { user: { login: string } }).user.login).toBe("copilot-swe-agent[bot]");
  });

  test("a Bot-opened PR: evidence, the contributor list and the audit line say `name[bot]`, once", async () => {
    const repo = newRepo();
    const pr = w.addPull(repo, { author: "copilot-swe-agent[bot]", head: "copilot/x", commits: [{ message: "Change", author: "copilot-swe-agent[bot]", files: { "a.ts": "a\n" } }] });
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("action_required");
    const text = `${run.output.summary}\n${run.output.text ?? ""}`;
    // The contributor list ("not the PR author or an author … (@…)") names the opener (GraphQL) and the
    // commit author (noreply e-mail) as one account. Markdown escapes "-" and "[".
    const mentions = text.match(/@\u2060?copilot[^\s)]*/g) ?? [];
    expect(mentions).toEqual(["@\u2060copilot\\-swe\\-agent\\[bot\\]"]);
    expect(text).toContain("| pr author | `copilot-swe-agent[bot]` |");
    const line = await waitForLog((l) => l.msg === "agent-gate decision" && (l.audit as { repo: string }).repo === repo);
    const evidence = (line.audit as { evidence: { where: string; value: string }[] }).evidence;
    expect(evidence).toContainEqual(expect.objectContaining({ where: "pr author", value: "copilot-swe-agent[bot]" }));
  });

  test("policy logins written with `[bot]` (agents.define logins, agents.ignore) match a GraphQL Bot author", async () => {
    const policy = [
      "version: 1",
      "agents:",
      "  define:",
      "    - { id: acme-bot, name: ACME agent, logins: ['acme-agent[bot]'] }",
      "    - { id: helper, name: Helper, logins: ['helper-app[bot]'] }",
      "  ignore: ['helper-app[bot]']",
      "",
    ].join("\n");
    const repo = newRepo(policy);
    const agent = w.addPull(repo, { author: "acme-agent[bot]", head: "feature/a", commits: [{ message: "Change", author: "alice", files: { "a.ts": "a\n" } }] });
    await send(pullRequestEvent(w, repo, agent.number, "opened"));
    const run = gate(repo, agent.headSha);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain("acme-agent[bot]");
    expect(w.labelsOn(repo, agent.number)).toContain("agent:acme-bot");
    const ignored = w.addPull(repo, { author: "helper-app[bot]", head: "feature/h", commits: [{ message: "Bump", author: "alice", files: { "b.ts": "b\n" } }] });
    await send(pullRequestEvent(w, repo, ignored.number, "opened"));
    expect(gate(repo, ignored.headSha).conclusion).toBe("success");
  });

  test("a Bot's review (GraphQL) and its Approve click (webhook sender) are one account, listed once, counted never", async () => {
    const repo = newRepo();
    w.addUser("review-helper[bot]", { type: "Bot" });
    w.setPermission(repo, "review-helper[bot]", "write");
    const pr = w.addPull(repo, { author: "copilot-swe-agent[bot]", head: "copilot/y", commits: [{ message: "Change", author: "copilot-swe-agent[bot]", files: { "a.ts": "a\n" } }] });
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const review = w.review(repo, pr.number, "review-helper[bot]", "APPROVED");
    await send(reviewEvent(w, repo, pr.number, review.id));
    await send(checkRunRequestedAction(w, repo, gate(repo, pr.headSha).id, "approve", "review-helper[bot]"));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("action_required");
    const text = `${run.output.summary}\n${run.output.text ?? ""}`;
    expect(text).not.toMatch(bare("review-helper"));
    expect(text).not.toMatch(/agent-gate:approvals/);
    const click = await waitForLog((l) => l.msg === "agent-gate approve click" && (l.audit as { repo: string }).repo === repo);
    expect(click.audit).toMatchObject({ login: "review-helper[bot]", counted: false, reason: "bot" });
    const decision = await waitForLog(
      (l) => l.msg === "agent-gate decision" && (l.audit as { repo: string; trigger: string }).repo === repo && (l.audit as { trigger: string }).trigger === "check_run.requested_action",
    );
    const approvers = (decision.audit as { approvers: { login: string; source: string }[] }).approvers;
    expect(approvers.map((a) => `${a.source}:${a.login}`).sort()).toEqual(["button:review-helper[bot]", "review:review-helper[bot]"]);
  });
});
