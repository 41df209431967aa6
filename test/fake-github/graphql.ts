/**
 * GitHub's GraphQL API, held to the published schema (@octokit/graphql-schema `schema.graphql`):
 * every query is parsed and validated against it, GitHub's pagination rules are enforced, and valid
 * queries are executed by graphql-js over plain views of the world.
 * https://docs.github.com/en/graphql/overview/resource-limitations
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  buildSchema,
  execute,
  getNamedType,
  isObjectType,
  isInterfaceType,
  parse,
  responsePathAsArray,
  validate,
  validateSchema,
} from "graphql";
import type {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLFieldResolver,
  GraphQLResolveInfo,
  GraphQLNamedType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
  ValueNode,
} from "graphql";
import type { TokenInfo } from "./auth.js";
import { nodeId } from "./shapes.js";
import type {
  CheckRunState,
  CheckSuiteState,
  CommitState,
  Identity,
  LabelEventState,
  LabelState,
  PullState,
  RepoState,
  ReviewState,
  TeamState,
  World,
} from "./state.js";
import { blobSha, permissionAtLeast } from "./state.js";

type Json = Record<string, unknown>;

let schema: GraphQLSchema | null = null;

export function graphqlSchema(): GraphQLSchema {
  if (schema) return schema;
  const require = createRequire(import.meta.url);
  // The package's "exports" only allow `import` of its entry; find schema.graphql on the module paths.
  const dir = (require.resolve.paths("@octokit/graphql-schema") ?? []).find((p) => existsSync(join(p, "@octokit/graphql-schema/schema.graphql")));
  if (!dir) throw new Error("fake-github: @octokit/graphql-schema is not installed (npm ci)");
  const file = join(dir, "@octokit/graphql-schema/schema.graphql");
  // GitHub's published SDL defines a few fields twice (EnterpriseOwnerInfo.repositoryDeployKeySetting…),
  // which strict SDL validation rejects; the duplicates are identical, so build without that check and
  // then validate the resulting schema's types.
  const built = buildSchema(readFileSync(file, "utf8"), { assumeValidSDL: true });
  const errors = validateSchema(built);
  if (errors.length > 0) throw new Error(`fake-github: GitHub's GraphQL schema does not validate: ${errors[0]?.message ?? ""}`);
  schema = built;
  return schema;
}

export interface GraphqlOutcome {
  status: number;
  body: unknown;
  violations: { kind: "graphql" | "unimplemented"; message: string }[];
  operationName: string | null;
  rootFields: string[];
  cost: number;
}

interface GitHubError {
  type: string;
  path: (string | number)[];
  locations: { line: number; column: number }[];
  message: string;
}

interface Ctx {
  world: World;
  token: TokenInfo;
  web: string;
  unimplemented: Set<string>;
  /** Errors GitHub reports next to partial data (NOT_FOUND …): answers, not bugs. */
  answers: GitHubError[];
}

/**
 * GitHub answers a missing object with `null` at its path plus an error `{ type: "NOT_FOUND", path }`
 * (no exception: building graphql-js errors with stacks costs more than the rest of the query).
 */
function notFound(ctx: Ctx, info: GraphQLResolveInfo, message: string): null {
  ctx.answers.push({
    type: "NOT_FOUND",
    path: responsePathAsArray(info.path),
    locations: info.fieldNodes.flatMap((n) => (n.loc ? [{ line: n.loc.startToken.line, column: n.loc.startToken.column }] : [])),
    message,
  });
  return null;
}

// ───────────── pagination rules and cost ─────────────

interface Walk {
  errors: { message: string; locations: { line: number; column: number }[] }[];
  requests: number;
  nodes: number;
}

function argValue(node: FieldNode, name: string, variables: Json): unknown {
  const arg = node.arguments?.find((a) => a.name.value === name);
  if (!arg) return undefined;
  return literal(arg.value, variables);
}

function literal(v: ValueNode, variables: Json): unknown {
  switch (v.kind) {
    case Kind.VARIABLE:
      return variables[v.name.value];
    case Kind.INT:
      return Number.parseInt(v.value, 10);
    case Kind.NULL:
      return null;
    case Kind.STRING:
    case Kind.ENUM:
      return v.value;
    case Kind.BOOLEAN:
      return v.value;
    // Literals no query of the app writes inline: not evaluated.
    case Kind.FLOAT:
    case Kind.LIST:
    case Kind.OBJECT:
      return undefined;
  }
}

/**
 * GitHub's rules: every connection needs `first` or `last`, 1..100; the cost is the number of
 * requests needed to fill every connection (assuming each is full), divided by 100, at least 1.
 */
