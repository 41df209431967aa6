/** Shared shapes of the dependency analysis (issue 11 §3). */

export type Ecosystem = "npm" | "pypi" | "go" | "cargo" | "maven" | "rubygems" | "packagist" | "nuget";

/** One declared dependency of a manifest (or one locked package of a lock file). */
export interface DeclaredDependency {
  /** Where it is declared: "dependencies", "devDependencies", "require", "project.dependencies", "lock" … */
  group: string;
  name: string;
  /** The version range or locked version as written ("^1.2.0", ">=2,<3", "v1.4.0", "git+https://…"); "" when none. */
  version: string;
}

/** An added or changed dependency, as the summary and the CLI JSON list it. */
export interface DependencyChange {
  path: string;
  ecosystem: Ecosystem;
  group: string;
  name: string;
  /** The previous range/version; null when the dependency is new. */
  from: string | null;
  to: string;
}

/** A manifest that could not be parsed: the decision fails closed on it. */
export class ManifestError extends Error {
  override readonly name = "ManifestError";
  constructor(
    message: string,
    readonly line = 0,
    readonly column = 0,
  ) {
    super(message);
  }
}

export interface ManifestFormat {
  ecosystem: Ecosystem;
  /** What the file is, for messages ("npm package.json"). */
  label: string;
  parse(text: string): DeclaredDependency[];
}

/** Line and column (1-based) of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** JSON.parse with the error turned into a ManifestError (Node's message names the token). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new ManifestError(`invalid JSON: ${(e as Error).message.split("\n")[0]}`);
  }
}

/** Entries of a `{ name: range }` object (non-string ranges as JSON, e.g. Cargo/Poetry tables). */
export function entries(group: string, value: unknown, version: (v: unknown) => string = (v) => (typeof v === "string" ? v : JSON.stringify(v))): DeclaredDependency[] {
  if (!isRecord(value)) return [];
  return Object.entries(value).map(([name, v]) => ({ group, name, version: version(v) }));
}
