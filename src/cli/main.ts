/**
 * The `agent-gate` command line (SPEC §7). `bin/agent-gate.js` calls `main`; tests call it in-process.
 *
 * Every failure is one line on stderr and exit code 3, never a stack trace: the CLI runs in hooks and
 * CI logs where a trace hides the one fact the user needs (which ref, which file, which line).
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";
import { escapeText } from "../engine/escape.js";
import { POLICY_PATH } from "../engine/names.js";
import { renderCheck } from "../engine/render/check.js";
import { renderJson } from "../engine/render/json.js";
import { renderText } from "../engine/render/text.js";
import { CliError, DEFAULT_BASE_CANDIDATES, runCheck } from "./check.js";
import type { CheckResult } from "./check.js";
import { EXIT_CODES_HELP, EXIT_ERROR, EXIT_OK, exitCodeFor } from "./exit-codes.js";
import { GitError, openRepository } from "./git.js";
import { formatValidateErrors, runValidate } from "./validate.js";
import { BACKTEST_HELP, SIMULATE_HELP, backtestCommand, simulateCommand } from "./github-commands.js";
import { GitHubCliError } from "./github.js";

export interface WritableLike {
  write(chunk: string): unknown;
}

export interface CliIo {
  cwd: string;
  stdout: WritableLike;
  stderr: WritableLike;
  /** Environment for git (default: process.env). */
  env?: Record<string, string | undefined>;
  /** For `simulate`/`backtest`: how to ask the GitHub CLI for a token (default: `gh auth token`). */
  ghToken?: () => string | null;
}

const FORMATS = ["text", "json", "markdown"] as const;
type Format = (typeof FORMATS)[number];

const PROGRAM_HELP = `Usage: agent-gate <command> [options]

Detects coding-agent commits in a local git range and applies the agent-gate policy offline,
with the same engine as the agent-gate GitHub App.

Commands:
  check [--base REF] [--head REF] [--policy FILE] [--target BRANCH] [--format text|json|markdown]
                      judge the commits of base..head as the app would judge a pull request
  validate [FILE]     validate a policy file (default: ${POLICY_PATH})
  simulate --repo OWNER/NAME --pr N [--policy FILE]
                      the decision the app would post for a pull request now (reads GitHub)
  backtest --repo OWNER/NAME --policy FILE [--last 50] [--state open|closed|all]
                      which pull requests' conclusions a candidate policy would change (reads GitHub)

Options:
  -h, --help          show help (also: agent-gate <command> --help)
  -V, --version       show the version

${EXIT_CODES_HELP}
`;

const CHECK_HELP = `Usage: agent-gate check [--base REF] [--head REF] [--policy FILE] [--target BRANCH]
                       [--format text|json|markdown]

Detects coding agents in the commits of base..head, lists the files changed between the merge base
and head (as a pull request from head into base would), applies the policy and prints the decision.
Offline there are no reviews, so agent work that needs approval exits with 1.

Options:
  --base REF        the branch the work would merge into
                    (default: the first of ${DEFAULT_BASE_CANDIDATES.join(", ")} that exists)
  --head REF        the work to judge (default: HEAD)
  --policy FILE     apply this policy file instead of the base ref's ${POLICY_PATH}
  --target BRANCH   branch name for the policy's \`targets\` rules when --base is not a branch
                    (default: the base ref's branch name, without refs/heads/ or origin/)
  --format FORMAT   text (default), json (every commit, file and the decision) or markdown
                    (the check run summary)
  -h, --help        show this help

The policy comes from the BASE ref (\`git show BASE:${POLICY_PATH}\`), never from the working
tree or the head: a branch must not supply the rules that judge it. When the head changes the
policy file, its copy is validated and reported, not applied. No policy file at the base ref: the
built-in default applies (agent work needs one approval; agents may not change the policy file).

${EXIT_CODES_HELP}
`;

const VALIDATE_HELP = `Usage: agent-gate validate [FILE]

Validates a policy file against the agent-gate policy schema. Prints each error as
FILE:LINE:COLUMN: message (on stderr), or "FILE: valid policy (hash …)".
Default FILE: ${POLICY_PATH} at the top of the current repository's working tree.

Options:
  -h, --help   show this help

Exit codes:
  0  the policy is valid
  3  the policy is invalid, or the file cannot be read
`;

function version(): string {
  // package.json sits two levels above both src/cli/ and lib/cli/.
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
  return pkg.version ?? "unknown";
}

/** node:util parseArgs errors carry codes; their messages are already one readable line. */
function isParseArgsError(e: unknown): e is Error & { code: string } {
  const code: unknown = e instanceof Error ? (e as Error & { code?: unknown }).code : undefined;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}

class UsageError extends Error {
  constructor(
    message: string,
    readonly command: string | null,
  ) {
    super(message);
  }
}

