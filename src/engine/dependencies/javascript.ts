/**
 * npm / pnpm / Yarn (and Composer, same JSON shape) manifests and lock files.
 * package.json: https://docs.npmjs.com/cli/configuring-npm/package-json (dependency fields);
 * package-lock.json v2/v3 `packages`, v1 `dependencies`: https://docs.npmjs.com/cli/configuring-npm/package-lock-json;
 * pnpm-lock.yaml `packages` keys / `importers`: https://pnpm.io/git#lockfiles;
 * yarn.lock v1 (its own line format) and Berry (YAML): https://classic.yarnpkg.com/en/docs/yarn-lock;
 * composer.json `require`, `require-dev`: https://getcomposer.org/doc/04-schema.md#require.
 */
import { parseDocument } from "yaml";
import { ManifestError, entries, isRecord, parseJson, type DeclaredDependency, type ManifestFormat } from "./types.js";

const NPM_GROUPS = ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies", "bundleDependencies", "overrides", "resolutions"];

function flatten(group: string, value: unknown, prefix = ""): DeclaredDependency[] {
  // `overrides` nest (`{ "a": { "b": "1" } }`); each leaf is a forced version.
  if (!isRecord(value)) return [];
  const out: DeclaredDependency[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === "string") out.push({ group, name: prefix + k, version: v });
    else if (isRecord(v)) out.push(...flatten(group, v, `${prefix}${k} > `));
  }
  return out;
}

export const packageJson: ManifestFormat = {
  ecosystem: "npm",
  label: "npm package.json",
  parse(text) {
    const json = parseJson(text);
    if (!isRecord(json)) throw new ManifestError("expected a JSON object at top level");
    const out: DeclaredDependency[] = [];
    for (const g of NPM_GROUPS) {
      const v = json[g];
      if (g === "bundleDependencies" && Array.isArray(v)) out.push(...v.filter((x): x is string => typeof x === "string").map((name) => ({ group: g, name, version: "" })));
      else out.push(...flatten(g, v));
    }
    return out;
  },
};

export const packageLock: ManifestFormat = {
  ecosystem: "npm",
  label: "npm lock file",
  parse(text) {
    const json = parseJson(text);
    if (!isRecord(json)) throw new ManifestError("expected a JSON object at top level");
    const out: DeclaredDependency[] = [];
    if (isRecord(json["packages"])) {
      for (const [key, v] of Object.entries(json["packages"])) {
        if (key === "" || !isRecord(v)) continue;
        const at = key.lastIndexOf("node_modules/");
        const name = at === -1 ? key : key.slice(at + "node_modules/".length);
        const version = typeof v["version"] === "string" ? v["version"] : typeof v["resolved"] === "string" ? v["resolved"] : "";
        out.push({ group: "lock", name: at === -1 ? name : key.slice(0, at) === "" ? name : `${name} (${key})`, version });
      }
    } else if (isRecord(json["dependencies"])) {
      for (const [name, v] of Object.entries(json["dependencies"])) out.push({ group: "lock", name, version: isRecord(v) && typeof v["version"] === "string" ? v["version"] : "" });
    }
    return out;
  },
};

function yamlOf(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: false, version: "1.2" });
  const e = doc.errors[0];
  if (e) {
    const pos = e.linePos?.[0];
    throw new ManifestError(`invalid YAML: ${e.message.split("\n")[0]}`, pos?.line ?? 0, pos?.col ?? 0);
  }
  return doc.toJS({ maxAliasCount: 1000 });
}

export const pnpmLock: ManifestFormat = {
  ecosystem: "npm",
  label: "pnpm lock file",
  parse(text) {
    const doc = yamlOf(text);
    if (!isRecord(doc)) throw new ManifestError("expected a mapping at top level");
    const out: DeclaredDependency[] = [];
    // Keys are "/name@version" (v6) or "name@version" (v9); scoped names start with "@".
    for (const key of Object.keys(isRecord(doc["packages"]) ? doc["packages"] : {})) {
      const k = key.startsWith("/") ? key.slice(1) : key;
      const at = k.indexOf("@", 1);
      out.push({ group: "lock", name: at === -1 ? k : k.slice(0, at), version: at === -1 ? "" : k.slice(at + 1) });
    }
    return out;
  },
};

/** A pnpm-workspace.yaml's `catalog` / `catalogs` (ranges shared by the workspace). */
export const pnpmWorkspace: ManifestFormat = {
  ecosystem: "npm",
  label: "pnpm workspace",
  parse(text) {
    const doc = yamlOf(text);
    if (doc === null || doc === undefined) return [];
    if (!isRecord(doc)) throw new ManifestError("expected a mapping at top level");
    const out = entries("catalog", doc["catalog"]);
    if (isRecord(doc["catalogs"])) for (const [n, c] of Object.entries(doc["catalogs"])) out.push(...entries(`catalogs.${n}`, c));
    return out;
  },
};

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

/** The package name of a yarn.lock descriptor (`"@scope/name@^1.0.0"`, `name@npm:^1`). */
function descriptorName(d: string): string {
  const s = unquote(d);
  const at = s.indexOf("@", 1);
  return at === -1 ? s : s.slice(0, at);
}

export const yarnLock: ManifestFormat = {
  ecosystem: "npm",
  label: "Yarn lock file",
  parse(text) {
    // Berry lock files are YAML (they start with `__metadata:` after comments); v1 has its own format:
    // an unindented line of descriptors ending in ":", then indented `version "x"` lines.
    if (text.includes("\n__metadata:") || text.startsWith("__metadata:")) {
      const doc = yamlOf(text);
      if (!isRecord(doc)) throw new ManifestError("expected a mapping at top level");
      return Object.entries(doc)
        .filter(([k]) => k !== "__metadata")
        .map(([k, v]) => ({ group: "lock", name: descriptorName(k.split(",")[0]!), version: isRecord(v) && typeof v["version"] === "string" ? v["version"] : "" }));
    }
    const out: DeclaredDependency[] = [];
    const lines = text.split("\n");
    let current: string | null = null;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.replace(/\r$/, "");
      if (line === "" || line.startsWith("#")) continue;
      if (!line.startsWith(" ")) {
        if (!line.endsWith(":")) throw new ManifestError(`expected a descriptor line ending in ":" (e.g. \`lodash@^4.17.0:\`)`, i + 1, 1);
        current = descriptorName(line.slice(0, -1).split(",")[0]!);
        continue;
      }
      const t = line.trim();
      if (current !== null && line.startsWith("  ") && !line.startsWith("   ") && t.startsWith("version ")) {
        out.push({ group: "lock", name: current, version: unquote(t.slice("version ".length)) });
      }
    }
    return out;
  },
};

export const composerJson: ManifestFormat = {
  ecosystem: "packagist",
  label: "Composer composer.json",
  parse(text) {
    const json = parseJson(text);
    if (!isRecord(json)) throw new ManifestError("expected a JSON object at top level");
    return [...entries("require", json["require"]), ...entries("require-dev", json["require-dev"])];
  },
};

export const composerLock: ManifestFormat = {
  ecosystem: "packagist",
  label: "Composer lock file",
  parse(text) {
    const json = parseJson(text);
    if (!isRecord(json)) throw new ManifestError("expected a JSON object at top level");
    const out: DeclaredDependency[] = [];
    for (const g of ["packages", "packages-dev"]) {
      const list = json[g];
      if (!Array.isArray(list)) continue;
      for (const p of list) if (isRecord(p) && typeof p["name"] === "string") out.push({ group: "lock", name: p["name"], version: typeof p["version"] === "string" ? p["version"] : "" });
    }
    return out;
  },
};
