/**
 * Argument handling and output of `simulate` and `backtest` (the commands that read GitHub). The work
 * is in ./simulate.ts and ./backtest.ts; src/cli/main.ts dispatches here.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { POLICY_PATH } from "../engine/names.js";
import { renderCheck } from "../engine/render/check.js";
import { renderJson } from "../engine/render/json.js";
import { renderText } from "../engine/render/text.js";
import { renderBacktestText, runBacktest, strictestCandidate } from "./backtest.js";
import { EXIT_CODES_HELP, EXIT_ERROR, EXIT_OK, exitCodeFor } from "./exit-codes.js";
import { cliGitHub, GitHubCliError } from "./github.js";
import { candidatePolicy, defaultBranchOf, newReadCaches, parseRepoArg, simulatePull } from "./simulate.js";
import { formatValidateErrors } from "./validate.js";

export interface GitHubCommandIo {
  cwd: string;
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
  /** Tests replace `gh auth token`. */
  ghToken?: () => string | null;
}

const ENV_HELP = `Environment:
  GITHUB_TOKEN        token to read with (else \`gh auth token\` when the GitHub CLI is logged in)
  GITHUB_API_URL      REST API base (default https://api.github.com; GitHub Enterprise Server: https://HOST/api/v3)
  GITHUB_GRAPHQL_URL  GraphQL endpoint (default: derived from GITHUB_API_URL)
  AGENT_GATE_APP_ID   the agent-gate GitHub App's id, to count the Approve clicks stored in its check
                      (--app-id); without it only reviews count

Read-only: nothing is written to GitHub with your token (any request other than a read is refused).`;

export const SIMULATE_HELP = `Usage: agent-gate simulate --repo OWNER/NAME --pr N [--policy FILE] [--format text|json|markdown]

The decision the agent-gate app would post for pull request N now, from GitHub's real data
(commits, files, reviews, permissions, teams), read the way the app reads it. With --policy, the
candidate file is applied instead of the default branch's ${POLICY_PATH}.

Options:
  --repo OWNER/NAME  the repository
  --pr N             the pull request number
  --policy FILE      judge under this policy file instead of the repository's
  --app-id ID        the agent-gate app's id (default: AGENT_GATE_APP_ID), to read its Approve clicks
  --format FORMAT    text (default), json or markdown (the check run's summary and details)
  -h, --help         show this help

${ENV_HELP}

${EXIT_CODES_HELP}
`;

export const BACKTEST_HELP = `Usage: agent-gate backtest --repo OWNER/NAME --policy FILE [--last 50] [--state open|closed|all] [--format text|json]

For the repository's most recently updated pull requests, the decision under the current policy
(the default branch's, as the app reads it) and under the candidate FILE; prints how many the
candidate would block (success → anything else), unblock (the reverse) or change otherwise, and a
table of the pull requests whose conclusion would change, with why. A progress bar is shown on a
terminal. Each pull request is read twice (once per policy).

Options:
  --repo OWNER/NAME  the repository
  --policy FILE      the candidate policy file
  --last N           how many pull requests (default 50, at most 1000)
  --state STATE      open (default), closed or all
  --app-id ID        the agent-gate app's id (default: AGENT_GATE_APP_ID), to read its Approve clicks
  --format FORMAT    text (default) or json
  -h, --help         show this help

${ENV_HELP}

Exit code: as \`check\` for the strictest conclusion the candidate policy gives (0 when it passes
every pull request listed, 1 when one needs approval, 2 when one is blocked), 3 on an error or an
invalid candidate policy.
`;

function parse<T extends ParseArgsConfig>(command: string, config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).split("\n")[0]!.replace(/\. To specify .*$/, "");
    throw new GitHubCliError(`${message}\nRun "agent-gate ${command} --help" for usage.`);
  }
}

function positiveInt(name: string, value: string | undefined, max = Number.MAX_SAFE_INTEGER): number {
  const n = value !== undefined && /^[0-9]{1,16}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max) throw new GitHubCliError(`--${name} must be a whole number from 1 to ${max} (got ${JSON.stringify(value ?? "")})`);
  return n;
}

function appIdOf(value: string | undefined, env: Record<string, string | undefined>): number {
  const v = value ?? env.AGENT_GATE_APP_ID;
  return v === undefined || v === "" ? 0 : positiveInt("app-id", v);
}

const COMMON_OPTIONS = {
  repo: { type: "string" },
  policy: { type: "string" },
  "app-id": { type: "string" },
  format: { type: "string", default: "text" },
  help: { type: "boolean", short: "h" },
} as const;

