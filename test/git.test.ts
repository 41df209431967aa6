import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  GitError,
  branchName,
  changedFiles,
  commitExists,
  listCommits,
  mergeBase,
  openRepository,
  readFileAt,
  resolveCommit,
} from "../src/cli/git.js";
import { HUMAN, createRepo, isolatedGitEnv, tempDir } from "./helpers/git-repo.js";

const CLAUDE = { name: "Claude", email: "noreply@anthropic.com" };

async function rejection(p: Promise<unknown>): Promise<GitError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(GitError);
    return e as GitError;
  }
  throw new Error("expected a GitError");
}

describe("openRepository", () => {
  it("finds the top level from a subdirectory", async () => {
    const r = createRepo();
    mkdirSync(path.join(r.dir, "a", "b"), { recursive: true });
    const repo = await openRepository(path.join(r.dir, "a", "b"), r.env);
    expect(repo.dir).toBe(r.dir);
    expect(repo.workTree).toBe(r.dir);
    expect(repo.name).toBe("repo");
  });

  it("says plainly when the directory is not a repository", async () => {
    const dir = tempDir();
    const e = await rejection(openRepository(dir, isolatedGitEnv(dir)));
    expect(e.code).toBe("not-a-repository");
    expect(e.message).toBe(`not a git repository: ${dir}`);
  });

  it("reports a missing directory as such, not as a missing git", async () => {
    const dir = path.join(tempDir(), "nope");
    const e = await rejection(openRepository(dir, isolatedGitEnv(dir)));
    expect(e.code).toBe("not-a-directory");
    expect(e.message).toBe(`no such directory: ${dir}`);
  });

  it("reports a missing git executable", async () => {
    const r = createRepo();
    const e = await rejection(openRepository(r.dir, { ...r.env, PATH: tempDir() }));
    expect(e.code).toBe("git-not-found");
  });

  it("opens a bare repository (no work tree)", async () => {
    const r = createRepo();
    const bare = path.join(tempDir(), "mirror.git");
    execFileSync("git", ["clone", "-q", "--bare", r.dir, bare], { env: r.env });
    const repo = await openRepository(bare, r.env);
    expect(repo.workTree).toBeNull();
    expect(repo.name).toBe("mirror");
    expect(await resolveCommit(repo, "main")).toBe(r.git("rev-parse", "main").trim());
  });
});

describe("resolveCommit", () => {
  it("resolves branches, short ids and expressions to full commit ids", async () => {
    const r = createRepo();
    const first = r.git("rev-parse", "HEAD").trim();
    const second = r.commit("Second", { files: { "a.txt": "a\n" } });
    const repo = await openRepository(r.dir, r.env);
    expect(await resolveCommit(repo, "main")).toBe(second);
    expect(await resolveCommit(repo, second.slice(0, 8))).toBe(second);
    expect(await resolveCommit(repo, "HEAD~1")).toBe(first);
    // A tag object peels to its commit.
    r.git("tag", "-a", "-m", "v1", "v1", first);
    expect(await resolveCommit(repo, "v1")).toBe(first);
  });

  it("rejects unknown refs, non-commits and refs that look like options", async () => {
    const r = createRepo();
    const repo = await openRepository(r.dir, r.env);
    for (const ref of ["nope", "", "HEAD^{tree}", "main;touch pwned", "$(touch pwned)"]) {
      const e = await rejection(resolveCommit(repo, ref));
      expect(e.code).toBe("unknown-ref");
    }
    const out = path.join(r.dir, "pwned");
    const e = await rejection(resolveCommit(repo, `--output=${out}`));
    expect(e.message).toBe(`unknown ref: --output=${out}`);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(path.join(r.dir, "pwned"))).toBe(false);
    expect(await commitExists(repo, "nope")).toBe(false);
    expect(await commitExists(repo, "main")).toBe(true);
  });
});

