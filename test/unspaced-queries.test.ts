/**
 * GraphQL queries of an evaluation go through the installation's cached query Octokit (no 1 s write
 * spacing), REST writes keep the spacing, and each evaluation counts its own requests. Probot's own
 * event path (`appOctokit.auth({ type: "event-octokit" })`, what its webhook transform does) against
 * the fake GitHub, with the PRODUCTION throttle (no AGENT_GATE_TEST_NO_THROTTLE).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Probot } from "probot";
import { startFakeGitHub, type FakeGitHub } from "./fake-github/index.js";
import { countingOctokit, newRequestCounts, type GitHub } from "../src/github/client.js";
import { createAppOctokit, QueryOctokits, reuseEventOctokits, withUnspacedQueries, type AuthStrategyForTests } from "../src/github/octokit.js";

let fake: FakeGitHub;
let appOctokit: GitHub;
const ids: Record<string, number> = {};
/** The query Octokits, as one app instance holds them (AppState.queryOctokits). */
const queries = new QueryOctokits();

const REPO_QUERY = "query Repo($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { name } }";

function eventOctokit(owner: string): Promise<GitHub> {
  const event = { id: `d-${owner}`, name: "pull_request", payload: { action: "opened", installation: { id: ids[owner] } } };
  return (appOctokit.auth as (o: unknown) => Promise<GitHub>)({ type: "event-octokit", event });
}

beforeAll(async () => {
  fake = await startFakeGitHub();
  for (const owner of ["acme", "beta"]) {
    fake.state.addRepo(`${owner}/r`, { files: { "README.md": "x\n" } });
    ids[owner] = fake.state.installationFor(owner).id;
  }
  const probot = new Probot({ appId: fake.appId, privateKey: fake.privateKey, baseUrl: fake.apiUrl, logLevel: "warn", Octokit: createAppOctokit({}) });
  appOctokit = (await probot.auth());
});

afterAll(async () => {
  await fake.close();
});

describe("withUnspacedQueries", () => {
  it("reuses one query Octokit per installation, built once, and keeps REST on the event's Octokit", async () => {
    const created: number[] = [];
    const onCreate = (_: GitHub, id: number) => created.push(id);
    const [a, b] = [await eventOctokit("acme"), await eventOctokit("beta")];
    const reads = await Promise.all([a, a, b].map((gh) => withUnspacedQueries(queries, gh, newRequestCounts(), onCreate)));
    expect(created.sort()).toEqual([ids.acme, ids.beta].sort());
    const sawQuery: string[] = [];
    const stop = { on: true };
    a.hook.before("request", (o) => {
      if (stop.on) sawQuery.push(o.url);
    });
    await reads[0]!.graphql(REPO_QUERY, { owner: "acme", name: "r" });
    const { data } = await reads[0]!.rest.repos.get({ owner: "acme", repo: "r" });
    stop.on = false;
    expect(data.name).toBe("r");
    // The query bypassed the event Octokit's hooks; the REST read went through them.
    expect(sawQuery).toEqual(["/repos/{owner}/{repo}"]);
  });

  it("does not space queries 1 s apart (production throttle), while the event Octokit still does", async () => {
    const gh = await eventOctokit("beta");
    const reads = await withUnspacedQueries(queries, gh, newRequestCounts());
    const time = async (octokit: GitHub) => {
      const t = performance.now();
      for (let i = 0; i < 3; i++) await octokit.graphql(REPO_QUERY, { owner: "beta", name: "r" });
      return performance.now() - t;
    };
    // plugin-throttling's write group: minTime 1000 ms, so three spaced requests take ≥ 2 s by construction.
    expect(await time(reads)).toBeLessThan(2_000);
    expect(await time(gh)).toBeGreaterThanOrEqual(1_990);
  });

  it("sends a GraphQL mutation through the event Octokit (spaced like any write)", async () => {
    const gh = await eventOctokit("acme");
    const reads = await withUnspacedQueries(queries, gh, newRequestCounts());
    const seen: string[] = [];
    let on = true;
    gh.hook.before("request", (o) => {
      if (on) seen.push(o.url);
    });
    // The fake answers mutations with an error; where the request went is what matters.
    await reads.graphql("mutation { addStar(input: { starrableId: \"x\" }) { clientMutationId } }").catch(() => undefined);
    on = false;
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/\/graphql$/);
  });
});

