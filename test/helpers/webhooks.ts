/**
 * Webhook deliveries built from GitHub's own example payloads (@octokit/webhooks-examples): the
 * example for the event and action is deep-cloned, then every object that the API also serves
 * (repository, installation, sender, pull_request, review, check_run, check_suite, merge_group,
 * push commits) is overwritten from the fake's world, so webhook and API agree.
 *
 * `deliver` signs like GitHub (HMAC-SHA256 over the exact body, `X-Hub-Signature-256`) and POSTs to
 * the app. Probot answers only after every handler has finished (@octokit/webhooks
 * `middleware/create-middleware.js` awaits `verifyAndReceive` before writing 200; after 9 s it answers
 * 202 "still processing"), so awaiting `deliver` is the synchronisation point for tests.
 */
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { sign } from "@octokit/webhooks-methods";
import type { FakeGitHub } from "../fake-github/index.js";
import { completeFromSchema, loadSpec, validateWebhook } from "../fake-github/openapi.js";
import { Shapes } from "../fake-github/shapes.js";
import type { CommitState, MergeGroupState, RepoState, World } from "../fake-github/state.js";

type Json = Record<string, unknown>;
export type Delivery = [name: string, payload: Json];
/** The world, or the fake (whose URLs then appear in payloads). */
export type WorldLike = World | FakeGitHub;

interface ExampleGroup {
  name: string;
  examples: Json[];
}

let examples: ExampleGroup[] | null = null;

function example(event: string, action: string | null): Json {
  if (!examples) {
    const require = createRequire(import.meta.url);
    examples = require("@octokit/webhooks-examples") as ExampleGroup[];
  }
  const group = examples.find((g) => g.name === event);
  if (!group) throw new Error(`webhooks: GitHub publishes no example for event "${event}"`);
  // Some actions (pull_request.edited …) have no published example: start from the event's first
  // one; every field the app reads is overwritten below anyway.
  const found =
    (action === null ? group.examples.find((e) => Array.isArray(e.commits) && e.commits.length > 0) : group.examples.find((e) => e.action === action)) ??
    group.examples[0];
  if (!found) throw new Error(`webhooks: no example for ${event}`);
  const copy = structuredClone(found);
  if (action !== null) copy.action = action;
  return copy;
}

function unwrap(w: WorldLike): { world: World; shapes: Shapes } {
  if ("state" in w) return { world: w.state, shapes: new Shapes(w.state, w.apiUrl, w.url) };
  return { world: w, shapes: new Shapes(w, "http://127.0.0.1/api/v3", "http://127.0.0.1") };
}

/** repository, installation, organization and sender, from the world. */
function common(world: World, shapes: Shapes, repo: RepoState, sender: string): Json {
  const inst = world.installationFor(repo.owner);
  const org = world.org(repo.owner);
  return {
    repository: shapes.repo(repo),
    installation: { id: inst.id, node_id: `MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u${inst.id}` },
    ...(org
      ? {
          organization: {
            login: org.login,
            id: org.id,
            node_id: `O_${org.id}`,
            url: `${shapes.api}/orgs/${org.login}`,
            repos_url: `${shapes.api}/orgs/${org.login}/repos`,
            events_url: `${shapes.api}/orgs/${org.login}/events`,
            hooks_url: `${shapes.api}/orgs/${org.login}/hooks`,
            issues_url: `${shapes.api}/orgs/${org.login}/issues`,
            members_url: `${shapes.api}/orgs/${org.login}/members{/member}`,
            public_members_url: `${shapes.api}/orgs/${org.login}/public_members{/member}`,
            avatar_url: `${shapes.web}/avatars/u/${org.id}`,
            description: null,
          },
        }
      : {}),
    sender: shapes.userByLogin(sender),
  };
}

function withoutOrganization(payload: Json, hasOrg: boolean): Json {
  if (!hasOrg) delete payload.organization;
  return payload;
}

/**
 * Every payload is checked against GitHub's webhook schema (@octokit/openapi `x-webhooks`): a builder
 * that produced something GitHub would never send is a bug in this helper, so it throws.
 */
function finish(name: string, payload: Json, urlBase: string): Delivery {
  const action = typeof payload.action === "string" ? payload.action : null;
  const key = [name, action].filter((x): x is string => !!x).join("-").replace(/_/g, "-");
  const schema = loadSpec().webhooks.get(key) ?? null;
  const completed = completeFromSchema(schema, payload, urlBase) as Json;
  const problem = validateWebhook(name, action, completed);
  if (problem) throw new Error(`webhooks: the ${key} payload breaks GitHub's webhook schema: ${problem}`);
  return [name, completed];
}

