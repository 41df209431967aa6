import { describe, expect, it } from "vitest";
import { analyzeManifestChange, manifestFormat } from "../src/engine/dependencies/index.js";

interface Case {
  path: string;
  base: string;
  /** Head that adds `newpkg` (or changes a version). */
  head: string;
  /** Head that changes only scripts/metadata: no dependency change. */
  metadataOnly: string;
  expected: { name: string; from: string | null; to: string }[];
  broken: string;
}

const CASES: Case[] = [
  {
    path: "package.json",
    base: '{"name":"x","scripts":{"t":"vitest"},"dependencies":{"a":"^1.0.0"}}',
    head: '{"name":"x","scripts":{"t":"vitest"},"dependencies":{"a":"^1.1.0","newpkg":"2.0.0"}}',
    metadataOnly: '{"name":"x","version":"9","scripts":{"t":"vitest run"},"dependencies":{"a":"^1.0.0"}}',
    expected: [{ name: "a", from: "^1.0.0", to: "^1.1.0" }, { name: "newpkg", from: null, to: "2.0.0" }],
    broken: '{"dependencies": {',
  },
  {
    path: "web/package-lock.json",
    base: '{"lockfileVersion":3,"packages":{"":{"name":"x"},"node_modules/a":{"version":"1.0.0"}}}',
    head: '{"lockfileVersion":3,"packages":{"":{"name":"x","version":"2"},"node_modules/a":{"version":"1.0.0"},"node_modules/newpkg":{"version":"2.0.0"}}}',
    metadataOnly: '{"lockfileVersion":3,"name":"y","packages":{"":{"name":"y"},"node_modules/a":{"version":"1.0.0"}}}',
    expected: [{ name: "newpkg", from: null, to: "2.0.0" }],
    broken: "{",
  },
  {
    path: "pnpm-lock.yaml",
    base: "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {integrity: x}\n",
    head: "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {integrity: x}\n  '@scope/newpkg@2.0.0':\n    resolution: {integrity: y}\n",
    metadataOnly: "lockfileVersion: '9.0'\nsettings: {autoInstallPeers: true}\npackages:\n  a@1.0.0:\n    resolution: {integrity: x}\n",
    expected: [{ name: "@scope/newpkg", from: null, to: "2.0.0" }],
    broken: "packages: [\n",
  },
  {
    path: "yarn.lock",
    base: '# yarn lockfile v1\n\na@^1.0.0:\n  version "1.0.0"\n  resolved "https://r/a.tgz"\n',
    head: '# yarn lockfile v1\n\na@^1.0.0:\n  version "1.0.0"\n  resolved "https://r/a.tgz"\n\n"newpkg@^2.0.0", newpkg@^2.1.0:\n  version "2.1.0"\n  dependencies:\n    a "^1.0.0"\n',
    metadataOnly: '# yarn lockfile v1\n# edited\n\na@^1.0.0:\n  version "1.0.0"\n  resolved "https://r/a.tgz"\n',
    expected: [{ name: "newpkg", from: null, to: "2.1.0" }],
    broken: "a@^1.0.0\n  version 1\n",
  },
  {
    path: "requirements-dev.txt",
    base: "# tools\nrequests>=2.31 ; python_version > '3.8'\n",
    head: "# tools\nrequests>=2.32 ; python_version > '3.8'\nNew_Pkg[extra]==1.0 \\\n    --hash=sha256:abc\n",
    metadataOnly: "# tools, pinned\nrequests>=2.31 ; python_version > '3.8'  # http client\n\n",
    expected: [{ name: "requests", from: ">=2.31 ; python_version > '3.8'", to: ">=2.32 ; python_version > '3.8'" }, { name: "new-pkg", from: null, to: "[extra]==1.0     --hash=sha256:abc" }],
    broken: "requests\n!!!nonsense\n",
  },
  {
    path: "pyproject.toml",
    base: '[project]\nname = "x"\ndependencies = ["httpx>=0.27"]\n',
    head: '[project]\nname = "x"\ndependencies = ["httpx>=0.27", "newpkg~=1.0"]\n[tool.poetry.group.dev.dependencies]\npytest = "^8"\n',
    metadataOnly: '[project]\nname = "x"\ndescription = "more"\ndependencies = ["httpx>=0.27"]\n[tool.ruff]\nline-length = 100\n',
    expected: [{ name: "newpkg", from: null, to: "~=1.0" }, { name: "pytest", from: null, to: "^8" }],
    broken: "[project\nname = 1\n",
  },
  {
    path: "uv.lock",
    base: 'version = 1\n[[package]]\nname = "httpx"\nversion = "0.27.0"\n',
    head: 'version = 1\n[[package]]\nname = "httpx"\nversion = "0.28.0"\n[[package]]\nname = "newpkg"\nversion = "1.0.0"\n',
    metadataOnly: 'version = 1\nrequires-python = ">=3.12"\n[[package]]\nname = "httpx"\nversion = "0.27.0"\n',
    expected: [{ name: "httpx", from: "0.27.0", to: "0.28.0" }, { name: "newpkg", from: null, to: "1.0.0" }],
    broken: "[[package]\n",
  },
  {
    path: "Pipfile",
    base: '[packages]\nrequests = "*"\n',
    head: '[packages]\nrequests = "*"\nnewpkg = {version = ">=1"}\n',
    metadataOnly: '[[source]]\nurl = "https://pypi.org/simple"\n[packages]\nrequests = "*"\n',
    expected: [{ name: "newpkg", from: null, to: ">=1" }],
    broken: "[packages\n",
  },
  {
    path: "go.mod",
    base: "module example.com/x\n\ngo 1.22\n\nrequire (\n\tgithub.com/a/b v1.0.0\n)\n",
    head: "module example.com/x\n\ngo 1.22\n\nrequire (\n\tgithub.com/a/b v1.0.0\n\tgithub.com/new/pkg v0.1.0 // indirect\n)\n\nreplace github.com/a/b => github.com/fork/b v1.0.1\n",
    metadataOnly: "module example.com/x\n\n// comment\ngo 1.23\n\nrequire (\n\tgithub.com/a/b v1.0.0\n)\n",
    expected: [{ name: "github.com/new/pkg", from: null, to: "v0.1.0" }, { name: "github.com/a/b", from: null, to: "github.com/fork/b v1.0.1" }],
    broken: "module x\nrequire (\n  a v1\n",
  },
  {
    path: "crates/x/Cargo.toml",
    base: '[package]\nname = "x"\n[dependencies]\nserde = "1"\n',
    head: '[package]\nname = "x"\n[dependencies]\nserde = "1"\nnewpkg = { git = "https://github.com/evil/newpkg", branch = "main" }\n',
    metadataOnly: '[package]\nname = "x"\nversion = "0.2.0"\n[dependencies]\nserde = "1"\n',
    expected: [{ name: "newpkg", from: null, to: "git=https://github.com/evil/newpkg branch=main" }],
    broken: "[dependencies\n",
  },
  {
    path: "Cargo.lock",
    base: 'version = 3\n[[package]]\nname = "serde"\nversion = "1.0.0"\n',
    head: 'version = 3\n[[package]]\nname = "serde"\nversion = "1.0.0"\n[[package]]\nname = "newpkg"\nversion = "0.1.0"\n',
    metadataOnly: 'version = 4\n[[package]]\nname = "serde"\nversion = "1.0.0"\n',
    expected: [{ name: "newpkg", from: null, to: "0.1.0" }],
    broken: "[[package\n",
  },
  {
    path: "pom.xml",
    base: "<project><dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId><version>1</version></dependency></dependencies></project>",
    head: "<project><dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId><version>1</version></dependency><dependency><groupId>new</groupId><artifactId>pkg</artifactId><version>2</version><scope>test</scope></dependency></dependencies></project>",
    metadataOnly: "<project><name>x</name><description>y</description><dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId><version>1</version></dependency></dependencies></project>",
    expected: [{ name: "new:pkg", from: null, to: "2" }],
    broken: "<project><dependencies></project>",
  },
  {
    path: "app/build.gradle.kts",
    base: 'plugins { id("java") }\ndependencies {\n    implementation("g:a:1.0")\n}\n',
    head: 'plugins { id("java") }\ndependencies {\n    implementation("g:a:1.1")\n    testImplementation "new:pkg:2.0"\n}\n',
    metadataOnly: 'plugins { id("java") }\nversion = "2"\ndependencies {\n    implementation("g:a:1.0")\n}\n',
    expected: [{ name: "g:a", from: "1.0", to: "1.1" }, { name: "new:pkg", from: null, to: "2.0" }],
    broken: "",
  },
  {
    path: "gradle/libs.versions.toml",
    base: '[versions]\nk = "1.0"\n[libraries]\na = { module = "g:a", version.ref = "k" }\n',
    head: '[versions]\nk = "1.0"\n[libraries]\na = { module = "g:a", version.ref = "k" }\nb = "new:pkg:3.0"\n',
    metadataOnly: '# catalog\n[versions]\nk = "1.0"\n[libraries]\na = { module = "g:a", version.ref = "k" }\n',
    expected: [{ name: "new:pkg", from: null, to: "3.0" }],
    broken: "[libraries\n",
  },
  {
    path: "Gemfile",
    base: 'source "https://rubygems.org"\ngem "rails", "~> 7.1"\n',
    head: 'source "https://rubygems.org"\ngem "rails", "~> 7.2"\ngem "newpkg", git: "https://github.com/evil/newpkg"\n',
    metadataOnly: 'source "https://rubygems.org"\nruby "3.3.0"\ngem "rails", "~> 7.1" # web\n',
    expected: [{ name: "rails", from: "~> 7.1", to: "~> 7.2" }, { name: "newpkg", from: null, to: "https://github.com/evil/newpkg" }],
    broken: "gem ,\n",
  },
  {
    path: "Gemfile.lock",
    base: "GEM\n  remote: https://rubygems.org/\n  specs:\n    rails (7.1.0)\n      actionpack (= 7.1.0)\n\nPLATFORMS\n  ruby\n",
    head: "GEM\n  remote: https://rubygems.org/\n  specs:\n    rails (7.1.0)\n      actionpack (= 7.1.0)\n    newpkg (0.1.0)\n\nPLATFORMS\n  ruby\n",
    metadataOnly: "GEM\n  remote: https://rubygems.org/\n  specs:\n    rails (7.1.0)\n      actionpack (= 7.1.0)\n\nPLATFORMS\n  ruby\n  x86_64-linux\n",
    expected: [{ name: "newpkg", from: null, to: "0.1.0" }],
    broken: "",
  },
  {
    path: "composer.json",
    base: '{"name":"v/x","require":{"php":">=8.1"}}',
    head: '{"name":"v/x","require":{"php":">=8.1","new/pkg":"^1.0"}}',
    metadataOnly: '{"name":"v/x","description":"d","scripts":{"t":"phpunit"},"require":{"php":">=8.1"}}',
    expected: [{ name: "new/pkg", from: null, to: "^1.0" }],
    broken: "{,}",
  },
  {
    path: "src/App/App.csproj",
    base: '<Project Sdk="Microsoft.NET.Sdk"><ItemGroup><PackageReference Include="A" Version="1.0.0" /></ItemGroup></Project>',
    head: '<Project Sdk="Microsoft.NET.Sdk"><ItemGroup><PackageReference Include="A" Version="1.0.0" /><PackageReference Include="New.Pkg"><Version>2.0.0</Version></PackageReference></ItemGroup></Project>',
    metadataOnly: '<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup><ItemGroup><PackageReference Include="A" Version="1.0.0" /></ItemGroup></Project>',
    expected: [{ name: "New.Pkg", from: null, to: "2.0.0" }],
    broken: "<Project><ItemGroup></Project>",
  },
  {
    path: "packages.config",
    base: '<?xml version="1.0"?><packages><package id="A" version="1.0.0" /></packages>',
    head: '<?xml version="1.0"?><packages><package id="A" version="1.0.0" /><package id="New.Pkg" version="2.0.0" /></packages>',
    metadataOnly: '<?xml version="1.0" encoding="utf-8"?><packages><package id="A" version="1.0.0" targetFramework="net48" /></packages>',
    expected: [{ name: "New.Pkg", from: null, to: "2.0.0" }],
    broken: "<packages><package></packages>",
  },
];

