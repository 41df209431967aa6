/**
 * Loading `.github/agent-policy.yml` (SPEC §3): YAML parsing with source positions, validation
 * against the shipped JSON Schema, `_extends` layering, defaults and the policy hash.
 *
 * Pure: the caller reads the file(s); this module only sees text. A broken file never yields a
 * policy, and every error names the file, the line and column of the offending key or value, and
 * what was expected (SPEC §3: "a typo must never silently weaken a policy").
 */
import { requirementFromPolicy } from "../requirement-keys.js";
import { createHash } from "node:crypto";
import { Ajv } from "ajv";
import type { ErrorObject } from "ajv";
import { CORE_SCHEMA, Type, YAMLException, load } from "js-yaml";
import type { AgentDefinition, AssistedMode, DependencyAction, EscalationAction, PathRule, Policy, PolicyError, ReviewFlow, SignalKind, UnknownBotsMode } from "../types.js";
import { PATH_SET_NAMES, isSetReference, pathSet } from "./path-sets.js";
import {
  DEFAULT_ACTION,
  DEFAULT_ASSISTED,
  DEFAULT_UNKNOWN_BOTS,
  DEFAULT_BUILTIN_AGENTS,
  DEFAULT_DEPENDENCY_ACTION,
  DEFAULT_ENABLED,
  DEFAULT_WORKFLOW_ESCALATION,
  DEFAULT_PER_AGENT_LABELS,
  DEFAULT_REQUIREMENT,
  DEFAULT_REVIEW_FLOW,
  DEFAULT_SIGNALS,
  POLICY_VERSION,
} from "./defaults.js";
import { DEFAULT_AGENT_LABEL } from "../names.js";
import {
  AGENT_ID_PATTERN,
  EXTENDS_PATTERN,
  LOGIN_PATTERN,
  POLICY_SCHEMA,
  SIGNATURE_KEYS,
  TEAM_PATTERN,
} from "./schema.js";
import { patternProblem, type PatternKind } from "./patterns.js";
import { escapeText, quote } from "../escape.js";

export { BUILTIN_DEFAULT_POLICY } from "./defaults.js";
export { POLICY_PATH } from "../names.js";

