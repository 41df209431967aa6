/**
 * The words of a policy error: what a schema accepts ("an integer ≥ 1"), what was found ("a
 * list"), and the "did you mean" for a typo. Messages quote the file's text through quote().
 */
import { quote } from "../escape.js";
import { isPlainObject } from "./pointers.js";
import { AGENT_ID_PATTERN, EXTENDS_PATTERN, LOGIN_PATTERN, TEAM_PATTERN } from "./schema.js";

export type SchemaNode = Readonly<Record<string, unknown>>;

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
export function describeSchema(schema: SchemaNode, plural = false): string {
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

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "an empty value";
  if (typeof value === "string") {
    return quote(value, 60);
  }
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  return "a value";
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

export function didYouMean(word: unknown, candidates: readonly string[]): string {
  if (typeof word !== "string") return "";
  const hit = suggest(word, candidates);
  return hit !== undefined && hit !== word ? ` — did you mean "${hit}"?` : "";
}
