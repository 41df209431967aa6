/**
 * A real, throw-away `redis-server` (the Debian package; `npm test` installs it when it runs as root
 * with apt-get, scripts/ensure-redis-server.js) on a free loopback
 * port, in a temporary directory, without persistence (`--save ''`, `--appendonly no`). Ready when it
 * logs "Ready to accept connections" and answers PING; stopped (SIGTERM, then SIGKILL) by `stop()`.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./app-process.js";

export interface RedisServer {
  url: string;
  port: number;
  /** stdout of the server (its log). */
  log: string[];
  stop(): Promise<void>;
  /** SIGKILL, as a crash or an OOM kill would (nothing saved: the server runs without persistence). */
  kill(): Promise<void>;
}

const REDIS_TEST_FILES = "test/redis.test.ts, test/redis-replicas-race.test.ts and test/sha-lock.test.ts";

function redisServerVersion(): string | null {
  const found = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  return found.error || found.status !== 0 ? null : found.stdout.trim();
}

/**
 * Whether the Redis tests of `file` can run. Without a redis-server they are skipped with one loud
 * line, except under CI (CI=true), where they must run: there a missing server throws.
 */
export function redisServerAvailable(file: string): boolean {
  if (redisServerVersion()) return true;
  if (process.env.CI === "true" || process.env.CI === "1") {
    throw new Error(`redis-server is not installed, but ${file} needs a real one and CI must run it (npm test installs it as root via apt-get).`);
  }
  console.warn(`NOTICE: no redis-server on this machine — SKIPPING ${file} (needs the Debian package redis-server; see README, Tests).`);
  return false;
}

/** Throws with what to do when the binary is missing. */
export function requireRedisServer(): string {
  const version = redisServerVersion();
  if (!version) {
    throw new Error(
      `redis-server is not installed, but ${REDIS_TEST_FILES} need a real one. Install the Debian package ` +
        "(`apt-get update && apt-get install -y redis-server`; npm test does this itself when run as root) and run the tests again.",
    );
  }
  return version;
}

/** Send one inline command and read one reply line (RESP), e.g. `+PONG`. */
export function redisCommand(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let data = "";
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write(`${command}\r\n`));
    socket.on("data", (chunk: string) => {
      data += chunk;
      const end = data.indexOf("\r\n");
      if (end >= 0) {
        socket.end();
        resolve(data.slice(0, end));
      }
    });
    socket.on("error", reject);
  });
}

/** `port`: start on this one (e.g. to restart a killed server empty where its clients reconnect). */
export async function startRedisServer(timeoutMs = 10_000, fixedPort?: number): Promise<RedisServer> {
  requireRedisServer();
  const dir = mkdtempSync(join(tmpdir(), "agent-gate-redis-"));
  const port = fixedPort ?? (await freePort());
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no", "--loglevel", "notice"],
    { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
  );
  const log: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not get ready within ${timeoutMs} ms:\n${log.join("\n")}`)), timeoutMs);
    let buffer = "";
    const onData = (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      log.push(...lines);
      if (lines.some((l) => l.includes("Ready to accept connections"))) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.setEncoding("utf8").on("data", onData);
    child.stderr?.setEncoding("utf8").on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with code ${String(code)} before it was ready:\n${[...log, buffer].join("\n")}`));
    });
  }).catch((error: unknown) => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  const pong = await redisCommand(port, "PING");
  if (pong !== "+PONG") throw new Error(`redis-server on port ${port} answered PING with ${JSON.stringify(pong)}`);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    log,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
