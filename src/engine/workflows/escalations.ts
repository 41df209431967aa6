/**
 * Workflow privilege analysis (issue 11 §2): what a change to a workflow or action metadata file
 * grants that its base version did not. Each finding names the line of the offending key or
 * expression, for a check-run annotation.
 *
 * Sources: GitHub's workflow syntax (`permissions`, `on`, `jobs.<id>.secrets`, `runs-on`), "Security
 * hardening for GitHub Actions" (script injection through `github.event.*` and `github.head_ref`;
 * pinning third-party actions to a full-length commit SHA; self-hosted runners on public repositories;
 * `pull_request_target` / `workflow_run` running with secrets on untrusted code) and "Controlling
 * permissions for GITHUB_TOKEN" (a job without `permissions` gets the repository's default, which is
 * read and write for every scope on repositories and organisations created before February 2023).
 */
import type { LineCounter } from "yaml";
import { readWorkflow, type JobModel, type PermissionSpec, type WorkflowModel } from "./model.js";

export type EscalationKind = "permissions" | "trigger" | "secrets" | "script-injection" | "unpinned-action" | "self-hosted-runner";
export const ESCALATION_KINDS: readonly EscalationKind[] = ["permissions", "trigger", "secrets", "script-injection", "unpinned-action", "self-hosted-runner"];

export interface WorkflowFinding {
  path: string;
  /** 1-based line and column in the head version. */
  line: number;
  column: number;
  kind: EscalationKind;
  message: string;
}

export interface AnalysisError {
  path: string;
  line: number;
  column: number;
  message: string;
}

/** Triggers that run with secrets and a write token on events an outsider can cause. */
export const PRIVILEGED_TRIGGERS = ["pull_request_target", "workflow_run", "issue_comment"] as const;
/** GitHub-owned actions (first party): not reported as unpinned third-party actions. */
const FIRST_PARTY_OWNERS = new Set(["actions", "github"]);

/** `.github/workflows/*.yml|yaml` (GitHub runs only files directly in that directory). */
export function isWorkflowPath(path: string): boolean {
  if (!path.startsWith(".github/workflows/")) return false;
  const rest = path.slice(".github/workflows/".length);
  return !rest.includes("/") && (rest.endsWith(".yml") || rest.endsWith(".yaml"));
}

/** Action metadata: `action.yml` / `action.yaml` anywhere (composite actions live in any directory). */
export function isActionPath(path: string): boolean {
  const name = path.slice(path.lastIndexOf("/") + 1);
  return name === "action.yml" || name === "action.yaml";
}

export function isAnalysedWorkflowFile(path: string): boolean {
  return isWorkflowPath(path) || isActionPath(path);
}

type Effective = { kind: "default" } | { kind: "none" } | { kind: "all"; level: string; offset: number; text: string } | { kind: "scopes"; spec: Extract<PermissionSpec, { kind: "scopes" }> };

function effective(job: JobModel | undefined, wf: WorkflowModel | undefined): Effective {
  if (!job || !wf) return { kind: "none" };
  const spec = job.permissions ?? wf.permissions;
  if (!spec) return { kind: "default" };
  return spec.kind === "all" ? { kind: "all", level: spec.level, offset: spec.offset, text: spec.text } : { kind: "scopes", spec };
}

/**
 * Whether the token is known to write `scope`. The repository default is unknown to the engine (it is a
 * repository setting): read-only on newer repositories, so an explicit write where the base relied on
 * the default is reported as new (the safe side), as is the reverse (removing `permissions`).
 */
function writes(e: Effective, scope: string): boolean {
  if (e.kind === "default" || e.kind === "none") return false;
  if (e.kind === "all") return e.level === "write";
  return e.spec.scopes.get(scope)?.level === "write";
}

function isFullSha(ref: string): boolean {
  if (ref.length !== 40 && ref.length !== 64) return false;
  for (const ch of ref) if (!((ch >= "0" && ch <= "9") || (ch >= "a" && ch <= "f"))) return false;
  return true;
}

/** Why a `uses:` value is not pinned (undefined when it is pinned, local or first party). */
export function unpinnedReason(uses: string): string | undefined {
  if (uses.startsWith("./") || uses.startsWith(".\\")) return undefined;
  if (uses.startsWith("docker://")) {
    return uses.includes("@sha256:") ? undefined : "a container image not pinned to a digest (`@sha256:…`)";
  }
  const at = uses.lastIndexOf("@");
  const owner = uses.slice(0, uses.includes("/") ? uses.indexOf("/") : uses.length).toLowerCase();
  if (FIRST_PARTY_OWNERS.has(owner)) return undefined;
  if (at === -1) return "a third-party action without a ref";
  const ref = uses.slice(at + 1);
  return isFullSha(ref) ? undefined : `a third-party action pinned to ${tick(ref)}, not to a full commit SHA (a tag or branch can be moved)`;
}

/**
 * An untrusted value (job id, action reference, secret name …) as an inline-code part of a message:
 * messages mark code with backticks, so the value must not contain one (renderers split on them).
 */
