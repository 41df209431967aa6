/**
 * REST operations the fake models, keyed by GitHub's operationId. Each handler reads or changes the
 * world and answers the way the GitHub REST docs describe (status codes, error shapes, limits).
 */
import type { TokenInfo, TokenStore } from "./auth.js";
import type { Shapes } from "./shapes.js";
import type {
  CheckConclusion,
  CheckRunAction,
  CheckRunState,
  CheckStatus,
  HookDeliveryState,
  Installation,
  PullState,
  RepoState,
  World,
} from "./state.js";
import { blobSha as blobShaOf } from "./state.js";

type Json = Record<string, unknown>;

export type Auth =
  | { kind: "none" }
  | { kind: "invalid"; message: string }
  | { kind: "jwt"; appId: number }
  | { kind: "installation"; token: TokenInfo };

export interface ViolationNote {
  kind: "request" | "limit" | "auth" | "unimplemented";
  message: string;
}

export interface RestResult {
  status: number;
  body?: unknown;
  /** A non-JSON answer (a raw media type): sent as these bytes with this content type, not validated as JSON. */
  raw?: { bytes: Buffer; contentType: string };
  headers?: Record<string, string>;
  violation?: ViolationNote;
}

export interface RestContext {
  world: World;
  shapes: Shapes;
  tokens: TokenStore;
  operationId: string;
  documentationUrl: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  auth: Auth;
  /** Absolute URL of this request, as the client sent it (for Link headers). */
  requestUrl: URL;
  /** The request's Accept header (media types: `application/vnd.github.raw+json` …). */
  accept?: string;
}

type Handler = (ctx: RestContext) => RestResult;

/** GitHub's error body. */
export function error(ctx: Pick<RestContext, "documentationUrl">, status: number, message: string, extra: Json = {}): Json {
  return { message, documentation_url: ctx.documentationUrl, status: String(status), ...extra };
}

function notFound(ctx: RestContext, message = "Not Found"): RestResult {
  return { status: 404, body: error(ctx, 404, message) };
}

function invalid(ctx: RestContext, message: string, kind: ViolationNote["kind"] = "limit"): RestResult {
  return { status: 422, body: error(ctx, 422, `Invalid request.\n\n${message}`), violation: { kind, message } };
}

/** Operations that GitHub only accepts with the app's JWT. */
export const JWT_OPERATIONS = new Set([
  "apps/get-authenticated",
  "apps/list-webhook-deliveries",
  "apps/get-webhook-delivery",
  "apps/create-installation-access-token",
  "apps/get-repo-installation",
  "apps/get-installation",
  "apps/list-installations",
  "apps/get-org-installation",
]);

function hookDeliveryItem(d: HookDeliveryState): Json {
  return {
    id: d.id,
    guid: d.guid,
    delivered_at: d.deliveredAt,
    redelivery: d.redelivery,
    duration: d.duration,
    status: d.status,
    status_code: d.statusCode,
    event: d.event,
    action: d.action,
    installation_id: d.installationId,
    repository_id: d.repositoryId,
    throttled_at: null,
  };
}

/**
 * `GET /app/hook/deliveries`: newest first, `per_page` (default 30, max 100), cursor pagination (the
 * `cursor` of the next page is in the Link header, as GitHub does), `status=success|failure`.
 */
function listHookDeliveries(ctx: RestContext): RestResult {
  const perPage = Math.min(100, Math.max(1, Number(ctx.query.get("per_page") ?? 30) || 30));
  const status = ctx.query.get("status");
  if (status !== null && status !== "success" && status !== "failure") return invalid(ctx, `status must be success or failure, got ${status}`, "request");
  let all = [...ctx.world.hookDeliveries].reverse();
  if (status === "success") all = all.filter((d) => d.statusCode >= 200 && d.statusCode < 400);
  if (status === "failure") all = all.filter((d) => d.statusCode >= 400 || d.statusCode === 0);
  const cursor = ctx.query.get("cursor");
  const start = cursor === null ? 0 : all.findIndex((d) => String(d.id) === cursor);
  if (start < 0) return { status: 400, body: error(ctx, 400, "Invalid cursor") };
  const page = all.slice(start, start + perPage);
  const next = all[start + perPage];
  const headers: Record<string, string> = {};
  if (next) {
    const u = new URL(ctx.requestUrl);
    u.searchParams.set("per_page", String(perPage));
    u.searchParams.set("cursor", String(next.id));
    headers.link = `<${u.toString()}>; rel="next"`;
  }
  return { status: 200, body: page.map(hookDeliveryItem), headers };
}

