/** Issue 11 §4: `agent-gate check` reports the same sets, escalations and dependency additions as the app. */
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { createRepo } from "./helpers/git-repo.js";
import type { TestRepo } from "./helpers/git-repo.js";

const POLICY = ".github/agent-policy.yml";
const TRAILER = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>";
const WF = ".github/workflows/ci.yml";
const BASE_WF = "on: [push]\npermissions:\n  contents: read\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n";

async function check(r: TestRepo, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(["check", "--base", "main", ...args], { cwd: r.dir, env: r.env, stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

function repo(policy: string | null, initial: Record<string, string>): TestRepo {
  const r = createRepo({ initial: { ...initial, ...(policy === null ? {} : { [POLICY]: policy }) } });
  r.branch("feature");
  return r;
}

const ALLOW = (extra = "") => `version: 1\n${extra}paths:\n  - match: ["**"]\n    action: allow\n`;

describe("agent-gate check: the guard analysis offline", () => {
  it("an escalating workflow exits 2 (blocked) with the finding and its line; JSON lists it", async () => {
    const r = repo(ALLOW(), { [WF]: BASE_WF });
    r.commit(`CI${TRAILER}`, { files: { [WF]: BASE_WF.replace("on: [push]", "on: [pull_request_target]") } });
    const text = await check(r);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain("Workflow escalations (1)");
    expect(text.stdout).toContain(`${WF}:1`);
    const json = await check(r, "--format", "json");
    expect(json.code).toBe(2);
    const out = JSON.parse(json.stdout) as { guard: { findings: { kind: string; line: number }[] } };
    expect(out.guard.findings).toEqual([expect.objectContaining({ kind: "trigger", line: 1 })]);
  });

  it("report mode exits 0 and still lists the finding; dependency additions are in the JSON", async () => {
    const r = repo(ALLOW("workflows:\n  escalation: report\n"), { [WF]: BASE_WF, "go.mod": "module x\n\ngo 1.22\n" });
    r.commit(`Deps${TRAILER}`, { files: { [WF]: BASE_WF.replace("contents: read", "contents: write"), "go.mod": "module x\n\ngo 1.22\n\nrequire github.com/new/pkg v0.1.0\n" } });
    const json = await check(r, "--format", "json");
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout) as { guard: { findings: unknown[]; dependencies: { ecosystem: string; name: string; to: string }[] } };
    expect(out.guard.findings).toHaveLength(1);
    expect(out.guard.dependencies).toEqual([expect.objectContaining({ ecosystem: "go", name: "github.com/new/pkg", to: "v0.1.0" })]);
  });

  it("the built-in default: @control-plane files need a maintainer, and the sets are in the JSON", async () => {
    const r = repo(null, { "AGENTS.md": "a\n" });
    r.commit(`Instructions${TRAILER}`, { files: { "AGENTS.md": "b\n" } });
    const json = await check(r, "--format", "json");
    expect(json.code).toBe(1);
    const out = JSON.parse(json.stdout) as { files: { path: string; sets: { set: string }[] }[]; requirements: { requirement: { min_permission: string } }[] };
    expect(out.files[0]!.sets.map((s) => s.set)).toEqual(["@control-plane"]);
    expect(out.requirements[0]!.requirement.min_permission).toBe("maintain");
  });

  it("a manifest that cannot be parsed exits 2 naming the file", async () => {
    const r = repo(ALLOW(), { "package.json": "{}\n" });
    r.commit(`Deps${TRAILER}`, { files: { "package.json": "{\n" } });
    const out = await check(r);
    expect(out.code).toBe(2);
    expect(out.stdout).toContain("package.json");
    expect(out.stdout).toContain("invalid JSON");
  });

  it("human work is not analysed (no failure for a broken manifest)", async () => {
    const r = repo(ALLOW(), { "package.json": "{}\n" });
    r.commit("Human", { files: { "package.json": "{\n" } });
    expect((await check(r)).code).toBe(0);
  });
});
