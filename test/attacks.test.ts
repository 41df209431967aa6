/**
 * Attacks by whoever controls the agent, one per SPEC §4 rule, against the pure engine (and the pure
 * parts of the GitHub adapter: button-approval storage, policy assembly, partial GraphQL answers).
 * Each test tries the bypass and asserts the outcome SPEC requires; the end-to-end versions against
 * the fake GitHub are in test/e2e/attacks.test.ts.
 */
import { describe, expect, it } from "vitest";
import { decide } from "../src/engine/decide/decide.js";
import { strictest } from "../src/engine/decide/strictest.js";
import type { DecideInput } from "../src/engine/decide/decide.js";
import { detectAgents } from "../src/engine/detect.js";
import { BUILTIN_DETECTION_CONFIG } from "../src/engine/decide/detection-config.js";
import { compilePolicy, matchFiles } from "../src/engine/decide/match.js";
import { loadPolicy } from "../src/engine/policy/load.js";
import { renderCheck } from "../src/engine/render/check.js";
import type { ApprovalFacts, CommitFacts, Decision, Policy, PolicyState, PullFacts } from "../src/engine/types.js";
import { decodeButtonApprovals, encodeButtonApprovals, withButtonApprovals } from "../src/github/button-approvals.js";
import { readPolicy } from "../src/github/read-policy.js";
import { PolicyCache } from "../src/github/policy-cache.js";
import { defaultBranchPolicyExpression, readPull } from "../src/github/read-pull.js";
import { partialData } from "../src/github/read-repo-policy.js";
import type { GitHub } from "../src/github/client.js";
import { HEAD, OLD, agentPull, approval, commit, human, humanPull, ok } from "./helpers/decision-fixtures.js";

const POLICY = ".github/agent-policy.yml";

function load(yaml: string): Policy {
  const r = loadPolicy(yaml, POLICY);
  if (!r.ok) throw new Error(`test policy invalid: ${JSON.stringify(r.errors)}`);
  return r.policy;
}

function run(facts: PullFacts, p: Policy | PolicyState, approvals: ApprovalFacts[] = [], extra: Partial<DecideInput> = {}): Decision {
  return decide({ facts, policy: "status" in p ? p : ok(p), approvals, ...extra });
}

const CI_BLOCK = load(`version: 1
paths:
  - match: [".github/workflows/**", ".github/actions/**"]
    action: block
    reason: Agents may not change CI.
  - match: ["docs/**", "**/*.md"]
    action: allow
default: approve
`);

/** A PR opened by a human, with one commit by `dave` (so opener ≠ commit author). */
function humanOpened(files: string[], commits: CommitFacts[], extra: Partial<PullFacts> = {}): PullFacts {
  return humanPull(files, { author: human("erin"), commits, ...extra });
}

// ───────────────────────────── policy source and policy rules ─────────────────────────────