function getHookDelivery(ctx: RestContext): RestResult {
  const id = Number(ctx.params.delivery_id);
  const d = ctx.world.hookDeliveries.find((x) => x.id === id);
  if (!d) return notFound(ctx);
  return {
    status: 200,
    body: {
      ...hookDeliveryItem(d),
      url: "https://agent-gate.example/api/github/webhooks",
      request: { headers: { "X-GitHub-Event": d.event, "X-GitHub-Delivery": d.guid, "Content-Type": "application/json" }, payload: d.payload },
      response: { headers: { "Content-Type": "text/plain" }, payload: d.statusCode === 0 ? null : "ok" },
    },
  };
}

/** Paginates a list like GitHub: `per_page` (default 30, max 100), `page`, and an RFC 8288 Link header. */
function paginate<T>(ctx: RestContext, items: T[]): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(ctx.query.get("per_page") ?? 30) || 30));
  const page = Math.max(1, Number(ctx.query.get("page") ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = (p: number): string => {
    const u = new URL(ctx.requestUrl.toString());
    u.searchParams.set("per_page", String(perPage));
    u.searchParams.set("page", String(p));
    return u.toString();
  };
  const rels: string[] = [];
  if (page > 1) rels.push(`<${link(page - 1)}>; rel="prev"`);
  if (page < last) rels.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
  if (page > 1) rels.push(`<${link(1)}>; rel="first"`);
  return { page: slice, headers: rels.length > 0 ? { link: rels.join(", ") } : {} };
}

/** The repository of the request, if the installation token may see it (else GitHub answers 404). */
function repoOf(ctx: RestContext): RepoState | null {
  const repo = ctx.world.findRepo(ctx.params.owner ?? "", ctx.params.repo ?? "");
  if (!repo) return null;
  if (ctx.auth.kind === "installation" && !ctx.world.installationReaches(ctx.auth.token.installationId, ctx.auth.token.account, repo)) return null;
  return repo;
}

function withRepo(fn: (ctx: RestContext, repo: RepoState) => RestResult): Handler {
  return (ctx) => {
    const repo = repoOf(ctx);
    return repo ? fn(ctx, repo) : notFound(ctx);
  };
}

function appIdOf(ctx: RestContext): number {
  if (ctx.auth.kind === "installation") return ctx.auth.token.appId;
  if (ctx.auth.kind === "jwt") return ctx.auth.appId;
  return 0;
}

// ───────────── check runs ─────────────

const CONCLUSIONS: CheckConclusion[] = ["action_required", "cancelled", "failure", "neutral", "success", "skipped", "stale", "timed_out"];

/**
 * Rules from the docs of "Create a check run"/"Update a check run" that the OpenAPI schema cannot
 * express: `conclusion` is required with `status: completed` or `completed_at`; providing a
 * conclusion sets the status to completed; only GitHub can set `stale`.
 */
function checkRunRules(body: Json, existingDetailsUrl: string | null = null): string | null {
  const conclusion = body.conclusion as string | undefined;
  // "When the conclusion is action_required, additional details should be provided on the site
  // specified by details_url" (REST "Create a check run"); GitHub answers 422 without one (issue 8
  // point 7: the merge queue's action_required run was refused and the group got no check).
  if (conclusion === "action_required" && typeof body.details_url !== "string" && !existingDetailsUrl)
    return "details_url must be provided when conclusion is action_required.";
  if (conclusion === "stale") return "For 'conclusion', \"stale\" can only be set by GitHub.";
  if (body.status === "completed" && conclusion === undefined) return "\"conclusion\" wasn't supplied (required when status is completed).";
  if (body.completed_at !== undefined && conclusion === undefined) return "\"conclusion\" wasn't supplied (required when completed_at is given).";
  if (conclusion !== undefined && !CONCLUSIONS.includes(conclusion as CheckConclusion)) return `For 'conclusion', ${JSON.stringify(conclusion)} is not a member of ${JSON.stringify(CONCLUSIONS)}.`;
  const output = body.output as Json | undefined;
  if (output) {
    // Documented limits (also in the schema): 65535 characters each, at most 50 annotations per request.
    for (const k of ["summary", "text"]) {
      const v = output[k];
      if (typeof v === "string" && v.length > 65535) return `For 'properties/output/${k}', length ${v.length} exceeds the maximum of 65535 characters.`;
    }
    const ann = output.annotations;
    if (Array.isArray(ann) && ann.length > 50) return `For 'properties/output/annotations', ${ann.length} annotations exceed the maximum of 50 per request.`;
  }
  const actions = body.actions;
  if (Array.isArray(actions)) {
    if (actions.length > 3) return `For 'properties/actions', ${actions.length} actions exceed the maximum of 3.`;
    for (const a of actions as Json[]) {
      if (typeof a.label === "string" && a.label.length > 20) return `For 'properties/actions/label', ${JSON.stringify(a.label)} is longer than 20 characters.`;
      if (typeof a.identifier === "string" && a.identifier.length > 20) return `For 'properties/actions/identifier', ${JSON.stringify(a.identifier)} is longer than 20 characters.`;
      if (typeof a.description === "string" && a.description.length > 40) return `For 'properties/actions/description', ${JSON.stringify(a.description)} is longer than 40 characters.`;
    }
  }
  return null;
}

function applyCheckRunBody(_world: World, run: CheckRunState, body: Json, at: string): void {
  if (typeof body.name === "string") run.name = body.name;
  if (typeof body.details_url === "string") run.detailsUrl = body.details_url;
  if (typeof body.external_id === "string") run.externalId = body.external_id;
  if (typeof body.started_at === "string") run.startedAt = body.started_at;
  if (typeof body.status === "string") {
    run.status = body.status as CheckStatus;
    if (run.status !== "completed") {
      run.conclusion = null;
      run.completedAt = null;
    }
  }
  if (typeof body.conclusion === "string") {
    run.conclusion = body.conclusion as CheckConclusion;
    run.status = "completed";
    run.completedAt = typeof body.completed_at === "string" ? body.completed_at : at;
  }
  const output = body.output as Json | undefined;
  if (output) {
    run.output.title = (output.title as string | undefined) ?? run.output.title;
    run.output.summary = (output.summary as string | undefined) ?? run.output.summary;
    if (typeof output.text === "string") run.output.text = output.text;
    // Annotations accumulate across updates (GitHub: "each update appends").
    if (Array.isArray(output.annotations)) run.output.annotations.push(...(output.annotations as Json[]));
  }
  if (Array.isArray(body.actions)) run.actions = (body.actions as CheckRunAction[]).map((a) => ({ label: a.label, description: a.description, identifier: a.identifier }));
}

const createCheckRun: Handler = withRepo((ctx, repo) => {
  const body = ctx.body as Json;
  const rule = checkRunRules(body);
  if (rule) return invalid(ctx, rule);
  const headSha = String(body.head_sha);
  if (!repo.commits.has(headSha)) {
    return { status: 422, body: error(ctx, 422, `No commit found for SHA: ${headSha}`), violation: { kind: "request", message: `check run on unknown commit ${headSha}` } };
  }
  const appId = appIdOf(ctx);
  const at = ctx.world.tick();
  const run: CheckRunState = {
    id: ctx.world.nextId(),
    appId,
    repo: repo.fullName,
    headSha,
    name: String(body.name),
    status: "queued",
    conclusion: null,
    startedAt: at,
    completedAt: null,
    output: { title: null, summary: null, text: null, annotations: [] },
    actions: [],
    detailsUrl: null,
    externalId: null,
    checkSuiteId: ctx.world.checkSuiteFor(repo.fullName, headSha, appId).id,
    history: [{ op: "create", at, body: structuredClone(body) }],
  };
  applyCheckRunBody(ctx.world, run, body, at);
  ctx.world.checkRunsById.set(run.id, run);
  return { status: 201, body: ctx.shapes.checkRun(repo, run) };
});

function findRun(ctx: RestContext, repo: RepoState): CheckRunState | null {
  const run = ctx.world.checkRun(Number(ctx.params.check_run_id));
  return run?.repo === repo.fullName ? run : null;
}

const updateCheckRun: Handler = withRepo((ctx, repo) => {
  const run = findRun(ctx, repo);
  if (!run) return notFound(ctx);
  const appId = appIdOf(ctx);
  if (run.appId !== appId) {
    const message = `Invalid app_id \`${appId}\` - check run can only be modified by the GitHub App that created it.`;
    return { status: 403, body: error(ctx, 403, message), violation: { kind: "auth", message: `app ${appId} tried to update check run ${run.id} of app ${run.appId}` } };
  }
  const body = ctx.body as Json;
  const rule = checkRunRules(body, run.detailsUrl ?? null);
  if (rule) return invalid(ctx, rule);
  const at = ctx.world.tick();
  run.history.push({ op: "update", at, body: structuredClone(body) });
  applyCheckRunBody(ctx.world, run, body, at);
  return { status: 200, body: ctx.shapes.checkRun(repo, run) };
});

const getCheckRun: Handler = withRepo((ctx, repo) => {
  const run = findRun(ctx, repo);
  return run ? { status: 200, body: ctx.shapes.checkRun(repo, run) } : notFound(ctx);
});

const listCheckRunsForRef: Handler = withRepo((ctx, repo) => {
  const commit = ctx.world.resolveRef(repo.fullName, ctx.params.ref ?? "");
  if (!commit) return { status: 422, body: error(ctx, 422, `No commit found for SHA: ${ctx.params.ref ?? ""}`) };
  const name = ctx.query.get("check_name");
  const status = ctx.query.get("status");
  const appId = ctx.query.get("app_id");
  let runs = ctx.world.checkRuns(repo.fullName, commit.sha).filter(
    (r) => (name === null || r.name === name) && (status === null || r.status === status) && (appId === null || r.appId === Number(appId)),
  );
  // filter=latest (the default): the most recent run per name and app.
  if ((ctx.query.get("filter") ?? "latest") === "latest") {
    const latest = new Map<string, CheckRunState>();
    for (const r of runs) latest.set(`${r.appId}\0${r.name}`, r);
    runs = [...latest.values()];
  }
  runs.sort((a, b) => b.id - a.id);
  const { page, headers } = paginate(ctx, runs);
  return { status: 200, body: { total_count: runs.length, check_runs: page.map((r) => ctx.shapes.checkRun(repo, r)) }, headers };
});

// ───────────── repositories, contents, pulls ─────────────

const getRepo: Handler = withRepo((ctx, repo) => ({ status: 200, body: ctx.shapes.repo(repo) }));

const getContent: Handler = withRepo((ctx, repo) => {
  const ref = ctx.query.get("ref") ?? repo.defaultBranch;
  const commit = ctx.world.resolveRef(repo.fullName, ref);
  if (!commit) return notFound(ctx, `No commit found for the ref ${ref}`);
  const path = (ctx.params.path ?? "").replace(/^\/+|\/+$/g, "");
  const text = commit.tree.get(path);
  if (text !== undefined) return { status: 200, body: ctx.shapes.blob(repo, commit, path, text, ref) };
  // A directory: list its direct entries.
  const prefix = `${path}/`;
  const entries = new Map<string, { type: "file" | "dir"; size: number }>();
  for (const [p, t] of commit.tree) {
    if (!p.startsWith(prefix)) continue;
    const rest = p.slice(prefix.length);
    const slash = rest.indexOf("/");
    if (slash === -1) entries.set(p, { type: "file", size: Buffer.byteLength(t) });
    else entries.set(prefix + rest.slice(0, slash), { type: "dir", size: 0 });
  }
  if (entries.size === 0) return notFound(ctx);
  const body = [...entries.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([p, e]) => ctx.shapes.dirEntry(repo, commit, p, e.type, e.size, e.type === "file" ? blobShaOf(commit.tree.get(p) ?? "") : "0".repeat(40)));
  return { status: 200, body };
});


function pullOf(ctx: RestContext, repo: RepoState, param = "pull_number") {
  return repo.pulls.get(Number(ctx.params[param])) ?? null;
}

const getPull: Handler = withRepo((ctx, repo) => {
  const pull = pullOf(ctx, repo);
  return pull ? { status: 200, body: ctx.shapes.pull(repo, pull) } : notFound(ctx);
});

/**
 * "Request reviewers for a pull request" (REST docs): 422 for the WHOLE request when one reviewer is
 * the PR's author ("Review cannot be requested from pull request author.") or is not a collaborator
 * (a user without access to the repository, a team without access to it or that the token cannot
 * see): GitHub's message names neither, and nobody is requested. Only teams are wrong: "One or more
 * of the teams you specified is not a collaborator …"; otherwise "… of the users or teams …" (both
 * messages as GitHub answers them). A request already pending is kept once. 201 with the pull request.
 */
const requestReviewers: Handler = withRepo((ctx, repo) => {
  const pull = pullOf(ctx, repo);
  if (!pull) return notFound(ctx);
  const body = (ctx.body ?? {}) as { reviewers?: string[]; team_reviewers?: string[] };
  const users = body.reviewers ?? [];
  const teams = body.team_reviewers ?? [];
  if (users.some((u) => u.toLowerCase() === pull.author.toLowerCase())) {
    return { status: 422, body: error(ctx, 422, "Review cannot be requested from pull request author.") };
  }
  const notCollaborator = users.filter((u) => ctx.world.permissionOf(repo.fullName, u) === "none");
  const noTeam = teams.filter((t) => {
    const team = ctx.world.team(repo.owner, t);
    return !team || !ctx.world.teamHasRepo(team, repo.fullName);
  });
  if (notCollaborator.length > 0 || noTeam.length > 0) {
    const who = notCollaborator.length === 0 ? "teams" : "users or teams";
    return {
      status: 422,
      body: error(ctx, 422, `Reviews may only be requested from collaborators. One or more of the ${who} you specified is not a collaborator of the ${repo.fullName} repository.`),
    };
  }
  for (const u of users) if (!pull.requestedReviewers.some((x) => x.toLowerCase() === u.toLowerCase())) pull.requestedReviewers.push(ctx.world.ensureUser(u).login);
  for (const t of teams) if (!pull.requestedTeams.some((x) => x.toLowerCase() === t.toLowerCase())) pull.requestedTeams.push(t);
  return { status: 201, body: ctx.shapes.pull(repo, pull) };
});

/** "List pull requests": `state` (default open), `sort` created|updated|popularity|long-running, `direction`, paginated. */
const listPulls: Handler = withRepo((ctx, repo) => {
  const state = ctx.query.get("state") ?? "open";
  const sort = ctx.query.get("sort") ?? "created";
  const direction = ctx.query.get("direction") ?? (sort === "created" || sort === "updated" ? "desc" : "desc");
  const all = [...repo.pulls.values()].filter((p) => state === "all" || p.state === state);
  const key = (p: PullState) => (sort === "updated" ? p.updatedAt : p.createdAt);
  all.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.number - b.number) * (direction === "asc" ? 1 : -1));
  const { page, headers } = paginate(ctx, all);
  return { status: 200, body: page.map((p) => ctx.shapes.pull(repo, p, false)), headers };
});