function tick(value: string): string {
  const v = value.length > 200 ? value.slice(0, 199) + "…" : value;
  return "`" + v.replace(/`/g, "'") + "`";
}

interface Pending {
  offset: number;
  kind: EscalationKind;
  message: string;
}

function compare(base: WorkflowModel | undefined, head: WorkflowModel): Pending[] {
  const out: Pending[] = [];
  const add = (offset: number, kind: EscalationKind, message: string) => {
    if (!out.some((p) => p.offset === offset && p.message === message)) out.push({ offset, kind, message });
  };
  // Triggers.
  for (const t of PRIVILEGED_TRIGGERS) {
    const at = head.triggers.get(t);
    if (at !== undefined && !base?.triggers.has(t)) {
      add(at, "trigger", `new ${tick(t)} trigger: it runs with the repository's secrets and a write token on events outsiders can cause`);
    }
  }
  // Permissions, per job as it will run.
  for (const job of head.jobs.values()) {
    const baseJob = base?.jobs.get(job.id);
    const h = effective(job, head);
    const b = effective(baseJob, base);
    if (h.kind === "default" && b.kind !== "default") {
      add(
        job.offset,
        "permissions",
        b.kind === "none"
          ? `job ${tick(job.id)} sets no \`permissions\`: it runs with the repository's default GITHUB_TOKEN permissions (read and write on every scope for repositories created before February 2023)`
          : `\`permissions\` removed for job ${tick(job.id)}: it falls back to the repository's default GITHUB_TOKEN permissions, which may be wider (write-all)`,
      );
    } else if (h.kind === "all" && h.level === "write" && !(b.kind === "all" && b.level === "write")) {
      add(h.offset, "permissions", `${tick(`permissions: ${h.text}`)} grants the GITHUB_TOKEN write access to every scope (job ${tick(job.id)})`);
    } else if (h.kind === "scopes") {
      for (const [scope, s] of h.spec.scopes) {
        if (s.level === "write" && !writes(b, scope)) add(s.offset, "permissions", `new write permission ${tick(`${scope}: write`)} for the GITHUB_TOKEN (job ${tick(job.id)})`);
      }
    }
    if (job.secretsInherit !== undefined && baseJob?.secretsInherit === undefined) {
      add(job.secretsInherit, "secrets", `\`secrets: inherit\` passes every repository and organisation secret to the called workflow (job ${tick(job.id)})`);
    }
    if (job.selfHosted !== undefined && baseJob?.selfHosted === undefined) {
      add(job.selfHosted, "self-hosted-runner", `job ${tick(job.id)} runs on a self-hosted runner: code from the change runs on your machine, which may keep state between jobs`);
    }
  }
  // Secrets newly referenced anywhere in the file.
  for (const [name, at] of head.secrets) {
    if (!base?.secrets.has(name)) add(at, "secrets", `newly references the secret ${tick(name)}`);
  }
  // Untrusted text interpolated into scripts.
  const baseInjections = new Set(base?.injections.map((i) => i.value) ?? []);
  for (const inj of head.injections) {
    if (!baseInjections.has(inj.value)) {
      add(inj.offset, "script-injection", `${tick(`\${{ ${inj.value} }}`)} is interpolated into a script: text an outsider controls runs as shell code (pass it through \`env:\` instead)`);
    }
  }
  // Actions not pinned to a full commit SHA.
  const baseUses = new Set(base?.uses.map((u) => u.value) ?? []);
  for (const u of head.uses) {
    if (baseUses.has(u.value)) continue;
    const why = unpinnedReason(u.value);
    if (why) add(u.offset, "unpinned-action", `${tick(`uses: ${u.value}`)} is ${why}`);
  }
  return out;
}

export interface WorkflowChange {
  path: string;
  /** Text at the base (null: the file did not exist). */
  base: string | null;
  /** Text at the head (null: removed). */
  head: string | null;
}

export interface WorkflowAnalysis { findings: WorkflowFinding[]; errors: AnalysisError[] }

/**
 * The escalations of one changed file. A head version that cannot be parsed is an error (it cannot be
 * judged, so the decision fails closed). A base version that cannot be parsed counts as empty: then
 * everything the head grants is reported as new, the safe side.
 */
export function analyzeWorkflowChange(change: WorkflowChange): WorkflowAnalysis {
  if (change.head === null) return { findings: [], errors: [] };
  const kind = isWorkflowPath(change.path) ? "workflow" : "action";
  const head = readWorkflow(change.head, kind);
  if (!head.ok) return { findings: [], errors: [{ path: change.path, line: head.line, column: head.column, message: head.message }] };
  const base = change.base === null ? undefined : readWorkflow(change.base, kind);
  const lines: LineCounter = head.lines;
  const findings = compare(base?.ok ? base.model : undefined, head.model).map((p) => {
    const pos = lines.linePos(p.offset);
    return { path: change.path, line: pos.line, column: pos.col, kind: p.kind, message: p.message };
  });
  findings.sort((a, b) => a.line - b.line || a.column - b.column);
  return { findings, errors: [] };
}