function render(result: CheckResult, format: Format): string {
  const { decision, range } = result;
  switch (format) {
    case "json":
      // The engine's JSON (commits with agents and evidence, files with their rule, the decision),
      // plus where the range came from, which only the CLI knows.
      return JSON.stringify({ range, ...renderJson(decision) }, null, 2) + "\n";
    case "markdown": {
      // The check run's summary (it opens with the verdict) and details, worded for where this
      // output goes (the Action's job summary, a CI log): no reviews seen, no button, no check.
      const c = renderCheck(decision, { surface: "advisory" });
      return [c.summary, c.text].filter((s) => s.trim() !== "").join("\n\n") + "\n";
    }
    case "text": {
      const b = range.baseBranch && range.baseBranch !== range.base ? ` (${range.baseBranch})` : "";
      const notes = [
        `Range: ${range.base}${b}..${range.head}, ${plural(range.commits, "commit")}, ${plural(range.files, "changed file")} ` +
          `(base ${range.baseSha.slice(0, 12)}, head ${range.headSha.slice(0, 12)})`,
      ];
      // The engine's text lists an invalid head policy's errors; a valid one deserves a word too,
      // so that nobody believes the change already applies.
      if (decision.headPolicy?.status === "valid") {
        notes.push(
          `This range changes ${POLICY_PATH}: the new version is valid, but it is not applied here (the policy comes from ${result.policy.source.description}).`,
        );
      }
      return renderText(decision, { notes });
    }
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** parseArgs, with its errors turned into usage errors that point at the command's help. */
function parse<T extends ParseArgsConfig>(command: string, config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    if (!isParseArgsError(e)) throw e;
    let message = e.message.split("\n")[0] ?? e.message;
    // Node appends a long hint about "--" to unknown options; the option name is what matters.
    if (e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") message = message.replace(/\. To specify .*$/, "");
    throw new UsageError(message, command);
  }
}

async function check(args: string[], io: CliIo, env: Record<string, string | undefined>): Promise<number> {
  const { values, positionals } = parse("check", {
    args,
    allowPositionals: true,
    strict: true,
    options: {
      base: { type: "string" },
      head: { type: "string" },
      policy: { type: "string" },
      target: { type: "string" },
      format: { type: "string", default: "text" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    io.stdout.write(CHECK_HELP);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`, "check");
  const format = values.format as Format;
  if (!FORMATS.includes(format)) {
    throw new UsageError(`unknown format "${values.format}" (expected text, json or markdown)`, "check");
  }
  for (const name of ["base", "head", "policy", "target"] as const) {
    if (values[name] === "") throw new UsageError(`--${name} needs a non-empty value`, "check");
  }

  const repo = await openRepository(io.cwd, env);
  const result = await runCheck(repo, {
    base: values.base,
    head: values.head,
    policyFile: values.policy,
    target: values.target,
    cwd: io.cwd,
  });
  io.stdout.write(render(result, format));

  const { policy, decision } = result;
  if (policy.status === "invalid" && !decision.repairsPolicy) {
    io.stderr.write(formatValidateErrors(policy.errors));
    return EXIT_ERROR;
  }
  if (policy.status === "unreadable") {
    io.stderr.write(`agent-gate: cannot read policy ${escapeText(policy.source.description)}: ${escapeText(policy.reason)}\n`);
    return EXIT_ERROR;
  }
  return exitCodeFor(decision.conclusion);
}

async function validate(args: string[], io: CliIo, env: Record<string, string | undefined>): Promise<number> {
  const { values, positionals } = parse("validate", {
    args,
    allowPositionals: true,
    strict: true,
    options: { help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    io.stdout.write(VALIDATE_HELP);
    return EXIT_OK;
  }
  if (positionals.length > 1) throw new UsageError(`unexpected argument: ${positionals[1]}`, "validate");
  const result = await runValidate(positionals[0], io.cwd, env);
  if (!result.ok) {
    io.stderr.write(formatValidateErrors(result.errors));
    return EXIT_ERROR;
  }
  io.stdout.write(`${escapeText(result.file)}: valid policy (hash ${result.hash})\n`);
  return EXIT_OK;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const env = io.env ?? process.env;
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
        io.stderr.write(PROGRAM_HELP);
        return EXIT_ERROR;
      case "-h":
      case "--help":
      case "help":
        if (rest[0] === "check") io.stdout.write(CHECK_HELP);
        else if (rest[0] === "validate") io.stdout.write(VALIDATE_HELP);
        else if (rest[0] === "simulate") io.stdout.write(SIMULATE_HELP);
        else if (rest[0] === "backtest") io.stdout.write(BACKTEST_HELP);
        else io.stdout.write(PROGRAM_HELP);
        return EXIT_OK;
      case "-V":
      case "--version":
        io.stdout.write(`agent-gate ${version()}\n`);
        return EXIT_OK;
      case "check":
        return await check(rest, io, env);
      case "validate":
        return await validate(rest, io, env);
      case "simulate":
        return await simulateCommand(rest, { ...io, env, ...(io.ghToken ? { ghToken: io.ghToken } : {}) });
      case "backtest":
        return await backtestCommand(rest, { ...io, env, ...(io.ghToken ? { ghToken: io.ghToken } : {}) });
      default:
        throw new UsageError(
          command.startsWith("-") ? `unknown option: ${command}` : `unknown command: ${command}`,
          null,
        );
    }
  } catch (e) {
    return reportError(e, io);
  }
}

function reportError(e: unknown, io: CliIo): number {
  if (e instanceof UsageError) {
    const cmd = e.command ? `${e.command} ` : "";
    io.stderr.write(`agent-gate: ${escapeText(e.message)}\nRun "agent-gate ${cmd}--help" for usage.\n`);
    return EXIT_ERROR;
  }
  if (e instanceof GitError || e instanceof CliError || e instanceof GitHubCliError) {
    io.stderr.write(`agent-gate: ${escapeText(e.message)}\n`);
    return EXIT_ERROR;
  }
  // A bug: still one line, with enough to report it.
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  io.stderr.write(`agent-gate: internal error: ${escapeText(message.split("\n")[0] ?? "")}\n`);
  return EXIT_ERROR;
}