function walkConnections(s: GraphQLSchema, doc: DocumentNode, op: OperationDefinitionNode, variables: Json): Walk {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const out: Walk = { errors: [], requests: 0, nodes: 0 };
  const root = op.operation === OperationTypeNode.MUTATION ? s.getMutationType() : s.getQueryType();
  if (!root) return out;
  const visit = (set: SelectionSetNode, type: GraphQLNamedType, multiplier: number, depth: number): void => {
    if (depth > 50) return;
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const t = sel.typeCondition ? s.getType(sel.typeCondition.name.value) : type;
        if (t) visit(sel.selectionSet, t, multiplier, depth + 1);
        continue;
      }
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments.get(sel.name.value);
        const t = f ? s.getType(f.typeCondition.name.value) : undefined;
        if (f && t) visit(f.selectionSet, t, multiplier, depth + 1);
        continue;
      }
      if (!(isObjectType(type) || isInterfaceType(type))) continue;
      const def = type.getFields()[sel.name.value];
      if (!def) continue;
      const named = getNamedType(def.type);
      let childMultiplier = multiplier;
      const isConnection = named.name.endsWith("Connection") && def.args.some((a) => a.name === "first");
      if (isConnection) {
        const first = argValue(sel, "first", variables);
        const last = argValue(sel, "last", variables);
        const loc = sel.loc ? [{ line: sel.loc.startToken.line, column: sel.loc.startToken.column }] : [];
        const n = typeof first === "number" ? first : typeof last === "number" ? last : null;
        if (n === null) {
          out.errors.push({ message: `You must provide a \`first\` or \`last\` value to properly paginate the \`${sel.name.value}\` connection.`, locations: loc });
        } else {
          for (const [k, val] of [["first", first], ["last", last]] as const) {
            if (typeof val === "number" && (val > 100 || val < 0)) {
              out.errors.push({
                message:
                  val > 100
                    ? `Requesting ${val} records on the \`${sel.name.value}\` connection exceeds the \`${k}\` limit of 100 records.`
                    : `\`${k}\` on the \`${sel.name.value}\` connection cannot be less than zero.`,
                locations: loc,
              });
            }
          }
          out.requests += multiplier;
          childMultiplier = multiplier * Math.max(1, n);
          out.nodes += childMultiplier;
          // "Individual calls cannot request more than 500,000 total nodes" (GraphQL resource limitations).
          if (out.nodes > 500_000 && !out.errors.some((e) => e.message.includes("500,000"))) {
            out.errors.push({
              message: `By the time this query traverses to the ${sel.name.value} connection, it is requesting up to ${out.nodes.toLocaleString("en-US")} possible nodes which exceeds the maximum limit of 500,000.`,
              locations: loc,
            });
          }
        }
      }
      if (sel.selectionSet) visit(sel.selectionSet, named, childMultiplier, depth + 1);
    }
  };
  visit(op.selectionSet, root, 1, 0);
  return out;
}

// ───────────── connections ─────────────

interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

function cursorOf(i: number): string {
  return Buffer.from(`cursor:v2:${i}`).toString("base64");
}

function indexOf(cursor: string): number {
  const m = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, "base64").toString("utf8"));
  if (!m) throw new GraphQLError(`\`${cursor}\` does not appear to be a valid cursor.`);
  return Number(m[1]);
}

function connection<T>(items: T[], args: PageArgs, toNode: (t: T) => unknown, edgeExtra?: (t: T) => Json): Json {
  let start = 0;
  let end = items.length;
  if (args.after) start = Math.min(items.length, indexOf(args.after) + 1);
  if (args.before) end = Math.max(start, Math.min(end, indexOf(args.before)));
  if (typeof args.first === "number") end = Math.min(end, start + args.first);
  if (typeof args.last === "number") start = Math.max(start, end - args.last);
  const slice = items.slice(start, end);
  const nodes = slice.map(toNode);
  return {
    __typename: "Connection",
    totalCount: items.length,
    nodes,
    edges: slice.map((t, i) => ({ cursor: cursorOf(start + i), node: nodes[i], ...(edgeExtra ? edgeExtra(t) : {}) })),
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length > 0 ? cursorOf(start) : null,
      endCursor: slice.length > 0 ? cursorOf(end - 1) : null,
    },
  };
}

// ───────────── views ─────────────

/**
 * An `Actor`. GraphQL's `Bot.login` is the App's slug WITHOUT the "[bot]" suffix that REST, webhooks
 * and noreply e-mails carry (REST `dependabot[bot]`, GraphQL `dependabot`): chdsbd/kodiak#288 ("The
 * v3 API returns the name, appended with `[bot]` … the v4 api simply returns "kodiakhq""),
 * fullsend-ai/fullsend#6205 (a `Bot` review author read back as `fullsend-ai-review`, `url`
 * …/apps/fullsend-ai-review). `viewer` (typed `User`) keeps the suffix (see below).
 */
