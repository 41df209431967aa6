/**
 * A GitHub Actions workflow or action metadata file, read into the few facts the privilege analysis
 * compares (issue 11 §2), each with the source offset of the key or expression it came from.
 *
 * Parsed with the `yaml` package (eemeli/yaml, the YAML 1.2 parser Probot itself depends on): its
 * document AST keeps every node's source range, so a finding points at the line of the offending key
 * or expression. YAML 1.2 reads `on:` as the string "on" (YAML 1.1 made it `true`), as GitHub does.
 * Aliases are followed one step where a value is read (`permissions: *p`); the generic scans walk the
 * AST without expanding aliases, so a "billion laughs" file stays linear.
 *
 * Expression scanning (`${{ … }}`) is indexOf-based: linear in the text, no backtracking pattern.
 */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from "yaml";
import type { Document } from "yaml";

export type PermissionLevel = "read" | "write" | "none";

/** `permissions:` as written: a shorthand for every scope, or scope by scope. */
export type PermissionSpec =
  | { kind: "all"; level: PermissionLevel; offset: number; text: string }
  | { kind: "scopes"; scopes: Map<string, { level: PermissionLevel; offset: number }>; offset: number };

export interface Located {
  value: string;
  offset: number;
}

export interface JobModel {
  id: string;
  offset: number;
  permissions?: PermissionSpec;
  /** Offset of `runs-on` when one of its labels is `self-hosted`. */
  selfHosted?: number;
  /** Offset of `secrets: inherit`. */
  secretsInherit?: number;
}

export interface WorkflowModel {
  kind: "workflow" | "action";
  triggers: Map<string, number>;
  permissions?: PermissionSpec;
  jobs: Map<string, JobModel>;
  /** Every `uses:` (steps and reusable-workflow jobs). */
  uses: Located[];
  /** Secret names referenced in expressions, first occurrence. */
  secrets: Map<string, number>;
  /** Untrusted-context expressions interpolated into scripts (`run:`, github-script's `script:`). */
  injections: Located[];
}

export type ReadResult = { ok: true; model: WorkflowModel; lines: LineCounter } | { ok: false; line: number; column: number; message: string };

/** Contexts whose text an outside contributor controls (GitHub's "Understanding the risk of script injections"). */
const UNTRUSTED_PREFIXES = ["github.event.", "github.head_ref"];

function str(node: unknown): string | undefined {
  return isScalar(node) && (typeof node.value === "string" || typeof node.value === "number" || typeof node.value === "boolean") ? String(node.value) : undefined;
}

