#!/usr/bin/env node
// The `agent-gate` command (docs/cli.md). The code is in lib/, built from src/ by `npm run build`.

// `agent-gate check | head` closes the pipe early; that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

let main;
try {
  ({ main } = await import("../lib/cli/main.js"));
} catch (error) {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("lib/cli/main.js")) {
    process.stderr.write("agent-gate: lib/ is missing; run `npm run build` in the agent-gate package first\n");
    process.exit(3);
  }
  throw error;
}

process.exitCode = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
});
