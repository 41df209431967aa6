/**
 * Memory per installation (SPEC §8: resident memory grows ≤ 50 kB per installation the app has
 * seen, and is flat past its caches). The app as a real process against the fake GitHub: one agent
 * PR (10 files) opened in each of 1,500 installations, one event each; RSS (/proc/<pid>/status)
 * after 1, 100, 1,000 and 1,500 installations. The slope from 100 to 1,000 is the cost of an
 * installation seen; past the per-installation Octokit caches (100 installations,
 * src/github/octokit.ts) what is retained must be flat. Each figure is read after full garbage
 * collections (scripts/bench-memory-probe.cjs, preloaded into the app), so garbage not yet
 * collected does not count.
 * `npm run bench` builds the app first; this module is imported by scripts/bench.js.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadFake } from "./bench-app.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const AGENT = "copilot-swe-agent[bot]";
const row = (name, measured, target, ok) => ({ section: "memory", name, measured: String(measured), target, ok });

/** Full GC in the app, then its RSS and live heap in kB (scripts/bench-memory-probe.cjs). */
async function probe(h, app) {
  const before = app.json().filter((l) => l.msg === "bench-memory-probe").length;
  process.kill(app.child.pid, "SIGUSR2");
  const line = await h.untilStdout(app, () => app.json().filter((l) => l.msg === "bench-memory-probe")[before], "the memory probe line", 30_000);
  return { rss: line.rss / 1024, heap: line.heapUsed / 1024 };
}

export async function run() {
  const h = await loadFake();
  const rows = [];
  const fake = await h.startFakeGitHub({ validateResponses: false });
  const probeFile = join(root, "scripts", "bench-memory-probe.cjs");
  const app = await h.startApp(fake, { LOG_LEVEL: "info", NODE_OPTIONS: `--expose-gc --require=${probeFile}` }, { entry: join(root, "lib", "app", "main.js") });
  const checkpoints = [1, 100, 1000, 1500];
  const rss = {};
  try {
    const w = fake.state;
    let seen = 0;
    let failures = 0;
    const files = {};
    for (let f = 0; f < 10; f++) files[`src/f${f}.ts`] = `export const v = ${f};\n`;
    for (const upTo of checkpoints) {
      const batch = [];
      for (; seen < upTo; seen++) {
        const repo = `inst${seen}/r`;
        w.addRepo(repo, { files: { "README.md": "x\n" }, collaborators: { alice: "write" } });
        const pr = w.addPull(repo, { author: AGENT, head: `copilot/mem-${seen}`, commits: [{ message: "Task", files }] });
        batch.push(h.pullRequestEvent(w, repo, pr.number, "opened"));
      }
      for (let i = 0; i < batch.length; i += 8) {
        const statuses = await Promise.all(batch.slice(i, i + 8).map((d) => h.deliver(app.url, app.secret, d[0], d[1])));
        failures += statuses.filter((s) => s !== 200).length;
      }
      fake.clearLog(); // the fake's request log is the driver's memory, not the app's
      rss[upTo] = await probe(h, app);
    }
    const mb = (kb) => (kb / 1024).toFixed(0);
    const at = checkpoints.map((c) => c.toLocaleString("en-US")).join(" / ");
    rows.push(row(`RSS after warming ${at} installations (one agent PR each; after a full GC)`, checkpoints.map((c) => mb(rss[c].rss)).join(" / ") + " MB", "—", null));
    rows.push(row(`  live JS heap at the same points`, checkpoints.map((c) => mb(rss[c].heap)).join(" / ") + " MB", "—", null));
    const slope = (rss[1000].rss - rss[100].rss) / 900;
    rows.push(row("  RSS per installation seen (slope 100 → 1,000)", `${slope.toFixed(1)} kB`, "≤ 50 kB (SPEC §8)", slope <= 50));
    // Past the caches, what is retained must not grow: judged on the live heap, since RSS moves by
    // several MB either way with where V8 and malloc keep freed pages (±10 kB per installation here).
    const past = (rss[1500].rss - rss[1000].rss) / 500;
    const pastHeap = (rss[1500].heap - rss[1000].heap) / 500;
    rows.push(row("  per installation past the cache bound (slope 1,000 → 1,500): live heap | RSS", `${pastHeap.toFixed(1)} kB | ${past.toFixed(1)} kB`, "flat (live heap ≤ 5 kB)", pastHeap <= 5));
    if (failures > 0) rows.push(row("  failed deliveries", failures, "0", false));
    if (fake.violations.length > 0) rows.push(row("  fake GitHub contract violations", fake.violations.length, "0", false));
  } finally {
    await app.stop();
    await fake.close();
  }
  return rows;
}
