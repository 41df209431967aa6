/**
 * Validation of one parsed policy file (SPEC §3): the shipped JSON Schema through ajv, then the
 * checks a schema cannot express (duplicate agent ids, unknown path sets, rules that match nothing,
 * globs that can never match). Every error is at the key or value it is about.
 */
import { Ajv } from "ajv";
import type { ErrorObject } from "ajv";
import type { PolicyError } from "../types.js";
import { quote } from "../escape.js";
import { DEFAULT_DEPENDENCY_ACTION } from "./defaults.js";
import { safeError } from "./errors.js";
import { PATH_SET_NAMES, isSetReference, pathSet } from "./path-sets.js";
import { MAX_GLOBSTARS, globstarCount, patternProblem, type PatternKind } from "./patterns.js";
import { describePointer, escapePointer, isPlainObject, parentPointer, valueAt } from "./pointers.js";
import { POLICY_SCHEMA, SIGNATURE_KEYS } from "./schema.js";
import { describeSchema, describeValue, didYouMean, type SchemaNode } from "./wording.js";
import type { PolicyDocument, SourcePosition } from "./yaml.js";

let compiled: ReturnType<Ajv["compile"]> | undefined;

function schemaValidator(): ReturnType<Ajv["compile"]> {
  // `verbose` gives each error its schema and data, from which the messages say what was expected.
  compiled ??= new Ajv({ allErrors: true, verbose: true, strict: true }).compile(POLICY_SCHEMA);
  return compiled;
}

function errorAt(doc: PolicyDocument, position: SourcePosition, message: string): PolicyError {
  return safeError({ file: doc.file, line: position.line, column: position.column, message });
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
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = isPlainObject(parent["properties"]) ? Object.keys(parent["properties"]) : [];
      out.push(
        errorAt(
          doc,
          doc.keyPositionOf(`${e.instancePath}/${escapePointer(key)}`),
          `unknown key ${quote(key)} at ${where} — expected one of: ${allowed.join(", ")}${didYouMean(key, allowed)}`,
        ),
      );
    } else if (e.keyword === "required") {
      const missing = (e.params as { missingProperty: string }).missingProperty;
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
  // kind null: e-mail globs, which only get the `**` bound (the path and branch rules do not apply).
  const check = (pointer: string, kind: PatternKind | null) => {
    const list = valueAt(doc.value, pointer);
    if (!Array.isArray(list)) return;
    list.forEach((p, j) => {
      if (typeof p !== "string") return;
      const stars = globstarCount(p);
      if (stars > MAX_GLOBSTARS) {
        out.push(
          errorAt(
            doc,
            doc.positionOf(`${pointer}/${j}`),
            `pattern ${quote(p.length > 80 ? `${p.slice(0, 79)}…` : p)} at ${describePointer(`${pointer}/${j}`)} has ${stars} \`**\` segments — expected at most ${MAX_GLOBSTARS} (the matcher stops looking past 200 and would answer "no match"); one "**" already spans any number of directories, so write "**" once between the literal parts, or split the pattern into several`,
          ),
        );
        return;
      }
      if (kind === null) return;
      if (kind === "head-branch" && p.startsWith("!")) {
        // detect/compile.ts hands the glob to minimatch, which reads a leading "!" as negation: every
        // branch but this one, i.e. every human's, would be the agent's.
        out.push(
          errorAt(
            doc,
            doc.positionOf(`${pointer}/${j}`),
            `pattern ${quote(p)} at ${describePointer(`${pointer}/${j}`)} starts with "!" — expected the agent's own branches: this list has no exclusions, and "!x" would mean every branch except x, so every human branch would count as the agent's`,
          ),
        );
        return;
      }
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
  if (Array.isArray(define)) {
    define.forEach((_, i) => {
      check(`/agents/define/${i}/branches`, "head-branch");
      check(`/agents/define/${i}/emails`, null);
    });
  }
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