function actorView(ctx: Ctx, login: string | null): Json | null {
  if (!login) return null;
  const u = ctx.world.user(login);
  if (!u) return null;
  const slug = u.login.replace(/\[bot\]$/, "");
  const base = {
    __typename: u.type,
    id: nodeId(u.type === "Bot" ? "BOT" : u.type === "Organization" ? "O" : "U", u.id),
    login: u.type === "Bot" ? slug : u.login,
    databaseId: u.id,
    avatarUrl: `${ctx.web}/avatars/u/${u.id}`,
    url: `${ctx.web}/${u.type === "Bot" ? "apps/" + slug : u.login}`,
    resourcePath: `/${u.type === "Bot" ? "apps/" + slug : u.login}`,
  };
  return u.type === "Bot" ? base : { ...base, name: u.name, email: u.type === "User" ? u.email : null };
}

function gitActorView(ctx: Ctx, i: Identity, date: string): Json {
  return { __typename: "GitActor", name: i.name, email: i.email, date, user: () => (i.login ? userOnly(ctx, i.login) : null) };
}

/** `GitActor.user` is typed `User`: GitHub resolves bot identities to null there. */
function userOnly(ctx: Ctx, login: string): Json | null {
  const v = actorView(ctx, login);
  return v?.__typename === "User" ? v : null;
}

function labelView(ctx: Ctx, r: RepoState, l: LabelState): Json {
  return {
    __typename: "Label",
    id: nodeId("LA", l.id),
    name: l.name,
    color: l.color,
    description: l.description,
    isDefault: l.isDefault,
    url: `${ctx.web}/${r.fullName}/labels/${encodeURIComponent(l.name)}`,
  };
}

const CHECK_STATUS: Record<string, string> = { queued: "QUEUED", in_progress: "IN_PROGRESS", completed: "COMPLETED" };

function checkRunView(ctx: Ctx, r: RepoState, run: CheckRunState): Json {
  return {
    __typename: "CheckRun",
    id: nodeId("CR", run.id),
    databaseId: run.id,
    name: run.name,
    status: CHECK_STATUS[run.status],
    conclusion: run.conclusion ? run.conclusion.toUpperCase() : null,
    title: run.output.title,
    summary: run.output.summary,
    text: run.output.text,
    externalId: run.externalId ?? "",
    detailsUrl: run.detailsUrl ?? `${ctx.web}/apps/${run.appId === ctx.world.appId ? ctx.world.appSlug : `app-${run.appId}`}`,
    startedAt: run.startedAt,
    completedAt: run.completedAt,
    url: `${ctx.web}/${r.fullName}/runs/${run.id}`,
    permalink: `${ctx.web}/${r.fullName}/runs/${run.id}`,
  };
}

function checkSuiteView(ctx: Ctx, r: RepoState, suite: CheckSuiteState): Json {
  const runs = (): CheckRunState[] => ctx.world.checkRuns(r.fullName, suite.headSha).filter((x) => x.checkSuiteId === suite.id);
  const slug = suite.appId === ctx.world.appId ? ctx.world.appSlug : `app-${suite.appId}`;
  return {
    __typename: "CheckSuite",
    id: nodeId("CS", suite.id),
    databaseId: suite.id,
    app: { __typename: "App", id: nodeId("A", suite.appId), databaseId: suite.appId, slug, name: slug },
    status: () => (runs().every((x) => x.status === "completed") ? "COMPLETED" : "IN_PROGRESS"),
    conclusion: () => null,
    checkRuns: (args: PageArgs & { filterBy?: { checkName?: string; status?: string; conclusions?: string[]; statuses?: string[] } }) => {
      const f = args.filterBy ?? {};
      const list = runs().filter(
        (x) =>
          (f.checkName === undefined || x.name === f.checkName) &&
          (f.status === undefined || CHECK_STATUS[x.status] === f.status) &&
          (f.statuses === undefined || f.statuses.includes(CHECK_STATUS[x.status] ?? "")) &&
          (f.conclusions === undefined || (x.conclusion !== null && f.conclusions.includes(x.conclusion.toUpperCase()))),
      );
      return connection(list, args, (x) => checkRunView(ctx, r, x));
    },
  };
}