/** "List team members" (REST docs): the members of a team of the token's organization. */
const listTeamMembers: Handler = (ctx) => {
  const org = ctx.params.org ?? "";
  if (ctx.auth.kind === "installation" && ctx.auth.token.account.toLowerCase() !== org.toLowerCase()) return notFound(ctx);
  const team = ctx.world.team(org, ctx.params.team_slug ?? "");
  if (!team) return notFound(ctx);
  const { page, headers } = paginate(ctx, team.members);
  return { status: 200, body: page.map((m) => ctx.shapes.userByLogin(m)), headers };
};

/** "Responses include a maximum of 3000 files" (REST docs, List pull requests files). */
export const PULL_FILES_CAP = 3000;
/** "The list is limited to 250 commits" (REST docs, List commits on a pull request). */
export const PULL_COMMITS_CAP = 250;

const listPullFiles: Handler = withRepo((ctx, repo) => {
  const pull = pullOf(ctx, repo);
  if (!pull) return notFound(ctx);
  const files = ctx.world.pullFiles(repo.fullName, pull.number).slice(0, PULL_FILES_CAP);
  const { page, headers } = paginate(ctx, files);
  return { status: 200, body: page.map((f) => ctx.shapes.file(repo, pull.headSha, f)), headers };
});

const listPullCommits: Handler = withRepo((ctx, repo) => {
  const pull = pullOf(ctx, repo);
  if (!pull) return notFound(ctx);
  const commits = pull.commits.slice(0, PULL_COMMITS_CAP).map((s) => repo.commits.get(s)).filter((c) => c !== undefined);
  const { page, headers } = paginate(ctx, commits);
  return { status: 200, body: page.map((c) => ctx.shapes.commit(repo, c)), headers };
});