function resolve(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function start(node: unknown, fallback: number): number {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? range[0] : fallback;
}

/**
 * The key/value pairs of a mapping. A merge key (`<<: *base`, `<<: [*a, *b]`) contributes the merged
 * mappings' pairs that the mapping does not set itself (YAML merge semantics): whether or not a given
 * runner honours merge keys, a privilege hidden behind one is still read (at the merge key's line).
 * One level deep, so aliases cannot make the walk exponential.
 */
function pairs(doc: Document, node: unknown, depth = 0): { key: string; keyOffset: number; value: unknown }[] {
  const map = resolve(doc, node);
  if (!isMap(map)) return [];
  const out: { key: string; keyOffset: number; value: unknown }[] = [];
  const merged: { key: string; keyOffset: number; value: unknown }[] = [];
  for (const item of map.items) {
    if (!isPair(item)) continue;
    const key = str(item.key);
    if (key === undefined) continue;
    if (key === "<<" && depth < 2) {
      const at = start(item.key, 0);
      const sources = isSeq(item.value) ? item.value.items : [item.value];
      for (const src of sources) for (const p of pairs(doc, src, depth + 1)) merged.push({ ...p, keyOffset: at });
      continue;
    }
    out.push({ key, keyOffset: start(item.key, 0), value: resolve(doc, item.value) });
  }
  for (const m of merged) if (!out.some((p) => p.key === m.key)) out.push(m);
  return out;
}

function get(doc: Document, node: unknown, key: string): { keyOffset: number; value: unknown } | undefined {
  return pairs(doc, node).find((p) => p.key === key);
}

function items(doc: Document, node: unknown): unknown[] {
  const seq = resolve(doc, node);
  return isSeq(seq) ? seq.items.map((i) => resolve(doc, i)) : [];
}

function level(text: string | undefined): PermissionLevel | undefined {
  return text === "read" || text === "write" || text === "none" ? text : undefined;
}

function readPermissions(doc: Document, node: unknown, keyOffset: number): PermissionSpec | undefined {
  const value = resolve(doc, node);
  const text = str(value);
  if (text !== undefined) {
    // `write-all` / `read-all`; `{}` is "none" for every scope (GitHub workflow syntax, `permissions`).
    const all = text === "write-all" ? "write" : text === "read-all" ? "read" : undefined;
    return all ? { kind: "all", level: all, offset: start(value, keyOffset), text } : undefined;
  }
  if (!isMap(value)) return undefined;
  const scopes = new Map<string, { level: PermissionLevel; offset: number }>();
  for (const p of pairs(doc, value)) {
    const l = level(str(p.value));
    if (l) scopes.set(p.key, { level: l, offset: p.keyOffset });
  }
  return { kind: "scopes", scopes, offset: keyOffset };
}

function readTriggers(doc: Document, node: unknown, keyOffset: number): Map<string, number> {
  const out = new Map<string, number>();
  const value = resolve(doc, node);
  const one = str(value);
  if (one !== undefined) out.set(one, start(value, keyOffset));
  for (const item of items(doc, value)) {
    const name = str(item);
    if (name !== undefined && !out.has(name)) out.set(name, start(item, keyOffset));
  }
  for (const p of pairs(doc, value)) if (!out.has(p.key)) out.set(p.key, p.keyOffset);
  return out;
}

function isSelfHosted(doc: Document, node: unknown): boolean {
  const value = resolve(doc, node);
  const labels = [str(value), ...items(doc, value).map(str), ...items(doc, get(doc, value, "labels")?.value).map(str), str(get(doc, value, "labels")?.value)];
  return labels.some((l) => l?.toLowerCase() === "self-hosted");
}

/** Each `${{ … }}` in `text`: the inner expression and its offset in `text`. */
export function expressions(text: string): { expr: string; at: number }[] {
  const out: { expr: string; at: number }[] = [];
  let i = text.indexOf("${{");
  while (i !== -1) {
    const end = text.indexOf("}}", i + 3);
    if (end === -1) break;
    out.push({ expr: text.slice(i + 3, end).trim(), at: i });
    i = text.indexOf("${{", end + 2);
  }
  return out;
}

const IDENT = /[A-Za-z0-9_-]/;

/** Secret names an expression references: `secrets.NAME`, `secrets['NAME']`, `secrets["NAME"]`. */
export function secretNames(expr: string): string[] {
  const out: string[] = [];
  let i = expr.indexOf("secrets");
  while (i !== -1) {
    const before = i > 0 ? expr[i - 1]! : "";
    let j = i + "secrets".length;
    if (before === "" || !(IDENT.test(before) || before === ".")) {
      if (expr[j] === ".") {
        let k = j + 1;
        while (k < expr.length && IDENT.test(expr[k]!)) k++;
        if (k > j + 1) out.push(expr.slice(j + 1, k));
        j = k;
      } else if (expr[j] === "[" && (expr[j + 1] === "'" || expr[j + 1] === '"')) {
        const close = expr.indexOf(expr[j + 1]!, j + 2);
        if (close !== -1) out.push(expr.slice(j + 2, close));
        j = close === -1 ? j + 1 : close;
      }
    }
    i = expr.indexOf("secrets", Math.max(j, i + 1));
  }
  return out;
}

/** Whether an expression reads attacker-controlled text. */
export function isUntrusted(expr: string): boolean {
  return UNTRUSTED_PREFIXES.some((p) => expr.includes(p));
}

/** Walks every scalar of the document (aliases not expanded) with its source range. */
function eachScalar(node: unknown, visit: (value: string, range: [number, number, number]) => void): void {
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const n = stack.pop();
    if (isScalar(n)) {
      if (typeof n.value === "string" && n.range) visit(n.value, n.range);
    } else if (isMap(n) || isSeq(n)) {
      for (const it of (n as { items: unknown[] }).items) {
        if (isPair(it)) stack.push(it.key, it.value);
        else stack.push(it);
      }
    }
  }
}

