import { describe, expect, it } from "vitest";
import { BUILTIN_AGENTS, CATALOGUE, NOT_CODING_AGENTS } from "../src/engine/catalogue.js";
import { detectAgents, detectionConfigFromPolicy, identifyAgentAccount } from "../src/engine/detect.js";
import type { CommitFacts, DetectionConfig, Policy, PullFacts, SignalKind } from "../src/engine/types.js";
import { SIGNAL_KINDS } from "../src/engine/types.js";
import { ACCOUNTS, BRANCHES, COMMIT_IDENTITIES, PR_BODIES, TRAILER_MESSAGES } from "./fixtures/detection/signatures.js";

const HUMAN = { name: "Jane Doe", email: "jane@example.com" };
const WEB_FLOW = { name: "GitHub", email: "noreply@github.com" };

function config(overrides: Partial<DetectionConfig> = {}): DetectionConfig {
  return { builtin: true, signals: [...SIGNAL_KINDS], define: [], ignore: [], manualLabel: "agent-authored", ...overrides };
}

let shaCounter = 0;
function commit(overrides: Partial<CommitFacts> = {}): CommitFacts {
  shaCounter++;
  return {
    sha: shaCounter.toString(16).padStart(7, "0").padEnd(40, "c"),
    author: HUMAN,
    committer: HUMAN,
    message: "Fix the thing",
    ...overrides,
  };
}

function pull(overrides: Partial<PullFacts> = {}): PullFacts {
  return {
    repository: "acme/api",
    number: 7,
    title: "Fix the thing",
    body: "",
    author: { login: "jane", id: 1001, type: "User" },
    headRef: "fix-the-thing",
    headSha: "a".repeat(40),
    baseRef: "main",
    labels: [],
    commits: [commit()],
    files: [],
    unverified: [],
    ...overrides,
  };
}

const DEFAULT = config();
const ids = (agents: { id: string }[]): string[] => agents.map((a) => a.id);

describe("identity: git author/committer identities (no GitHub login, as in the CLI)", () => {
  it.each(COMMIT_IDENTITIES)("author $name <$email> → $agent ($source)", ({ name, email, agent }) => {
    const c = commit({ author: { name, email }, committer: WEB_FLOW });
    const d = detectAgents(pull({ commits: [c] }), DEFAULT);
    expect(ids(d.agents)).toEqual(agent === null ? [] : [agent]);
    expect(d.agentAuthored).toBe(agent !== null);
    if (agent !== null) {
      expect(d.evidence).toContainEqual(expect.objectContaining({ agent, signal: "identity", where: `commit ${c.sha.slice(0, 7)} author` }));
      expect(d.commits[0]?.agents.map((a) => a.id)).toEqual([agent]);
    }
  });

  it.each(COMMIT_IDENTITIES.filter((c) => c.agent !== null))("committer $name <$email> → $agent", ({ name, email, agent }) => {
    const c = commit({ author: HUMAN, committer: { name, email } });
    const d = detectAgents(pull({ commits: [c] }), DEFAULT);
    expect(ids(d.agents)).toEqual([agent]);
    expect(d.evidence).toContainEqual(expect.objectContaining({ signal: "identity", where: `commit ${c.sha.slice(0, 7)} committer` }));
  });

  it("aider: author and committer suffix are both evidence; committer-only says it is weak", () => {
    const aider = { name: "Paul Gauthier (aider)", email: "aider@paulg.org" };
    const both = detectAgents(pull({ commits: [commit({ author: aider, committer: aider })] }), DEFAULT);
    expect(both.evidence.map((e) => e.where.split(" ").pop())).toEqual(["author", "committer"]);
    expect(both.evidence.every((e) => !e.value.includes("low confidence"))).toBe(true);

    const committerOnly = detectAgents(pull({ commits: [commit({ author: { name: "Paul Gauthier", email: "aider@paulg.org" }, committer: aider })] }), DEFAULT);
    expect(ids(committerOnly.agents)).toEqual(["aider"]);
    expect(committerOnly.evidence).toHaveLength(1);
    expect(committerOnly.evidence[0]?.value).toMatch(/committer only.*low confidence/);
  });

  it("GitHub-resolved logins: the email decides the 41898282 collision", () => {
    // claude-code-action commits as claude[bot] with github-actions[bot]'s id; GitHub resolves the id to github-actions[bot].
    const actionCommit = commit({
      author: { name: "claude[bot]", email: "41898282+claude[bot]@users.noreply.github.com", login: "github-actions[bot]", id: 41898282 },
      committer: { name: "claude[bot]", email: "41898282+claude[bot]@users.noreply.github.com", login: "github-actions[bot]", id: 41898282 },
    });
    expect(ids(detectAgents(pull({ commits: [actionCommit] }), DEFAULT).agents)).toEqual(["claude-code"]);

    const actionsBot = commit({
      author: { name: "github-actions[bot]", email: "41898282+github-actions[bot]@users.noreply.github.com", login: "github-actions[bot]", id: 41898282 },
    });
    expect(detectAgents(pull({ commits: [actionsBot] }), DEFAULT).agentAuthored).toBe(false);
  });

  it("a commit login with a pinned id is matched by id, not by the login text", () => {
    // `Copilot` 175728472 is the code-review account: as a commit's author that is copilot-review's authorship, not the coding agent's.
    const review = commit({ author: { name: "Copilot", email: "175728472+Copilot@users.noreply.github.com", login: "Copilot", id: 175728472 } });
    expect(ids(detectAgents(pull({ commits: [review] }), DEFAULT).agents)).toEqual(["copilot-review"]);
    const agent = commit({ author: { name: "Copilot", email: "198982749+Copilot@users.noreply.github.com", login: "Copilot", id: 198982749 } });
    const d = detectAgents(pull({ commits: [agent] }), DEFAULT);
    // The resolved account and its address agree: one evidence line for the role, the id-verified one.
    expect(d.evidence.map((e) => e.value)).toEqual(["Copilot (user id 198982749)"]);
  });
});

