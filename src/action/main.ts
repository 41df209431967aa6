/**
 * The advisory GitHub Action (action.yml, `runs.using: node24`): `agent-gate check` over the pull
 * request's base..head inside a workflow, the decision written to the job summary. Bundled with
 * its dependencies into dist/index.mjs (scripts/gen-action-dist.js), so a job runs it without
 * installing anything. ADVISORY ONLY: a pull request can change the workflow that runs it
 * (docs/advisory-action.md).
 *
 * Inputs arrive as INPUT_<NAME> environment variables (the runner's convention for JavaScript
 * actions: upper case, spaces as `_`, hyphens kept) and are only ever passed to git and the CLI
 * as argument vectors, never through a shell, so a crafted branch name cannot inject anything.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync } from "node:fs";
import { resolve } from "node:path";
import { main as cli } from "../cli/main.js";

export type FailOn = "blocked" | "approval" | "never";
export type ActionResult = "ok" | "approval" | "blocked" | "error";

const RESULT_OF_EXIT: Record<number, ActionResult> = { 0: "ok", 1: "approval", 2: "blocked" };
const FAILS: Record<FailOn, readonly ActionResult[]> = { blocked: ["blocked", "error"], approval: ["approval", "blocked", "error"], never: [] };

export interface ActionIo {
  env: Record<string, string | undefined>;
  /** The step's log (workflow commands such as `::error::` go here). */
  log: (line: string) => void;
}

/** An input as the runner passes it (`INPUT_FAIL-ON`), trimmed like @actions/core's getInput. */
export function input(env: ActionIo["env"], name: string): string {
  return (env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
}

/** Workflow-command escaping (@actions/core `escapeData`): a message stays one annotation. */
function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function git(cwd: string, args: string[], env: ActionIo["env"]): { ok: boolean; stdout: string } {
  const r = spawnSync("git", args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- stdout is null when git could not be spawned (Node sets it from a null `output`); the types say string
  return { ok: r.status === 0, stdout: (r.stdout ?? "").trim() };
}

/** Runs the action; returns the process exit code (1 fails the step). */
export async function runAction(io: ActionIo): Promise<number> {
  const { env, log } = io;
  const error = (message: string) => log(`::error title=agent-gate::${escapeData(message)}`);
  const failOn = input(env, "fail-on") || "blocked";
  if (!(failOn in FAILS)) {
    error(`input fail-on must be blocked, approval or never (got "${failOn}")`);
    return 1;
  }
  const base = input(env, "base");
  const head = input(env, "head");
  if (base === "" || head === "") {
    error("no base or head commit: run this action on a pull_request event, or set the inputs base and head");
    return 1;
  }
  const cwd = resolve(env.GITHUB_WORKSPACE ?? process.cwd(), input(env, "working-directory") || ".");
  const shallow = () => git(cwd, ["rev-parse", "--is-shallow-repository"], env).stdout === "true";
  const hasCommit = (sha: string) => git(cwd, ["cat-file", "-e", `${sha}^{commit}`], env).ok;

  // The range needs both ends AND their merge base: a shallow clone (actions/checkout's default
  // depth 1) has neither, so fetch them with their history.
  if (shallow() || !hasCommit(base) || !hasCommit(head)) {
    if (input(env, "fetch") !== "true") {
      error(`commits ${base} and ${head} with their history are not in the clone: use actions/checkout with fetch-depth: 0, or set fetch: true`);
      return 1;
    }
    log(`Fetching ${base} and ${head} from origin`);
    const args = ["fetch", "--no-tags", "--quiet", ...(shallow() ? ["--unshallow"] : []), "origin", base, head];
    if (!git(cwd, args, env).ok) {
      error(`could not fetch ${base} and ${head} from origin: check out with actions/checkout and fetch-depth: 0`);
      return 1;
    }
  }

  // The CLI takes the head branch name from a remote-tracking ref (docs/cli.md): point a private
  // one at the head commit so the branch signal sees the pull request's branch name.
  const headRef = input(env, "head-ref");
  let tracking: string | null = null;
  if (headRef !== "" && git(cwd, ["check-ref-format", `refs/remotes/agent-gate-pr/${headRef}`], env).ok) {
    tracking = `refs/remotes/agent-gate-pr/${headRef}`;
    git(cwd, ["update-ref", tracking, head], env);
  }
  const args = ["check", "--base", base, "--head", tracking ?? head, "--format", "markdown"];
  const baseRef = input(env, "base-ref");
  if (baseRef !== "") args.push("--target", baseRef);
  const policy = input(env, "policy");
  if (policy !== "") args.push("--policy", policy);

  let out = "";
  let err = "";
  let code: number;
  try {
    code = await cli(args, { cwd, env, stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  } finally {
    if (tracking) git(cwd, ["update-ref", "-d", tracking], env);
  }
  if (out !== "") log(out.trimEnd());
  if (err !== "") process.stderr.write(err);
  const result = RESULT_OF_EXIT[code] ?? "error";

  const summary =
    result === "error"
      ? ["## agent-gate could not decide", "", `\`agent-gate check\` exited with code ${code}:`, "", "```text", err.trimEnd(), "```", ""].join("\n")
      : `${out.trimEnd()}\n\n<sub>Advisory run of \`agent-gate check\` in a workflow: it sees no reviews and cannot block a merge; only the agent-gate GitHub App enforces the policy.</sub>\n`;
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, summary);
  // One annotation per error line (policy errors are FILE:LINE:COLUMN: message).
  if (result === "error") for (const line of err.split("\n")) if (line.trim() !== "") error(line);
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `result=${result}\nexit-code=${code}\n`);

  if (FAILS[failOn as FailOn].includes(result)) {
    error(`agent-gate: ${result} (fail-on: ${failOn})`);
    return 1;
  }
  if (result !== "ok") log(`::warning title=agent-gate::${escapeData(`agent-gate: ${result} (fail-on: ${failOn}, so the step passes)`)}`);
  return 0;
}
