/**
 * Python: pip requirements files (https://pip.pypa.io/en/stable/reference/requirements-file-format/,
 * requirement specifiers per PEP 508), pyproject.toml (PEP 621 `project.dependencies` /
 * `optional-dependencies`, PEP 735 `dependency-groups`, Poetry's `tool.poetry.*dependencies`, uv's
 * `tool.uv.dev-dependencies`), Pipfile, and the TOML lock files of Poetry, uv and PDM (`[[package]]`
 * name + version). TOML is parsed with smol-toml (TOML 1.0).
 */
import { TomlError, parse as parseToml } from "smol-toml";
import { ManifestError, entries, isRecord, type DeclaredDependency, type ManifestFormat } from "./types.js";

function toml(text: string): Record<string, unknown> {
  try {
    return parseToml(text);
  } catch (e) {
    if (e instanceof TomlError) throw new ManifestError(`invalid TOML: ${e.message.split("\n")[0]}`, e.line, e.column);
    throw new ManifestError(`invalid TOML: ${(e as Error).message}`);
  }
}

/** PEP 503 normalised name: lower case, runs of `-`, `_`, `.` as one `-`. */
export function normalizePythonName(name: string): string {
  let out = "";
  let sep = false;
  for (const ch of name.toLowerCase()) {
    if (ch === "-" || ch === "_" || ch === ".") sep = true;
    else {
      if (sep && out !== "") out += "-";
      sep = false;
      out += ch;
    }
  }
  return out;
}

