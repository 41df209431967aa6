/**
 * Detection through the app (issue 9, issue 8 point 4): the running app against the fake GitHub,
 * each rule tried the way an agent (or an unlucky human) would meet it.
 */
import { beforeAll, describe, expect, test } from "vitest";
import type { World } from "../fake-github/index.js";
import { POLICY, appAgainstFakeGitHub } from "../helpers/e2e-harness.js";
import { pullRequestEvent, reviewEvent } from "../helpers/webhooks.js";

const e2e = appAgainstFakeGitHub({ repoPrefix: "detect", collaborators: { alice: "write", bob: "write" } });
const { sendOk: send, gate } = e2e;
let w: World;
beforeAll(() => ({ w } = e2e));

const newRepo = (policy?: string): string => e2e.newRepo(policy ? { [POLICY]: policy } : {});
const FILES = { "src/a.ts": "export const a = 1;\n" };
const unknownBot = { name: "acme-helper[bot]", email: "99001+acme-helper[bot]@users.noreply.github.com" };

async function openHumanPull(repo: string, commit: { message: string; author?: { name: string; email: string } | string; committer?: { name: string; email: string } }) {
  const pr = w.addPull(repo, { author: "alice", head: "feature/x", commits: [{ author: "alice", ...commit, files: FILES }] });
  await send(pullRequestEvent(w, repo, pr.number, "opened"));
  return { pr, run: gate(repo, pr.headSha) };
}

describe("no commit is skipped for what its message says (issue 8 point 4)", () => {
  test("a claude[bot] commit titled `Merge <sha> into <sha>` with a Claude trailer, on a human PR → detected", async () => {
    const repo = newRepo();
    const { pr, run } = await openHumanPull(repo, {
      message: "Merge 3f1c2a9b8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b into 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b\n\nCo-Authored-By: Claude <noreply@anthropic.com>",
      author: { name: "claude[bot]", email: "209825114+claude[bot]@users.noreply.github.com" },
    });
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).not.toContain("No coding agent detected");
    expect(run.output.summary).toContain("claude-code");
    expect(w.labelsOn(repo, pr.number)).toContain("agent:claude-code");
  });
});

describe("trailers outside git's trailer block (issue 9 §4)", () => {
  test("Copilot CLI's co-author paragraph before `Copilot-Session:` → detected, the evidence names the paragraph", async () => {
    const repo = newRepo();
    const { run } = await openHumanPull(repo, {
      message: "Harden issue creation\n\nCo-authored-by: Copilot App <223556219+Copilot@users.noreply.github.com>\n\nMore notes after the trailer.",
    });
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain("paragraph 2 of 3, outside git");
  });

  test("prose that mentions the trailer is no signal", async () => {
    const repo = newRepo();
    const { run } = await openHumanPull(repo, { message: "Fix\n\nI removed the Co-authored-by: Claude <noreply@anthropic.com> line the tool suggested." });
    expect(run.conclusion).toBe("success");
  });
});