describe("policy: the rules that judge a PR are never the PR's own", () => {
  it("a policy saying allow for ** still needs approval for the policy file itself (SPEC §3)", () => {
    const permissive = load(`version: 1\npaths:\n  - match: ["**"]\n    action: allow\ndefault: allow\n`);
    const d = run(agentPull([POLICY, "src/a.ts"]), permissive);
    expect(d.conclusion).toBe("action_required");
    expect(d.files.find((f) => f.path === POLICY)).toMatchObject({ action: "approve", rule: "policy-file" });
    expect(d.files.find((f) => f.path === "src/a.ts")).toMatchObject({ action: "allow" });
  });

  it("a `!` exclusion of the policy file in an allow rule does not make it allow", () => {
    const p = load(`version: 1\npaths:\n  - match: ["**", "!.github/agent-policy.yml"]\n    action: allow\ndefault: allow\n`);
    expect(run(agentPull([POLICY]), p).conclusion).toBe("action_required");
  });

  it("a `!` exclusion carves files out of a block rule, and only those", () => {
    const p = load(`version: 1\npaths:\n  - match: [".github/**", "!.github/ISSUE_TEMPLATE/**"]\n    action: block\ndefault: approve\n`);
    const d = run(agentPull([".github/ISSUE_TEMPLATE/bug.md", ".github/workflows/ci.yml", ".github/CODEOWNERS"]), p);
    expect(d.conclusion).toBe("failure");
    expect(d.blocked.map((f) => f.path).sort()).toEqual([".github/CODEOWNERS", ".github/workflows/ci.yml"]);
  });

  it("renaming the policy file away is judged on its old name (built-in default blocks it)", () => {
    const d = run(agentPull([{ path: "docs/old-policy.yml", previousPath: POLICY }]), ok(loadBuiltin()));
    expect(d.conclusion).toBe("failure");
    expect(d.blocked[0]).toMatchObject({ path: "docs/old-policy.yml", previousPath: POLICY });
  });

  it("a head copy that is invalid cannot pass, even with qualifying approvals", () => {
    const d = run(agentPull([POLICY]), load("version: 1\ndefault: allow\n"), [approval("alice")], {
      headPolicy: { status: "invalid", errors: [{ file: POLICY, line: 2, column: 10, message: "expected approve, allow or block" }] },
    });
    expect(d.conclusion).toBe("failure");
  });

  it("`targets` follow the PR's current base: a retarget from main to release/x turns the block on, and back off", () => {
    const p = load(`version: 1\npaths:\n  - match: ["**"]\n    targets: ["release/**"]\n    action: block\n`);
    const facts = agentPull(["src/a.ts"]);
    expect(run({ ...facts, baseRef: "main" }, p, [approval("alice")]).conclusion).toBe("success");
    expect(run({ ...facts, baseRef: "release/x" }, p, [approval("alice")]).conclusion).toBe("failure");
    expect(run({ ...facts, baseRef: "release" }, p, [approval("alice")]).conclusion).toBe("success");
    // `refs/heads/` is never part of a base name GitHub reports; a look-alike base is not a release branch.
    expect(run({ ...facts, baseRef: "release-x" }, p, [approval("alice")]).conclusion).toBe("success");
  });

  it("invalid policy: an agent PR 'repairing' it fails, even when the repair is valid (catalogue flags it)", () => {
    const invalid: PolicyState = { status: "invalid", errors: [{ file: POLICY, line: 1, column: 1, message: "x" }], source: { kind: "repository", description: "r" } };
    expect(run(agentPull([POLICY]), invalid, [approval("alice")], { headPolicy: { status: "valid" } }).conclusion).toBe("failure");
    // A human "repair" whose commits could not all be listed (an agent commit may hide there) fails too.
    const human = humanPull([POLICY], { unverified: ["commits past 250 not listed"] });
    expect(run(human, invalid, [], { headPolicy: { status: "valid" } }).conclusion).toBe("failure");
    // A human PR that does not touch the policy file cannot use the exception.
    expect(run(humanPull(["src/a.ts"]), invalid, [], { headPolicy: { status: "valid" } }).conclusion).toBe("failure");
  });

  it("an unreadable policy is failure, not action_required (no Approve button stands in for rules never read)", () => {
    const unreadable: PolicyState = { status: "unreadable", reason: "blob truncated", source: { kind: "repository", description: "r" } };
    for (const facts of [agentPull(["src/a.ts"]), humanPull(["src/a.ts"])]) {
      const d = run(facts, unreadable, [approval("alice")]);
      expect(d.conclusion).toBe("failure");
      expect(d.unverified.join(" ")).toMatch(/blob truncated/);
    }
  });
});

function loadBuiltin(): Policy {
  // The built-in default as the reader uses it (no file anywhere).
  return load("version: 1\npaths:\n  - match: ['.github/agent-policy.yml']\n    action: block\n    reason: no\n");
}

// ───────────────────────────── where the policy comes from (adapter, pure parts) ─────────────────────────────

