/**
 * Go, Cargo, Maven, Gradle, Bundler and NuGet manifests.
 * go.mod: https://go.dev/ref/mod#go-mod-file (line grammar: `require path version`, blocks in
 * parentheses, `replace old => new version`); Cargo: https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html;
 * Maven: https://maven.apache.org/pom.html#Dependencies; Gradle version catalogs:
 * https://docs.gradle.org/current/userguide/version_catalogs.html; Gradle build scripts are programs
 * (Groovy/Kotlin), so only the documented declaration form `configuration("group:name:version")` is read,
 * line by line; Bundler: https://bundler.io/guides/gemfile.html and the Gemfile.lock `specs:` sections;
 * NuGet: https://learn.microsoft.com/en-us/nuget/consume-packages/package-references-in-project-files.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { parseTomlManifest } from "./python.js";
import { ManifestError, entries, isRecord, type DeclaredDependency, type ManifestFormat } from "./types.js";

function stripGoComment(line: string): string {
  const i = line.indexOf("//");
  return (i === -1 ? line : line.slice(0, i)).trim();
}

function goFields(s: string): string[] {
  return s.split(/[ \t]+/).filter((f) => f !== "").map((f) => (f.startsWith('"') && f.endsWith('"') && f.length >= 2 ? f.slice(1, -1) : f));
}

export const goMod: ManifestFormat = {
  ecosystem: "go",
  label: "go.mod",
  parse(text) {
    const out: DeclaredDependency[] = [];
    const lines = text.split("\n");
    let block: string | null = null;
    const directive = (verb: string, rest: string, lineNo: number) => {
      const f = goFields(rest);
      if (verb === "require") {
        if (f.length < 2) throw new ManifestError(`expected \`require module/path vX.Y.Z\`, got ${JSON.stringify(rest)}`, lineNo, 1);
        out.push({ group: "require", name: f[0]!, version: f[1]! });
      } else if (verb === "replace") {
        const arrow = f.indexOf("=>");
        if (arrow < 1 || arrow === f.length - 1) throw new ManifestError(`expected \`replace old [version] => new [version]\`, got ${JSON.stringify(rest)}`, lineNo, 1);
        out.push({ group: "replace", name: f.slice(0, arrow).join("@"), version: f.slice(arrow + 1).join(" ") });
      } else if (verb === "tool") {
        if (f[0]) out.push({ group: "tool", name: f[0], version: "" });
      }
    };
    for (let i = 0; i < lines.length; i++) {
      const t = stripGoComment(lines[i]!.replace(/\r$/, ""));
      if (t === "") continue;
      if (block !== null) {
        if (t === ")") block = null;
        else directive(block, t, i + 1);
        continue;
      }
      const space = t.search(/[ \t(]/);
      const verb = space === -1 ? t : t.slice(0, space);
      const rest = space === -1 ? "" : t.slice(space).trim();
      if (rest === "(") {
        block = verb;
        continue;
      }
      if (!["module", "go", "toolchain", "godebug", "require", "replace", "exclude", "retract", "tool", "ignore"].includes(verb)) {
        throw new ManifestError(`unknown go.mod directive ${JSON.stringify(verb)}`, i + 1, 1);
      }
      directive(verb, rest, i + 1);
    }
    if (block !== null) throw new ManifestError(`unterminated \`${block} (\` block (missing ")")`, lines.length, 1);
    return out;
  },
};

const cargoVersion = (v: unknown): string => {
  if (typeof v === "string") return v;
  if (!isRecord(v)) return JSON.stringify(v);
  const parts: string[] = [];
  if (typeof v["version"] === "string") parts.push(v["version"]);
  for (const k of ["git", "path", "registry", "branch", "tag", "rev"]) if (typeof v[k] === "string") parts.push(`${k}=${v[k]}`);
  if (v["workspace"] === true) parts.push("workspace");
  return parts.join(" ");
};

export const cargoToml: ManifestFormat = {
  ecosystem: "cargo",
  label: "Cargo.toml",
  parse(text) {
    const doc = parseTomlManifest(text);
    const out: DeclaredDependency[] = [];
    const tables = (prefix: string, t: unknown) => {
      if (!isRecord(t)) return;
      for (const g of ["dependencies", "dev-dependencies", "build-dependencies"]) out.push(...entries(`${prefix}${g}`, t[g], cargoVersion));
    };
    tables("", doc);
    if (isRecord(doc["workspace"])) out.push(...entries("workspace.dependencies", doc["workspace"]["dependencies"], cargoVersion));
    if (isRecord(doc["target"])) for (const [cfg, t] of Object.entries(doc["target"])) tables(`target.${cfg}.`, t);
    if (isRecord(doc["patch"])) for (const [reg, t] of Object.entries(doc["patch"])) out.push(...entries(`patch.${reg}`, t, cargoVersion));
    return out;
  },
};

export const cargoLock: ManifestFormat = {
  ecosystem: "cargo",
  label: "Cargo.lock",
  parse(text) {
    const doc = parseTomlManifest(text);
    const list = Array.isArray(doc["package"]) ? doc["package"] : [];
    return list.flatMap((p) => (isRecord(p) && typeof p["name"] === "string" ? [{ group: "lock", name: p["name"], version: typeof p["version"] === "string" ? p["version"] : "" }] : []));
  },
};

// ─── XML (Maven, NuGet) ───

type XmlNode = Record<string, unknown[]>;

/** Entities are not expanded (no "billion laughs"); every element is a list, attributes are "@_name". */
const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  processEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (_name, _jpath, _isLeaf, isAttribute) => !isAttribute,
});