export async function simulateCommand(args: string[], io: GitHubCommandIo): Promise<number> {
  const { values, positionals } = parse("simulate", { args, allowPositionals: true, strict: true, options: { ...COMMON_OPTIONS, pr: { type: "string" } } });
  if (values.help) {
    io.stdout.write(SIMULATE_HELP);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new GitHubCliError(`unexpected argument: ${positionals[0]}`);
  const format = values.format;
  if (format !== "text" && format !== "json" && format !== "markdown") throw new GitHubCliError(`unknown format "${format}" (expected text, json or markdown)`);
  const repo = parseRepoArg(values.repo);
  const number = positiveInt("pr", values.pr);
  const appId = appIdOf(values["app-id"], io.env);
  const candidate = values.policy !== undefined ? candidatePolicy(values.policy, io.cwd) : undefined;
  if (candidate?.status === "invalid") {
    io.stderr.write(formatValidateErrors(candidate.errors));
    return EXIT_ERROR;
  }
  const { gh } = cliGitHub({ env: io.env, ...(io.ghToken ? { ghToken: io.ghToken } : {}) });
  const defaultBranch = await defaultBranchOf(gh, repo);
  const { snapshot, decision } = await simulatePull(gh, { ...repo, number, defaultBranch, appId }, candidate, newReadCaches());
  const notes = [`Simulated pull request ${repo.owner}/${repo.repo}#${number} (${snapshot.state.toLowerCase()}), head ${decision.headSha.slice(0, 12)}, policy ${snapshot.policy.source.description}.`];
  if (appId === 0) notes.push("Approve-button clicks were not read (no --app-id / AGENT_GATE_APP_ID): only reviews count here.");
  if (snapshot.twins.length > 0) notes.push(`Other open pull requests share this head commit (${snapshot.twins.map((n) => `#${n}`).join(", ")}): the app's check carries the strictest of their decisions.`);
  if (format === "json") io.stdout.write(JSON.stringify({ repository: `${repo.owner}/${repo.repo}`, pr: number, state: snapshot.state, twins: snapshot.twins, notes, ...renderJson(decision) }, null, 2) + "\n");
  else if (format === "markdown") {
    const c = renderCheck(decision);
    io.stdout.write([c.summary, c.text].filter((s) => s.trim() !== "").join("\n\n") + "\n");
  } else io.stdout.write(renderText(decision, { notes }));
  if (snapshot.policy.status === "invalid" && !decision.repairsPolicy) return EXIT_ERROR;
  return exitCodeFor(decision.conclusion);
}

export async function backtestCommand(args: string[], io: GitHubCommandIo): Promise<number> {
  const { values, positionals } = parse("backtest", { args, allowPositionals: true, strict: true, options: { ...COMMON_OPTIONS, last: { type: "string", default: "50" }, state: { type: "string", default: "open" } } });
  if (values.help) {
    io.stdout.write(BACKTEST_HELP);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new GitHubCliError(`unexpected argument: ${positionals[0]}`);
  const format = values.format;
  if (format !== "text" && format !== "json") throw new GitHubCliError(`unknown format "${format}" (expected text or json)`);
  const state = values.state;
  if (state !== "open" && state !== "closed" && state !== "all") throw new GitHubCliError(`unknown state "${state}" (expected open, closed or all)`);
  const repo = parseRepoArg(values.repo);
  if (values.policy === undefined || values.policy === "") throw new GitHubCliError("--policy FILE is required (the candidate policy)");
  const last = positiveInt("last", values.last, 1000);
  const appId = appIdOf(values["app-id"], io.env);
  const candidate = candidatePolicy(values.policy, io.cwd);
  if (candidate.status === "invalid") {
    io.stderr.write(formatValidateErrors(candidate.errors));
    return EXIT_ERROR;
  }
  const { gh } = cliGitHub({ env: io.env, ...(io.ghToken ? { ghToken: io.ghToken } : {}) });
  const defaultBranch = await defaultBranchOf(gh, repo);
  const tty = io.stderr.isTTY === true;
  const result = await runBacktest({
    gh,
    repo,
    defaultBranch,
    appId,
    candidate,
    state,
    last,
    ...(tty ? { progress: (done: number, total: number) => io.stderr.write(progressBar(done, total)) } : {}),
  });
  if (tty && result.pulls.length > 0) io.stderr.write("\n");
  io.stdout.write(format === "json" ? JSON.stringify(result, null, 2) + "\n" : renderBacktestText(result));
  return exitCodeFor(strictestCandidate(result));
}

/** "\r[#########-----------]  9/20" (carriage return: redrawn in place on a terminal). */
export function progressBar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(done).padStart(String(total).length)}/${total}`;
}
