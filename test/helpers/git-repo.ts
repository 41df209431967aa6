/**
 * Real git repositories for the CLI and git-reader tests: real `git` commits in a temp directory,
 * isolated from the user's and the system's git configuration, removed after the test file.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";

export interface Person {
  name: string;
  email: string;
}

export const HUMAN: Person = { name: "Ada Lovelace", email: "ada@example.com" };

export interface CommitOptions {
  /** Files to write (string content) or delete (null), paths relative to the work tree. */
  files?: Record<string, string | null>;
  /** Renames, old path → new path (`git mv`), applied before `files`. */
  renames?: Record<string, string>;
  author?: Person;
  committer?: Person;
  /** Keep the message byte for byte (CRLF, trailing spaces); git's default cleanup strips them. */
  verbatim?: boolean;
  /** Commit even when nothing changed. */
  allowEmpty?: boolean;
}

export interface TestRepo {
  dir: string;
  /** Environment that isolates git from the machine's configuration; pass it to `main()` too. */
  env: Record<string, string | undefined>;
  git(...args: string[]): string;
  commit(message: string, options?: CommitOptions): string;
  /** Creates a branch at `from` (default HEAD) and checks it out. */
  branch(name: string, from?: string): void;
  checkout(ref: string): void;
  /** Merges `ref` into the current branch with a merge commit. */
  merge(ref: string, message: string, person?: Person): string;
  write(file: string, content: string): void;
}

const created: string[] = [];
let registered = false;

function registerCleanup(): void {
  if (registered) return;
  registered = true;
  afterAll(() => {
    for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
}

/** A scratch directory (not a repository) removed after the test file. */
export function tempDir(prefix = "agent-gate-"): string {
  registerCleanup();
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
  created.push(dir);
  return dir;
}

export function isolatedGitEnv(home: string): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: path.join(home, "gitconfig"),
    GIT_AUTHOR_DATE: "2024-01-01T00:00:00Z",
    GIT_COMMITTER_DATE: "2024-01-01T00:00:00Z",
  };
}

/** A new repository on branch `main` with one commit by a human (a README). */
export function createRepo(options: { initial?: Record<string, string> } = {}): TestRepo {
  const root = tempDir();
  const dir = path.join(root, "repo");
  mkdirSync(dir);
  const env = isolatedGitEnv(root);
  // An identity for the few commands that need one without a commit (annotated tags).
  writeFileSync(env.GIT_CONFIG_GLOBAL!, `[user]\n\tname = ${HUMAN.name}\n\temail = ${HUMAN.email}\n`);
  let tick = 0;

  const git = (...args: string[]): string =>
    execFileSync("git", args, { cwd: dir, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

  const write = (file: string, content: string): void => {
    const abs = path.join(dir, file);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  };

  const commitEnv = (author: Person, committer: Person): Record<string, string | undefined> => {
    // Distinct, increasing dates keep `git log` order deterministic.
    tick += 1;
    const date = new Date(Date.UTC(2024, 0, 1, 0, tick)).toISOString();
    return {
      ...env,
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_COMMITTER_NAME: committer.name,
      GIT_COMMITTER_EMAIL: committer.email,
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    };
  };

  const commit = (message: string, o: CommitOptions = {}): string => {
    for (const [from, to] of Object.entries(o.renames ?? {})) {
      mkdirSync(path.dirname(path.join(dir, to)), { recursive: true });
      git("mv", "--", from, to);
    }
    for (const [file, content] of Object.entries(o.files ?? {})) {
      if (content === null) git("rm", "-q", "--", file);
      else {
        write(file, content);
        git("add", "--", file);
      }
    }
    const author = o.author ?? HUMAN;
    const args = ["commit", "-q", "--no-gpg-sign", "-F", "-"];
    if (o.verbatim) args.push("--cleanup=verbatim");
    if (o.allowEmpty) args.push("--allow-empty");
    execFileSync("git", args, {
      cwd: dir,
      env: commitEnv(author, o.committer ?? author),
      input: message,
      stdio: ["pipe", "pipe", "pipe"],
    });
    return git("rev-parse", "HEAD").trim();
  };

  git("init", "-q", "-b", "main");
  commit("Initial commit", { files: { "README.md": "# test\n", ...(options.initial ?? {}) } });

  return {
    dir,
    env,
    git,
    commit,
    write,
    branch: (name, from = "HEAD") => void git("checkout", "-q", "-b", name, from),
    checkout: (ref) => void git("checkout", "-q", ref),
    merge: (ref, message, person = HUMAN) => {
      execFileSync("git", ["merge", "-q", "--no-ff", "--no-gpg-sign", "-m", message, ref], {
        cwd: dir,
        env: commitEnv(person, person),
        stdio: ["ignore", "pipe", "pipe"],
      });
      return git("rev-parse", "HEAD").trim();
    },
  };
}
