/**
 * Reads a local git repository for the offline CLI (SPEC §7).
 *
 * Every call runs `git` through `execFile` with an argument array: no shell ever sees a ref or a path,
 * so a ref like `main;rm -rf /` is just an unknown ref. User-supplied refs are resolved to full commit
 * ids first (`rev-parse --verify --end-of-options`), and only those ids reach `log`/`diff`/`cat-file`,
 * so a ref can never be read as an option or a path.
 */
import { execFile } from "node:child_process";
import { stat } from "node:fs/promises";
import path from "node:path";
import type { ChangedFile, CommitFacts } from "../engine/types.js";

export type GitErrorCode =
  | "git-not-found"
  | "not-a-directory"
  | "not-a-repository"
  | "unknown-ref"
  | "not-a-file"
  | "git-failed";

/** A git failure the CLI can report as one line (`message` is that line). */
export class GitError extends Error {
  override readonly name = "GitError";
  constructor(
    readonly code: GitErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface Repository {
  /** Directory git commands run in (the work tree's top level, or the git dir of a bare repository). */
  dir: string;
  /** Short name for display: the work tree's directory name (or the bare repository's, without `.git`). */
  name: string;
  /** Absolute path of the work tree, null for a bare repository. */
  workTree: string | null;
  env: Record<string, string | undefined>;
}

interface RunResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/**
 * Large enough for the commit log and name list of any range a person would check; git output beyond
 * it makes `execFile` fail, which we report rather than truncate (a truncated file list would let a
 * path escape the policy).
 */
const MAX_OUTPUT = 512 * 1024 * 1024;

function gitEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return {
    ...env,
    // Error classification below reads git's messages, which are translated under other locales.
    LC_ALL: "C",
    LANGUAGE: "C",
    // Never block on a credential prompt or a pager: the CLI is run in scripts and CI.
    GIT_TERMINAL_PROMPT: "0",
    GIT_PAGER: "cat",
    PAGER: "cat",
    // Optional locks would otherwise let a read-only command refresh the index.
    GIT_OPTIONAL_LOCKS: "0",
  };
}

function run(cwd: string, args: string[], env: Record<string, string | undefined>): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      args,
      { cwd, env: gitEnv(env), encoding: "buffer", maxBuffer: MAX_OUTPUT, windowsHide: true },
      (error, stdout, stderr) => {
        const err = error as (NodeJS.ErrnoException & { code?: string | number }) | null;
        if (err && typeof err.code === "string") {
          if (err.code === "ENOENT") {
            reject(new GitError("git-not-found", "git is not installed or not on PATH"));
          } else if (err.code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER") {
            reject(new GitError("git-failed", `git ${args[0]} produced more than ${MAX_OUTPUT} bytes of output`));
          } else {
            reject(new GitError("git-failed", `could not run git: ${err.message}`));
          }
          return;
        }
        resolve({
          code: err ? (typeof err.code === "number" ? err.code : 1) : 0,
          stdout,
          stderr: stderr.toString("utf8"),
        });
      },
    );
  });
}

/** git's own first error line, without the "fatal: " prefix, for messages that quote it. */
function firstLine(stderr: string): string {
  const line = stderr.split(/\r?\n/).find((l) => l.trim() !== "") ?? "";
  return line.replace(/^(fatal|error): /, "").trim();
}

async function runOk(repo: Repository, args: string[]): Promise<Buffer> {
  const r = await run(repo.dir, args, repo.env);
  if (r.code !== 0) {
    throw new GitError("git-failed", `git ${args[0]} failed: ${firstLine(r.stderr) || `exit code ${r.code}`}`);
  }
  return r.stdout;
}

