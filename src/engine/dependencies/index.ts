/**
 * Dependency additions (issue 11 §3): which packages a change adds or changes in a recognised
 * manifest or lock file. Each format is parsed with its own grammar (JSON, TOML, YAML, XML, the pip
 * requirements and go.mod line grammars); only added or changed dependencies count, so an edit to
 * scripts or metadata adds nothing. A head version that cannot be parsed is an error naming the file
 * and the parse error (the decision fails closed on it).
 */
import { composerJson, composerLock, packageJson, packageLock, pnpmLock, pnpmWorkspace, yarnLock } from "./javascript.js";
import { cargoLock, cargoToml, gemfile, gemfileLock, goMod, gradleBuild, gradleLock, msbuildProject, nugetLock, packagesConfig, pomXml, versionCatalog } from "./others.js";
import { pipfile, pipfileLock, pyprojectToml, pythonLock, requirementsTxt } from "./python.js";
import { ManifestError, type DeclaredDependency, type DependencyChange, type ManifestFormat } from "./types.js";
import type { AnalysisError } from "../workflows/escalations.js";

export type { DependencyChange, Ecosystem } from "./types.js";

const BY_NAME: Record<string, ManifestFormat> = {
  "package.json": packageJson,
  "package-lock.json": packageLock,
  "npm-shrinkwrap.json": packageLock,
  "pnpm-lock.yaml": pnpmLock,
  "pnpm-workspace.yaml": pnpmWorkspace,
  "yarn.lock": yarnLock,
  "composer.json": composerJson,
  "composer.lock": composerLock,
  "pyproject.toml": pyprojectToml,
  Pipfile: pipfile,
  "Pipfile.lock": pipfileLock,
  "poetry.lock": pythonLock,
  "uv.lock": pythonLock,
  "pdm.lock": pythonLock,
  "go.mod": goMod,
  "Cargo.toml": cargoToml,
  "Cargo.lock": cargoLock,
  "pom.xml": pomXml,
  "build.gradle": gradleBuild,
  "build.gradle.kts": gradleBuild,
  "gradle.lockfile": gradleLock,
  "libs.versions.toml": versionCatalog,
  Gemfile: gemfile,
  "gems.rb": gemfile,
  "Gemfile.lock": gemfileLock,
  "gems.locked": gemfileLock,
  "packages.config": packagesConfig,
  "Directory.Packages.props": msbuildProject,
  "packages.lock.json": nugetLock,
};

/** The parser for a path, by file name; undefined for files that are not (parsed) manifests. */
export function manifestFormat(path: string): ManifestFormat | undefined {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const known = BY_NAME[name];
  if (known) return known;
  if (name.endsWith(".csproj") || name.endsWith(".fsproj") || name.endsWith(".vbproj")) return msbuildProject;
  const dir = path.slice(0, path.lastIndexOf("/") + 1);
  if (name.endsWith(".txt") && (name.startsWith("requirements") || name.startsWith("constraints") || dir.endsWith("requirements/"))) return requirementsTxt;
  return undefined;
}

export function isAnalysedManifest(path: string): boolean {
  return manifestFormat(path) !== undefined;
}

export interface ManifestChange {
  path: string;
  base: string | null;
  head: string | null;
}

export interface DependencyAnalysis { changes: DependencyChange[]; errors: AnalysisError[] }

function keyOf(d: DeclaredDependency): string {
  return `${d.group}\u0000${d.name}`;
}

/**
 * Added and changed dependencies of one manifest. A base version that cannot be parsed counts as
 * empty (everything in the head is reported, the safe side); a removed file adds nothing.
 */
export function analyzeManifestChange(change: ManifestChange): DependencyAnalysis {
  const format = manifestFormat(change.path);
  if (!format || change.head === null) return { changes: [], errors: [] };
  let head: DeclaredDependency[];
  try {
    head = format.parse(change.head);
  } catch (e) {
    if (e instanceof ManifestError) return { changes: [], errors: [{ path: change.path, line: e.line, column: e.column, message: `${format.label}: ${e.message}` }] };
    throw e;
  }
  let base: DeclaredDependency[] = [];
  if (change.base !== null) {
    try {
      base = format.parse(change.base);
    } catch (e) {
      if (!(e instanceof ManifestError)) throw e;
    }
  }
  const before = new Map<string, string>();
  for (const d of base) before.set(keyOf(d), d.version);
  const seen = new Set<string>();
  const changes: DependencyChange[] = [];
  for (const d of head) {
    const key = keyOf(d);
    if (seen.has(key)) continue;
    seen.add(key);
    const from = before.get(key);
    if (from === d.version) continue;
    changes.push({ path: change.path, ecosystem: format.ecosystem, group: d.group, name: d.name, from: from ?? null, to: d.version });
  }
  return { changes, errors: [] };
}