const listPullReviews: Handler = withRepo((ctx, repo) => {
  const pull = pullOf(ctx, repo);
  if (!pull) return notFound(ctx);
  const { page, headers } = paginate(ctx, pull.reviews.filter((r) => r.state !== "PENDING"));
  return { status: 200, body: page.map((r) => ctx.shapes.review(repo, pull, r)), headers };
});

const pullsForCommit: Handler = withRepo((ctx, repo) => {
  const sha = ctx.params.commit_sha ?? "";
  const commit = ctx.world.resolveRef(repo.fullName, sha);
  if (!commit) return { status: 422, body: error(ctx, 422, `No commit found for SHA: ${sha}`) };
  const pulls = ctx.world.pullsWithCommit(repo.fullName, commit.sha);
  const { page, headers } = paginate(ctx, pulls);
  return { status: 200, body: page.map((p) => ctx.shapes.pull(repo, p, false)), headers };
});

const compare: Handler = withRepo((ctx, repo) => {
  const basehead = ctx.params.basehead ?? "";
  const m = /^(.+?)\.\.\.?(.+)$/.exec(basehead);
  if (!m) return notFound(ctx);
  const base = ctx.world.resolveRef(repo.fullName, m[1] ?? "");
  const head = ctx.world.resolveRef(repo.fullName, m[2] ?? "");
  if (!base || !head) return notFound(ctx);
  // Walk first parents from head back to base.
  const chain = [];
  let cur = head;
  let found = false;
  for (let guard = 0; guard < 100_000; guard++) {
    if (cur.sha === base.sha) {
      found = true;
      break;
    }
    chain.push(cur);
    const parent = cur.parents[0] ? repo.commits.get(cur.parents[0]) : undefined;
    if (!parent) break;
    cur = parent;
  }
  chain.reverse();
  const files = ctx.world.diffTrees(base, head, chain);
  const { page, headers } = paginate(ctx, chain);
  return {
    status: 200,
    headers,
    body: {
      url: `${ctx.shapes.api}/repos/${repo.fullName}/compare/${basehead}`,
      html_url: `${ctx.shapes.web}/${repo.fullName}/compare/${basehead}`,
      permalink_url: `${ctx.shapes.web}/${repo.fullName}/compare/${base.sha}...${head.sha}`,
      diff_url: `${ctx.shapes.web}/${repo.fullName}/compare/${basehead}.diff`,
      patch_url: `${ctx.shapes.web}/${repo.fullName}/compare/${basehead}.patch`,
      base_commit: ctx.shapes.commit(repo, base),
      merge_base_commit: ctx.shapes.commit(repo, base),
      status: found ? (chain.length === 0 ? "identical" : "ahead") : "diverged",
      ahead_by: chain.length,
      behind_by: 0,
      total_commits: chain.length,
      commits: page.map((c) => ctx.shapes.commit(repo, c)),
      // Compare lists at most 300 files (REST docs, Compare two commits).
      files: files.slice(0, 300).map((f) => ctx.shapes.file(repo, head.sha, f)),
    },
  };
});

