#!/usr/bin/env node
/**
 * First step of `npm test`: make sure a real `redis-server` is on this machine for the three test
 * files that need one (test/redis.test.ts, test/redis-replicas-race.test.ts, test/sha-lock.test.ts).
 *
 * 1. `redis-server` on PATH → nothing to do.
 * 2. Else, running as root with apt-get (Debian/Ubuntu, CI, containers) → install Debian's
 *    `redis-server` package. No npm package ships a prebuilt redis-server inside its tarball
 *    (redis-memory-server downloads and compiles the sources at install time), so the distribution
 *    package is the well-kept source of the binary.
 * 3. Else → one loud line; those three files then skip (test/helpers/redis-server.ts), every other
 *    test runs. Under CI (CI=true) a missing server is an error instead: CI must run them.
 *
 * Never fails `npm test` on a developer machine because of Redis alone.
 */
import { spawnSync } from "node:child_process";

function has(command, args = ["--version"]) {
  const r = spawnSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return !r.error && r.status === 0 ? r.stdout.trim() : null;
}

const isCi = process.env.CI === "true" || process.env.CI === "1";
let version = has("redis-server");
if (version) {
  console.log(`redis-server found: ${version}`);
  process.exit(0);
}

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
if (isRoot && has("apt-get", ["--version"])) {
  console.log("redis-server not found: installing Debian's redis-server package (apt-get, as root) for the Redis tests");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const update = spawnSync("apt-get", ["update", "-qq"], { stdio: ["ignore", "ignore", "inherit"], env });
  const install =
    update.status === 0
      ? spawnSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "redis-server"], { stdio: ["ignore", "ignore", "inherit"], env })
      : update;
  // The package starts a system service where systemd runs; the tests start their own throw-away
  // servers on free ports and never use it.
  version = install.status === 0 ? has("redis-server") : null;
  if (version) {
    console.log(`redis-server installed: ${version}`);
    process.exit(0);
  }
}

const notice =
  "NOTICE: no redis-server on this machine (install Debian's redis-server, or run npm test as root with apt-get): " +
  "test/redis.test.ts, test/redis-replicas-race.test.ts and test/sha-lock.test.ts will be SKIPPED";
if (isCi) {
  console.error(`${notice.replace("will be SKIPPED", "cannot run")}; CI must run them — failing.`);
  process.exit(1);
}
console.error(`\n*** ${notice} ***\n`);
