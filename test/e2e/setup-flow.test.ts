/**
 * `npm start`'s first run (no APP_ID): Probot's set-up flow registers the app from app.yml. The
 * webhook URL it registers must reach the path the app serves. With smee-client installed (a
 * dependency) and WEBHOOK_PROXY_URL set — by Probot's channel creation on smee.io, or by hand —
 * the manifest names the proxy channel, and smee-client forwards the channel to
 * /api/github/webhooks. Hermetic: a local stand-in for smee.io (test/helpers/fake-smee.ts)
 * provides the channel; WEBHOOK_PROXY_URL preset is Probot's documented way to skip creating one.
 */
import { randomUUID } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sign } from "@octokit/webhooks-methods";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../fake-github/index.js";
import { REPO_ROOT, startApp, untilStdout, waitForLogLine, type AppProcess } from "../helpers/app-process.js";
import { AGENT, CHECK_NAME } from "../helpers/e2e-harness.js";
import { startFakeSmee, type FakeSmee } from "../helpers/fake-smee.js";
import { pullRequestEvent } from "../helpers/webhooks.js";

let fake: FakeGitHub;
let smee: FakeSmee;
let dir: string;
const apps: AppProcess[] = [];

beforeAll(async () => {
  fake = await startFakeGitHub();
  smee = await startFakeSmee();
  // Probot reads app.yml and package.json from the working directory and writes .env there at the
  // end of the flow: a copy of the two files in a temporary directory keeps the repository clean.
  dir = mkdtempSync(join(tmpdir(), "agent-gate-setup-"));
  for (const f of ["app.yml", "package.json"]) copyFileSync(join(REPO_ROOT, f), join(dir, f));
});
/* eslint-disable @typescript-eslint/no-unnecessary-condition -- each is unset when beforeAll failed before starting it; its declared type cannot say so */
afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  await smee?.close();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});
/* eslint-enable @typescript-eslint/no-unnecessary-condition */

describe("set-up flow (npm start without APP_ID)", () => {
  it("registers the smee channel as the webhook URL, forwarded to the path the app serves", async () => {
    const channel = `setup-${randomUUID()}`;
    const proxyUrl = smee.channelUrl(channel);
    const app = await startApp(fake, { APP_ID: "", PRIVATE_KEY: "", WEBHOOK_SECRET: "", WEBHOOK_PROXY_URL: proxyUrl, LOG_FORMAT: "json" }, { cwd: dir });
    apps.push(app);
    await smee.connected(channel);

    const res = await fetch(`${app.url}/probot`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const value = /name="manifest" id="manifest" value='([^']*)'/.exec(html)?.[1];
    expect(value, "the set-up page posts a manifest").toBeDefined();
    const manifest = JSON.parse(value!) as { name: string; hook_attributes: { url: string }; redirect_url: string; default_events: string[]; default_permissions: Record<string, string> };
    // The registered webhook URL is the proxy channel, not Probot's fallback `${baseUrl}/`.
    expect(manifest.hook_attributes.url).toBe(proxyUrl);
    expect(manifest.redirect_url).toBe(`${app.url}/probot/setup`);
    expect(manifest.name).toBe("agent-gate");
    expect(manifest.default_events).toContain("pull_request");
    expect(manifest.default_permissions.checks).toBe("write");

    // smee-client is there (no "SmeeClient is not available") and forwards to /api/github/webhooks.
    const forwarding = await untilStdout(app, () => app.logs.find((l) => l.includes("Forwarding")), "smee-client's Forwarding line");
    expect(forwarding).toContain(`Forwarding ${proxyUrl} to http://127.0.0.1:${app.port}/api/github/webhooks`);
    expect(app.logs.join("\n")).not.toMatch(/SmeeClient is not available|npm install --save-dev smee-client/);

    // Stopping in set-up mode (where the app function never runs) names the app once.
    await app.stop();
    const output = [...app.logs, ...app.stderr].join("\n");
    expect(output).toContain("agent-gate: stopping");
    expect(output).not.toContain("agent-gate: agent-gate:");
    expect(existsSync(join(dir, ".env")), "a preset WEBHOOK_PROXY_URL creates no channel and writes nothing").toBe(false);
  });

  it("the registered app then receives webhooks through the channel: a delivery becomes a check", async () => {
    const channel = `app-${randomUUID()}`;
    const app = await startApp(fake, { WEBHOOK_PROXY_URL: smee.channelUrl(channel) }, { cwd: dir });
    apps.push(app);
    await smee.connected(channel);
    await untilStdout(app, () => app.logs.find((l) => l.includes("Forwarding")), "smee-client's Forwarding line");

    fake.state.addRepo("acme/smee", { files: { "README.md": "# smee\n" }, collaborators: { alice: "write" } });
    const pull = fake.state.addPull("acme/smee", { author: AGENT, head: "copilot/smee", commits: [{ message: "Change things", files: { "src/a.ts": "export const a = 1;\n" } }] });
    const [name, payload] = pullRequestEvent(fake, "acme/smee", pull.number, "opened");
    // smee.io relays the headers and the parsed body; smee-client re-serialises the body with
    // JSON.stringify, so GitHub's signature is over exactly that text.
    const body = JSON.stringify(payload);
    smee.push(
      channel,
      {
        "x-github-event": name,
        "x-github-delivery": randomUUID(),
        "x-hub-signature-256": await sign(app.secret, body),
        "user-agent": "GitHub-Hookshot/fake",
      },
      payload,
    );
    const forwarded = await waitForLogLine(app, (l) => typeof l.msg === "string" && l.msg.startsWith(`POST http://127.0.0.1:${app.port}/api/github/webhooks`), 15_000);
    expect(forwarded.msg).toMatch(/ - 200$/);
    const runs = fake.state.checkRuns("acme/smee", pull.headSha, CHECK_NAME);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.conclusion).toBe("action_required");
  });
});
