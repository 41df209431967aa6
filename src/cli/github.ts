/**
 * The CLI's GitHub client for `simulate` and `backtest` (SPEC §7): the same reader the app uses
 * (src/github/read-pull.ts) over an Octokit authenticated with the user's token. Read-only by
 * construction: a hook refuses every request that is not a GET or the GraphQL endpoint, so no command
 * can write to GitHub with the user's token (and the GraphQL documents the reader sends are queries).
 *
 * Token: `GITHUB_TOKEN`, else `gh auth token` when the GitHub CLI is installed and logged in.
 * API bases: `GITHUB_API_URL` and `GITHUB_GRAPHQL_URL` when set (GitHub Actions sets both, also on
 * GitHub Enterprise Server), else https://api.github.com and its /graphql.
 */
import { execFileSync } from "node:child_process";
import { ProbotOctokit } from "probot";
import type { GitHub } from "../github/client.js";

export class GitHubCliError extends Error {}

export interface CliGitHubOptions {
  env: Record<string, string | undefined>;
  /** How to ask the GitHub CLI for a token (tests replace it); null when `gh` is absent or not logged in. */
  ghToken?: () => string | null;
}

function ghAuthToken(): string | null {
  try {
    const out = execFileSync("gh", ["auth", "token"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 10_000 });
    const token = out.trim();
    return token.length > 0 ? token : null;
  } catch {
    return null;
  }
}

export interface CliGitHub {
  gh: GitHub;
  apiUrl: string;
  /** Requests refused by the read-only guard (always 0 unless a bug tried to write). */
  refusedWrites: () => number;
}

/** The GraphQL endpoint of a REST base, as GitHub serves it (…/api/v3 → …/api/graphql on GHES). */
export function graphqlUrlFor(apiUrl: string): string {
  const base = apiUrl.replace(/\/+$/, "");
  return base.endsWith("/api/v3") ? `${base.slice(0, -"/v3".length)}/graphql` : `${base}/graphql`;
}

export function cliGitHub(options: CliGitHubOptions): CliGitHub {
  const { env } = options;
  const token = env.GITHUB_TOKEN?.trim() || (options.ghToken ?? ghAuthToken)();
  if (!token) throw new GitHubCliError("no GitHub token: set GITHUB_TOKEN (or log in with `gh auth login`)");
  const apiUrl = (env.GITHUB_API_URL?.trim() || "https://api.github.com").replace(/\/+$/, "");
  const graphqlUrl = env.GITHUB_GRAPHQL_URL?.trim() || graphqlUrlFor(apiUrl);
  const gh = new ProbotOctokit({
    auth: { token },
    baseUrl: apiUrl,
    // No throttling: plugin-throttling would hold every GraphQL query 1 s apart (it counts them as
    // writes), doubling a backtest's time for nothing; these commands only read, one request at a
    // time. A rate-limited answer fails the command with GitHub's message (exit 3); 5xx are retried.
    throttle: { enabled: false },
    retry: { enabled: true, retries: 2 },
  });
  let refused = 0;
  gh.hook.before("request", (o) => {
    const url = o.url;
    const isGraphql = o.method === "POST" && (url === "/graphql" || url === graphqlUrl);
    if (o.method !== "GET" && o.method !== "HEAD" && !isGraphql) {
      refused += 1;
      throw new GitHubCliError(`refused to send ${o.method} ${url}: simulate and backtest are read-only`);
    }
    // GITHUB_GRAPHQL_URL wins over the endpoint derived from the REST base.
    if (isGraphql) o.url = graphqlUrl;
  });
  return { gh, apiUrl, refusedWrites: () => refused };
}
