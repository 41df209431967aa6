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

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  body: string;
  encoding: string | undefined;
}
const seen: Seen[] = [];
let a: { server: Server; url: string };
let b: { server: Server; url: string };
const hung: ServerResponse[] = [];

beforeAll(async () => {
  b = await listen((req, body, res) => {
    seen.push({ method: req.method!, url: `b${req.url}`, auth: req.headers.authorization, body, encoding: req.headers["accept-encoding"] });
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ at: "b" }));
  });
  a = await listen((req, body, res) => {
    seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body, encoding: req.headers["accept-encoding"] });
    const u = new URL(req.url!, "http://x");
    if (u.pathname === "/json") res.writeHead(200, { "content-type": "application/json; charset=utf-8", link: '<x>; rel="next"' }).end(JSON.stringify({ ok: true, echo: body }));
    else if (u.pathname === "/same") res.writeHead(307, { location: "/json" }).end();
    else if (u.pathname === "/elsewhere") res.writeHead(302, { location: `${b.url}/landed` }).end();
    else if (u.pathname === "/gzip") res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" }).end(gzipSync("{}"));
    else if (u.pathname === "/reset") req.socket.destroy();
    else if (u.pathname === "/hang") hung.push(res);
    else if (u.pathname === "/empty") res.writeHead(204).end();
    else res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ message: "Not Found", documentation_url: "https://docs.github.com/rest" }));
  });
});

afterAll(async () => {
  for (const res of hung) res.end();
  await new Promise((r) => a.server.close(r));
  await new Promise((r) => b.server.close(r));
});

describe("httpFetch (Octokit's request.fetch over undici's request())", () => {
  const req = () => octokitRequest.defaults({ baseUrl: a.url, request: { fetch: httpFetch } });

  it("works as @octokit/request's fetch: JSON data and headers, body sent, 204, GitHub's error message", async () => {
    seen.length = 0;
    const ok = await req()("POST /json", { data: { x: 1 } });
    expect(ok.status).toBe(200);
    expect(ok.url).toBe(`${a.url}/json`);
    expect(ok.data).toEqual({ ok: true, echo: '{"x":1}' });
    expect(ok.headers.link).toBe('<x>; rel="next"');
    expect(ok.headers["content-type"]).toBe("application/json; charset=utf-8");
    // No compression asked for, so none to decode (see the module comment).
    expect(seen[0]!.encoding).toBe("identity");
    expect((await req()("GET /empty")).status).toBe(204);
    await expect(req()("GET /missing")).rejects.toMatchObject({ status: 404, message: "Not Found - https://docs.github.com/rest" });
  });

  it("follows redirects (undici's interceptor), keeping a 307's method and body and dropping authorization across origins", async () => {
    seen.length = 0;
    const kept = await req()("POST /same", { data: { x: 1 }, headers: { authorization: "token secret" } });
    expect(kept.url).toBe(`${a.url}/json`);
    expect(seen.map((s) => [s.method, s.url, s.body, s.auth])).toEqual([
      ["POST", "/same", '{"x":1}', "token secret"],
      ["POST", "/json", '{"x":1}', "token secret"],
    ]);
    seen.length = 0;
    const moved = await httpFetch(`${a.url}/elsewhere`, { headers: { authorization: "token secret" } });
    expect([moved.url, moved.redirected, await moved.json()]).toEqual([`${b.url}/landed`, true, { at: "b" }]);
    expect(seen.map((s) => [s.url, s.auth])).toEqual([
      ["/elsewhere", "token secret"],
      ["b/landed", undefined],
    ]);
  });

  it("honours redirect: manual and error", async () => {
    const manual = await httpFetch(`${a.url}/same`, { redirect: "manual" });
    expect([manual.status, manual.headers.get("location"), manual.redirected]).toEqual([307, "/json", false]);
    await expect(httpFetch(`${a.url}/same`, { redirect: "error" })).rejects.toMatchObject({ name: "TypeError", cause: { message: "unexpected redirect to /json" } });
  });

  it("rejects a dropped connection and an unasked-for coding as fetch failed (Octokit: status 500), an abort as AbortError", async () => {
    await expect(httpFetch(`${a.url}/reset`)).rejects.toMatchObject({ name: "TypeError", message: "fetch failed", cause: { code: "UND_ERR_SOCKET" } });
    await expect(req()("GET /reset")).rejects.toMatchObject({ name: "HttpError", status: 500 });
    await expect(req()("GET /gzip")).rejects.toMatchObject({ status: 500, message: "the answer is gzip-coded though the request asked for identity" });
    const ctl = new AbortController();
    const pending = req()("GET /hang", { request: { signal: ctl.signal } });
    await expect.poll(() => hung.length).toBe(1);
    ctl.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });
});
