/**
 * Operating the app (SPEC §6), on the REAL process's output: the audit lines of a run of the app
 * against the fake GitHub (decisions, Approve clicks, a direct push, faults), read back from its stdout
 * and held to docs/audit.md field by field; the same run searched for every secret the app handled
 * (at LOG_LEVEL=trace); and GET /metrics + GET /healthz scraped from the running server.
 *
 * The app talks to the fake through a recording proxy (test/helpers/recording-proxy.ts), which sees
 * every JWT and installation token on the wire, so the secret search knows exactly what to look for.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startFakeGitHub, type FakeGitHub, type World } from "../fake-github/index.js";
import { REPO_ROOT, startApp, untilStdout, type AppProcess } from "../helpers/app-process.js";
import { startRecordingProxy, type RecordingProxy } from "../helpers/recording-proxy.js";
import { checkRunRequestedAction, deliver, pullRequestEvent, pushEvent, reviewEvent, type Delivery } from "../helpers/webhooks.js";

const AGENT = "copilot-swe-agent[bot]";
const POLICY = ".github/agent-policy.yml";
const SCHEMA = "agent-gate/audit/v1";

type Json = Record<string, unknown>;

/** Everything the process wrote so far: a request logged after all others proves the earlier lines are in. */
async function drainLogs(app: AppProcess): Promise<void> {
  const marker = `drain-${Math.random().toString(36).slice(2)}`;
  await fetch(`${app.url}/healthz?${marker}`).then((r) => r.arrayBuffer());
  await untilStdout(app, () => app.logs.find((l) => l.includes(marker)), `the ${marker} request's log line`);
}