describe("listCommits", () => {
  it("lists base..head oldest first with author, committer and the full message", async () => {
    const r = createRepo();
    const base = r.git("rev-parse", "HEAD").trim();
    r.branch("feature");
    const msg1 = "Add docs\n\nLonger body.\n\nCo-Authored-By: Claude <noreply@anthropic.com>";
    const c1 = r.commit(msg1, { files: { "docs/a.md": "a\n" }, author: HUMAN, committer: CLAUDE });
    const c2 = r.commit("Second", { files: { "docs/b.md": "b\n" }, author: CLAUDE });
    const repo = await openRepository(r.dir, r.env);
    const commits = await listCommits(repo, base, c2);
    expect(commits).toEqual([
      { sha: c1, author: HUMAN, committer: CLAUDE, message: msg1 },
      { sha: c2, author: CLAUDE, committer: CLAUDE, message: "Second" },
    ]);
    expect(await listCommits(repo, c2, c2)).toEqual([]);
  });

  it("keeps unicode, CRLF and separator-like characters in messages intact", async () => {
    const r = createRepo();
    const base = r.git("rev-parse", "HEAD").trim();
    const person = { name: "Zoë Ümlaut 山田", email: "zoë@exämple.com" };
    const crlf = "Fix ünïcode ✓\r\n\r\nbody line \r\n\u001e\u001f%x00 deadbeef\r\nCo-authored-by: Devin <devin-ai-integration[bot]@users.noreply.github.com>\r\n";
    const sha = r.commit(crlf, { files: { "x.txt": "x" }, author: person, verbatim: true });
    const repo = await openRepository(r.dir, r.env);
    const [c] = await listCommits(repo, base, sha);
    expect(c?.author).toEqual(person);
    expect(c?.message).toBe(crlf.replace(/\r\n$/, ""));
  });

  it("cannot be misled by a NUL byte in a raw commit message", async () => {
    const r = createRepo();
    const base = r.git("rev-parse", "HEAD").trim();
    const tree = r.git("rev-parse", "HEAD^{tree}").trim();
    const raw =
      `tree ${tree}\nparent ${base}\nauthor A <a@x> 1700000000 +0000\ncommitter A <a@x> 1700000000 +0000\n\n` +
      `subject\u0000${"f".repeat(40)}\u0000evil\u0000evil@x\n`;
    const file = path.join(tempDir(), "raw");
    writeFileSync(file, raw);
    const odd = r.git("hash-object", "-t", "commit", "-w", "--literally", file).trim();
    const after = r.commit("after", { allowEmpty: true });
    r.git("update-ref", "refs/heads/odd", odd);
    const repo = await openRepository(r.dir, r.env);
    const commits = await listCommits(repo, base, odd);
    // git stops %B at the NUL, so the forged fields never become a record of their own.
    expect(commits).toEqual([{ sha: odd, author: { name: "A", email: "a@x" }, committer: { name: "A", email: "a@x" }, message: "subject" }]);
    expect((await listCommits(repo, base, after)).map((c) => c.sha)).toEqual([after]);
  });

  it("includes merge commits and the commits they bring in", async () => {
    const r = createRepo();
    const base = r.git("rev-parse", "HEAD").trim();
    r.branch("feature");
    const f1 = r.commit("feature work", { files: { "f.txt": "f" } });
    r.branch("side", base);
    const s1 = r.commit("side work", { files: { "s.txt": "s" }, author: CLAUDE });
    r.checkout("feature");
    const m = r.merge("side", "Merge branch 'side' into feature");
    const repo = await openRepository(r.dir, r.env);
    const commits = await listCommits(repo, base, m);
    expect(commits.map((c) => c.sha).sort()).toEqual([f1, s1, m].sort());
    expect(commits[commits.length - 1]?.sha).toBe(m);
    expect(commits.find((c) => c.sha === s1)?.author).toEqual(CLAUDE);
  });
});

