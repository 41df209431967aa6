/**
 * The fake GitHub server: real HTTP on 127.0.0.1, GitHub Enterprise paths (`/api/v3/…` for REST,
 * `/api/graphql` for GraphQL, as Probot's GHE_HOST support builds them), every request checked
 * against GitHub's published contracts. See README.md beside this file.
 */
import { createHash, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { TokenStore, appKeys, parseAuthorization, verifyAppJwt } from "./auth.js";
import { Faults } from "./faults.js";
import type { FaultAction } from "./faults.js";
import { handleGraphql } from "./graphql.js";
import { completeFromSchema, matchRoute, responseSchema, validateBody, validateParams, validateResponse } from "./openapi.js";
import { HANDLERS, JWT_OPERATIONS, error } from "./rest.js";
import type { Auth, RestResult } from "./rest.js";
import { SecondaryLimits } from "./secondary-limits.js";
import { Shapes } from "./shapes.js";
import { World } from "./state.js";

export type RequestKind = "rest" | "graphql" | "conditional";

export interface RequestRecord {
  seq: number;
  method: string;
  /** Path as GitHub.com would see it (without /api/v3), with the query string. */
  path: string;
  /** OpenAPI path template, "graphql" for GraphQL, null when no documented route matched. */
  route: string | null;
  operationId: string | null;
  kind: RequestKind;
  status: number;
  auth: "jwt" | "installation" | "none" | "invalid";
  /**
   * Whether GitHub would count it against the installation's rate limit: installation-token requests,
   * except conditional requests answered 304 ("does not count against your primary rate limit").
   */
  rateLimited: boolean;
  graphql?: { operationName: string | null; rootFields: string[]; cost: number };
  /** True when a fault answered instead of the fake. */
  faulted?: boolean;
}

export type ViolationKind = "route" | "request" | "limit" | "auth" | "graphql" | "unimplemented" | "response";

export interface Violation {
  seq: number;
  kind: ViolationKind;
  method: string;
  path: string;
  operationId?: string;
  message: string;
}

export interface FakeGitHubOptions {
  /** Delay before each answer, to model network latency (default 0). */
  latencyMs?: number;
  /** The app's id (default 1). */
  appId?: number;
  /** Validate every REST answer against the response schema (default true; the benchmark may turn it off). */
  validateResponses?: boolean;
  /** Enforce GitHub's documented secondary rate limits (see secondary-limits.ts; default false). */
  secondaryRateLimits?: boolean;
}

export interface RequestFilter {
  kind?: RequestKind;
  method?: string;
  operationId?: string;
  route?: string;
  /** Only requests with `seq` greater than this. */
  since?: number;
  rateLimited?: boolean;
}

export interface FakeGitHub {
  url: string;
  host: string;
  apiUrl: string;
  appId: number;
  privateKey: string;
  state: World;
  requests: RequestRecord[];
  violations: Violation[];
  faults: Faults;
  countRequests(filter?: RequestFilter): number;
  lastSeq(): number;
  clearLog(): void;
  mintInstallationToken(owner: string, appId?: number): string;
  close(): Promise<void>;
}

const JSON_TYPE = "application/json; charset=utf-8";

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function stripWeak(etag: string): string {
  return etag.trim().replace(/^W\//, "");
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const appId = options.appId ?? 1;
  const { privateKey, publicKey } = appKeys();
  const world = new World(appId);
  const tokens = new TokenStore();
  const faults = new Faults();
  const requests: RequestRecord[] = [];
  const violations: Violation[] = [];
  const sockets = new Set<Socket>();
  const validateResponses = options.validateResponses ?? true;
  const limits = options.secondaryRateLimits ? new SecondaryLimits() : null;

  /** GitHub's secondary-limit answer (a 403 whose message octokit's throttling plugin recognises). */
  const secondaryLimited = (res: ServerResponse): number => {
    send(
      res,
      403,
      {
        message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        documentation_url: "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits",
        status: "403",
      },
      { "retry-after": "60" },
    );
    return 403;
  };
  let seq = 0;
  let base = "";

  const authOf = (req: IncomingMessage): Auth => {
    const a = parseAuthorization(req.headers.authorization);
    if (!a) return { kind: "none" };
    if ((a.scheme === "bearer" || a.scheme === "token") && a.credential.split(".").length === 3) {
      const check = verifyAppJwt(a.credential, appId, publicKey);
      return check.ok ? { kind: "jwt", appId: check.appId } : { kind: "invalid", message: check.message };
    }
    if (a.scheme === "bearer" || a.scheme === "token") {
      const t = tokens.lookup(a.credential);
      return t ? { kind: "installation", token: t } : { kind: "invalid", message: "Bad credentials" };
    }
    return { kind: "invalid", message: `Unsupported authorization scheme ${a.scheme}` };
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    const text = body === undefined ? "" : JSON.stringify(body);
    res.writeHead(status, {
      "content-type": JSON_TYPE,
      "x-github-request-id": randomUUID(),
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "4999",
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
      "x-ratelimit-resource": "core",
      ...headers,
    });
    res.end(text);
  };

  const applyFault = (res: ServerResponse, action: FaultAction): number => {
    if (action.kind === "reset") {
      res.socket?.destroy();
      return 0;
    }
    send(res, action.status, action.body, action.headers);
    return action.status;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const mySeq = ++seq;
    const raw = await readBody(req);
    if (options.latencyMs) await delay(options.latencyMs);
    const method = (req.method ?? "GET").toUpperCase();
    const requestUrl = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`);
    let pathname = requestUrl.pathname;
    const isGraphql = pathname === "/api/graphql" || pathname === "/graphql";
    if (pathname.startsWith("/api/v3/") || pathname === "/api/v3") pathname = pathname.slice("/api/v3".length) || "/";
    const displayPath = pathname + requestUrl.search;
    const auth = authOf(req);
    const conditional = req.headers["if-none-match"] !== undefined || req.headers["if-modified-since"] !== undefined;
    const record: RequestRecord = {
      seq: mySeq,
      method,
      path: displayPath,
      route: null,
      operationId: null,
      kind: isGraphql ? "graphql" : conditional ? "conditional" : "rest",
      status: 0,
      auth: auth.kind,
      rateLimited: false,
    };
    const violate = (kind: ViolationKind, message: string): void => {
      violations.push({ seq: mySeq, kind, method, path: displayPath, ...(record.operationId ? { operationId: record.operationId } : {}), message });
    };
    const shapes = new Shapes(world, `${base}/api/v3`, base);
    const docs = { documentationUrl: "https://docs.github.com/rest" };
    try {
      let body: unknown = undefined;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString("utf8"));
        } catch {
          record.status = 400;
          violate("request", "request body is not valid JSON");
          send(res, 400, error(docs, 400, "Problems parsing JSON"));
          return;
        }
      }

      if (isGraphql) {
        record.route = "graphql";
        const opName = typeof (body as { query?: unknown } | undefined)?.query === "string"
          ? (/\b(?:query|mutation)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec((body as { query: string }).query)?.[1] ?? null)
          : null;
        const vars = (body as { variables?: { owner?: unknown; name?: unknown } } | undefined)?.variables;
        const gqlRepo = typeof vars?.owner === "string" && typeof vars.name === "string" ? `${vars.owner}/${vars.name}` : null;
        const fault = faults.take({ method, route: "graphql", operationId: null, graphqlOperation: opName, isGraphql: true, repo: gqlRepo });
        if (fault) {
          record.faulted = true;
          record.status = applyFault(res, fault);
          return;
        }
        if (method !== "POST") {
          record.status = 404;
          violate("route", `${method} /api/graphql: GraphQL takes POST only`);
          send(res, 404, error(docs, 404, "Not Found"));
          return;
        }
        if (auth.kind !== "installation") {
          record.status = 401;
          violate("auth", auth.kind === "invalid" ? auth.message : auth.kind === "jwt" ? "GraphQL needs an installation token, not the app JWT" : "GraphQL request without credentials");
          send(res, 401, { message: "This endpoint requires you to be authenticated.", documentation_url: "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql" });
          return;
        }
        const query = (body as { query?: unknown } | undefined)?.query;
    const isMutation = typeof query === "string" && /^\s*mutation\b/.test(query);
        const hit = limits?.begin(auth.token.installationId, "graphql", true, isMutation) ?? null;
        if (hit) {
          violate("limit", `secondary rate limit: ${hit.message}`);
          record.status = secondaryLimited(res);
          return;
        }
        let out: ReturnType<typeof handleGraphql>;
        try {
          out = handleGraphql(world, auth.token, base, body);
        } finally {
          limits?.end(auth.token.installationId);
        }
        record.graphql = { operationName: out.operationName, rootFields: out.rootFields, cost: out.cost };
        for (const v of out.violations) violate(v.kind, v.message);
        record.status = out.status;
        send(res, out.status, out.body, { "x-ratelimit-resource": "graphql" });
        return;
      }

      const { match, pathExists } = matchRoute(method, pathname);
      if (!match) {
        record.status = 404;
        violate("route", pathExists ? `${method} is not a documented method for ${pathname}` : `${method} ${pathname} is not a documented GitHub REST operation`);
        send(res, 404, error(docs, 404, "Not Found"));
        return;
      }
      const { op, params } = match;
      record.route = op.template;
      record.operationId = op.operationId;
      const opDocs = { documentationUrl: op.documentationUrl };
      const restRepo = params.owner !== undefined && params.repo !== undefined ? `${params.owner}/${params.repo}` : null;
      const fault = faults.take({ method, route: op.template, operationId: op.operationId, graphqlOperation: null, isGraphql: false, repo: restRepo });
      if (fault) {
        record.faulted = true;
        record.status = applyFault(res, fault);
        return;
      }

      // Authentication, as GitHub requires it per endpoint.
      if (op.operationId !== "rate-limit/get") {
        const wantJwt = JWT_OPERATIONS.has(op.operationId);
        if (auth.kind === "invalid" || auth.kind === "none" || (wantJwt ? auth.kind !== "jwt" : auth.kind !== "installation")) {
          const message =
            auth.kind === "invalid"
              ? auth.message
              : auth.kind === "none"
                ? "Requires authentication"
                : wantJwt
                  ? "A JSON web token could not be decoded (this endpoint needs the app's JWT, not an installation token)"
                  : "This endpoint needs an installation access token, not the app's JWT";
          record.status = 401;
          violate("auth", `${op.operationId}: ${message}`);
          send(res, 401, error(opDocs, 401, auth.kind === "invalid" && message === "Bad credentials" ? "Bad credentials" : message));
          return;
        }
      }

      const query: Record<string, unknown> = {};
      for (const [k, v] of requestUrl.searchParams) query[k] = v;
      const paramError = validateParams(op, { ...query, ...params });
      if (paramError) {
        record.status = 422;
        violate("request", paramError);
        send(res, 422, error(opDocs, 422, `Invalid request.\n\n${paramError}`));
        return;
      }
      if (["POST", "PATCH", "PUT"].includes(method) || body !== undefined) {
        const bodyError = validateBody(op, body ?? {});
        if (bodyError) {
          record.status = 422;
          violate("request", bodyError);
          send(res, 422, error(opDocs, 422, `Invalid request.\n\n${bodyError}`));
          return;
        }
      }

      if (limits && auth.kind === "installation") {
        const isWrite = method !== "GET" && method !== "HEAD";
        const hit = limits.begin(auth.token.installationId, `${method} ${op.template}`, false, isWrite);
        if (hit) {
          violate("limit", `secondary rate limit: ${hit.message}`);
          record.status = secondaryLimited(res);
          return;
        }
        res.once("finish", () => limits.end(auth.token.installationId));
      }

      const handler = HANDLERS[op.operationId];
      if (!handler) {
        record.status = 404;
        violate("unimplemented", `${op.operationId} (${method} ${op.template}) is documented but not modelled by the fake`);
        send(res, 404, error(opDocs, 404, "Not Found"));
        return;
      }
      const result: RestResult = handler({
        world,
        shapes,
        tokens,
        operationId: op.operationId,
        documentationUrl: op.documentationUrl,
        params,
        query: requestUrl.searchParams,
        body,
        auth,
        requestUrl,
        ...(typeof req.headers.accept === "string" ? { accept: req.headers.accept } : {}),
      });
      if (result.violation) violate(result.violation.kind, result.violation.message);
      if (result.raw) {
        // A raw media type: the bytes themselves (the operation's JSON schema describes the default type only).
        record.status = result.status;
        res.writeHead(result.status, {
          "content-type": result.raw.contentType,
          "content-length": String(result.raw.bytes.length),
          "x-github-request-id": randomUUID(),
          "x-ratelimit-limit": "5000",
          "x-ratelimit-remaining": "4999",
          "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
          "x-ratelimit-resource": "core",
          ...(result.headers ?? {}),
        });
        res.end(result.raw.bytes);
        return;
      }
      let out = result.body;
      if (result.status < 300 && out !== undefined) {
        out = completeFromSchema(responseSchema(op, result.status), out, base);
        if (validateResponses) {
          const responseError = validateResponse(op, result.status, out);
          if (responseError) violate("response", `the fake's ${result.status} answer breaks the schema: ${responseError}`);
        }
      }
      if (method === "GET" && result.status === 200) {
        // GitHub's ETag is a hash of the body; a matching If-None-Match gets 304 (free of rate limit).
        const etag = `W/"${createHash("sha1").update(JSON.stringify(out)).digest("hex")}"`;
        const inm = req.headers["if-none-match"];
        if (typeof inm === "string" && inm.split(",").some((t) => stripWeak(t) === stripWeak(etag))) {
          record.status = 304;
          res.writeHead(304, { etag, "x-github-request-id": randomUUID() });
          res.end();
          return;
        }
        record.status = 200;
        send(res, 200, out, { etag, ...(result.headers ?? {}) });
        return;
      }
      record.status = result.status;
      send(res, result.status, out, result.headers ?? {});
    } catch (e) {
      record.status = 500;
      violate("response", `the fake crashed: ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent) send(res, 500, { message: "fake-github internal error", detail: String(e) });
    } finally {
      record.rateLimited = record.auth === "installation" && record.status !== 304;
      requests.push(record);
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;

  const matchesFilter = (r: RequestRecord, f: RequestFilter): boolean =>
    (f.kind === undefined || r.kind === f.kind) &&
    (f.method === undefined || r.method === f.method.toUpperCase()) &&
    (f.operationId === undefined || r.operationId === f.operationId) &&
    (f.route === undefined || r.route === f.route) &&
    (f.since === undefined || r.seq > f.since) &&
    (f.rateLimited === undefined || r.rateLimited === f.rateLimited);

  return {
    url: base,
    host: `127.0.0.1:${port}`,
    apiUrl: `${base}/api/v3`,
    appId,
    privateKey,
    state: world,
    requests,
    violations,
    faults,
    countRequests: (filter = {}) => requests.filter((r) => matchesFilter(r, filter)).length,
    lastSeq: () => seq,
    clearLog: () => {
      requests.length = 0;
      violations.length = 0;
    },
    mintInstallationToken: (owner, otherAppId = appId) => {
      const inst = world.installationFor(owner);
      return tokens.mint(inst.id, otherAppId, inst.account).token;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        if (!server.listening) { resolve(); return; }
        server.close(() => resolve());
      }),
  };
}