// ───────────────────────── Prometheus text format ─────────────────────────

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A parser of the Prometheus text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/): every line is blank, a comment
 * (`# HELP name text`, `# TYPE name type`, other `# …`) or a sample `name{label="value",…} value [timestamp]`.
 * Anything else throws, naming the line.
 */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string>; help: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const NAME = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
  text.split("\n").forEach((line, index) => {
    const where = `line ${index + 1}: ${JSON.stringify(line)}`;
    if (line.trim() === "") return;
    if (line.startsWith("#")) {
      const m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
      if (m?.[1] === "TYPE") {
        if (!/^(counter|gauge|histogram|summary|untyped)$/.test(m[3]!)) throw new Error(`bad TYPE at ${where}`);
        if (types.has(m[2]!)) throw new Error(`second TYPE for ${m[2]} at ${where}`);
        types.set(m[2]!, m[3]!);
      } else if (m?.[1] === "HELP") help.set(m[2]!, m[3]!);
      return;
    }
    let pos = 0;
    NAME.lastIndex = 0;
    const name = NAME.exec(line)?.[0];
    if (!name) throw new Error(`no metric name at ${where}`);
    pos = name.length;
    const labels: Record<string, string> = {};
    if (line[pos] === "{") {
      pos += 1;
      const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\\\|\\"|\\n)*)"\s*(,|\})/y;
      for (;;) {
        if (line[pos] === "}") {
          pos += 1;
          break;
        }
        LABEL.lastIndex = pos;
        const m = LABEL.exec(line);
        if (!m) throw new Error(`bad label set at ${where}`);
        if (Object.hasOwn(labels, m[1]!)) throw new Error(`duplicate label ${m[1]} at ${where}`);
        labels[m[1]!] = m[2]!.replace(/\\(["\\n])/g, (_s, c: string) => (c === "n" ? "\n" : c));
        pos = LABEL.lastIndex;
        if (m[3] === "}") break;
      }
    }
    const rest = /^ +(\S+)( +-?\d+)?$/.exec(line.slice(pos));
    if (!rest) throw new Error(`bad value at ${where}`);
    const raw = rest[1]!;
    // NaN in any case: Prometheus parses values with Go's ParseFloat, and prom-client writes an
    // event-loop-lag gauge without samples yet as "Nan".
    const value = raw === "+Inf" ? Infinity : raw === "-Inf" ? -Infinity : raw.toLowerCase() === "nan" ? NaN : Number(raw);
    if (!/^([Nn][Aa][Nn]|[+-]Inf|[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)$/.test(raw)) throw new Error(`bad number at ${where}`);
    samples.push({ name, labels, value });
  });
  return { samples, types, help };
}

function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name;
  const base = name.replace(/_(bucket|sum|count)$/, "");
  return types.get(base) === "histogram" || types.get(base) === "summary" ? base : undefined;
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found.reduce((sum, s) => sum + s.value, 0);
}

// ───────────────────────── docs/audit.md field tables ─────────────────────────

interface FieldDoc {
  field: string;
  type: string;
  always: boolean;
}

const AUDIT_DOC = join(REPO_ROOT, "docs", "audit.md");

/** The field tables of docs/audit.md, per section: "envelope", "decision", "approve_click", "direct_push". */
function readAuditDoc(): { tables: Map<string, FieldDoc[]>; examples: string[] } {
  const text = readFileSync(AUDIT_DOC, "utf8");
  const tables = new Map<string, FieldDoc[]>();
  let section = "";
  for (const line of text.split("\n")) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) {
      section = heading[1]!.startsWith("Envelope") ? "envelope" : heading[1]!.replace(/`/g, "").trim();
      continue;
    }
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, "|"));
    // | `field` | type | present | meaning |
    if (cells.length !== 6 || !/^`[^`]+`$/.test(cells[1]!) || !/^(always|when .+)$/.test(cells[3]!)) continue;
    const rows = tables.get(section) ?? [];
    rows.push({ field: cells[1]!.slice(1, -1), type: cells[2]!, always: cells[3] === "always" });
    tables.set(section, rows);
  }
  const examples = [...text.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return { tables, examples };
}

function matchesType(type: string, v: unknown): boolean {
  return type.split("|").some((alt) => {
    const t = alt.trim();
    if (t.endsWith("[]")) return Array.isArray(v) && v.every((x) => matchesType(t.slice(0, -2), x));
    if (t === "string") return typeof v === "string";
    if (t === "integer") return Number.isInteger(v);
    if (t === "boolean") return typeof v === "boolean";
    if (t === "null") return v === null;
    if (t === "object") return typeof v === "object" && v !== null && !Array.isArray(v);
    throw new Error(`docs/audit.md: unknown type "${t}"`);
  });
}

/** Every field path of a line, in the doc's notation (`audit.rules[].met`), with each value seen. */
function fieldPaths(value: unknown, path = "", out = new Map<string, unknown[]>()): Map<string, unknown[]> {
  if (typeof value !== "object" || value === null) return out;
  if (Array.isArray(value)) {
    for (const item of value) if (typeof item === "object" && item !== null && !Array.isArray(item)) fieldPaths(item, `${path}[]`, out);
    return out;
  }
  for (const [key, v] of Object.entries(value)) {
    const p = path ? `${path}.${key}` : key;
    out.set(p, [...(out.get(p) ?? []), v]);
    fieldPaths(v, p, out);
  }
  return out;
}

/** The objects that must hold `field` (each element of an array segment), e.g. every rules[] element for `audit.rules[].met`. */
function parentsOf(line: Json, field: string): Json[] {
  const segments = field.split(".");
  let current: unknown[] = [line];
  for (const seg of segments.slice(0, -1)) {
    const key = seg.replace(/\[\]$/, "");
    current = current.flatMap((o) => {
      const v = (o as Json)[key];
      return seg.endsWith("[]") ? (Array.isArray(v) ? v : []) : v === undefined ? [] : [v];
    });
  }
  return current as Json[];
}

/** Problems of one audit line against the doc (empty: conforms). */
function conformance(line: Json, docs: FieldDoc[]): string[] {
  const problems: string[] = [];
  const byField = new Map(docs.map((d) => [d.field, d]));
  for (const [path, values] of fieldPaths(line)) {
    const doc = byField.get(path);
    if (!doc) problems.push(`${path} is not documented in docs/audit.md`);
    else for (const v of values) if (!matchesType(doc.type, v)) problems.push(`${path} = ${JSON.stringify(v)} is not ${doc.type}`);
  }
  for (const d of docs) {
    const key = d.field.split(".").at(-1)!;
    if (d.always) for (const parent of parentsOf(line, d.field)) if (!(key in parent)) problems.push(`${d.field} (always present) is missing`);
  }
  return problems;
}

// ───────────────────────── the run ─────────────────────────

let fake: FakeGitHub;
let proxy: RecordingProxy;
let app: AppProcess;
let w: World;
let metricsText = "";
let metricsType = "";
const statuses: number[] = [];

async function send(delivery: Delivery): Promise<number> {
  const status = await deliver(app.url, app.secret, delivery[0], delivery[1]);
  statuses.push(status);
  return status;
}

beforeAll(async () => {
  fake = await startFakeGitHub();
  w = fake.state;
  proxy = await startRecordingProxy(fake);
  // trace: the most verbose level, so every log call site (Probot's, Octokit's, ours) is exercised.
  app = await startApp(fake, { GHE_HOST: proxy.host, LOG_LEVEL: "trace" });

  // 1. An agent PR under a policy with an approve rule and an allow rule; one approval counts, one is
  //    refused (a commit author), then an unqualified and a qualified Approve click.
  w.addRepo("acme/obs", {
    files: { "README.md": "# obs\n", [POLICY]: "version: 1\npaths:\n  - match: ['docs/**']\n    action: allow\n  - match: ['src/**']\n    action: approve\n" },
    collaborators: { alice: "write", bob: "write", carol: "read", dave: "write" },
  });
  const pr = w.addPull("acme/obs", { author: AGENT, head: "copilot/obs", commits: [{ message: "Change", author: "dave", files: { "src/a.ts": "a\n", "docs/a.md": "a\n" } }] });
  await send(pullRequestEvent(w, "acme/obs", pr.number, "opened"));
  const refused = w.review("acme/obs", pr.number, "dave", "APPROVED");
  await send(reviewEvent(w, "acme/obs", pr.number, refused.id));
  const runId = w.checkRuns("acme/obs", pr.headSha, "agent-gate")[0]!.id;
  await send(checkRunRequestedAction(w, "acme/obs", runId, "approve", "carol"));
  await send(checkRunRequestedAction(w, "acme/obs", runId, "approve", "alice"));

  // 2. A human PR (no agent) and a direct push of agent commits to the default branch.
  const human = w.addPull("acme/obs", { author: "bob", head: "feature", commits: [{ message: "Docs", author: "bob", files: { "docs/b.md": "b\n" } }] });
  await send(pullRequestEvent(w, "acme/obs", human.number, "opened"));
  const pushed = w.pushCommit("acme/obs", "main", { message: "Agent change\n\nCo-authored-by: Claude <noreply@anthropic.com>", author: "alice" });
  await send(pushEvent(w, "acme/obs", { after: pushed.sha }));
  // 2b. An agent PR changing a workflow: the workflow analysis runs (issue 11, `audit.guard`).
  const ci = w.addPull("acme/obs", { author: AGENT, head: "copilot/ci", commits: [{ message: "CI", files: { ".github/workflows/ci.yml": "on: pull_request_target\njobs: {}\n" } }] });
  await send(pullRequestEvent(w, "acme/obs", ci.number, "opened"));

  // 3. Faults: a check write that keeps failing (the handler throws → 500); a read that keeps failing
  //    (the decision fails closed, unverified); an installation whose token cannot be minted (the
  //    JWT-authenticated request fails, the handler throws) — error paths log the most.
  const failing = w.addPull("acme/obs", { author: AGENT, head: "copilot/fail", commits: [{ message: "x", files: { "src/f.ts": "f\n" } }] });
  fake.faults.inject({ repo: "acme/obs", operationId: "checks/create", status: 500, times: 10 });
  await send(pullRequestEvent(w, "acme/obs", failing.number, "opened"));
  fake.faults.clear();
  const unreadable = w.addPull("acme/obs", { author: AGENT, head: "copilot/unreadable", commits: [{ message: "u", files: { "src/u.ts": "u\n" } }] });
  fake.faults.inject({ repo: "acme/obs", graphql: "AgentGatePull", status: 502, times: 10 });
  await send(pullRequestEvent(w, "acme/obs", unreadable.number, "opened"));
  fake.faults.clear();
  w.addRepo("globex/obs", { files: { "README.md": "# g\n" } });
  const other = w.addPull("globex/obs", { author: AGENT, head: "copilot/g", commits: [{ message: "g", files: { "src/g.ts": "g\n" } }] });
  fake.faults.inject({ operationId: "apps/create-installation-access-token", status: 500, times: 1000 });
  await send(pullRequestEvent(w, "globex/obs", other.number, "opened"));
  fake.faults.clear();

  // 4. approval.keep_on_update_merge: a clean "Update branch" merge carries the approval (carriedFrom),
  //    a second one that edits a file of the PR does not (notCarried).
  w.addRepo("acme/obs-merge", { files: { "README.md": "# m\n", [POLICY]: "version: 1\napproval:\n  keep_on_update_merge: true\n" }, collaborators: { alice: "write", bob: "write" } });
  const kept = w.addPull("acme/obs-merge", { author: AGENT, head: "copilot/kept", commits: [{ message: "k", files: { "src/k.ts": "k\n" } }] });
  await send(pullRequestEvent(w, "acme/obs-merge", kept.number, "opened"));
  const approval = w.review("acme/obs-merge", kept.number, "alice", "APPROVED");
  await send(reviewEvent(w, "acme/obs-merge", kept.number, approval.id));
  w.setFile("acme/obs-merge", "main", "docs/m.md", "m\n");
  w.updateBranchMerge("acme/obs-merge", kept.number, { author: "bob" });
  await send(pullRequestEvent(w, "acme/obs-merge", kept.number, "synchronize"));
  w.setFile("acme/obs-merge", "main", "docs/n.md", "n\n");
  w.updateBranchMerge("acme/obs-merge", kept.number, { author: "bob", files: { "src/k.ts": "k\nextra\n" } });
  await send(pullRequestEvent(w, "acme/obs-merge", kept.number, "synchronize"));

  const res = await fetch(`${app.url}/metrics`);
  metricsType = res.headers.get("content-type") ?? "";
  metricsText = await res.text();
  await drainLogs(app);
}, 60_000);

/* eslint-disable @typescript-eslint/no-unnecessary-condition -- each is unset when beforeAll failed before starting it; its declared type cannot say so */
afterAll(async () => {
  await app?.stop();
  await proxy?.close();
  await fake?.close();
});
/* eslint-enable @typescript-eslint/no-unnecessary-condition */

function auditLines(): Json[] {
  return app.json().filter((l) => (l.audit as Json | undefined)?.schema === SCHEMA);
}

describe("audit trail (docs/audit.md)", () => {
  test("the scenario ran as intended", () => {
    // The deliveries whose check could not be written fail (500); every other one succeeded.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 500, 200, 500, 200, 200, 200, 200]);
    expect(fake.violations.filter((v) => v.kind !== "unimplemented")).toEqual([]);
  });

  test("every audit line parses and carries every documented field with its documented type", () => {
    const { tables } = readAuditDoc();
    const lines = auditLines();
    const types = new Set(lines.map((l) => (l.audit as Json).type));
    // `retry`: the read and write faults below are re-evaluated by themselves (src/app/flows/retry.ts).
    expect([...types].sort()).toEqual(["approve_click", "decision", "direct_push", "retry"]);
    for (const line of lines) {
      const type = (line.audit as Json).type as string;
      const docs = [...(tables.get("envelope") ?? []), ...(tables.get(type) ?? [])];
      expect(docs.length, `docs/audit.md has no table for ${type}`).toBeGreaterThan(10);
      expect(conformance(line, docs), JSON.stringify(line)).toEqual([]);
    }
    // Each msg marker goes with its type.
    const msg = { decision: "agent-gate decision", approve_click: "agent-gate approve click", direct_push: "agent-gate direct push", retry: "agent-gate re-evaluation" };
    for (const line of lines) expect(line.msg).toBe(msg[(line.audit as Json).type as keyof typeof msg]);
    // Only audit lines carry an `audit` object.
    expect(app.json().filter((l) => "audit" in l)).toHaveLength(lines.length);
  });

  test("the decisions say what happened: rules, approvers counted and refused, clicks, the push", () => {
    const lines = auditLines().map((l) => l.audit as Json);
    const decisions = lines.filter((a) => a.type === "decision" && a.repo === "acme/obs");
    const final = decisions.find((a) => a.trigger === "check_run.requested_action" && a.conclusion === "success");
    expect(final).toMatchObject({
      agents: ["copilot"],
      policySource: { kind: "repository" },
      policyHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      rules: expect.arrayContaining([
        { rule: "rule 1", action: "allow", files: 1 },
        { rule: "rule 2", action: "approve", files: 1, met: true, missing: 0, approvedBy: ["alice"] },
      ]),
      approvers: expect.arrayContaining([
        { login: "alice", source: "button", counted: true },
        expect.objectContaining({ login: "dave", source: "review", counted: false, reason: expect.stringMatching(/contributor|author/) }),
      ]),
      checkConclusion: "success",
      wrote: true,
      githubRequests: { rest: expect.any(Number), graphql: 1, conditional: expect.any(Number) },
    });
    const clicks = lines.filter((a) => a.type === "approve_click");
    expect(clicks).toEqual([
      expect.objectContaining({ login: "carol", counted: false, reason: expect.stringMatching(/read/) }),
      expect.objectContaining({ login: "alice", counted: true }),
    ]);
    expect(clicks[1]).not.toHaveProperty("reason");
    expect(decisions.some((a) => (a.agents as string[]).length === 0 && a.conclusion === "success")).toBe(true);
    expect(lines.find((a) => a.type === "direct_push")).toMatchObject({ ref: "refs/heads/main", pusher: "alice", agents: ["claude-code"], conclusion: "neutral", unverified: [] });
  });

  test("docs/audit.md and the emitted fields are in step: each documented field occurs, each example conforms", () => {
    const { tables, examples } = readAuditDoc();
    const lines = auditLines();
    for (const type of ["decision", "approve_click", "direct_push", "retry"]) {
      const seen = new Set<string>();
      for (const l of lines.filter((x) => (x.audit as Json).type === type)) for (const p of fieldPaths(l).keys()) seen.add(p);
      const documented = [...(tables.get("envelope") ?? []), ...(tables.get(type) ?? [])].map((d) => d.field);
      expect(documented.filter((f) => !seen.has(f)), `documented for ${type} but never emitted`).toEqual([]);
      expect([...seen].filter((f) => !documented.includes(f)), `emitted for ${type} but not documented`).toEqual([]);
    }
    expect(examples).toHaveLength(4);
    for (const example of examples) {
      const line = JSON.parse(example) as Json;
      const type = (line.audit as Json).type as string;
      expect(conformance(line, [...tables.get("envelope")!, ...tables.get(type)!]), `example of ${type}`).toEqual([]);
    }
  });
});

describe("secrets never reach the logs (LOG_LEVEL=trace)", () => {
  test("no line of stdout or stderr holds the webhook secret, the private key, a JWT or an installation token", () => {
    const output = [...app.logs, ...app.stderr];
    // Non-vacuous: the app logged at debug/trace level and the proxy saw the credentials.
    expect(app.json().some((l) => typeof l.level === "number" && l.level <= 20)).toBe(true);
    // …and its error paths, which log the failed request with its headers (Octokit redacts the credential), ran.
    expect(app.json().filter((l) => l.level === 50 && JSON.stringify(l.err ?? "").includes('"authorization":"token [REDACTED]"')).length).toBeGreaterThan(0);
    const credentials = proxy.credentials();
    const jwts = credentials.filter((c) => c.split(".").length === 3);
    const tokens = [...new Set([...proxy.mintedTokens, ...credentials.filter((c) => !jwts.includes(c))])];
    expect(jwts.length).toBeGreaterThanOrEqual(1);
    expect(proxy.mintedTokens.length).toBeGreaterThanOrEqual(1);
    const keyLines = fake.privateKey
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("-----"));
    expect(keyLines.length).toBeGreaterThan(10);
    const secrets: [string, string][] = [
      ["WEBHOOK_SECRET", app.secret],
      ...keyLines.map((l, i): [string, string] => [`private key line ${i + 2}`, l]),
      ...jwts.flatMap((j): [string, string][] => [
        ["JWT", j],
        ["JWT signature", j.split(".")[2]!],
      ]),
      ...tokens.map((t): [string, string] => ["installation token", t]),
    ];
    const leaks = secrets.flatMap(([what, secret]) => output.filter((line) => line.includes(secret)).map((line) => `${what} in: ${line.slice(0, 300)}`));
    expect(leaks).toEqual([]);
  });
});

describe("GET /metrics and GET /healthz", () => {
  test("/metrics is valid Prometheus text with the documented metrics, moved by the run", () => {
    expect(metricsType).toMatch(/^text\/plain; version=0\.0\.4/);
    const { samples, types, help } = parseExposition(metricsText);
    for (const s of samples) expect(familyOf(s.name, types), `${s.name} has no # TYPE`).toBeDefined();
    for (const name of types.keys()) expect(help.has(name), `${name} has no # HELP`).toBe(true);
    expect(types.get("agent_gate_decisions_total")).toBe("counter");
    expect(types.get("agent_gate_agent_pull_requests_total")).toBe("counter");
    expect(types.get("agent_gate_webhook_duration_seconds")).toBe("histogram");
    expect(types.get("agent_gate_github_requests_total")).toBe("counter");
    expect(types.get("agent_gate_github_rate_limit_remaining")).toBe("gauge");
    expect(types.get("agent_gate_errors_total")).toBe("counter");
    // Node.js process defaults.
    expect(types.get("process_cpu_user_seconds_total")).toBe("counter");
    expect(types.has("nodejs_heap_size_used_bytes")).toBe(true);

    // Decisions: one per audit decision line, by conclusion.
    const decisions = auditLines().filter((l) => (l.audit as Json).type === "decision").map((l) => l.audit as Json);
    for (const c of ["success", "action_required", "failure", "neutral"]) {
      expect(value(samples, "agent_gate_decisions_total", { conclusion: c }), c).toBe(decisions.filter((d) => d.conclusion === c).length);
    }
    expect(value(samples, "agent_gate_decisions_total", { conclusion: "success" })).toBeGreaterThanOrEqual(2);
    expect(value(samples, "agent_gate_agent_pull_requests_total", { agent: "copilot" })).toBe(decisions.filter((d) => (d.agents as string[]).includes("copilot")).length);

    // Latency: a histogram per event, buckets cumulative and ending in +Inf = _count.
    for (const event of ["pull_request.opened", "pull_request_review.submitted", "check_run.requested_action", "push"]) {
      const buckets = samples.filter((s) => s.name === "agent_gate_webhook_duration_seconds_bucket" && s.labels.event === event);
      expect(buckets.length, event).toBeGreaterThan(5);
      const counts = buckets.map((b) => b.value);
      expect(counts).toEqual([...counts].sort((a, b) => a - b));
      expect(buckets.at(-1)!.labels.le).toBe("+Inf");
      expect(buckets.at(-1)!.value).toBe(value(samples, "agent_gate_webhook_duration_seconds_count", { event }));
    }
    expect(value(samples, "agent_gate_webhook_duration_seconds_count", { event: "pull_request.opened" })).toBe(7);
    expect(value(samples, "agent_gate_webhook_duration_seconds_count", { event: "check_run.requested_action" })).toBe(2);

    // GitHub requests by kind and status, against what the proxy saw (retries of failed requests are
    // counted once, with their final status, so compare successes exactly and failures by presence).
    const seen = (pred: (r: RecordingProxy["requests"][number]) => boolean) => proxy.requests.filter(pred).length;
    expect(value(samples, "agent_gate_github_requests_total", { kind: "graphql", status: "200" })).toBe(seen((r) => r.path === "/api/graphql" && r.status === 200));
    expect(value(samples, "agent_gate_github_requests_total", { kind: "rest", status: "201" })).toBe(
      seen((r) => r.method === "POST" && r.status === 201 && !r.path.endsWith("/access_tokens")),
    );
    const rest500 = value(samples, "agent_gate_github_requests_total", { kind: "rest", status: "500" });
    expect(rest500).toBeGreaterThanOrEqual(1);
    expect(rest500).toBeLessThan(seen((r) => r.status === 500));
    const installation = String(w.installationFor("acme").id);
    expect(value(samples, "agent_gate_github_rate_limit_remaining", { installation, resource: "core" })).toBe(4999);
    expect(value(samples, "agent_gate_github_rate_limit_remaining", { installation, resource: "graphql" })).toBe(4999);

    // Errors: the failing check write and the unmintable token (request errors, then the handler
    // throws), the failing read (a request error, then a decision that could not verify everything).
    expect(value(samples, "agent_gate_errors_total", { kind: "github_request" })).toBeGreaterThanOrEqual(3);
    expect(value(samples, "agent_gate_errors_total", { kind: "webhook_handler" })).toBe(2);
    expect(value(samples, "agent_gate_errors_total", { kind: "unverified_decision" })).toBe(decisions.filter((d) => (d.unverified as string[]).length > 0).length);
    expect(value(samples, "agent_gate_errors_total", { kind: "unverified_decision" })).toBeGreaterThanOrEqual(1);
  });

  test("docs/metrics.md documents exactly the agent_gate_* metrics served, with their types and labels", () => {
    const { samples, types } = parseExposition(metricsText);
    const doc = readFileSync(join(REPO_ROOT, "docs", "metrics.md"), "utf8");
    const rows = [...doc.matchAll(/^\| `(agent_gate_[a-z_]+)` \| (counter|gauge|histogram) \| (.+?) \|/gm)].map((m) => ({ name: m[1]!, type: m[2]!, labels: m[3]! }));
    const served = [...types.entries()].filter(([name]) => name.startsWith("agent_gate_"));
    expect(rows.map((r) => [r.name, r.type]).sort()).toEqual(served.sort());
    for (const r of rows) {
      const documented = [...r.labels.matchAll(/`([a-z_]+)`:/g)].map((m) => m[1]!).sort();
      const seen = [...new Set(samples.filter((s) => s.name.startsWith(r.name)).flatMap((s) => Object.keys(s.labels)))].filter((l) => l !== "le").sort();
      expect(seen, r.name).toEqual(documented);
    }
  });

  test("the exposition parser refuses what is not the text format", () => {
    expect(() => parseExposition("agent_gate_x{a=\"1\" 2\n")).toThrow(/label set/);
    expect(() => parseExposition("agent_gate_x 1 2 3\n")).toThrow(/value/);
    expect(() => parseExposition("# TYPE x countr\n")).toThrow(/TYPE/);
    expect(parseExposition('# TYPE x counter\nx{a="q\\"b",c="\\\\"} 1.5e3\n').samples).toEqual([{ name: "x", labels: { a: 'q"b', c: "\\" }, value: 1500 }]);
  });

  test("/healthz answers 200 ok without a GitHub request; unknown paths still 404", async () => {
    const before = proxy.requests.length;
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok\n");
    expect(proxy.requests.length).toBe(before);
    expect((await fetch(`${app.url}/no-such-path`)).status).toBe(404);
  });
});

describe("mounted by `probot run` too", () => {
  test("probot run lib/app/index.js serves /healthz and /metrics", async () => {
    const other = await startApp(fake, {}, { entry: join(REPO_ROOT, "test", "helpers", "probot-run.mjs") });
    try {
      const health = await fetch(`${other.url}/healthz`);
      expect(health.status).toBe(200);
      const metrics = await fetch(`${other.url}/metrics`);
      expect(metrics.status).toBe(200);
      const { types } = parseExposition(await metrics.text());
      expect(types.get("agent_gate_decisions_total")).toBe("counter");
    } finally {
      await other.stop();
    }
  });
});
