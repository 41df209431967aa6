#!/usr/bin/env node
/**
 * Generates the key reference of docs/policy.md from the shipped JSON Schema
 * (schema/agent-policy.schema.json), so that the documentation can never disagree with what the
 * loader validates. Only the text between the GENERATED markers is rewritten; the introduction and
 * the examples around it are written by hand.
 *
 *   node scripts/gen-policy-docs.js           rewrite docs/policy.md
 *   node scripts/gen-policy-docs.js --check   exit 1 when docs/policy.md is out of date
 *
 * test/docs.test.ts imports `renderPolicyDoc` and fails when the committed file drifts.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const BEGIN_MARKER = "<!-- BEGIN GENERATED: node scripts/gen-policy-docs.js -->";
export const END_MARKER = "<!-- END GENERATED -->";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const SCHEMA_FILE = path.join(ROOT, "schema", "agent-policy.schema.json");
export const DOC_FILE = path.join(ROOT, "docs", "policy.md");

/** Inline code that survives backticks inside the value (CommonMark: a longer fence). */
function code(text) {
  const s = String(text);
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = s.startsWith("`") || s.endsWith("`") ? " " : "";
  return `${fence}${pad}${s}${pad}${fence}`;
}

/** A value as it would be written in the YAML file. */
function yamlValue(value) {
  if (Array.isArray(value)) return `[${value.map(yamlValue).join(", ")}]`;
  if (typeof value === "string") return /^[A-Za-z0-9_./-]+$/.test(value) && !/^(true|false|null|\d.*)$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value);
}

/** Table cells cannot hold a raw `|` or a line break. */
function cell(text) {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** "string", "list of strings", "`false`", "string or `false`" … */
function typeOf(node) {
  if (node.const !== undefined) return code(yamlValue(node.const));
  if (node.anyOf && !node.type) return node.anyOf.map(typeOf).join(" or ");
  if (node.type === "array") {
    const item = node.items ?? {};
    if (item.type === "object") return "list of objects";
    const inner = typeOf(item);
    return `list of ${inner === "string" || inner === "integer" || inner === "boolean" ? `${inner}s` : inner}`;
  }
  if (Array.isArray(node.type)) return node.type.join(" or ");
  return node.type ?? "any";
}

/** The constraints of one (non-array) value, as short phrases. */
function valueConstraints(node) {
  const out = [];
  if (node.enum) out.push(`one of ${node.enum.map((v) => code(yamlValue(v))).join(", ")}`);
  if (node.const !== undefined) out.push(`exactly ${code(yamlValue(node.const))}`);
  if (node.minimum !== undefined) out.push(`≥ ${node.minimum}`);
  if (node.maximum !== undefined) out.push(`≤ ${node.maximum}`);
  if (node.minLength !== undefined && node.minLength > 0) out.push(node.minLength === 1 ? "not empty" : `at least ${node.minLength} characters`);
  if (node.maxLength !== undefined) out.push(`at most ${node.maxLength} characters`);
  if (node.pattern !== undefined) out.push(`matches ${code(node.pattern)}`);
  if (node.anyOf && !node.type) {
    for (const alt of node.anyOf) {
      const sub = valueConstraints(alt).filter((c) => !c.startsWith("exactly"));
      if (sub.length > 0) out.push(`as ${typeOf(alt)}: ${sub.join(", ")}`);
    }
  }
  return out;
}

function constraints(node) {
  if (node.type !== "array") return valueConstraints(node);
  const out = [];
  if (node.minItems !== undefined && node.minItems > 0) out.push(node.minItems === 1 ? "at least one item" : `at least ${node.minItems} items`);
  if (node.maxItems !== undefined) out.push(`at most ${node.maxItems} items`);
  if (node.uniqueItems) out.push("no duplicates");
  const item = node.items ?? {};
  if (item.type !== "object") {
    const itemConstraints = valueConstraints(item);
    if (itemConstraints.length > 0) out.push(`each item ${itemConstraints.join(", ")}`);
  }
  return out;
}

/** Rules an object places on its keys beyond their own types (required keys, one-of groups, dependencies). */
function objectRules(node, keyPath) {
  const rules = [];
  const prefix = keyPath ? `${keyPath}.` : "";
  if (Array.isArray(node.required) && node.required.length > 0) {
    rules.push(`Required: ${node.required.map((k) => code(prefix + k)).join(", ")}.`);
  }
  if (Array.isArray(node.anyOf) && node.anyOf.every((alt) => Array.isArray(alt.required) && alt.required.length === 1)) {
    rules.push(`At least one of ${node.anyOf.map((alt) => code(prefix + alt.required[0])).join(", ")} must be given.`);
  }
  for (const [key, dependency] of Object.entries(node.dependencies ?? {})) {
    if (Array.isArray(dependency)) {
      rules.push(`${code(prefix + key)} needs ${dependency.map((k) => code(prefix + k)).join(", ")}.`);
      continue;
    }
    const conditions = Object.entries(dependency.properties ?? {})
      .filter(([, sub]) => sub && sub.const !== undefined)
      .map(([sub, s]) => code(`${sub}: ${yamlValue(s.const)}`));
    if (conditions.length > 0) rules.push(`${code(prefix + key)} is only allowed with ${conditions.join(" and ")}.`);
  }
  if (node.additionalProperties === false) rules.push("Any other key is an error.");
  return rules;
}

/**
 * Every key of the schema, depth first in the schema's own order: object properties as `a.b`,
 * items of lists of objects as `a[].b`.
 */
export function collectKeys(schema) {
  const keys = [];
  const visitObject = (node, keyPath) => {
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      const childPath = keyPath ? `${keyPath}.${name}` : name;
      keys.push({ path: childPath, node: child, parent: node, name });
      if (child.type === "object") visitObject(child, childPath);
      else if (child.type === "array" && child.items?.type === "object") visitObject(child.items, `${childPath}[]`);
    }
  };
  visitObject(schema, "");
  return keys;
}

