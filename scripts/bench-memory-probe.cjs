// Preloaded into the app by scripts/bench-memory.js only (NODE_OPTIONS=--expose-gc --require …):
// on SIGUSR2, full garbage collections (with a pause between them, so V8 can hand freed pages back),
// then one JSON line on stdout with process.memoryUsage(): the bench reads what the app RETAINS,
// not garbage that has not been collected yet.
"use strict";
process.on("SIGUSR2", () => {
  globalThis.gc();
  setTimeout(() => {
    globalThis.gc();
    globalThis.gc();
    const m = process.memoryUsage();
    process.stdout.write(`${JSON.stringify({ msg: "bench-memory-probe", rss: m.rss, heapUsed: m.heapUsed, external: m.external })}\n`);
  }, 500);
});
