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

;// CONCATENATED MODULE: ./src/clock.ts
const systemClock = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
/** A clock whose sleep advances time at once. */
function fakeClock(start = 0) {
    let now = start;
    const slept = [];
    return {
        slept,
        now: () => now,
        sleep: async (ms) => {
            slept.push(ms);
            now += ms;
        },
    };
}

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
;// CONCATENATED MODULE: ./src/exec.ts

class CommandError extends Error {
    where;
    argv;
    result;
    constructor(where, argv, result) {
        const tail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-5).join('\n');
        super(`${where}: \`${argv.join(' ')}\` exited ${result.exitCode}${tail ? `:\n${tail}` : ''}`);
        this.where = where;
        this.argv = argv;
        this.result = result;
        this.name = 'CommandError';
    }
}
/** Runs commands on this machine with no shell in between. */
function localExecutor(defaults = {}) {
    return {
        where: 'local',
        run: (argv, options = {}) => spawnCommand('local', argv, {
            ...options,
            env: { ...defaults.env, ...options.env },
            cwd: options.cwd ?? defaults.cwd,
        }),
    };
}
function spawnCommand(where, argv, options = {}) {
    const [file, ...args] = argv;
    if (!file)
        return Promise.reject(new Error(`${where}: empty command`));
    return new Promise((resolve, reject) => {
        const child = (0,external_node_child_process_namespaceObject.spawn)(file, args, {
            cwd: options.cwd,
            env: options.env ? { ...process.env, ...options.env } : process.env,
            stdio: ['pipe', 'pipe', 'pipe'],
            timeout: options.timeoutMs,
        });
        const out = [];
        const err = [];
        collect(child.stdout, out, (line) => options.onLine?.(line, 'stdout'));
        collect(child.stderr, err, (line) => options.onLine?.(line, 'stderr'));
        child.on('error', (error) => reject(new Error(`${where}: cannot run ${file}: ${error.message}`)));
        child.on('close', (code, signal) => {
            const result = {
                exitCode: code ?? (signal ? 128 + 15 : 1),
                stdout: Buffer.concat(out).toString('utf8'),
                stderr: Buffer.concat(err).toString('utf8'),
            };
            if (result.exitCode !== 0 && !options.allowFailure)
                reject(new CommandError(where, argv, result));
            else
                resolve(result);
        });
        child.stdin.on('error', () => undefined); // a command that ignores stdin may close it early
        child.stdin.end(options.input ?? '');
    });
}
function collect(stream, chunks, onLine) {
    let pending = '';
    stream.on('data', (chunk) => {
        chunks.push(chunk);
        pending += chunk.toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines)
            onLine(line);
    });
    stream.on('end', () => pending && onLine(pending));
}
/** For tests: records every command and answers from a responder. */
function recordingExecutor(respond = () => undefined, where = 'recorded') {
    const commands = [];
    return {
        where,
        commands,
        async run(argv, options = {}) {
            commands.push({ argv, options });
            const result = { exitCode: 0, stdout: '', stderr: '', ...respond(argv) };
            if (result.exitCode !== 0 && !options.allowFailure)
                throw new CommandError(where, argv, result);
            return result;
        },
    };
}