function isNameChar(ch: string): boolean {
  return (ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z") || (ch >= "0" && ch <= "9") || ch === "-" || ch === "_" || ch === ".";
}

/**
 * One PEP 508 requirement: `name[extras] specifier ; marker` or `name @ url`. Returns the normalised
 * name and the rest (extras, specifier, marker) as the "version"; null when it does not start with a
 * distribution name.
 */
export function parseRequirement(spec: string): { name: string; version: string } | null {
  const s = spec.trim();
  let i = 0;
  while (i < s.length && isNameChar(s[i]!)) i++;
  if (i === 0) return null;
  const first = s[0]!;
  if (!((first >= "a" && first <= "z") || (first >= "A" && first <= "Z") || (first >= "0" && first <= "9"))) return null;
  return { name: normalizePythonName(s.slice(0, i)), version: s.slice(i).trim() };
}

export const requirementsTxt: ManifestFormat = {
  ecosystem: "pypi",
  label: "pip requirements file",
  parse(text) {
    const out: DeclaredDependency[] = [];
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const lineNo = i + 1;
      let line = lines[i]!.replace(/\r$/, "");
      // A line ending in a backslash continues on the next one.
      while (line.endsWith("\\") && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!.replace(/\r$/, "");
      // Comments: "#" at the start or after whitespace (pip's rule; a URL fragment `#egg=` stays).
      let cut = line.length;
      for (let k = 0; k < line.length; k++) {
        if (line[k] === "#" && (k === 0 || line[k - 1] === " " || line[k - 1] === "\t")) {
          cut = k;
          break;
        }
      }
      const t = line.slice(0, cut).trim();
      if (t === "") continue;
      if (t.startsWith("-")) {
        // Options: -r/-c (other files, analysed on their own), -e (editable: a path or VCS URL), --index-url …
        if (t.startsWith("-e ") || t.startsWith("--editable")) out.push({ group: "editable", name: t.slice(t.indexOf(" ") + 1).trim(), version: "" });
        else if (t.startsWith("--index-url") || t.startsWith("-i ") || t.startsWith("--extra-index-url") || t.startsWith("--find-links") || t.startsWith("-f ")) {
          out.push({ group: "index", name: t, version: "" });
        }
        continue;
      }
      if (t.includes("://") && !t.includes(" @ ") && !t.includes("@ ")) {
        out.push({ group: "url", name: t, version: "" });
        continue;
      }
      const req = parseRequirement(t);
      if (!req) throw new ManifestError(`expected a requirement such as \`requests>=2.31\`, got ${JSON.stringify(t.slice(0, 80))}`, lineNo, 1);
      out.push({ group: "requirements", name: req.name, version: req.version });
    }
    return out;
  },
};

function pep508List(group: string, list: unknown): DeclaredDependency[] {
  if (!Array.isArray(list)) return [];
  const out: DeclaredDependency[] = [];
  for (const item of list) {
    if (typeof item !== "string") continue;
    const req = parseRequirement(item);
    if (!req) throw new ManifestError(`${group}: expected a PEP 508 requirement, got ${JSON.stringify(item.slice(0, 80))}`);
    out.push({ group, name: req.name, version: req.version });
  }
  return out;
}

const poetryVersion = (v: unknown): string => (typeof v === "string" ? v : isRecord(v) && typeof v["version"] === "string" ? v["version"] : JSON.stringify(v));

export const pyprojectToml: ManifestFormat = {
  ecosystem: "pypi",
  label: "Python pyproject.toml",
  parse(text) {
    const doc = toml(text);
    const out: DeclaredDependency[] = [];
    const project = isRecord(doc["project"]) ? doc["project"] : {};
    out.push(...pep508List("project.dependencies", project["dependencies"]));
    if (isRecord(project["optional-dependencies"])) for (const [g, l] of Object.entries(project["optional-dependencies"])) out.push(...pep508List(`project.optional-dependencies.${g}`, l));
    if (isRecord(doc["dependency-groups"])) for (const [g, l] of Object.entries(doc["dependency-groups"])) out.push(...pep508List(`dependency-groups.${g}`, l));
    const buildSystem = isRecord(doc["build-system"]) ? doc["build-system"] : {};
    out.push(...pep508List("build-system.requires", buildSystem["requires"]));
    const tool = isRecord(doc["tool"]) ? doc["tool"] : {};
    const poetry = isRecord(tool["poetry"]) ? tool["poetry"] : {};
    for (const g of ["dependencies", "dev-dependencies"]) out.push(...entries(`tool.poetry.${g}`, poetry[g], poetryVersion).filter((d) => d.name !== "python"));
    if (isRecord(poetry["group"])) for (const [g, v] of Object.entries(poetry["group"])) if (isRecord(v)) out.push(...entries(`tool.poetry.group.${g}`, v["dependencies"], poetryVersion));
    const uv = isRecord(tool["uv"]) ? tool["uv"] : {};
    out.push(...pep508List("tool.uv.dev-dependencies", uv["dev-dependencies"]));
    if (isRecord(uv["sources"])) out.push(...entries("tool.uv.sources", uv["sources"]));
    return out.map((d) => ({ ...d, name: normalizePythonName(d.name) }));
  },
};

export const pipfile: ManifestFormat = {
  ecosystem: "pypi",
  label: "Pipfile",
  parse(text) {
    const doc = toml(text);
    return [...entries("packages", doc["packages"], poetryVersion), ...entries("dev-packages", doc["dev-packages"], poetryVersion)].map((d) => ({ ...d, name: normalizePythonName(d.name) }));
  },
};

/** poetry.lock, uv.lock, pdm.lock: `[[package]]` tables with `name` and `version`. */
export const pythonLock: ManifestFormat = {
  ecosystem: "pypi",
  label: "Python lock file",
  parse(text) {
    const doc = toml(text);
    const list = Array.isArray(doc["package"]) ? doc["package"] : [];
    return list.flatMap((p) => (isRecord(p) && typeof p["name"] === "string" ? [{ group: "lock", name: normalizePythonName(p["name"]), version: typeof p["version"] === "string" ? p["version"] : "" }] : []));
  },
};

/** Pipfile.lock is JSON: `default` and `develop` maps of name → { version }. */
export const pipfileLock: ManifestFormat = {
  ecosystem: "pypi",
  label: "Pipfile.lock",
  parse(text) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new ManifestError(`invalid JSON: ${(e as Error).message.split("\n")[0]}`);
    }
    if (!isRecord(json)) throw new ManifestError("expected a JSON object at top level");
    const v = (x: unknown) => (isRecord(x) && typeof x["version"] === "string" ? x["version"] : "");
    return [...entries("default", json["default"], v), ...entries("develop", json["develop"], v)].map((d) => ({ ...d, name: normalizePythonName(d.name) }));
  },
};

export { toml as parseTomlManifest };