function scanScript(source: string, node: unknown, into: Located[]): void {
  if (!isScalar(node) || typeof node.value !== "string" || !node.range) return;
  // Offsets from the source text itself: a block scalar's value has its indentation stripped.
  const text = source.slice(node.range[0], node.range[1]);
  for (const e of expressions(text)) if (isUntrusted(e.expr)) into.push({ value: e.expr, offset: node.range[0] + e.at });
}

function readSteps(doc: Document, source: string, steps: unknown, model: WorkflowModel): void {
  for (const step of items(doc, steps)) {
    const uses = get(doc, step, "uses");
    const usesText = str(uses?.value);
    if (uses && usesText !== undefined) model.uses.push({ value: usesText, offset: start(uses.value, uses.keyOffset) });
    const run = get(doc, step, "run");
    if (run) scanScript(source, run.value, model.injections);
    if (usesText?.toLowerCase().startsWith("actions/github-script@")) {
      const script = get(doc, get(doc, step, "with")?.value, "script");
      if (script) scanScript(source, script.value, model.injections);
    }
  }
}

/** Reads a workflow (`kind: "workflow"`) or action metadata file (`kind: "action"`). */
export function readWorkflow(source: string, kind: "workflow" | "action"): ReadResult {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, uniqueKeys: true, prettyErrors: true, version: "1.2" });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0] ?? { line: 1, col: 1 };
    return { ok: false, line: pos.line, column: pos.col, message: `invalid YAML: ${error.message.split("\n")[0]}` };
  }
  const root = doc.contents;
  if (!isMap(root)) return { ok: false, line: 1, column: 1, message: `expected a mapping of ${kind === "workflow" ? "workflow" : "action"} keys at top level` };
  const model: WorkflowModel = { kind, triggers: new Map(), jobs: new Map(), uses: [], secrets: new Map(), injections: [] };
  for (const top of pairs(doc, root)) {
    if (kind === "workflow" && top.key === "on") model.triggers = readTriggers(doc, top.value, top.keyOffset);
    else if (kind === "workflow" && top.key === "permissions") {
      const p = readPermissions(doc, top.value, top.keyOffset);
      if (p) model.permissions = p;
    } else if (kind === "workflow" && top.key === "jobs") {
      for (const j of pairs(doc, top.value)) {
        const job: JobModel = { id: j.key, offset: j.keyOffset };
        for (const f of pairs(doc, j.value)) {
          if (f.key === "permissions") {
            const p = readPermissions(doc, f.value, f.keyOffset);
            if (p) job.permissions = p;
          } else if (f.key === "runs-on" && isSelfHosted(doc, f.value)) job.selfHosted = f.keyOffset;
          else if (f.key === "secrets" && str(f.value) === "inherit") job.secretsInherit = start(f.value, f.keyOffset);
          else if (f.key === "uses") {
            const u = str(f.value);
            if (u !== undefined) model.uses.push({ value: u, offset: start(f.value, f.keyOffset) });
          } else if (f.key === "steps") readSteps(doc, source, f.value, model);
        }
        model.jobs.set(job.id, job);
      }
    } else if (kind === "action" && top.key === "runs") {
      readSteps(doc, source, get(doc, top.value, "steps")?.value, model);
    }
  }
  eachScalar(root, (_value, range) => {
    const text = source.slice(range[0], range[1]);
    for (const e of expressions(text)) {
      for (const name of secretNames(e.expr)) if (!model.secrets.has(name)) model.secrets.set(name, range[0] + e.at);
    }
  });
  return { ok: true, model, lines };
}
