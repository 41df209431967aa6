#!/usr/bin/env node
// Writes schema/agent-policy.schema.json from the compiled schema module (src/engine/policy/schema.ts
// is the source of truth; the JSON file ships in the package for editors). Run after `npm run build`:
//
//   npm run build && node scripts/gen-schema.js          # rewrite the file
//   npm run build && node scripts/gen-schema.js --check  # exit 1 when the file is out of date
//
// test/policy.test.ts fails as well when the shipped file and the module differ.
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { POLICY_SCHEMA } from "../lib/engine/policy/schema.js";

const target = fileURLToPath(new URL("../schema/agent-policy.schema.json", import.meta.url));
const wanted = `${JSON.stringify(POLICY_SCHEMA, null, 2)}\n`;

if (process.argv.includes("--check")) {
  const current = await readFile(target, "utf8").catch(() => "");
  if (current !== wanted) {
    console.error(`${target} is out of date: run "npm run build && node scripts/gen-schema.js"`);
    process.exitCode = 1;
  }
} else {
  await writeFile(target, wanted);
  console.log(`wrote ${target}`);
}