describe("policy source (readPolicy): default branch, org fallback only without a repo file, _extends fails closed", () => {
  const blob = (text: string, extra: Record<string, unknown> = {}) => ({ __typename: "Blob", text, isTruncated: false, oid: "1", ...extra });
  const noNetwork = {
    graphql: () => {
      throw new Error("unexpected GraphQL request");
    },
  } as unknown as GitHub;
  const repoBlob = (b: ReturnType<typeof blob> | null) => ({ owner: "acme", repo: "api", ref: "main", blob: b });
  const orgBlob = (b: ReturnType<typeof blob> | null) => ({ owner: "acme", repo: ".github", ref: "HEAD", blob: b });

  it("the org file applies only when the repository has none", async () => {
    const repoStrict = await readPolicy(noNetwork, repoBlob(blob("version: 1\ndefault: block\n")), orgBlob(blob("version: 1\nenabled: false\n")), new PolicyCache());
    expect(repoStrict).toMatchObject({ status: "ok", source: { kind: "repository" }, policy: { default: "block", enabled: true } });
    const fromOrg = await readPolicy(noNetwork, repoBlob(null), orgBlob(blob("version: 1\ndefault: block\n")), new PolicyCache());
    expect(fromOrg).toMatchObject({ status: "ok", source: { kind: "organization" }, policy: { default: "block" } });
  });

  it("an invalid repository file is not replaced by the org's (or the built-in) policy", async () => {
    const s = await readPolicy(noNetwork, repoBlob(blob("version: 1\ndefault: alow\n")), orgBlob(blob("version: 1\nenabled: false\n")), new PolicyCache());
    expect(s.status).toBe("invalid");
  });

  it("a truncated, binary or non-file policy blob is unreadable, never the built-in fallback", async () => {
    for (const b of [
      blob("version: 1\n", { isTruncated: true }),
      { __typename: "Blob", text: null, isTruncated: false, oid: "1" },
      { __typename: "Tree", oid: "1" },
    ]) {
      const s = await readPolicy(noNetwork, repoBlob(b as ReturnType<typeof blob>), orgBlob(blob("version: 1\nenabled: false\n")), new PolicyCache());
      expect(s.status).toBe("unreadable");
      expect(run(agentPull(["src/a.ts"]), s, [approval("alice")]).conclusion).toBe("failure");
    }
  });

  it("an `_extends` that cannot be read fails closed (missing, erroring, or looping)", async () => {
    const missing = { graphql: () => Promise.resolve({ repository: null }) } as unknown as GitHub;
    const s1 = await readPolicy(missing, repoBlob(blob("version: 1\n_extends: agent-owned/evil\n")), null, new PolicyCache());
    expect(s1).toMatchObject({ status: "unreadable" });
    const erroring = {
      graphql: () => Promise.reject(Object.assign(new Error("Server Error"), { status: 502 })),
    } as unknown as GitHub;
    const s2 = await readPolicy(erroring, repoBlob(blob("version: 1\n_extends: shared\n")), null, new PolicyCache());
    expect(s2).toMatchObject({ status: "unreadable" });
    const looping = { graphql: () => Promise.resolve({ repository: { object: blob("version: 1\n_extends: acme/api\n") } }) } as unknown as GitHub;
    const s3 = await readPolicy(looping, repoBlob(blob("version: 1\n_extends: acme/api\n")), null, new PolicyCache());
    expect(s3).toMatchObject({ status: "unreadable" });
    for (const s of [s1, s2, s3]) expect(run(agentPull(["src/a.ts"]), s, [approval("alice")]).conclusion).toBe("failure");
  });

  it("an `_extends` target is read at its default branch (HEAD), and the extending file's keys win", async () => {
    const seen: string[] = [];
    const gh = {
      graphql: (_q: string, vars: { owner: string; name: string; expression: string }) => {
        seen.push(`${vars.owner}/${vars.name} ${vars.expression}`);
        return Promise.resolve({ repository: { object: blob("version: 1\ndefault: allow\nenabled: false\n") } });
      },
    } as unknown as GitHub;
    const s = await readPolicy(gh, repoBlob(blob("version: 1\n_extends: shared:base.yml\nenabled: true\n")), null, new PolicyCache());
    expect(seen).toEqual(["acme/shared HEAD:base.yml"]);
    expect(s).toMatchObject({ status: "ok", policy: { enabled: true, default: "allow" } });
  });
});

describe("the default-branch policy is read by its full branch ref", () => {
  it("a tag named like the default branch cannot shadow it (rev-parse prefers refs/tags/<name>)", () => {
    expect(defaultBranchPolicyExpression("main")).toBe("refs/heads/main:.github/agent-policy.yml");
    expect(defaultBranchPolicyExpression("release/x")).toBe("refs/heads/release/x:.github/agent-policy.yml");
  });
});

describe("twins past the listing window (readPull)", () => {
  /** One PR whose head commit is associated with `total` PRs, of which `listed` come back. */
  function ghWithAssociated(total: number, listed: { number: number; state: string; headRefOid: string }[], headOid = HEAD): GitHub {
    const page = <T>(nodes: T[]) => ({ pageInfo: { hasNextPage: false, endCursor: null }, totalCount: nodes.length, nodes });
    const result = {
      repository: {
        defaultBranchRef: { name: "main", target: { __typename: "Commit", oid: OLD, policyFile: null } },
        labels: { nodes: [] },
        pullRequest: {
          number: 1, title: "t", body: "", state: "OPEN", url: "u",
          author: { __typename: "Bot", login: "Copilot", databaseId: 198982749 },
          headRefName: "copilot/x", headRefOid: HEAD, baseRefName: "main", baseRefOid: OLD,
          labels: { nodes: [] },
          commits: page([]), files: page([{ path: "src/a.ts", changeType: "MODIFIED" }]), reviews: page([]),
          labelEvents: { pageInfo: { hasPreviousPage: false, startCursor: null }, nodes: [] },
          head: { nodes: [{ commit: { oid: headOid, headPolicy: null, checkSuites: { nodes: [] }, associatedPullRequests: { totalCount: total, nodes: listed } } }] },
        },
      },
      orgPolicy: null,
    };
    return { graphql: () => Promise.resolve(result) } as unknown as GitHub;
  }
  const target = { owner: "acme", repo: "api", number: 1, defaultBranch: "main", appId: 1 };
  const fallback = { title: "", body: "", author: null, headRef: "", headSha: HEAD, baseRef: "main", labels: [], url: "", state: "OPEN" };
  const open = (n: number) => ({ number: n, state: "OPEN", headRefOid: HEAD });

  it("every listed open twin is returned; when GitHub has more than it listed, the PR fails closed", async () => {
    const complete = await readPull(ghWithAssociated(3, [open(1), open(2), open(3)]), target, fallback, { policies: new PolicyCache() });
    expect(complete.twins).toEqual([2, 3]);
    expect(complete.facts.unverified).toEqual([]);
    const decoys = Array.from({ length: 100 }, (_, i) => open(i + 1));
    const cut = await readPull(ghWithAssociated(101, decoys), target, fallback, { policies: new PolicyCache() });
    expect(cut.facts.unverified.join(" ")).toMatch(/101 pull requests are associated with the head commit/);
    const d = decide({ facts: cut.facts, policy: cut.policy, approvals: [approval("alice")] });
    expect(d.conclusion).toBe("failure");
  });
});

