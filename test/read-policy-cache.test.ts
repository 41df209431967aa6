import { describe, expect, it } from "vitest";
import type { GitHub } from "../src/github/client.js";
import { PolicyCache } from "../src/github/policy-cache.js";
import { checkHeadPolicy, readPolicy } from "../src/github/read-policy.js";

// The engine caches compiled matchers and detection config per Policy OBJECT (WeakMaps), so the reader
// must hand it the same object for the same policy text, and never a stale one for a changed text.
// The cache is explicit state (the app's AppState owns one): every read below shares this one.
const policies = new PolicyCache();
const blob = (text: string) => ({ __typename: "Blob", text, isTruncated: false, oid: "1" });
const at = (repo: string, text: string | null) => ({ owner: "acme", repo, ref: "main", blob: text === null ? null : blob(text) });
const noNetwork = {
  graphql: () => {
    throw new Error("unexpected GraphQL request");
  },
} as unknown as GitHub;
const linked = (files: Record<string, string>) =>
  ({
    graphql: (_q: string, v: { name: string }) => Promise.resolve({ repository: { object: files[v.name] === undefined ? null : blob(files[v.name]!) } }),
  }) as unknown as GitHub;

describe("readPolicy reuses one parsed policy per distinct input", () => {
  it("the same text gives the same (frozen) Policy object; another text a different one", async () => {
    const text = "version: 1\ndefault: block\n";
    const a = await readPolicy(noNetwork, at("one", text), null, policies);
    const b = await readPolicy(noNetwork, at("one", text), null, policies);
    expect(a.status).toBe("ok");
    if (a.status !== "ok" || b.status !== "ok") return;
    expect(b.policy).toBe(a.policy);
    expect(Object.isFrozen(a.policy)).toBe(true);
    expect(() => {
      (a.policy as { default: string }).default = "allow";
    }).toThrow(TypeError);
    const c = await readPolicy(noNetwork, at("one", "version: 1\ndefault: allow\n"), null, policies);
    expect(c).toMatchObject({ status: "ok", policy: { default: "allow" } });
    expect(c.status === "ok" && c.policy).not.toBe(a.policy);
    expect(c.status === "ok" && c.hash).not.toBe(a.hash);
  });

  it("errors name the file they were read from, even when another repository has the same broken text", async () => {
    const broken = "version: 1\ndefault: alow\n";
    const one = await readPolicy(noNetwork, at("one", broken), null, policies);
    const two = await readPolicy(noNetwork, at("two", broken), null, policies);
    expect(one).toMatchObject({ status: "invalid", errors: [{ file: "acme/one@main:.github/agent-policy.yml" }] });
    expect(two).toMatchObject({ status: "invalid", errors: [{ file: "acme/two@main:.github/agent-policy.yml" }] });
  });

  it("an _extends target whose text changed is parsed again (the cache key is every layer's text)", async () => {
    const base = "version: 1\n_extends: shared\n";
    const first = await readPolicy(linked({ shared: "version: 1\ndefault: block\n" }), at("api", base), null, policies);
    const second = await readPolicy(linked({ shared: "version: 1\ndefault: allow\n" }), at("api", base), null, policies);
    expect(first).toMatchObject({ status: "ok", policy: { default: "block" } });
    expect(second).toMatchObject({ status: "ok", policy: { default: "allow" } });
  });

  it("the head copy's validation is per file and text", () => {
    expect(checkHeadPolicy(blob("version: 1\n"), "h.yml", policies)).toEqual({ status: "valid" });
    expect(checkHeadPolicy(blob("version: 1\ndefault: alow\n"), "h.yml", policies)).toMatchObject({ status: "invalid", errors: [{ file: "h.yml" }] });
    expect(checkHeadPolicy(blob("version: 1\ndefault: alow\n"), "other.yml", policies)).toMatchObject({ status: "invalid", errors: [{ file: "other.yml" }] });
  });

  it("the cache is the caller's: another PolicyCache shares nothing, and each keeps at most its bound", async () => {
    const text = "version: 1\ndefault: block\n";
    const mine = new PolicyCache(2);
    const a = await readPolicy(noNetwork, at("one", text), null, mine);
    const other = await readPolicy(noNetwork, at("one", text), null, new PolicyCache());
    expect(a.status === "ok" && other.status === "ok" && other.policy).not.toBe(a.status === "ok" && a.policy);
    for (const repo of ["two", "three", "four"]) await readPolicy(noNetwork, at(repo, text), null, mine);
    expect(mine.size.loaded).toBe(2);
    // "one" was the least recently used: evicted, so reading it again parses a new object.
    const again = await readPolicy(noNetwork, at("one", text), null, mine);
    expect(again.status === "ok" && again.policy).not.toBe(a.status === "ok" && a.policy);
  });
});
