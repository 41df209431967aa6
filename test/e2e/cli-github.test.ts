/**
 * Issue 12 point 4: `agent-gate simulate` and `agent-gate backtest` against the fake GitHub over HTTP,
 * through the app's own reader, with a token from GITHUB_TOKEN and the API bases from GITHUB_API_URL /
 * GITHUB_GRAPHQL_URL. Every test also asserts that no write reached GitHub.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { cliGitHub, graphqlUrlFor } from "../../src/cli/github.js";
import { progressBar } from "../../src/cli/github-commands.js";
import { startFakeGitHub, type FakeGitHub, type World } from "../fake-github/index.js";

const AGENT = "copilot-swe-agent[bot]";
const POLICY = ".github/agent-policy.yml";
let fake: FakeGitHub;
let w: World;
let token: string;
let dir: string;
let n = 0;

beforeAll(async () => {
  fake = await startFakeGitHub();
  w = fake.state;
  token = fake.mintInstallationToken("acme");
  dir = mkdtempSync(path.join(tmpdir(), "agent-gate-cli-gh-"));
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  // Read-only: nothing but GETs and GraphQL queries reached GitHub.
  expect(fake.requests.filter((r) => r.kind !== "graphql" && r.method !== "GET")).toEqual([]);
  expect(fake.violations).toEqual([]);
  fake.clearLog();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], env: Record<string, string | undefined> = {}, tty = false): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    cwd: dir,
    env: { GITHUB_TOKEN: token, GITHUB_API_URL: fake.apiUrl, ...env },
    stdout: { write: (s: string) => (stdout += s) },
    stderr: Object.assign({ write: (s: string) => (stderr += s) }, tty ? { isTTY: true } : {}),
    ghToken: () => null,
  });
  return { code, stdout, stderr };
}

function policyFile(text: string): string {
  const file = path.join(dir, `candidate-${++n}.yml`);
  writeFileSync(file, text);
  return file;
}

function repoWithPulls(policy?: string) {
  const repo = `acme/cligh${++n}`;
  w.addRepo(repo, { files: { "README.md": "# r\n", ...(policy ? { [POLICY]: policy } : {}) }, collaborators: { alice: "write", bob: "write" } });
  const waiting = w.addPull(repo, { author: AGENT, head: `copilot/a${n}`, commits: [{ message: "A", files: { "src/a.ts": "a\n" } }] });
  const approved = w.addPull(repo, { author: AGENT, head: `copilot/b${n}`, commits: [{ message: "B", files: { "src/b.ts": "b\n" } }] });
  w.review(repo, approved.number, "alice", "APPROVED");
  const human = w.addPull(repo, { author: "bob", head: `feature/c${n}`, commits: [{ message: "C", author: "bob", files: { "src/c.ts": "c\n" } }] });
  return { repo, waiting, approved, human };
}

describe("agent-gate simulate", () => {
  it("prints the app's decision from GitHub's data and exits like check", async () => {
    const { repo, waiting, approved, human } = repoWithPulls();
    const a = await cli(["simulate", "--repo", repo, "--pr", String(approved.number)]);
    expect(a.stderr).toBe("");
    expect(a.code).toBe(0);
    expect(a.stdout).toContain("Approved by @alice");
    expect(a.stdout).toContain(`Simulated pull request ${repo}#${approved.number} (open)`);
    const b = await cli(["simulate", "--repo", repo, "--pr", String(waiting.number), "--format", "json"]);
    expect(b.code).toBe(1);
    const json = JSON.parse(b.stdout) as { conclusion: string; pr: number; schema: string };
    expect(json.pr).toBe(waiting.number);
    expect(json.schema).toBe("agent-gate/decision/v1");
    expect(json.conclusion).toBe("action_required");
    expect((await cli(["simulate", "--repo", repo, "--pr", String(human.number)])).code).toBe(0);
  });

  it("--policy judges under the candidate, qualifying reviewers against ITS requirements", async () => {
    const { repo, approved } = repoWithPulls();
    const strict = policyFile("version: 1\napproval:\n  count: 2\n");
    const r = await cli(["simulate", "--repo", repo, "--pr", String(approved.number), "--policy", strict]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Needs 1 more approval/);
    const maintain = policyFile("version: 1\napproval:\n  min_permission: maintain\n");
    const m = await cli(["simulate", "--repo", repo, "--pr", String(approved.number), "--policy", maintain]);
    expect(m.code).toBe(1);
    expect(m.stdout).toContain("needs maintain");
    const broken = policyFile("version: 1\naproval: {}\n");
    const bad = await cli(["simulate", "--repo", repo, "--pr", String(approved.number), "--policy", broken]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/candidate-\d+\.yml:2:1: unknown key "aproval"/);
  });

  it("GITHUB_GRAPHQL_URL is honoured (GHES-style bases), and errors are one line with exit 3", async () => {
    const { repo, approved } = repoWithPulls();
    const ok = await cli(["simulate", "--repo", repo, "--pr", String(approved.number)], { GITHUB_API_URL: fake.url, GITHUB_GRAPHQL_URL: `${fake.url}/api/graphql` });
    expect(ok.code).toBe(0);
    expect(graphqlUrlFor("https://ghe.example/api/v3")).toBe("https://ghe.example/api/graphql");
    expect(graphqlUrlFor("https://api.github.com")).toBe("https://api.github.com/graphql");
    const noToken = await cli(["simulate", "--repo", repo, "--pr", "1"], { GITHUB_TOKEN: "" });
    expect(noToken).toMatchObject({ code: 3, stderr: "agent-gate: no GitHub token: set GITHUB_TOKEN (or log in with `gh auth login`)\n" });
    expect((await cli(["simulate", "--repo", "nope", "--pr", "1"])).code).toBe(3);
    const missing = await cli(["simulate", "--repo", "acme/does-not-exist", "--pr", "1"]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^agent-gate: cannot read repository acme\/does-not-exist/);
  });

  it("the client refuses any write, before it leaves the process", async () => {
    const { repo, waiting } = repoWithPulls();
    const { gh, refusedWrites } = cliGitHub({ env: { GITHUB_TOKEN: token, GITHUB_API_URL: fake.apiUrl } });
    await expect(gh.rest.issues.addLabels({ owner: "acme", repo: repo.split("/")[1]!, issue_number: waiting.number, labels: ["x"] })).rejects.toThrow(/read-only/);
    expect(refusedWrites()).toBe(1);
  });
});

describe("agent-gate backtest", () => {
  it("compares current and candidate decisions and lists the changed conclusions", async () => {
    const { repo, waiting, approved, human } = repoWithPulls();
    const candidate = policyFile("version: 1\npaths:\n  - match: ['src/**']\n    action: block\n    reason: no agents in src\n");
    const r = await cli(["backtest", "--repo", repo, "--policy", candidate, "--format", "json"]);
    expect(r.code).toBe(2);
    const json = JSON.parse(r.stdout) as { pulls: { number: number; current: { conclusion: string }; candidate: { conclusion: string }; effect: string | null }[]; changed: number };
    expect(json.changed).toBe(2);
    const by = new Map(json.pulls.map((p) => [p.number, p]));
    expect(by.get(approved.number)).toMatchObject({ current: { conclusion: "success" }, candidate: { conclusion: "failure" }, effect: "blocks" });
    expect(by.get(waiting.number)).toMatchObject({ current: { conclusion: "action_required" }, candidate: { conclusion: "failure" }, effect: "changes" });
    expect(by.get(human.number)).toMatchObject({ current: { conclusion: "success" }, candidate: { conclusion: "success" }, effect: null });

    const text = await cli(["backtest", "--repo", repo, "--policy", candidate], {}, true);
    expect(text.stdout).toContain("Would block 1, unblock 0, change 1 otherwise; 1 unchanged.");
    expect(text.stdout).toMatch(new RegExp(`#${approved.number}\\s+success\\s+failure\\s+Blocked`));
    expect(text.stderr).toContain(progressBar(3, 3));
    expect(text.stderr.endsWith("\n")).toBe(true);
  });

  it("--last bounds the PRs, --state picks them, a candidate that unblocks is counted", async () => {
    const { repo, waiting } = repoWithPulls("version: 1\napproval:\n  count: 2\n");
    w.closePull(repo, waiting.number);
    const lenient = policyFile("version: 1\n");
    const open = JSON.parse((await cli(["backtest", "--repo", repo, "--policy", lenient, "--format", "json"])).stdout) as { pulls: { number: number; effect: string | null }[] };
    expect(open.pulls.map((p) => p.number)).not.toContain(waiting.number);
    expect(open.pulls.filter((p) => p.effect === "unblocks")).toHaveLength(1);
    const closed = JSON.parse((await cli(["backtest", "--repo", repo, "--policy", lenient, "--state", "closed", "--format", "json"])).stdout) as { pulls: { number: number }[] };
    expect(closed.pulls.map((p) => p.number)).toEqual([waiting.number]);
    const one = JSON.parse((await cli(["backtest", "--repo", repo, "--policy", lenient, "--state", "all", "--last", "1", "--format", "json"])).stdout) as { pulls: unknown[] };
    expect(one.pulls).toHaveLength(1);
    expect((await cli(["backtest", "--repo", repo, "--policy", lenient, "--last", "0"])).code).toBe(3);
    expect((await cli(["backtest", "--repo", repo])).stderr).toMatch(/--policy FILE is required/);
  });
});