describe("dependency additions, per manifest format", () => {
  it.each(CASES)("$path: added and changed dependencies", (c) => {
    const { changes, errors } = analyzeManifestChange({ path: c.path, base: c.base, head: c.head });
    expect(errors).toEqual([]);
    expect(changes.map((x) => ({ name: x.name, from: x.from, to: x.to }))).toEqual(c.expected);
    expect(changes.every((x) => x.path === c.path)).toBe(true);
  });

  it.each(CASES)("$path: a scripts or metadata edit adds nothing", (c) => {
    expect(analyzeManifestChange({ path: c.path, base: c.base, head: c.metadataOnly })).toEqual({ changes: [], errors: [] });
  });

  it.each(CASES.filter((c) => c.broken !== ""))("$path: a head that cannot be parsed is an error naming the file", (c) => {
    const { changes, errors } = analyzeManifestChange({ path: c.path, base: c.base, head: c.broken });
    expect(changes).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.path).toBe(c.path);
    expect(errors[0]!.message).toMatch(/\S/);
  });

  it.each(CASES)("$path: a new file lists every dependency", (c) => {
    const { changes } = analyzeManifestChange({ path: c.path, base: null, head: c.head });
    expect(changes.length).toBeGreaterThanOrEqual(c.expected.filter((x) => x.from === null).length);
    expect(changes.every((x) => x.from === null)).toBe(true);
  });

  it("the ecosystem of each format", () => {
    const eco = (p: string) => manifestFormat(p)?.ecosystem;
    expect([eco("package.json"), eco("requirements.txt"), eco("requirements/prod.txt"), eco("go.mod"), eco("Cargo.toml"), eco("pom.xml"), eco("Gemfile"), eco("composer.json"), eco("x.fsproj")]).toEqual([
      "npm", "pypi", "pypi", "go", "cargo", "maven", "rubygems", "packagist", "nuget",
    ]);
    expect(manifestFormat("go.sum")).toBeUndefined();
    expect(manifestFormat("docs/notes.txt")).toBeUndefined();
  });

  it("XML entities are not expanded (no billion laughs)", () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><packages><package id="&b;" version="1" /></packages>`;
    const r = analyzeManifestChange({ path: "packages.config", base: null, head: bomb });
    expect(r.changes.every((c) => c.name.length < 100)).toBe(true);
  });
});

describe("Gradle version catalog: rich versions", () => {
  const change = (base: string, head: string) => analyzeManifestChange({ path: "gradle/libs.versions.toml", base, head }).changes.map(({ name, from, to }) => ({ name, from, to }));

  // A rich version is a TOML table. It went through String(): smol-toml's tables have no prototype, so
  // that threw ("Cannot convert object to primitive value") and every evaluation of a PR touching such
  // a catalog failed; with a prototype it would have read "[object Object]" on both sides, no change.
  it("a changed rich version in [versions] is a dependency change, shown as written", () => {
    const lib = '[libraries]\na = { module = "g:a", version.ref = "k" }\n';
    expect(change(`[versions]\nk = { strictly = "1.0" }\n${lib}`, `[versions]\nk = { strictly = "2.0", prefer = "2.0.1" }\n${lib}`)).toEqual([
      { name: "g:a", from: "strictly 1.0", to: "strictly 2.0, prefer 2.0.1" },
    ]);
  });

  it("a changed inline rich version is a dependency change; an unchanged one is not", () => {
    const at = (v: string) => `[libraries]\na = { module = "g:a", version = { require = "${v}", reject = ["1.3"] } }\n`;
    expect(change(at("1.2"), at("1.4"))).toEqual([{ name: "g:a", from: 'require 1.2, reject ["1.3"]', to: 'require 1.4, reject ["1.3"]' }]);
    expect(change(at("1.2"), at("1.2"))).toEqual([]);
  });

  it("a version.ref naming an inherited property (constructor) is an unknown ref, not Object's constructor", () => {
    expect(change('[libraries]\n', '[libraries]\na = { module = "g:a", version.ref = "constructor" }\n')).toEqual([{ name: "g:a", from: null, to: "ref constructor" }]);
  });
});

describe("pathological manifests (parsed linearly: these finish instead of hanging)", () => {
  it.each([
    ["requirements.txt", "a" + "=".repeat(200_000) + "\n" + "-e ".repeat(50_000) + "\n", 2],
    ["go.mod", "module x\n" + "require (\n" + "\ta v1 // ".repeat(20_000) + "\n)\n", 1],
    ["yarn.lock", "a@1:\n" + "  version \"1\"\n".repeat(20_000), 1],
    ["Gemfile", "gem " + "'a', ".repeat(50_000) + "\n", 1],
    ["build.gradle", "implementation " + "'".repeat(100_000) + "\n", 0],
  ] as const)("%s", (path, text, changes) => {
    const r = analyzeManifestChange({ path, base: null, head: text });
    expect(r.errors).toEqual([]);
    expect(r.changes).toHaveLength(changes);
  });
});
