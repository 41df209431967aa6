/**
 * readContents' REST fallback for blobs GraphQL does not return whole (issue 11, large lockfiles and
 * workflows), on a stub GitHub: the limits and the integrity check that the e2e tests (test/e2e/
 * guard.test.ts) cannot reach with realistic sizes — a blob over the 100 MB GitHub's REST API serves,
 * the per-evaluation byte bound, a REST answer that is not the named blob, bytes that are not UTF-8.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { GitHub } from "../src/github/client.js";
import { MAX_BLOB_BYTES, readContents } from "../src/github/read-contents.js";
import type { ChangedFile } from "../src/engine/types.js";

const oidOf = (bytes: Buffer) => createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
const REPO = { owner: "acme", repo: "r" };
const file = (path: string): ChangedFile => ({ path, status: "modified" });

interface Blob {
  text: string | null;
  isTruncated: boolean;
  oid: string;
  byteSize: number;
}
const small = (text: string): Blob => ({ text, isTruncated: false, oid: oidOf(Buffer.from(text)), byteSize: Buffer.byteLength(text) });
const truncated = (bytes: Buffer, byteSize = bytes.length): Blob => ({ text: bytes.subarray(0, 10).toString("utf8"), isTruncated: true, oid: oidOf(bytes), byteSize });

/** A GitHub whose GraphQL answers `blobs` (b0, h0, …) and whose REST "Get a blob" answers from `store`. */
function stub(blobs: Record<string, Blob | null>, store: Map<string, unknown>) {
  const reads: string[] = [];
  const gh = {
    graphql: () => Promise.resolve({ repository: Object.fromEntries(Object.entries(blobs).map(([k, b]) => [k, b && { __typename: "Blob", ...b }])) }),
    rest: {
      git: {
        getBlob: ({ file_sha }: { file_sha: string }) => {
          reads.push(file_sha);
          const data = store.get(file_sha);
          return data === undefined ? Promise.reject(Object.assign(new Error("Not Found"), { status: 404 })) : Promise.resolve({ data });
        },
      },
    },
  } as unknown as GitHub;
  return { gh, reads };
}

const stream = (bytes: Buffer) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new Uint8Array(bytes.subarray(0, 3)));
      c.enqueue(new Uint8Array(bytes.subarray(3)));
      c.close();
    },
  });

describe("readContents: blobs GraphQL truncates or does not return as text", () => {
  it("reads them through REST (stream or string answer), once per blob; small blobs cost nothing", async () => {
    const big = Buffer.from(`{"packages":{${"x".repeat(100)}}}\n`);
    const bin = Buffer.from("requests==2\n\0\n");
    const { gh, reads } = stub(
      { b0: truncated(big), h0: truncated(big), b1: small("a\n"), h1: small("b\n"), b2: small("requests==1\n"), h2: { ...small(""), text: null, oid: oidOf(bin), byteSize: bin.length } },
      new Map<string, unknown>([
        [oidOf(big), stream(big)],
        [oidOf(bin), bin.toString("utf8")],
      ]),
    );
    const read = await readContents(gh, REPO, "B", "H", [file("package-lock.json"), file("go.mod"), file("requirements.txt")]);
    expect(read.unverified).toEqual([]);
    expect(read.contents).toEqual([
      { path: "package-lock.json", base: big.toString("utf8"), head: big.toString("utf8") },
      { path: "go.mod", base: "a\n", head: "b\n" },
      { path: "requirements.txt", base: "requests==1\n", head: bin.toString("utf8") },
    ]);
    expect(reads).toEqual([oidOf(big), oidOf(bin)]);
  });

  it("fails closed, naming the file and why: over GitHub's REST limit (not read), not the named blob, not UTF-8, a failed read", async () => {
    const huge = Buffer.from("huge");
    const other = Buffer.from("something else\n");
    const latin1 = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]); // "café" in Latin-1: not UTF-8
    const missing = Buffer.from("gone\n");
    const { gh, reads } = stub(
      { b0: truncated(huge, MAX_BLOB_BYTES + 1), h0: truncated(other), b1: truncated(latin1), h1: truncated(missing) },
      new Map<string, unknown>([
        [oidOf(other), Buffer.from("tampered\n").toString("utf8")],
        [oidOf(latin1), latin1.buffer.slice(latin1.byteOffset, latin1.byteOffset + latin1.length)],
      ]),
    );
    const read = await readContents(gh, REPO, "B", "H", [file("package-lock.json"), file("yarn.lock")]);
    expect(read.contents).toEqual([]);
    expect(read.unverified).toEqual([
      "package-lock.json at the base is larger than GitHub's GraphQL API returns in full and over the 100.0 MB GitHub's REST API serves (it is 104,857,601 bytes), so its privilege and dependency changes could not be checked.",
      `package-lock.json at the head is larger than GitHub's GraphQL API returns in full and the REST API did not return the blob ${oidOf(other).slice(0, 7)} the commit names, so its privilege and dependency changes could not be checked. Re-run the agent-gate check once GitHub answers again.`,
      "yarn.lock at the base is larger than GitHub's GraphQL API returns in full and it is not UTF-8 text (binary), so its privilege and dependency changes could not be checked.",
      "yarn.lock at the head is larger than GitHub's GraphQL API returns in full and reading it through the REST API failed (HTTP 404: Not Found), so its privilege and dependency changes could not be checked. Re-run the agent-gate check once GitHub answers again.",
    ]);
    // The over-limit blob is never requested.
    expect(reads).toEqual([oidOf(other), oidOf(latin1), oidOf(missing)]);
  });

  it("bounds the bytes read through REST in one evaluation: past 200 MB, the rest is unverified unread", async () => {
    const blobs: Record<string, Blob> = {};
    const files: ChangedFile[] = [];
    for (let i = 0; i < 3; i++) {
      const bytes = Buffer.from(`lock ${i}\n`);
      blobs[`b${i}`] = small("x\n");
      blobs[`h${i}`] = truncated(bytes, 90 * 1024 * 1024);
      files.push(file(`p${i}/package-lock.json`));
    }
    const { gh, reads } = stub(blobs, new Map());
    const read = await readContents(gh, REPO, "B", "H", files);
    expect(reads).toHaveLength(2);
    expect(read.unverified[2]).toBe(
      "p2/package-lock.json at the head is larger than GitHub's GraphQL API returns in full and was not read: the large workflow and manifest files of this pull request come to more than 200.0 MB, so its privilege and dependency changes could not be checked.",
    );
  });
});
