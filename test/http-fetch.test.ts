import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request as octokitRequest } from "@octokit/request";
import { httpFetch } from "../src/github/http-fetch.js";

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

async function listen(handler: Handler): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => handler(req, body, res));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  return { server, url: `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}` };
}

const seen: { method: string; url: string; auth: string | undefined; body: string; type: string | undefined }[] = [];
let a: { server: Server; url: string };
let b: { server: Server; url: string };

beforeAll(async () => {
  b = await listen((req, body, res) => {
    seen.push({ method: req.method!, url: `b${req.url}`, auth: req.headers.authorization, body, type: req.headers["content-type"] });
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ at: "b" }));
  });
  a = await listen((req, body, res) => {
    seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body, type: req.headers["content-type"] });
    const u = new URL(req.url!, "http://x");
    if (u.pathname === "/json") res.writeHead(200, { "content-type": "application/json; charset=utf-8", link: '<x>; rel="next"' }).end(JSON.stringify({ ok: true }));
    else if (u.pathname === "/gzip") res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" }).end(gzipSync(JSON.stringify({ zipped: "ü" })));
    else if (u.pathname === "/same") res.writeHead(307, { location: "/json" }).end();
    else if (u.pathname === "/see-other") res.writeHead(303, { location: "/json" }).end();
    else if (u.pathname === "/elsewhere") res.writeHead(302, { location: `${b.url}/landed` }).end();
    else if (u.pathname === "/loop") res.writeHead(302, { location: "/loop" }).end();
    else if (u.pathname === "/reset") req.socket.destroy();
    else if (u.pathname === "/hang") setTimeout(() => res.writeHead(200).end("late"), 2_000);
    else if (u.pathname === "/empty") res.writeHead(204).end();
    else res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ message: "Not Found", documentation_url: "https://docs.github.com/rest" }));
  });
});

afterAll(async () => {
  await new Promise((r) => a.server.close(r));
  await new Promise((r) => b.server.close(r));
});

describe("httpFetch (Octokit's request.fetch)", () => {
  it("answers with status, url, iterable headers and the body", async () => {
    const res = await httpFetch(`${a.url}/json`, { headers: { accept: "application/vnd.github+json" } });
    expect(res.status).toBe(200);
    expect(res.ok).toBe(true);
    expect(res.url).toBe(`${a.url}/json`);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(Object.fromEntries(res.headers).link).toBe('<x>; rel="next"');
    expect(JSON.parse(await res.text())).toMatchObject({ ok: true });
  });

  it("decodes a gzip answer", async () => {
    const res = await httpFetch(`${a.url}/gzip`);
    expect(await res.json()).toEqual({ zipped: "ü" });
  });

  it("follows a 307 keeping method and body; a 303 turns a POST into a GET without body", async () => {
    seen.length = 0;
    const kept = await httpFetch(`${a.url}/same`, { method: "POST", body: "{\"x\":1}", headers: { "content-type": "application/json" } });
    expect(kept.status).toBe(200);
    expect(kept.redirected).toBe(true);
    expect(seen.map((s) => [s.method, s.url, s.body])).toEqual([
      ["POST", "/same", '{"x":1}'],
      ["POST", "/json", '{"x":1}'],
    ]);
    seen.length = 0;
    await httpFetch(`${a.url}/see-other`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect(seen.map((s) => [s.method, s.url, s.body, s.type])).toEqual([
      ["POST", "/see-other", "{}", "application/json"],
      ["GET", "/json", "", undefined],
    ]);
  });

  it("drops the authorization header on a cross-origin redirect, keeps it on the same origin", async () => {
    seen.length = 0;
    await httpFetch(`${a.url}/same`, { headers: { authorization: "token secret" } });
    expect(seen.map((s) => s.auth)).toEqual(["token secret", "token secret"]);
    seen.length = 0;
    const res = await httpFetch(`${a.url}/elsewhere`, { headers: { authorization: "token secret" } });
    expect(await res.json()).toEqual({ at: "b" });
    expect(seen.map((s) => [s.url, s.auth])).toEqual([
      ["/elsewhere", "token secret"],
      ["b/landed", undefined],
    ]);
  });

  it("honours redirect: manual and error, and stops a redirect loop", async () => {
    const manual = await httpFetch(`${a.url}/same`, { redirect: "manual" });
    expect(manual.status).toBe(307);
    expect(manual.headers.get("location")).toBe("/json");
    await expect(httpFetch(`${a.url}/same`, { redirect: "error" })).rejects.toThrow(TypeError);
    await expect(httpFetch(`${a.url}/loop`)).rejects.toMatchObject({ name: "TypeError", cause: { message: "redirect count exceeded" } });
  });

  it("rejects a dropped connection like fetch (TypeError with the cause) and an abort with AbortError", async () => {
    await expect(httpFetch(`${a.url}/reset`)).rejects.toMatchObject({ name: "TypeError", message: "fetch failed", cause: { code: "ECONNRESET" } });
    const ctl = new AbortController();
    const pending = httpFetch(`${a.url}/hang`, { signal: ctl.signal });
    ctl.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });

  it("works as @octokit/request's fetch: JSON data, 204, RequestError with GitHub's message, status 500 for a reset", async () => {
    const req = octokitRequest.defaults({ baseUrl: a.url, request: { fetch: httpFetch } });
    const ok = await req("GET /json");
    expect(ok.status).toBe(200);
    expect(ok.data).toMatchObject({ ok: true });
    expect(ok.headers.link).toBe('<x>; rel="next"');
    expect((await req("GET /empty")).status).toBe(204);
    await expect(req("GET /missing")).rejects.toMatchObject({ status: 404, message: "Not Found - https://docs.github.com/rest" });
    await expect(req("GET /reset")).rejects.toMatchObject({ status: 500 });
  });
});
