/** Entry point of the bundled Action (dist/index.mjs): run once with the runner's environment. */
import { runAction } from "./main.js";

process.exitCode = await runAction({ env: process.env, log: (line) => process.stdout.write(`${line}\n`) });