export interface SourcePosition {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/** A parsed (not yet validated) policy file. */
export interface PolicyDocument {
  file: string;
  /** The YAML value as loaded; `undefined` for an empty file. */
  value: unknown;
  /** The top-level `_extends` when it is a string (what the adapter must fetch next), else null. */
  extends: string | null;
  /**
   * Where the value at a JSON-pointer path (`/approval/count`, `""` for the document) starts.
   * A path the text does not spell out (a value reached through a YAML alias or merge key) gets the
   * position of its nearest spelled-out ancestor.
   */
  positionOf(path: string): SourcePosition;
  /** Where the key of the member at `path` starts (for unknown or misplaced keys); else `positionOf(path)`. */
  keyPositionOf(path: string): SourcePosition;
}

export type ParseResult = { ok: true; doc: PolicyDocument } | { ok: false; errors: PolicyError[] };

export type LoadResult = { ok: true; policy: Policy; hash: string } | { ok: false; errors: PolicyError[] };

// ───────────────────────────── YAML with positions ─────────────────────────────

/**
 * The YAML 1.2 core schema (null, bool, int, float, str, seq, map) plus merge keys (`<<: *base`).
 * js-yaml's default schema would also turn `2024-01-01` into a Date and accept `!!binary`, types no
 * policy value has: they could only produce confusing "got an object" errors.
 */
const YAML_SCHEMA = CORE_SCHEMA.extend({
  // js-yaml's own merge type (lib/type/merge.js), restated because @types/js-yaml omits `types`;
  // the loader recognises merge keys by this tag.
  implicit: [new Type("tag:yaml.org,2002:merge", { kind: "scalar", resolve: (data) => data === "<<" || data === null })],
});

/**
 * js-yaml keeps an alias as a reference to the anchored value, so parsing is linear, but anything
 * that walks the result (validation, hashing, the decision) visits every reference: a
 * "billion laughs" document expands exponentially there. Loading stops at this many values.
 */
export const MAX_POLICY_VALUES = 100_000;

interface ComposedNode {
  open: number;
  close: number;
  result: unknown;
  children: ComposedNode[];
}

interface Located {
  key?: number;
  value: number;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function escapePointer(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

function unescapePointer(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

function parentPointer(pointer: string): string {
  return pointer.slice(0, pointer.lastIndexOf("/"));
}

/** The first offset at or after `from` that is not whitespace, a line break or a comment. */
function skipSeparation(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const ch = text[i];
    if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") {
      i++;
    } else if (ch === "#") {
      while (i < text.length && text[i] !== "\n") i++;
    } else {
      break;
    }
  }
  return i;
}

/**
 * Maps JSON pointers to source offsets, from the node tree recorded with js-yaml's `listener`
 * (one open/close pair per composed node; a mapping's children are its keys and values in order).
 */
function indexPositions(text: string, root: ComposedNode | undefined): Map<string, Located> {
  const index = new Map<string, Located>();
  const startOf = (node: ComposedNode): number => {
    const start = skipSeparation(text, node.open);
    // An empty value (`key:` then a new line) has no text of its own.
    return start >= node.close ? -1 : start;
  };
  const visit = (node: ComposedNode, pointer: string, keyAt: number | undefined): void => {
    const start = startOf(node);
    index.set(pointer, { key: keyAt, value: start >= 0 ? start : (keyAt ?? node.open) });
    // A flow collection where a block mapping could start (`- { id: x }`, a document `{…}`) is
    // first composed as a would-be key, then kept as the node itself: one child, same value.
    let inner = node;
    while (inner.children.length === 1 && inner.children[0]!.result === inner.result && typeof inner.result === "object") {
      inner = inner.children[0]!;
    }
    const { result, children } = inner;
    if (Array.isArray(result)) {
      let next = 0;
      result.forEach((item, i) => {
        for (let c = next; c < children.length; c++) {
          const child = children[c]!;
          if (Object.is(child.result, item)) {
            visit(child, `${pointer}/${i}`, undefined);
            next = c + 1;
            return;
          }
        }
      });
    } else if (isPlainObject(result)) {
      const seen = new Set<string>();
      for (let c = 0; c < children.length; c++) {
        const keyNode = children[c]!;
        const k = keyNode.result;
        if (k !== null && typeof k === "object") continue;
        // js-yaml turns every scalar key into a string with String(), so `1:` is the key "1".
        const key = String(k);
        if (seen.has(key) || !Object.prototype.hasOwnProperty.call(result, key)) continue;
        seen.add(key);
        const keyStart = startOf(keyNode);
        const childPointer = `${pointer}/${escapePointer(key)}`;
        const valueNode = children[c + 1];
        if (valueNode !== undefined && Object.is(valueNode.result, result[key])) {
          visit(valueNode, childPointer, keyStart >= 0 ? keyStart : keyNode.open);
          c++;
        } else {
          // A flow-mapping key without a value (`{a, b: 1}`) has no value node.
          const at = keyStart >= 0 ? keyStart : keyNode.open;
          index.set(childPointer, { key: at, value: at });
        }
      }
    }
  };
  if (root !== undefined) visit(root, "", undefined);
  return index;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  return starts;
}

function positionAt(starts: number[], offset: number): SourcePosition {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}

/**
 * Deepest nesting of lists and mappings a policy may have. Real policies nest 5 deep; validation,
 * position indexing and hashing walk the document recursively, so `[[[[…]]]]` 100,000 deep must be
 * refused before them (as it must be for js-yaml's own recursive composer, see parsePolicyDocument).
 */
export const MAX_POLICY_DEPTH = 64;

/** Counts values as a walker sees them (aliases expanded), stopping at `limit`; "depth" when nested deeper than MAX_POLICY_DEPTH. */
function exceedsValueBudget(value: unknown, limit: number): false | "values" | "depth" {
  let seen = 0;
  const stack: unknown[] = [value];
  const depths: number[] = [0];
  while (stack.length > 0) {
    const v = stack.pop();
    const depth = depths.pop()!;
    if (++seen > limit) return "values";
    if (depth > MAX_POLICY_DEPTH) return "depth";
    // One push per item: spreading a 130,000-item list into push() overflows the call stack (issue 8, 11a).
    if (Array.isArray(v)) {
      for (const item of v) {
        stack.push(item);
        depths.push(depth + 1);
      }
    } else if (isPlainObject(v)) {
      for (const key in v) {
        stack.push(v[key]);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/**
 * The key that `text` starts with (after indentation and `- ` sequence markers): a quoted key, or
 * plain characters up to the `:` that ends it. A scan, not a pattern: the line is the policy
 * author's text, and /([^:#{}[\],]+?)\s*:/ backtracks quadratically on a long run of spaces.
 */
function keyAtLineStart(text: string): string | undefined {
  const isSpace = (c: string | undefined) => c !== undefined && c.trim() === "";
  let i = 0;
  for (;;) {
    while (isSpace(text[i])) i++;
    if (text[i] === "-" && isSpace(text[i + 1])) i++;
    else break;
  }
  const quote = text[i];
  if (quote === '"' || quote === "'") {
    const close = text.indexOf(quote, i + 1);
    if (close === -1) return undefined;
    let j = close + 1;
    while (isSpace(text[j])) j++;
    return text[j] === ":" ? text.slice(i + 1, close) : undefined;
  }
  let j = i;
  while (j < text.length && !":#{}[],".includes(text[j]!)) j++;
  const key = text.slice(i, j).trimEnd();
  return text[j] === ":" && key !== "" ? key : undefined;
}

function yamlErrorMessage(error: YAMLException, text: string): string {
  const reason = error.reason || "invalid YAML";
  if (reason === "duplicated mapping key") {
    // js-yaml's mark points at the second occurrence of the key.
    const lineText = text.split("\n")[error.mark.line] ?? "";
    const key = keyAtLineStart(lineText.slice(error.mark.column));
    const named = key !== undefined ? ` ${quote(key)}` : "";
    return `duplicate key${named}: each key may appear only once in a mapping (the second would silently replace the first)`;
  }
  return `invalid YAML: ${reason}`;
}

/**
 * js-yaml reports "found more" documents without a position: point at the marker that starts the
 * second document (a leading `---` only opens the first).
 */
function secondDocumentLine(text: string): number | undefined {
  let sawContent = false;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^(---|\.\.\.)(\s|$)/.test(line)) {
      if (sawContent) return i;
      sawContent = true;
    } else if (!/^\s*(#.*)?\r?$/.test(line)) {
      sawContent = true;
    }
  }
  return undefined;
}

/**
 * Parses a policy file's text as YAML, keeping where every key and value was written.
 * Fails on YAML syntax errors (at js-yaml's mark), duplicate keys, several documents in one file,
 * and documents whose aliases expand beyond MAX_POLICY_VALUES values.
 */
export function parsePolicyDocument(text: string, file: string): ParseResult {
  // js-yaml drops a byte-order mark; drop it here too so that offsets agree with its positions.
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const stack: ComposedNode[] = [];
  let root: ComposedNode | undefined;
  let value: unknown;
  let composed = 0;
  try {
    value = load(source, {
      filename: file,
      schema: YAML_SCHEMA,
      // `json: false` (the default, spelled out): with `json: true` js-yaml lets a duplicate key
      // silently override the first one.
      json: false,
      listener(event, state) {
        if (event === "open") {
          composed++;
          stack.push({ open: state.position, close: state.position, result: undefined, children: [] });
          return;
        }
        const node = stack.pop();
        if (node === undefined) return;
        node.close = state.position;
        node.result = state.result;
        const parent = stack[stack.length - 1];
        if (parent !== undefined) parent.children.push(node);
        else root = node;
      },
    });
  } catch (error) {
    if (error instanceof YAMLException) {
      let mark = error.mark as { line?: number; column?: number } | undefined;
      if (mark === undefined && /single document/.test(error.reason)) {
        const line = secondDocumentLine(source);
        if (line !== undefined) mark = { line, column: 0 };
      }
      return {
        ok: false,
        errors: [
          safeError({
            file,
            line: (mark?.line ?? 0) + 1,
            column: (mark?.column ?? 0) + 1,
            message: yamlErrorMessage(error, source),
          }),
        ],
      };
    }
    // js-yaml composes recursively: `[[[[…` thousands deep overflows the stack inside it.
    if (error instanceof RangeError) {
      const message = `lists and mappings are nested too deeply to read (more than ${MAX_POLICY_DEPTH} levels are refused) — a policy nests a few levels at most`;
      return { ok: false, errors: [safeError({ file, line: 1, column: 1, message })] };
    }
    throw error;
  }
  const over = exceedsValueBudget(value, MAX_POLICY_VALUES);
  if (over) {
    // Only blame aliases when the text itself holds fewer values than the budget.
    const message =
      over === "depth"
        ? `lists and mappings are nested more than ${MAX_POLICY_DEPTH} levels deep — a policy nests a few levels at most`
        : composed > MAX_POLICY_VALUES
          ? `the document has more than ${MAX_POLICY_VALUES} values — a policy must stay small`
          : `the document expands to more than ${MAX_POLICY_VALUES} values through YAML aliases (*name) — a policy must stay small; write the values out or use fewer aliases`;
    return { ok: false, errors: [safeError({ file, line: 1, column: 1, message })] };
  }
  const index = indexPositions(source, root);
  const starts = lineStarts(source);
  const located = (pointer: string): Located => {
    let p = pointer;
    for (;;) {
      const at = index.get(p);
      if (at !== undefined) return at;
      if (p === "") return { value: 0 };
      p = parentPointer(p);
    }
  };
  const extendsValue = isPlainObject(value) ? value["_extends"] : undefined;
  return {
    ok: true,
    doc: {
      file,
      value,
      extends: typeof extendsValue === "string" ? extendsValue : null,
      positionOf: (pointer) => positionAt(starts, located(pointer).value),
      keyPositionOf: (pointer) => {
        const exact = index.get(pointer);
        if (exact?.key !== undefined) return positionAt(starts, exact.key);
        return positionAt(starts, located(pointer).value);
      },
    },
  };
}

// ───────────────────────────── validation ─────────────────────────────

type SchemaNode = { readonly [key: string]: unknown };

let compiled: ReturnType<Ajv["compile"]> | undefined;

function schemaValidator(): ReturnType<Ajv["compile"]> {
  // `verbose` gives each error its schema and data, from which the messages say what was expected.
  compiled ??= new Ajv({ allErrors: true, verbose: true, strict: true }).compile(POLICY_SCHEMA);
  return compiled;
}

/** "/paths/0/approval/count" → "paths[0].approval.count"; "" → "top level". */
export function describePointer(pointer: string): string {
  if (pointer === "") return "top level";
  let out = "";
  for (const token of pointer.slice(1).split("/").map(unescapePointer)) {
    if (/^\d+$/.test(token)) out += `[${token}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(token)) out += out === "" ? token : `.${token}`;
    else out += `[${quote(token)}]`;
  }
  return out;
}

const PATTERN_PHRASES: Record<string, [singular: string, plural: string]> = {
  [TEAM_PATTERN]: ['a team written "org/team-slug"', 'teams written "org/team-slug"'],
  [LOGIN_PATTERN]: [
    'a GitHub login (letters, digits and single hyphens, no "@")',
    'GitHub logins (letters, digits and single hyphens, no "@")',
  ],
  [AGENT_ID_PATTERN]: [
    "an id of lowercase letters, digits and hyphens, starting with a letter or digit",
    "ids of lowercase letters, digits and hyphens",
  ],
  [EXTENDS_PATTERN]: [
    'a repository to extend: "repo", "owner/repo" or "owner/repo:path/to/file.yml"',
    'repositories written "repo", "owner/repo" or "owner/repo:path/to/file.yml"',
  ],
};

/** What a schema accepts, in words: "an integer ≥ 1", "one of: read, triage, …", "a list of …". */
function describeSchema(schema: SchemaNode, plural = false): string {
  if ("const" in schema) return JSON.stringify(schema["const"]);
  if (Array.isArray(schema["enum"])) {
    const values = (schema["enum"] as unknown[]).map(String).join(", ");
    return plural ? `values from: ${values}` : `one of: ${values}`;
  }
  if (Array.isArray(schema["anyOf"])) {
    return (schema["anyOf"] as SchemaNode[]).map((s) => describeSchema(s, plural)).join(" or ");
  }
  switch (schema["type"]) {
    case "integer": {
      const min = typeof schema["minimum"] === "number" ? ` ≥ ${schema["minimum"]}` : "";
      return (plural ? "integers" : "an integer") + min;
    }
    case "boolean":
      return "true or false";
    case "string": {
      const pattern = typeof schema["pattern"] === "string" ? PATTERN_PHRASES[schema["pattern"]] : undefined;
      if (pattern !== undefined) return plural ? pattern[1] : pattern[0];
      const max = typeof schema["maxLength"] === "number" ? ` of at most ${schema["maxLength"]} characters` : "";
      const nonEmpty = schema["minLength"] === 1 ? "non-empty " : "";
      return (plural ? `${nonEmpty}strings` : `a ${nonEmpty}string`) + max;
    }
    case "array": {
      const items = isPlainObject(schema["items"]) ? describeSchema(schema["items"], true) : "values";
      const nonEmpty = typeof schema["minItems"] === "number" && schema["minItems"] > 0 ? "non-empty " : "";
      return plural ? `lists of ${items}` : `a ${nonEmpty}list of ${items}`;
    }
    case "object": {
      const keys = isPlainObject(schema["properties"]) ? Object.keys(schema["properties"]) : [];
      const withKeys = keys.length > 0 ? ` with keys ${keys.join(", ")}` : "";
      return plural ? `mappings${withKeys}` : `a mapping${withKeys}`;
    }
    default:
      return "a valid value";
  }
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "an empty value";
  if (typeof value === "string") {
    return quote(value, 60);
  }
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : "a list";
  if (typeof value === "object") return "a mapping";
  return String(value);
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The closest candidate to a typo, if it is close enough to be what was meant. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const normal = (s: string) => s.toLowerCase().replace(/[-_\s]/g, "");
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(normal(word), normal(candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const tolerance = Math.max(1, Math.floor(word.length / 3));
  return best !== undefined && bestDistance <= tolerance ? best : undefined;
}

function didYouMean(word: unknown, candidates: readonly string[]): string {
  if (typeof word !== "string") return "";
  const hit = suggest(word, candidates);
  return hit !== undefined && hit !== word ? ` — did you mean "${hit}"?` : "";
}

function valueAt(root: unknown, pointer: string): unknown {
  let v = root;
  if (pointer === "") return v;
  for (const token of pointer.slice(1).split("/").map(unescapePointer)) {
    if (Array.isArray(v)) v = v[Number(token)];
    else if (isPlainObject(v)) v = v[token];
    else return undefined;
  }
  return v;
}

function errorAt(doc: PolicyDocument, position: SourcePosition, message: string): PolicyError {
  return safeError({ file: doc.file, line: position.line, column: position.column, message });
}

/**
 * Every error leaves this module escaped (src/engine/escape.ts): its message quotes the file's text
 * and its file name comes from `_extends`, and each must stay one line without control or bidi
 * characters wherever it is shown (terminal, check summary, log line).
 */
function safeError(e: PolicyError): PolicyError {
  return { ...e, file: escapeText(e.file), message: escapeText(e.message) };
}

/** Turns ajv's errors into one human message per problem, each at the key or value it is about. */
function schemaErrors(doc: PolicyDocument, errors: ErrorObject[]): PolicyError[] {
  // An `anyOf` error says all there is to say; its alternatives' own failures are noise.
  const anyOfPaths = errors.filter((e) => e.keyword === "anyOf").map((e) => `${e.schemaPath}/`);
  const relevant = errors.filter((e) => !anyOfPaths.some((p) => e.schemaPath.startsWith(p)));

  const out: PolicyError[] = [];
  const valueErrors = new Map<string, ErrorObject>();
  for (const e of relevant) {
    const where = describePointer(e.instancePath);
    const parent = (e.parentSchema ?? {}) as SchemaNode;
    if (e.schemaPath.includes("/dependencies/approval/")) {
      const rule = parentPointer(e.instancePath);
      out.push(
        errorAt(
          doc,
          doc.keyPositionOf(`${rule}/approval`),
          `"approval" at ${describePointer(rule)} is only allowed on a rule with action: approve ` +
            `(this rule's action is ${describeValue(e.data)}) — remove it, or make the action "approve"`,
        ),
      );
    } else if (e.keyword === "additionalProperties") {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = isPlainObject(parent["properties"]) ? Object.keys(parent["properties"]) : [];
      out.push(
        errorAt(
          doc,
          doc.keyPositionOf(`${e.instancePath}/${escapePointer(key)}`),
          `unknown key ${quote(key)} at ${where} — expected one of: ${allowed.join(", ")}${didYouMean(key, allowed)}`,
        ),
      );
    } else if (e.keyword === "required") {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      const properties = isPlainObject(parent["properties"]) ? (parent["properties"] as Record<string, SchemaNode>) : {};
      const expected = properties[missing] !== undefined ? ` (${describeSchema(properties[missing])})` : "";
      const message =
        e.instancePath === "" && missing === "version"
          ? `missing "version: 1" at top level — every policy file must declare its format version, "version: 1"`
          : `missing required key "${missing}" at ${where}${expected}`;
      out.push(errorAt(doc, doc.positionOf(e.instancePath), message));
    } else if (e.keyword === "anyOf" && e.schemaPath.endsWith("/items/anyOf") && e.instancePath.includes("/define/")) {
      const id = valueAt(doc.value, `${e.instancePath}/id`);
      const named = typeof id === "string" ? `agent ${quote(id)}` : "agent";
      out.push(
        errorAt(
          doc,
          doc.positionOf(e.instancePath),
          `${named} at ${where} has no signature — expected at least one of: ${SIGNATURE_KEYS.join(", ")}`,
        ),
      );
    } else if (e.keyword === "uniqueItems") {
      const { i, j } = e.params as { i: number; j: number };
      const [first, second] = i < j ? [i, j] : [j, i];
      const item = valueAt(doc.value, `${e.instancePath}/${second}`);
      out.push(
        errorAt(
          doc,
          doc.positionOf(`${e.instancePath}/${second}`),
          `duplicate item ${describeValue(item)} at ${where}[${second}] (already at [${first}]) — each value may appear only once`,
        ),
      );
    } else if (!valueErrors.has(e.instancePath) || e.keyword === "anyOf") {
      // type, enum, const, minimum, pattern, minItems …: one message per value, describing the
      // whole schema of that value (so `type` and `minimum` on `count` read as "an integer ≥ 1").
      valueErrors.set(e.instancePath, e);
    }
  }
  for (const [pointer, e] of valueErrors) {
    const where = describePointer(pointer);
    const parent = (e.parentSchema ?? {}) as SchemaNode;
    const data: unknown = e.data;
    let message: string;
    if (pointer === "/version" && typeof data === "number") {
      message = `unsupported policy version ${data} at version — this agent-gate reads "version: 1" only`;
    } else if (pointer === "/version") {
      message = `expected the number 1 at version, got ${describeValue(data)} — write "version: 1"`;
    } else {
      const enumValues = Array.isArray(parent["enum"]) ? (parent["enum"] as unknown[]).map(String) : [];
      message = `expected ${describeSchema(parent)} at ${where}, got ${describeValue(data)}${didYouMean(data, enumValues)}`;
    }
    // An empty value (`count:` and nothing after it) has no text: point at its key.
    const position = data === null ? doc.keyPositionOf(pointer) : doc.positionOf(pointer);
    out.push(errorAt(doc, position, message));
  }
  return out;
}

/** Checks the schema cannot express. */
function semanticErrors(doc: PolicyDocument): PolicyError[] {
  const out: PolicyError[] = [];
  const define = valueAt(doc.value, "/agents/define");
  if (Array.isArray(define)) {
    const firstIndex = new Map<string, number>();
    define.forEach((entry, i) => {
      const id = isPlainObject(entry) ? entry["id"] : undefined;
      if (typeof id !== "string") return;
      const first = firstIndex.get(id);
      if (first === undefined) {
        firstIndex.set(id, i);
        return;
      }
      out.push(
        errorAt(
          doc,
          doc.positionOf(`/agents/define/${i}/id`),
          `duplicate agent id ${quote(id)} at agents.define[${i}].id (already defined at agents.define[${first}]) — ids must be unique: they name the label agent:<id>`,
        ),
      );
    });
  }
  // `dependencies.approval` only means something with `action: approve` (as a rule's `approval`).
  const deps = valueAt(doc.value, "/dependencies");
  if (isPlainObject(deps) && deps["approval"] !== undefined && deps["action"] !== "approve") {
    out.push(
      errorAt(
        doc,
        doc.keyPositionOf("/dependencies/approval"),
        `"approval" at dependencies is only allowed with dependencies.action: approve (the action is ${describeValue(deps["action"] ?? DEFAULT_DEPENDENCY_ACTION)}) — remove it, or set "action: approve"`,
      ),
    );
  }
  // A named set that does not exist would match nothing: under `block` that silently weakens the policy.
  const rules = valueAt(doc.value, "/paths");
  if (Array.isArray(rules)) {
    rules.forEach((rule, i) => {
      const list = isPlainObject(rule) ? rule["match"] : undefined;
      if (!Array.isArray(list)) return;
      list.forEach((p, j) => {
        if (typeof p !== "string" || !isSetReference(p)) return;
        const name = p.startsWith("!") ? p.slice(1) : p;
        if (pathSet(name)) return;
        out.push(
          errorAt(
            doc,
            doc.positionOf(`/paths/${i}/match/${j}`),
            `unknown path set "${name}" at paths[${i}].match[${j}] — expected one of: ${PATH_SET_NAMES.join(", ")}${didYouMean(name, [...PATH_SET_NAMES])}`,
          ),
        );
      });
    });
  }
  // A rule whose patterns are all exclusions ("!x") matches nothing: written under `block`, it
  // would silently weaken the policy, so it is refused rather than ignored (a typo must never
  // weaken a policy, SPEC §3). The same holds for `targets`.
  const paths = valueAt(doc.value, "/paths");
  if (Array.isArray(paths)) {
    paths.forEach((rule, i) => {
      if (!isPlainObject(rule)) return;
      for (const key of ["match", "targets"] as const) {
        const list = rule[key];
        if (!Array.isArray(list) || list.length === 0) continue;
        if (list.every((p) => typeof p === "string" && p.startsWith("!"))) {
          out.push(
            errorAt(
              doc,
              doc.positionOf(`/paths/${i}/${key}`),
              `paths[${i}].${key} has only exclusion patterns ("!…"), so it matches nothing — expected at least one pattern without "!" (e.g. "**" to mean "everything except")`,
            ),
          );
        }
      }
    });
  }
  out.push(...patternErrors(doc));
  return out;
}

/** Every glob that could never match (src/engine/policy/patterns.ts), at its own line and column. */
function patternErrors(doc: PolicyDocument): PolicyError[] {
  const out: PolicyError[] = [];
  const check = (pointer: string, kind: PatternKind) => {
    const list = valueAt(doc.value, pointer);
    if (!Array.isArray(list)) return;
    list.forEach((p, j) => {
      if (typeof p !== "string") return;
      const found = patternProblem(p, kind);
      if (!found) return;
      const hint = found.suggestion !== undefined ? ` — did you mean ${quote(found.suggestion)}?` : "";
      out.push(errorAt(doc, doc.positionOf(`${pointer}/${j}`), `pattern ${quote(p)} at ${describePointer(`${pointer}/${j}`)} can never match: ${found.problem}${hint}`));
    });
  };
  const paths = valueAt(doc.value, "/paths");
  if (Array.isArray(paths)) {
    paths.forEach((_, i) => {
      check(`/paths/${i}/match`, "path");
      check(`/paths/${i}/targets`, "base-branch");
    });
  }
  const define = valueAt(doc.value, "/agents/define");
  if (Array.isArray(define)) define.forEach((_, i) => check(`/agents/define/${i}/branches`, "head-branch"));
  return out;
}

function byPosition(a: PolicyError, b: PolicyError): number {
  return a.file === b.file ? a.line - b.line || a.column - b.column : 0;
}

/** Validates one parsed file on its own: the shape of the document, the schema, then cross-field checks. */
export function validatePolicyDocument(doc: PolicyDocument): PolicyError[] {
  const { value } = doc;
  if (value === undefined || value === null) {
    return [
      errorAt(
        doc,
        { line: 1, column: 1 },
        'the policy file is empty — expected a mapping of policy keys, starting with "version: 1"',
      ),
    ];
  }
  if (!isPlainObject(value)) {
    const keys = Object.keys(POLICY_SCHEMA.properties).join(", ");
    return [errorAt(doc, doc.positionOf(""), `expected a mapping with keys ${keys} at top level, got ${describeValue(value)}`)];
  }
  const validate = schemaValidator();
  const errors = validate(value) ? [] : schemaErrors(doc, validate.errors ?? []);
  return [...errors, ...semanticErrors(doc)].sort(byPosition);
}

// ───────────────────────────── loading ─────────────────────────────

function strings(value: unknown, fallback: readonly string[]): string[] {
  return Array.isArray(value) ? value.map(String) : [...fallback];
}


function reviewFlowOf(approval: Record<string, unknown>): ReviewFlow {
  const flag = (key: keyof ReviewFlow) => (typeof approval[key] === "boolean" ? (approval[key] as boolean) : DEFAULT_REVIEW_FLOW[key]);
  return { request_reviews: flag("request_reviews"), keep_on_update_merge: flag("keep_on_update_merge") };
}

/**
 * The effective policy from a validated document value, every default applied (SPEC §3). Fresh
 * arrays and objects throughout: YAML aliases share values, and callers must not be able to change
 * the document (or each other's view of it) through the policy.
 */
function applyDefaults(value: Record<string, unknown>): Policy {
  const obj = (v: unknown): Record<string, unknown> => (isPlainObject(v) ? v : {});
  const agents = obj(value["agents"]);
  const labels = obj(value["labels"]);
  const define: AgentDefinition[] = (Array.isArray(agents["define"]) ? agents["define"] : []).map((raw) => {
    const entry = obj(raw);
    const id = String(entry["id"]);
    return {
      id,
      name: typeof entry["name"] === "string" ? entry["name"] : id,
      logins: strings(entry["logins"], []),
      emails: strings(entry["emails"], []),
      branches: strings(entry["branches"], []),
      markers: strings(entry["markers"], []),
    };
  });
  const paths: PathRule[] = (Array.isArray(value["paths"]) ? value["paths"] : []).map((raw) => {
    const entry = obj(raw);
    const rule: PathRule = { match: strings(entry["match"], []), action: entry["action"] as PathRule["action"] };
    if (entry["targets"] !== undefined) rule.targets = strings(entry["targets"], []);
    if (entry["reason"] !== undefined) rule.reason = String(entry["reason"]);
    // Stays partial: the decision merges it over the top-level requirement key by key.
    if (isPlainObject(entry["approval"])) rule.approval = requirementFromPolicy(entry["approval"]);
    return rule;
  });
  const labelAgent = labels["agent"];
  const workflows = obj(value["workflows"]);
  const deps = obj(value["dependencies"]);
  const dependencies: Policy["dependencies"] = {
    action: typeof deps["action"] === "string" ? (deps["action"] as DependencyAction) : DEFAULT_DEPENDENCY_ACTION,
  };
  if (isPlainObject(deps["approval"])) dependencies.approval = requirementFromPolicy(deps["approval"]);
  return {
    version: POLICY_VERSION,
    enabled: typeof value["enabled"] === "boolean" ? value["enabled"] : DEFAULT_ENABLED,
    agents: {
      builtin: typeof agents["builtin"] === "boolean" ? agents["builtin"] : DEFAULT_BUILTIN_AGENTS,
      signals: strings(agents["signals"], DEFAULT_SIGNALS) as SignalKind[],
      define,
      ignore: strings(agents["ignore"], []),
      trusted: (Array.isArray(agents["trusted"]) ? agents["trusted"] : []).flatMap((t: unknown) =>
        typeof t === "string" || typeof t === "number" ? [t] : [],
      ),
      unknown_bots: typeof agents["unknown_bots"] === "string" ? (agents["unknown_bots"] as UnknownBotsMode) : DEFAULT_UNKNOWN_BOTS,
      assisted: typeof agents["assisted"] === "string" ? (agents["assisted"] as AssistedMode) : DEFAULT_ASSISTED,
    },
    labels: {
      agent: typeof labelAgent === "string" || labelAgent === false ? labelAgent : DEFAULT_AGENT_LABEL,
      per_agent: typeof labels["per_agent"] === "boolean" ? labels["per_agent"] : DEFAULT_PER_AGENT_LABELS,
    },
    approval: {
      ...DEFAULT_REQUIREMENT,
      teams: [...DEFAULT_REQUIREMENT.teams],
      users: [...DEFAULT_REQUIREMENT.users],
      ...requirementFromPolicy(obj(value["approval"])),
    },
    reviewFlow: reviewFlowOf(obj(value["approval"])),
    workflows: {
      escalation: typeof workflows["escalation"] === "string" ? (workflows["escalation"] as EscalationAction) : DEFAULT_WORKFLOW_ESCALATION,
    },
    dependencies,
    paths,
    default: typeof value["default"] === "string" ? (value["default"] as PathAction) : DEFAULT_ACTION,
  };
}

type PathAction = Policy["default"];

/**
 * Loads a policy and the files it `_extends`. `layers[0]` is the repository's own file and
 * `layers[1..]` what it extends, in order (`layers[1]` is named by `layers[0]._extends`, and so on).
 *
 * Merge rule (Probot's `_extends` convention, SPEC §3): the extending file's TOP-LEVEL keys replace
 * the extended file's keys whole. Lists are replaced, never concatenated, and a nested object such
 * as `approval` or `agents` is replaced entirely — `approval: { count: 2 }` in the extending file
 * does not inherit the extended file's `approval.teams`; it gets the defaults.
 *
 * Every layer is validated on its own, with its own positions, and must declare `version: 1`
 * (each file's keys are read by the format version of that file). Any error in any layer fails the
 * whole load.
 */
export function loadPolicyLayers(layers: readonly { text: string; file: string }[]): LoadResult {
  try {
    return loadLayers(layers);
  } catch (error) {
    // Never reached by any input the fuzzer (test/fuzz/policy-fuzz.ts) has built; if a library still
    // throws, the policy is invalid with that reason rather than an evaluation that crashes
    // (SPEC §4.0: a broken policy gives `failure` quoting the error, never silence).
    return { ok: false, errors: [internalError(layers[0]?.file ?? "(none)", error)] };
  }
}

function internalError(file: string, error: unknown): PolicyError {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return safeError({ file, line: 1, column: 1, message: `the policy could not be validated (${reason.slice(0, 200)}) — simplify the file; please report this as a bug` });
}

function loadLayers(layers: readonly { text: string; file: string }[]): LoadResult {
  if (layers.length === 0) {
    return { ok: false, errors: [{ file: "(none)", line: 0, column: 0, message: "no policy file to load" }] };
  }
  const errors: PolicyError[] = [];
  const values: Record<string, unknown>[] = [];
  for (const layer of layers) {
    const parsed = parsePolicyDocument(layer.text, layer.file);
    if (!parsed.ok) {
      errors.push(...parsed.errors);
      continue;
    }
    const layerErrors = validatePolicyDocument(parsed.doc);
    errors.push(...layerErrors);
    if (layerErrors.length === 0) values.push(parsed.doc.value as Record<string, unknown>);
  }
  if (errors.length > 0) return { ok: false, errors };
  const merged: Record<string, unknown> = {};
  for (let i = values.length - 1; i >= 0; i--) {
    for (const [key, value] of Object.entries(values[i]!)) {
      if (key !== "_extends") merged[key] = value;
    }
  }
  const policy = applyDefaults(merged);
  return { ok: true, policy, hash: policyHash(policy) };
}

/** Loads one policy file on its own (its `_extends`, if any, is not followed). */
export function loadPolicy(text: string, file: string): LoadResult {
  return loadPolicyLayers([{ text, file }]);
}

/** The errors of one policy file (empty when valid): the CLI's `validate`, and a PR head's copy of the policy. */
export function validatePolicyText(text: string, file: string): PolicyError[] {
  try {
    const parsed = parsePolicyDocument(text, file);
    return parsed.ok ? validatePolicyDocument(parsed.doc) : parsed.errors;
  } catch (error) {
    return [internalError(file, error)];
  }
}

export { formatPolicyError } from "./errors.js";

// ───────────────────────────── hash and _extends ─────────────────────────────

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * sha256 (hex) of the effective policy as canonical JSON (keys sorted), shown in the check summary
 * and the audit log: two files that mean the same (key order, defaults spelled out or not) hash the same.
 */
export function policyHash(policy: Policy): string {
  return createHash("sha256").update(canonicalJson(policy)).digest("hex");
}

/** Where an `_extends` value points (Probot's syntax); null when it is not valid. */
export function parseExtends(
  value: string,
  from: { owner: string; path: string },
): { owner: string; repo: string; path: string } | null {
  if (!new RegExp(EXTENDS_PATTERN, "u").test(value)) return null;
  const [repoPart, path] = value.includes(":") ? [value.slice(0, value.indexOf(":")), value.slice(value.indexOf(":") + 1)] : [value, from.path];
  const slash = repoPart.indexOf("/");
  return slash >= 0
    ? { owner: repoPart.slice(0, slash), repo: repoPart.slice(slash + 1), path }
    : { owner: from.owner, repo: repoPart, path };
}