describe("identity: PR author accounts", () => {
  it.each(ACCOUNTS)("$login ($id, $type) → $agent", ({ login, id, type, agent }) => {
    const d = detectAgents(pull({ author: { login, id, type } }), DEFAULT);
    expect(ids(d.agents)).toEqual(agent === null ? [] : [agent]);
    if (agent !== null) expect(d.evidence[0]).toMatchObject({ agent, signal: "identity", where: "pr author" });
  });

  it.each(ACCOUNTS)("identifyAgentAccount($login, $id) → $agent", ({ login, id, type, agent }) => {
    expect(identifyAgentAccount({ login, id, type }, DEFAULT)?.id ?? null).toBe(agent);
  });

  it("identifyAgentAccount ignores the signal switches but honours ignore and builtin", () => {
    const copilot = { login: "Copilot", id: 198982749, type: "Bot" };
    expect(identifyAgentAccount(copilot, config({ signals: [] }))?.id).toBe("copilot");
    expect(identifyAgentAccount(copilot, config({ ignore: ["copilot"] }))).toBeNull();
    expect(identifyAgentAccount(copilot, config({ builtin: false }))).toBeNull();
    expect(identifyAgentAccount({ login: "acme-agent[bot]" }, config({ builtin: false, define: [{ id: "acme", name: "ACME", logins: ["acme-agent[bot]"] }] }))).toEqual({
      id: "acme",
      name: "ACME",
    });
  });
});

describe("trailer", () => {
  it.each(TRAILER_MESSAGES)("$message → $agent ($source)", ({ message, agent }) => {
    const c = commit({ message });
    const d = detectAgents(pull({ commits: [c] }), DEFAULT);
    expect(ids(d.agents)).toEqual(agent === null ? [] : [agent]);
    if (agent !== null) {
      // Inside git's trailer block, or (issue 9 §4) elsewhere, saying which paragraph.
      const where = d.evidence.find((e) => e.agent === agent && e.signal === "trailer")?.where ?? "";
      expect(where === `commit ${c.sha.slice(0, 7)} trailer` || where.startsWith(`commit ${c.sha.slice(0, 7)} trailer (paragraph `)).toBe(true);
    }
  });

  it("a trailer line outside git's block says which paragraph it stands in", () => {
    // Copilot CLI: `Co-authored-by` in its own paragraph before `Copilot-Session:` (V-git github/github-mcp-server@51ff1a967ebd).
    const c = commit({
      message:
        "Harden atomic issue creation\n\nCo-authored-by: Copilot App <223556219+Copilot@users.noreply.github.com>\n\nCopilot-Session: f71d9868-eef8-4fb0-84c6-df7c9a6a0ade",
    });
    const d = detectAgents(pull({ commits: [c] }), DEFAULT);
    expect(d.evidence).toEqual([
      {
        agent: "copilot",
        signal: "trailer",
        where: `commit ${c.sha.slice(0, 7)} trailer`,
        value: "Copilot-Session: f71d9868-eef8-4fb0-84c6-df7c9a6a0ade",
      },
      {
        agent: "copilot",
        signal: "trailer",
        where: `commit ${c.sha.slice(0, 7)} trailer (paragraph 2 of 3, outside git's trailer block)`,
        value: "Co-authored-by: Copilot App <223556219+Copilot@users.noreply.github.com>",
      },
    ]);
  });

  it("outside git's block only agent identities count: other trailers keep git's rules", () => {
    const c = commit({ message: "Fix\n\nCo-authored-by: Bob <bob@example.com>\n\nThanks to the team." });
    const d = detectAgents(pull({ commits: [c] }), DEFAULT);
    expect(d.agentAuthored).toBe(false);
  });

  it("quotes the trailer line as written, once, when both the address and the model name match", () => {
    const d = detectAgents(pull({ commits: [commit({ message: "Fix\n\nCo-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>" })] }), DEFAULT);
    expect(d.evidence).toEqual([
      { agent: "claude-code", signal: "trailer", where: expect.stringMatching(/ trailer$/), value: "Co-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>" },
    ]);
  });

  it("a versioned model name as co-author counts with any address; a person called Claude does not", () => {
    // V-git modelcontextprotocol/typescript-sdk@2a6dc38cb611: the model's name with a person's address.
    const named = detectAgents(pull({ commits: [commit({ message: "Fix\n\nCo-Authored-By: Claude Opus 4.5 <claude@example.com>" })] }), DEFAULT);
    expect(named.evidence).toEqual([expect.objectContaining({ agent: "claude-code", signal: "trailer", value: "Co-Authored-By: Claude Opus 4.5 <claude@example.com>" })]);
    for (const person of ["Claude <claude@example.com>", "Claude Opus <claude.opus@example.com>", "Claude Sonnett-Marie <csm@example.com>", "Claude (intern)"]) {
      expect(detectAgents(pull({ commits: [commit({ message: `Fix\n\nCo-Authored-By: ${person}` })] }), DEFAULT).agentAuthored, person).toBe(false);
    }
    // A commit *author* named like a model is not a signal: only co-author lines carry model names.
    const author = { name: "Claude Opus 4.5", email: "someone@example.com" };
    expect(detectAgents(pull({ commits: [commit({ author, committer: author, message: "Fix" })] }), DEFAULT).agentAuthored).toBe(false);
  });

  it("an indented agent trailer line counts (here-document messages), an indented catch-all key does not", () => {
    const message = "feat: routing\n\n  Body line.\n\n  Co-Authored-By: Claude Opus 4.6 (1M context) <noreply@anthropic.com>\n  Claude-Session: https://claude.ai/code/session_016f6h88mdVxLUdx1cNT96pW\n  EOF";
    const d = detectAgents(pull({ commits: [commit({ message })] }), DEFAULT);
    expect(ids(d.agents)).toEqual(["claude-code"]);
    expect(d.evidence.filter((e) => e.signal === "trailer").map((e) => e.where)).toEqual([expect.stringContaining("indented, outside git's trailer block"), expect.stringContaining("indented, outside git's trailer block")]);
    const sample = "chore: regenerate\n\nThe header now reads:\n\n    Generated-by: protoc-gen-go v1.36\n\tAssisted-by: nobody";
    expect(detectAgents(pull({ commits: [commit({ message: sample })] }), DEFAULT).agentAuthored).toBe(false);
    // A key only one agent writes is that agent's, indented or not (Copilot CLI's session id).
    const copilot = "Refactor\n\n  Body.\n\n  Copilot-Session: 36dbeb09-12b0-4c19-af36-2573772a7dbd";
    expect(ids(detectAgents(pull({ commits: [commit({ message: copilot })] }), DEFAULT).agents)).toEqual(["copilot"]);
  });

  it("GitHub-resolved co-authors count as trailer, without repeating a parsed trailer", () => {
    const cli = { name: "Copilot", email: "223556219+Copilot@users.noreply.github.com", login: "Copilot", id: 223556219 };
    const onlyResolved = detectAgents(pull({ commits: [commit({ message: "Refactor", coAuthors: [cli] })] }), DEFAULT);
    expect(onlyResolved.evidence).toEqual([expect.objectContaining({ agent: "copilot", signal: "trailer", where: expect.stringMatching(/ co-author$/) })]);

    const both = detectAgents(
      pull({ commits: [commit({ message: "Refactor\n\nCo-authored-by: Copilot <223556219+Copilot@users.noreply.github.com>", coAuthors: [cli] })] }),
      DEFAULT,
    );
    expect(both.evidence).toHaveLength(1);
    expect(both.evidence[0]?.where).toMatch(/ trailer$/);

    const dependabot = { name: "dependabot[bot]", email: "49699333+dependabot[bot]@users.noreply.github.com", login: "dependabot[bot]", id: 49699333 };
    expect(detectAgents(pull({ commits: [commit({ coAuthors: [dependabot] })] }), DEFAULT).agentAuthored).toBe(false);
  });

  it("identical trailers in one commit are one piece of evidence", () => {
    const message = "Fix\n\nCo-Authored-By: Claude <noreply@anthropic.com>\nCo-Authored-By: Claude <noreply@anthropic.com>";
    expect(detectAgents(pull({ commits: [commit({ message })] }), DEFAULT).evidence).toHaveLength(1);
  });
});