function commitView(ctx: Ctx, r: RepoState, c: CommitState): Json {
  const lines = c.message.split("\n");
  const headline = lines[0] ?? "";
  return {
    __typename: "Commit",
    id: nodeId("C", c.sha),
    oid: c.sha,
    abbreviatedOid: c.sha.slice(0, 7),
    message: c.message,
    messageHeadline: headline,
    messageBody: lines.slice(1).join("\n").replace(/^\n+/, "").trimEnd(),
    author: gitActorView(ctx, c.author, c.authoredAt),
    committer: gitActorView(ctx, c.committer, c.committedAt),
    authoredDate: c.authoredAt,
    committedDate: c.committedAt,
    url: `${ctx.web}/${r.fullName}/commit/${c.sha}`,
    commitUrl: `${ctx.web}/${r.fullName}/commit/${c.sha}`,
    // GitHub lists the author first, then the co-authors of Co-authored-by trailers.
    authors: (args: PageArgs) => connection([c.author, ...c.coAuthors], args, (i) => gitActorView(ctx, i, c.authoredAt)),
    parents: (args: PageArgs) =>
      connection(c.parents, args, (sha) => {
        const p = r.commits.get(sha);
        return p ? commitView(ctx, r, p) : null;
      }),
    checkSuites: (args: PageArgs & { filterBy?: { appId?: number; checkName?: string } }) => {
      const f = args.filterBy ?? {};
      const suites = ctx.world.checkSuites.filter(
        (s) =>
          s.repo === r.fullName &&
          s.headSha === c.sha &&
          (f.appId === undefined || s.appId === f.appId) &&
          (f.checkName === undefined || ctx.world.checkRuns(r.fullName, c.sha, f.checkName).some((x) => x.checkSuiteId === s.id)),
      );
      return connection(suites, args, (s) => checkSuiteView(ctx, r, s));
    },
    associatedPullRequests: (args: PageArgs) => connection(ctx.world.pullsWithCommit(r.fullName, c.sha), args, (p) => pullView(ctx, r, p)),
    file: ({ path }: { path: string }) => treeEntry(ctx, r, c, path),
    tree: () => treeView(ctx, r, c, ""),
  };
}

/**
 * GitHub's GraphQL `Blob.text` stops at 512,000 bytes with `isTruncated: true` (not documented as a
 * number; observed exactly, e.g. sveltia/sveltia-cms#950), and is null for a binary blob ("UTF8 text
 * data or null if the Blob is binary"). The full content is served by REST "Get a blob" (rest.ts).
 */
export const GRAPHQL_BLOB_TEXT_LIMIT = 512_000;

/** The longest prefix of `text` of at most `limit` UTF-8 bytes that does not split a character. */
function utf8Prefix(text: string, limit: number): string {
  const buf = Buffer.from(text, "utf8");
  let end = Math.min(limit, buf.length);
  while (end > 0 && end < buf.length && (buf[end]! & 0xc0) === 0x80) end--; // a continuation byte: back off to the character's start
  return buf.subarray(0, end).toString("utf8");
}

function blobView(text: string): Json {
  const oid = blobSha(text);
  const byteSize = Buffer.byteLength(text);
  const isBinary = text.includes("\0");
  const isTruncated = !isBinary && byteSize > GRAPHQL_BLOB_TEXT_LIMIT;
  return {
    __typename: "Blob",
    id: nodeId("B", oid),
    oid,
    abbreviatedOid: oid.slice(0, 7),
    byteSize,
    text: isBinary ? null : isTruncated ? utf8Prefix(text, GRAPHQL_BLOB_TEXT_LIMIT) : text,
    isBinary,
    isTruncated,
  };
}

function treeEntry(ctx: Ctx, r: RepoState, c: CommitState, path: string): Json | null {
  const text = c.tree.get(path);
  if (text !== undefined) {
    return { __typename: "TreeEntry", name: path.split("/").pop(), path, type: "blob", mode: 33188, oid: blobSha(text), object: blobView(text), size: Buffer.byteLength(text), extension: /\.[^./]+$/.exec(path)?.[0] ?? null, isGenerated: false, lineCount: text.split("\n").length };
  }
  const tree = treeView(ctx, r, c, path);
  return tree ? { __typename: "TreeEntry", name: path.split("/").pop(), path, type: "tree", mode: 16384, oid: tree.oid, object: tree, size: 0, extension: null, isGenerated: false, lineCount: null } : null;
}

function treeView(ctx: Ctx, r: RepoState, c: CommitState, dir: string): Json | null {
  const prefix = dir === "" ? "" : `${dir}/`;
  const names = new Set<string>();
  for (const p of c.tree.keys()) {
    if (!p.startsWith(prefix)) continue;
    names.add(p.slice(prefix.length).split("/")[0] ?? "");
  }
  if (names.size === 0 && dir !== "") return null;
  const oid = blobSha(`tree:${c.sha}:${dir}`);
  return {
    __typename: "Tree",
    id: nodeId("T", oid),
    oid,
    abbreviatedOid: oid.slice(0, 7),
    entries: () => [...names].sort().map((n) => treeEntry(ctx, r, c, prefix + n)),
  };
}

const CHANGE_TYPE: Record<string, string> = { added: "ADDED", removed: "DELETED", modified: "MODIFIED", renamed: "RENAMED" };