function anchor(keyPath) {
  // GitHub's heading anchors: lower case, punctuation other than `-` and `_` dropped, spaces to `-`.
  return keyPath.toLowerCase().replace(/[^a-z0-9 _-]/g, "").replace(/ /g, "-");
}

/** Objects carry no default of their own: each of their keys has one. */
function defaultText(node, unset) {
  if (node.default !== undefined) return code(yamlValue(node.default));
  return node.type === "object" ? "per key" : unset;
}

/** The reference, as Markdown (the text between the markers, without them). */
export function renderReference(schema) {
  const keys = collectKeys(schema);
  const lines = [];
  lines.push("## Reference");
  lines.push("");
  lines.push(
    `Generated from ${code("schema/agent-policy.schema.json")} by ${code("node scripts/gen-policy-docs.js")}; do not edit by hand.`,
  );
  lines.push("");
  for (const rule of objectRules(schema, "")) lines.push(`- ${rule}`);
  lines.push("");
  lines.push("| key | type | default |");
  lines.push("|---|---|---|");
  for (const { path: keyPath, node } of keys) {
    lines.push(`| [${cell(code(keyPath))}](#${anchor(keyPath)}) | ${cell(typeOf(node))} | ${cell(defaultText(node, "—"))} |`);
  }
  lines.push("");

  for (const { path: keyPath, node, parent, name } of keys) {
    lines.push(`### ${keyPath}`);
    lines.push("");
    const facts = [`**Type:** ${typeOf(node)}`];
    if (Array.isArray(parent.required) && parent.required.includes(name)) facts.push("**Required**");
    facts.push(`**Default:** ${defaultText(node, "not set")}`);
    lines.push(facts.join(" · "));
    const allowed = constraints(node);
    if (allowed.length > 0) {
      lines.push("");
      lines.push(`**Allowed:** ${allowed.join("; ")}.`);
    }
    lines.push("");
    lines.push(node.description ?? "(no description in the schema)");
    const item = node.type === "array" ? node.items : undefined;
    if (item?.description && item.type !== "object") {
      lines.push("");
      lines.push(`Each item: ${item.description}`);
    }
    const objectNode = node.type === "object" ? node : item?.type === "object" ? item : undefined;
    if (objectNode) {
      const itemPath = node.type === "object" ? keyPath : `${keyPath}[]`;
      if (item?.type === "object" && item.description) {
        lines.push("");
        lines.push(`Each item: ${item.description}`);
      }
      const rules = objectRules(objectNode, itemPath);
      if (rules.length > 0) {
        lines.push("");
        for (const rule of rules) lines.push(`- ${rule}`);
      }
      const children = Object.keys(objectNode.properties ?? {});
      if (children.length > 0) {
        lines.push("");
        lines.push(`Keys: ${children.map((k) => `[${code(k)}](#${anchor(`${itemPath}.${k}`)})`).join(", ")}.`);
      }
    }
    lines.push("");
  }
  lines.push(...renderPathSets(schema));
  return lines.join("\n").replace(/\n+$/, "\n");
}

/** The "Named path sets" section, from the schema's `definitions.path-sets` (src/engine/policy/path-sets.ts). */
function renderPathSets(schema) {
  const sets = schema.definitions?.["path-sets"];
  if (!sets) return [];
  const lines = ["## Named path sets", "", sets.description, ""];
  for (const [name, set] of Object.entries(sets.properties ?? {})) {
    lines.push(`### ${name}`, "", set.description, "", "| member | what | source |", "|---|---|---|");
    for (const m of set.anyOf ?? []) {
      const at = m.description.lastIndexOf(". Source: ");
      const what = at === -1 ? m.description : m.description.slice(0, at);
      const source = at === -1 ? "" : m.description.slice(at + ". Source: ".length);
      const link = source.startsWith("https://") ? `<${source}>` : source;
      lines.push(`| ${cell(code(m.const))} | ${cell(what)} | ${cell(link)} |`);
    }
    lines.push("");
  }
  return lines;
}

/** docs/policy.md with its generated block replaced by the reference for `schema`. */
export function renderPolicyDoc(currentDoc, schema) {
  const begin = currentDoc.indexOf(BEGIN_MARKER);
  const end = currentDoc.indexOf(END_MARKER);
  if (begin < 0 || end < 0 || end < begin) {
    throw new Error(`docs/policy.md must contain the markers\n  ${BEGIN_MARKER}\n  ${END_MARKER}\n(in that order) around the generated reference`);
  }
  return `${currentDoc.slice(0, begin + BEGIN_MARKER.length)}\n\n${renderReference(schema)}\n${currentDoc.slice(end)}`;
}

export function readSchema(file = SCHEMA_FILE) {
  return JSON.parse(readFileSync(file, "utf8"));
}

function isMain() {
  return process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
}

if (isMain()) {
  const check = process.argv.includes("--check");
  const current = readFileSync(DOC_FILE, "utf8");
  const next = renderPolicyDoc(current, readSchema());
  if (check) {
    if (next !== current) {
      console.error("docs/policy.md is out of date: run `node scripts/gen-policy-docs.js`");
      process.exitCode = 1;
    }
  } else if (next !== current) {
    writeFileSync(DOC_FILE, next);
    console.log("docs/policy.md updated");
  } else {
    console.log("docs/policy.md is up to date");
  }
}