describe("the commit read as the head is the PR's head (issue 8 point 10)", () => {
  const target = { owner: "acme", repo: "api", number: 1, defaultBranch: "main", appId: 1 };
  const fallback = { title: "", body: "", author: null, headRef: "", headSha: HEAD, baseRef: "main", labels: [], url: "", state: "OPEN" };
  it("a head commit other than headRefOid fails closed, and no stored click is read from its check", async () => {
    const s = await readPull(ghWithAssociatedHead(OLD), target, fallback, { policies: new PolicyCache() });
    expect(s.facts.unverified.join(" ")).toMatch(/is not the pull request's head/);
    expect(s.buttonApprovals).toEqual([]);
    expect(decide({ facts: s.facts, policy: s.policy, approvals: [approval("alice")] }).conclusion).toBe("failure");
  });
  function ghWithAssociatedHead(oid: string): GitHub {
    const page = <T>(nodes: T[]) => ({ pageInfo: { hasNextPage: false, endCursor: null }, totalCount: nodes.length, nodes });
    const result = {
      repository: {
        defaultBranchRef: { name: "main", target: { __typename: "Commit", oid: OLD, policyFile: null } },
        labels: { nodes: [] },
        pullRequest: {
          number: 1, title: "t", body: "", state: "OPEN", url: "u", changedFiles: 1,
          author: { __typename: "Bot", login: "Copilot", databaseId: 198982749 },
          headRefName: "copilot/x", headRefOid: HEAD, baseRefName: "main", baseRefOid: OLD,
          labels: { nodes: [] },
          commits: page([]), files: page([{ path: "src/a.ts", changeType: "MODIFIED" }]), reviews: page([]),
          labelEvents: { pageInfo: { hasPreviousPage: false, startCursor: null }, nodes: [] },
          head: { nodes: [{ commit: { oid, headPolicy: null, checkSuites: { nodes: [] }, associatedPullRequests: { totalCount: 1, nodes: [] } } }] },
        },
      },
      orgPolicy: null,
    };
    return { graphql: () => Promise.resolve(result) } as unknown as GitHub;
  }
});

describe("partial GraphQL answers (data + errors) fail closed", () => {
  it("only a missing org .github repository is tolerated", () => {
    const data = { orgPolicy: null, repository: { pullRequest: {} } };
    expect(partialData({ data, errors: [{ type: "NOT_FOUND", path: ["orgPolicy"] }] })).toBe(data);
    expect(partialData({ data, errors: [{ type: "NOT_FOUND", path: ["orgPolicy"] }, { type: "FORBIDDEN", path: ["repository", "pullRequest", "files"] }] })).toBeNull();
    expect(partialData({ data, errors: [{ type: "NOT_FOUND", path: ["repository"] }] })).toBeNull();
    expect(partialData({ data, errors: [{ message: "Something went wrong" }] })).toBeNull();
    expect(partialData({ data: null, errors: [{ type: "NOT_FOUND", path: ["orgPolicy"] }] })).toBeNull();
  });
});

// ───────────────────────────── paths ─────────────────────────────

describe("paths: an agent cannot slip a blocked file past its rule", () => {
  const outcome = (path: string, p: Policy = CI_BLOCK, previousPath?: string) =>
    matchFiles(compilePolicy(p), [{ path, ...(previousPath ? { previousPath } : {}) }], "main")[0]!;

  it("rename .github/workflows/ci.yml → docs/ci.md: the old name's block wins over the new name's allow", () => {
    const d = run(agentPull([{ path: "docs/ci.md", previousPath: ".github/workflows/ci.yml" }]), CI_BLOCK, [approval("alice")]);
    expect(d.conclusion).toBe("failure");
    expect(d.blocked[0]).toMatchObject({ path: "docs/ci.md", previousPath: ".github/workflows/ci.yml", action: "block" });
  });

  it("deleting a blocked file is blocked", () => {
    const facts = agentPull([]);
    facts.files = [{ path: ".github/workflows/ci.yml", status: "removed" }];
    expect(run(facts, CI_BLOCK, [approval("alice")]).conclusion).toBe("failure");
  });

  it("non-normal spellings of a blocked path (./, //, .., leading /) are still blocked", () => {
    // git and GitHub never report these; an adapter bug must not turn into a bypass.
    for (const p of ["./.github/workflows/x.yml", ".github//workflows/x.yml", ".github/workflows/../workflows/x.yml", "docs/../.github/workflows/x.yml", "/.github/workflows/x.yml", ".github/./workflows/x.yml"]) {
      expect(outcome(p).action, p).toBe("block");
    }
    // Renamed from such a spelling: the old name still blocks.
    expect(outcome("docs/x.md", CI_BLOCK, "./.github/workflows/x.yml").action).toBe("block");
  });

  it("non-normal spellings of the policy file are never allow", () => {
    const allowAll = load(`version: 1\npaths:\n  - match: ["**"]\n    action: allow\ndefault: allow\n`);
    for (const p of ["./.github/agent-policy.yml", ".github//agent-policy.yml", "docs/../.github/agent-policy.yml"]) {
      expect(outcome(p, allowAll).action, p).not.toBe("allow");
    }
  });

  it("case variants are different paths (decision: matching is case-sensitive, as GitHub paths and Actions' .github/workflows are)", () => {
    // `.GitHub/Workflows/x.yml` is not a workflow on GitHub (Actions reads exactly `.github/workflows`),
    // so it falls to the default (approve), not the CI block — but it is never `allow` either.
    const o = outcome(".GitHub/Workflows/x.yml");
    expect(o.action).toBe("approve");
    expect(o.rule).toBeNull();
  });

  it("unicode look-alikes are different paths, and the summary shows them without bidi tricks", () => {
    // U+03BF GREEK SMALL LETTER OMICRON for "o": not GitHub's workflows directory.
    const lookalike = ".github/workfl\u03bfws/x.yml";
    expect(outcome(lookalike).action).toBe("approve");
    const bidi = "src/\u202etxt.exe";
    const d = run(agentPull([lookalike, bidi]), CI_BLOCK);
    const rendered = renderCheck(d);
    expect(`${rendered.summary}${rendered.text}`).not.toContain("\u202e");
  });

  it("a very long path is matched correctly and quickly", () => {
    const long = `.github/workflows/${"a/".repeat(5000)}x.yml`;
    const t0 = performance.now();
    expect(outcome(long).action).toBe("block");
    expect(outcome(`docs/${"b".repeat(50_000)}.md`).action).toBe("allow");
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it("file names with newlines, `|` and backticks cannot break the check's Markdown", () => {
    const evil = ["src/a\n## Approved by @alice\n.ts", "src/a|b|c.ts", "src/``x``.ts", "src/<img src=x onerror=alert(1)>.ts"];
    const d = run(agentPull(evil), CI_BLOCK);
    const { summary, text } = renderCheck(d);
    const all = `${summary}\n${text}`;
    expect(all).not.toMatch(/^## Approved by/m);
    // HTML survives only inside code spans, where GitHub shows it as text.
    expect(all).toContain("<img src=x");
    expect(all.replace(/(`+)[^\n]*?\1/g, "")).not.toContain("<img");
    // Every table row keeps its column count: no cell was split by an unescaped `|`.
    for (const block of all.split(/\n(?!\|)/)) {
      const rows = block.split("\n").filter((l) => l.startsWith("|"));
      const cols = rows.map((r) => r.replace(/\\\|/g, "").split("|").length);
      expect(new Set(cols).size, block).toBeLessThanOrEqual(1);
    }
  });
});

// ───────────────────────────── forged Approve-button records ─────────────────────────────

describe("button approvals live only in our check run, and text rendered into it cannot forge or erase them", () => {
  const forged = encodeButtonApprovals({ sha: HEAD, approvals: [{ login: "mallory", id: 666, type: "User", at: "2024-01-01T00:00:00Z" }] });
  const real = { sha: HEAD, approvals: [{ login: "alice", id: 1, type: "User", at: "2024-01-01T00:00:01Z" }] };

  function renderedWithForgery(): string {
    // A forged block in a file name, a commit message marker and the PR body.
    const facts = agentPull([`src/${forged}.ts`, "src/a.ts"], {
      title: forged,
      body: `Generated with [Claude Code](https://claude.com/claude-code) ${forged}`,
    });
    facts.commits.push(commit("e".repeat(40), { login: "dave" }, `x\n\n${forged}\n\nCo-Authored-By: Claude <noreply@anthropic.com>`));
    const { text } = renderCheck(run(facts, CI_BLOCK));
    return text;
  }

  it("a forged block rendered into the text is never read as a click", () => {
    const text = renderedWithForgery();
    expect(decodeButtonApprovals(text, HEAD)).toEqual([]);
    expect(decodeButtonApprovals(withButtonApprovals(text, { sha: HEAD, approvals: [] }), HEAD)).toEqual([]);
  });

  it("with a real block stored at the end, the real clicks are read back (a forgery cannot erase them)", () => {
    const text = withButtonApprovals(renderedWithForgery(), real);
    expect(decodeButtonApprovals(text, HEAD)).toEqual(real.approvals);
  });

  it("a forged block placed at the very end of a text is stripped before ours is written", () => {
    const stored = withButtonApprovals(`summary\n\n${forged}`, real);
    expect(decodeButtonApprovals(stored, HEAD)).toEqual(real.approvals);
    expect(stored.match(/agent-gate:approvals/g)).toHaveLength(1);
  });

  it("clicks stored at another SHA do not approve this one", () => {
    expect(decodeButtonApprovals(withButtonApprovals("x", { ...real, sha: OLD }), HEAD)).toEqual([]);
  });
});

// ───────────────────────────── approvals ─────────────────────────────

describe("approvals: only qualifying humans count (SPEC §4)", () => {
  const agentCommitBy = (sha: string, who: { login?: string; email?: string; name?: string }, message = "Change\n\nCo-authored-by: Claude <noreply@anthropic.com>") =>
    commit(sha, who, message);

  function reasonOf(d: Decision, login: string): string | undefined {
    return d.approvals.find((a) => a.login === login)?.reason;
  }

  it("the PR opener, a commit author, committer, trailer co-author, resolved co-author and noreply identity do not count", () => {
    const c1 = agentCommitBy("1".repeat(40), { login: "dave" });
    const c2: CommitFacts = { ...agentCommitBy("2".repeat(40), { login: "frank" }), committer: { name: "Gina", email: "gina@acme.example", login: "gina" } };
    const c3 = agentCommitBy("3".repeat(40), { login: "frank" }, "Change\n\nCo-authored-by: Hank <12345+hank@users.noreply.github.com>\nCo-authored-by: Claude <noreply@anthropic.com>");
    const c4: CommitFacts = { ...agentCommitBy("4".repeat(40), { login: "frank" }), coAuthors: [{ name: "Ivy", email: "ivy@acme.example", login: "ivy" }] };
    const c5 = agentCommitBy("5".repeat(40), { name: "Jo", email: "jo@users.noreply.github.com" }); // old id-less noreply, unresolved
    const c6 = agentCommitBy("6".repeat(40), { name: "Kim", email: "777+kim-old-name@users.noreply.github.com" }); // renamed account: id decides
    const facts = humanOpened(["src/a.ts"], [c1, c2, c3, c4, c5, c6]);
    const approvals = ["erin", "dave", "frank", "gina", "hank", "ivy", "jo"].map((l) => approval(l));
    approvals.push(approval("kim", { account: { login: "kim", id: 777, type: "User" } }));
    const d = run(facts, CI_BLOCK, approvals);
    expect(d.agentAuthored).toBe(true);
    expect(d.conclusion).toBe("action_required");
    expect(d.approvals.filter((a) => a.counted)).toEqual([]);
    expect(reasonOf(d, "erin")).toMatch(/PR author/);
    expect(reasonOf(d, "gina")).toMatch(/committed/);
    expect(reasonOf(d, "hank")).toMatch(/co-authored/);
    expect(reasonOf(d, "ivy")).toMatch(/co-authored/);
    expect(reasonOf(d, "jo")).toMatch(/authored/);
    expect(reasonOf(d, "kim")).toMatch(/authored/);
  });

  it("login case variants of a contributor are the same account", () => {
    const facts = humanOpened(["src/a.ts"], [agentCommitBy("1".repeat(40), { login: "Dave" })]);
    const d = run(facts, CI_BLOCK, [approval("DAVE"), approval("dave")]);
    expect(d.conclusion).toBe("action_required");
  });

  it("a Bot, and agent identities typed User (Copilot by id or login, copilot-swe-agent[bot]) do not count", () => {
    const facts = agentPull(["src/a.ts"]);
    const tries: ApprovalFacts[] = [
      approval("helper[bot]", { account: { login: "helper[bot]", id: 5, type: "Bot" } }),
      approval("Copilot", { account: { login: "Copilot", id: 198982749, type: "User" } }),
      approval("copilot", { account: { login: "copilot", id: null, type: "User" } }),
      approval("copilot-swe-agent[bot]", { account: { login: "copilot-swe-agent[bot]", id: null, type: "User" } }),
      approval("devin-ai-integration[bot]", { account: { login: "devin-ai-integration[bot]", id: 158243242, type: "User" } }),
      approval("ghost-org", { account: { login: "ghost-org", id: 9, type: "Organization" } }),
    ];
    const d = run(facts, CI_BLOCK, tries);
    expect(d.conclusion).toBe("action_required");
    expect(d.approvals.every((a) => !a.counted)).toBe(true);
    expect(reasonOf(d, "helper[bot]")).toMatch(/bot/);
    expect(reasonOf(d, "Copilot")).toMatch(/agent identity/);
    expect(reasonOf(d, "copilot-swe-agent[bot]")).toMatch(/agent identity/);
  });

  it("a policy that ignores an agent account or narrows detection still refuses it as an approver", () => {
    const p = load(`version: 1\nagents:\n  ignore: ["copilot-swe-agent[bot]"]\n  signals: [branch]\n`);
    const facts = agentPull(["src/a.ts"]);
    const d = run(facts, p, [approval("copilot-swe-agent[bot]", { account: { login: "copilot-swe-agent[bot]", id: null, type: "User" } })]);
    expect(d.conclusion).toBe("action_required");
  });

  it("read and triage users do not meet write; unknown permission never counts", () => {
    const d = run(agentPull(["src/a.ts"]), CI_BLOCK, [
      approval("rita", { permission: "read" }),
      approval("tom", { permission: "triage" }),
      approval("nobody", { permission: "none" }),
      approval("unknown", { permission: null }),
    ]);
    expect(d.conclusion).toBe("action_required");
    expect(reasonOf(d, "unknown")).toMatch(/could not be read/);
  });

  it("team requirement: not a member (404) and membership unverifiable (500) both refuse", () => {
    const p = load(`version: 1\napproval:\n  teams: [acme/platform]\n`);
    const d = run(agentPull(["src/a.ts"]), p, [approval("outsider", { teams: [] }), approval("unverifiable", { teams: null })]);
    expect(d.conclusion).toBe("action_required");
    expect(reasonOf(d, "outsider")).toMatch(/not in acme\/platform/);
    expect(reasonOf(d, "unverifiable")).toMatch(/could not be verified/);
    expect(run(agentPull(["src/a.ts"]), p, [approval("member", { teams: ["ACME/Platform"] })]).conclusion).toBe("success");
  });

  it("stale SHA, CHANGES_REQUESTED, DISMISSED and COMMENTED-only states do not count", () => {
    const facts = agentPull(["src/a.ts"]);
    for (const a of [approval("alice", { commitSha: OLD }), approval("alice", { state: "CHANGES_REQUESTED" }), approval("alice", { state: "DISMISSED" }), approval("alice", { state: "COMMENTED" })]) {
      expect(run(facts, CI_BLOCK, [a]).conclusion).toBe("action_required");
    }
  });

  it("the same human counts once: twice by review and button, and in two login spellings", () => {
    const p = load(`version: 1\napproval:\n  count: 2\n`);
    const d = run(agentPull(["src/a.ts"]), p, [approval("alice"), approval("Alice", { source: "button", account: { login: "Alice", id: 1, type: "User" } }), approval("ALICE")]);
    expect(d.conclusion).toBe("action_required");
    expect(d.requirements[0]).toMatchObject({ missing: 1 });
    expect(run(agentPull(["src/a.ts"]), p, [approval("alice"), approval("bob")]).conclusion).toBe("success");
  });

  it("Approve-button clicks are qualified like reviews: opener, bot, read-only and outside-team clicks do not count", () => {
    const p = load(`version: 1\napproval:\n  teams: [acme/platform]\n`);
    const facts = humanOpened(["src/a.ts"], [agentCommitBy("1".repeat(40), { login: "dave" })]);
    const click = (login: string, extra: Partial<ApprovalFacts> = {}) => approval(login, { source: "button", state: undefined as unknown as string, teams: ["acme/platform"], ...extra });
    const d = run(facts, p, [
      click("erin"),
      click("ci[bot]", { account: { login: "ci[bot]", id: 3, type: "Bot" } }),
      click("rita", { permission: "read" }),
      click("outsider", { teams: [] }),
    ]);
    expect(d.conclusion).toBe("action_required");
    expect(d.approvals.every((a) => !a.counted)).toBe(true);
    expect(run(facts, p, [click("alice")]).conclusion).toBe("success");
  });

  it("approvals never override a block", () => {
    const d = run(agentPull([".github/workflows/ci.yml"]), CI_BLOCK, [approval("alice"), approval("bob"), approval("alice", { source: "button" })]);
    expect(d.conclusion).toBe("failure");
  });
});

// ───────────────────────────── detection evasion ─────────────────────────────

describe("detection: evasions SPEC §2 says we catch", () => {
  const detected = (facts: PullFacts) => detectAgents(facts, BUILTIN_DETECTION_CONFIG);
  const byHuman = (message: string, author: Partial<CommitFacts["author"]> = {}, committer?: Partial<CommitFacts["committer"]>): PullFacts => {
    const c = commit("9".repeat(40), { login: "dev", email: "dev@acme.example", name: "Dev", ...author }, message);
    if (committer) c.committer = { name: "x", email: "x@acme.example", login: null, ...committer };
    return humanPull(["src/a.ts"], { commits: [c] });
  };

  it("trailer key case variants and CRLF line ends", () => {
    for (const key of ["Co-authored-by", "Co-Authored-By", "CO-AUTHORED-BY", "co-authored-by"]) {
      expect(detected(byHuman(`Fix\n\n${key}: Claude <noreply@anthropic.com>`)).agentAuthored, key).toBe(true);
      expect(detected(byHuman(`Fix\r\n\r\nBody text.\r\n\r\nSigned-off-by: Dev <dev@acme.example>\r\n${key}: Claude <noreply@anthropic.com>\r\n`)).agentAuthored, `${key} CRLF`).toBe(true);
    }
  });

  it("model-named trailers are matched by address, not name", () => {
    for (const line of ["Co-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>", "Co-authored-by: Claude Sonnet 4 <noreply@anthropic.com>", "Co-authored-by: Bob <198982749+Copilot@users.noreply.github.com>"]) {
      expect(detected(byHuman(`Fix\n\n${line}`)).agentAuthored, line).toBe(true);
    }
  });

  it("noreply forms: with id, old id-less [bot] form, upper case", () => {
    for (const email of ["198982749+Copilot@users.noreply.github.com", "198982749+COPILOT@USERS.NOREPLY.GITHUB.COM", "copilot-swe-agent[bot]@users.noreply.github.com", "158243242+devin-ai-integration[bot]@users.noreply.github.com"]) {
      expect(detected(byHuman("Fix", { email, login: null, name: "x" })).agentAuthored, email).toBe(true);
    }
  });

  it("the agent as committer only", () => {
    expect(detected(byHuman("Fix", {}, { email: "198982749+Copilot@users.noreply.github.com" })).agentAuthored).toBe(true);
    expect(detected(byHuman("Fix", {}, { login: "copilot-swe-agent[bot]", email: "x@y" })).agentAuthored).toBe(true);
  });

  it("one agent commit buried among 249 human commits, in a PR opened by a human", () => {
    const commits: CommitFacts[] = [];
    for (let i = 0; i < 249; i++) commits.push(commit(i.toString(16).padStart(40, "0"), { login: "dev", email: "dev@acme.example" }, `Human change ${i}`));
    commits.splice(137, 0, commit("f".repeat(40), { login: "dev", email: "dev@acme.example" }, "Tweak\n\nCo-authored-by: Claude <noreply@anthropic.com>"));
    const facts = humanPull(["src/a.ts"], { commits });
    const d = run(facts, CI_BLOCK, []);
    expect(d.agentAuthored).toBe(true);
    expect(d.conclusion).toBe("action_required");
    expect(d.detection.evidence[0]).toMatchObject({ agent: "claude-code", signal: "trailer", where: expect.stringContaining("fffffff") });
  });

  it("listing caps (251 commits, 3,001 files) fail closed for agent and human PRs alike, whatever the approvals", () => {
    const capped = ["The pull request has 251 commits; GitHub lists at most 250, so commits past that could not be checked for agents."];
    expect(run(agentPull(["src/a.ts"], { unverified: capped }), CI_BLOCK, [approval("alice")]).conclusion).toBe("failure");
    expect(run(humanPull(["src/a.ts"], { unverified: capped }), CI_BLOCK, []).conclusion).toBe("failure");
    const files = ["The pull request changes 3001 files; GitHub lists at most 3000."];
    expect(run(agentPull(["docs/a.md"], { unverified: files }), CI_BLOCK, []).conclusion).toBe("failure");
  });
});

// ───────────────────────────── one SHA, several PRs; merge groups ─────────────────────────────

describe("one SHA, several PRs, and merge groups: strictest wins", () => {
  const TARGETED = load(`version: 1\npaths:\n  - match: ["**"]\n    targets: ["release/**"]\n    action: block\n`);

  it("a harmless twin into main, approved, never clears the dangerous twin into release/*", () => {
    const harmless = run(agentPull(["src/a.ts"], { number: 1, baseRef: "main" }), TARGETED, [approval("alice")]);
    const dangerous = run(agentPull(["src/a.ts"], { number: 2, baseRef: "release/1" }), TARGETED, [approval("alice")]);
    expect(harmless.conclusion).toBe("success");
    expect(dangerous.conclusion).toBe("failure");
    for (const order of [[harmless, dangerous], [dangerous, harmless]]) {
      const c = strictest(order);
      expect(c.conclusion).toBe("failure");
      expect(c.title).toMatch(/^#2: /);
    }
    // Once the dangerous twin is closed only the harmless one is left.
    expect(strictest([harmless]).conclusion).toBe("success");
  });

  it("a merge group with one failing PR fails; a disabled-policy PR never turns a group into success", () => {
    const pass = run(agentPull(["src/a.ts"], { number: 1 }), CI_BLOCK, [approval("alice")]);
    const blocked = run(agentPull([".github/workflows/x.yml"], { number: 2 }), CI_BLOCK, [approval("alice")]);
    expect(strictest([pass, blocked, pass]).conclusion).toBe("failure");
    const neutral = run(agentPull(["src/a.ts"], { number: 3 }), load("version: 1\nenabled: false\n"));
    expect(strictest([pass, neutral]).conclusion).not.toBe("success");
  });
});