function reviewView(ctx: Ctx, r: RepoState, p: PullState, rv: ReviewState): Json {
  return {
    __typename: "PullRequestReview",
    id: nodeId("PRR", rv.id),
    databaseId: rv.id,
    author: () => actorView(ctx, rv.user),
    state: rv.state,
    body: rv.body,
    submittedAt: rv.submittedAt,
    createdAt: rv.submittedAt,
    commit: () => {
      const c = r.commits.get(rv.commitId);
      return c ? commitView(ctx, r, c) : null;
    },
    authorCanPushToRepository: permissionAtLeast(ctx.world.permissionOf(r.fullName, rv.user), "write"),
    authorAssociation: association(ctx, r, rv.user),
    url: `${ctx.web}/${r.fullName}/pull/${p.number}#pullrequestreview-${rv.id}`,
  };
}

function association(ctx: Ctx, r: RepoState, login: string): string {
  if (login.toLowerCase() === r.owner.toLowerCase()) return "OWNER";
  if (permissionAtLeast(ctx.world.permissionOf(r.fullName, login), "read")) return "COLLABORATOR";
  if (ctx.world.org(r.owner)?.members.has(login.toLowerCase())) return "MEMBER";
  return [...r.pulls.values()].some((p) => p.author.toLowerCase() === login.toLowerCase()) ? "CONTRIBUTOR" : "NONE";
}

/** The latest non-pending review per author, in submission order. */
function latestPerAuthor(reviews: ReviewState[], keep: (r: ReviewState) => boolean): ReviewState[] {
  const latest = new Map<string, ReviewState>();
  for (const rv of reviews) if (keep(rv)) latest.set(rv.user.toLowerCase(), rv);
  return [...latest.values()].sort((a, b) => a.submittedAt.localeCompare(b.submittedAt) || a.id - b.id);
}

function pullView(ctx: Ctx, r: RepoState, p: PullState): Json {
  const files = (() => {
    let cache: ReturnType<World["pullFiles"]> | null = null;
    return () => (cache ??= ctx.world.pullFiles(r.fullName, p.number));
  })();
  const reviews = p.reviews.filter((x) => x.state !== "PENDING");
  const headRepo = ctx.world.repos.get(p.headRepo.toLowerCase()) ?? r;
  return {
    __typename: "PullRequest",
    id: nodeId("PR", p.id),
    databaseId: p.id,
    number: p.number,
    title: p.title,
    body: p.body,
    state: p.merged ? "MERGED" : p.state.toUpperCase(),
    merged: p.merged,
    closed: p.state === "closed",
    isDraft: p.draft,
    url: `${ctx.web}/${r.fullName}/pull/${p.number}`,
    permalink: `${ctx.web}/${r.fullName}/pull/${p.number}`,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    author: () => actorView(ctx, p.author),
    headRefName: p.headRef,
    headRefOid: p.headSha,
    baseRefName: p.baseRef,
    baseRefOid: p.baseSha,
    isCrossRepository: p.headRepo.toLowerCase() !== r.fullName.toLowerCase(),
    headRepository: () => repoView(ctx, headRepo),
    baseRepository: () => repoView(ctx, r),
    repository: () => repoView(ctx, r),
    changedFiles: () => files().length,
    additions: () => files().reduce((n, f) => n + f.additions, 0),
    deletions: () => files().reduce((n, f) => n + f.deletions, 0),
    labels: (args: PageArgs) =>
      connection(
        p.labels.map((n) => ctx.world.label(r.fullName, n)).filter((l): l is LabelState => !!l),
        args,
        (l) => labelView(ctx, r, l),
      ),
    // Unlike REST (250), the GraphQL connection pages through every commit of the PR.
    commits: (args: PageArgs) =>
      connection(
        p.commits.map((s) => r.commits.get(s)).filter((c): c is CommitState => !!c),
        args,
        (c) => ({
          __typename: "PullRequestCommit",
          id: nodeId("PURC", `${p.id}:${c.sha}`),
          commit: commitView(ctx, r, c),
          url: `${ctx.web}/${r.fullName}/pull/${p.number}/commits/${c.sha}`,
        }),
      ),
    files: (args: PageArgs) =>
      connection(files(), args, (f) => ({
        __typename: "PullRequestChangedFile",
        path: f.filename,
        changeType: CHANGE_TYPE[f.status],
        additions: f.additions,
        deletions: f.deletions,
        viewerViewedState: "UNVIEWED",
      })),
    reviews: (args: PageArgs & { states?: string[]; author?: string }) =>
      connection(
        reviews.filter((x) => (!args.states || args.states.includes(x.state)) && (!args.author || x.user.toLowerCase() === args.author.toLowerCase())),
        args,
        (x) => reviewView(ctx, r, p, x),
      ),
    latestOpinionatedReviews: (args: PageArgs & { writersOnly?: boolean }) =>
      connection(
        latestPerAuthor(reviews, (x) => x.state === "APPROVED" || x.state === "CHANGES_REQUESTED" || x.state === "DISMISSED").filter(
          (x) => !args.writersOnly || permissionAtLeast(ctx.world.permissionOf(r.fullName, x.user), "write"),
        ),
        args,
        (x) => reviewView(ctx, r, p, x),
      ),
    latestReviews: (args: PageArgs) => connection(latestPerAuthor(reviews, () => true), args, (x) => reviewView(ctx, r, p, x)),
    // Only the label events are modelled; asking for other item types (or none, i.e. all) is reported.
    timelineItems: (args: PageArgs & { itemTypes?: string[] | null; since?: string | null; skip?: number | null }) => {
      const types = args.itemTypes ?? null;
      const other = types === null ? ["(all item types)"] : types.filter((t) => !(t in TIMELINE_LABEL_TYPES));
      for (const t of other) ctx.unimplemented.add(`PullRequest.timelineItems(itemTypes: ${t})`);
      const items = p.labelEvents.filter(
        (e) => (types === null || types.some((t) => TIMELINE_LABEL_TYPES[t] === e.type)) && (!args.since || e.createdAt >= args.since),
      );
      const conn = connection(items.slice(args.skip ?? 0), args, (e) => labelEventView(ctx, r, p, e));
      return { ...conn, __typename: "PullRequestTimelineItemsConnection", filteredCount: items.length, pageCount: (conn.nodes as unknown[]).length, updatedAt: p.updatedAt };
    },
  };
}

