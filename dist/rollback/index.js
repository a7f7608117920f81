import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 839:
/***/ ((module) => {

function webpackEmptyAsyncContext(req) {
	// Here Promise.resolve().then() is used instead of new Promise() to prevent
	// uncaught exception popping up in devtools
	return Promise.resolve().then(() => {
		var e = new Error("Cannot find module '" + req + "'");
		e.code = 'MODULE_NOT_FOUND';
		throw e;
	});
}
webpackEmptyAsyncContext.keys = () => ([]);
webpackEmptyAsyncContext.resolve = webpackEmptyAsyncContext;
webpackEmptyAsyncContext.id = 839;
module.exports = webpackEmptyAsyncContext;

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat */
/******/ 
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = new URL('.', import.meta.url).pathname.slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: ./src/github/commands.ts



/**
 * The runner's workflow-command protocol, implemented directly (see docs/adr/0001): inputs from
 * INPUT_* variables, outputs and state through the GITHUB_OUTPUT / GITHUB_STATE files, everything
 * else as `::command::` lines on stdout. @actions/core would pull an HTTP stack into every bundle
 * and more than double its start time; these few functions are all an action here needs.
 */
function getInput(name, options = {}) {
    const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '';
    return options.trimWhitespace === false ? value : value.trim();
}
function setOutput(name, value) {
    writeKeyValue('GITHUB_OUTPUT', 'set-output', name, value);
}
function saveState(name, value) {
    writeKeyValue('GITHUB_STATE', 'save-state', name, value);
}
function getState(name) {
    return process.env[`STATE_${name}`] ?? '';
}
function setSecret(value) {
    issue('add-mask', {}, value);
}
function info(message) {
    process.stdout.write(`${message}${external_node_os_namespaceObject.EOL}`);
}
function debug(message) {
    issue('debug', {}, message);
}
function warning(message, properties = {}) {
    issue('warning', annotation(properties), message);
}
function error(message, properties = {}) {
    issue('error', annotation(properties), message);
}
function annotation(p) {
    return { title: p.title, file: p.file, line: p.startLine, endLine: p.endLine };
}
function setFailed(message) {
    process.exitCode = 1;
    error(message);
}
async function group(title, body) {
    issue('group', {}, title);
    try {
        return await body();
    }
    finally {
        issue('endgroup', {}, '');
    }
}
/** Formats one workflow command line, escaped as the runner expects. */
function formatCommand(command, properties, message) {
    const props = Object.entries(properties)
        .filter(([, value]) => value !== undefined && value !== '')
        .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
        .join(',');
    return `::${command}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}
function issue(command, properties, message) {
    process.stdout.write(`${formatCommand(command, properties, message)}${external_node_os_namespaceObject.EOL}`);
}
function escapeData(value) {
    return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(value) {
    return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
/** name<<DELIMITER value DELIMITER, with a delimiter that cannot occur in the value. */
function formatKeyValue(name, value) {
    let delimiter = `ghadelimiter_${randomUUID()}`;
    while (name.includes(delimiter) || value.includes(delimiter))
        delimiter = `ghadelimiter_${randomUUID()}`;
    return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`;
}
function writeKeyValue(fileVariable, legacyCommand, name, value) {
    const file = process.env[fileVariable];
    if (file)
        appendFileSync(file, formatKeyValue(name, value), 'utf8');
    else
        issue(legacyCommand, { name }, value);
}

;// CONCATENATED MODULE: ./src/errors.ts
/** An error in what the user gave us: it names the input, and nothing has changed yet. */
class InputError extends Error {
    input;
    constructor(input, problem) {
        super(`Input '${input}': ${problem}`);
        this.input = input;
        this.name = 'InputError';
    }
}
/** A failure while acting on the world (a remote command, a registry call). */
class StepError extends Error {
    step;
    constructor(step, problem) {
        super(`${step}: ${problem}`);
        this.step = step;
        this.name = 'StepError';
    }
}
function errorMessage(error) {
    return error instanceof Error ? error.message : String(error);
}

;// CONCATENATED MODULE: ./src/github/runtime.ts



/** The Log interface, as workflow commands: annotations, groups and masks. */
const actionsLog = {
    info: (message) => info(message),
    warn: (message, where) => warning(message, where ?? {}),
    error: (message, where) => error(message, where ?? {}),
    secret: (value) => setSecret(value),
    group: (title, body) => group(title, body),
};
function setOutputs(outputs) {
    for (const [name, value] of Object.entries(outputs)) {
        if (value !== undefined)
            core.setOutput(name, String(value));
    }
}
/** Appends markdown to the job summary; a no-op when the runner gives no summary file. */
function writeSummary(markdown) {
    const file = process.env.GITHUB_STEP_SUMMARY;
    if (file)
        appendFileSync(file, `${markdown}\n`);
}
function runtime_saveState(name, value) {
    core.saveState(name, value);
}
function runtime_getState(name) {
    return core.getState(name);
}
/** Runs an action's body: any error fails the step with one clear message and exit code 1. */
async function runAction(body) {
    try {
        await body();
    }
    catch (error) {
        const message = errorMessage(error);
        // The runner shows debug lines only when step debugging is on.
        if (error instanceof Error && !(error instanceof InputError))
            debug(await mappedStack(error));
        setFailed(message);
        process.exitCode = 1;
    }
}
/** The stack in TypeScript terms: loads the bundle's source-map support only now (see scripts/package.mjs). */
async function mappedStack(error) {
    const register = import.meta.url.replace(/[^/]*$/, 'sourcemap-register.cjs');
    await __nccwpck_require__(839)(register).catch(() => undefined);
    return error.stack ?? error.message;
}

;// CONCATENATED MODULE: ./actions/rollback/inputs.ts
function readInputs() {
    return {};
}

;// CONCATENATED MODULE: ./actions/rollback/main.ts
async function run(_inputs) {
    throw new Error('tg-devops rollback: not implemented yet');
}

;// CONCATENATED MODULE: ./actions/rollback/index.ts



void runAction(() => run(readInputs()));


//# sourceMappingURL=index.js.map