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
    throw new InputError(name, `expected true or false, got ${JSON.stringify(raw)}`);
}
function getInt(name, fallback, range = {}) {
    const raw = getString(name);
    if (raw === '')
        return fallback;
    if (!/^-?\d+$/.test(raw))
        throw new InputError(name, `expected a whole number, got ${JSON.stringify(raw)}`);
    const value = Number(raw);
    if (range.min !== undefined && value < range.min)
        throw new InputError(name, `must be at least ${range.min}, got ${value}`);
    if (range.max !== undefined && value > range.max)
        throw new InputError(name, `must be at most ${range.max}, got ${value}`);
    return value;
}
function getEnum(name, allowed, fallback) {
    const raw = getString(name);
    if (raw === '')
        return fallback;
    if (!allowed.includes(raw)) {
        throw new InputError(name, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
    }
    return raw;
}
/** A list given one item per line or comma separated; blank items and # comments dropped. */
function getList(name, options = { commas: true }) {
    return splitList(core.getInput(name), options.commas ?? true);
}
/** A multi-line input kept line by line (tag rules, label lines), blank lines dropped. */
function getLines(name) {
    return splitList(getInput(name), false);
}
function splitList(raw, commas) {
    return raw
        .split(/\r?\n/)
        .flatMap((line) => (commas ? line.split(',') : [line]))
        .map((item) => item.trim())
        .filter((item) => item !== '' && !item.startsWith('#'));
}

;// CONCATENATED MODULE: ./actions/meta/inputs.ts

function readInputs() {
    return {
        images: getLines('images'),
        tags: getLines('tags'),
        flavor: getLines('flavor'),
        labels: getLines('labels'),
        annotations: getLines('annotations'),
        sepTags: getString('sep-tags', '\n'),
        sepLabels: getString('sep-labels', '\n'),
        sepAnnotations: getString('sep-annotations', '\n'),
        githubToken: getSecret('github-token'),
    };
}

;// CONCATENATED MODULE: ./src/github/env.ts


/** Sets an environment variable for the following steps (the runner's GITHUB_ENV file). */
function exportVariable(name, value) {
    process.env[name] = value;
    const file = process.env.GITHUB_ENV;
    if (file)
        (0,external_node_fs_namespaceObject.appendFileSync)(file, formatKeyValue(name, value), 'utf8');
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

;// CONCATENATED MODULE: ./src/meta/context.ts
/**
 * The GitHub context a workflow run gives an action, read from its environment and event JSON.
 * Pure: tests pass an env record and an event object, nothing touches process.env.
 */
function isTrue(value) {
    return /true/i.test(value ?? '');
}
function readContext(env, payload, options = {}) {
    const eventName = env.GITHUB_EVENT_NAME ?? '';
    let ref = env.GITHUB_REF ?? '';
    let sha = env.GITHUB_SHA ?? '';
    // pull_request_target runs on the base branch; metadata-action tags it as the PR.
    if (/pull_request_target/.test(eventName) && payload.number !== undefined) {
        ref = `refs/pull/${payload.number}/merge`;
    }
    const prHeadSha = options.prHeadSha ?? isTrue(env.DOCKER_METADATA_PR_HEAD_SHA);
    if (prHeadSha && /pull_request/.test(eventName) && payload.pull_request?.head?.sha) {
        sha = payload.pull_request.head.sha;
    }
    return {
        eventName,
        ref,
        sha,
        repository: env.GITHUB_REPOSITORY ?? '',
        serverUrl: (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, ''),
        apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
        payload,
        commitDate: commitDateFromEvent(payload, sha),
    };
}
function commitDateFromEvent(payload, sha) {
    const stamp = payload.commits?.find((c) => c.id === sha)?.timestamp ??
        (payload.head_commit?.id === sha ? payload.head_commit.timestamp : undefined);
    const date = stamp ? new Date(stamp) : undefined;
    return date && !Number.isNaN(date.getTime()) ? date : undefined;
}
/** "Now" for dates and the created label: SOURCE_DATE_EPOCH when set (reproducible builds). */
function buildDate(env, now = Date.now) {
    const epoch = env.SOURCE_DATE_EPOCH?.trim();
    if (epoch) {
        if (!/^\d+$/.test(epoch)) {
            throw new Error(`SOURCE_DATE_EPOCH must be whole seconds since 1970, got ${JSON.stringify(epoch)}`);
        }
        return new Date(Number(epoch) * 1000);
    }
    return new Date(now());
}

;// CONCATENATED MODULE: ./src/meta/datefmt.ts
/**
 * moment.js format tokens (the ones `{{date 'YYYYMMDD-HHmm' tz='Europe/Berlin'}}` uses in
 * docker/metadata-action), rendered with Intl for the time zone. Text in [brackets] is literal;
 * letters that are not tokens pass through, as in moment.
 */
const MONTHS = [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const formatters = new Map();
function formatterFor(tz) {
    let f = formatters.get(tz);
    if (!f) {
        try {
            f = new Intl.DateTimeFormat('en-US', {
                timeZone: tz,
                hourCycle: 'h23',
                year: 'numeric',
                month: 'numeric',
                day: 'numeric',
                hour: 'numeric',
                minute: 'numeric',
                second: 'numeric',
            });
        }
        catch {
            throw new Error(`unknown time zone ${JSON.stringify(tz)}`);
        }
        formatters.set(tz, f);
    }
    return f;
}
function wallClock(date, tz) {
    if (Number.isNaN(date.getTime()))
        throw new Error('invalid date');
    const ms = date.getUTCMilliseconds();
    if (tz === 'UTC' || tz === 'Etc/UTC') {
        return {
            year: date.getUTCFullYear(),
            month: date.getUTCMonth() + 1,
            day: date.getUTCDate(),
            hour: date.getUTCHours(),
            minute: date.getUTCMinutes(),
            second: date.getUTCSeconds(),
            ms,
            weekday: date.getUTCDay(),
            offsetMinutes: 0,
        };
    }
    const parts = {};
    for (const p of formatterFor(tz).formatToParts(date)) {
        if (p.type !== 'literal')
            parts[p.type] = Number(p.value);
    }
    const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second, ms);
    return {
        year: parts.year,
        month: parts.month,
        day: parts.day,
        hour: parts.hour,
        minute: parts.minute,
        second: parts.second,
        ms,
        weekday: new Date(asUtc).getUTCDay(),
        offsetMinutes: Math.round((asUtc - date.getTime()) / 60000),
    };
}
const pad = (n, width) => String(Math.abs(n)).padStart(width, '0');
function ordinal(n) {
    const b = n % 10;
    const suffix = Math.floor((n % 100) / 10) === 1
        ? 'th'
        : b === 1
            ? 'st'
            : b === 2
                ? 'nd'
                : b === 3
                    ? 'rd'
                    : 'th';
    return `${n}${suffix}`;
}
function dayOfYear(w) {
    return (Date.UTC(w.year, w.month - 1, w.day) - Date.UTC(w.year, 0, 1)) / 86400000 + 1;
}
function isoWeek(w) {
    const d = new Date(Date.UTC(w.year, w.month - 1, w.day));
    const day = d.getUTCDay() || 7;
    d.setUTCDate(d.getUTCDate() + 4 - day);
    const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
    return {
        week: Math.ceil(((d.getTime() - yearStart) / 86400000 + 1) / 7),
        year: d.getUTCFullYear(),
    };
}
function offset(minutes, colon) {
    const sign = minutes < 0 ? '-' : '+';
    return `${sign}${pad(Math.floor(Math.abs(minutes) / 60), 2)}${colon ? ':' : ''}${pad(Math.abs(minutes) % 60, 2)}`;
}
const TOKENS = {
    YYYYYY: (w) => (w.year < 0 ? '-' : '+') + pad(w.year, 6),
    YYYY: (w) => pad(w.year, 4),
    YY: (w) => pad(w.year % 100, 2),
    Y: (w) => String(w.year),
    GGGG: (w) => pad(isoWeek(w).year, 4),
    Q: (w) => String(Math.ceil(w.month / 3)),
    MMMM: (w) => MONTHS[w.month - 1],
    MMM: (w) => MONTHS[w.month - 1].slice(0, 3),
    MM: (w) => pad(w.month, 2),
    Mo: (w) => ordinal(w.month),
    M: (w) => String(w.month),
    DDDD: (w) => pad(dayOfYear(w), 3),
    DDDo: (w) => ordinal(dayOfYear(w)),
    DDD: (w) => String(dayOfYear(w)),
    DD: (w) => pad(w.day, 2),
    Do: (w) => ordinal(w.day),
    D: (w) => String(w.day),
    dddd: (w) => DAYS[w.weekday],
    ddd: (w) => DAYS[w.weekday].slice(0, 3),
    dd: (w) => DAYS[w.weekday].slice(0, 2),
    do: (w) => ordinal(w.weekday),
    d: (w) => String(w.weekday),
    E: (w) => String(w.weekday || 7),
    WW: (w) => pad(isoWeek(w).week, 2),
    Wo: (w) => ordinal(isoWeek(w).week),
    W: (w) => String(isoWeek(w).week),
    HH: (w) => pad(w.hour, 2),
    H: (w) => String(w.hour),
    hh: (w) => pad(w.hour % 12 || 12, 2),
    h: (w) => String(w.hour % 12 || 12),
    kk: (w) => pad(w.hour || 24, 2),
    k: (w) => String(w.hour || 24),
    mm: (w) => pad(w.minute, 2),
    m: (w) => String(w.minute),
    ss: (w) => pad(w.second, 2),
    s: (w) => String(w.second),
    SSS: (w) => pad(w.ms, 3),
    SS: (w) => pad(Math.floor(w.ms / 10), 2),
    S: (w) => String(Math.floor(w.ms / 100)),
    A: (w) => (w.hour < 12 ? 'AM' : 'PM'),
    a: (w) => (w.hour < 12 ? 'am' : 'pm'),
    ZZ: (w) => offset(w.offsetMinutes, false),
    Z: (w) => offset(w.offsetMinutes, true),
    X: (_w, date) => String(Math.floor(date.getTime() / 1000)),
    x: (_w, date) => String(date.getTime()),
};
const TOKEN_RE = new RegExp(`\\[[^\\]]*\\]|${Object.keys(TOKENS)
    .sort((a, b) => b.length - a.length)
    .join('|')}`, 'g');
function formatDate(date, format, tz = 'UTC') {
    const wall = wallClock(date, tz);
    // moment's default format: a literal Z for UTC, the offset otherwise.
    const fmt = format === ''
        ? wall.offsetMinutes === 0
            ? 'YYYY-MM-DDTHH:mm:ss[Z]'
            : 'YYYY-MM-DDTHH:mm:ssZ'
        : format;
    return fmt.replace(TOKEN_RE, (token) => token.startsWith('[') ? token.slice(1, -1) : TOKENS[token](wall, date));
}

;// CONCATENATED MODULE: ./src/meta/pep440.ts
/** PEP 440 versions: validation, the normalized form, and release parts. */
const PEP440 = new RegExp('^\\s*v?' +
    '(?:(?<epoch>[0-9]+)!)?' +
    '(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?<pre>[-_.]?(?<pre_l>a|b|c|rc|alpha|beta|pre|preview)[-_.]?(?<pre_n>[0-9]+)?)?' +
    '(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?' +
    '(?<dev>[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?' +
    '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?' +
    '\\s*$', 'i');
const PRE_NAMES = {
    a: 'a',
    alpha: 'a',
    b: 'b',
    beta: 'b',
    c: 'rc',
    rc: 'rc',
    pre: 'rc',
    preview: 'rc',
};
function parsePep440(raw) {
    const m = raw.match(PEP440);
    if (!m?.groups)
        return undefined;
    const g = m.groups;
    const release = g.release.split('.').map((n) => Number(n));
    const pre = g.pre_l
        ? [PRE_NAMES[g.pre_l.toLowerCase()], Number(g.pre_n ?? 0)]
        : undefined;
    const post = g.post ? Number(g.post_n1 ?? g.post_n2 ?? 0) : undefined;
    const dev = g.dev ? Number(g.dev_n ?? 0) : undefined;
    const local = g.local?.toLowerCase().replace(/[-_]/g, '.');
    const epoch = Number(g.epoch ?? 0);
    let pub = `${epoch ? `${epoch}!` : ''}${release.join('.')}`;
    if (pre)
        pub += `${pre[0]}${pre[1]}`;
    if (post !== undefined)
        pub += `.post${post}`;
    if (dev !== undefined)
        pub += `.dev${dev}`;
    return {
        epoch,
        release,
        pre,
        post,
        dev,
        local,
        isPrerelease: pre !== undefined || dev !== undefined,
        isPostrelease: post !== undefined,
        isDevrelease: dev !== undefined,
        public: pub,
        normalized: local ? `${pub}+${local}` : pub,
    };
}

;// CONCATENATED MODULE: ./src/meta/csv.ts
/**
 * One rule line split into fields the way docker/metadata-action reads them (csv-parse with
 * default options): commas separate fields, a field that starts with a double quote runs to the
 * closing quote and "" inside it is one quote, so `type=match,"pattern=\d,\d"` keeps its comma.
 */
function splitFields(line) {
    const fields = [];
    let i = 0;
    while (i <= line.length) {
        let field = '';
        if (line[i] === '"') {
            i++;
            let closed = false;
            while (i < line.length) {
                if (line[i] === '"') {
                    if (line[i + 1] === '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    closed = true;
                    i++;
                    break;
                }
                field += line[i];
                i++;
            }
            if (!closed)
                throw new Error('a quoted field is not closed');
            while (i < line.length && line[i] !== ',') {
                if (line[i].trim() !== '')
                    throw new Error('text after a closing quote');
                i++;
            }
        }
        else {
            while (i < line.length && line[i] !== ',')
                field += line[i++];
        }
        fields.push(field);
        i++;
    }
    return fields;
}
/** `key=value` split at the first `=`, both trimmed; a field without `=` has no key. */
function keyValue(field) {
    const at = field.indexOf('=');
    if (at < 0)
        return { value: field.trim() };
    return { key: field.slice(0, at).trim().toLowerCase(), value: field.slice(at + 1).trim() };
}

;// CONCATENATED MODULE: ./src/meta/rules.ts


const TAG_TYPES = [
    'schedule',
    'semver',
    'pep440',
    'match',
    'edge',
    'ref',
    'raw',
    'sha',
];
const DEFAULT_PRIORITIES = {
    schedule: 1000,
    semver: 900,
    pep440: 900,
    match: 800,
    edge: 700,
    ref: 600,
    raw: 200,
    sha: 100,
};
/** metadata-action's rules when `tags` is empty. */
const DEFAULT_TAG_RULES = [
    'type=schedule',
    'type=ref,event=branch',
    'type=ref,event=tag',
    'type=ref,event=pr',
];
const KNOWN_ATTRIBUTES = new Set([
    'enable',
    'priority',
    'prefix',
    'suffix',
    'value',
    'pattern',
    'group',
    'event',
    'branch',
    'format',
]);
function lineError(input, line, source, problem) {
    return new errors_InputError(input, `line ${line} (${source}): ${problem}`);
}
function fieldsOf(input, line, source) {
    try {
        return splitFields(source);
    }
    catch (error) {
        throw lineError(input, line, source, error.message);
    }
}
function parseTagRule(source, line, input = 'tags') {
    const attrs = {};
    let type;
    for (const field of fieldsOf(input, line, source)) {
        const { key, value } = keyValue(field);
        if (key === undefined) {
            if (value !== '')
                attrs.value = value;
            continue;
        }
        if (key === 'type') {
            if (!TAG_TYPES.includes(value)) {
                throw lineError(input, line, source, `unknown tag type "${value}" (expected ${TAG_TYPES.join(', ')})`);
            }
            type = value;
        }
        else if (!KNOWN_ATTRIBUTES.has(key)) {
            throw lineError(input, line, source, `unknown attribute "${key}"`);
        }
        else {
            attrs[key] = value;
        }
    }
    type ??= 'raw';
    const fail = (problem) => lineError(input, line, source, problem);
    switch (type) {
        case 'schedule':
            attrs.pattern ??= 'nightly';
            break;
        case 'semver':
        case 'pep440':
            if (attrs.pattern === undefined)
                throw fail(`type=${type} needs a pattern, e.g. pattern={{version}}`);
            attrs.value ??= '';
            break;
        case 'match':
            if (attrs.pattern === undefined)
                throw fail('type=match needs a pattern');
            attrs.group ??= '0';
            if (!/^\d+$/.test(attrs.group))
                throw fail(`match group must be a number, got "${attrs.group}"`);
            try {
                patternRegExp(attrs.pattern);
            }
            catch (error) {
                throw fail(`bad pattern: ${error.message}`);
            }
            attrs.value ??= '';
            break;
        case 'edge':
            attrs.branch ??= '';
            break;
        case 'ref':
            if (attrs.event === undefined)
                throw fail('type=ref needs event=branch, event=tag or event=pr');
            if (!['branch', 'tag', 'pr'].includes(attrs.event)) {
                throw fail(`event must be branch, tag or pr, got "${attrs.event}"`);
            }
            if (attrs.event === 'pr')
                attrs.prefix ??= 'pr-';
            break;
        case 'raw':
            if (attrs.value === undefined)
                throw fail('type=raw needs a value');
            break;
        case 'sha':
            attrs.prefix ??= 'sha-';
            attrs.format ??= 'short';
            if (!['short', 'long'].includes(attrs.format)) {
                throw fail(`format must be short or long, got "${attrs.format}"`);
            }
            break;
    }
    attrs.enable ??= 'true';
    const priority = attrs.priority === undefined ? DEFAULT_PRIORITIES[type] : Number(attrs.priority);
    if (attrs.priority !== undefined && (attrs.priority === '' || !Number.isFinite(priority))) {
        throw fail(`priority must be a number, got "${attrs.priority}"`);
    }
    return { type, attrs, priority, line, source };
}
/** The tags input as rules, highest priority first (stable for equal priorities). */
function parseTagRules(lines, input = 'tags') {
    const rules = lines.length === 0
        ? DEFAULT_TAG_RULES.map((l) => parseTagRule(l, 0, input))
        : lines.map((l, i) => parseTagRule(l, i + 1, input));
    return rules.sort((a, b) => b.priority - a.priority);
}
/** A match pattern: `/re/flags` or a plain regular expression. */
function patternRegExp(pattern) {
    const literal = pattern.match(/^\/(.+)\/(.*)$/);
    return literal ? new RegExp(literal[1], literal[2]) : new RegExp(pattern);
}
function parseImages(lines, input = 'images') {
    // Old format: one line of comma-separated names.
    if (lines.length === 1) {
        const fields = fieldsOf(input, 1, lines[0])
            .map((f) => f.trim())
            .filter((f) => f !== '');
        if (fields.every((f) => !f.includes('='))) {
            return fields.map((name) => ({ name: name.toLowerCase(), enable: true }));
        }
    }
    return lines.map((source, i) => {
        const image = { name: '', enable: true };
        for (const field of fieldsOf(input, i + 1, source)) {
            const { key, value } = keyValue(field);
            if (key === undefined)
                image.name = value.toLowerCase();
            else if (key === 'name')
                image.name = value.toLowerCase();
            else if (key === 'enable') {
                if (value !== 'true' && value !== 'false') {
                    throw lineError(input, i + 1, source, `enable must be true or false, got "${value}"`);
                }
                image.enable = value === 'true';
            }
            else
                throw lineError(input, i + 1, source, `unknown image attribute "${key}"`);
        }
        if (image.name === '')
            throw lineError(input, i + 1, source, 'the image name is empty');
        return image;
    });
}
function parseFlavor(lines, input = 'flavor') {
    const flavor = {
        latest: 'auto',
        prefix: '',
        prefixLatest: false,
        suffix: '',
        suffixLatest: false,
    };
    lines.forEach((source, i) => {
        const fail = (problem) => lineError(input, i + 1, source, problem);
        let onlatestFor = '';
        for (const field of fieldsOf(input, i + 1, source)) {
            const { key, value } = keyValue(field);
            if (key === undefined)
                throw fail(`"${value}" is not key=value`);
            switch (key) {
                case 'latest':
                    if (value !== 'auto' && value !== 'true' && value !== 'false') {
                        throw fail(`latest must be auto, true or false, got "${value}"`);
                    }
                    flavor.latest = value;
                    break;
                case 'prefix':
                case 'suffix':
                    flavor[key] = value;
                    onlatestFor = key;
                    break;
                case 'onlatest':
                    if (value !== 'true' && value !== 'false') {
                        throw fail(`onlatest must be true or false, got "${value}"`);
                    }
                    if (onlatestFor === 'prefix')
                        flavor.prefixLatest = value === 'true';
                    else if (onlatestFor === 'suffix')
                        flavor.suffixLatest = value === 'true';
                    else
                        throw fail('onlatest must follow a prefix= or suffix= on the same line');
                    break;
                default:
                    throw fail(`unknown flavor entry "${key}" (expected latest, prefix, suffix, onlatest)`);
            }
        }
    });
    return flavor;
}

;// CONCATENATED MODULE: ./src/meta/semver.ts
/** Semantic Versioning 2.0.0 as node-semver reads it (a leading `v` or `=` is allowed). */
const NUM = '0|[1-9]\\d*';
const ID = `(?:${NUM}|\\d*[a-zA-Z-][a-zA-Z0-9-]*)`;
const STRICT = new RegExp(`^[v=]?(${NUM})\\.(${NUM})\\.(${NUM})(?:-(${ID}(?:\\.${ID})*))?(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?$`);
function parseSemver(raw) {
    if (raw.length > 256)
        return undefined;
    const m = raw.trim().match(STRICT);
    if (!m)
        return undefined;
    const prerelease = m[4] ? m[4].split('.').map((id) => (/^\d+$/.test(id) ? Number(id) : id)) : [];
    const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (![major, minor, patch].every(Number.isSafeInteger))
        return undefined;
    return {
        major,
        minor,
        patch,
        prerelease,
        build: m[5] ? m[5].split('.') : [],
        version: `${major}.${minor}.${patch}${prerelease.length ? `-${prerelease.join('.')}` : ''}`,
        raw,
    };
}

;// CONCATENATED MODULE: ./src/meta/template.ts
/**
 * The small part of Handlebars that docker/metadata-action's rules use: `{{name}}`,
 * `{{helper 'arg' key='value'}}`, `{{{name}}}` (no escaping) and `\{{` (literal braces).
 * Like Handlebars, values from `{{ }}` are HTML-escaped and unknown names render empty. Block
 * helpers (`{{#if}}`) and partials are refused with a clear error instead of being half-supported.
 */
class TemplateError extends Error {
}
const cache = new Map();
function parseTemplate(template) {
    const cached = cache.get(template);
    if (cached)
        return cached;
    const parts = [];
    let text = '';
    let i = 0;
    while (i < template.length) {
        if (template.startsWith('\\{{', i)) {
            const end = template.indexOf('{{', i + 3);
            const stop = end < 0 ? template.length : end;
            text += template.slice(i + 1, stop);
            i = stop;
            continue;
        }
        if (!template.startsWith('{{', i)) {
            text += template[i++];
            continue;
        }
        const triple = template.startsWith('{{{', i);
        const close = triple ? '}}}' : '}}';
        const end = template.indexOf(close, i + close.length);
        if (end < 0)
            throw new TemplateError(`unclosed ${triple ? '{{{' : '{{'} in ${template}`);
        const body = template
            .slice(i + close.length, end)
            .replace(/^~|~$/g, '')
            .trim();
        if (text)
            parts.push({ kind: 'text', text });
        text = '';
        const stripped = body.replace(/^&\s*/, '');
        if (!stripped.startsWith('!'))
            parts.push(parseMustache(stripped, !triple && !body.startsWith('&')));
        i = end + close.length;
    }
    if (text)
        parts.push({ kind: 'text', text });
    if (cache.size > 1000)
        cache.clear();
    cache.set(template, parts);
    return parts;
}
function parseMustache(body, escape) {
    if (/^[#/^>@]/.test(body) || body === 'else') {
        throw new TemplateError(`{{${body}}}: block helpers and partials are not supported`);
    }
    const tokens = tokenize(body);
    const path = tokens.shift();
    if (!path || !/^[A-Za-z_][\w.]*$/.test(path))
        throw new TemplateError(`{{${body}}}: bad expression`);
    const args = [];
    const hash = {};
    for (const token of tokens) {
        const pair = token.match(/^([A-Za-z_]\w*)=(.*)$/s);
        if (pair)
            hash[pair[1]] = literal(pair[2], body);
        else
            args.push(literal(token, body));
    }
    return { kind: 'mustache', path, args, hash, escape };
}
function tokenize(body) {
    const tokens = [];
    const re = /\s*((?:[A-Za-z_]\w*=)?(?:'[^']*'|"[^"]*"|[^\s'"]+))/gy;
    let match;
    let last = 0;
    while ((match = re.exec(body))) {
        tokens.push(match[1]);
        last = re.lastIndex;
    }
    if (body.slice(last).trim() !== '')
        throw new TemplateError(`{{${body}}}: cannot parse`);
    return tokens;
}
function literal(token, body) {
    if (/^'.*'$|^".*"$/s.test(token))
        return token.slice(1, -1);
    if (/^-?\d+(\.\d+)?$/.test(token))
        return Number(token);
    if (token === 'true' || token === 'false')
        return token === 'true';
    if (token === 'undefined' || token === 'null')
        return undefined;
    if (/^[^\s!"#%&'()*+,;<=>@[\\\]^`{|}~]+$/.test(token))
        return { path: token };
    throw new TemplateError(`{{${body}}}: cannot read ${token}`);
}
function lookup(path, scope) {
    let value = scope;
    for (const key of path.replace(/^this\./, '').split('.')) {
        value =
            value !== null && typeof value === 'object' && Object.hasOwn(value, key)
                ? value[key]
                : undefined;
    }
    return value;
}
function resolveArg(arg, scope) {
    if (arg === null || typeof arg !== 'object')
        return arg;
    const value = lookup(arg.path, scope);
    return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? value
        : undefined;
}
const ESCAPES = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#x27;',
    '`': '&#x60;',
    '=': '&#x3D;',
};
/** Handlebars' escapeExpression: the same seven characters. */
function escapeHtml(value) {
    return value.replace(/[&<>"'`=]/g, (c) => ESCAPES[c]);
}
function show(value) {
    if (value === undefined || value === null || value === false)
        return value === false ? 'false' : '';
    if (Array.isArray(value))
        return value.map((v) => show(v)).join(',');
    return String(value);
}
function render(template, scope) {
    if (!template.includes('{{'))
        return template;
    let out = '';
    for (const part of parseTemplate(template)) {
        if (part.kind === 'text') {
            out += part.text;
            continue;
        }
        let value = lookup(part.path, scope);
        if (typeof value === 'function') {
            const hash = {};
            for (const [k, v] of Object.entries(part.hash))
                hash[k] = resolveArg(v, scope);
            value = value(part.args.map((a) => resolveArg(a, scope)), hash);
        }
        else if (part.args.length || Object.keys(part.hash).length) {
            throw new TemplateError(`{{${part.path}}} is not a helper that takes arguments`);
        }
        const text = show(value);
        out += part.escape ? escapeHtml(text) : text;
    }
    return out;
}
/** True when the template is exactly one `{{raw}}` (metadata-action keeps such prereleases raw). */
function isRawStatement(template) {
    try {
        const parts = parseTemplate(template);
        return parts.length === 1 && parts[0].kind === 'mustache' && parts[0].path === 'raw';
    }
    catch {
        return false;
    }
}
/** Whether a template mentions a name at all (used to skip API calls nobody needs). */
function mentions(template, name) {
    return template.includes('{{') && new RegExp(`\\{\\{\\{?[~&\\s]*${name}\\b`).test(template);
}

;// CONCATENATED MODULE: ./src/meta/meta.ts






const MAX_TAG_LENGTH = 128;
function sanitizeTag(tag) {
    return tag
        .replace(/[^a-zA-Z0-9._-]+/g, '-')
        .replace(/^[.-]+/, '')
        .slice(0, MAX_TAG_LENGTH);
}
function shortShaLengthFrom(value) {
    if (!value)
        return 7;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) {
        throw new Error(`DOCKER_METADATA_SHORT_SHA_LENGTH is not a valid number: ${value}`);
    }
    return n;
}
function annotationLevelsFrom(value) {
    return (value || 'manifest')
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean);
}
/** Does any input use {{commit_date}}? Then the caller fetches the commit date. */
function needsCommitDate(inputs) {
    return [...inputs.tags, ...inputs.flavor, ...inputs.labels, ...inputs.annotations].some((l) => /\{\{\{?[~&\s]*commit_date\b/.test(l));
}
class Meta {
    inputs;
    options;
    images;
    rules;
    flavor;
    version;
    scope;
    shortLen;
    warn;
    constructor(inputs, options) {
        this.inputs = inputs;
        this.options = options;
        this.warn = options.warn ?? (() => undefined);
        this.shortLen = options.shortShaLength ?? 7;
        this.images = parseImages(inputs.images);
        this.flavor = parseFlavor(inputs.flavor);
        this.rules = parseTagRules(inputs.tags);
        if (options.safe?.alwaysSha && !this.rules.some((r) => r.type === 'sha')) {
            this.rules.push(parseTagRule('type=sha', 0));
        }
        this.scope = this.globalScope();
        this.version = this.computeVersion();
    }
    get context() {
        return this.options.context;
    }
    shortSha(sha) {
        return this.shortLen >= sha.length ? sha : sha.slice(0, this.shortLen);
    }
    globalScope() {
        const { ref, eventName, payload, sha } = this.context;
        const dateHelper = (date, name) => (args, hash) => {
            for (const key of Object.keys(hash)) {
                if (key !== 'tz')
                    throw new TemplateError(`{{${name}}}: unknown ${key} attribute`);
            }
            // An unquoted format is a Handlebars path (undefined): moment's default format.
            const format = args[0] === undefined ? '' : String(args[0]);
            try {
                return formatDate(date(), format, hash.tz === undefined ? 'UTC' : String(hash.tz));
            }
            catch (error) {
                throw new TemplateError(`{{${name}}}: ${error.message}`);
            }
        };
        return {
            branch: () => (/^refs\/heads\//.test(ref) ? ref.replace(/^refs\/heads\//, '') : ''),
            tag: () => (/^refs\/tags\//.test(ref) ? ref.replace(/^refs\/tags\//, '') : ''),
            sha: () => this.shortSha(sha),
            base_ref: () => {
                if (/^refs\/tags\//.test(ref) && payload.base_ref != null) {
                    return payload.base_ref.replace(/^refs\/heads\//, '');
                }
                if (/^refs\/pull\//.test(ref) && payload.pull_request?.base?.ref != null) {
                    return payload.pull_request.base.ref;
                }
                return '';
            },
            is_default_branch: () => {
                const branch = ref.replace(/^refs\/heads\//, '');
                if (branch === '')
                    return 'false';
                if (payload.repository?.default_branch === branch)
                    return 'true';
                // These events always run on the default branch's last commit.
                if (/create|discussion|issues|schedule/.test(eventName))
                    return 'true';
                return 'false';
            },
            date: dateHelper(() => this.options.date, 'date'),
            commit_date: dateHelper(() => this.options.commitDate ?? this.options.date, 'commit_date'),
        };
    }
    /** Renders a template with the global expressions; errors name the rule's line. */
    exp(template, rule, input = 'tags') {
        try {
            return render(template, this.scope);
        }
        catch (error) {
            if (!(error instanceof TemplateError))
                throw error;
            throw rule && rule.line > 0
                ? new errors_InputError(input, `line ${rule.line} (${rule.source}): ${error.message}`)
                : new errors_InputError(input, error.message);
        }
    }
    withAffixes(value, rule) {
        const { attrs } = rule;
        let out = value;
        if (attrs.prefix !== undefined)
            out = `${this.exp(attrs.prefix, rule)}${out}`;
        else if (this.flavor.prefix)
            out = `${this.exp(this.flavor.prefix, rule, 'flavor')}${out}`;
        if (attrs.suffix !== undefined)
            out = `${out}${this.exp(attrs.suffix, rule)}`;
        else if (this.flavor.suffix)
            out = `${out}${this.exp(this.flavor.suffix, rule, 'flavor')}`;
        return out;
    }
    latestFor(auto) {
        return this.flavor.latest === 'auto' ? auto : this.flavor.latest === 'true';
    }
    computeVersion() {
        const version = { partial: [] };
        const add = (value, latest) => {
            if (value.length === 0)
                return;
            const tag = sanitizeTag(value);
            if (tag.length === 0)
                return;
            if (version.main === undefined)
                version.main = tag;
            else if (tag !== version.main)
                version.partial.push(tag);
            version.latest ??= latest;
        };
        for (const rule of this.rules) {
            const enabled = this.exp(rule.attrs.enable, rule);
            if (enabled !== 'true' && enabled !== 'false') {
                throw new errors_InputError('tags', `line ${rule.line} (${rule.source}): enable must be true or false, got "${enabled}"`);
            }
            if (enabled !== 'true')
                continue;
            const produced = this.apply(rule);
            if (produced)
                add(produced.value, this.latestFor(produced.latest));
        }
        let latest = version.latest ?? false;
        if (latest && this.options.safe?.prereleaseNeverLatest && this.isPrerelease()) {
            this.warn('Not tagging latest: this is a prerelease.');
            latest = false;
        }
        return {
            main: version.main,
            partial: version.partial.filter((t, i, all) => all.indexOf(t) === i),
            latest,
        };
    }
    /** Whether the ref (or a semver/pep440 value) is a prerelease. */
    isPrerelease() {
        const candidates = [];
        if (/^refs\/tags\//.test(this.context.ref)) {
            candidates.push(this.context.ref.replace(/^refs\/tags\//, '').replace(/\//g, '-'));
        }
        for (const rule of this.rules) {
            if ((rule.type === 'semver' || rule.type === 'pep440') && rule.attrs.value) {
                candidates.push(this.exp(rule.attrs.value, rule));
            }
        }
        return candidates.some((c) => {
            const s = parseSemver(c);
            if (s)
                return s.prerelease.length > 0;
            const p = parsePep440(c);
            return p ? p.isPrerelease : /-(rc|alpha|beta|pre|dev)/i.test(c);
        });
    }
    tagSource(rule) {
        if (rule.attrs.value)
            return this.exp(rule.attrs.value, rule);
        if (!/^refs\/tags\//.test(this.context.ref))
            return undefined;
        const tag = this.context.ref.replace(/^refs\/tags\//, '');
        return rule.type === 'match' ? tag : tag.replace(/\//g, '-');
    }
    apply(rule) {
        const { ref, eventName, sha } = this.context;
        const { attrs } = rule;
        switch (rule.type) {
            case 'schedule': {
                if (!/schedule/.test(eventName))
                    return undefined;
                return { value: this.withAffixes(this.exp(attrs.pattern, rule), rule), latest: false };
            }
            case 'semver': {
                const raw = this.tagSource(rule);
                if (raw === undefined)
                    return undefined;
                const sver = parseSemver(raw);
                if (!sver) {
                    this.warn(`${raw} is not a valid semver. More info: https://semver.org/`);
                    return undefined;
                }
                const pattern = attrs.pattern;
                if (sver.prerelease.length > 0) {
                    const template = isRawStatement(pattern) ? pattern : '{{version}}';
                    return {
                        value: this.withAffixes(this.renderWith(template, { ...sver }, rule), rule),
                        latest: false,
                    };
                }
                return {
                    value: this.withAffixes(this.renderWith(pattern, { ...sver }, rule), rule),
                    latest: true,
                };
            }
            case 'pep440': {
                const raw = this.tagSource(rule);
                if (raw === undefined)
                    return undefined;
                const pver = parsePep440(raw);
                if (!pver) {
                    this.warn(`${raw} does not conform to PEP 440. More info: https://www.python.org/dev/peps/pep-0440`);
                    return undefined;
                }
                const pattern = attrs.pattern;
                if (pver.isPrerelease || pver.isPostrelease || pver.isDevrelease) {
                    const value = isRawStatement(pattern) ? raw : pver.normalized;
                    return { value: this.withAffixes(value, rule), latest: false };
                }
                const scope = {
                    raw,
                    version: pver.normalized,
                    major: pver.release[0] ?? 0,
                    minor: pver.release[1] ?? 0,
                    patch: pver.release[2] ?? 0,
                };
                return {
                    value: this.withAffixes(this.renderWith(pattern, scope, rule), rule),
                    latest: true,
                };
            }
            case 'match': {
                const raw = this.tagSource(rule);
                if (raw === undefined)
                    return undefined;
                const match = raw.match(patternRegExp(attrs.pattern));
                if (!match) {
                    this.warn(`${attrs.pattern} does not match ${raw}.`);
                    return undefined;
                }
                const group = match[Number(attrs.group)];
                if (group === undefined) {
                    this.warn(`Group ${attrs.group} does not exist for ${attrs.pattern} pattern.`);
                    return undefined;
                }
                return { value: this.withAffixes(group, rule), latest: true };
            }
            case 'ref': {
                if (attrs.event === 'branch') {
                    if (!/^refs\/heads\//.test(ref))
                        return undefined;
                    return {
                        value: this.withAffixes(ref.replace(/^refs\/heads\//, ''), rule),
                        latest: false,
                    };
                }
                if (attrs.event === 'tag') {
                    if (!/^refs\/tags\//.test(ref))
                        return undefined;
                    return { value: this.withAffixes(ref.replace(/^refs\/tags\//, ''), rule), latest: true };
                }
                if (!/^refs\/pull\//.test(ref))
                    return undefined;
                const pr = ref.replace(/^refs\/pull\//, '').replace(/\/merge$/, '');
                return { value: this.withAffixes(pr, rule), latest: false };
            }
            case 'edge': {
                if (!/^refs\/heads\//.test(ref))
                    return undefined;
                const branch = attrs.branch || this.options.repo.default_branch || '';
                if (branch !== ref.replace(/^refs\/heads\//, ''))
                    return undefined;
                return { value: this.withAffixes('edge', rule), latest: false };
            }
            case 'raw':
                return { value: this.withAffixes(this.exp(attrs.value, rule), rule), latest: false };
            case 'sha': {
                if (!sha)
                    return undefined;
                const value = attrs.format === 'short' ? this.shortSha(sha) : sha;
                return { value: this.withAffixes(value, rule), latest: false };
            }
        }
    }
    renderWith(template, scope, rule) {
        try {
            return render(template, scope);
        }
        catch (error) {
            if (!(error instanceof TemplateError))
                throw error;
            throw new errors_InputError('tags', `line ${rule.line} (${rule.source}): ${error.message}`);
        }
    }
    imageNames() {
        return this.images.filter((i) => i.enable).map((i) => i.name.toLowerCase());
    }
    namesFor(prefix) {
        if (!this.version.main)
            return [];
        const names = [this.version.main, ...this.version.partial];
        if (this.version.latest) {
            const pre = this.flavor.prefixLatest ? this.exp(this.flavor.prefix, undefined, 'flavor') : '';
            const suf = this.flavor.suffixLatest ? this.exp(this.flavor.suffix, undefined, 'flavor') : '';
            names.push(sanitizeTag(`${pre}latest${suf}`));
        }
        return names.map((n) => `${prefix}${n}`);
    }
    tagNames() {
        return this.namesFor('');
    }
    tags() {
        const images = this.imageNames();
        return images.length ? images.flatMap((image) => this.namesFor(`${image}:`)) : this.tagNames();
    }
    ociWith(extra, input) {
        const { repo, context } = this.options;
        const entries = [
            `org.opencontainers.image.title=${repo.name ?? ''}`,
            `org.opencontainers.image.description=${repo.description ?? ''}`,
            `org.opencontainers.image.url=${repo.html_url ?? ''}`,
            `org.opencontainers.image.source=${repo.html_url ?? ''}`,
            `org.opencontainers.image.version=${this.version.main ?? ''}`,
            `org.opencontainers.image.created=${this.options.date.toISOString()}`,
            `org.opencontainers.image.revision=${context.sha}`,
            `org.opencontainers.image.licenses=${repo.license?.spdx_id ?? ''}`,
            ...extra.map((line, i) => {
                try {
                    return render(line, this.scope);
                }
                catch (error) {
                    if (!(error instanceof TemplateError))
                        throw error;
                    throw new errors_InputError(input, `line ${i + 1} (${line}): ${error.message}`);
                }
            }),
        ];
        const map = new Map();
        for (const entry of entries) {
            const at = entry.indexOf('=');
            if (at >= 0)
                map.set(entry.slice(0, at), entry.slice(at + 1));
        }
        return [...map]
            .sort((a, b) => a[0].localeCompare(b[0]))
            .map(([key, value]) => `${key}=${value}`);
    }
    labels() {
        return this.ociWith(this.inputs.labels, 'labels');
    }
    annotations() {
        const raw = this.ociWith(this.inputs.annotations, 'annotations');
        const levels = this.options.annotationLevels ?? ['manifest'];
        return levels.flatMap((level) => raw.map((a) => `${level}:${a}`));
    }
    result() {
        const tags = this.tags();
        const labels = this.labels();
        const annotations = this.annotations();
        const labelObject = {};
        for (const label of labels) {
            const at = label.indexOf('=');
            labelObject[label.slice(0, at)] = label.slice(at + 1);
        }
        return {
            version: this.version.main ?? '',
            tags,
            tagNames: this.tagNames(),
            images: this.imageNames(),
            latest: this.version.latest,
            labels,
            annotations,
            json: { tags, labels: labelObject, annotations },
        };
    }
}
function computeMeta(inputs, options) {
    return new Meta(inputs, options).result();
}

;// CONCATENATED MODULE: ./src/meta/github.ts
/** Repository data for the OCI labels: GET /repos/{owner}/{repo}. */
async function fetchRepo(api, repository) {
    if (!/^[^/\s]+\/[^/\s]+$/.test(repository)) {
        throw new Error(`GITHUB_REPOSITORY must be owner/name, got ${JSON.stringify(repository)}`);
    }
    return api.request('GET', `/repos/${repository}`);
}
/** The committer date of a commit, for {{commit_date}} when the event does not carry it. */
async function fetchCommitDate(api, repository, sha) {
    try {
        const commit = await api.request('GET', `/repos/${repository}/commits/${encodeURIComponent(sha)}`);
        const date = commit.commit?.committer?.date
            ? new Date(commit.commit.committer.date)
            : undefined;
        return date && !Number.isNaN(date.getTime()) ? date : undefined;
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/meta/run.ts





function readEventFile(path) {
    return JSON.parse((0,external_node_fs_namespaceObject.readFileSync)(path, 'utf8'));
}
async function resolveMeta(inputs, deps, options = {}) {
    const { env, log } = deps;
    const eventPath = env.GITHUB_EVENT_PATH;
    const payload = eventPath ? (deps.readEvent ?? readEventFile)(eventPath) : {};
    const context = readContext(env, payload, { prHeadSha: options.prHeadSha });
    const api = githubApi({
        token: deps.token,
        baseUrl: context.apiUrl,
        fetch: deps.fetch,
    });
    const repo = await fetchRepo(api, context.repository);
    const date = buildDate(env, deps.now);
    let commitDate = context.commitDate;
    if (!commitDate && needsCommitDate(inputs) && context.sha) {
        commitDate = await fetchCommitDate(api, context.repository, context.sha);
    }
    await log.group('Context info', async () => {
        log.info(`eventName: ${context.eventName}`);
        log.info(`sha: ${context.sha}`);
        log.info(`ref: ${context.ref}`);
        log.info(`date: ${date.toISOString()}${env.SOURCE_DATE_EPOCH ? ' (SOURCE_DATE_EPOCH)' : ''}`);
    });
    const result = computeMeta(inputs, {
        context,
        repo,
        date,
        commitDate: commitDate ?? date,
        shortShaLength: shortShaLengthFrom(env.DOCKER_METADATA_SHORT_SHA_LENGTH),
        annotationLevels: annotationLevelsFrom(env.DOCKER_METADATA_ANNOTATIONS_LEVELS),
        safe: options.safe,
        warn: (m) => log.warn(m),
    });
    return { context, result };
}

;// CONCATENATED MODULE: ./actions/meta/main.ts



/** metadata-action also exports each output as DOCKER_METADATA_OUTPUT_<NAME> unless disabled. */
function outputEnvEnabled(env) {
    const raw = env.DOCKER_METADATA_SET_OUTPUT_ENV?.trim().toLowerCase();
    return !raw || ['true', '1', 'yes', 'on'].includes(raw);
}
async function run(inputs, deps) {
    const { log } = deps;
    const { result } = await resolveMeta(inputs, { ...deps, token: inputs.githubToken });
    if (!result.version)
        log.warn('No Docker image version has been generated. Check tags input.');
    if (result.tags.length === 0)
        log.warn('No Docker tag has been generated. Check tags input.');
    await log.group('Docker tags', async () => result.tags.forEach((t) => log.info(t)));
    await log.group('Docker labels', async () => result.labels.forEach((l) => log.info(l)));
    const outputs = {
        version: result.version,
        tags: result.tags.join(inputs.sepTags),
        'tag-names': result.tagNames.join(inputs.sepTags),
        labels: result.labels.join(inputs.sepLabels),
        annotations: result.annotations.join(inputs.sepAnnotations),
        json: JSON.stringify(result.json),
    };
    (deps.setOutputs ?? setOutputs)(outputs);
    if (outputEnvEnabled(deps.env)) {
        const exportVar = deps.exportVariable ?? exportVariable;
        for (const [name, value] of Object.entries(outputs)) {
            exportVar(`DOCKER_METADATA_OUTPUT_${name.replace(/\W/g, '_').toUpperCase()}`, value);
        }
    }
    (deps.writeSummary ?? writeSummary)([
        '### Image metadata',
        '',
        `Version: \`${result.version || '(none)'}\``,
        '',
        ...result.tags.map((t) => `- \`${t}\``),
    ].join('\n'));
}

;// CONCATENATED MODULE: ./actions/meta/index.ts



void runAction(() => run(readInputs(), { env: process.env, log: actionsLog }));


//# sourceMappingURL=index.js.map