export function pullRequestEvent(
  w: WorldLike,
  repoName: string,
  number: number,
  action: string,
  opts: { sender?: string; label?: string; before?: string; changes?: Json } = {},
): Delivery {
  const { world, shapes } = unwrap(w);
  const repo = world.repo(repoName);
  const pull = world.pull(repoName, number);
  const payload = example("pull_request", action);
  const isLabel = action === "labeled" || action === "unlabeled";
  const labelName = isLabel ? (opts.label ?? pull.labels[pull.labels.length - 1]) : undefined;
  // GitHub's `sender` of a labeled/unlabeled event is whoever made that change: by default the actor of
  // the world's latest matching label event, so the webhook agrees with the PR's timeline.
  const labelActor = isLabel && labelName ? world.lastLabelEvent(repoName, number, labelName, action)?.actor : undefined;
  Object.assign(payload, common(world, shapes, repo, opts.sender ?? labelActor ?? pull.author), { number, pull_request: shapes.pull(repo, pull) });
  if (isLabel) {
    const name = labelName;
    if (!name) throw new Error(`webhooks: ${action} needs a label (opts.label)`);
    const label = world.label(repoName, name) ?? world.addLabel(repoName, name);
    payload.label = shapes.label(repo, label);
  } else {
    delete payload.label;
  }
  if (action === "synchronize") {
    payload.before = opts.before ?? world.commit(repoName, pull.headSha)?.parents[0] ?? pull.baseSha;
    payload.after = pull.headSha;
  }
  // `changes` says what an edit changed, e.g. { base: { ref: { from: "main" }, sha: { from: "…" } } } after w.retargetPull.
  if (opts.changes) payload.changes = opts.changes;
  else if (action === "edited") payload.changes = { title: { from: pull.title } };
  else delete payload.changes;
  return finish("pull_request", withoutOrganization(payload, !!world.org(repo.owner)), shapes.web);
}

/**
 * `labeled`/`unlabeled` on a PR (the label is applied/removed in the world first by the test, e.g.
 * `w.labelPull(repo, n, "x", "alice")`); `sender` defaults to the actor the world recorded for it.
 */
export function labeledEvent(w: WorldLike, repoName: string, number: number, label: string, action: "labeled" | "unlabeled" = "labeled", sender?: string): Delivery {
  return pullRequestEvent(w, repoName, number, action, { label, ...(sender ? { sender } : {}) });
}

export function reviewEvent(
  w: WorldLike,
  repoName: string,
  number: number,
  reviewId: number,
  action: "submitted" | "edited" | "dismissed" = "submitted",
  opts: { sender?: string } = {},
): Delivery {
  const { world, shapes } = unwrap(w);
  const repo = world.repo(repoName);
  const pull = world.pull(repoName, number);
  const review = pull.reviews.find((r) => r.id === reviewId);
  if (!review) throw new Error(`webhooks: no review ${reviewId} on ${repoName}#${number}`);
  const payload = example("pull_request_review", action);
  const shaped = shapes.review(repo, pull, review);
  // Webhook review states are lower-case ("approved"), unlike the REST API's "APPROVED".
  shaped.state = review.state.toLowerCase();
  Object.assign(payload, common(world, shapes, repo, opts.sender ?? review.user), {
    review: shaped,
    pull_request: shapes.pull(repo, pull, false),
  });
  if (action === "edited" && !payload.changes) payload.changes = { body: { from: "" } };
  return finish("pull_request_review", withoutOrganization(payload, !!world.org(repo.owner)), shapes.web);
}

function checkSuiteShape(world: World, shapes: Shapes, repo: RepoState, suiteId: number): Json {
  const suite = world.checkSuites.find((s) => s.id === suiteId);
  if (!suite) throw new Error(`webhooks: no check suite ${suiteId}`);
  const runs = [...world.checkRunsById.values()].filter((r) => r.checkSuiteId === suiteId);
  const head = world.commit(repo.fullName, suite.headSha);
  const pulls = world
    .pullsWithCommit(repo.fullName, suite.headSha)
    .filter((p) => p.state === "open" && p.headSha === suite.headSha)
    .map((p) => ({
      id: p.id,
      number: p.number,
      url: `${shapes.api}/repos/${repo.fullName}/pulls/${p.number}`,
      head: { ref: p.headRef, sha: p.headSha, repo: { id: repo.id, url: `${shapes.api}/repos/${repo.fullName}`, name: repo.name } },
      base: { ref: p.baseRef, sha: p.baseSha, repo: { id: repo.id, url: `${shapes.api}/repos/${repo.fullName}`, name: repo.name } },
    }));
  return {
    id: suite.id,
    node_id: `CS_${suite.id}`,
    head_branch: suite.headBranch,
    head_sha: suite.headSha,
    status: runs.every((r) => r.status === "completed") ? "completed" : "in_progress",
    conclusion: null,
    url: `${shapes.api}/repos/${repo.fullName}/check-suites/${suite.id}`,
    before: head?.parents[0] ?? null,
    after: suite.headSha,
    pull_requests: pulls,
    // The webhook schema's enum of app events predates merge_group; GitHub's example payloads list
    // the events as "pull_request", "push" …: keep the ones the schema knows.
    app: { ...shapes.app(suite.appId), events: ["check_run", "check_suite", "pull_request", "pull_request_review", "push"] },
    created_at: world.now(),
    updated_at: world.now(),
    latest_check_runs_count: runs.length,
    check_runs_url: `${shapes.api}/repos/${repo.fullName}/check-suites/${suite.id}/check-runs`,
    head_commit: head ? headCommit(head) : null,
  };
}

