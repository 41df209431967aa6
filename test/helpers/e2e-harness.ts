/**
 * The set-up shared by the end-to-end tests that run the real app process (`node lib/app/main.js`)
 * against the fake GitHub: one fake and one app per test file, a fresh repository per test (isolation
 * without restarting the app), signed webhook deliveries, and the check run GitHub would show.
 *
 * Call `appAgainstFakeGitHub()` at the top of a test file: it registers the vitest hooks that start
 * both before the file's tests, stop them after, and end every test by asserting the fake saw no
 * contract violation.
 */
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { startFakeGitHub } from "../fake-github/index.js";
import type { CheckRunState, FakeGitHub, Permission, PullInput, PullState, RequestRecord, World } from "../fake-github/index.js";
import { startApp, waitForLogLine, type AppProcess } from "./app-process.js";
import { deliver, type DeliverOptions, type Delivery } from "./webhooks.js";

export const AGENT = "copilot-swe-agent[bot]";
export const POLICY = ".github/agent-policy.yml";
/** Our check run's name (SPEC §4). */
export const CHECK_NAME = "agent-gate";

export interface AppAgainstFakeOptions {
  /** Repositories are named `<owner>/<repoPrefix><n>`, n counting up across the file. */
  repoPrefix: string;
  /** The collaborators every new repository starts with (a test can add more). */
  collaborators: Record<string, Permission>;
  /** Extra environment of the app process (e.g. AGENT_GATE_RETRY_BASE_MS). */
  env?: Record<string, string>;
}

/** Properties, not methods: tests destructure them (`const { send, gate } = e2e`). */
export interface AppAgainstFake {
  /** Set once the file's `beforeAll` has run; reading them earlier throws. */
  readonly fake: FakeGitHub;
  readonly app: AppProcess;
  /** The fake's state (`fake.state`). */
  readonly w: World;
  /** How many repositories `newRepo` made so far: the number in the newest one's name. */
  readonly repoCount: number;
  /** Advance the repository number without making a repository (a unique suffix for a head branch). */
  nextNumber: () => number;
  /** A fresh repository with a README, `files` and the default plus the given collaborators. */
  newRepo: (files?: Record<string, string>, collaborators?: Record<string, Permission>, owner?: string) => string;
  /** A PR opened by Copilot, one commit "Change things" with `files` (null deletes), on `copilot/change-<repoCount>`. */
  agentPull: (repo: string, files?: Record<string, string | null>, extra?: PullInput) => PullState;
  /** Sign and post the delivery to the app; the HTTP status it answered. */
  send: (delivery: Delivery, opts?: DeliverOptions) => Promise<number>;
  /** Sign and post the delivery; the app must answer 200 (it answers after the handler ran). */
  sendOk: (delivery: Delivery) => Promise<void>;
  /** The one `agent-gate` check run on the SHA (whoever wrote it): asserts there is exactly one. */
  gate: (repo: string, sha: string) => CheckRunState;
  /** Our one `agent-gate` run on the SHA; another app's run of the same name is not ours. */
  ourGate: (repo: string, sha: string) => CheckRunState;
  /** The newest JSON line of the app's stdout that matches (waits for it, bounded). */
  waitForLog: (match: (line: Record<string, unknown>) => boolean) => Promise<Record<string, unknown>>;
  /** The fake's request log without the installation-token requests (their number depends on token caching). */
  apiRequests: () => RequestRecord[];
  /** The REST writes among `apiRequests()`. */
  writes: () => RequestRecord[];
}

export function appAgainstFakeGitHub(options: AppAgainstFakeOptions): AppAgainstFake {
  let fake: FakeGitHub | undefined;
  let app: AppProcess | undefined;
  let repoCount = 0;
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`e2e harness: ${what} is read before beforeAll started it`);
    return value;
  };

  beforeAll(async () => {
    fake = await startFakeGitHub();
    app = await startApp(fake, options.env ?? {});
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });
  afterEach(() => {
    // Faults first: a test that failed between inject and clear must not fail the next ones too.
    fake?.faults.clear();
    expect(fake?.violations).toEqual([]);
    fake?.clearLog();
  });

  const h: AppAgainstFake = {
    get fake() {
      return started(fake, "the fake GitHub");
    },
    get app() {
      return started(app, "the app process");
    },
    get w() {
      return started(fake, "the fake GitHub").state;
    },
    get repoCount() {
      return repoCount;
    },
    nextNumber: () => ++repoCount,
    newRepo: (files = {}, collaborators = {}, owner = "acme") => {
      const name = `${owner}/${options.repoPrefix}${++repoCount}`;
      h.w.addRepo(name, { files: { "README.md": "# r\n", ...files }, collaborators: { ...options.collaborators, ...collaborators } });
      return name;
    },
    agentPull: (repo, files = { "src/a.ts": "export const a = 1;\n" }, extra = {}) =>
      h.w.addPull(repo, { author: AGENT, head: `copilot/change-${repoCount}`, commits: [{ message: "Change things", files }], ...extra }),
    send: (delivery, opts = {}) => deliver(h.app.url, h.app.secret, delivery[0], delivery[1], opts),
    sendOk: async (delivery) => {
      expect(await h.send(delivery)).toBe(200);
    },
    gate: (repo, sha) => onlyRun(h.w.checkRuns(repo, sha, CHECK_NAME)),
    ourGate: (repo, sha) => onlyRun(h.w.checkRuns(repo, sha, CHECK_NAME).filter((r) => r.appId === h.fake.appId)),
    waitForLog: (match) => waitForLogLine(h.app, match),
    apiRequests: () => h.fake.requests.filter((r) => !r.path.includes("access_tokens")),
    writes: () => h.apiRequests().filter((r) => r.method !== "GET" && r.kind !== "graphql"),
  };
  return h;
}

function onlyRun(runs: CheckRunState[]): CheckRunState {
  expect(runs).toHaveLength(1);
  return runs[0]!;
}