;// CONCATENATED MODULE: ./src/errors.ts
/** An error in what the user gave us: it names the input, and nothing has changed yet. */
class errors_InputError extends Error {
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

;// CONCATENATED MODULE: ./src/github/api.ts

function githubApi(options) {
    const baseUrl = (options.baseUrl ||
        process.env.GITHUB_API_URL ||
        'https://api.github.com').replace(/\/+$/, '');
    const doFetch = options.fetch ?? fetch;
    const headers = {
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': options.userAgent ?? 'tg-devops',
    };
    if (options.token)
        headers.authorization = `Bearer ${options.token}`;
    async function call(method, url, body) {
        const response = await doFetch(url, {
            method,
            headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (!response.ok) {
            const text = await response.text().catch(() => '');
            const detail = safeMessage(text);
            throw new StepError(`GitHub API ${method} ${url.replace(baseUrl, '')}`, `HTTP ${response.status}${detail ? `: ${detail}` : ''}`);
        }
        return response;
    }
    return {
        async request(method, path, body) {
            const response = await call(method, `${baseUrl}${path}`, body);
            const text = await response.text();
            return (text ? JSON.parse(text) : undefined);
        },
        async paginate(path, maxPages = 30) {
            const items = [];
            let url = `${baseUrl}${path}${path.includes('?') ? '&' : '?'}per_page=100`;
            for (let page = 0; url && page < maxPages; page++) {
                const response = await call('GET', url);
                items.push(...(await response.json()));
                url = nextLink(response.headers.get('link'));
            }
            return items;
        },
    };
}
function nextLink(header) {
    const match = header?.split(',').find((part) => /rel="next"/.test(part));
    return match?.match(/<([^>]+)>/)?.[1];
}
function safeMessage(text) {
    try {
        const parsed = JSON.parse(text);
        return parsed.message ?? '';
    }
    catch {
        return text.slice(0, 200);
    }
}

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
    let delimiter = `ghadelimiter_${(0,external_node_crypto_namespaceObject.randomUUID)()}`;
    while (name.includes(delimiter) || value.includes(delimiter))
        delimiter = `ghadelimiter_${(0,external_node_crypto_namespaceObject.randomUUID)()}`;
    return `${name}<<${delimiter}${external_node_os_namespaceObject.EOL}${value}${external_node_os_namespaceObject.EOL}${delimiter}${external_node_os_namespaceObject.EOL}`;
}
function writeKeyValue(fileVariable, legacyCommand, name, value) {
    const file = process.env[fileVariable];
    if (file)
        (0,external_node_fs_namespaceObject.appendFileSync)(file, formatKeyValue(name, value), 'utf8');
    else
        issue(legacyCommand, { name }, value);
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
            setOutput(name, String(value));
    }
}
/** Appends markdown to the job summary; a no-op when the runner gives no summary file. */
function writeSummary(markdown) {
    const file = process.env.GITHUB_STEP_SUMMARY;
    if (file)
        (0,external_node_fs_namespaceObject.appendFileSync)(file, `${markdown}\n`);
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
        if (error instanceof Error && !(error instanceof errors_InputError))
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

;// CONCATENATED MODULE: ./src/coverage/model.ts
/** A problem with a report file: it names the file. */
class ReportError extends Error {
    file;
    constructor(file, problem) {
        super(`${file}: ${problem}`);
        this.file = file;
        this.name = 'ReportError';
    }
}
function totalsOf(files) {
    let lines = 0;
    let covered = 0;
    for (const hits of files) {
        for (const count of hits.values()) {
            lines++;
            if (count > 0)
                covered++;
        }
    }
    return { lines, covered };
}
/** A percentage of covered lines, or null when there is nothing to measure. */
function percent(totals) {
    return totals.lines === 0 ? null : (100 * totals.covered) / totals.lines;
}
/** Shows a percentage with two decimals, rounded down: 79.996 never shows as 80.00. */
function formatPercent(value) {
    if (value === null)
        return 'n/a';
    return `${(Math.floor(value * 100 + 1e-9) / 100).toFixed(2)}%`;
}
/** Adds a hit count to a file's lines, keeping the largest count for a line seen twice. */
function addHit(hits, line, count) {
    const previous = hits.get(line);
    if (previous === undefined || count > previous)
        hits.set(line, count);
}

;// CONCATENATED MODULE: ./src/coverage/xml.ts
class XmlError extends Error {
    line;
    constructor(line, problem) {
        super(`line ${line}: ${problem}`);
        this.line = line;
        this.name = 'XmlError';
    }
}
const NAME = /[^\s/>=]+/y;
const ATTRIBUTE = /\s*([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
const TAG_END = /\s*(\/?)>/y;
function scanXml(source, handler) {
    const stack = [];
    let sawRoot = false;
    let i = 0;
    const fail = (at, problem) => {
        throw new XmlError(lineAt(source, at), problem);
    };
    const text = (from, to) => {
        if (to <= from)
            return;
        const raw = source.slice(from, to);
        if (stack.length === 0) {
            if (raw.trim() !== '')
                fail(from, 'text outside the root element');
            return;
        }
        handler.text?.(decodeEntities(raw, from, source));
    };
    if (source.charCodeAt(0) === 0xfeff)
        i = 1;
    while (i < source.length) {
        const lt = source.indexOf('<', i);
        if (lt < 0) {
            text(i, source.length);
            break;
        }
        text(i, lt);
        if (source.startsWith('<!--', lt)) {
            const end = source.indexOf('-->', lt + 4);
            if (end < 0)
                fail(lt, 'unterminated comment');
            i = end + 3;
        }
        else if (source.startsWith('<![CDATA[', lt)) {
            const end = source.indexOf(']]>', lt + 9);
            if (end < 0)
                fail(lt, 'unterminated CDATA section');
            if (stack.length === 0)
                fail(lt, 'CDATA outside the root element');
            handler.text?.(source.slice(lt + 9, end));
            i = end + 3;
        }
        else if (source.startsWith('<?', lt)) {
            const end = source.indexOf('?>', lt + 2);
            if (end < 0)
                fail(lt, 'unterminated processing instruction');
            i = end + 2;
        }
        else if (source.startsWith('<!', lt)) {
            const bracket = source.indexOf('[', lt);
            const gt = source.indexOf('>', lt);
            if (gt < 0)
                fail(lt, 'unterminated declaration');
            const end = bracket >= 0 && bracket < gt ? source.indexOf(']>', bracket) : gt - 1;
            if (end < 0)
                fail(lt, 'unterminated DOCTYPE');
            i = end + 2;
        }
        else if (source.charCodeAt(lt + 1) === 47 /* / */) {
            const gt = source.indexOf('>', lt);
            if (gt < 0)
                fail(lt, 'unterminated closing tag');
            const name = source.slice(lt + 2, gt).trim();
            const open = stack.pop();
            if (open === undefined)
                fail(lt, `closing tag </${name}> without an opening tag`);
            if (open !== name)
                fail(lt, `expected </${open}> but found </${name}>`);
            handler.close?.(name);
            i = gt + 1;
        }
        else {
            NAME.lastIndex = lt + 1;
            const nameMatch = NAME.exec(source);
            if (!nameMatch)
                fail(lt, "a '<' that starts no tag");
            const name = nameMatch[0];
            if (stack.length === 0 && sawRoot)
                fail(lt, `a second root element <${name}>`);
            let pos = NAME.lastIndex;
            const attributes = {};
            for (;;) {
                ATTRIBUTE.lastIndex = pos;
                const match = ATTRIBUTE.exec(source);
                if (!match)
                    break;
                const value = match[2] ?? match[3] ?? '';
                attributes[match[1]] = value.includes('&') ? decodeEntities(value, pos, source) : value;
                pos = ATTRIBUTE.lastIndex;
            }
            TAG_END.lastIndex = pos;
            const end = TAG_END.exec(source);
            if (!end)
                fail(pos, `malformed tag <${name}>`);
            const selfClosing = end[1] === '/';
            sawRoot = true;
            if (!selfClosing)
                stack.push(name);
            handler.open(name, attributes, selfClosing);
            if (selfClosing)
                handler.close?.(name);
            i = TAG_END.lastIndex;
        }
    }
    if (stack.length > 0)
        fail(source.length, `<${stack[stack.length - 1]}> is never closed`);
    if (!sawRoot)
        fail(source.length, 'no root element');
}
const NAMED = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
function decodeEntities(text, at, source) {
    if (!text.includes('&'))
        return text;
    return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);?/g, (whole, entity) => {
        if (entity.startsWith('#x'))
            return String.fromCodePoint(parseInt(entity.slice(2), 16));
        if (entity.startsWith('#'))
            return String.fromCodePoint(parseInt(entity.slice(1), 10));
        const named = NAMED[entity];
        if (named === undefined)
            throw new XmlError(lineAt(source, at), `unknown entity ${whole}`);
        return named;
    });
}
function lineAt(source, index) {
    let line = 1;
    for (let i = source.indexOf('\n'); i >= 0 && i < index; i = source.indexOf('\n', i + 1))
        line++;
    return line;
}

;// CONCATENATED MODULE: ./src/coverage/cobertura.ts


/**
 * Cobertura XML as coverage.py (`coverage xml`) and pytest-cov (`--cov-report=xml`) write it, and
 * as other tools do: <coverage><sources/><packages><package><classes><class filename>
 * <lines><line number hits/>. Lines repeated under <methods> are not counted twice.
 */
function parseCobertura(xml, file) {
    const files = new Map();
    const sources = [];
    let root;
    let current;
    let methodDepth = 0;
    let sourceText;
    let badLine;
    try {
        scanXml(xml, {
            open(name, attributes, selfClosing) {
                if (root === undefined) {
                    root = name;
                    if (name !== 'coverage')
                        throw new ReportError(file, `not a Cobertura report: root element is <${name}>, expected <coverage>`);
                    return;
                }
                if (name === 'class') {
                    const filename = attributes.filename;
                    if (!filename)
                        throw new ReportError(file, '<class> without a filename attribute');
                    const path = filename.replace(/\\/g, '/');
                    current = files.get(path);
                    if (!current)
                        files.set(path, (current = new Map()));
                    if (selfClosing)
                        current = undefined;
                }
                else if (name === 'method') {
                    if (!selfClosing)
                        methodDepth++;
                }
                else if (name === 'line' && current && methodDepth === 0) {
                    const number = Number(attributes.number);
                    const hits = Number(attributes.hits ?? '0');
                    if (!Number.isInteger(number) || number < 1 || !Number.isFinite(hits) || hits < 0) {
                        badLine ??= `<line number="${attributes.number}" hits="${attributes.hits}">`;
                        return;
                    }
                    addHit(current, number, hits);
                }
                else if (name === 'source' && !selfClosing) {
                    sourceText = '';
                }
            },
            close(name) {
                if (name === 'class')
                    current = undefined;
                else if (name === 'method')
                    methodDepth = Math.max(0, methodDepth - 1);
                else if (name === 'source' && sourceText !== undefined) {
                    if (sourceText.trim())
                        sources.push(sourceText.trim());
                    sourceText = undefined;
                }
            },
            text(text) {
                if (sourceText !== undefined)
                    sourceText += text;
            },
        });
    }
    catch (error) {
        if (error instanceof XmlError)
            throw new ReportError(file, `malformed XML (${error.message})`);
        throw error;
    }
    if (badLine)
        throw new ReportError(file, `a line entry with a bad number or hit count: ${badLine}`);
    if (files.size === 0)
        throw new ReportError(file, 'empty coverage report: it lists no source files');
    return { format: 'cobertura', sources, files };
}

;// CONCATENATED MODULE: ./src/coverage/coverage-json.ts

/** coverage.py's JSON report (`coverage json`): files.<path>.executed_lines / missing_lines. */
function parseCoverageJson(text, file) {
    let data;
    try {
        data = JSON.parse(text);
    }
    catch (error) {
        throw new ReportError(file, `malformed JSON (${error.message})`);
    }
    const filesValue = data?.files;
    if (typeof filesValue !== 'object' || filesValue === null || Array.isArray(filesValue)) {
        throw new ReportError(file, 'not a coverage.py JSON report: no "files" object');
    }
    const files = new Map();
    for (const [path, entry] of Object.entries(filesValue)) {
        const executed = lineList(entry, 'executed_lines', file, path);
        const missing = lineList(entry, 'missing_lines', file, path);
        const hits = new Map();
        for (const line of missing)
            hits.set(line, 0);
        for (const line of executed)
            hits.set(line, 1);
        files.set(path.replace(/\\/g, '/'), hits);
    }
    if (files.size === 0)
        throw new ReportError(file, 'empty coverage report: it lists no source files');
    return { format: 'coverage-json', sources: [], files };
}
function lineList(entry, key, file, path) {
    const value = entry?.[key];
    if (!Array.isArray(value) || !value.every((n) => Number.isInteger(n) && n > 0)) {
        throw new ReportError(file, `files["${path}"].${key} is not a list of line numbers`);
    }
    return value;
}

;// CONCATENATED MODULE: ./src/coverage/lcov.ts

/** lcov tracefiles: SF:<path>, DA:<line>,<hits>[,<checksum>], end_of_record. */
function parseLcov(text, file) {
    const files = new Map();
    let current;
    const lines = text.split(/\r?\n/);
    for (let index = 0; index < lines.length; index++) {
        const line = lines[index].trim();
        if (line.startsWith('SF:')) {
            const path = line.slice(3).replace(/\\/g, '/');
            current = files.get(path);
            if (!current)
                files.set(path, (current = new Map()));
        }
        else if (line.startsWith('DA:')) {
            const [number, hits] = line.slice(3).split(',');
            const n = Number(number);
            const h = Number(hits);
            if (!current)
                throw new ReportError(file, `line ${index + 1}: DA before any SF record`);
            if (!Number.isInteger(n) || n < 1 || !Number.isFinite(h) || h < 0) {
                throw new ReportError(file, `line ${index + 1}: malformed DA record "${line}"`);
            }
            addHit(current, n, h);
        }
        else if (line === 'end_of_record') {
            current = undefined;
        }
    }
    if (files.size === 0)
        throw new ReportError(file, 'empty coverage report: no SF records');
    return { format: 'lcov', sources: [], files };
}

;// CONCATENATED MODULE: ./src/coverage/load.ts




const FORMATS = ['auto', 'cobertura', 'coverage-json', 'lcov'];
/** Tells the format from the content: `{` is JSON, `<` is Cobertura XML, SF:/TN: is lcov. */
function detectFormat(text, file) {
    const start = text.replace(/^\uFEFF/, '').trimStart();
    if (start === '')
        throw new ReportError(file, 'the coverage report is empty (0 bytes of content)');
    if (start.startsWith('{'))
        return 'coverage-json';
    if (start.startsWith('<'))
        return 'cobertura';
    if (/^(TN|SF):/m.test(start))
        return 'lcov';
    throw new ReportError(file, 'unknown coverage format: expected Cobertura XML, coverage.py JSON or lcov');
}
function parseCoverage(text, file, format = 'auto') {
    const chosen = format === 'auto' ? detectFormat(text, file) : format;
    if (text.trim() === '')
        throw new ReportError(file, 'the coverage report is empty (0 bytes of content)');
    switch (chosen) {
        case 'cobertura':
            return parseCobertura(text, file);
        case 'coverage-json':
            return parseCoverageJson(text, file);
        case 'lcov':
            return parseLcov(text, file);
    }
}

;// CONCATENATED MODULE: ./src/github/inputs.ts


/**
 * Typed readers over core.getInput. Adapters (actions/<name>/inputs.ts) call only these, with the
 * input name as a string literal: the layout test reads those literals to check action.yml.
 */
function getString(name, fallback = '') {
    const value = getInput(name, { trimWhitespace: true });
    return value === '' ? fallback : value;
}
function getRequired(name) {
    const value = core.getInput(name, { trimWhitespace: true });
    if (value === '')
        throw new InputError(name, 'is required but was empty');
    return value;
}
/** A secret input: masked before anything else can print it. Not trimmed inside. */
function getSecret(name) {
    const value = getInput(name, { trimWhitespace: false });
    if (value.trim() !== '') {
        setSecret(value);
        for (const line of value.split(/\r?\n/))
            if (line.trim().length > 3)
                setSecret(line.trim());
    }
    return value.trim() === '' ? '' : value;
}
function getBool(name, fallback = false) {
    const raw = getString(name).toLowerCase();
    if (raw === '')
        return fallback;
    if (['true', 'yes', '1', 'on'].includes(raw))
        return true;
    if (['false', 'no', '0', 'off'].includes(raw))
        return false;
    throw new errors_InputError(name, `expected true or false, got ${JSON.stringify(raw)}`);
}
function getInt(name, fallback, range = {}) {
    const raw = getString(name);
    if (raw === '')
        return fallback;
    if (!/^-?\d+$/.test(raw))
        throw new errors_InputError(name, `expected a whole number, got ${JSON.stringify(raw)}`);
    const value = Number(raw);
    if (range.min !== undefined && value < range.min)
        throw new errors_InputError(name, `must be at least ${range.min}, got ${value}`);
    if (range.max !== undefined && value > range.max)
        throw new errors_InputError(name, `must be at most ${range.max}, got ${value}`);
    return value;
}
function getEnum(name, allowed, fallback) {
    const raw = getString(name);
    if (raw === '')
        return fallback;
    if (!allowed.includes(raw)) {
        throw new errors_InputError(name, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
    }
    return raw;
}
/** A list given one item per line or comma separated; blank items and # comments dropped. */
function getList(name, options = { commas: true }) {
    return splitList(core.getInput(name), options.commas ?? true);
}
/** A multi-line input kept line by line (tag rules, label lines), blank lines dropped. */
function getLines(name) {
    return splitList(core.getInput(name), false);
}
function splitList(raw, commas) {
    return raw
        .split(/\r?\n/)
        .flatMap((line) => (commas ? line.split(',') : [line]))
        .map((item) => item.trim())
        .filter((item) => item !== '' && !item.startsWith('#'));
}

;// CONCATENATED MODULE: external "node:net"
const external_node_net_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");
;// CONCATENATED MODULE: external "node:tls"
const external_node_tls_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");
;// CONCATENATED MODULE: ./src/testrun/probe.ts


/** A failure that waiting will not fix (a wrong password, a missing database): stop retrying. */
class FatalProbeError extends Error {
    name = 'FatalProbeError';
}
function openConnection(endpoint, timeoutMs) {
    return new Promise((resolve, reject) => {
        let buffer = Buffer.alloc(0);
        let failure;
        let wake;
        const socket = endpoint.tls
            ? (0,external_node_tls_namespaceObject.connect)({ host: endpoint.host, port: endpoint.port, servername: endpoint.host })
            : (0,external_node_net_namespaceObject.connect)({ host: endpoint.host, port: endpoint.port });
        socket.setTimeout(timeoutMs);
        const fail = (error) => {
            failure ??= error;
            socket.destroy();
            wake?.();
            reject(failure);
        };
        socket.on('timeout', () => fail(new Error(`no answer within ${timeoutMs} ms`)));
        socket.on('error', (error) => fail(error));
        socket.on('close', () => fail(new Error('the server closed the connection')));
        socket.on('data', (chunk) => {
            buffer = Buffer.concat([buffer, chunk]);
            wake?.();
        });
        socket.once(endpoint.tls ? 'secureConnect' : 'connect', () => resolve({
            write: (data) => void socket.write(data),
            close: () => {
                socket.removeAllListeners('close');
                socket.on('error', () => undefined);
                socket.end();
                socket.destroy();
            },
            read: async (need) => {
                for (;;) {
                    if (failure)
                        throw failure;
                    const result = need(buffer);
                    if (result) {
                        buffer = buffer.subarray(result.used);
                        return result.value;
                    }
                    await new Promise((done) => (wake = done));
                    wake = undefined;
                }
            },
        }));
    });
}

;// CONCATENATED MODULE: ./src/testrun/postgres.ts


/** postgresql://user:pass@host:5432/db, also postgres:// and driver schemes like postgresql+asyncpg://. */
function parsePostgresUrl(raw) {
    const url = new URL(raw);
    if (!/^postgres(ql)?(\+\w+)?:$/.test(url.protocol)) {
        throw new Error(`expected a postgresql:// URL, got ${url.protocol}//`);
    }
    const user = decodeURIComponent(url.username) || 'postgres';
    return {
        host: url.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost',
        port: url.port ? Number(url.port) : 5432,
        user,
        password: decodeURIComponent(url.password),
        database: decodeURIComponent(url.pathname.replace(/^\//, '')) || user,
    };
}
/** One PostgreSQL message: type byte, then an int32 length that counts itself. */
function message(buffer) {
    if (buffer.length < 5)
        return undefined;
    const length = buffer.readInt32BE(1);
    if (buffer.length < 1 + length)
        return undefined;
    return {
        value: { type: String.fromCharCode(buffer[0]), body: buffer.subarray(5, 1 + length) },
        used: 1 + length,
    };
}
function postgres_frame(type, body) {
    const header = Buffer.alloc(5);
    header.write(type, 0, 'latin1');
    header.writeInt32BE(body.length + 4, 1);
    return Buffer.concat([header, body]);
}
const cstring = (text) => Buffer.from(`${text}\0`, 'utf8');
function startupMessage(user, database) {
    const body = Buffer.concat([
        Buffer.from([0, 3, 0, 0]), // protocol 3.0
        cstring('user'),
        cstring(user),
        cstring('database'),
        cstring(database),
        cstring('application_name'),
        cstring('tg-devops-readiness'),
        Buffer.from([0]),
    ]);
    const length = Buffer.alloc(4);
    length.writeInt32BE(body.length + 4);
    return Buffer.concat([length, body]);
}
/** The fields of an ErrorResponse: "FATAL 28P01: password authentication failed for user ...". */
function errorResponse(body) {
    const fields = {};
    let at = 0;
    while (at < body.length && body[at] !== 0) {
        const end = body.indexOf(0, at + 1);
        fields[String.fromCharCode(body[at])] = body.toString('utf8', at + 1, end);
        at = end + 1;
    }
    const code = fields.C ?? '';
    return {
        text: `${fields.S ?? 'ERROR'}${code ? ` ${code}` : ''}: ${fields.M ?? 'unknown error'}`,
        code,
    };
}
/** The client side of SCRAM-SHA-256 (RFC 5802 / 7677), as PostgreSQL uses it. */
function scramClient(password, nonce = (0,external_node_crypto_namespaceObject.randomBytes)(18).toString('base64'), user = '') {
    const clientFirstBare = `n=${user},r=${nonce}`;
    let expectedServerSignature;
    return {
        clientFirst: `n,,${clientFirstBare}`,
        clientFinal(serverFirst) {
            const attrs = Object.fromEntries(serverFirst.split(',').map((part) => [part[0], part.slice(2)]));
            const serverNonce = attrs.r ?? '';
            const salt = Buffer.from(attrs.s ?? '', 'base64');
            const iterations = Number(attrs.i);
            if (!serverNonce.startsWith(nonce) || !salt.length || !(iterations > 0)) {
                throw new FatalProbeError('SCRAM: the server sent an invalid first message');
            }
            const salted = (0,external_node_crypto_namespaceObject.pbkdf2Sync)(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
            const clientKey = hmac(salted, 'Client Key');
            const storedKey = (0,external_node_crypto_namespaceObject.createHash)('sha256').update(clientKey).digest();
            const withoutProof = `c=biws,r=${serverNonce}`;
            const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
            const signature = hmac(storedKey, authMessage);
            const proof = Buffer.from(clientKey.map((byte, i) => byte ^ signature[i]));
            expectedServerSignature = hmac(hmac(salted, 'Server Key'), authMessage);
            return `${withoutProof},p=${proof.toString('base64')}`;
        },
        verify(serverFinal) {
            const v = serverFinal.split(',').find((p) => p.startsWith('v='));
            if (!v ||
                !expectedServerSignature ||
                Buffer.from(v.slice(2), 'base64').compare(expectedServerSignature) !== 0) {
                throw new FatalProbeError('SCRAM: the server signature does not match (not the server we expected)');
            }
        },
    };
}
function hmac(key, text) {
    return (0,external_node_crypto_namespaceObject.createHmac)('sha256', key).update(text).digest();
}
/** SQLSTATEs that retrying cannot fix: bad credentials (class 28), no such database. */
const FATAL = /^(28|3D000)/;
/**
 * A real startup handshake: StartupMessage, the server's authentication method (trust,
 * cleartext, MD5 or SCRAM-SHA-256) answered with the password, then ReadyForQuery.
 */
async function postgresReady(target, timeoutMs, open = openConnection) {
    const connection = await open(target, timeoutMs);
    try {
        connection.write(startupMessage(target.user, target.database));
        let scram;
        for (;;) {
            const { type, body } = await connection.read(message);
            if (type === 'E') {
                const error = errorResponse(body);
                throw FATAL.test(error.code) ? new FatalProbeError(error.text) : new Error(error.text);
            }
            if (type === 'Z') {
                connection.write(postgres_frame('X', Buffer.alloc(0)));
                return;
            }
            if (type !== 'R')
                continue; // ParameterStatus, BackendKeyData, NoticeResponse, NegotiateProtocolVersion
            const kind = body.readInt32BE(0);
            if (kind === 0)
                continue;
            if (kind === 3) {
                connection.write(postgres_frame('p', cstring(target.password)));
            }
            else if (kind === 5) {
                const inner = md5(target.password + target.user);
                connection.write(postgres_frame('p', cstring(`md5${md5(inner + body.subarray(4, 8).toString('latin1'), 'latin1')}`)));
            }
            else if (kind === 10) {
                const mechanisms = body.subarray(4).toString('utf8').split('\0').filter(Boolean);
                if (!mechanisms.includes('SCRAM-SHA-256')) {
                    throw new FatalProbeError(`unsupported SASL mechanisms: ${mechanisms.join(', ')}`);
                }
                scram = scramClient(target.password);
                const first = Buffer.from(scram.clientFirst, 'utf8');
                const length = Buffer.alloc(4);
                length.writeInt32BE(first.length);
                connection.write(postgres_frame('p', Buffer.concat([cstring('SCRAM-SHA-256'), length, first])));
            }
            else if (kind === 11 && scram) {
                connection.write(postgres_frame('p', Buffer.from(scram.clientFinal(body.subarray(4).toString('utf8')), 'utf8')));
            }
            else if (kind === 12 && scram) {
                scram.verify(body.subarray(4).toString('utf8'));
            }
            else {
                throw new FatalProbeError(`unsupported authentication request ${kind}`);
            }
        }
    }
    finally {
        connection.close();
    }
}
function md5(text, encoding = 'utf8') {
    return (0,external_node_crypto_namespaceObject.createHash)('md5').update(Buffer.from(text, encoding)).digest('hex');
}

;// CONCATENATED MODULE: ./src/testrun/redis.ts

/** redis://[user:password@]host:6379[/db], rediss:// for TLS. */
function parseRedisUrl(raw) {
    const url = new URL(raw);
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
        throw new Error(`expected a redis:// or rediss:// URL, got ${url.protocol}//`);
    }
    return {
        host: url.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost',
        port: url.port ? Number(url.port) : 6379,
        tls: url.protocol === 'rediss:',
        username: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
    };
}
function command(...args) {
    return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}
/** A simple-string or error reply line: "+PONG" or "-NOAUTH Authentication required." */
function replyLine(buffer) {
    const end = buffer.indexOf('\r\n');
    return end < 0 ? undefined : { value: buffer.toString('utf8', 0, end), used: end + 2 };
}
/** AUTH when the URL has a password, then PING, expecting +PONG. */
async function redisReady(target, timeoutMs, open = openConnection) {
    const connection = await open(target, timeoutMs);
    try {
        if (target.password) {
            connection.write(target.username
                ? command('AUTH', target.username, target.password)
                : command('AUTH', target.password));
            const auth = await connection.read(replyLine);
            if (auth !== '+OK') {
                throw new FatalProbeError(`AUTH was refused: ${auth.replace(/^-/, '')}`);
            }
        }
        connection.write(command('PING'));
        const reply = await connection.read(replyLine);
        if (reply === '+PONG')
            return;
        if (/^-(NOAUTH|WRONGPASS)/.test(reply))
            throw new FatalProbeError(reply.slice(1));
        throw new Error(reply.replace(/^-/, '') || 'an empty reply to PING');
    }
    finally {
        connection.close();
    }
}

;// CONCATENATED MODULE: ./src/testrun/words.ts
/**
 * Splits a command line into argv the way a POSIX shell splits words (single and double quotes,
 * backslashes), with no shell behind it: nothing is expanded, so operators and `$` that a user
 * might expect a shell to handle are refused with a message instead of passed on as arguments.
 */
function splitWords(line) {
    const words = [];
    let word;
    let i = 0;
    const append = (text) => {
        word = (word ?? '') + text;
    };
    while (i < line.length) {
        const ch = line[i];
        if (/\s/.test(ch)) {
            if (word !== undefined)
                words.push(word);
            word = undefined;
            i++;
        }
        else if (ch === "'") {
            const end = line.indexOf("'", i + 1);
            if (end < 0)
                throw new Error('an unclosed single quote');
            append(line.slice(i + 1, end));
            i = end + 1;
        }
        else if (ch === '"') {
            let j = i + 1;
            let text = '';
            while (j < line.length && line[j] !== '"') {
                if (line[j] === '\\' && j + 1 < line.length && '"\\$`\n'.includes(line[j + 1])) {
                    text += line[j + 1] === '\n' ? '' : line[j + 1];
                    j += 2;
                }
                else {
                    if (line[j] === '$' || line[j] === '`') {
                        throw new Error(`no shell runs the command, so ${line[j]} is not expanded: quote it with '...' or run bash -c '...'`);
                    }
                    text += line[j];
                    j++;
                }
            }
            if (j >= line.length)
                throw new Error('an unclosed double quote');
            append(text);
            i = j + 1;
        }
        else if (ch === '\\') {
            if (i + 1 < line.length && line[i + 1] !== '\n')
                append(line[i + 1]);
            i += 2;
        }
        else if ('|&;<>()$`'.includes(ch)) {
            throw new Error(`no shell runs the command, so ${JSON.stringify(ch)} has no effect there: quote it, or run bash -c '...'`);
        }
        else {
            append(ch);
            i++;
        }
    }
    if (word !== undefined)
        words.push(word);
    if (words.length === 0)
        throw new Error('the command is empty');
    return words;
}

;// CONCATENATED MODULE: ./actions/test/inputs.ts







const MODES = ['run', 'collect', 'post'];
const DEFAULT_COMMAND = 'python -m pytest --cov --cov-report=xml:coverage.xml --junitxml=junit.xml';
function readInputs(env = process.env) {
    const mode = getEnum('mode', MODES, 'run');
    const event = readEvent(env.GITHUB_EVENT_PATH);
    const commandLine = getString('test-command', DEFAULT_COMMAND);
    let testCommand;
    try {
        testCommand = splitWords(commandLine);
    }
    catch (error) {
        throw new errors_InputError('test-command', error.message);
    }
    const databaseUrl = getSecret('database-url').trim();
    const redisUrl = getSecret('redis-url').trim();
    const prRaw = getString('pr-number', event.pr === undefined ? '' : String(event.pr));
    if (prRaw !== '' && !/^[1-9]\d*$/.test(prRaw)) {
        throw new errors_InputError('pr-number', `expected a PR number, got ${JSON.stringify(prRaw)}`);
    }
    const headSha = getString('head-sha', event.headSha ?? '');
    if (headSha !== '' && !/^[0-9a-f]{40}$/.test(headSha)) {
        throw new errors_InputError('head-sha', 'expected a full 40-character commit SHA');
    }
    const commentId = getString('comment-id', 'coverage');
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(commentId)) {
        throw new errors_InputError('comment-id', 'use letters, digits, dot, dash or underscore (at most 64)');
    }
    const inputs = {
        mode,
        workingDirectory: getString('working-directory', '.'),
        testCommand,
        databaseUrl,
        postgres: databaseUrl ? url('database-url', () => parsePostgresUrl(databaseUrl)) : undefined,
        redisUrl,
        redis: redisUrl ? url('redis-url', () => parseRedisUrl(redisUrl)) : undefined,
        servicesTimeoutSeconds: getInt('services-timeout', 60, { min: 1, max: 3600 }),
        coverageFile: getString('coverage-file', 'coverage.xml'),
        coverageFormat: getEnum('coverage-format', FORMATS, 'auto'),
        junitFile: getString('junit-file', 'junit.xml'),
        minCoverage: percentInput('min-coverage', getString('min-coverage', '0')),
        minDiffCoverage: percentInput('min-diff-coverage', getString('min-diff-coverage', '0')),
        githubToken: getSecret('github-token').trim(),
        prNumber: prRaw === '' ? null : Number(prRaw),
        headSha,
        comment: getBool('comment', true),
        commentId,
        maxAnnotations: getInt('max-annotations', 10, { min: 0, max: 50 }),
        reportFile: getString('report-file', 'tg-devops-coverage.json'),
        repository: env.GITHUB_REPOSITORY ?? '',
        workspace: env.GITHUB_WORKSPACE ?? '',
    };
    if (mode === 'post') {
        if (!inputs.githubToken)
            throw new errors_InputError('github-token', 'mode post needs a token to comment');
        if (!inputs.headSha) {
            throw new errors_InputError('head-sha', 'mode post needs the tested commit (github.event.workflow_run.head_sha)');
        }
    }
    if (!inputs.workspace) {
        // Not on a runner: refuse rather than run a test command in whatever directory this is.
        throw new StepError('tg-devops test', 'GITHUB_WORKSPACE is not set: run this action in a GitHub Actions job');
    }
    return inputs;
}
function url(name, parse) {
    try {
        return parse();
    }
    catch (error) {
        // The URL holds a password: say what is wrong without repeating it.
        const problem = error.name === 'TypeError' ? 'is not a valid URL' : error.message;
        throw new errors_InputError(name, problem);
    }
}
function percentInput(name, raw) {
    const value = Number(raw.replace(/%$/, ''));
    if (!/^\d+(\.\d+)?%?$/.test(raw) || value > 100) {
        throw new errors_InputError(name, `expected a percentage from 0 to 100, got ${JSON.stringify(raw)}`);
    }
    return value;
}
/** The PR number and head commit of a pull_request / pull_request_target event. */
function readEvent(path) {
    if (!path)
        return {};
    try {
        const event = JSON.parse((0,external_node_fs_namespaceObject.readFileSync)(path, 'utf8'));
        return { pr: event.pull_request?.number, headSha: event.pull_request?.head?.sha };
    }
    catch {
        return {};
    }
}

;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: ./src/coverage/paths.ts

const slash = (p) => p.replace(/\\/g, '/');
const isAbsolute = (p) => p.startsWith('/') || /^[A-Za-z]:\//.test(p);
function relativeToRoot(path, root) {
    const normalized = external_node_path_namespaceObject.posix.normalize(path);
    if (normalized === root)
        return '';
    return normalized.startsWith(`${root}/`) ? normalized.slice(root.length + 1) : undefined;
}
/** The repository paths a report path may stand for, most likely first. */
function candidates(reportPath, context) {
    return candidateFinder(context)(reportPath);
}
/** candidates() with the context's roots prepared once, for reports with many files. */
function candidateFinder(context) {
    const root = external_node_path_namespaceObject.posix.normalize(slash(context.repoRoot)).replace(/\/+$/, '');
    const wd = external_node_path_namespaceObject.posix.normalize(slash(context.workingDirectory) || '.');
    // Each source root, as a repository-relative prefix (or undefined when outside the checkout).
    const prefixes = context.sources.map(slash).map((source) => {
        const prefix = isAbsolute(source)
            ? relativeToRoot(source, root)
            : external_node_path_namespaceObject.posix.join(wd, source).replace(/^\.$/, '');
        return prefix === undefined || prefix.startsWith('..') ? undefined : prefix;
    });
    const wdPrefix = wd === '.' ? '' : wd;
    return (reportPath) => {
        const path = slash(reportPath);
        const found = [];
        const add = (candidate) => {
            if (candidate === undefined)
                return;
            const clean = candidate.replace(/^\.\//, '');
            if (!clean.startsWith('..') && !isAbsolute(clean) && !found.includes(clean))
                found.push(clean);
        };
        if (isAbsolute(path)) {
            add(relativeToRoot(path, root));
            return found;
        }
        const simple = !path.includes('./') && !path.startsWith('.');
        const under = (prefix) => simple ? (prefix ? `${prefix}/${path}` : path) : external_node_path_namespaceObject.posix.join(prefix || '.', path);
        for (const prefix of prefixes)
            if (prefix !== undefined)
                add(under(prefix));
        add(under(wdPrefix));
        return found;
    };
}
/** Re-keys a report's files by repository path (see candidates). */
function mapToRepo(files, context) {
    const mapped = new Map();
    const outside = [];
    const verified = new Set();
    const find = candidateFinder(context);
    for (const [reportPath, hits] of files) {
        const options = find(reportPath);
        const existing = options.find((c) => context.exists?.(c));
        if (existing !== undefined)
            verified.add(existing);
        const chosen = existing ?? options[0];
        if (chosen === undefined) {
            outside.push(slash(reportPath));
            mapped.set(slash(reportPath), hits);
        }
        else {
            const existing = mapped.get(chosen);
            if (existing)
                for (const [line, count] of hits)
                    existing.set(line, Math.max(count, existing.get(line) ?? 0));
            else
                mapped.set(chosen, hits);
        }
    }
    return { files: mapped, outside, verified };
}
/**
 * Finds the report entry for a changed file: exact repository path first, then the most
 * trailing path segments in common (a whole-path suffix, or a directory and the file name) (a report made in another checkout, a container's /app, or with
 * paths relative to a source root the report did not name). Ambiguous suffixes match nothing.
 */
function suffixIndex(paths, exactOnly = new Set()) {
    const exact = new Set();
    const byBase = new Map();
    for (const path of paths) {
        exact.add(path);
        if (exactOnly.has(path))
            continue; // a file known to exist in the checkout is itself, only
        const base = external_node_path_namespaceObject.posix.basename(path);
        const list = byBase.get(base);
        if (list)
            list.push(path);
        else
            byBase.set(base, [path]);
    }
    return (repoPath) => {
        if (exact.has(repoPath))
            return repoPath;
        const list = byBase.get(external_node_path_namespaceObject.posix.basename(repoPath));
        if (!list)
            return undefined;
        let best;
        let bestLength = 0;
        let tie = false;
        const wanted = repoPath.split('/');
        for (const path of list) {
            const segments = path.replace(/^\/+/, '').split('/');
            let common = 0;
            while (common < wanted.length &&
                common < segments.length &&
                wanted[wanted.length - 1 - common] === segments[segments.length - 1 - common]) {
                common++;
            }
            // One path wholly a suffix of the other, or at least a directory and the file name alike.
            const whole = common === wanted.length || common === segments.length;
            if (!whole && common < 2)
                continue;
            if (common > bestLength) {
                best = path;
                bestLength = common;
                tie = false;
            }
            else if (common === bestLength)
                tie = true;
        }
        return tie ? undefined : best;
    };
}

;// CONCATENATED MODULE: ./src/coverage/diff-coverage.ts


/** Coverage of the lines a PR changed: changed lines that the report measures, and which ran. */
function diffCoverage(coverage, changed, verified) {
    const find = suffixIndex(coverage.keys(), verified);
    const files = [];
    const notes = [];
    let executable = 0;
    let covered = 0;
    for (const change of changed) {
        const key = find(change.path);
        const hits = key === undefined ? undefined : coverage.get(key);
        const entry = {
            path: change.path,
            status: change.status,
            changed: change.added.length,
            executable: 0,
            covered: 0,
            uncovered: [],
        };
        if (change.note) {
            entry.note = change.note;
            notes.push(`${change.path}: ${change.note}`);
        }
        if (hits) {
            entry.file = totalsOf([hits]);
            for (const line of change.added) {
                const count = hits.get(line);
                if (count === undefined)
                    continue;
                entry.executable++;
                if (count > 0)
                    entry.covered++;
                else
                    entry.uncovered.push(line);
            }
        }
        executable += entry.executable;
        covered += entry.covered;
        files.push(entry);
    }
    return { files, totals: { lines: executable, covered }, notes };
}
/** Groups ascending line numbers into ranges: [3,4,5,9] -> "3-5, 9". */
function lineRanges(lines) {
    const ranges = [];
    for (const line of lines) {
        const last = ranges[ranges.length - 1];
        if (last && line === last[1] + 1)
            last[1] = line;
        else
            ranges.push([line, line]);
    }
    return ranges;
}
function formatRanges(lines, separator = ', ') {
    return lineRanges(lines)
        .map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`))
        .join(separator);
}

;// CONCATENATED MODULE: ./src/coverage/artifact.ts


/**
 * The report a fork PR's test job hands to the commenting workflow (mode collect -> mode post).
 * It is produced by code from the PR, so reading it trusts nothing: every field is checked,
 * sizes are capped, and every string is escaped again where it is shown.
 */
const SCHEMA = 'tg-devops-coverage/1';
const MAX_ARTIFACT_BYTES = 64 * 1024 * 1024;
const MAX_LINES = 20_000_000;
const MAX_FAILED = 1000;
const MAX_TEXT = 2000;
function toArtifact(input) {
    const files = {};
    for (const [path, hits] of input.files) {
        const hit = [];
        const miss = [];
        for (const line of [...hits.keys()].sort((a, b) => a - b)) {
            (hits.get(line) > 0 ? hit : miss).push(line);
        }
        files[path] = { hit: formatRanges(hit, ','), miss: formatRanges(miss, ',') };
    }
    return {
        schema: SCHEMA,
        pr: input.pr,
        headSha: input.headSha,
        exitCode: input.exitCode,
        files,
        tests: { ...input.tests, failed: input.tests.failed.slice(0, MAX_FAILED) },
    };
}
const RANGES = /^(?:\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*)?$/;
function readArtifact(text, file) {
    const fail = (problem) => {
        throw new ReportError(file, `not a valid tg-devops report: ${problem}`);
    };
    if (text.length > MAX_ARTIFACT_BYTES)
        fail(`larger than ${MAX_ARTIFACT_BYTES} bytes`);
    let data = {};
    try {
        const parsed = JSON.parse(text);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
            fail('not a JSON object');
        data = parsed;
    }
    catch (error) {
        if (error instanceof ReportError)
            throw error;
        fail(`malformed JSON (${error.message})`);
    }
    if (data.schema !== SCHEMA)
        fail(`schema is ${JSON.stringify(data.schema)}, expected "${SCHEMA}"`);
    const pr = data.pr;
    if (pr !== null && !(Number.isSafeInteger(pr) && pr > 0))
        fail('pr is not a PR number');
    const headSha = data.headSha;
    if (headSha !== null && !(typeof headSha === 'string' && /^[0-9a-f]{40}$/.test(headSha))) {
        fail('headSha is not a commit SHA');
    }
    const exitCode = data.exitCode;
    if (!Number.isSafeInteger(exitCode))
        fail('exitCode is not a whole number');
    const files = new Map();
    const rawFiles = data.files;
    if (typeof rawFiles !== 'object' || rawFiles === null || Array.isArray(rawFiles))
        fail('files is not an object');
    let total = 0;
    for (const [path, entry] of Object.entries(rawFiles)) {
        if (path.length === 0 || path.length > 1000 || [...path].some((ch) => ch.charCodeAt(0) < 32))
            fail('a file path is empty, too long or has control characters');
        const { hit, miss } = (entry ?? {});
        if (typeof hit !== 'string' || typeof miss !== 'string' || !RANGES.test(hit) || !RANGES.test(miss)) {
            fail(`files[${JSON.stringify(path.slice(0, 100))}] has no valid hit/miss line ranges`);
        }
        const hits = new Map();
        for (const [ranges, count] of [[miss, 0], [hit, 1]]) {
            if (!ranges)
                continue;
            for (const range of ranges.split(',')) {
                const [a, b = a] = range.split('-').map(Number);
                if (b < a || b - a > MAX_LINES)
                    fail('a line range runs backwards or is too long');
                total += b - a + 1;
                if (total > MAX_LINES)
                    fail(`more than ${MAX_LINES} lines`);
                for (let line = a; line <= b; line++)
                    hits.set(line, count);
            }
        }
        files.set(path, hits);
    }
    const tests = (data.tests ?? {});
    const counts = ['tests', 'failures', 'errors', 'skipped'].map((key) => {
        const value = tests[key];
        if (!Number.isSafeInteger(value) || value < 0)
            fail(`tests.${key} is not a count`);
        return value;
    });
    if (!Array.isArray(tests.failed))
        fail('tests.failed is not a list');
    const failed = tests.failed.slice(0, MAX_FAILED).map((item) => {
        const { name, message, kind } = (item ?? {});
        if (typeof name !== 'string' || typeof message !== 'string')
            fail('a failed test has no name or message');
        return {
            name: name.slice(0, MAX_TEXT),
            message: message.slice(0, MAX_TEXT),
            kind: kind === 'error' ? 'error' : 'failure',
        };
    });
    return {
        pr: pr,
        headSha: headSha,
        exitCode: exitCode,
        files,
        tests: { tests: counts[0], failures: counts[1], errors: counts[2], skipped: counts[3], failed },
    };
}

;// CONCATENATED MODULE: ./src/coverage/junit.ts


/**
 * JUnit XML as pytest (`--junitxml`) and most runners write it: <testsuites>? <testsuite>
 * <testcase classname name> with an optional <failure>, <error> or <skipped> child. Counts come
 * from the test cases themselves, not from the suites' attributes.
 */
function parseJUnit(xml, file) {
    const result = { tests: 0, failures: 0, errors: 0, skipped: 0, failed: [] };
    let root;
    let testcase;
    let detail;
    let detailText = '';
    try {
        scanXml(xml, {
            open(name, attributes, selfClosing) {
                if (root === undefined) {
                    root = name;
                    if (name !== 'testsuites' && name !== 'testsuite') {
                        throw new ReportError(file, `not a JUnit report: root element is <${name}>, expected <testsuites> or <testsuite>`);
                    }
                }
                if (name === 'testcase') {
                    result.tests++;
                    const caseName = attributes.name ?? '(unnamed)';
                    const classname = attributes.classname ?? '';
                    testcase = { name: classname ? `${classname}.${caseName}` : caseName };
                    if (selfClosing)
                        testcase = undefined;
                }
                else if (testcase && (name === 'failure' || name === 'error')) {
                    if (testcase.outcome === 'failure' || testcase.outcome === 'error')
                        return;
                    if (testcase.outcome === 'skipped')
                        result.skipped--;
                    testcase.outcome = name;
                    if (name === 'failure')
                        result.failures++;
                    else
                        result.errors++;
                    detail = { name: testcase.name, kind: name, message: attributes.message ?? '' };
                    detailText = '';
                    result.failed.push(detail);
                    if (selfClosing)
                        detail = undefined;
                }
                else if (testcase && name === 'skipped' && testcase.outcome === undefined) {
                    testcase.outcome = 'skipped';
                    result.skipped++;
                }
            },
            close(name) {
                if (name === 'testcase')
                    testcase = undefined;
                else if ((name === 'failure' || name === 'error') && detail) {
                    if (!detail.message.trim())
                        detail.message = firstLines(detailText);
                    detail = undefined;
                }
            },
            text(text) {
                if (detail)
                    detailText += text;
            },
        });
    }
    catch (error) {
        if (error instanceof XmlError)
            throw new ReportError(file, `malformed XML (${error.message})`);
        throw error;
    }
    if (result.tests === 0)
        throw new ReportError(file, 'empty test report: it lists no test cases');
    return result;
}
function firstLines(text) {
    const lines = text.trim().split('\n');
    // pytest puts the assertion last ("E   assert 1 == 2"): prefer the E lines.
    const errors = lines.filter((l) => /^E\s/.test(l)).map((l) => l.replace(/^E\s+/, ''));
    return (errors.length ? errors : lines.slice(-3)).join('\n').trim();
}

;// CONCATENATED MODULE: ./src/coverage/outcome.ts


const points = (value) => `${(Math.ceil(value * 100 - 1e-9) / 100).toFixed(2)} points`;
/** Messages for the thresholds that fell short, saying by how much; empty when all hold. */
function thresholdFailures(outcome, thresholds) {
    const failures = [];
    const total = percent(outcome.coverage);
    if (thresholds.minCoverage > 0 && (total ?? 0) < thresholds.minCoverage) {
        failures.push(`coverage ${formatPercent(total ?? 0)} is below min-coverage ${thresholds.minCoverage}% by ${points(thresholds.minCoverage - (total ?? 0))}`);
    }
    const diff = outcome.diff ? percent(outcome.diff.totals) : null;
    if (thresholds.minDiffCoverage > 0 && diff !== null && diff < thresholds.minDiffCoverage) {
        const uncovered = outcome.diff.totals.lines - outcome.diff.totals.covered;
        failures.push(`diff coverage ${formatPercent(diff)} is below min-diff-coverage ${thresholds.minDiffCoverage}% by ${points(thresholds.minDiffCoverage - diff)} (${uncovered} of ${outcome.diff.totals.lines} changed lines not covered)`);
    }
    return failures;
}
/** The failure message for the tests themselves, or undefined when they passed. */
function testFailure(outcome) {
    const { tests, failures, errors, failed } = outcome.tests;
    const bad = failures + errors;
    if (bad > 0) {
        const names = failed.slice(0, 5).map((f) => f.name);
        const more = failed.length > 5 ? ` and ${failed.length - 5} more` : '';
        return `${bad} of ${tests} tests failed: ${names.join(', ')}${more}`;
    }
    if (outcome.exitCode !== 0) {
        return `the test command exited ${outcome.exitCode} although no test failed (a crash, a collection or a coverage error: see the log above)`;
    }
    return undefined;
}
/** The job summary and the PR comment: the same markdown, with the hidden marker first. */
function renderMarkdown(outcome, options) {
    const { tests, failures, errors, skipped } = outcome.tests;
    const bad = failures + errors;
    const passed = tests - bad - skipped;
    const problems = [...(testFailure(outcome) ? [testFailure(outcome)] : []), ...(options.thresholdFailures ?? [])];
    const total = percent(outcome.coverage);
    const diff = outcome.diff ? percent(outcome.diff.totals) : null;
    const out = [options.marker];
    const icon = problems.length ? '❌' : '✅';
    const headline = bad
        ? `${bad} of ${tests} tests failed`
        : outcome.exitCode !== 0
            ? `test command exited ${outcome.exitCode}`
            : `${passed} tests passed`;
    out.push(`### ${icon} ${headline} · coverage ${formatPercent(total)}${outcome.diff ? ` · diff coverage ${formatPercent(diff)}` : ''}`, '', '| | |', '| --- | --- |', `| Tests | ${passed} passed, ${failures} failed, ${errors} errors, ${skipped} skipped (${tests} total) |`, `| Coverage | ${formatPercent(total)} (${outcome.coverage.covered} of ${outcome.coverage.lines} lines) |`);
    if (outcome.diff) {
        const t = outcome.diff.totals;
        out.push(t.lines
            ? `| Diff coverage | ${formatPercent(diff)} (${t.covered} of ${t.lines} changed lines) |`
            : '| Diff coverage | n/a (the PR changes no measured line) |');
    }
    else if (outcome.diffNote) {
        out.push(`| Diff coverage | n/a (${cell(outcome.diffNote)}) |`);
    }
    if (problems.length) {
        out.push('', '**Failed:**', ...problems.map((p) => `- ${cell(p)}`));
    }
    const maxFailures = options.maxFailures ?? 20;
    if (outcome.tests.failed.length) {
        out.push('', '#### Failures', '');
        for (const failure of outcome.tests.failed.slice(0, maxFailures)) {
            out.push(`**${code(truncate(failure.name, 300))}** (${failure.kind})`, '', fence(truncate(failure.message || '(no message)', 600)), '');
        }
        if (outcome.tests.failed.length > maxFailures) {
            out.push(`…and ${outcome.tests.failed.length - maxFailures} more failures (see the job log).`, '');
        }
    }
    if (outcome.diff) {
        const measured = outcome.diff.files.filter((f) => f.file);
        const others = outcome.diff.files.length - measured.length;
        if (measured.length) {
            measured.sort((a, b) => b.uncovered.length - a.uncovered.length || a.path.localeCompare(b.path));
            const maxFiles = options.maxFiles ?? 50;
            out.push('', '#### Changed files', '', '| File | Coverage | Diff coverage | Uncovered changed lines |', '| --- | ---: | ---: | --- |');
            for (const file of measured.slice(0, maxFiles)) {
                const filePercent = formatPercent(percent(file.file));
                const diffText = file.executable ? `${formatPercent(percent({ lines: file.executable, covered: file.covered }))} (${file.covered}/${file.executable})` : 'n/a';
                const uncovered = file.uncovered.length ? cell(truncate(formatRanges(file.uncovered), 200)) : '';
                out.push(`| ${cell(code(file.path))} | ${filePercent} | ${diffText} | ${uncovered} |`);
            }
            if (measured.length > maxFiles)
                out.push('', `…and ${measured.length - maxFiles} more measured files.`);
        }
        if (others)
            out.push('', `${others} changed file${others === 1 ? ' is' : 's are'} not in the coverage report.`);
        for (const note of outcome.diff.notes.slice(0, 10))
            out.push('', `> ${cell(note)}`);
    }
    if (outcome.headSha)
        out.push('', `<sub>Commit ${outcome.headSha.slice(0, 12)} · tg-devops test</sub>`);
    return limitLength(out.join('\n'), MAX_BODY);
}
/** GitHub refuses comment bodies over 65,536 characters. */
const MAX_BODY = 65_000;
function limitLength(markdown, max) {
    if (markdown.length <= max)
        return markdown;
    const note = '\n\n…the report was cut here to fit a GitHub comment; the job log has all of it.';
    let cut = markdown.slice(0, max - note.length);
    // Do not leave a code fence open.
    const fences = cut.match(/^`{3,}/gm) ?? [];
    if (fences.length % 2 === 1)
        cut += `\n${fences[fences.length - 1]}`;
    return cut + note;
}
/** Escapes text for a markdown table cell or a list item: no HTML, no pipes, no line breaks. */
function cell(text) {
    return text
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/\|/g, '\\|')
        .replace(/@/g, '@\u200b')
        .replace(/\r?\n/g, ' ');
}
/** An inline code span that no backtick in the text can close early. */
function code(text) {
    const flat = text.replace(/\r?\n/g, ' ');
    const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
    const ticks = '`'.repeat(longest + 1);
    const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
    return `${ticks}${pad}${flat}${pad}${ticks}`;
}
/** A fenced block that no line of the text can close early. */
function fence(text) {
    const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
    const ticks = '`'.repeat(longest + 1);
    return `${ticks}text\n${text}\n${ticks}`;
}
function truncate(text, max) {
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

;// CONCATENATED MODULE: ./src/coverage/diff.ts
const HUNK = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/;
/** New-side numbers of the added lines of a unified diff (the `patch` field of a PR file). */
function addedLines(patch) {
    const added = [];
    let line = 0;
    let remaining = 0;
    for (const text of patch.split('\n')) {
        const hunk = HUNK.exec(text);
        if (hunk) {
            line = Number(hunk[1]);
            remaining = hunk[2] === undefined ? 1 : Number(hunk[2]);
            continue;
        }
        if (remaining <= 0)
            continue;
        const mark = text[0];
        if (mark === '+') {
            added.push(line++);
            remaining--;
        }
        else if (mark === ' ' || (mark === undefined && text === '')) {
            line++;
            remaining--;
        }
        // '-' lines and '\ No newline at end of file' do not move the new side.
    }
    return added;
}
function changedFiles(files) {
    const changed = [];
    for (const file of files) {
        if (file.status === 'removed')
            continue;
        const entry = { path: file.filename, status: file.status, added: [] };
        if (file.previous_filename)
            entry.previousPath = file.previous_filename;
        if (typeof file.patch === 'string')
            entry.added = addedLines(file.patch);
        else if ((file.additions ?? 0) > 0) {
            entry.note = 'GitHub sent no diff for this file (too large or binary): its lines are not counted';
        }
        changed.push(entry);
    }
    return changed;
}

;// CONCATENATED MODULE: ./src/testrun/pull-request.ts

function parseRepository(value) {
    const [owner, repo, ...rest] = value.split('/');
    if (!owner || !repo || rest.length)
        throw new Error(`expected owner/repo, got ${JSON.stringify(value)}`);
    return { owner, repo };
}
const base = (r) => `/repos/${encodeURIComponent(r.owner)}/${encodeURIComponent(r.repo)}`;
/** The PR's changed files with their added lines (GET .../pulls/{n}/files, every page). */
async function fetchChangedFiles(api, repo, pr) {
    // GitHub lists at most 3000 files (30 pages of 100).
    const files = await api.paginate(`${base(repo)}/pulls/${pr}/files`, 30);
    return changedFiles(files);
}
async function fetchPullHead(api, repo, pr) {
    const pull = await api.request('GET', `${base(repo)}/pulls/${pr}`);
    return pull.head?.sha ?? '';
}
function commentMarker(id) {
    return `<!-- tg-devops:coverage:${id} -->`;
}
/**
 * One sticky comment per PR and marker: the bot's earlier comment that starts with the hidden
 * marker is edited in place; only when there is none is a new one posted. Comments by people
 * that quote the marker are never touched.
 */
async function upsertComment(api, repo, pr, marker, body) {
    const comments = await api.paginate(`${base(repo)}/issues/${pr}/comments`, 50);
    const mine = comments.find((c) => c.user?.type === 'Bot' && (c.body ?? '').startsWith(marker));
    if (mine) {
        const updated = await api.request('PATCH', `${base(repo)}/issues/comments/${mine.id}`, { body });
        return { action: 'updated', id: mine.id, url: updated?.html_url ?? mine.html_url ?? '' };
    }
    const created = await api.request('POST', `${base(repo)}/issues/${pr}/comments`, {
        body,
    });
    return { action: 'created', id: created.id, url: created.html_url ?? '' };
}

;// CONCATENATED MODULE: ./src/testrun/env.ts
/**
 * The environment the test command runs in: the job's, minus what belongs to the action and the
 * runner. A node action's process holds its inputs (INPUT_GITHUB-TOKEN among them) and the
 * runner's tokens for the cache and artifact services (ACTIONS_RUNTIME_TOKEN) and for OIDC;
 * the code under test, which in a PR is the PR's code, gets none of them.
 */
const RUNNER_SECRETS = new Set([
    'ACTIONS_RUNTIME_TOKEN',
    'ACTIONS_RUNTIME_URL',
    'ACTIONS_CACHE_URL',
    'ACTIONS_RESULTS_URL',
    'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
    'ACTIONS_ID_TOKEN_REQUEST_URL',
]);
function testEnvironment(job, add) {
    const env = {};
    for (const key of Object.keys(job)) {
        // undefined removes the variable from the child's environment (see src/exec.ts).
        if (key.startsWith('INPUT_') || RUNNER_SECRETS.has(key))
            env[key] = undefined;
    }
    return { ...env, ...add };
}

;// CONCATENATED MODULE: ./src/testrun/wait.ts


/**
 * Retries a service's readiness probe until it succeeds or the deadline passes. A service that
 * never comes up fails with its name, address and last error; an error that waiting cannot fix
 * (a wrong password) fails at once.
 */
async function waitForService(check, options) {
    const { clock, log } = options;
    const interval = options.intervalMs ?? 1000;
    const deadline = clock.now() + options.timeoutMs;
    let attempts = 0;
    let last = 'no attempt was made';
    for (;;) {
        attempts++;
        const remaining = Math.max(1, deadline - clock.now());
        try {
            await check.probe(Math.min(options.attemptTimeoutMs ?? 5000, remaining));
            log.info(`${check.name} at ${check.address} accepts connections (attempt ${attempts})`);
            return attempts;
        }
        catch (error) {
            last = errorMessage(error) || String(error);
            if (error instanceof FatalProbeError) {
                throw new StepError(`${check.name} at ${check.address}`, `refused the connection: ${last}`);
            }
        }
        if (clock.now() + interval > deadline)
            break;
        if (attempts === 1 || attempts % 10 === 0) {
            log.info(`waiting for ${check.name} at ${check.address}: ${last}`);
        }
        await clock.sleep(interval);
    }
    throw new StepError(`${check.name} at ${check.address}`, `not accepting connections after ${Math.round(options.timeoutMs / 1000)}s (${attempts} attempts); last error: ${last}`);
}

;// CONCATENATED MODULE: ./actions/test/main.ts















const readIfExists = (path) => ((0,external_node_fs_namespaceObject.existsSync)(path) ? (0,external_node_fs_namespaceObject.readFileSync)(path, 'utf8') : undefined);
const writeWithDirs = (path, text) => {
    (0,external_node_fs_namespaceObject.mkdirSync)((0,external_node_path_namespaceObject.dirname)(path), { recursive: true });
    (0,external_node_fs_namespaceObject.writeFileSync)(path, text);
};
async function run(inputs, deps) {
    if (inputs.mode === 'post')
        return post(inputs, deps);
    const { log } = deps;
    const read = deps.readFile ?? readIfExists;
    const cwd = (0,external_node_path_namespaceObject.resolve)(inputs.workspace, inputs.workingDirectory);
    const repo = inputs.repository ? parseRepository(inputs.repository) : undefined;
    // The URLs are masked whole; a driver's error may print the password alone, decoded.
    for (const password of [inputs.postgres?.password, inputs.redis?.password]) {
        if (password && password.length > 3)
            log.secret(password);
    }
    await log.group('Waiting for services', async () => {
        const options = { clock: deps.clock, log, timeoutMs: inputs.servicesTimeoutSeconds * 1000 };
        const pg = inputs.postgres;
        if (pg) {
            const ready = deps.postgresReady ?? postgresReady;
            await waitForService({ name: 'Postgres', address: address(pg), probe: (t) => ready(pg, t) }, options);
        }
        const redis = inputs.redis;
        if (redis) {
            const ready = deps.redisReady ?? redisReady;
            await waitForService({ name: 'Redis', address: address(redis), probe: (t) => ready(redis, t) }, options);
        }
        if (!pg && !redis)
            log.info('no database-url or redis-url given: nothing to wait for');
    });
    const urls = {};
    if (inputs.databaseUrl)
        urls.DATABASE_URL = inputs.databaseUrl;
    if (inputs.redisUrl)
        urls.REDIS_URL = inputs.redisUrl;
    const env = testEnvironment(deps.environment ?? process.env, urls);
    const result = await log.group(`Running ${inputs.testCommand.join(' ')}`, () => deps.exec.run(inputs.testCommand, {
        cwd,
        env,
        allowFailure: true,
        onLine: (line) => log.info(line),
    }));
    log.info(`the test command exited ${result.exitCode}`);
    const reportText = (input, file) => {
        const path = (0,external_node_path_namespaceObject.resolve)(cwd, file);
        const text = read(path);
        if (text === undefined) {
            throw new ReportError(file, `not found (${input}, looked in ${path}); the test command exited ${result.exitCode} without writing it`);
        }
        return text;
    };
    const junitText = reportText('junit-file', inputs.junitFile);
    const coverageText = reportText('coverage-file', inputs.coverageFile);
    const tests = parseJUnit(junitText, inputs.junitFile);
    const coverage = parseCoverage(coverageText, inputs.coverageFile, inputs.coverageFormat);
    const exists = deps.exists ?? external_node_fs_namespaceObject.existsSync;
    const mapped = mapToRepo(coverage.files, {
        repoRoot: inputs.workspace,
        workingDirectory: (0,external_node_path_namespaceObject.relative)(inputs.workspace, cwd),
        sources: coverage.sources,
        exists: (p) => exists((0,external_node_path_namespaceObject.join)(inputs.workspace, p)),
    });
    const outcome = {
        tests,
        exitCode: result.exitCode,
        coverage: totalsOf(mapped.files.values()),
        diff: null,
        headSha: inputs.headSha || undefined,
    };
    if (inputs.prNumber === null)
        outcome.diffNote = 'not a pull request';
    else if (!repo || !inputs.githubToken)
        outcome.diffNote = 'no github-token to read the PR diff';
    else {
        try {
            const changed = await fetchChangedFiles(deps.api(inputs.githubToken), repo, inputs.prNumber);
            outcome.diff = diffCoverage(mapped.files, changed, mapped.verified);
        }
        catch (error) {
            outcome.diffNote = 'the PR diff could not be read';
            log.warn(`could not read the PR diff: ${errorMessage(error)}`);
        }
    }
    if (inputs.mode === 'collect') {
        const path = (0,external_node_path_namespaceObject.isAbsolute)(inputs.reportFile)
            ? inputs.reportFile
            : (0,external_node_path_namespaceObject.resolve)(inputs.workspace, inputs.reportFile);
        const artifact = toArtifact({
            pr: inputs.prNumber,
            headSha: inputs.headSha || null,
            exitCode: result.exitCode,
            files: mapped.files,
            tests,
        });
        (deps.writeFile ?? writeWithDirs)(path, JSON.stringify(artifact));
        log.info(`wrote the report for the commenting workflow to ${path}`);
        deps.outputs({ 'report-path': path });
    }
    const canComment = inputs.mode === 'run' && inputs.comment;
    await publish(outcome, inputs, deps, {
        repo,
        pr: inputs.prNumber,
        comment: canComment ? 'try' : 'no',
        annotate: true,
    });
    const problems = [testFailure(outcome), ...thresholdFailures(outcome, inputs)].filter((p) => p !== undefined);
    if (problems.length)
        throw new StepError('tg-devops test', problems.join('; '));
}
/** The commenting side of the fork path: reads the collected report, never runs PR code. */
async function post(inputs, deps) {
    const { log } = deps;
    const read = deps.readFile ?? readIfExists;
    const path = (0,external_node_path_namespaceObject.resolve)(inputs.workspace, inputs.reportFile);
    const text = read(path);
    if (text === undefined) {
        throw new ReportError(inputs.reportFile, `not found (report-file, looked in ${path}): download the artifact that mode collect wrote`);
    }
    const artifact = readArtifact(text, inputs.reportFile);
    if (!inputs.repository)
        throw new StepError('post', 'GITHUB_REPOSITORY is not set');
    const repo = parseRepository(inputs.repository);
    const pr = inputs.prNumber ?? artifact.pr;
    if (pr === null)
        throw new StepError('post', 'no PR number in pr-number or in the report');
    if (artifact.headSha && artifact.headSha !== inputs.headSha) {
        throw new StepError('post', `the report is for commit ${artifact.headSha}, not for the tested run's ${inputs.headSha}: not posting`);
    }
    const api = deps.api(inputs.githubToken);
    const head = await fetchPullHead(api, repo, pr);
    if (head !== inputs.headSha) {
        throw new StepError('post', `PR #${pr} is at ${head || 'an unknown commit'}, but the tested run was ${inputs.headSha}: not posting (a newer push will post its own report)`);
    }
    const changed = await fetchChangedFiles(api, repo, pr);
    const outcome = {
        tests: artifact.tests,
        exitCode: artifact.exitCode,
        coverage: totalsOf(artifact.files.values()),
        diff: diffCoverage(artifact.files, changed),
        headSha: inputs.headSha,
    };
    log.info(`posting the report of ${inputs.headSha} to PR #${pr}`);
    await publish(outcome, inputs, deps, { repo, pr, comment: 'must', annotate: false });
}
async function publish(outcome, inputs, deps, where) {
    const { log } = deps;
    const thresholds = thresholdFailures(outcome, inputs);
    const marker = commentMarker(inputs.commentId);
    const markdown = renderMarkdown(outcome, { marker, thresholdFailures: thresholds });
    deps.summary(markdown);
    const total = percent(outcome.coverage);
    const diff = outcome.diff ? percent(outcome.diff.totals) : null;
    deps.outputs({
        coverage: total === null ? '' : formatPercent(total).replace('%', ''),
        'diff-coverage': diff === null ? '' : formatPercent(diff).replace('%', ''),
        tests: outcome.tests.tests,
        failures: outcome.tests.failures + outcome.tests.errors,
        skipped: outcome.tests.skipped,
    });
    log.info(`tests ${outcome.tests.tests}, failures ${outcome.tests.failures + outcome.tests.errors}, skipped ${outcome.tests.skipped}; coverage ${formatPercent(total)}; diff coverage ${formatPercent(diff)}`);
    if (where.annotate && outcome.diff) {
        let annotated = 0;
        let skipped = 0;
        for (const file of outcome.diff.files) {
            for (const [start, end] of lineRanges(file.uncovered)) {
                if (annotated >= inputs.maxAnnotations) {
                    skipped++;
                    continue;
                }
                annotated++;
                const lines = start === end ? `Line ${start} is` : `Lines ${start}-${end} are`;
                log.warn(`${lines} changed in this PR but no test runs ${start === end ? 'it' : 'them'}`, {
                    title: 'Uncovered changed lines',
                    file: file.path,
                    startLine: start,
                    endLine: end,
                });
            }
        }
        if (skipped) {
            log.info(`${skipped} more uncovered ranges not annotated (max-annotations ${inputs.maxAnnotations})`);
        }
    }
    if (where.comment === 'no')
        return;
    if (where.pr === null || !where.repo) {
        if (where.comment === 'must')
            throw new StepError('comment', 'no PR to comment on');
        return;
    }
    if (!inputs.githubToken) {
        log.info('no github-token: not commenting');
        return;
    }
    try {
        const comment = await upsertComment(deps.api(inputs.githubToken), where.repo, where.pr, marker, markdown);
        log.info(`${comment.action} the coverage comment on PR #${where.pr}: ${comment.url}`);
        deps.outputs({ 'comment-url': comment.url });
    }
    catch (error) {
        if (where.comment === 'must')
            throw error;
        const readOnly = /HTTP 403/.test(errorMessage(error));
        log.warn(readOnly
            ? `the token cannot comment on PR #${where.pr} (a fork PR's token is read-only): the report is in the job summary; to comment on fork PRs use mode collect and mode post (docs/fork-prs.md)`
            : `could not comment on PR #${where.pr}: ${errorMessage(error)}`);
    }
}
function address(target) {
    return target.host.includes(':')
        ? `[${target.host}]:${target.port}`
        : `${target.host}:${target.port}`;
}

;// CONCATENATED MODULE: ./actions/test/index.ts






void runAction(() => run(readInputs(), {
    exec: localExecutor(),
    clock: systemClock,
    log: actionsLog,
    api: (token) => githubApi({ token, userAgent: 'tg-devops-test' }),
    summary: writeSummary,
    outputs: setOutputs,
}));


//# sourceMappingURL=index.js.map