describe("changedFiles", () => {
  it("diffs from the merge base, like a pull request, with both names of a rename", async () => {
    const r = createRepo({ initial: { ".github/workflows/ci.yml": "on: push\njobs: {}\n", "keep.txt": "k\n" } });
    r.branch("feature");
    r.commit("move CI", {
      renames: { ".github/workflows/ci.yml": "docs/ci.yml" },
      files: {
        "new file.txt": "n",
        "keep.txt": "k2\n",
        "README.md": null,
        "dir/line\nbreak.txt": "odd name",
        "docs/ünïcode ✓.md": "u",
      },
    });
    const head = r.git("rev-parse", "HEAD").trim();
    // A change on main after the branch point is not part of the PR.
    r.checkout("main");
    r.commit("main moves on", { files: { "main-only.txt": "m" } });
    const repo = await openRepository(r.dir, r.env);
    const files = await changedFiles(repo, await resolveCommit(repo, "main"), head);
    expect(files.sort((a, b) => a.path.localeCompare(b.path))).toEqual(
      [
        { path: "README.md", status: "removed" },
        { path: "dir/line\nbreak.txt", status: "added" },
        { path: "docs/ünïcode ✓.md", status: "added" },
        { path: "docs/ci.yml", previousPath: ".github/workflows/ci.yml", status: "renamed" },
        { path: "keep.txt", status: "modified" },
        { path: "new file.txt", status: "added" },
      ].sort((a, b) => a.path.localeCompare(b.path)),
    );
  });

  it("ignores diff.relative and diff.renames=false in the user's configuration", async () => {
    const r = createRepo({ initial: { "sub/a.txt": "same content long enough to be a rename\n" } });
    r.git("config", "diff.relative", "true");
    r.git("config", "diff.renames", "false");
    const base = r.git("rev-parse", "HEAD").trim();
    const head = r.commit("move", { renames: { "sub/a.txt": "top.txt" }, files: { "other.txt": "o" } });
    const repo = await openRepository(path.join(r.dir, "sub"), r.env);
    const files = await changedFiles(repo, base, head);
    expect(files).toContainEqual({ path: "top.txt", previousPath: "sub/a.txt", status: "renamed" });
    expect(files).toContainEqual({ path: "other.txt", status: "added" });
  });

  it("refuses ranges without common history", async () => {
    const r = createRepo();
    const main = r.git("rev-parse", "HEAD").trim();
    r.git("checkout", "-q", "--orphan", "other");
    const other = r.commit("unrelated", { files: { "o.txt": "o" } });
    const repo = await openRepository(r.dir, r.env);
    expect(await mergeBase(repo, main, other)).toBeNull();
    const e = await rejection(changedFiles(repo, main, other));
    expect(e.message).toMatch(/have no common history/);
  });
});

describe("readFileAt", () => {
  it("reads a file at a commit, null when missing, an error for a directory", async () => {
    const r = createRepo({ initial: { ".github/agent-policy.yml": "version: 1 # ✓\n" } });
    const first = r.git("rev-parse", "HEAD").trim();
    const second = r.commit("drop policy", { files: { ".github/agent-policy.yml": null } });
    r.write(".github/agent-policy.yml", "working tree copy is never read\n");
    const repo = await openRepository(r.dir, r.env);
    expect(await readFileAt(repo, first, ".github/agent-policy.yml")).toBe("version: 1 # ✓\n");
    expect(await readFileAt(repo, second, ".github/agent-policy.yml")).toBeNull();
    expect(await readFileAt(repo, first, "no/such/file")).toBeNull();
    const e = await rejection(readFileAt(repo, first, ".github"));
    expect(e.code).toBe("not-a-file");
  });
});

describe("branchName", () => {
  it("names the branch behind local, full, remote and symbolic remote refs", async () => {
    const r = createRepo();
    const sha = r.git("rev-parse", "HEAD").trim();
    r.git("branch", "release/1.0");
    r.git("update-ref", "refs/remotes/origin/main", sha);
    r.git("update-ref", "refs/remotes/origin/release/2.0", sha);
    r.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main");
    r.git("tag", "v1");
    const repo = await openRepository(r.dir, r.env);
    expect(await branchName(repo, "main")).toBe("main");
    expect(await branchName(repo, "HEAD")).toBe("main");
    expect(await branchName(repo, "refs/heads/main")).toBe("main");
    expect(await branchName(repo, "release/1.0")).toBe("release/1.0");
    expect(await branchName(repo, "origin/main")).toBe("main");
    expect(await branchName(repo, "origin/release/2.0")).toBe("release/2.0");
    expect(await branchName(repo, "origin/HEAD")).toBe("main");
    expect(await branchName(repo, sha)).toBeNull();
    expect(await branchName(repo, "v1")).toBeNull();
    expect(await branchName(repo, "HEAD~0")).toBeNull();
  });
});
