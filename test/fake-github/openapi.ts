/**
 * GitHub's REST contract, from the official OpenAPI description shipped in @octokit/openapi
 * (`generated/api.github.com.deref.json`, every $ref already inlined). The file is ~70 MB, so it is
 * read once per process, lazily, and each operation's ajv validators are compiled on first use.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createRequire } from "node:module";
import { Ajv } from "ajv";
import type { ErrorObject, ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

type Json = Record<string, unknown>;

const stringOr = (v: unknown, fallback: string): string => (typeof v === "string" ? v : fallback);

export interface OpenApiParameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: Json;
}

export interface Operation {
  method: string;
  /** OpenAPI path template, e.g. "/repos/{owner}/{repo}/pulls/{pull_number}". */
  template: string;
  operationId: string;
  documentationUrl: string;
  parameters: OpenApiParameter[];
  requestSchema: Json | null;
  responses: Record<string, Json | null>;
  segments: string[];
  literalCount: number;
  validators?: {
    params: ValidateFunction;
    body: ValidateFunction | null;
    responses: Map<string, ValidateFunction | null>;
  };
}

interface Spec {
  operations: Operation[];
  byMethod: Map<string, Operation[]>;
  /** Webhook payload schemas from the description's `x-webhooks`, keyed like "pull-request-opened". */
  webhooks: Map<string, Json>;
}

let spec: Spec | null = null;
let ajvStrict: Ajv | null = null;
let ajvCoerce: Ajv | null = null;

function specPath(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve("@octokit/openapi/package.json");
  return pkg.replace(/package\.json$/, "generated/api.github.com.deref.json");
}

interface RawSpec { paths: Record<string, Record<string, Json>>; "x-webhooks"?: Record<string, Record<string, Json>> }

/** Keys that only document (prose, examples, metadata); never keys inside a `properties` map. */
const PROSE = new Set(["description", "summary", "example", "examples", "title", "tags", "deprecated"]);

function stripProse(v: unknown, inProperties = false): unknown {
  if (Array.isArray(v)) return v.map((x) => stripProse(x));
  if (!v || typeof v !== "object") return v;
  const out: Json = {};
  for (const [k, x] of Object.entries(v as Json)) {
    if (!inProperties && (PROSE.has(k) || (k.startsWith("x-") && k !== "x-webhooks"))) continue;
    out[k] = stripProse(x, k === "properties" && !inProperties);
  }
  return out;
}

/**
 * The description without prose: 73 MB → ~13 MB, parsed in a quarter of a second instead of 1–3 s,
 * a sixth of the memory. Cached in node_modules/.cache keyed by package version and file size, written
 * atomically (tmp + rename) so parallel test processes never read a half-written file.
 */
