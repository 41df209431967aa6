/**
 * Base and head texts of the changed workflows, action metadata files and manifests of an agent PR
 * (issue 11 §2, §3): ONE GraphQL request, aliased `object(expression: "<sha>:<path>")` Blob reads, only
 * when such a file changed (SPEC §8: "the workflow and dependency analysis at most one more read").
 *
 * The base is the base branch's tip commit the PR names (`baseRefOid`); renamed files are read at
 * their old name there. Expressions use commit ids, not branch names, so a push during the
 * evaluation cannot mix two versions (and a tag named like a branch cannot stand in for it).
 *
 * Large and binary blobs: GraphQL's `Blob.text` stops at 512,000 bytes (`isTruncated: true`) and is
 * null for a blob GitHub deems binary — a big `package-lock.json` or workflow would fail closed for
 * nothing. Such a blob is read once more through REST "Get a blob" by its `oid` (raw media type;
 * GitHub's Git database API serves blobs up to 100 MB), and its bytes are checked against the oid
 * (git's blob hash), so the REST answer is exactly the blob the commit names: one extra read per such
 * blob, none otherwise.
 *
 * Fail closed: a blob that is missing where it must exist, over 100 MB, not UTF-8 text, a failed
 * request, or a REST answer that is not the named blob makes the file `unverified` (the decision is
 * then never `success`), saying which.
 */
import { createHash } from "node:crypto";
import type { ChangedFile, FileContent } from "../engine/types.js";
import { describeError, type GitHub } from "./client.js";
import type { RepoRef } from "./refs.js";

/** More files than this in one PR are not analysed (one request must stay a reasonable size). */
export const MAX_CONTENT_FILES = 100;

/** REST "Get a blob": "This endpoint supports blobs up to 100 megabytes in size" (GitHub REST docs, Git database). */
export const MAX_BLOB_BYTES = 100 * 1024 * 1024;
/**
 * The most bytes read through REST in one evaluation (the base and head of two files at GitHub's
 * limit): an agent PR of many huge manifests must not exhaust the app's memory; past it, the
 * remaining large files are unverified (the check says so).
 */
export const MAX_BLOB_BYTES_PER_READ = 2 * MAX_BLOB_BYTES;

interface GqlBlob {
  __typename: string;
  text?: string | null;
  isTruncated?: boolean;
  oid?: string;
  byteSize?: number;
}

const megabytes = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;

/** git's object id of a blob: SHA-1 over "blob <size>\0" and the bytes. */
function gitBlobOid(bytes: Buffer): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

