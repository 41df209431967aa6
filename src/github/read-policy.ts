/**
 * The effective policy of a repository (SPEC §3 "Where the policy comes from"): its file on the
 * DEFAULT branch, else the organisation's `.github` repository (Probot's convention: same path there),
 * following `_extends` into other repositories. Both first blobs arrive inside the PR read
 * (`AgentGatePull`); only `_extends` costs extra requests. Never the PR head or base: a branch an
 * agent can push to must never supply the rules that judge it.
 */
import { POLICY_PATH, type LoadResult } from "../engine/policy/load.js";
import { BUILTIN_DEFAULT_POLICY } from "../engine/policy/defaults.js";
import { parseExtends } from "../engine/policy/extends.js";
import type { HeadPolicyCheck, PolicyError, PolicySource, PolicyState } from "../engine/types.js";
import type { GitHub } from "./client.js";
import { describeError } from "./client.js";
import type { PolicyCache, PolicyLayer } from "./policy-cache.js";
import { BLOB_QUERY, type GqlBlob } from "./queries.js";

/** Probot's config plugin stops following `_extends` chains too; a loop must not hang an evaluation. */
const MAX_EXTENDS_DEPTH = 5;

export interface FirstBlob {
  owner: string;
  repo: string;
  /** The branch or "HEAD" the blob was read at, for the source description. */
  ref: string;
  blob: GqlBlob | null;
  /**
   * Set when GitHub answered NOT_FOUND for the repository itself (org `.github`: missing, or not in
   * this installation): why no organisation policy could be read, said in the check and the audit
   * line instead of the built-in default silently standing in for the org's rules (issue 8 point 9).
   */
  notFound?: string;
}

function fileName(owner: string, repo: string, ref: string, path: string): string {
  return `${owner}/${repo}@${ref}:${path}`;
}

/** Text of a blob, or a reason it cannot be used. */
function blobText(blob: GqlBlob | null, file: string): { text: string } | { missing: true } | { unreadable: string } {
  if (!blob) return { missing: true };
  if (blob.__typename !== "Blob") return { unreadable: `${file} is not a file (${blob.__typename})` };
  if (blob.isTruncated || typeof blob.text !== "string") return { unreadable: `${file} is too large or binary to read` };
  return { text: blob.text };
}

async function readBlob(gh: GitHub, owner: string, repo: string, path: string): Promise<GqlBlob | null> {
  const result = await gh.graphql<{ repository: { object: GqlBlob | null } | null }>(BLOB_QUERY, {
    owner,
    name: repo,
    expression: `HEAD:${path}`,
  });
  return result.repository?.object ?? null;
}

/**
 * Build the policy state from the repository's and the organisation's blobs (either may be absent).
 * `policies` holds the parsed results (./policy-cache.ts): the same texts give the same frozen Policy.
 */
export async function readPolicy(gh: GitHub, repoBlob: FirstBlob, orgBlob: FirstBlob | null, policies: PolicyCache): Promise<PolicyState> {
  let first = repoBlob;
  let kind: PolicySource["kind"] = "repository";
  let read = blobText(repoBlob.blob, fileName(repoBlob.owner, repoBlob.repo, repoBlob.ref, POLICY_PATH));
  if ("missing" in read && orgBlob) {
    first = orgBlob;
    kind = "organization";
    read = blobText(orgBlob.blob, fileName(orgBlob.owner, orgBlob.repo, orgBlob.ref, POLICY_PATH));
  }
  if ("missing" in read) {
    return {
      status: "ok",
      policy: BUILTIN_DEFAULT_POLICY,
      hash: policies.builtinHash(),
      source: {
        kind: "builtin",
        description: orgBlob?.notFound
          ? `built-in default (no ${POLICY_PATH} on the default branch; no organization policy could be read: ${orgBlob.notFound})`
          : `built-in default (no ${POLICY_PATH} on the default branch nor in the organization's .github repository)`,
      },
    };
  }
  const firstFile = fileName(first.owner, first.repo, first.ref, POLICY_PATH);
  const source: PolicySource = { kind, description: firstFile };
  if ("unreadable" in read) return { status: "unreadable", reason: read.unreadable, source };

  const layers: PolicyLayer[] = [{ text: read.text, file: firstFile }];
  const extended: string[] = [];
  let at = { owner: first.owner, path: POLICY_PATH };
  let text = read.text;
  for (let depth = 0; ; depth++) {
    const ext = policies.extendsOf(text, layers[layers.length - 1]!.file);
    if (!ext) break; // a parse error is reported by loadPolicyLayers with its position
    const target = parseExtends(ext, at);
    if (!target) break; // an invalid `_extends` value is a schema error, reported with its position
    const file = fileName(target.owner, target.repo, "HEAD", target.path);
    if (depth >= MAX_EXTENDS_DEPTH || extended.includes(file)) {
      return { status: "unreadable", reason: `_extends chain of ${firstFile} is longer than ${MAX_EXTENDS_DEPTH} or loops (at ${file})`, source };
    }
    let blob: GqlBlob | null;
    try {
      blob = await readBlob(gh, target.owner, target.repo, target.path);
    } catch (error) {
      return { status: "unreadable", reason: `could not read ${file}, named by _extends (${describeError(error)})`, source };
    }
    const next = blobText(blob, file);
    if ("missing" in next) return { status: "unreadable", reason: `${file}, named by _extends, does not exist or is not readable by the app`, source };
    if ("unreadable" in next) return { status: "unreadable", reason: next.unreadable, source };
    layers.push({ text: next.text, file });
    extended.push(file);
    at = { owner: target.owner, path: target.path };
    text = next.text;
  }
  if (extended.length > 0) source.description = `${firstFile} (extends ${extended.join(", extends ")})`;
  let loaded: LoadResult;
  try {
    loaded = policies.load(layers);
  } catch (error) {
    // SPEC §4.0 / issue 8 point 18: a policy the loader cannot even judge is a broken policy, never a
    // crash that leaves no check (the delivery would fail and the SHA keep whatever it showed before).
    return { status: "invalid", errors: [{ file: firstFile, line: 0, column: 0, message: `the policy could not be loaded (${loaderFault(error)}); simplify the file` }], source };
  }
  return loaded.ok ? { status: "ok", policy: loaded.policy, hash: loaded.hash, source } : { status: "invalid", errors: loaded.errors, source };
}

/** The PR head's copy of the policy file: validated and shown, never applied (SPEC §4 rule 0). */
export function checkHeadPolicy(blob: GqlBlob | null, file: string, policies: PolicyCache): HeadPolicyCheck | undefined {
  const read = blobText(blob, file);
  if ("missing" in read) return undefined;
  if ("unreadable" in read) return { status: "invalid", errors: [{ file, line: 0, column: 0, message: read.unreadable }] };
  let errors: PolicyError[];
  try {
    errors = policies.validate(read.text, file);
  } catch (error) {
    errors = [{ file, line: 0, column: 0, message: `the policy could not be loaded (${loaderFault(error)}); simplify the file` }];
  }
  return errors.length === 0 ? { status: "valid" } : { status: "invalid", errors };
}

/** A loader crash, named without its stack and without echoing file text (one short line). */
function loaderFault(error: unknown): string {
  const name = error instanceof Error ? error.name : "error";
  const message = error instanceof Error ? error.message : String(error);
  // eslint-disable-next-line no-control-regex
  return `${name}: ${message.slice(0, 200).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, "?")}`;
}