const TIMELINE_LABEL_TYPES: Record<string, LabelEventState["type"]> = { LABELED_EVENT: "labeled", UNLABELED_EVENT: "unlabeled" };

function labelEventView(ctx: Ctx, r: RepoState, p: PullState, e: LabelEventState): Json {
  const label = ctx.world.label(r.fullName, e.label) ?? { id: 0, name: e.label, color: "ededed", description: null, isDefault: false };
  return {
    __typename: e.type === "labeled" ? "LabeledEvent" : "UnlabeledEvent",
    id: nodeId(e.type === "labeled" ? "LE" : "UNLE", e.id),
    actor: () => actorView(ctx, e.actor),
    createdAt: e.createdAt,
    label: labelView(ctx, r, label),
    labelable: () => pullView(ctx, r, p),
  };
}

function refView(ctx: Ctx, r: RepoState, branch: string): Json | null {
  const sha = r.branches.get(branch);
  if (!sha) return null;
  return {
    __typename: "Ref",
    id: nodeId("REF", `${r.id}:${branch}`),
    name: branch,
    prefix: "refs/heads/",
    target: () => {
      const c = r.commits.get(sha);
      return c ? commitView(ctx, r, c) : null;
    },
  };
}

function teamView(ctx: Ctx, t: TeamState): Json {
  return {
    __typename: "Team",
    id: nodeId("T", t.id),
    databaseId: t.id,
    slug: t.slug,
    name: t.name,
    combinedSlug: `${t.org}/${t.slug}`,
    members: (args: PageArgs & { query?: string; role?: string }) => {
      const q = args.query?.toLowerCase();
      const isMaintainer = (login: string): boolean => t.maintainers.some((m) => m.toLowerCase() === login.toLowerCase());
      const members = t.members.filter(
        (m) =>
          (!q || m.toLowerCase().includes(q) || (ctx.world.user(m)?.name.toLowerCase().includes(q) ?? false)) &&
          (!args.role || (args.role === "MAINTAINER") === isMaintainer(m)),
      );
      return connection(members, args, (m) => actorView(ctx, m), (m) => ({ role: isMaintainer(m) ? "MAINTAINER" : "MEMBER" }));
    },
  };
}