function readSpec(): RawSpec {
  const src = specPath();
  const require = createRequire(import.meta.url);
  const version = (require("@octokit/openapi/package.json") as { version: string }).version;
  const nodeModules = resolve(dirname(src), "..", "..", "..");
  const cacheFile = join(nodeModules, ".cache", "fake-github", `openapi-${version}-${statSync(src).size}.json`);
  try {
    return JSON.parse(readFileSync(cacheFile, "utf8")) as RawSpec;
  } catch {
    // No cache yet (or unreadable): build it below.
  }
  const full = JSON.parse(readFileSync(src, "utf8")) as RawSpec;
  const compact = { paths: stripProse(full.paths), "x-webhooks": stripProse(full["x-webhooks"] ?? {}) } as RawSpec;
  try {
    mkdirSync(dirname(cacheFile), { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(compact));
    renameSync(tmp, cacheFile);
  } catch {
    // A read-only node_modules only costs the next process the full parse.
  }
  return compact;
}

export function loadSpec(): Spec {
  if (spec) return spec;
  const raw = readSpec();
  const webhooks = new Map<string, Json>();
  for (const [key, item] of Object.entries(raw["x-webhooks"] ?? {})) {
    const schema = (((item.post?.requestBody as Json | undefined)?.content as Json | undefined)?.["application/json"] as Json | undefined)?.schema as Json | undefined;
    if (schema) webhooks.set(key, schema);
  }
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(raw.paths)) {
    const shared = (item.parameters as OpenApiParameter[] | undefined) ?? [];
    for (const method of ["get", "post", "put", "patch", "delete", "head"]) {
      const op = item[method];
      if (!op) continue;
      const content = ((op.requestBody as Json | undefined)?.content as Json | undefined) ?? {};
      const jsonBody = (content["application/json"] as Json | undefined)?.schema as Json | undefined;
      const responses: Record<string, Json | null> = {};
      for (const [code, resp] of Object.entries((op.responses as Json | undefined) ?? {})) {
        const rc = ((resp as Json).content as Json | undefined) ?? {};
        const schema = ((rc["application/json"] ?? rc["application/scim+json"]) as Json | undefined)?.schema as Json | undefined;
        responses[code] = schema ?? null;
      }
      const segments = template.split("/").slice(1);
      operations.push({
        method: method.toUpperCase(),
        template,
        operationId: String(op.operationId),
        documentationUrl: stringOr((op.externalDocs as Json | undefined)?.url, "https://docs.github.com/rest"),
        parameters: [...shared, ...((op.parameters as OpenApiParameter[] | undefined) ?? [])],
        requestSchema: jsonBody ?? null,
        responses,
        segments,
        literalCount: segments.filter((s) => !s.startsWith("{")).length,
      });
    }
  }
  // Literal segments beat parameters: "/repos/{owner}/{repo}/check-runs/{id}" before "/repos/{owner}/{repo}/{x}/…".
  operations.sort((a, b) => b.literalCount - a.literalCount || b.segments.length - a.segments.length);
  const byMethod = new Map<string, Operation[]>();
  for (const op of operations) {
    const list = byMethod.get(op.method) ?? [];
    list.push(op);
    byMethod.set(op.method, list);
  }
  spec = { operations, byMethod, webhooks };
  return spec;
}

export interface RouteMatch {
  op: Operation;
  params: Record<string, string>;
}

/** Matches a concrete path (without /api/v3, without query) against the documented operations. */
export function matchRoute(method: string, pathname: string): { match: RouteMatch | null; pathExists: boolean } {
  const s = loadSpec();
  const parts = pathname.split("/").slice(1);
  const tryOps = (ops: Operation[]): RouteMatch | null => {
    for (const op of ops) {
      const params = matchSegments(op.segments, parts);
      if (params) return { op, params };
    }
    return null;
  };
  const match = tryOps(s.byMethod.get(method) ?? []);
  if (match) return { match, pathExists: true };
  return { match: null, pathExists: tryOps(s.operations) !== null };
}

function matchSegments(template: string[], parts: string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i] ?? "";
    const p = parts[i];
    if (p === undefined) return null;
    const m = /^\{([^}]+)\}$/.exec(t);
    if (m) {
      const name = m[1] ?? "";
      // A trailing {path} takes the rest: contents paths contain slashes.
      if (name === "path" && i === template.length - 1) {
        params[name] = parts.slice(i).map(safeDecode).join("/");
        return params[name] === "" ? null : params;
      }
      if (p === "") return null;
      params[name] = safeDecode(p);
    } else if (t !== p) {
      return null;
    }
  }
  return parts.length === template.length ? params : null;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * OpenAPI 3.0 schema → JSON Schema draft-07 for ajv: `nullable: true` becomes a union with null,
 * documentation-only keywords go. The dereferenced description repeats big objects (a repository
 * inside every pull request, twice); identical large subschemas are hoisted into `definitions` and
 * referenced, so ajv compiles each once (pulls/get goes from seconds to tens of milliseconds).
 */
export function toJsonSchema(s: unknown): Json {
  return convert(s, sharedDefinitions, true) as Json;
}

/** Hoisted subschemas, shared by every operation (registered in each ajv instance before compiling). */
const sharedDefinitions: Json = {};

