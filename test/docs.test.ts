/**
 * The operating documentation keeps its promises:
 * - the Dockerfile does what docs/deploy.md says (checked statically: no container engine here);
 * - (the Action itself is tested in test/action.test.ts);
 * - docs/policy.md, docs/example-check.md and the Action's bundle dist/index.mjs are what their
 *   generators produce today;
 * - the policies quoted in docs/policy.md are valid.
 */
import { execFile, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { bundleAction, DIST_FILE } from "../scripts/gen-action-dist.js";
import { DOC_FILE as AGENTS_DOC, renderAgentsDoc } from "../scripts/gen-agents-docs.js";
import { DOC_FILE as POLICY_DOC, collectKeys, readSchema, renderPolicyDoc } from "../scripts/gen-policy-docs.js";
import { CATALOGUE, TRUSTED_AUTOMATION } from "../src/engine/catalogue.js";
import { BUILTIN_DEFAULT_POLICY, formatPolicyError, loadPolicy } from "../src/engine/policy/load.js";
import { MAX_LISTED_COMMITS, MAX_LISTED_FILES } from "../src/github/read-pull.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const read = (file: string): string => readFileSync(path.join(ROOT, file), "utf8");

/** `npm test` builds before vitest; a lone `npx vitest run test/docs.test.ts` may not have. */
function ensureBuilt(): void {
  if (existsSync(path.join(ROOT, "lib/cli/main.js")) && existsSync(path.join(ROOT, "lib/engine/index.js"))) return;
  // tsc emits even when some file elsewhere has a type error; the files we need are checked below.
  spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "ignore" });
  if (!existsSync(path.join(ROOT, "lib/cli/main.js"))) throw new Error("lib/ is missing: run `npm run build`");
}

// ───────────────────────────── Dockerfile ─────────────────────────────