describe("unknown bots (issue 9 §2)", () => {
  test("a bot nobody listed authors a commit on a human PR → gated as `unknown-bot`; the summary names it and how to trust it", async () => {
    const repo = newRepo();
    const { pr, run } = await openHumanPull(repo, { message: "Regenerate client", author: unknownBot });
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain("acme\\-helper\\[bot\\]");
    expect(run.output.summary).toContain("agents.trusted");
    expect(w.labelsOn(repo, pr.number)).toEqual(expect.arrayContaining(["agent-authored", "agent:unknown-bot"]));
  });

  test("the same bot listed in agents.trusted → success; built-in automation (dependabot) needs no listing", async () => {
    const trusted = newRepo("version: 1\nagents:\n  trusted: ['acme-helper[bot]']\n");
    expect((await openHumanPull(trusted, { message: "Regenerate client", author: unknownBot })).run.conclusion).toBe("success");
    const plain = newRepo();
    const dependabot = { name: "dependabot[bot]", email: "49699333+dependabot[bot]@users.noreply.github.com" };
    expect((await openHumanPull(plain, { message: "Bump x from 1 to 2", author: dependabot })).run.conclusion).toBe("success");
  });

  test("trusting by numeric id works too; a different bot is still unknown", async () => {
    const repo = newRepo("version: 1\nagents:\n  trusted: [99001]\n");
    expect((await openHumanPull(repo, { message: "Regenerate client", author: unknownBot })).run.conclusion).toBe("success");
    const other = { name: "other-helper[bot]", email: "99002+other-helper[bot]@users.noreply.github.com" };
    expect((await openHumanPull(repo, { message: "Regenerate client", author: other })).run.conclusion).toBe("action_required");
  });

  test("unknown_bots: report → success, shown and labelled agent-assisted; ignore → plain success", async () => {
    const report = newRepo("version: 1\nagents:\n  unknown_bots: report\n");
    const r = await openHumanPull(report, { message: "Regenerate client", author: unknownBot });
    expect(r.run.conclusion).toBe("success");
    expect(r.run.output.summary).toContain("agents.unknown_bots: report");
    expect(w.labelsOn(report, r.pr.number)).toEqual(["agent-assisted"]);
    const ignore = newRepo("version: 1\nagents:\n  unknown_bots: ignore\n");
    const i = await openHumanPull(ignore, { message: "Regenerate client", author: unknownBot });
    expect(i.run.conclusion).toBe("success");
    expect(i.run.output.summary).not.toContain("acme\\-helper");
    expect(w.labelsOn(ignore, i.pr.number)).toEqual([]);
  });

  test("a bot that only reviews is not authorship", async () => {
    const repo = newRepo();
    const { pr } = await openHumanPull(repo, { message: "Fix" });
    const review = w.review(repo, pr.number, "acme-reviewer[bot]", "COMMENTED", { body: "Looks fine" });
    await send(reviewEvent(w, repo, pr.number, review.id));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");
  });
});

describe("assisted commits (issue 9 §3)", () => {
  const applied = "Apply suggestion from @Copilot\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>";

  test("a human applies a Copilot review suggestion → success, shown apart, PR labelled agent-assisted (created with colour and description)", async () => {
    const repo = newRepo();
    const { pr, run } = await openHumanPull(repo, { message: applied });
    expect(run.conclusion).toBe("success");
    expect(run.output.summary).toContain("No coding agent detected");
    expect(run.output.summary).toContain("AI-assisted commits (reported, not gating)");
    expect(run.output.summary).toContain("`copilot-review`");
    expect(w.labelsOn(repo, pr.number)).toEqual(["agent-assisted"]);
    const label = w.label(repo, "agent-assisted");
    expect(label?.color).toMatch(/^[0-9a-f]{6}$/);
    expect(label?.color).not.toBe("ededed");
    expect(label?.description).toContain("agent-gate");
  });

  test("agents.assisted: gate → the same commit needs approval; ignore → nothing shown", async () => {
    const gated = newRepo("version: 1\nagents:\n  assisted: gate\n");
    const g = await openHumanPull(gated, { message: applied });
    expect(g.run.conclusion).toBe("action_required");
    expect(g.run.output.summary).toContain("gating: `agents.assisted: gate`");
    const ignored = newRepo("version: 1\nagents:\n  assisted: ignore\n");
    const i = await openHumanPull(ignored, { message: applied });
    expect(i.run.conclusion).toBe("success");
    expect(i.run.output.summary).not.toContain("AI-assisted");
  });

  test("a commit authored by the reviewer bot itself is authorship, not assistance", async () => {
    const repo = newRepo();
    const coderabbit = { name: "coderabbitai[bot]", email: "136622811+coderabbitai[bot]@users.noreply.github.com" };
    const { pr, run } = await openHumanPull(repo, { message: "Fix UTG issues (iteration 1)", author: coderabbit });
    expect(run.conclusion).toBe("action_required");
    expect(w.labelsOn(repo, pr.number)).toContain("agent:coderabbit");
  });
});

describe("agents added to the catalogue this release, through the app", () => {
  test.each([
    ["lovable", { message: "Fixed footer inset loop\n\nX-Lovable-Edit-ID: edt-4c8a1a46-785e-4aa6-9e8c-3ffffac6e701", author: { name: "gpt-engineer-app[bot]", email: "159125892+gpt-engineer-app[bot]@users.noreply.github.com" } }],
    ["crush", { message: "feat(hooks): pass text\n\n💘 Generated with Crush\n\nAssisted-by: Crush:qwen3.7-max" }],
    ["roo-code", { message: "fix: remove logo", author: { name: "roomote[bot]", email: "219738659+roomote[bot]@users.noreply.github.com" } }],
    ["ai-attribution", { message: "drm: fix a leak\n\nAssisted-by: SomeAgent:some-model-1" }],
  ] as const)("%s", async (agent, commit) => {
    const repo = newRepo();
    const { pr, run } = await openHumanPull(repo, commit);
    expect(run.conclusion).toBe("action_required");
    expect(w.labelsOn(repo, pr.number)).toContain(`agent:${agent}`);
  });
});