function convert(s: unknown, defs: Json, isRoot = false): unknown {
  if (Array.isArray(s)) return s.map((x) => convert(x, defs));
  if (!s || typeof s !== "object") return s;
  const o = s as Json;
  let out: Json = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === "nullable" || k === "example" || k === "examples" || k === "discriminator" || k === "xml" || k.startsWith("x-")) continue;
    if (k === "description" || k === "title" || k === "externalDocs" || k === "deprecated" || k === "readOnly" || k === "writeOnly") continue;
    if (k === "properties" && v && typeof v === "object") {
      const props: Json = {};
      for (const [pk, pv] of Object.entries(v as Json)) props[pk] = convert(pv, defs);
      out[k] = props;
      continue;
    }
    // GitHub's description uses oneOf where variants overlap (a file object also matches the
    // symlink and submodule shapes), which would make every valid answer fail; anyOf is what it means.
    out[k === "oneOf" ? "anyOf" : k] = convert(v, defs);
  }
  if (o.nullable === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    else if (Array.isArray(out.type) && !out.type.includes("null")) out.type = [...(out.type as string[]), "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...(out.enum as unknown[]), null];
    if (out.type === undefined && (out.anyOf || out.allOf || out.properties)) out = { anyOf: [out, { type: "null" }] };
  }
  if (!isRoot && (out.properties || out.anyOf)) {
    const text = JSON.stringify(out);
    if (text.length > 1000) {
      const key = `gh-${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
      defs[key] ??= out;
      return { $ref: key };
    }
  }
  return out;
}

const registered = new WeakMap<Ajv, Set<string>>();

/** Compiles after registering any hoisted subschema this ajv instance has not seen (ajv compiles them lazily, once). */
function compile(a: Ajv, schema: Json): ValidateFunction {
  const seen = registered.get(a) ?? new Set<string>();
  registered.set(a, seen);
  for (const [key, def] of Object.entries(sharedDefinitions)) {
    if (seen.has(key)) continue;
    a.addSchema({ ...(def as Json), $id: key });
    seen.add(key);
  }
  return a.compile(schema);
}

function makeAjv(coerce: boolean): Ajv {
  const a = addFormats(new Ajv({ strict: false, allErrors: false, logger: false, validateFormats: true, verbose: true, ...(coerce ? { coerceTypes: "array" as const } : {}) }));
  // GitHub's own bot addresses ("41898282+github-actions[bot]@users.noreply.github.com") fail
  // ajv-formats' RFC-strict email pattern although GitHub sends them in `format: email` fields.
  a.addFormat("email", /^[^\s@]+@[^\s@]+$/);
  return a;
}

function ajv(coerce: boolean): Ajv {
  if (coerce) return (ajvCoerce ??= makeAjv(true));
  return (ajvStrict ??= makeAjv(false));
}

function validatorsOf(op: Operation): NonNullable<Operation["validators"]> {
  if (op.validators) return op.validators;
  const properties: Json = {};
  const required: string[] = [];
  for (const p of op.parameters) {
    if (p.in !== "path" && p.in !== "query") continue;
    properties[p.name] = p.schema ?? {};
    if (p.required) required.push(p.name);
  }
  op.validators = {
    params: compile(ajv(true), toJsonSchema({ type: "object", properties, required })),
    body: op.requestSchema ? compile(ajv(false), toJsonSchema(op.requestSchema)) : null,
    responses: new Map(),
  };
  return op.validators;
}

/** Validates path+query parameters (coercing query strings like GitHub's parser does). */
export function validateParams(op: Operation, params: Record<string, unknown>): string | null {
  const v = validatorsOf(op).params;
  return v(params) ? null : describeErrors(v.errors ?? [], "parameter");
}

export function validateBody(op: Operation, body: unknown): string | null {
  const v = validatorsOf(op).body;
  if (!v) return null;
  return v(body) ? null : describeErrors(v.errors ?? [], "body");
}

export function validateResponse(op: Operation, status: number, body: unknown): string | null {
  const vs = validatorsOf(op);
  const key = String(status);
  if (!vs.responses.has(key)) {
    const schema = op.responses[key];
    vs.responses.set(key, schema ? compile(ajv(false), toJsonSchema(schema)) : null);
  }
  const v = vs.responses.get(key);
  if (!v) return null;
  return v(body) ? null : describeErrors(v.errors ?? [], "response");
}

const webhookValidators = new Map<string, ValidateFunction>();

/**
 * Validates a webhook payload against GitHub's schema for that event and action (x-webhooks,
 * e.g. "check-run-requested-action"); null when valid. Throws when GitHub documents no such webhook.
 */
export function validateWebhook(event: string, action: string | null, payload: unknown): string | null {
  const key = [event, action].filter((x): x is string => !!x).join("-").replace(/_/g, "-");
  let v = webhookValidators.get(key);
  if (!v) {
    const schema = loadSpec().webhooks.get(key);
    if (!schema) throw new Error(`fake-github: GitHub documents no webhook "${key}"`);
    v = compile(ajv(false), toJsonSchema(schema));
    webhookValidators.set(key, v);
  }
  return v(payload) ? null : describeErrors(v.errors ?? [], "payload");
}

export function responseSchema(op: Operation, status: number): Json | null {
  return op.responses[String(status)] ?? null;
}

/** GitHub-style validation text: `For 'properties/conclusion', "x" is not a member of [...]`. */
function describeErrors(errors: ErrorObject[], where: string): string {
  return errors
    .slice(0, 5)
    .map((e) => {
      const path = e.instancePath === "" ? where : `${where} ${e.instancePath.replace(/^\//, "").replace(/\//g, ".")}`;
      if (e.keyword === "enum") {
        return `For '${path}', ${JSON.stringify(e.data)} is not a member of ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}.`;
      }
      if (e.keyword === "required") return `"${(e.params as { missingProperty: string }).missingProperty}" wasn't supplied (${path}).`;
      if (e.keyword === "maxLength" || e.keyword === "maxItems") return `For '${path}', ${e.message ?? "is too long"}.`;
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- JSON.stringify(undefined) is undefined; the types say string
    return `For '${path}', ${JSON.stringify(e.data)?.slice(0, 80)} ${e.message ?? "is invalid"}.`;
    })
    .join("\n");
}

/**
 * Fills fields the fake does not model with typed placeholders, so that a response carries every
 * property the schema requires while every MODELLED value is still checked by response validation.
 * (GitHub objects have dozens of required URL fields; synthesising them keeps the builders readable.)
 */
export function completeFromSchema(schema: Json | null | undefined, value: unknown, urlBase: string, name = "value"): unknown {
  if (!schema) return value;
  if (value === undefined) return synthesize(schema, urlBase, name);
  const variants = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (variants && value !== null && typeof value === "object" && !Array.isArray(value)) {
    const objectVariant = variants.find((v) => v.type === "object" || v.properties);
    if (objectVariant) return completeFromSchema(objectVariant, value, urlBase, name);
  }
  if (Array.isArray(schema.allOf)) {
    let v: unknown = value;
    for (const part of schema.allOf as Json[]) v = completeFromSchema(part, v, urlBase, name);
    return v;
  }
  if (Array.isArray(value)) {
    const items = schema.items as Json | undefined;
    return items ? value.map((x) => completeFromSchema(items, x, urlBase, name)) : value;
  }
  if (value !== null && typeof value === "object") {
    const props = (schema.properties as Record<string, Json> | undefined) ?? {};
    const out: Json = { ...(value as Json) };
    for (const [k, ps] of Object.entries(props)) {
      if (k in out) out[k] = completeFromSchema(ps, out[k], urlBase, k);
    }
    for (const k of (schema.required as string[] | undefined) ?? []) {
      if (!(k in out)) out[k] = synthesize(props[k] ?? {}, urlBase, k);
    }
    return out;
  }
  return value;
}

function synthesize(schema: Json, urlBase: string, name: string): unknown {
  if (schema.nullable === true) return null;
  const variants = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (variants && variants.length > 0) return synthesize(variants[0] ?? {}, urlBase, name);
  if (Array.isArray(schema.allOf)) {
    let v: unknown = undefined;
    for (const part of schema.allOf as Json[]) v = completeFromSchema(part, v, urlBase, name);
    return v;
  }
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const type = Array.isArray(schema.type) ? (schema.type as string[]).find((t) => t !== "null") : (schema.type as string | undefined);
  switch (type) {
    case "string":
      if (schema.format === "date-time") return "2024-01-01T00:00:00Z";
      if (schema.format === "uri" || name.endsWith("url") || name === "url") return `${urlBase}/_synthetic/${name}`;
      if (schema.format === "email") return "noreply@example.com";
      return "";
    case "integer":
    case "number":
      return 0;
    case "boolean":
      return false;
    case "array":
      return [];
    case "object":
    case undefined:
      if (schema.properties || schema.required) return completeFromSchema(schema, {}, urlBase, name);
      return {};
    default:
      return null;
  }
}