// ───────────── labels ─────────────

const listRepoLabels: Handler = withRepo((ctx, repo) => {
  const { page, headers } = paginate(ctx, [...repo.labels.values()]);
  return { status: 200, body: page.map((l) => ctx.shapes.label(repo, l)), headers };
});

const getLabel: Handler = withRepo((ctx, repo) => {
  const l = repo.labels.get((ctx.params.name ?? "").toLowerCase());
  return l ? { status: 200, body: ctx.shapes.label(repo, l) } : notFound(ctx);
});

const createLabel: Handler = withRepo((ctx, repo) => {
  const body = ctx.body as { name: string; color?: string; description?: string };
  const color = (body.color ?? "ededed").replace(/^#/, "");
  if (!/^[0-9a-fA-F]{6}$/.test(color)) {
    return { status: 422, body: error(ctx, 422, "Validation Failed", { errors: [{ resource: "Label", code: "invalid", field: "color" }] }), violation: { kind: "request", message: `label color ${JSON.stringify(body.color)} is not 6 hex digits` } };
  }
  if (repo.labels.has(body.name.toLowerCase())) {
    // Not a violation: two deliveries racing to create the label is normal; the app must cope.
    return { status: 422, body: error(ctx, 422, "Validation Failed", { errors: [{ resource: "Label", code: "already_exists", field: "name" }] }) };
  }
  const l = ctx.world.addLabel(repo.fullName, body.name, { color, description: body.description ?? null });
  return { status: 201, body: ctx.shapes.label(repo, l) };
});

function issueLabels(ctx: RestContext, repo: RepoState, number: number): Json[] {
  return ctx.world.labelsOn(repo.fullName, number).map((n) => ctx.shapes.label(repo, ctx.world.addLabel(repo.fullName, n)));
}

function labelNames(body: unknown): string[] {
  const raw = Array.isArray(body) ? body : ((body as Json | null)?.labels ?? []);
  return (raw as unknown[]).map((x) => (typeof x === "string" ? x : (typeof (x as Json).name === "string" ? ((x as Json).name as string) : "")));
}

const listIssueLabels: Handler = withRepo((ctx, repo) => {
  const pull = pullOf(ctx, repo, "issue_number");
  if (!pull) return notFound(ctx);
  const { page, headers } = paginate(ctx, issueLabels(ctx, repo, pull.number));
  return { status: 200, body: page, headers };
});

/** Who a label write is by: the calling app's bot (`<slug>[bot]`), as GitHub shows on the timeline. */
function labelActor(ctx: RestContext): string | undefined {
  return ctx.auth.kind === "installation" ? ctx.world.appBot(ctx.auth.token.appId).login : undefined;
}

const addIssueLabels: Handler = withRepo((ctx, repo) => {
  const pull = pullOf(ctx, repo, "issue_number");
  if (!pull) return notFound(ctx);
  for (const n of labelNames(ctx.body)) ctx.world.labelPull(repo.fullName, pull.number, n, labelActor(ctx));
  return { status: 200, body: issueLabels(ctx, repo, pull.number) };
});

const setIssueLabels: Handler = withRepo((ctx, repo) => {
  const pull = pullOf(ctx, repo, "issue_number");
  if (!pull) return notFound(ctx);
  const wanted = labelNames(ctx.body);
  for (const n of [...pull.labels]) if (!wanted.some((w) => w.toLowerCase() === n.toLowerCase())) ctx.world.unlabelPull(repo.fullName, pull.number, n, labelActor(ctx));
  for (const n of wanted) ctx.world.labelPull(repo.fullName, pull.number, n, labelActor(ctx));
  return { status: 200, body: issueLabels(ctx, repo, pull.number) };
});

const removeIssueLabel: Handler = withRepo((ctx, repo) => {
  const pull = pullOf(ctx, repo, "issue_number");
  if (!pull) return notFound(ctx);
  if (!ctx.world.unlabelPull(repo.fullName, pull.number, ctx.params.name ?? "", labelActor(ctx))) return notFound(ctx, "Label does not exist");
  return { status: 200, body: issueLabels(ctx, repo, pull.number) };
});

// ───────────── people ─────────────

/** The legacy `permission` field folds maintain into write and triage into read; `role_name` is exact. */
const LEGACY_PERMISSION: Record<string, string> = { admin: "admin", maintain: "write", write: "write", triage: "read", read: "read", none: "none" };

const collaboratorPermission: Handler = withRepo((ctx, repo) => {
  const user = ctx.world.user(ctx.params.username ?? "");
  if (!user) return notFound(ctx);
  let role: string = ctx.world.permissionOf(repo.fullName, user.login);
  if (role === "none" && !repo.private) role = "read";
  return {
    status: 200,
    body: {
      permission: LEGACY_PERMISSION[role] ?? "none",
      role_name: role,
      user: { ...ctx.shapes.user(user), permissions: { admin: role === "admin", maintain: role === "admin" || role === "maintain", push: ["admin", "maintain", "write"].includes(role), triage: role !== "none" && role !== "read", pull: role !== "none" }, role_name: role },
    },
  };
});

const teamMembership: Handler = (ctx) => {
  const org = ctx.params.org ?? "";
  if (ctx.auth.kind === "installation" && ctx.auth.token.account.toLowerCase() !== org.toLowerCase()) return notFound(ctx);
  const team = ctx.world.team(org, ctx.params.team_slug ?? "");
  const login = (ctx.params.username ?? "").toLowerCase();
  if (!team?.members.some((m) => m.toLowerCase() === login)) return notFound(ctx);
  return {
    status: 200,
    body: {
      url: `${ctx.shapes.api}/organizations/${team.org}/team/${team.id}/memberships/${ctx.params.username ?? ""}`,
      role: team.maintainers.some((m) => m.toLowerCase() === login) ? "maintainer" : "member",
      state: "active",
    },
  };
};

/**
 * "Check if a user is a repository collaborator" (REST docs): 204 when the user is a collaborator
 * (direct, through a team or the organization's base permission), 404 when not — on a public
 * repository too, where anyone can read: the same notion as review requests' "collaborators".
 */
const checkCollaborator: Handler = withRepo((ctx, repo) => {
  const user = ctx.world.user(ctx.params.username ?? "");
  if (!user || ctx.world.permissionOf(repo.fullName, user.login) === "none") return notFound(ctx);
  return { status: 204 };
});

/**
 * "Check team permissions for a repository" (REST docs): 204 when the team has access (without the
 * repository media type), 404 when it has none, does not exist, or is of another organization than
 * the installation's (the token cannot see it).
 */
const checkTeamRepo: Handler = (ctx) => {
  const org = ctx.params.org ?? "";
  if (ctx.auth.kind === "installation" && ctx.auth.token.account.toLowerCase() !== org.toLowerCase()) return notFound(ctx);
  const team = ctx.world.team(org, ctx.params.team_slug ?? "");
  const repo = repoOf(ctx);
  if (!team || !repo || !ctx.world.teamHasRepo(team, repo.fullName)) return notFound(ctx);
  return { status: 204 };
};

/** "Get a blob" (REST docs): "This endpoint supports blobs up to 100 megabytes in size." */
export const REST_BLOB_LIMIT = 100 * 1024 * 1024;

/**
 * "Get a blob" (REST docs, Git database): by blob SHA, any blob of the repository. JSON with base64
 * `content` by default; `application/vnd.github.raw+json` (or the older `application/vnd.github.v3.raw`)
 * returns the raw bytes. Over 100 MB: 403 `too_large`, as GitHub answers blobs its API does not serve.
 */
const getBlob: Handler = withRepo((ctx, repo) => {
  const sha = ctx.params.file_sha ?? "";
  const text = /^[0-9a-f]{40}$/.test(sha) ? ctx.world.blobByOid(repo.fullName, sha) : undefined;
  if (text === undefined) return notFound(ctx);
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length > REST_BLOB_LIMIT) {
    return { status: 403, body: error(ctx, 403, "This API returns blobs up to 100 MB in size. The requested blob is too large to fetch via the API.", { errors: [{ resource: "Blob", field: "data", code: "too_large" }] }) };
  }
  if (/application\/vnd\.github(\.v3)?\.raw/.test(ctx.accept ?? "")) return { status: 200, raw: { bytes, contentType: "application/vnd.github.raw; charset=utf-8" } };
  const url = `${ctx.shapes.api}/repos/${repo.fullName}/git/blobs/${sha}`;
  return { status: 200, body: { sha, node_id: Buffer.from(`B:${sha}`).toString("base64"), size: bytes.length, url, content: bytes.toString("base64"), encoding: "base64" } };
});