describe("Dockerfile", () => {
  const dockerfile = read("Dockerfile");
  // Continuation lines joined, comments dropped: one instruction per entry.
  const instructions = dockerfile
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  const stages: string[][] = [];
  for (const line of instructions) {
    if (/^FROM\s/i.test(line)) stages.push([line]);
    else stages.at(-1)?.push(line);
  }
  const runtime = stages.at(-1) ?? [];

  it("has a build stage and a separate runtime stage", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]?.[0]).toMatch(/^FROM\s+\S+\s+AS\s+build$/i);
    expect(stages[0]?.some((l) => /^RUN\s+npm ci\b/.test(l))).toBe(true);
    expect(stages[0]?.some((l) => /^RUN\s+npm run build\b/.test(l))).toBe(true);
    expect(runtime.some((l) => /^COPY\s+--from=build\s+\S*lib\b/.test(l))).toBe(true);
  });

  it("installs only production dependencies in the runtime stage", () => {
    expect(runtime.some((l) => /^RUN\s+npm ci\b.*--omit=dev/.test(l))).toBe(true);
    expect(runtime.some((l) => /^RUN\s+npm ci\b/.test(l) && !l.includes("--omit=dev"))).toBe(false);
  });

  it("ships the schema and app.yml the app reads at run time", () => {
    const copies = runtime.filter((l) => /^COPY\s/.test(l)).join("\n");
    expect(copies).toMatch(/\bschema\b/);
    expect(copies).toMatch(/\bapp\.yml\b/);
    expect(copies).toMatch(/\bpackage(-lock)?\.json|package\*\.json/);
  });

  it("runs as a non-root user, listens on all interfaces, in production mode", () => {
    const users = runtime.filter((l) => /^USER\s/i.test(l));
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1)!.split(/\s+/)[1]!;
    expect(["root", "0", "0:0"]).not.toContain(user);
    const env = runtime.filter((l) => /^ENV\s/i.test(l)).join(" ");
    expect(env).toMatch(/\bHOST=0\.0\.0\.0\b/);
    expect(env).toMatch(/\bNODE_ENV=production\b/);
    expect(runtime.some((l) => /^EXPOSE\s+3000\b/.test(l))).toBe(true);
  });

  it("checks /healthz and starts the built app directly (not `npm start`, whose prestart needs TypeScript)", () => {
    expect(runtime.find((l) => /^HEALTHCHECK\s/.test(l))).toMatch(/\/healthz/);
    const cmd = runtime.filter((l) => /^CMD\s/.test(l)).at(-1);
    expect(cmd).toMatch(/lib\/app\/main\.js/);
    expect(cmd).not.toMatch(/npm/);
  });

  it("copies only files that exist in the repository and are not excluded by .dockerignore", () => {
    const ignored = new Set(read(".dockerignore").split("\n").map((l) => l.trim()));
    const sources = instructions
      .filter((l) => /^COPY\s/.test(l) && !l.includes("--from="))
      .flatMap((l) => l.split(/\s+/).slice(1, -1).filter((a) => !a.startsWith("--")));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(ignored.has(source), `${source} is excluded from the build context by .dockerignore`).toBe(false);
      expect(existsSync(path.join(ROOT, source)), `COPY ${source}: no such file in the repository, so docker build would fail`).toBe(true);
    }
  });

  it("its health check command (exec form) succeeds on a 200 from /healthz and fails when nothing listens", async () => {
    const line = runtime.find((l) => /^HEALTHCHECK\s/.test(l))!;
    const argv = JSON.parse(line.slice(line.indexOf("CMD") + 3).trim()) as string[];
    expect(argv[0]).toBe("node");
    const server = createServer((req, res) => {
      res.statusCode = req.url === "/healthz" ? 200 : 404;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const probe = (p: number) =>
      new Promise<number | null>((resolve) => {
        execFile(process.execPath, argv.slice(1), { env: { PATH: process.env.PATH, PORT: String(p) } }, (error) =>
          resolve(error ? ((error as { code?: number }).code ?? -1) : 0),
        );
      });
    try {
      expect(await probe(port)).toBe(0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(await probe(port)).toBe(1);
  });

  it("never copies secrets or the whole context into the image", () => {
    for (const line of instructions.filter((l) => /^(COPY|ADD)\s/i.test(l))) {
      expect(line, line).not.toMatch(/\.env\b|\.pem\b/);
      expect(line, `${line}: a COPY of the whole context would take whatever .dockerignore misses`).not.toMatch(/^(COPY|ADD)\s+\.\s/);
    }
    expect(dockerfile).not.toMatch(/^\s*(ENV|ARG)\s+.*(WEBHOOK_SECRET|PRIVATE_KEY)/m);
  });

  it(".dockerignore keeps secrets, build output and history out of the build context", () => {
    const ignored = read(".dockerignore")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#"));
    for (const entry of [".env", "*.pem", "node_modules", "lib", ".git"]) expect(ignored).toContain(entry);
    // A later `!` entry would re-include what an earlier one excluded.
    expect(ignored.filter((l) => l.startsWith("!"))).toEqual([]);
  });

  it("is described by docs/deploy.md, which says Docker cannot run here", () => {
    const deploy = read("docs/deploy.md");
    expect(deploy).toMatch(/no\s+container\s+engine/);
    for (const fact of ["REDIS_URL", "ioredis", "/healthz", "/metrics", "LOG_FORMAT=json", '"msg": "agent-gate decision"', "GHE_HOST", "GHE_PROTOCOL", "PRIVATE_KEY_PATH", "WEBHOOK_SECRET", "check_suite rerequested"]) {
      expect(deploy, fact).toContain(fact);
    }
  });

  it("docs/deploy.md states what Probot's Redis clustering really needs", () => {
    // Keep the doc honest if Probot changes how it loads ioredis.
    const probot = readFileSync(path.join(ROOT, "node_modules/probot/lib/octokit/get-octokit-throttle-options.js"), "utf8");
    expect(probot).toMatch(/npxImport\("ioredis@[\d.]+", \{ onlyPackageRunner: true \}\)/);
    const call = /npxImport\("ioredis@[\d.]+", \{ onlyPackageRunner: true \}\)/.exec(probot)![0];
    expect(read("docs/deploy.md")).toContain(call);
  });
});

describe("docs/security.md", () => {
  const doc = read("docs/security.md");

  it("states the listing caps the GitHub reader enforces", () => {
    expect(doc).toContain(`More than ${MAX_LISTED_FILES.toLocaleString("en")} changed files or ${MAX_LISTED_COMMITS} commits`);
  });

  it("explains the policy source, approvers, fail-closed cases, and how to report a vulnerability", () => {
    for (const fact of ["default branch", "retargeted", "exclude_contributors", "min_permission", "strictest", "bypass", "Report a vulnerability", "not in a public issue"]) {
      expect(doc, fact).toContain(fact);
    }
  });
});

// ───────────────────────────── generated docs ─────────────────────────────

describe("docs/agents.md", () => {
  const doc = readFileSync(AGENTS_DOC, "utf8");

  it("is what `node scripts/gen-agents-docs.js` generates from the catalogue", () => {
    const expected = renderAgentsDoc(doc, CATALOGUE, TRUSTED_AUTOMATION);
    expect(doc === expected, "docs/agents.md is out of date: run `npm run build && node scripts/gen-agents-docs.js`").toBe(true);
  });

  it("lists every agent and every trusted bot, with at least 40 catalogue entries, each signature with a source", () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(40);
    for (const e of CATALOGUE) expect(doc, e.id).toContain(`(\`${e.id}\`)`);
    for (const t of TRUSTED_AUTOMATION) expect(doc, t.login).toContain(`\`${t.login}\``);
    expect(doc).toContain("## Add an agent");
  });

  it("the catalogue cites only tagged sources and points nowhere outside the repository", () => {
    const catalogueSource = read("src/engine/catalogue.ts");
    expect(catalogueSource).not.toMatch(/\/work\/|agent-signatures\.md/);
    const sources = CATALOGUE.flatMap((e) => [
      ...(e.accounts ?? []),
      ...(e.userIds ?? []),
      ...(e.emails ?? []),
      ...(e.nameSuffixes ?? []),
      ...(e.trailers ?? []),
      ...(e.branches ?? []),
      ...(e.markers ?? []),
      ...(e.subjectPrefixes ?? []),
    ]).map((s) => s.source);
    for (const s of sources) expect(s, s).toMatch(/^(V-src|V-git|V-iss|3P)\b/);
  });
});

describe("docs/policy.md", () => {
  const doc = readFileSync(POLICY_DOC, "utf8");

  it("is what `node scripts/gen-policy-docs.js` generates from the shipped schema", () => {
    const expected = renderPolicyDoc(doc, readSchema());
    expect(doc === expected, "docs/policy.md is out of date: run `node scripts/gen-policy-docs.js`").toBe(true);
  });

  it("has a section for every key of the schema", () => {
    const keys = collectKeys(readSchema()).map((k) => k.path);
    expect(keys).toContain("paths[].approval.teams");
    for (const key of keys) expect(doc, key).toContain(`\n### ${key}\n`);
  });

  it("quotes only policies that are valid", () => {
    const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const policies = blocks.filter((b) => /^version: 1$/m.test(b));
    expect(policies.length).toBeGreaterThanOrEqual(2);
    for (const text of policies) {
      const result = loadPolicy(text, "docs/policy.md");
      expect(result.ok ? [] : result.errors.map(formatPolicyError), text).toEqual([]);
    }
  });

  it("quotes the built-in default policy as the engine has it", () => {
    const section = doc.slice(doc.indexOf("## No policy file: the built-in default"));
    const text = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
    const result = loadPolicy(text, "docs/policy.md");
    expect(result.ok && result.policy).toEqual(BUILTIN_DEFAULT_POLICY);
  });

  it("shows the error message the loader really gives for a misspelt key", () => {
    const result = loadPolicy('version: 1\npaths:\n  - match: ["a"]\n    action: approve\n    aproval: { count: 2 }\n', ".github/agent-policy.yml");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(doc).toContain(formatPolicyError(result.errors[0]!));
  });
});

describe("docs/example-check.md", () => {
  type Generator = typeof import("../scripts/gen-example-check.js");
  let gen: Generator;

  beforeAll(async () => {
    ensureBuilt();
    gen = await import("../scripts/gen-example-check.js");
  });

  it("is what `node scripts/gen-example-check.js` generates from a real decision of the engine", () => {
    const doc = read("docs/example-check.md");
    const expected = gen.renderExampleCheckDoc();
    expect(doc === expected, "docs/example-check.md is out of date: run `npm run build && node scripts/gen-example-check.js`").toBe(true);
  });

  it("tells the story its introduction tells", () => {
    const d = gen.exampleDecision();
    expect(d.agentAuthored).toBe(true);
    expect(d.detection.agents.map((a) => a.id)).toContain("copilot");
    expect(d.conclusion).toBe("failure");
    expect(d.blocked.map((f) => f.path)).toEqual([".github/workflows/deploy.yml"]);
    const mona = d.approvals.find((a) => a.login === "mona");
    expect(mona?.counted).toBe(false);
    expect(mona?.reason).toMatch(/co-?author/i);
    expect(d.approvals.find((a) => a.login === "linus")?.counted).toBe(true);
    const infra = d.requirements.find((r) => r.files.includes("infra/redis.tf"));
    expect(infra?.requirement.count).toBe(2);
    expect(infra?.missing).toBe(1);
  });
});

describe("dist/index.mjs (the advisory Action's bundle)", () => {
  it("is what `node scripts/gen-action-dist.js` bundles from today's src/action, src/cli and src/engine", async () => {
    const expected = await bundleAction();
    expect(readFileSync(DIST_FILE, "utf8") === expected, "dist/index.mjs is out of date: run `node scripts/gen-action-dist.js` and commit dist/").toBe(true);
  });
});
