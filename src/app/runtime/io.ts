/**
 * How a flow reaches GitHub: `AppState.io` opens a `Reader` and a `Writer` (src/github/reader.ts) for
 * one piece of work on one repository. In the app it is `githubIo` — the event's Octokit counted for
 * the audit line (src/github/client.ts), GraphQL queries not spaced like writes (src/github/octokit.ts),
 * the app's caches passed in. A flow test sets it to memory (test/helpers/memory-github.ts), so the
 * flows run unchanged without HTTP.
 */
import { countingOctokit, type GitHub, type RequestCounts } from "../../github/client.js";
import { GitHubReader, GitHubWriter } from "../../github/github-io.js";
import { withUnspacedQueries } from "../../github/octokit.js";
import type { Reader, Writer } from "../../github/reader.js";
import type { RepoRef } from "../../github/refs.js";
import type { AppState } from "./state.js";

export interface IoRequest {
  /** The event's Octokit (Probot's context.octokit). */
  gh: GitHub;
  repo: RepoRef & { defaultBranch: string };
  /** The work's request counts: every request of the reader and the writer counts here. */
  counter: RequestCounts;
}

export interface AppIo {
  /** A reader and a writer for one piece of work. Throws when the Octokit for reads cannot be had. */
  open(app: AppState, request: IoRequest): Promise<{ reader: Reader; writer: Writer }>;
  /** The writer alone, with no read set-up (failing closed after an error, which may have been that set-up's). */
  writer(app: AppState, request: IoRequest): Writer;
}

export const githubIo: AppIo = {
  async open(app, { gh, repo, counter }) {
    const counted = countingOctokit(gh, counter);
    // Reads: GraphQL queries without the 1 s spacing of writes (src/github/octokit.ts); writes use the event's Octokit.
    const reads = await withUnspacedQueries(app.queryOctokits, counted, counter, (octokit, installationId) => app.metrics.instrument(octokit, String(installationId)));
    return {
      reader: new GitHubReader({ gh: reads, repo, appId: app.appId, policies: app.policies, orgAccess: app.orgAccess }),
      writer: new GitHubWriter({ gh: counted, repo, appId: app.appId, runs: app.createdRuns }),
    };
  },
  writer(app, { gh, repo, counter }) {
    return new GitHubWriter({ gh: countingOctokit(gh, counter), repo, appId: app.appId, runs: app.createdRuns });
  },
};
