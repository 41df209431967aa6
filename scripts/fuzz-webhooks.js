#!/usr/bin/env node
// Long pass of the webhook-handler fuzzer (test/e2e/webhook-fuzz.test.ts): the same test, more runs.
//   npm run fuzz:webhooks                 # 2,000 mutated deliveries, seed 1
//   npm run fuzz:webhooks -- 10000 42     # runs, seed
// Needs `npm run build` (the test runs lib/app/main.js). A failure names the seed and iteration.
import { spawnSync } from "node:child_process";

const [runs = "2000", seed = "1"] = process.argv.slice(2);
if (!/^\d+$/.test(runs) || !/^\d+$/.test(seed)) {
  process.stderr.write("usage: npm run fuzz:webhooks -- [runs] [seed]\n");
  process.exit(2);
}
const result = spawnSync(process.execPath, ["node_modules/vitest/vitest.mjs", "run", "test/e2e/webhook-fuzz.test.ts"], {
  stdio: "inherit",
  env: { ...process.env, AGENT_GATE_FUZZ_RUNS: runs, AGENT_GATE_FUZZ_SEED: seed },
});
process.exit(result.status ?? 1);