function xml(text: string): XmlNode {
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- still shipped and kept in fast-xml-parser 5; moving to the separate fast-xml-validator package is its own change
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new ManifestError(`invalid XML: ${valid.err.msg}`, valid.err.line, valid.err.col);
  return xmlParser.parse(text) as XmlNode;
}

function children(node: unknown, name: string): unknown[] {
  if (!isRecord(node)) return [];
  const v = node[name];
  return Array.isArray(v) ? v : [];
}

function textOf(node: unknown, name: string): string {
  const first = children(node, name)[0];
  if (typeof first === "string") return first.trim();
  if (isRecord(first) && typeof first["#text"] === "string") return first["#text"].trim();
  return "";
}

/** Case-insensitive attribute or child element (MSBuild accepts both `Version="1"` and `<Version>1</Version>`). */
function attrOrChild(node: unknown, name: string): string {
  if (!isRecord(node)) return "";
  for (const [k, v] of Object.entries(node)) {
    if (k.toLowerCase() === `@_${name.toLowerCase()}` && typeof v === "string") return v;
  }
  for (const k of Object.keys(node)) if (k.toLowerCase() === name.toLowerCase()) return textOf(node, k);
  return "";
}

export const pomXml: ManifestFormat = {
  ecosystem: "maven",
  label: "Maven pom.xml",
  parse(text) {
    const root = xml(text);
    const project = children(root, "project")[0];
    if (!isRecord(project)) throw new ManifestError("expected a <project> root element");
    const out: DeclaredDependency[] = [];
    const deps = (group: string, container: unknown) => {
      for (const list of children(container, "dependencies")) {
        for (const d of children(list, "dependency")) {
          const name = `${textOf(d, "groupId")}:${textOf(d, "artifactId")}`;
          const scope = textOf(d, "scope");
          out.push({ group: scope ? `${group} (${scope})` : group, name, version: textOf(d, "version") });
        }
      }
    };
    deps("dependencies", project);
    for (const dm of children(project, "dependencyManagement")) deps("dependencyManagement", dm);
    for (const build of children(project, "build")) {
      for (const plugins of children(build, "plugins")) {
        for (const p of children(plugins, "plugin")) out.push({ group: "build.plugins", name: `${textOf(p, "groupId") || "org.apache.maven.plugins"}:${textOf(p, "artifactId")}`, version: textOf(p, "version") });
      }
    }
    for (const repos of children(project, "repositories")) {
      for (const r of children(repos, "repository")) out.push({ group: "repositories", name: textOf(r, "url"), version: "" });
    }
    return out;
  },
};

/** MSBuild projects and Directory.Packages.props: PackageReference / PackageVersion / GlobalPackageReference items. */
export const msbuildProject: ManifestFormat = {
  ecosystem: "nuget",
  label: "NuGet project file",
  parse(text) {
    const root = xml(text);
    const project = children(root, "Project")[0];
    if (!isRecord(project)) throw new ManifestError("expected a <Project> root element");
    const out: DeclaredDependency[] = [];
    for (const group of children(project, "ItemGroup")) {
      for (const kind of ["PackageReference", "PackageVersion", "GlobalPackageReference"]) {
        for (const item of children(group, kind)) {
          const name = attrOrChild(item, "Include") || attrOrChild(item, "Update");
          if (name) out.push({ group: kind, name, version: attrOrChild(item, "Version") || attrOrChild(item, "VersionOverride") });
        }
      }
    }
    return out;
  },
};