// ───────────── app ─────────────

const getApp: Handler = (ctx) => ({ status: 200, body: ctx.shapes.app(appIdOf(ctx)) });

function installationOf(ctx: RestContext): Installation | undefined {
  const inst = ctx.world.installationById(Number(ctx.params.installation_id));
  return inst?.appId === appIdOf(ctx) ? inst : undefined;
}

const getInstallation: Handler = (ctx) => {
  const inst = installationOf(ctx);
  return inst ? { status: 200, body: ctx.shapes.installation(inst) } : notFound(ctx);
};

const createInstallationToken: Handler = (ctx) => {
  const inst = installationOf(ctx);
  if (!inst) return notFound(ctx);
  const t = ctx.tokens.mint(inst.id, inst.appId, inst.account);
  return {
    status: 201,
    body: {
      token: t.token,
      expires_at: new Date(t.expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
      permissions: { checks: "write", contents: "read", pull_requests: "write", issues: "write", members: "read", metadata: "read" },
      repository_selection: "all",
    },
  };
};

const getRepoInstallation: Handler = (ctx) => {
  const repo = ctx.world.findRepo(ctx.params.owner ?? "", ctx.params.repo ?? "");
  if (!repo) return notFound(ctx);
  const inst = ctx.world.installationFor(repo.owner);
  return { status: 200, body: ctx.shapes.installation(inst) };
};

/** "List repositories accessible to the app installation" (installation token only). */
const listInstallationRepos: Handler = (ctx) => {
  if (ctx.auth.kind !== "installation") return notFound(ctx);
  const token = ctx.auth.token;
  const inst = ctx.world.installationById(token.installationId);
  const repos = ctx.world.reposOf(token.account).filter((r) => ctx.world.installationReaches(token.installationId, token.account, r));
  const { page, headers } = paginate(ctx, repos);
  return { status: 200, headers, body: { total_count: repos.length, repository_selection: inst?.repositorySelection ?? "all", repositories: page.map((r) => ctx.shapes.repo(r)) } };
};

const rateLimit: Handler = () => {
  const reset = Math.floor(Date.now() / 1000) + 3600;
  const r = { limit: 5000, used: 0, remaining: 5000, reset };
  return { status: 200, body: { resources: { core: r, graphql: r, search: { ...r, limit: 30, remaining: 30 } }, rate: r } };
};

export const HANDLERS: Record<string, Handler> = {
  "apps/get-authenticated": getApp,
  "apps/list-webhook-deliveries": listHookDeliveries,
  "apps/get-webhook-delivery": getHookDelivery,
  "apps/get-installation": getInstallation,
  "apps/create-installation-access-token": createInstallationToken,
  "apps/get-repo-installation": getRepoInstallation,
  "apps/list-repos-accessible-to-installation": listInstallationRepos,
  "repos/get": getRepo,
  "repos/get-content": getContent,
  "pulls/get": getPull,
  "pulls/list": listPulls,
  "pulls/request-reviewers": requestReviewers,
  "teams/list-members-in-org": listTeamMembers,
  "pulls/list-files": listPullFiles,
  "pulls/list-commits": listPullCommits,
  "pulls/list-reviews": listPullReviews,
  "repos/list-pull-requests-associated-with-commit": pullsForCommit,
  "repos/compare-commits-with-basehead": compare,
  "checks/create": createCheckRun,
  "checks/update": updateCheckRun,
  "checks/get": getCheckRun,
  "checks/list-for-ref": listCheckRunsForRef,
  "issues/list-labels-for-repo": listRepoLabels,
  "issues/get-label": getLabel,
  "issues/create-label": createLabel,
  "issues/list-labels-on-issue": listIssueLabels,
  "issues/add-labels": addIssueLabels,
  "issues/set-labels": setIssueLabels,
  "issues/remove-label": removeIssueLabel,
  "repos/get-collaborator-permission-level": collaboratorPermission,
  "teams/get-membership-for-user-in-org": teamMembership,
  "repos/check-collaborator": checkCollaborator,
  "git/get-blob": getBlob,
  "teams/check-permissions-for-repo-in-org": checkTeamRepo,
  "rate-limit/get": rateLimit,
};
