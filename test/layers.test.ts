/**
 * The layout ARCHITECTURE.md draws, checked: the engine imports nothing of the other layers and no
 * I/O library, and inside the engine the folders only import along the data path
 * (policy/ → detect → decide/ → render/), so a reader following a PR's data never climbs back.
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const ENGINE = path.join(ROOT, "src/engine");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith(".ts") ? [p] : [];
  });
}

/** Every module specifier of `import … from "x"`, `export … from "x"` and `import("x")`, by line scan. */
function specifiers(file: string): string[] {
  const out: string[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const t = line.trim();
    for (let i = t.indexOf('import("'); i >= 0; i = t.indexOf('import("', i + 8)) {
      const end = t.indexOf('"', i + 8);
      if (end > 0) out.push(t.slice(i + 8, end));
    }
    if (!t.startsWith("import") && !t.startsWith("export") && !t.startsWith("} from")) continue;
    const from = t.lastIndexOf(" from ");
    const bare = t.startsWith('import "') || t.startsWith("import '");
    if (from < 0 && !bare) continue;
    const start = from >= 0 ? from + 6 : 7;
    const quote = t[start];
    if (quote !== '"' && quote !== "'") continue;
    const end = t.indexOf(quote, start + 1);
    if (end > start) out.push(t.slice(start + 1, end));
  }
  return out;
}

/** The engine step a file belongs to: its folder, or "root" for the shared files beside them. */
function stepOf(file: string): string {
  const rel = path.relative(ENGINE, file).split(path.sep);
  if (rel.length === 1) return rel[0] === "detect.ts" ? "detect" : "root";
  return rel[0]!;
}

/** What each step may import besides itself: earlier steps and the shared root files. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  policy: ["root"],
  detect: ["root"],
  workflows: [],
  dependencies: ["workflows"],
  decide: ["root", "policy", "detect", "workflows", "dependencies"],
  render: ["root", "policy", "decide", "workflows"],
};

describe("engine layout", () => {
  const files = sourceFiles(ENGINE);

  it("finds the engine's folders", () => {
    expect(new Set(files.map(stepOf))).toEqual(new Set(["root", ...Object.keys(MAY_IMPORT)]));
  });

  it("imports nothing of github/, app/, cli/ or action/, and no network or process library", () => {
    const bad: string[] = [];
    for (const file of files) {
      for (const s of specifiers(file)) {
        const outside = s.startsWith(".") && !path.resolve(path.dirname(file), s).startsWith(ENGINE + path.sep);
        const io = /^(node:(?!crypto$)|probot|@octokit|ioredis|undici|pino)/.test(s);
        if (outside || io) bad.push(`${path.relative(ROOT, file)} imports ${s}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("imports only along the data path: policy/ → detect → decide/ → render/", () => {
    const bad: string[] = [];
    for (const file of files) {
      const from = stepOf(file);
      const allowed = MAY_IMPORT[from];
      if (allowed === undefined) continue; // the root files are shared vocabulary
      for (const s of specifiers(file)) {
        if (!s.startsWith(".")) continue;
        const to = stepOf(path.resolve(path.dirname(file), s).replace(/\.js$/, ".ts"));
        if (to !== from && !allowed.includes(to)) bad.push(`${path.relative(ROOT, file)} (${from}) imports ${s} (${to})`);
      }
    }
    expect(bad).toEqual([]);
  });
});