export const packagesConfig: ManifestFormat = {
  ecosystem: "nuget",
  label: "NuGet packages.config",
  parse(text) {
    const root = xml(text);
    const packages = children(root, "packages")[0];
    if (packages === undefined) throw new ManifestError("expected a <packages> root element");
    return children(packages, "package").map((p) => ({ group: "packages", name: attrOrChild(p, "id"), version: attrOrChild(p, "version") }));
  },
};

export const nugetLock: ManifestFormat = {
  ecosystem: "nuget",
  label: "NuGet packages.lock.json",
  parse(text) {
    let json: unknown;
    try {
      json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch (e) {
      throw new ManifestError(`invalid JSON: ${(e as Error).message.split("\n")[0]}`);
    }
    const out: DeclaredDependency[] = [];
    const deps = isRecord(json) && isRecord(json["dependencies"]) ? json["dependencies"] : {};
    for (const [framework, pkgs] of Object.entries(deps)) {
      if (!isRecord(pkgs)) continue;
      for (const [name, v] of Object.entries(pkgs)) out.push({ group: `lock (${framework})`, name, version: isRecord(v) && typeof v["resolved"] === "string" ? v["resolved"] : "" });
    }
    return out;
  },
};

// ─── Gradle ───

/** Gradle's rich version keys, in the order its docs list them (docs.gradle.org, "Rich versions"). */
const RICH_VERSION_KEYS = ["strictly", "require", "prefer", "reject", "rejectAll"];

/**
 * A catalog version as text: a string as written, a rich version table (`{ strictly = "[1.0, 2.0[",
 * prefer = "1.5" }`) as `strictly [1.0, 2.0[, prefer 1.5`; anything else TOML holds there as JSON.
 * Not String(): on smol-toml's prototype-less tables it throws, and on any other object it gives
 * "[object Object]", so two different tables would read as the same version (no change to gate).
 */
function catalogVersion(v: unknown): string {
  if (v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (isRecord(v)) {
    const keys = Object.keys(v).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
    return keys.map((k) => `${k} ${typeof v[k] === "string" ? v[k] : JSON.stringify(v[k])}`).join(", ");
  }
  return JSON.stringify(v);
}

function rank(key: string): number {
  const i = RICH_VERSION_KEYS.indexOf(key);
  return i === -1 ? RICH_VERSION_KEYS.length : i;
}

export const versionCatalog: ManifestFormat = {
  ecosystem: "maven",
  label: "Gradle version catalog",
  parse(text) {
    const doc = parseTomlManifest(text);
    const versions = isRecord(doc["versions"]) ? doc["versions"] : {};
    const out: DeclaredDependency[] = [];
    const version = (v: unknown): string => {
      if (!isRecord(v)) return "";
      const ver = v["version"];
      if (isRecord(ver) && typeof ver["ref"] === "string") return Object.hasOwn(versions, ver["ref"]) ? catalogVersion(versions[ver["ref"]]) : `ref ${ver["ref"]}`;
      if (ver !== undefined) return catalogVersion(ver);
      if (typeof v["version.ref"] === "string") return catalogVersion(Object.hasOwn(versions, v["version.ref"]) ? versions[v["version.ref"]] : undefined);
      return "";
    };
    for (const g of ["libraries", "plugins"]) {
      const t = doc[g];
      if (!isRecord(t)) continue;
      for (const [alias, v] of Object.entries(t)) {
        if (typeof v === "string") {
          const last = v.lastIndexOf(":");
          const isGav = g === "libraries" ? v.split(":").length === 3 : last !== -1;
          out.push({ group: g, name: isGav ? v.slice(0, last) : v, version: isGav ? v.slice(last + 1) : "" });
        } else if (isRecord(v)) {
          const module = typeof v["module"] === "string" ? v["module"] : typeof v["id"] === "string" ? v["id"] : typeof v["group"] === "string" ? `${v["group"]}:${typeof v["name"] === "string" ? v["name"] : ""}` : alias;
          out.push({ group: g, name: module, version: version(v) });
        }
      }
    }
    return out;
  },
};

const GRADLE_CONFIGURATIONS = ["implementation", "api", "compileOnly", "runtimeOnly", "testImplementation", "testRuntimeOnly", "testCompileOnly", "annotationProcessor", "kapt", "ksp", "classpath", "compile", "testCompile", "developmentOnly", "androidTestImplementation", "debugImplementation"];

/** `implementation "g:a:v"`, `implementation("g:a:v")`, `api 'g:a:v'` on one line; other lines are code, not read. */
export const gradleBuild: ManifestFormat = {
  ecosystem: "maven",
  label: "Gradle build script",
  parse(text) {
    const out: DeclaredDependency[] = [];
    for (const raw of text.split("\n")) {
      const t = raw.trim();
      const conf = GRADLE_CONFIGURATIONS.find((c) => t.startsWith(c) && (t[c.length] === " " || t[c.length] === "(" || t[c.length] === "\t"));
      if (!conf) continue;
      let rest = t.slice(conf.length).trim();
      if (rest.startsWith("(")) rest = rest.slice(1).trim();
      const q = rest[0];
      if (q !== '"' && q !== "'") continue;
      const end = rest.indexOf(q, 1);
      if (end === -1) continue;
      const coord = rest.slice(1, end);
      const parts = coord.split(":");
      if (parts.length < 2) continue;
      out.push({ group: conf, name: `${parts[0]}:${parts[1]}`, version: parts.slice(2).join(":") });
    }
    return out;
  },
};

export const gradleLock: ManifestFormat = {
  ecosystem: "maven",
  label: "Gradle lock file",
  parse(text) {
    const out: DeclaredDependency[] = [];
    for (const raw of text.split("\n")) {
      const t = raw.trim();
      if (t === "" || t.startsWith("#") || t.startsWith("empty=")) continue;
      const coord = t.split("=")[0]!;
      const parts = coord.split(":");
      if (parts.length < 3) throw new ManifestError(`expected \`group:name:version=configurations\`, got ${JSON.stringify(t.slice(0, 80))}`);
      out.push({ group: "lock", name: `${parts[0]}:${parts[1]}`, version: parts.slice(2).join(":") });
    }
    return out;
  },
};

// ─── Ruby ───

function rubyStrings(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const q = s[i];
    if (q === '"' || q === "'") {
      const end = s.indexOf(q, i + 1);
      if (end === -1) break;
      out.push(s.slice(i + 1, end));
      i = end + 1;
    } else if (q === "#") break;
    else i++;
  }
  return out;
}

/** `gem "name", "~> 1.2", ">= 1.2.3", git: "…"` on one line (the Gemfile DSL's usual form). */
export const gemfile: ManifestFormat = {
  ecosystem: "rubygems",
  label: "Bundler Gemfile",
  parse(text) {
    const out: DeclaredDependency[] = [];
    for (const raw of text.split("\n")) {
      const t = raw.trim();
      if (t.startsWith("source ") || t.startsWith("source(")) {
        const [url] = rubyStrings(t);
        if (url) out.push({ group: "source", name: url, version: "" });
        continue;
      }
      if (!(t.startsWith("gem ") || t.startsWith("gem("))) continue;
      const [name, ...rest] = rubyStrings(t);
      if (!name) throw new ManifestError(`expected \`gem "name"\`, got ${JSON.stringify(t.slice(0, 80))}`);
      out.push({ group: "gems", name, version: rest.join(", ") });
    }
    return out;
  },
};

export const gemfileLock: ManifestFormat = {
  ecosystem: "rubygems",
  label: "Bundler Gemfile.lock",
  parse(text) {
    const out: DeclaredDependency[] = [];
    let inSpecs = false;
    for (const raw of text.split("\n")) {
      const line = raw.replace(/\r$/, "");
      if (line.trim() === "specs:") {
        inSpecs = true;
        continue;
      }
      if (!line.startsWith(" ")) inSpecs = false;
      // Exactly four spaces: a locked gem; six: one of its own requirements.
      if (!inSpecs || !line.startsWith("    ") || line.startsWith("     ")) continue;
      const t = line.trim();
      const open = t.indexOf(" (");
      out.push({ group: "lock", name: open === -1 ? t : t.slice(0, open), version: open === -1 ? "" : t.slice(open + 2, t.endsWith(")") ? -1 : undefined) });
    }
    return out;
  },
};