function repoView(ctx: Ctx, r: RepoState): Json {
  return {
    __typename: "Repository",
    id: nodeId("R", r.id),
    databaseId: r.id,
    name: r.name,
    nameWithOwner: r.fullName,
    owner: () => actorView(ctx, r.owner),
    isPrivate: r.private,
    visibility: r.private ? "PRIVATE" : "PUBLIC",
    url: `${ctx.web}/${r.fullName}`,
    createdAt: r.createdAt,
    defaultBranchRef: () => refView(ctx, r, r.defaultBranch),
    ref: ({ qualifiedName }: { qualifiedName: string }) => refView(ctx, r, qualifiedName.replace(/^refs\/heads\//, "")),
    object: ({ expression, oid }: { expression?: string; oid?: string }) => {
      if (oid) {
        const c = r.commits.get(oid);
        return c ? commitView(ctx, r, c) : null;
      }
      if (!expression) return null;
      const colon = expression.indexOf(":");
      const rev = colon === -1 ? expression : expression.slice(0, colon);
      const c = ctx.world.resolveRef(r.fullName, rev);
      if (!c) return null;
      if (colon === -1) return commitView(ctx, r, c);
      const path = expression.slice(colon + 1).replace(/^\/+|\/+$/g, "");
      if (path === "") return treeView(ctx, r, c, "");
      const text = c.tree.get(path);
      return text !== undefined ? blobView(text) : treeView(ctx, r, c, path);
    },
    pullRequest: ({ number }: { number: number }, _c: Ctx, info: GraphQLResolveInfo) => {
      const p = r.pulls.get(number);
      if (!p) return notFound(ctx, info, `Could not resolve to a PullRequest with the number of ${number}.`);
      return pullView(ctx, r, p);
    },
    label: ({ name }: { name: string }) => {
      const l = ctx.world.label(r.fullName, name);
      return l ? labelView(ctx, r, l) : null;
    },
    labels: (args: PageArgs & { query?: string }) => {
      const q = args.query?.toLowerCase();
      const list = [...r.labels.values()].filter((l) => !q || l.name.toLowerCase().includes(q) || (l.description ?? "").toLowerCase().includes(q));
      return connection(list, args, (l) => labelView(ctx, r, l));
    },
    mergeQueue: ({ branch }: { branch?: string }) => {
      const b = branch ?? r.defaultBranch;
      if (!r.branches.has(b)) return null;
      const queue = r.mergeQueue.get(b) ?? [];
      return {
        __typename: "MergeQueue",
        id: nodeId("MQ", `${r.id}:${b}`),
        url: `${ctx.web}/${r.fullName}/queue/${b}`,
        entries: (args: PageArgs) =>
          connection(queue, args, (n) => {
            const group = [...r.mergeGroups].reverse().find((g) => g.pulls.includes(n));
            const pull = r.pulls.get(n);
            const head = group ? r.commits.get(group.headSha) : undefined;
            const base = group ? r.commits.get(group.baseSha) : undefined;
            return {
              __typename: "MergeQueueEntry",
              id: nodeId("MQE", `${r.id}:${b}:${n}`),
              position: queue.indexOf(n) + 1,
              state: "QUEUED",
              headCommit: head ? commitView(ctx, r, head) : null,
              baseCommit: base ? commitView(ctx, r, base) : null,
              pullRequest: pull ? pullView(ctx, r, pull) : null,
            };
          }),
      };
    },
  };
}

// ───────────── execution ─────────────

const rateUsed = new WeakMap<World, Map<number, number>>();

function rootValue(ctx: Ctx, cost: number, nodes: number): Json {
  const used = rateUsed.get(ctx.world) ?? new Map<number, number>();
  rateUsed.set(ctx.world, used);
  const total = (used.get(ctx.token.installationId) ?? 0) + cost;
  used.set(ctx.token.installationId, total);
  const canSee = (owner: string): boolean => owner.toLowerCase() === ctx.token.account.toLowerCase();
  return {
    repository: ({ owner, name }: { owner: string; name: string }, _c: Ctx, info: GraphQLResolveInfo) => {
      const r = ctx.world.findRepo(owner, name);
      if (!r || !canSee(r.owner) || !ctx.world.installationReaches(ctx.token.installationId, ctx.token.account, r))
        return notFound(ctx, info, `Could not resolve to a Repository with the name '${owner}/${name}'.`);
      return repoView(ctx, r);
    },
    organization: ({ login }: { login: string }, _c: Ctx, info: GraphQLResolveInfo) => {
      const o = ctx.world.org(login);
      if (!o) return notFound(ctx, info, `Could not resolve to an Organization with the login of '${login}'.`);
      return {
        ...actorView(ctx, o.login),
        __typename: "Organization",
        team: ({ slug }: { slug: string }) => {
          if (!canSee(o.login)) return null;
          const t = o.teams.get(slug.toLowerCase());
          return t ? teamView(ctx, t) : null;
        },
      };
    },
    user: ({ login }: { login: string }, _c: Ctx, info: GraphQLResolveInfo) => {
      const u = ctx.world.user(login);
      if (u?.type !== "User") return notFound(ctx, info, `Could not resolve to a User with the login of '${login}'.`);
      return actorView(ctx, login);
    },
    viewer: () => {
      // An installation token's viewer is typed `User` and keeps the suffix (fullsend-ai/fullsend#1953:
      // `viewer` returns `fullsend-ai-coder[bot]`), unlike a `Bot` actor's login.
      const login = `${ctx.world.appSlug}[bot]`;
      const bot = ctx.world.ensureUser(login);
      return { ...actorView(ctx, bot.login), __typename: "User", login: bot.login };
    },
    rateLimit: () => ({
      __typename: "RateLimit",
      cost,
      limit: 5000,
      nodeCount: nodes,
      used: total,
      remaining: Math.max(0, 5000 - total),
      resetAt: new Date(Math.ceil((Date.now() + 1) / 3600_000) * 3600_000).toISOString(),
    }),
  };
}

/**
 * Reads a property of a view; a function property is called with the field's arguments. A field the
 * view does not have is a part of GitHub's graph the fake does not model: it answers null and says so.
 */
const fieldResolver: GraphQLFieldResolver<unknown, Ctx> = (source, args, ctx, info) => {
  if (source === null || typeof source !== "object") return null;
  const obj = source as Json;
  if (!(info.fieldName in obj)) {
    ctx.unimplemented.add(`${info.parentType.name}.${info.fieldName}`);
    return null;
  }
  const v = obj[info.fieldName];
  return typeof v === "function" ? (v as (a: unknown, c: Ctx, i: GraphQLResolveInfo) => unknown)(args, ctx, info) : v;
};

/** Root fields, by alias when aliased (`orgPolicy: repository(…)`). */
function firstField(op: OperationDefinitionNode): string[] {
  return op.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.alias?.value ?? s.name.value] : []));
}

