/**
 * A policy file's YAML with source positions (SPEC §3): js-yaml parses it, a listener records
 * where every node starts, and each key and value can then be located by its JSON pointer. Bounded
 * against alias expansion and nesting; every failure is a PolicyError at a line and column.
 */
import { CORE_SCHEMA, Type, YAMLException, load } from "js-yaml";
import { quote } from "../escape.js";
import type { PolicyError } from "../types.js";
import { safeError } from "./errors.js";
import { escapePointer, isPlainObject, parentPointer } from "./pointers.js";

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
  const isSpace = (c: string | undefined) => c?.trim() === "";
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
      if (mark === undefined && error.reason.includes("single document")) {
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