async function bytesOf(data: unknown): Promise<Buffer | null> {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (data instanceof ReadableStream) {
    const chunks: Uint8Array[] = [];
    const reader = (data as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
    return Buffer.concat(chunks);
  }
  return null;
}

/**
 * The text of blob `oid` through REST (raw bytes, undecoded by Octokit), or why not. The bytes must
 * hash to `oid`; they must be UTF-8 (a BOM is kept, as GraphQL's `text` keeps it).
 */
async function readBlobText(gh: GitHub, repo: RepoRef, oid: string): Promise<{ text: string } | { error: string; rerun: boolean }> {
  let bytes: Buffer | null;
  try {
    const answer = await gh.rest.git.getBlob({ owner: repo.owner, repo: repo.repo, file_sha: oid, mediaType: { format: "raw" }, request: { parseSuccessResponseBody: false } });
    bytes = await bytesOf(answer.data);
  } catch (error) {
    return { error: `reading it through the REST API failed (${describeError(error)})`, rerun: true };
  }
  if (!bytes || gitBlobOid(bytes) !== oid) return { error: `the REST API did not return the blob ${oid.slice(0, 7)} the commit names`, rerun: true };
  try {
    return { text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    return { error: "it is not UTF-8 text (binary)", rerun: false };
  }
}

/** The query for `n` files: variables $b0/$h0 … (base and head expressions). */
export function contentsQuery(n: number): string {
  const vars: string[] = [];
  const fields: string[] = [];
  for (let i = 0; i < n; i++) {
    vars.push(`$b${i}: String!`, `$h${i}: String!`);
    fields.push(`b${i}: object(expression: $b${i}) { ...AgentGateBlob }`, `h${i}: object(expression: $h${i}) { ...AgentGateBlob }`);
  }
  return `query AgentGateContents($owner: String!, $name: String!, ${vars.join(", ")}) {
  repository(owner: $owner, name: $name) {
    ${fields.join("\n    ")}
  }
}
fragment AgentGateBlob on GitObject { __typename ... on Blob { text isTruncated oid byteSize } }`;
}

export interface ContentsRead {
  contents: FileContent[];
  unverified: string[];
}

export async function readContents(gh: GitHub, repo: RepoRef, baseSha: string, headSha: string, files: readonly ChangedFile[]): Promise<ContentsRead> {
  if (files.length === 0) return { contents: [], unverified: [] };
  if (files.length > MAX_CONTENT_FILES) {
    return {
      contents: [],
      unverified: [`The pull request changes ${files.length} workflow, action or manifest files; agent-gate analyses at most ${MAX_CONTENT_FILES} per pull request, so their privilege and dependency changes could not be checked. Split the pull request.`],
    };
  }
  const variables: Record<string, string | number> = { owner: repo.owner, name: repo.repo };
  files.forEach((f, i) => {
    variables[`b${i}`] = `${baseSha}:${f.previousPath ?? f.path}`;
    variables[`h${i}`] = `${headSha}:${f.path}`;
  });
  let result: { repository: Record<string, GqlBlob | null> | null };
  try {
    result = await gh.graphql<typeof result>(contentsQuery(files.length), variables);
  } catch (error) {
    return {
      contents: [],
      unverified: [`Could not read the changed workflow and manifest files (${describeError(error)}), so their privilege and dependency changes could not be checked. Re-run the agent-gate check once GitHub answers again.`],
    };
  }
  const repoData = result.repository;
  if (!repoData) return { contents: [], unverified: files.map((f) => `The repository could not be read for ${f.path}.`) };
  const contents: FileContent[] = [];
  const unverified: string[] = [];
  const large = new Map<string, ReturnType<typeof readBlobText>>();
  let budget = MAX_BLOB_BYTES_PER_READ;
  for (const [i, f] of files.entries()) {
    /** The blob's text; null when there is no blob; undefined when it could not be had (noted in `unverified`). */
    const text = async (blob: GqlBlob | null | undefined, which: string): Promise<string | null | undefined> => {
      if (blob === null || blob === undefined) return null;
      if (blob.__typename !== "Blob") {
        unverified.push(`${f.path} at the ${which} is not a file (${blob.__typename}), so it could not be analysed.`);
        return undefined;
      }
      if (!blob.isTruncated && typeof blob.text === "string") return blob.text;
      // Truncated by GraphQL, or text null (binary to GitHub): the whole blob through REST, by its oid.
      const cannot = (why: string, rerun = false) => {
        const again = rerun ? " Re-run the agent-gate check once GitHub answers again." : "";
        unverified.push(`${f.path} at the ${which} is ${blob.isTruncated ? "larger than GitHub's GraphQL API returns in full" : "not returned as text by GitHub's GraphQL API"} and ${why}, so its privilege and dependency changes could not be checked.${again}`);
      };
      const size = blob.byteSize ?? 0;
      if (typeof blob.oid !== "string" || !/^[0-9a-f]{40}$/.test(blob.oid)) {
        cannot("GitHub named no blob to read it by");
        return undefined;
      }
      if (size > MAX_BLOB_BYTES) {
        cannot(`over the ${megabytes(MAX_BLOB_BYTES)} GitHub's REST API serves (it is ${size.toLocaleString("en-US")} bytes)`);
        return undefined;
      }
      let read = large.get(blob.oid);
      if (!read) {
        if (size > budget) {
          cannot(`was not read: the large workflow and manifest files of this pull request come to more than ${megabytes(MAX_BLOB_BYTES_PER_READ)}`);
          return undefined;
        }
        budget -= size;
        read = readBlobText(gh, repo, blob.oid);
        large.set(blob.oid, read);
      }
      const got = await read;
      if ("text" in got) return got.text;
      cannot(got.error, got.rerun);
      return undefined;
    };
    // One at a time: at most one large blob is being read into memory.
    const base = await text(repoData[`b${i}`], "base");
    const head = await text(repoData[`h${i}`], "head");
    if (base === undefined || head === undefined) continue;
    if (head === null) {
      // The file list says it exists at the head: a missing blob means the read is not the PR's head.
      unverified.push(`${f.path} was not found at the head commit ${headSha.slice(0, 7)}, so it could not be analysed. Re-run the check.`);
      continue;
    }
    contents.push({ path: f.path, base, head });
  }
  return { contents, unverified };
}
