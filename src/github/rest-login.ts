/**
 * The REST spelling of an actor's login. GraphQL's `Bot.login` is the App's slug without the "[bot]"
 * suffix that REST, webhooks (`sender`, `pull_request.user`), noreply e-mails and policy files
 * (`agents.ignore`, `logins`, `users`) carry: REST `dependabot[bot]` is GraphQL `dependabot`
 * (chdsbd/kodiak#288: "The v3 API returns the name, appended with `[bot]` … the v4 api simply returns
 * "kodiakhq""; fullsend-ai/fullsend#6205: a `Bot` review author read back as `fullsend-ai-review`).
 * Re-adding it here, the one place GraphQL actors enter the app, means the engine, the summary, the
 * audit log and the stored Approve clicks (webhook `sender.login`) all compare one spelling.
 * (`GitActor.user` is typed `User`, so commit identities never carry a Bot login.)
 */
export function restLogin(actor: { __typename: string; login: string }): string {
  return actor.__typename === "Bot" && !actor.login.toLowerCase().endsWith("[bot]") ? `${actor.login}[bot]` : actor.login;
}