describe("causes of the held-out misses (issue 9 recall), through the app", () => {
  test("a message written through an indented here-document: its indented Co-Authored-By still gates, the evidence says so", async () => {
    // V-git modelcontextprotocol/typescript-sdk@5d43a6e29bd8: every line indented by two spaces.
    const repo = newRepo();
    const message = "feat: version routing\n\n  Body line.\n\n  Co-Authored-By: Claude Opus 4.6 (1M context) <noreply@anthropic.com>\n  EOF\n  )";
    const { pr, run } = await openHumanPull(repo, { message });
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain("indented, outside git");
    expect(w.labelsOn(repo, pr.number)).toContain("agent:claude-code");
  });

  test("an indented catch-all key in a code sample is no signal", async () => {
    const repo = newRepo();
    const { run } = await openHumanPull(repo, { message: "chore: regenerate\n\nThe header now reads:\n\n    Generated-by: protoc-gen-go v1.36" });
    expect(run.conclusion).toBe("success");
  });

  test("a co-author named by its model, without the agent's address, gates; a person called Claude Opus does not", async () => {
    // V-git getsentry/sentry-mcp@0c9a035b3339.
    const repo = newRepo();
    const { pr, run } = await openHumanPull(repo, { message: "fix: pass the flag as a string\n\nCo-Authored-By: Claude (claude-opus-4-6)" });
    expect(run.conclusion).toBe("action_required");
    expect(w.labelsOn(repo, pr.number)).toContain("agent:claude-code");
    const person = newRepo();
    const human = await openHumanPull(person, { message: "fix: pair work\n\nCo-authored-by: Claude Opus <claude.opus@example.com>\nCo-authored-by: Claude <claude@example.com>" });
    expect(human.run.conclusion).toBe("success");
  });

  test("a human's \"Sweep: …\" subject is no longer taken for Sweep", async () => {
    // V-git modelcontextprotocol/python-sdk@dcbe6e8fb6d4 (a false alarm on the held-out sample).
    const repo = newRepo();
    const { run } = await openHumanPull(repo, { message: "Sweep: route report_progress through DispatchContext.progress" });
    expect(run.conclusion).toBe("success");
  });

  test.each([
    ["sentry-junior", { message: "fix(cloudflare): keep local server on Wrangler 4.80", author: { name: "sentry-junior[bot]", email: "264270552+sentry-junior[bot]@users.noreply.github.com" } }],
    ["sentry-junior", { message: "Fix scope check", author: { name: "Junior", email: "junior@sentry.io" } }],
    ["posthog-code", { message: "fix(mcp): avoid conversation ID prompt injection\n\nGenerated-By: PostHog Code\nTask-Id: e32f51d8-7576-4b84-b3ac-4e22bb4e9108" }],
    ["mistral-vibe", { message: "docs: fix link\n\nGenerated by Mistral Vibe.\nCo-Authored-By: Mistral Vibe <vibe@mistral.ai>" }],
    ["craft-agents", { message: "feat: pace\n\nCo-Authored-By: Craft Agent <agents-noreply@craft.do>" }],
    ["cursor", { message: "fix: lint\n\nCo-authored-by: Composer <noreply@cursor.com>" }],
  ] as const)("%s, found in the held-out sample", async (agent, commit) => {
    const repo = newRepo();
    const { pr, run } = await openHumanPull(repo, commit);
    expect(run.conclusion).toBe("action_required");
    expect(w.labelsOn(repo, pr.number)).toContain(`agent:${agent}`);
  });

  test("trusted automation found on the sample commits without gating", async () => {
    const repo = newRepo();
    const cf = { name: "cloudflare-workers-and-pages[bot]", email: "73139402+cloudflare-workers-and-pages[bot]@users.noreply.github.com" };
    expect((await openHumanPull(repo, { message: "Update wrangler config name to purple-forest-692f", author: cf })).run.conclusion).toBe("success");
  });
});
