/**
 * The package ships like the tools people know: `npm pack` makes a tarball with the compiled code,
 * types, schema and manifest and nothing else; installed into an EMPTY directory (offline: the
 * production dependencies come from npm's cache by the integrity the lockfile records, which
 * `npm ci` filled), its `agent-gate` command runs and `agent-gate/engine` imports with types, while
 * private paths stay private (`exports`).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "./helpers/git-repo.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  exports: Record<string, string | { types: string; default: string }>;
  types: string;
  bin: Record<string, string>;
  engines: { node: string };
};

interface LockEntry {
  version?: string;
  dev?: boolean;
  devOptional?: boolean;
  [key: string]: unknown;
}

function run(cmd: string, args: string[], cwd: string, input?: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", input, env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let files: string[] = [];
let installDir: string;

beforeAll(() => {
  // `npm test` builds before vitest; the tarball ships lib/, so a lone run must build first.
  if (!existsSync(path.join(ROOT, "lib/engine/index.d.ts"))) {
    const b = run("npm", ["run", "build"], ROOT);
    if (b.code !== 0) throw new Error(`npm run build failed:\n${b.stderr}`);
  }
  const out = tempDir("agent-gate-pack-");
  // --ignore-scripts: lib/ is built above (prepack would rebuild it).
  const packed = run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", out], ROOT);
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  files = info!.files.map((f) => f.path);
  const tarball = path.join(out, info!.filename);

  // The consumer: an empty project depending on the tarball. Its lockfile is the repository's,
  // production entries only, so npm installs exactly the tested dependency versions, from cache.
  installDir = tempDir("agent-gate-consumer-");
  const lock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  const root = lock.packages[""]!;
  const spec = `file:${tarball}`;
  const packages: Record<string, LockEntry> = {
    "": { name: "consumer", version: "1.0.0", dependencies: { [pkg.name]: spec } },
    [`node_modules/${pkg.name}`]: { version: pkg.version, resolved: spec, license: root.license, dependencies: root.dependencies, bin: root.bin, engines: root.engines },
  };
  for (const [key, entry] of Object.entries(lock.packages)) if (key !== "" && !entry.dev && !entry.devOptional) packages[key] = entry;
  writeFileSync(path.join(installDir, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true, type: "module", dependencies: { [pkg.name]: spec } }));
  writeFileSync(path.join(installDir, "package-lock.json"), JSON.stringify({ name: "consumer", version: "1.0.0", lockfileVersion: 3, requires: true, packages }));
  const installed = run("npm", ["ci", "--offline", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], installDir);
  if (installed.code !== 0) {
    throw new Error(`npm ci --offline of the tarball failed (run \`npm ci\` in the repository first, so npm's cache holds the dependencies):\n${installed.stderr}`);
  }
}, 180_000);

describe("npm pack", () => {
  it("ships the compiled code, types, schema, manifest and README — no sources, tests or secrets", () => {
    for (const f of ["package.json", "README.md", "app.yml", "bin/agent-gate.js", "schema/agent-policy.schema.json", "lib/app/index.js", "lib/app/index.d.ts", "lib/app/main.js", "lib/engine/index.js", "lib/engine/index.d.ts", "lib/cli/main.js", "lib/cli/main.d.ts"]) {
      expect(files, f).toContain(f);
    }
    for (const f of files) {
      expect(f).not.toMatch(/^(src|test|scripts|dist|lib\/action|\.ci|\.github|node_modules)\//);
      expect(f).not.toMatch(/(^|\/)\.env|\.pem$|\.map$/);
    }
  });

  it("declares exports with types for the app, the engine and the CLI, and the maintained Node lines", () => {
    expect(Object.keys(pkg.exports).sort()).toEqual([".", "./app.yml", "./cli", "./engine", "./package.json", "./schema/agent-policy.schema.json"]);
    for (const key of [".", "./engine", "./cli"]) {
      const entry = pkg.exports[key] as { types: string; default: string };
      expect(files, key).toContain(entry.types.replace(/^\.\//, ""));
      expect(files, key).toContain(entry.default.replace(/^\.\//, ""));
    }
    expect(files).toContain(pkg.types);
    expect(pkg.engines.node).toBe(">=22");
  });
});

describe("the tarball, installed into an empty directory", () => {
  it("runs the agent-gate command", () => {
    const bin = path.join(installDir, "node_modules", ".bin", "agent-gate");
    const version = run(bin, ["--version"], installDir);
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout.trim()).toContain(pkg.version);
    writeFileSync(path.join(installDir, "policy.yml"), "version: 1\ndefault: approve\n");
    const valid = run(bin, ["validate", "policy.yml"], installDir);
    expect(valid.code, valid.stderr).toBe(0);
    writeFileSync(path.join(installDir, "broken.yml"), "version: 1\naproval: {}\n");
    const invalid = run(bin, ["validate", "broken.yml"], installDir);
    expect(invalid.code).toBe(3);
    expect(invalid.stderr).toMatch(/broken\.yml:2:1: .*aproval/);
  });

  it("imports the engine and the app by their public names, and keeps private paths private", () => {
    const script = `
      import * as engine from "agent-gate/engine";
      import agentGate from "agent-gate";
      import { main } from "agent-gate/cli";
      const loaded = engine.loadPolicy("version: 1\\ndefault: allow\\n", ".github/agent-policy.yml");
      let deep = "exported";
      try { await import("agent-gate/lib/engine/decide/decide.js"); } catch (e) { deep = e.code; }
      console.log(JSON.stringify({ decide: typeof engine.decide, render: typeof engine.renderCheck, ok: loaded.ok, app: typeof agentGate, cli: typeof main, deep }));
    `;
    const r = run(process.execPath, ["--input-type=module", "-"], installDir, script);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ decide: "function", render: "function", ok: true, app: "function", cli: "function", deep: "ERR_PACKAGE_PATH_NOT_EXPORTED" });
  });

  it("types resolve for a TypeScript consumer of agent-gate/engine", () => {
    const ts = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
    writeFileSync(
      path.join(installDir, "use.ts"),
      'import { loadPolicy, type Decision } from "agent-gate/engine";\nconst r = loadPolicy("version: 1\\n", "p.yml");\nexport const ok: boolean = r.ok;\nexport type D = Decision["conclusion"];\n',
    );
    const r = run(process.execPath, [ts, "--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2023", "--skipLibCheck", "--types", "node", "--typeRoots", path.join(ROOT, "node_modules", "@types"), "use.ts"], installDir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });
});