/** Opens the repository containing `cwd` (like git does: the directory or any parent). */
export async function openRepository(
  cwd: string,
  env: Record<string, string | undefined> = process.env,
): Promise<Repository> {
  const abs = path.resolve(cwd);
  // A missing cwd makes spawn fail with ENOENT, which would read as "git is not installed".
  try {
    const s = await stat(abs);
    if (!s.isDirectory()) throw new GitError("not-a-directory", `not a directory: ${abs}`);
  } catch (e) {
    if (e instanceof GitError) throw e;
    throw new GitError("not-a-directory", `no such directory: ${abs}`);
  }
  const r = await run(abs, ["rev-parse", "--is-bare-repository", "--absolute-git-dir"], env);
  if (r.code !== 0) {
    const msg = firstLine(r.stderr);
    if (/not a git repository/i.test(msg)) throw new GitError("not-a-repository", `not a git repository: ${abs}`);
    throw new GitError("not-a-repository", `cannot read git repository at ${abs}: ${msg || `exit code ${r.code}`}`);
  }
  const [bare, gitDir] = r.stdout.toString("utf8").split("\n");
  if (!gitDir) throw new GitError("not-a-repository", `not a git repository: ${abs}`);
  // Inside a bare repository, or inside the .git directory of another, there is no work tree:
  // reading commits works, only `validate` without a file needs one.
  const top = bare === "true" ? null : await run(abs, ["rev-parse", "--show-toplevel"], env);
  const topLevel = top?.code === 0 ? top.stdout.toString("utf8").trim() : "";
  if (topLevel === "") {
    const base = path.basename(gitDir);
    const name = base === ".git" ? path.basename(path.dirname(gitDir)) : base.replace(/\.git$/, "") || base;
    return { dir: gitDir, name, workTree: null, env };
  }
  return { dir: topLevel, name: path.basename(topLevel), workTree: topLevel, env };
}