function headCommit(c: CommitState): Json {
  return {
    id: c.sha,
    tree_id: c.sha,
    message: c.message,
    timestamp: c.committedAt,
    author: { name: c.author.name, email: c.author.email },
    committer: { name: c.committer.name, email: c.committer.email },
  };
}

function checkRunPayload(world: World, shapes: Shapes, repoName: string, checkRunId: number, action: string, sender: string): Json {
  const repo = world.repo(repoName);
  const run = world.checkRun(checkRunId);
  if (run?.repo !== repo.fullName) throw new Error(`webhooks: no check run ${checkRunId} in ${repoName}`);
  const payload = example("check_run", action);
  const shaped = shapes.checkRun(repo, run);
  shaped.check_suite = checkSuiteShape(world, shapes, repo, run.checkSuiteId);
  Object.assign(payload, common(world, shapes, repo, sender), { check_run: shaped });
  return withoutOrganization(payload, !!world.org(repo.owner));
}

/** A click on a check run's button (`requested_action.identifier`), by `sender`. */
export function checkRunRequestedAction(w: WorldLike, repoName: string, checkRunId: number, identifier: string, sender: string): Delivery {
  const { world, shapes } = unwrap(w);
  const payload = checkRunPayload(world, shapes, repoName, checkRunId, "requested_action", sender);
  payload.requested_action = { identifier };
  return finish("check_run", payload, shapes.web);
}

export function checkRunRerequested(w: WorldLike, repoName: string, checkRunId: number, sender = "octocat"): Delivery {
  const { world, shapes } = unwrap(w);
  const payload = checkRunPayload(world, shapes, repoName, checkRunId, "rerequested", sender);
  delete payload.requested_action;
  return finish("check_run", payload, shapes.web);
}

/** `check_suite.rerequested` for the app's suite on `headSha` (created if the app has none yet). */
export function checkSuiteRerequested(w: WorldLike, repoName: string, headSha: string, sender = "octocat", appId?: number): Delivery {
  const { world, shapes } = unwrap(w);
  const repo = world.repo(repoName);
  const suite = world.checkSuiteFor(repoName, headSha, appId ?? world.appId);
  const payload = example("check_suite", "rerequested");
  Object.assign(payload, common(world, shapes, repo, sender), { check_suite: checkSuiteShape(world, shapes, repo, suite.id) });
  return finish("check_suite", withoutOrganization(payload, !!world.org(repo.owner)), shapes.web);
}

export function mergeGroupChecksRequested(w: WorldLike, repoName: string, group: MergeGroupState, sender = "github-merge-queue[bot]"): Delivery {
  const { world, shapes } = unwrap(w);
  const repo = world.repo(repoName);
  const head = world.commit(repoName, group.headSha);
  const payload = example("merge_group", "checks_requested");
  Object.assign(payload, common(world, shapes, repo, sender), {
    merge_group: {
      head_sha: group.headSha,
      head_ref: group.headRef,
      base_sha: group.baseSha,
      base_ref: group.baseRef,
      head_commit: head ? headCommit(head) : null,
    },
  });
  return finish("merge_group", withoutOrganization(payload, !!world.org(repo.owner)), shapes.web);
}

/**
 * A push of `after` to `ref` (default: the default branch's head). `commits` lists the commits from
 * `before` (exclusive; default the parent of `after`) to `after`, oldest first, as GitHub does.
 */