describe("event Octokits (Probot's per-delivery Octokit), reused per installation", () => {
  it("one instance per installation across deliveries; installation events and deliveries without an installation get Probot's own answer", async () => {
    const [a1, a2, b1] = [await eventOctokit("acme"), await eventOctokit("acme"), await eventOctokit("beta")];
    expect(a1).toBe(a2);
    expect(b1).not.toBe(a1);
    const auth = appOctokit.auth as (o: unknown) => Promise<GitHub>;
    const installationEvent = { id: "i", name: "installation", payload: { action: "created", installation: { id: ids.acme } } };
    const [i1, i2] = [await auth({ type: "event-octokit", event: installationEvent }), await auth({ type: "event-octokit", event: installationEvent })];
    expect(i1).not.toBe(i2);
    expect(i1).not.toBe(a1);
    const noInstallation = { id: "n", name: "pull_request", payload: { action: "opened" } };
    const n1 = await auth({ type: "event-octokit", event: noInstallation });
    expect(await n1.auth()).toMatchObject({ type: "unauthenticated" });
    // The reused Octokit still works (its token comes from the app's token cache on each request).
    const { data } = await a2.rest.repos.get({ owner: "acme", repo: "r" });
    expect(data.name).toBe("r");
  });

  it("bounded, least recently used out; concurrent first deliveries build one; a failed build is not kept", async () => {
    let built = 0;
    let fail = false;
    const strategy = (() => {
      const auth = async (o: { event: { payload: { installation: { id: number } } } }) => {
        built += 1;
        await Promise.resolve();
        if (fail) throw new Error("token request failed");
        return { octokitFor: o.event.payload.installation.id, n: built };
      };
      return Object.assign(auth, { hook: () => Promise.reject(new Error("unused")) });
    }) as unknown as AuthStrategyForTests;
    const auth = reuseEventOctokits(strategy, 2)({} as never) as unknown as (o: unknown) => Promise<{ octokitFor: number; n: number }>;
    const ask = (id: number) => auth({ type: "event-octokit", event: { name: "pull_request", payload: { installation: { id } } } });
    const [x, y] = await Promise.all([ask(1), ask(1)]);
    expect(x).toBe(y);
    expect(built).toBe(1);
    await ask(2);
    await ask(1); // 1 is now the most recent: 2 goes when 3 arrives
    await ask(3);
    expect(built).toBe(3);
    expect(await ask(1)).toBe(x);
    await ask(2);
    expect(built).toBe(4);
    fail = true;
    await expect(ask(4)).rejects.toThrow("token request failed");
    fail = false;
    expect((await ask(4)).octokitFor).toBe(4);
    expect(built).toBe(6);
  });

  it("counts each evaluation's own requests (REST and GraphQL) while evaluations run concurrently on the one shared Octokit", async () => {
    const gh = await eventOctokit("acme");
    const counts = [newRequestCounts(), newRequestCounts(), newRequestCounts()];
    await Promise.all(
      counts.map(async (c, i) => {
        const view = countingOctokit(gh, c);
        const reads = await withUnspacedQueries(queries, view, c);
        await Promise.all(Array.from({ length: i + 1 }, () => reads.graphql(REPO_QUERY, { owner: "acme", name: "r" })));
        await Promise.all(Array.from({ length: 3 - i }, () => view.rest.repos.get({ owner: "acme", repo: "r" })));
      }),
    );
    // A view of a view counts in the newer counts only; paginate and request count too.
    const outer = newRequestCounts();
    const inner = newRequestCounts();
    const twice = countingOctokit(countingOctokit(gh, outer), inner);
    await twice.paginate(twice.rest.repos.listForOrg, { org: "acme", per_page: 100 }).catch(() => undefined);
    await twice.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "r" });
    await twice.graphql(REPO_QUERY, { owner: "acme", name: "r" });
    expect(outer).toEqual({ rest: 0, graphql: 0, conditional: 0 });
    expect({ ...inner }).toEqual({ rest: 2, graphql: 1, conditional: 0 });
    await gh.rest.repos.get({ owner: "acme", repo: "r" }); // outside any evaluation: counted nowhere
    expect(counts.map((c) => ({ ...c }))).toEqual([
      { rest: 3, graphql: 1, conditional: 0 },
      { rest: 2, graphql: 2, conditional: 0 },
      { rest: 1, graphql: 3, conditional: 0 },
    ]);
  });
});