/** Resolves `ref` to a full commit id; unknown refs and non-commits are `unknown-ref` errors. */
export async function resolveCommit(repo: Repository, ref: string): Promise<string> {
  if (ref === "") throw new GitError("unknown-ref", "unknown ref: (empty)");
  const r = await run(repo.dir, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`], repo.env);
  const sha = r.stdout.toString("utf8").trim();
  if (r.code !== 0 || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) {
    throw new GitError("unknown-ref", `unknown ref: ${ref}`);
  }
  return sha;
}

/** A ref as the CLI uses it: `rev` goes to git, `name` is shown (and names the policy's source). */
export interface BranchFirstRef {
  rev: string;
  name: string;
}

/** `$GIT_DIR/<name>` pseudo-refs, which git resolves before any ref (gitrevisions(7), "<refname>" rule 1). */
const PSEUDO_REF = /^(?:[A-Z_]*HEAD|AUTO_MERGE)$/;

/**
 * A branch before anything else of the same name. git resolves a bare `<refname>` by trying
 * `refs/<name>`, then `refs/tags/<name>`, then `refs/heads/<name>`, then `refs/remotes/<name>`
 * (gitrevisions(7), "<refname>"), so `--base main` would read the TAG `main` when one exists — a tag
 * anyone may push, supplying the policy that judges the range (the app reads `refs/heads/<default>`
 * for the same reason). When `<name>` (with an optional `~n`/`^n` suffix) is a local branch, or else a
 * remote-tracking branch, the full ref of that branch is used. Everything else (full refs, commit ids,
 * tags, other expressions) is left to git. `name` stays as given unless something else also answers
 * to it; then the full ref is shown, so that `git show <name>:<path>` reproduces what was read.
 */
export async function preferBranch(repo: Repository, ref: string): Promise<BranchFirstRef> {
  const m = /^([^~^:@{}\s]+)([~^][~^0-9]*)?$/.exec(ref);
  const name = m?.[1];
  if (!name || name.startsWith("refs/") || PSEUDO_REF.test(name) || /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(name)) return { rev: ref, name: ref };
  const suffix = m[2] ?? "";
  const exists = async (full: string) => (await run(repo.dir, ["rev-parse", "--verify", "--quiet", "--end-of-options", full], repo.env)).code === 0;
  for (const full of [`refs/heads/${name}`, `refs/remotes/${name}`]) {
    if (!(await exists(full))) continue;
    // What git would have picked before this branch (a local branch is tried before a remote-tracking one).
    const ambiguous = (await exists(`refs/${name}`)) || (await exists(`refs/tags/${name}`));
    return { rev: `${full}${suffix}`, name: ambiguous ? `${full}${suffix}` : ref };
  }
  return { rev: ref, name: ref };
}

/** True when `ref` names a commit. */
export async function commitExists(repo: Repository, ref: string): Promise<boolean> {
  try {
    await resolveCommit(repo, ref);
    return true;
  } catch (e) {
    if (e instanceof GitError && e.code === "unknown-ref") return false;
    throw e;
  }
}

/** The best common ancestor of two commits (what GitHub diffs a PR against), or null when unrelated. */
export async function mergeBase(repo: Repository, a: string, b: string): Promise<string | null> {
  const r = await run(repo.dir, ["merge-base", a, b], repo.env);
  if (r.code === 1) return null;
  if (r.code !== 0) throw new GitError("git-failed", `git merge-base failed: ${firstLine(r.stderr)}`);
  return r.stdout.toString("utf8").trim() || null;
}

/**
 * Branch name behind a ref, for the policy's `targets`: `main` for `main`, `refs/heads/main`,
 * `origin/main` or `origin/HEAD` (when that points at main). Null when the ref is not a branch
 * (a commit id, a tag, a detached HEAD).
 */
export async function branchName(repo: Repository, ref: string): Promise<string | null> {
  const r = await run(repo.dir, ["rev-parse", "--symbolic-full-name", "--verify", "--quiet", "--end-of-options", ref], repo.env);
  if (r.code !== 0) return null;
  let full = r.stdout.toString("utf8").trim();
  if (full === "") return null;
  // `origin/HEAD` is a symbolic ref; the branch it stands for is its target.
  for (let i = 0; i < 5 && full.endsWith("/HEAD") && full.startsWith("refs/remotes/"); i++) {
    const s = await run(repo.dir, ["symbolic-ref", "--quiet", full], repo.env);
    if (s.code !== 0) return null;
    full = s.stdout.toString("utf8").trim();
  }
  if (full.startsWith("refs/heads/")) return full.slice("refs/heads/".length);
  if (full.startsWith("refs/remotes/")) {
    // refs/remotes/<remote>/<branch…>; remote names cannot contain "/" in a default set-up.
    const rest = full.slice("refs/remotes/".length);
    const slash = rest.indexOf("/");
    if (slash > 0 && slash < rest.length - 1) return rest.slice(slash + 1);
  }
  return null;
}

// Fields of one commit record; %B is last so that a message is the final field of its record.
const LOG_FIELDS = ["%H", "%an", "%ae", "%cn", "%ce", "%B"] as const;

/**
 * The commits of `base..head` (reachable from head, not from base), oldest first as GitHub lists
 * a PR's commits, merge commits included. `base` and `head` must be commit ids from `resolveCommit`.
 */
export async function listCommits(repo: Repository, base: string, head: string): Promise<CommitFacts[]> {
  // Fields are NUL-separated and `-z` ends each record with NUL: git objects cannot carry NUL in
  // names or emails, and `%B` stops at a NUL in a message (checked in test/git.test.ts), so no
  // field can contain the separator.
  const out = await runOk(repo, [
    "log",
    "-z",
    "--reverse",
    "--no-color",
    "--no-show-signature", // log.showSignature=true would print gpg output into stdout
    "--no-notes",
    "--encoding=UTF-8",
    `--format=${LOG_FIELDS.join("%x00")}`,
    `${base}..${head}`,
    "--",
  ]);
  const text = out.toString("utf8");
  if (text === "") return [];
  const parts = text.split("\0");
  // Output ends with the record terminator, leaving one empty string after the last record.
  if (parts[parts.length - 1] === "") parts.pop();
  if (parts.length % LOG_FIELDS.length !== 0) {
    throw new GitError("git-failed", "unexpected git log output (a commit message contains a NUL byte?)");
  }
  const commits: CommitFacts[] = [];
  for (let i = 0; i < parts.length; i += LOG_FIELDS.length) {
    const [sha, an, ae, cn, ce, body] = parts.slice(i, i + LOG_FIELDS.length) as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) {
      throw new GitError("git-failed", `unexpected git log output near ${JSON.stringify(sha.slice(0, 40))}`);
    }
    commits.push({
      sha,
      author: { name: an, email: ae },
      committer: { name: cn, email: ce },
      // git stores messages with a final newline; GitHub's API (and the engine's tests) have none.
      message: body.replace(/\r?\n$/, ""),
    });
  }
  return commits;
}

const STATUS: Record<string, ChangedFile["status"]> = {
  A: "added",
  M: "modified",
  D: "removed",
  R: "renamed",
  C: "copied",
  T: "changed",
  U: "changed",
  X: "changed",
};

/**
 * The files a PR from `head` into `base` changes: the diff from their merge base to head
 * (`base...head`), with renames detected so that both the old and the new name are judged.
 * Throws when base and head share no history (GitHub refuses such a PR too).
 */
export async function changedFiles(repo: Repository, base: string, head: string): Promise<ChangedFile[]> {
  const mb = await mergeBase(repo, base, head);
  if (mb === null) {
    throw new GitError("git-failed", `${base.slice(0, 12)} and ${head.slice(0, 12)} have no common history`);
  }
  const out = await runOk(repo, [
    "diff",
    "--name-status",
    "-z",
    "-M",
    "--no-color",
    "--no-ext-diff",
    "--no-relative", // diff.relative=true would hide files outside the current directory
    "--ignore-submodules=none",
    mb,
    head,
    "--",
  ]);
  const parts = out.toString("utf8").split("\0");
  if (parts[parts.length - 1] === "") parts.pop();
  const files: ChangedFile[] = [];
  for (let i = 0; i < parts.length; ) {
    const code = parts[i++] ?? "";
    const letter = code.charAt(0);
    const status = STATUS[letter];
    if (!status) throw new GitError("git-failed", `unexpected git diff status ${JSON.stringify(code)}`);
    if (letter === "R" || letter === "C") {
      const from = parts[i++];
      const to = parts[i++];
      if (from === undefined || to === undefined) throw new GitError("git-failed", "truncated git diff output");
      files.push({ path: to, previousPath: from, status });
    } else {
      const p = parts[i++];
      if (p === undefined) throw new GitError("git-failed", "truncated git diff output");
      files.push({ path: p, status });
    }
  }
  return files;
}

/**
 * A file's content at a commit, or null when the commit has no such file.
 * Throws `not-a-file` when the path is a directory or a submodule.
 */
export async function readFileAt(repo: Repository, commit: string, filePath: string): Promise<string | null> {
  // `<rev>:<path>` paths are relative to the top level unless they start with ./ or ../
  const spec = `${commit}:${filePath.replace(/^\/+/, "")}`;
  const t = await run(repo.dir, ["cat-file", "-t", spec], repo.env);
  if (t.code !== 0) {
    const msg = firstLine(t.stderr);
    if (/does not exist|exists on disk, but not in|not a valid object name|invalid object name/i.test(msg)) return null;
    throw new GitError("git-failed", `cannot read ${filePath} at ${commit.slice(0, 12)}: ${msg}`);
  }
  const type = t.stdout.toString("utf8").trim();
  if (type !== "blob") {
    throw new GitError("not-a-file", `${filePath} at ${commit.slice(0, 12)} is a ${type}, not a file`);
  }
  // cat-file, not `git show`: show may run textconv filters configured for the path.
  const out = await runOk(repo, ["cat-file", "blob", spec]);
  return out.toString("utf8");
}
