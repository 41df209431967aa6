/**
 * GraphQL queries of an evaluation go through the installation's cached query Octokit (no 1 s write
 * spacing), REST writes keep the spacing, and each evaluation counts its own requests. Probot's own
 * event path (`appOctokit.auth({ type: "event-octokit" })`, what its webhook transform does) against
 * the fake GitHub, with the PRODUCTION throttle (no AGENT_GATE_TEST_NO_THROTTLE).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Probot } from "probot";
import { startFakeGitHub, type FakeGitHub } from "./fake-github/index.js";
import { requestCounter, type GitHub } from "../src/github/client.js";
import { createAppOctokit, withUnspacedQueries } from "../src/github/octokit.js";

let fake: FakeGitHub;
let appOctokit: GitHub;
const ids: Record<string, number> = {};

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
  appOctokit = (await probot.auth()) as GitHub;
});

afterAll(async () => {
  await fake.close();
});

describe("withUnspacedQueries", () => {
  it("reuses one query Octokit per installation across events, built once, and keeps REST on the event's Octokit", async () => {
    const created: number[] = [];
    const onCreate = (_: GitHub, id: number) => created.push(id);
    const [a1, a2, b1] = [await eventOctokit("acme"), await eventOctokit("acme"), await eventOctokit("beta")];
    const reads = await Promise.all([a1, a2, b1].map((gh) => withUnspacedQueries(gh, requestCounter(gh), onCreate)));
    expect(created.sort()).toEqual([ids.acme, ids.beta].sort());
    const sawQuery: string[] = [];
    for (const [i, gh] of [a1, a2, b1].entries()) gh.hook.before("request", (o) => void sawQuery.push(`${i} ${String(o.url)}`));
    await reads[0]!.graphql(REPO_QUERY, { owner: "acme", name: "r" });
    const { data } = await reads[0]!.rest.repos.get({ owner: "acme", repo: "r" });
    expect(data.name).toBe("r");
    // The query bypassed the event Octokit's hooks; the REST read went through them.
    expect(sawQuery).toEqual(["0 /repos/{owner}/{repo}"]);
  });

  it("counts each evaluation's own queries while installations' evaluations run concurrently on one shared Octokit", async () => {
    const events = await Promise.all(["acme", "acme", "acme"].map(eventOctokit));
    const counters = events.map((gh) => requestCounter(gh));
    const reads = await Promise.all(events.map((gh, i) => withUnspacedQueries(gh, counters[i]!)));
    await Promise.all(reads.map((gh, i) => Promise.all(Array.from({ length: i + 1 }, () => gh.graphql(REPO_QUERY, { owner: "acme", name: "r" })))));
    await reads[2]!.rest.repos.get({ owner: "acme", repo: "r" });
    expect(counters).toEqual([
      { rest: 0, graphql: 1, conditional: 0 },
      { rest: 0, graphql: 2, conditional: 0 },
      { rest: 1, graphql: 3, conditional: 0 },
    ]);
  });

  it("does not space queries 1 s apart (production throttle), while the event Octokit still does", async () => {
    const gh = await eventOctokit("beta");
    const reads = await withUnspacedQueries(gh, requestCounter(gh));
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
    const reads = await withUnspacedQueries(gh, requestCounter(gh));
    const seen: string[] = [];
    gh.hook.before("request", (o) => void seen.push(String(o.url)));
    // The fake answers mutations with an error; where the request went is what matters.
    await reads.graphql("mutation { addStar(input: { starrableId: \"x\" }) { clientMutationId } }").catch(() => undefined);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/\/graphql$/);
  });
});