type Checked = { doc: DocumentNode } | { errors: { message: string; locations: unknown }[]; operationName: string | null };

/**
 * Parsing and schema validation depend only on the query text, and an app sends the same few
 * documents over and over: cache the outcome (bounded) so throughput benchmarks measure the app.
 */
const documentCache = new Map<string, Checked>();

function checkDocument(s: GraphQLSchema, query: string): Checked {
  const hit = documentCache.get(query);
  if (hit) return hit;
  let out: Checked;
  try {
    const doc = parse(query);
    const errors = validate(s, doc);
    const first = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    out = errors.length > 0 ? { errors: errors.map((e) => ({ message: e.message, locations: e.locations ?? [] })), operationName: first?.name?.value ?? null } : { doc };
  } catch (e) {
    const ge = e as GraphQLError;
    out = { errors: [{ message: ge.message, locations: ge.locations ?? [] }], operationName: null };
  }
  if (documentCache.size > 500) documentCache.clear();
  documentCache.set(query, out);
  return out;
}

export function handleGraphql(world: World, token: TokenInfo, web: string, body: unknown): GraphqlOutcome {
  const req = (body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
  const fail = (errors: { message: string; locations?: unknown }[], operationName: string | null = null): GraphqlOutcome => ({
    status: 200,
    body: { errors },
    violations: errors.map((e) => ({ kind: "graphql" as const, message: e.message })),
    operationName,
    rootFields: [],
    cost: 0,
  });
  if (typeof req.query !== "string") return fail([{ message: "A query attribute must be specified and must be a string." }]);
  const variables = (req.variables ?? {}) as Json;
  const s = graphqlSchema();
  const checked = checkDocument(s, req.query);
  if ("errors" in checked) return fail(checked.errors, checked.operationName);
  const doc = checked.doc;
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const op = typeof req.operationName === "string" ? ops.find((o) => o.name?.value === req.operationName) : ops[0];
  const operationName = op?.name?.value ?? null;
  if (!op) return fail([{ message: "No operation found in the document" }]);
  if (op.operation === OperationTypeNode.MUTATION) {
    return fail([{ message: "fake-github: mutations are not modelled (use REST, or ask for the mutation to be added)" }], operationName);
  }
  const walk = walkConnections(s, doc, op, variables);
  if (walk.errors.length > 0) return fail(walk.errors, operationName);
  const cost = Math.max(1, Math.round(walk.requests / 100));
  const ctx: Ctx = { world, token, web, unimplemented: new Set(), answers: [] };
  const result = execute({
    schema: s,
    document: doc,
    variableValues: variables,
    operationName: operationName ?? undefined,
    contextValue: ctx,
    rootValue: rootValue(ctx, cost, walk.nodes),
    fieldResolver,
    typeResolver: (value, _c, _info, abstractType) => {
      const t = (value as Json | null)?.__typename;
      if (typeof t === "string") return t;
      throw new GraphQLError(`fake-github: no __typename on a ${abstractType.name} value`);
    },
  });
  if (result instanceof Promise) throw new Error("fake-github: resolvers must be synchronous");
  const violations: GraphqlOutcome["violations"] = [...ctx.unimplemented].map((f) => ({
    kind: "unimplemented" as const,
    message: `GraphQL field ${f} is not modelled by the fake (answered null)`,
  }));
  const outErrors: unknown[] = [...ctx.answers];
  for (const e of result.errors ?? []) {
    violations.push({ kind: "graphql", message: `execution error at ${(e.path ?? []).join(".")}: ${e.message}` });
    outErrors.push({ path: e.path, locations: e.locations, message: e.message });
  }
  return {
    status: 200,
    body: outErrors.length > 0 ? { data: result.data ?? null, errors: outErrors } : { data: result.data },
    violations,
    operationName,
    rootFields: firstField(op),
    cost,
  };
}