export function pushEvent(w: WorldLike, repoName: string, opts: { ref?: string; before?: string; after?: string } = {}, sender?: string): Delivery {
  const { world, shapes } = unwrap(w);
  const repo = world.repo(repoName);
  const ref = opts.ref ?? `refs/heads/${repo.defaultBranch}`;
  const after = opts.after ?? world.branchSha(repoName, ref.replace(/^refs\/heads\//, ""));
  const afterCommit = world.commit(repoName, after);
  if (!afterCommit) throw new Error(`webhooks: no commit ${after} in ${repoName}`);
  const before = opts.before ?? afterCommit.parents[0] ?? "0000000000000000000000000000000000000000";
  const commits: CommitState[] = [];
  for (let c: CommitState | undefined = afterCommit; c && c.sha !== before; c = c.parents[0] ? world.commit(repoName, c.parents[0]) : undefined) {
    commits.unshift(c);
    if (commits.length > 2048) break;
  }
  const shapeCommit = (c: CommitState): Json => {
    const parent = c.parents[0] ? world.commit(repoName, c.parents[0]) : undefined;
    const files = parent ? world.diffTrees(parent, c, [c]) : [...c.tree.keys()].map((filename) => ({ filename, status: "added", previousFilename: null }));
    return {
      id: c.sha,
      tree_id: c.sha,
      distinct: true,
      message: c.message,
      timestamp: c.committedAt,
      url: `${shapes.web}/${repo.fullName}/commit/${c.sha}`,
      author: { name: c.author.name, email: c.author.email, ...(c.author.login ? { username: c.author.login } : {}) },
      committer: { name: c.committer.name, email: c.committer.email, ...(c.committer.login ? { username: c.committer.login } : {}) },
      added: files.filter((f) => f.status === "added" || f.status === "renamed").map((f) => f.filename),
      removed: files.filter((f) => f.status === "removed").map((f) => f.filename).concat(files.flatMap((f) => (f.previousFilename ? [f.previousFilename] : []))),
      modified: files.filter((f) => f.status === "modified").map((f) => f.filename),
    };
  };
  const pusherLogin = sender ?? afterCommit.committer.login ?? "octocat";
  const pusher = world.ensureUser(pusherLogin);
  const payload = example("push", null);
  delete payload.action;
  Object.assign(payload, common(world, shapes, repo, pusherLogin), {
    ref,
    before,
    after,
    // A push that creates the branch has an all-zero `before` (GitHub's push payload docs).
    created: /^0+$/.test(before),
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `${shapes.web}/${repo.fullName}/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
    commits: commits.map(shapeCommit),
    head_commit: shapeCommit(afterCommit),
    pusher: { name: pusher.login, email: pusher.email },
  });
  return finish("push", withoutOrganization(payload, !!world.org(repo.owner)), shapes.web);
}

export interface DeliverOptions {
  deliveryId?: string;
  /** Sign with a wrong secret (the app must answer 400/401 and do nothing). */
  badSignature?: boolean;
  /** Webhook path (Probot's default is /api/github/webhooks). */
  path?: string;
}

/**
 * POSTs a signed delivery to the app and resolves with the HTTP status once the app answered, which
 * for Probot is after every handler finished (200), or 202 if handling took longer than 9 s.
 */
export async function deliver(appUrl: string, secret: string, name: string, payload: Json, opts: DeliverOptions = {}): Promise<number> {
  const body = JSON.stringify(payload);
  // sha256 is the only algorithm @octokit/webhooks-methods 6 signs with ("sha256=<hex>").
  const signature = await sign(opts.badSignature ? `${secret}-wrong` : secret, body);
  const res = await fetch(`${appUrl.replace(/\/$/, "")}${opts.path ?? "/api/github/webhooks"}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/fake",
      "x-github-event": name,
      "x-github-delivery": opts.deliveryId ?? randomUUID(),
      "x-github-hook-id": "1",
      "x-github-hook-installation-target-type": "integration",
      "x-hub-signature-256": signature,
    },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

/** A repository as `installation` / `installation_repositories` payloads list it. */
function installedRepo(world: World, fullName: string): Json {
  const r = world.repo(fullName);
  return { id: r.id, node_id: `R_${r.id}`, name: r.name, full_name: r.fullName, private: r.private };
}

/** `installation.created` for the owner's installation, listing `repoNames` as the repositories it can access. */
export function installationCreated(w: WorldLike, owner: string, repoNames: string[], sender = "octocat"): Delivery {
  const { world, shapes } = unwrap(w);
  const inst = world.installationFor(owner);
  const payload = example("installation", "created");
  delete payload.requester;
  Object.assign(payload, { installation: shapes.installation(inst), repositories: repoNames.map((n) => installedRepo(world, n)), sender: shapes.userByLogin(sender) });
  return finish("installation", payload, shapes.web);
}

/** `installation_repositories.added`: `repoNames` were added to the owner's installation. */
export function installationRepositoriesAdded(w: WorldLike, owner: string, repoNames: string[], sender = "octocat"): Delivery {
  const { world, shapes } = unwrap(w);
  const inst = world.installationFor(owner);
  const payload = example("installation_repositories", "added");
  delete payload.requester;
  Object.assign(payload, {
    installation: shapes.installation(inst),
    repository_selection: "selected",
    repositories_added: repoNames.map((n) => installedRepo(world, n)),
    repositories_removed: [],
    sender: shapes.userByLogin(sender),
  });
  return finish("installation_repositories", payload, shapes.web);
}
