// `probot run lib/app/index.js`, as an entry script for startApp(…, { entry }) (which runs `node <entry>`
// without arguments): the observability test checks that /metrics and /healthz are mounted this way too.
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
process.argv.splice(2, 0, "run", `${root}lib/app/index.js`);
await import(new URL("../../node_modules/probot/bin/probot.js", import.meta.url).href);
