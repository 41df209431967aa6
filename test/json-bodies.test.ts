/**
 * Success answers decoded with JSON.parse inside the auth hook (src/github/json-bodies.ts): for every
 * kind of answer, the app's Octokit hands over what `@octokit/request` itself would have decoded,
 * over real HTTP.
 */
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request as octokitRequest } from "@octokit/request";
import type { GitHub } from "../src/github/client.js";
import { httpFetch } from "../src/github/http-fetch.js";
import { createAppOctokit } from "../src/github/octokit.js";

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}
const answers: Record<string, Answer> = {
  "/json": { status: 200, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify({ id: 42, name: "ünïcode", nested: { list: [1, "two", null, true] } }) },
  "/scim": { status: 200, headers: { "content-type": "application/scim+json" }, body: JSON.stringify({ schemas: ["x"] }) },
  "/array": { status: 200, headers: { "content-type": "application/json" }, body: "[1,2,3]" },
  "/bad-json": { status: 200, headers: { "content-type": "application/json" }, body: "{not json" },
  "/empty-json": { status: 200, headers: { "content-type": "application/json" }, body: "" },
  "/text": { status: 200, headers: { "content-type": "text/plain" }, body: "plain text" },
  "/utf8": { status: 200, headers: { "content-type": "application/vnd.github.raw; charset=utf-8" }, body: "raw file\n" },
  "/octet": { status: 200, headers: { "content-type": "application/octet-stream; charset=utf-8" }, body: Buffer.from([0, 1, 2, 255]) },
  "/binary": { status: 200, headers: { "content-type": "application/zip" }, body: Buffer.from([80, 75, 3, 4]) },
  "/no-type": { status: 200, headers: {}, body: "untyped" },
  "/created": { status: 201, headers: { "content-type": "application/json" }, body: JSON.stringify({ id: 7 }) },
  "/no-content": { status: 204, headers: {}, body: "" },
};
/** An integer past 2^53: @octokit/request ≥ 10.0.8 makes it a BigInt, JSON.parse a (rounded) number. */
const BIG = { status: 200, headers: { "content-type": "application/json" }, body: '{"id":12345678901234567890}' };

let server: Server;
let baseUrl: string;
let gh: GitHub;
/** The same Octokit class over Node's own fetch: the answer's body stream is read (not the adapter's bytes). */
let ghNodeFetch: GitHub;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const path = new URL(req.url!, "http://x").pathname;
      const a = path === "/big" ? BIG : answers[path];
      if (!a) return void res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ message: "Not Found" }));
      res.writeHead(a.status, a.headers).end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  baseUrl = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
  const Octokit = createAppOctokit({ AGENT_GATE_TEST_NO_THROTTLE: "1" });
  gh = new Octokit({ baseUrl, auth: { token: "test-token" } });
  ghNodeFetch = new Octokit({ baseUrl, auth: { token: "test-token" }, request: { fetch: globalThis.fetch } });
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** What `@octokit/request` alone decodes (its own getResponseData), for comparison. */
async function reference(path: string, method = "GET"): Promise<unknown> {
  return (await octokitRequest(`${method} ${path}`, { baseUrl, request: { fetch: httpFetch } })).data;
}

const bytes = (d: unknown) => (d instanceof ArrayBuffer ? [...new Uint8Array(d)] : d);

describe("the app's Octokit decodes success answers as @octokit/request would", () => {
  for (const path of Object.keys(answers)) {
    it(`${path} (${answers[path]!.headers["content-type"] ?? "no content-type"}, HTTP ${answers[path]!.status})`, async () => {
      const method = path === "/created" ? "POST" : "GET";
      const { data, status } = await gh.request(`${method} ${path}`);
      expect(status).toBe(answers[path]!.status);
      const expected = bytes(await reference(path, method));
      expect(bytes(data)).toEqual(expected);
      expect(bytes((await ghNodeFetch.request(`${method} ${path}`)).data)).toEqual(expected);
    });
  }

  it("JSON answers are parsed objects; unparsable JSON and text stay text; other types are bytes", async () => {
    expect((await gh.request("GET /json")).data).toEqual({ id: 42, name: "ünïcode", nested: { list: [1, "two", null, true] } });
    expect((await gh.request("GET /bad-json")).data).toBe("{not json");
    expect((await gh.request("GET /empty-json")).data).toBe("");
    expect((await gh.request("GET /utf8")).data).toBe("raw file\n");
    expect((await gh.request("GET /octet")).data).toBeInstanceOf(ArrayBuffer);
  });

  it("the parser is JSON.parse, not @octokit/request's json-with-bigint (GitHub's numbers are below 2^53)", async () => {
    expect(typeof ((await reference("/big")) as { id: unknown }).id).toBe("bigint");
    expect((await gh.request("GET /big")).data).toEqual({ id: Number("12345678901234567890") });
  });

  it("a caller that asks for the raw body (parseSuccessResponseBody: false) still gets the stream", async () => {
    const { data } = await gh.request("GET /json", { request: { parseSuccessResponseBody: false } });
    expect(data).toBeInstanceOf(ReadableStream);
    expect(JSON.parse(await new Response(data as ReadableStream).text())).toMatchObject({ id: 42 });
  });

  it("error answers still reject with @octokit/request's RequestError and the decoded body", async () => {
    await expect(gh.request("GET /missing")).rejects.toMatchObject({ status: 404, response: { data: { message: "Not Found" } } });
  });
});