describe("branch", () => {
  it.each(BRANCHES)("$branch → $agent ($source)", ({ branch, agent }) => {
    const d = detectAgents(pull({ headRef: branch }), DEFAULT);
    expect(ids(d.agents)).toEqual(agent === null ? [] : [agent]);
    if (agent !== null) expect(d.evidence).toEqual([{ agent, signal: "branch", where: "head branch", value: branch.replace(/^refs\/heads\//, "") }]);
  });
});

describe("marker", () => {
  it.each(PR_BODIES)("PR body → $agent ($source)", ({ body, agent }) => {
    const d = detectAgents(pull({ body }), DEFAULT);
    expect(ids(d.agents)).toEqual(agent === null ? [] : [agent]);
    if (agent !== null) expect(d.evidence).toEqual([expect.objectContaining({ agent, signal: "marker", where: "pr body" })]);
  });

  it("quotes the line holding the marker", () => {
    const d = detectAgents(pull({ body: PR_BODIES[2]?.body ?? "" }), DEFAULT);
    expect(d.evidence[0]?.value).toBe("https://chatgpt.com/codex/tasks/task_e_6842c0ffee1234567890abcdef");
  });

  it.each([
    ["aider: Added a test for the new --attribute-co-authored-by flag", "aider"],
    ["aider: Refactor repo.py\n\n# Context:\nUSER: refactor repo.py\nASSISTANT: Here are the changes", "aider"],
    ["Jules made progress\n\nJules was unable to complete the task in time. Please review the work done so far and provide feedback for Jules to continue.", "jules"],
    ["Squash (#9)\n\n## Testing\n- `pytest`\n\n------\nhttps://chatgpt.com/codex/tasks/task_i_68a0f00d", "codex"],
    ["Fix aider: integration docs", null],
    ["docs: mention aider: and Jules in the README", null],
    ["Aider: capitalised", null],
  ])("commit message %j → %s", (message, agent) => {
    const d = detectAgents(pull({ commits: [commit({ message })] }), DEFAULT);
    expect(ids(d.agents)).toEqual(agent === null ? [] : [agent]);
    if (agent !== null) expect(d.evidence.every((e) => e.signal === "marker")).toBe(true);
  });

  it("a \"Sweep: \" subject or title is a human's word, not Sweep (held-out false alarm)", () => {
    // V-git modelcontextprotocol/python-sdk@dcbe6e8fb6d4; Sweep itself is still found by its accounts and sweep/ branches.
    expect(detectAgents(pull({ title: "Sweep: Add a README" }), DEFAULT).agentAuthored).toBe(false);
    const sweep = commit({ message: "Sweep: route report_progress through DispatchContext.progress" });
    expect(detectAgents(pull({ commits: [sweep] }), DEFAULT).agentAuthored).toBe(false);
    expect(ids(detectAgents(pull({ headRef: "sweep/add-readme" }), DEFAULT).agents)).toEqual(["sweep"]);
  });

  it("agent footers inside a Dependabot/Renovate PR body are upstream release notes, not this PR's author", () => {
    const body = "Bumps foo from 1.0 to 1.1.\n<details><summary>Commits</summary>\n- Add retry\n  🤖 Generated with [Claude Code](https://claude.com/claude-code)\n</details>";
    for (const author of [
      { login: "dependabot[bot]", id: 49699333, type: "Bot" },
      { login: "renovate[bot]", id: 29139614, type: "Bot" },
      { login: "renovate", id: 29139614, type: "Bot" },
    ]) {
      expect(detectAgents(pull({ author, body, headRef: "dependabot/npm_and_yarn/foo-1.1" }), DEFAULT).agentAuthored).toBe(false);
    }
    expect(ids(detectAgents(pull({ body }), DEFAULT).agents)).toEqual(["claude-code"]);
    // …and the same holds for an account the org ignores.
    expect(detectAgents(pull({ author: { login: "release-notes[bot]", id: 5, type: "Bot" }, body }), config({ ignore: ["release-notes[bot]"] })).agentAuthored).toBe(false);
  });
});

describe("manual", () => {
  it("the manual label is evidence of agent 'manual', never a detected agent", () => {
    const d = detectAgents(pull({ labels: ["bug", "Agent-Authored"] }), DEFAULT);
    expect(d.agentAuthored).toBe(true);
    expect(d.agents).toEqual([]);
    expect(d.evidence).toEqual([{ agent: "manual", signal: "manual", where: "label", value: "Agent-Authored" }]);
  });

  it("follows the configured label, and can be absent", () => {
    expect(detectAgents(pull({ labels: ["ai"] }), config({ manualLabel: "ai" })).agentAuthored).toBe(true);
    expect(detectAgents(pull({ labels: ["agent-authored"] }), config({ manualLabel: "ai" })).agentAuthored).toBe(false);
    expect(detectAgents(pull({ labels: ["agent-authored"] }), config({ manualLabel: false })).agentAuthored).toBe(false);
  });
});

describe("signal switches", () => {
  // One PR that fires every kind, each for a different agent.
  const everything = pull({
    author: { login: "devin-ai-integration[bot]", id: 158243242, type: "Bot" },
    commits: [
      commit({ message: "Fix\n\nCo-Authored-By: Claude <noreply@anthropic.com>" }),
      commit({ author: { name: "acme-helper[bot]", email: "9999+acme-helper[bot]@users.noreply.github.com" }, committer: WEB_FLOW }),
    ],
    headRef: "cursor/fix-flake-e5e9",
    body: "*PR created automatically by Jules for task [1](https://jules.google.com/task/1) started by @jane*",
    labels: ["agent-authored"],
  });
  const agentOf: Record<SignalKind, string> = {
    identity: "devin",
    trailer: "claude-code",
    branch: "cursor",
    marker: "jules",
    manual: "manual",
    "unknown-bot": "unknown-bot",
  };

  it("all on: every kind fires, evidence and agents strongest first", () => {
    const d = detectAgents(everything, DEFAULT);
    expect(d.evidence.map((e) => e.signal)).toEqual(["identity", "trailer", "branch", "marker", "manual", "unknown-bot"]);
    expect(ids(d.agents)).toEqual(["devin", "claude-code", "cursor", "jules", "unknown-bot"]);
  });

  it.each(SIGNAL_KINDS)("%s off", (off) => {
    const d = detectAgents(everything, config({ signals: SIGNAL_KINDS.filter((s) => s !== off) }));
    expect(d.evidence.map((e) => e.signal)).not.toContain(off);
    expect(d.evidence.map((e) => e.agent)).not.toContain(agentOf[off]);
    expect(d.evidence).toHaveLength(5);
  });

  it("all off: nothing fires and nothing is claimed as checked", () => {
    const d = detectAgents(everything, config({ signals: [] }));
    expect(d).toMatchObject({ agentAuthored: false, agents: [], evidence: [], checked: [] });
  });

  it("agents are ordered by their strongest signal, not by discovery", () => {
    const d = detectAgents(
      pull({ body: "🤖 Generated with [Claude Code](https://claude.com/claude-code)", commits: [commit({ author: { name: "Cursor Agent", email: "cursoragent@cursor.com" } })] }),
      DEFAULT,
    );
    expect(ids(d.agents)).toEqual(["cursor", "claude-code"]);
  });
});

describe("ignore", () => {
  it("ignored logins are never agents: account, noreply address, trailer", () => {
    const cfg = config({ ignore: ["devin-ai-integration[bot]"] });
    const d = detectAgents(
      pull({
        author: { login: "devin-ai-integration[bot]", id: 158243242, type: "Bot" },
        commits: [
          commit({ author: { name: "Devin AI", email: "158243242+devin-ai-integration[bot]@users.noreply.github.com", login: "devin-ai-integration[bot]", id: 158243242 } }),
          commit({ message: "Fix\n\nCo-Authored-By: Devin AI <158243242+devin-ai-integration[bot]@users.noreply.github.com>" }),
        ],
        headRef: "devin/1734193391-improve-instructions-ui",
      }),
      cfg,
    );
    // Only the branch convention remains: ignore names accounts, not branches.
    expect(d.evidence).toEqual([{ agent: "devin", signal: "branch", where: "head branch", value: "devin/1734193391-improve-instructions-ui" }]);
  });

  it("ignore matches the GraphQL spelling of a bot login too", () => {
    const d = detectAgents(pull({ author: { login: "google-labs-jules", id: 161369871, type: "Bot" } }), config({ ignore: ["google-labs-jules[bot]"] }));
    expect(d.agentAuthored).toBe(false);
  });
});

describe("custom agents and builtin: false", () => {
  const acme = {
    id: "acme-bot",
    name: "ACME agent",
    logins: ["acme-agent[bot]"],
    userIds: [424242],
    emails: ["agent@acme.example", "*@agents.acme.example", "*+acme-agent[bot]@users.noreply.github.com"],
    branches: ["acme-ai/**"],
    markers: ["Generated by ACME Agent"],
  };
  const cfg = config({ define: [acme] });

  it.each<[string, Partial<PullFacts>, SignalKind]>([
    ["login", { author: { login: "ACME-Agent[bot]", id: 1, type: "Bot" } }, "identity"],
    ["user id", { author: { login: "renamed-agent", id: 424242, type: "Bot" } }, "identity"],
    ["exact email, case-insensitive", { commits: [commit({ author: { name: "A", email: "Agent@ACME.example" } })] }, "identity"],
    ["email glob", { commits: [commit({ committer: { name: "A", email: "build-7@agents.acme.example" } })] }, "identity"],
    ["noreply email glob with a literal [bot]", { commits: [commit({ author: { name: "A", email: "999+acme-agent[bot]@users.noreply.github.com" } })] }, "identity"],
    ["co-author email", { commits: [commit({ message: "Fix\n\nCo-authored-by: ACME <agent@acme.example>" })] }, "trailer"],
    ["branch glob", { headRef: "acme-ai/task-17" }, "branch"],
    ["marker in PR body", { body: "Done.\n\nGenerated by ACME Agent v2" }, "marker"],
    ["marker in a commit message", { commits: [commit({ message: "Fix\n\nGenerated by ACME Agent" })] }, "marker"],
  ])("%s", (_what, facts, signal) => {
    const d = detectAgents(pull(facts), cfg);
    expect(ids(d.agents)).toEqual(["acme-bot"]);
    expect(d.evidence.map((e) => e.signal)).toEqual([signal]);
  });

  it("does not match near misses", () => {
    for (const facts of [
      { author: { login: "acme-agent", id: 1, type: "User" } },
      { commits: [commit({ author: { name: "ACME Agent", email: "agent@acme.example.org" } })] },
      { commits: [commit({ author: { name: "A", email: "x@sub.agents.acme.example.com" } })] },
      { headRef: "feature/acme-ai/x" },
      { body: "generated by acme agent" },
    ] satisfies Partial<PullFacts>[]) {
      expect(detectAgents(pull(facts), cfg).agentAuthored).toBe(false);
    }
  });

  it("builtin: false drops the catalogue and keeps the org's agents", () => {
    const both = pull({ author: { login: "Copilot", id: 198982749, type: "Bot" }, headRef: "acme-ai/x" });
    expect(ids(detectAgents(both, config({ define: [acme] })).agents)).toEqual(["copilot", "acme-bot"]);
    // Without the catalogue the Copilot bot is a bot nobody listed: an unknown bot, unless the policy says otherwise.
    expect(ids(detectAgents(both, config({ define: [acme], builtin: false })).agents)).toEqual(["acme-bot", "unknown-bot"]);
    expect(ids(detectAgents(both, config({ define: [acme], builtin: false, unknownBots: "ignore" })).agents)).toEqual(["acme-bot"]);
  });

  it("an org's explicit definition wins over the not-a-coding-agent list", () => {
    const actions = { login: "github-actions[bot]", id: 41898282, type: "Bot" };
    expect(detectAgents(pull({ author: actions }), DEFAULT).agentAuthored).toBe(false);
    const cfgActions = config({ define: [{ id: "ci-agent", name: "CI agent", logins: ["github-actions[bot]"] }] });
    expect(ids(detectAgents(pull({ author: actions }), cfgActions).agents)).toEqual(["ci-agent"]);
  });

  it("an org agent with a built-in id shows the org's name", () => {
    const d = detectAgents(pull({ headRef: "copilot/x" }), config({ define: [{ id: "copilot", name: "Our Copilot", branches: ["never/**"] }] }));
    expect(d.agents).toEqual([{ id: "copilot", name: "Our Copilot" }]);
  });
});

describe("commits, synthetic merges and what was checked", () => {
  it("reports each commit's own detection", () => {
    const devin = commit({ author: { name: "Devin AI", email: "158243242+devin-ai-integration[bot]@users.noreply.github.com" } });
    const human = commit();
    const claude = commit({ message: "Fix\n\nCo-Authored-By: Claude <noreply@anthropic.com>" });
    const d = detectAgents(pull({ commits: [devin, human, claude] }), DEFAULT);
    expect(d.commits.map((c) => [c.sha, ids(c.agents), c.evidence.length])).toEqual([
      [devin.sha, ["devin"], 1],
      [human.sha, [], 0],
      [claude.sha, ["claude-code"], 1],
    ]);
    expect(ids(d.agents)).toEqual(["devin", "claude-code"]);
  });

  it("no commit is skipped for its subject: a `Merge <sha> into <sha>` commit is judged like any other (issue 8 point 4)", () => {
    const merge = commit({
      author: { name: "sweep-ai[bot]", email: "128439645+sweep-ai[bot]@users.noreply.github.com", login: "sweep-ai[bot]", id: 128439645 },
      committer: WEB_FLOW,
      message: "Merge 3f1c2a9b8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b into 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b",
    });
    const d = detectAgents(pull({ commits: [merge] }), DEFAULT);
    expect(ids(d.agents)).toEqual(["sweep"]);
    expect(d.checked).toContain("1 commit (authors, committers, trailers, messages, bot accounts)");
    const claude = commit({
      author: { name: "claude[bot]", email: "209825114+claude[bot]@users.noreply.github.com" },
      committer: WEB_FLOW,
      message: "Merge 3f1c2a9 into 9a8b7c6\n\nCo-Authored-By: Claude <noreply@anthropic.com>",
    });
    const c = detectAgents(pull({ commits: [claude] }), DEFAULT);
    expect(c.evidence.map((e) => [e.agent, e.signal])).toEqual([
      ["claude-code", "identity"],
      ["claude-code", "trailer"],
    ]);
  });

  it("says what it looked at", () => {
    const d = detectAgents(pull({ commits: [commit(), commit(), commit()], headRef: "fix-1" }), DEFAULT);
    expect(d.agentAuthored).toBe(false);
    expect(d.checked).toEqual([
      "PR author (jane)",
      "3 commits (authors, committers, trailers, messages, bot accounts)",
      "head branch (fix-1)",
      "PR title and body",
      "labels (agent-authored)",
    ]);
    const trailersOnly = detectAgents(pull({ author: null, commits: [commit()] }), config({ signals: ["trailer"] }));
    expect(trailersOnly.checked).toEqual(["1 commit (trailers)"]);
  });

  it("handles GitHub's 250-commit listing quickly, compiling matchers once per config", () => {
    const commits = Array.from({ length: 250 }, (_, i) =>
      commit({
        author: i % 50 === 0 ? { name: "Cursor Agent", email: "cursoragent@cursor.com" } : HUMAN,
        message: `Change ${i}\n\nSome body text describing change ${i}.\n\nSigned-off-by: Jane Doe <jane@example.com>`,
      }),
    );
    const facts = pull({ commits });
    const cfg = config({ define: [{ id: "acme", name: "ACME", emails: ["*@agents.acme.example"], branches: ["acme/**"] }] });
    detectAgents(facts, cfg);
    const started = performance.now();
    const d = detectAgents(facts, cfg);
    // A generous sanity bound, not a benchmark (SPEC §8 budgets are measured by the benchmark).
    expect(performance.now() - started).toBeLessThan(250);
    expect(d.commits).toHaveLength(250);
    expect(d.evidence).toHaveLength(5);
  });
});

describe("detectionConfigFromPolicy", () => {
  const policy = (agentLabel: string | false): Policy => ({
    version: 1,
    enabled: true,
    agents: {
      builtin: false,
      signals: ["identity", "branch"],
      define: [{ id: "x", name: "X" }],
      ignore: ["h[bot]"],
      trusted: ["acme-release[bot]", 42],
      unknown_bots: "report",
      assisted: "gate",
    },
    labels: { agent: agentLabel, per_agent: true },
    approval: { count: 1, min_permission: "write", teams: [], users: [], exclude_contributors: true, dismiss_on_push: true },
    paths: [],
    default: "approve",
  });

  it("maps the agents section and the manual label", () => {
    expect(detectionConfigFromPolicy(policy("ai-made"))).toEqual({
      builtin: false,
      signals: ["identity", "branch"],
      define: [{ id: "x", name: "X" }],
      ignore: ["h[bot]"],
      manualLabel: "ai-made",
      trusted: ["acme-release[bot]", 42],
      unknownBots: "report",
      assisted: "gate",
    });
    expect(detectionConfigFromPolicy(policy(false)).manualLabel).toBe("agent-authored");
  });

  it("returns the same config for the same policy object (so compiled matchers are reused)", () => {
    const p = policy("agent-authored");
    expect(detectionConfigFromPolicy(p)).toBe(detectionConfigFromPolicy(p));
  });
});

describe("the catalogue", () => {
  it("covers the agents SPEC §2 requires", () => {
    const required = ["copilot", "codex", "claude-code", "devin", "cursor", "jules", "amazon-q", "aider", "openhands", "sweep", "gemini"];
    expect(BUILTIN_AGENTS.map((a) => a.id)).toEqual(expect.arrayContaining(required));
  });

  it("has unique, label-safe ids and a source on every signature", () => {
    const agentIds = CATALOGUE.map((a) => a.id);
    expect(new Set(agentIds).size).toBe(agentIds.length);
    for (const entry of CATALOGUE) {
      expect(entry.id).toMatch(/^[a-z0-9][a-z0-9-]*$/);
      const signatures = [
        ...(entry.accounts ?? []),
        ...(entry.userIds ?? []),
        ...(entry.emails ?? []),
        ...(entry.nameSuffixes ?? []),
        ...(entry.trailers ?? []),
        ...(entry.branches ?? []),
        ...(entry.markers ?? []),
        ...(entry.subjectPrefixes ?? []),
      ];
      expect(signatures.length).toBeGreaterThan(0);
      for (const s of signatures) expect(s.source).toMatch(/^(V-src|V-git|V-iss|3P)\b/);
    }
    for (const agent of BUILTIN_AGENTS) expect(agent.sources.length).toBeGreaterThan(0);
  });

  it("never flags the automation that is not a coding agent", () => {
    for (const bot of NOT_CODING_AGENTS) {
      expect(identifyAgentAccount({ login: bot.login, id: bot.id, type: "Bot" }, DEFAULT)).toBeNull();
      const emails = [...bot.emails, `${bot.id === null ? "" : `${bot.id}+`}${bot.login}@users.noreply.github.com`];
      for (const email of emails) {
        const d = detectAgents(pull({ author: { login: bot.login, id: bot.id, type: "Bot" }, commits: [commit({ author: { name: bot.login, email }, committer: { name: bot.login, email } })] }), DEFAULT);
        expect(d.agentAuthored, `${bot.login} <${email}>`).toBe(false);
      }
    }
  });
});

describe("untrusted text is scanned in linear time (issue 8 point 1, for the detection parsers)", () => {
  // No timing assertion: a backtracking scan of these inputs would not finish within the test timeout.
  const MB = 1 << 20;
  const cases: [string, string][] = [
    ["spaces after a co-author key", `Fix\n\nCo-authored-by:${" ".repeat(MB)}z`],
    ["tabs and colons", `Fix\n\n${"\t:".repeat(MB / 2)}`],
    ["angle brackets", `Fix\n\nCo-authored-by: x ${"<".repeat(MB)}`],
    ["repeated trailer keys", `Fix\n\n${"Assisted-by: a\n".repeat(MB / 15)}`],
    ["a key without a separator", `Fix\n\n${"a".repeat(MB)}`],
    ["one huge paragraph of trailer-like lines", `Fix\n\n${"Co-authored-by: Bob <bob@example.com> and more text\n".repeat(MB / 50)}`],
    ["an unterminated marker", `Fix\n\n🤖 Generated with [Claude Code](${"(".repeat(MB)}`],
  ];
  it.each(cases)("%s (1 MB)", (_name, message) => {
    const d = detectAgents(pull({ commits: [commit({ message })], body: message, title: message.slice(0, 1000) }), DEFAULT);
    expect(d.commits).toHaveLength(1);
  });

  it("a 1 MB message with the agent trailer at its end is still found", () => {
    const c = commit({ message: `Fix\n\n${"x ".repeat(MB / 2)}\n\nCo-Authored-By: Claude <noreply@anthropic.com>` });
    expect(ids(detectAgents(pull({ commits: [c] }), DEFAULT).agents)).toEqual(["claude-code"]);
  });
});

describe("unknown bots (SPEC §2 signal 6)", () => {
  const bot = { name: "acme-helper[bot]", email: "99001+acme-helper[bot]@users.noreply.github.com" };
  const botCommit = (overrides: Partial<CommitFacts> = {}) => commit({ author: bot, committer: WEB_FLOW, ...overrides });

  it("a bot author nobody listed fires unknown-bot, naming the account and how to trust it", () => {
    const d = detectAgents(pull({ commits: [botCommit()] }), DEFAULT);
    expect(ids(d.agents)).toEqual(["unknown-bot"]);
    expect(d.evidence[0]).toMatchObject({ agent: "unknown-bot", signal: "unknown-bot", where: expect.stringMatching(/ author$/) });
    expect(d.evidence[0]!.value).toContain('add "acme-helper[bot]" to agents.trusted');
    expect(d.unknownBots).toEqual([{ login: "acme-helper[bot]", id: 99001, where: d.evidence[0]!.where }]);
  });

  it("as committer, as co-author, and as a Bot PR opener too", () => {
    expect(ids(detectAgents(pull({ commits: [commit({ committer: bot })] }), DEFAULT).agents)).toEqual(["unknown-bot"]);
    const co = commit({ message: `Fix\n\nCo-authored-by: acme-helper[bot] <${bot.email}>` });
    expect(detectAgents(pull({ commits: [co] }), DEFAULT).evidence.map((e) => e.where)).toEqual([`commit ${co.sha.slice(0, 7)} co-author`]);
    const opener = detectAgents(pull({ author: { login: "acme-helper", id: 99001, type: "Bot" } }), DEFAULT);
    expect(opener.evidence).toEqual([expect.objectContaining({ agent: "unknown-bot", where: "pr author" })]);
  });

  it("trusted (built-in or agents.trusted by login or id), ignored, or catalogued: no unknown-bot", () => {
    const dependabot = commit({ author: { name: "dependabot[bot]", email: "49699333+dependabot[bot]@users.noreply.github.com" } });
    expect(detectAgents(pull({ commits: [dependabot] }), DEFAULT).agentAuthored).toBe(false);
    for (const trusted of [["acme-helper[bot]"], ["acme-helper"], [99001], ["99001"]] as (string | number)[][]) {
      expect(detectAgents(pull({ commits: [botCommit()] }), config({ trusted })).agentAuthored, String(trusted)).toBe(false);
    }
    expect(detectAgents(pull({ commits: [botCommit()] }), config({ ignore: ["acme-helper[bot]"] })).agentAuthored).toBe(false);
    const devin = commit({ author: { name: "Devin AI", email: "158243242+devin-ai-integration[bot]@users.noreply.github.com" } });
    expect(ids(detectAgents(pull({ commits: [devin] }), DEFAULT).agents)).toEqual(["devin"]);
  });

  it("a built-in trusted id in an e-mail does not vouch for another login (the login part decides)", () => {
    // claude-code-action borrows github-actions' id 41898282; a copycat tool must not pass as github-actions.
    const copycat = commit({ author: { name: "my-agent[bot]", email: "41898282+my-agent[bot]@users.noreply.github.com" } });
    expect(ids(detectAgents(pull({ commits: [copycat] }), DEFAULT).agents)).toEqual(["unknown-bot"]);
  });

  it("unknown_bots: report puts it under assisted (not gating); ignore drops it; signals without unknown-bot too", () => {
    const report = detectAgents(pull({ commits: [botCommit()] }), config({ unknownBots: "report" }));
    expect(report.agentAuthored).toBe(false);
    expect(ids(report.assisted ?? [])).toEqual(["unknown-bot"]);
    const ignore = detectAgents(pull({ commits: [botCommit()] }), config({ unknownBots: "ignore" }));
    expect([ignore.agentAuthored, ignore.assisted, ignore.unknownBots]).toEqual([false, [], []]);
    const off = detectAgents(pull({ commits: [botCommit()] }), config({ signals: SIGNAL_KINDS.filter((s) => s !== "unknown-bot") }));
    expect(off.agentAuthored).toBe(false);
  });

  it("a human whose login merely ends like a bot's is looked at by e-mail, and a plain user e-mail is never a bot", () => {
    const human = commit({ author: { name: "Bot Fan", email: "1234+botfan@users.noreply.github.com" } });
    expect(detectAgents(pull({ commits: [human] }), DEFAULT).agentAuthored).toBe(false);
  });
});

describe("assisted commits (SPEC §2)", () => {
  const suggestion = "Apply suggestion from @Copilot\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>";

  it("a reviewer co-author or its suggestion subject is assistance, with evidence, and not agent-authored", () => {
    const c = commit({ message: suggestion });
    const d = detectAgents(pull({ commits: [c] }), DEFAULT);
    expect(d.agentAuthored).toBe(false);
    expect(ids(d.assisted ?? [])).toEqual(["copilot-review"]);
    expect((d.assistedEvidence ?? []).map((e) => [e.signal, e.where])).toEqual([
      ["trailer", `commit ${c.sha.slice(0, 7)} trailer`],
      ["marker", `commit ${c.sha.slice(0, 7)} subject`],
    ]);
    expect(d.commits[0]!.assisted?.map((a) => a.id)).toEqual(["copilot-review"]);
  });

  it.each([
    ["Co-authored-by: gemini-code-assist[bot] <176961590+gemini-code-assist[bot]@users.noreply.github.com>", "gemini-code-assist"],
    ["Co-authored-by: coderabbitai[bot] <136622811+coderabbitai[bot]@users.noreply.github.com>", "coderabbit"],
    ["Co-authored-by: greptile-apps[bot] <165735046+greptile-apps[bot]@users.noreply.github.com>", "greptile"],
    ["Co-authored-by: Copilot Autofix powered by AI <62310815+github-advanced-security[bot]@users.noreply.github.com>", "copilot-autofix"],
    ["Co-authored-by: ellipsis-dev[bot] <65095814+ellipsis-dev[bot]@users.noreply.github.com>", "ellipsis"],
    ["Co-authored-by: sourcery-ai[bot] <58596630+sourcery-ai[bot]@users.noreply.github.com>", "sourcery"],
  ])("%s → assisted %s", (trailer, reviewer) => {
    const d = detectAgents(pull({ commits: [commit({ message: `Update src/a.ts\n\n${trailer}` })] }), DEFAULT);
    expect([d.agentAuthored, ids(d.assisted ?? [])]).toEqual([false, [reviewer]]);
  });

  it("Copilot Autofix's subject alone is assistance", () => {
    const d = detectAgents(pull({ commits: [commit({ message: "Potential fix for code scanning alert no. 237: Uncontrolled data" })] }), DEFAULT);
    expect(ids(d.assisted ?? [])).toEqual(["copilot-autofix"]);
  });

  it("a commit authored by the reviewer bot is authorship", () => {
    const author = { name: "github-advanced-security[bot]", email: "62310815+github-advanced-security[bot]@users.noreply.github.com" };
    const d = detectAgents(pull({ commits: [commit({ author, committer: author, message: "Initial plan" })] }), DEFAULT);
    expect(ids(d.agents)).toEqual(["copilot-autofix"]);
    expect(d.evidence[0]).toMatchObject({ signal: "identity" });
  });

  it("assisted: gate makes it gating (both lists); ignore hides it", () => {
    const gate = detectAgents(pull({ commits: [commit({ message: suggestion })] }), config({ assisted: "gate" }));
    expect([gate.agentAuthored, ids(gate.agents), ids(gate.assisted ?? [])]).toEqual([true, ["copilot-review"], ["copilot-review"]]);
    const ignore = detectAgents(pull({ commits: [commit({ message: suggestion })] }), config({ assisted: "ignore" }));
    expect([ignore.agentAuthored, ignore.assisted, ignore.assistedEvidence]).toEqual([false, [], []]);
  });

  it("a human reviewer's applied suggestion is nothing", () => {
    const d = detectAgents(pull({ commits: [commit({ message: "Apply suggestion from @alice\n\nCo-authored-by: Alice <alice@example.com>" })] }), DEFAULT);
    expect([d.agentAuthored, d.assisted]).toEqual([false, []]);
  });
});
