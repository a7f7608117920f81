#!/usr/bin/env node
import './sourcemap-register.cjs';/******/ /* webpack/runtime/compat */
/******/ 
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = new URL('.', import.meta.url).pathname.slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/************************************************************************/
var __webpack_exports__ = {};
// The same engine as the actions, for an operator at a terminal on the day CI is down.
const USAGE = `usage: tg-devops <deploy|rollback|status> --config deploy.yml [--dry-run]`;
const [command] = process.argv.slice(2);
if (!command || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
}
else {
    process.stderr.write(`tg-devops: '${command}' is not available yet\n${USAGE}\n`);
    process.exitCode = 1;
}



//# sourceMappingURL=index.js.map