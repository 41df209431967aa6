// A minimal Probot app used only by test/fake-github.test.ts to exercise the fake end to end the
// way the real app uses it: Probot's GHE settings, app JWT → installation token, REST and GraphQL.
// (The real app is lib/app/main.js; this is not a copy of it.)
import { run } from "probot";

await run((app) => {
  app.on("pull_request.opened", async (context) => {
    const { owner, repo } = context.repo();
    const number = context.payload.pull_request.number;
    const data = await context.octokit.graphql(
      `query StandinPull($owner: String!, $name: String!, $n: Int!) {
        repository(owner: $owner, name: $name) { pullRequest(number: $n) { headRefOid files(first: 100) { totalCount } } }
      }`,
      { owner, name: repo, n: number },
    );
    const pr = data.repository.pullRequest;
    await context.octokit.rest.checks.create(
      context.repo({
        name: "standin",
        head_sha: pr.headRefOid,
        conclusion: "success",
        output: { title: "standin", summary: `${pr.files.totalCount} files` },
      }),
    );
    context.log.info({ number }, "standin handled");
  });
});
