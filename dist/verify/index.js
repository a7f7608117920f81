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
    saveState(name, value);
}
function runtime_getState(name) {
    return getState(name);
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

;// CONCATENATED MODULE: ./src/github/post.ts

/**
 * One bundle, two entries (like actions/checkout): the main step saves a flag, and the post step
 * (runs.post, also after a cancel) finds it and runs post instead of main.
 */
function runWithPost(main, post) {
    if (runtime_getState('isPost') === 'true') {
        void runAction(async () => {
            await post(runtime_getState);
        });
    }
    else {
        runtime_saveState('isPost', 'true');
        void runAction(async () => {
            await main();
        });
    }
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

;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: external "node:net"
const external_node_net_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");
;// CONCATENATED MODULE: ./src/ssh/target.ts


const USER = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.?$`);
/**
 * Parses `user@host`, `user@host:port`, `user@[2001:db8::1]:port` (or a bare IPv6 address).
 * Errors name the input (default `hosts`); `defaults` fills a missing user or port.
 */
function target_parseHost(spec, input, defaults = {}) {
    const name = input ?? 'hosts';
    const text = spec.trim();
    const fail = (problem) => {
        throw new errors_InputError(name, `'${printable(text)}' ${problem}`);
    };
    if (!text)
        throw new errors_InputError(name, 'a host is empty');
    if (/[\s\0]/.test(text))
        fail('contains whitespace or control characters');
    let rest = text;
    let user = defaults.user;
    const at = rest.lastIndexOf('@');
    if (at >= 0) {
        user = rest.slice(0, at);
        rest = rest.slice(at + 1);
    }
    if (user === undefined || user === '')
        fail('needs a user: write it as user@host[:port]');
    if (!USER.test(user))
        fail(`has an invalid user name '${printable(user)}'`);
    let host;
    let portText;
    if (rest.startsWith('[')) {
        const close = rest.indexOf(']');
        if (close < 0)
            fail('has an unclosed [ in an IPv6 address');
        host = rest.slice(1, close);
        const after = rest.slice(close + 1);
        if (after && !after.startsWith(':'))
            fail('has text after ] that is not :port');
        portText = after ? after.slice(1) : undefined;
        if ((0,external_node_net_namespaceObject.isIP)(host) !== 6)
            fail(`has an invalid IPv6 address '${printable(host)}'`);
    }
    else if ((0,external_node_net_namespaceObject.isIP)(rest) === 6) {
        host = rest;
    }
    else {
        const colon = rest.lastIndexOf(':');
        host = colon >= 0 ? rest.slice(0, colon) : rest;
        portText = colon >= 0 ? rest.slice(colon + 1) : undefined;
        if (!host)
            fail('has no host name');
        if ((0,external_node_net_namespaceObject.isIP)(host) !== 4 && !HOSTNAME.test(host))
            fail(`has an invalid host name '${printable(host)}'`);
    }
    let port = defaults.port ?? 22;
    if (portText !== undefined) {
        if (!/^[0-9]{1,5}$/.test(portText))
            fail(`has an invalid port '${printable(portText)}'`);
        port = Number(portText);
    }
    if (!Number.isInteger(port) || port < 1 || port > 65535)
        fail(`has a port out of range (${port})`);
    return { user: user, host, port };
}
/** `user@host:port` for messages, with IPv6 addresses in brackets. */
function formatTarget(target) {
    return `${target.user}@${hostPort(target)}`;
}
/** `host:port` or `[v6]:port`. */
function hostPort(target) {
    const host = target.host.includes(':') ? `[${target.host}]` : target.host;
    return `${host}:${target.port}`;
}
/** The name ssh looks up in known_hosts: `host` on port 22, `[host]:port` otherwise. */
function knownHostsName(target) {
    return target.port === 22 ? target.host : `[${target.host}]:${target.port}`;
}
function printable(text) {
    return JSON.stringify(text).slice(1, -1);
}

;// CONCATENATED MODULE: ./src/ssh/secrets.ts







const PREFIX = 'tg-ssh-';
/** Private key, known_hosts and a socket dir, 0600/0700 in a fresh dir under RUNNER_TEMP. */
async function writeSshMaterial(options) {
    const key = normalizeKey(options.privateKey);
    // The runner masks line by line: register the whole key and each of its body lines.
    options.log.secret(options.privateKey.trim());
    options.log.secret(key.trim());
    for (const line of key.split('\n')) {
        if (line.length >= 8 && !line.startsWith('-----'))
            options.log.secret(line);
    }
    let knownHosts;
    if (options.knownHosts?.trim()) {
        const entries = parseKnownHosts(options.knownHosts, 'known-hosts');
        for (const target of options.targets) {
            if (!entries.some((e) => e.marker !== '@revoked' && matchesHost(e, target))) {
                throw new errors_InputError('known-hosts', `has no line for ${knownHostsName(target)}. Get one with \`ssh-keyscan -p ${target.port} ${target.host}\` ` +
                    `from a network you trust and compare its fingerprint (\`ssh-keygen -lf <file>\`) with the host's console, out of band.`);
            }
        }
        knownHosts = `${options.knownHosts.replace(/\r\n?/g, '\n').trim()}\n`;
    }
    else if (options.hostFingerprints && options.hostFingerprints.length > 0) {
        if (!options.local)
            throw new Error('writeSshMaterial: fingerprints need a local executor');
        knownHosts = await pinnedKnownHosts(options.local, options.targets, options.hostFingerprints, options.keyscanTimeoutSeconds ?? 10);
    }
    else {
        throw new errors_InputError('known-hosts', 'is required (or host-fingerprint): without host verification tg-devops does not connect. ' +
            'Get a line with `ssh-keyscan -p PORT HOST` from a network you trust and compare its fingerprint ' +
            '(`ssh-keygen -lf <file>`) with the one the host shows on its console, out of band.');
    }
    const base = options.tempDir ?? process.env.RUNNER_TEMP ?? (0,external_node_os_namespaceObject.tmpdir)();
    (0,external_node_fs_namespaceObject.mkdirSync)(base, { recursive: true });
    const dir = (0,external_node_fs_namespaceObject.mkdtempSync)((0,external_node_path_namespaceObject.join)(base, PREFIX));
    (0,external_node_fs_namespaceObject.chmodSync)(dir, 0o700);
    const privateKeyFile = (0,external_node_path_namespaceObject.join)(dir, 'id');
    const knownHostsFile = (0,external_node_path_namespaceObject.join)(dir, 'known_hosts');
    (0,external_node_fs_namespaceObject.writeFileSync)(privateKeyFile, key, { mode: 0o600 });
    (0,external_node_fs_namespaceObject.chmodSync)(privateKeyFile, 0o600);
    (0,external_node_fs_namespaceObject.writeFileSync)(knownHostsFile, knownHosts, { mode: 0o600 });
    // Socket paths: <controlDir>/<12 hex> plus ssh's own 17-character temporary suffix.
    let controlDir = (0,external_node_path_namespaceObject.join)(dir, 'c');
    if (controlDir.length > 60)
        controlDir = (0,external_node_path_namespaceObject.join)((0,external_node_fs_namespaceObject.mkdtempSync)((0,external_node_path_namespaceObject.join)((0,external_node_os_namespaceObject.tmpdir)(), PREFIX)), 'c');
    (0,external_node_fs_namespaceObject.mkdirSync)(controlDir, { mode: 0o700 });
    (0,external_node_fs_namespaceObject.chmodSync)(controlDir, 0o700);
    return { dir, privateKeyFile, knownHostsFile, controlDir };
}
/**
 * The post step (also on cancel): ends any ControlMaster left in the control dir, then deletes
 * the key, known_hosts and sockets. Only removes directories this module created.
 */
function removeSshMaterial(dir, options = {}) {
    const dirs = [dir, options.controlDir ? (0,external_node_path_namespaceObject.join)(options.controlDir, '..') : undefined];
    for (const d of dirs) {
        if (!d || !(0,external_node_path_namespaceObject.basename)(d).startsWith(PREFIX) || !(0,external_node_fs_namespaceObject.existsSync)(d))
            continue;
        const control = (0,external_node_path_namespaceObject.join)(d, 'c');
        if ((0,external_node_fs_namespaceObject.existsSync)(control)) {
            for (const socket of (0,external_node_fs_namespaceObject.readdirSync)(control)) {
                (0,external_node_child_process_namespaceObject.spawnSync)(options.sshBinary ?? 'ssh', ['-F', 'none', '-o', `ControlPath=${(0,external_node_path_namespaceObject.join)(control, socket)}`, '-O', 'exit', '--', 'x'], { stdio: 'ignore', timeout: 10_000 });
            }
        }
        (0,external_node_fs_namespaceObject.rmSync)(d, { recursive: true, force: true });
    }
}
/** CRLF to LF, surrounding blank lines trimmed, exactly one trailing newline. */
function normalizeKey(text) {
    const key = `${text.replace(/\r\n?/g, '\n').trim()}\n`;
    const match = /^-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----\n([\s\S]*?)\n-----END \1PRIVATE KEY-----\n$/.exec(key);
    if (!match) {
        throw new errors_InputError('ssh-key', 'is not a private key in PEM/OpenSSH form (-----BEGIN ... PRIVATE KEY----- ... -----END ... PRIVATE KEY-----)');
    }
    if (/Proc-Type: 4,ENCRYPTED/.test(match[2]) || match[1] === 'ENCRYPTED ') {
        throw new errors_InputError('ssh-key', passphraseProblem);
    }
    if (match[1] === 'OPENSSH ') {
        const blob = Buffer.from(match[2].replace(/\s+/g, ''), 'base64');
        const magic = 'openssh-key-v1\0';
        if (blob.subarray(0, magic.length).toString('latin1') !== magic) {
            throw new errors_InputError('ssh-key', 'is not a valid OpenSSH private key');
        }
        const cipherLength = blob.readUInt32BE(magic.length);
        const cipher = blob.subarray(magic.length + 4, magic.length + 4 + cipherLength).toString();
        if (cipher !== 'none')
            throw new errors_InputError('ssh-key', passphraseProblem);
    }
    return key;
}
const passphraseProblem = 'is protected by a passphrase, which a non-interactive run cannot type: use a dedicated deploy key without a passphrase, kept in an encrypted secret';
const KEY_TYPES = new Set([
    'ssh-ed25519',
    'ssh-rsa',
    'ecdsa-sha2-nistp256',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521',
    'sk-ssh-ed25519@openssh.com',
    'sk-ecdsa-sha2-nistp256@openssh.com',
    'ssh-dss',
]);
/** Parses known_hosts text; any line that does not parse is an InputError naming the line. */
function parseKnownHosts(text, input = 'known-hosts') {
    const entries = [];
    const lines = text.replace(/\r\n?/g, '\n').split('\n');
    lines.forEach((raw, index) => {
        const line = raw.trim();
        if (!line || line.startsWith('#'))
            return;
        const fields = line.split(/\s+/);
        let marker;
        if (fields[0]?.startsWith('@')) {
            const m = fields.shift();
            if (m !== '@cert-authority' && m !== '@revoked') {
                throw new errors_InputError(input, `line ${index + 1}: unknown marker ${m}`);
            }
            marker = m;
        }
        const [hosts, keyType, key] = fields;
        if (!hosts || !keyType || !key) {
            throw new errors_InputError(input, `line ${index + 1} is not a known_hosts line ("host key-type base64-key"), as ssh-keyscan prints`);
        }
        const baseType = keyType.replace(/-cert-v01@openssh\.com$/, '');
        if (!KEY_TYPES.has(baseType)) {
            throw new errors_InputError(input, `line ${index + 1}: unknown key type ${keyType}`);
        }
        if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || blobType(key) !== keyType) {
            throw new errors_InputError(input, `line ${index + 1}: the key is not valid base64 for ${keyType}`);
        }
        entries.push({ marker, hosts, keyType, key, line: index + 1 });
    });
    if (entries.length === 0)
        throw new errors_InputError(input, 'has no known_hosts line');
    return entries;
}
function blobType(key) {
    const blob = Buffer.from(key, 'base64');
    if (blob.length < 4)
        return undefined;
    const length = blob.readUInt32BE(0);
    if (length > blob.length - 4)
        return undefined;
    return blob.subarray(4, 4 + length).toString('latin1');
}
/** Whether a known_hosts entry names this host, the way ssh looks it up (patterns, hashes). */
function matchesHost(entry, target) {
    const name = knownHostsName(target);
    if (entry.hosts.startsWith('|1|')) {
        const [, , salt, hash] = entry.hosts.split('|');
        if (!salt || !hash)
            return false;
        const mac = (0,external_node_crypto_namespaceObject.createHmac)('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
        return mac === hash;
    }
    let matched = false;
    for (const pattern of entry.hosts.split(',')) {
        const negated = pattern.startsWith('!');
        const body = negated ? pattern.slice(1) : pattern;
        if (glob(body, name) || (target.port === 22 && glob(body, `[${target.host}]:22`))) {
            if (negated)
                return false;
            matched = true;
        }
    }
    return matched;
}
function glob(pattern, name) {
    const source = pattern
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('');
    return new RegExp(`^${source}$`, 'i').test(name);
}
/** SHA256 fingerprint of a base64 public key blob, as `ssh-keygen -l` prints it. */
function fingerprint(key) {
    const digest = (0,external_node_crypto_namespaceObject.createHash)('sha256').update(Buffer.from(key, 'base64')).digest('base64');
    return `SHA256:${digest.replace(/=+$/, '')}`;
}
/** Normalizes a SHA256:... fingerprint input; an InputError when it is not one. */
function parseFingerprint(text, input = 'host-fingerprint') {
    const value = text.trim();
    const match = /^SHA256:([A-Za-z0-9+/]{43})=?$/.exec(value);
    if (!match) {
        throw new errors_InputError(input, `'${value.slice(0, 80)}' is not a SHA256:... fingerprint (43 base64 characters, as \`ssh-keygen -lf\` prints)`);
    }
    return `SHA256:${match[1]}`;
}
/**
 * known_hosts built from pinned fingerprints: ssh-keyscan fetches each host's keys and only a key
 * whose fingerprint is pinned is written. A host offering no pinned key is refused.
 */
async function pinnedKnownHosts(local, targets, fingerprints, timeoutSeconds) {
    const pinned = new Set(fingerprints.map((f) => parseFingerprint(f)));
    const lines = [];
    for (const target of targets) {
        const result = await local.run(['ssh-keyscan', '-T', String(timeoutSeconds), '-p', String(target.port), '--', target.host], { allowFailure: true });
        const offered = [];
        let found = false;
        for (const line of result.stdout.split('\n')) {
            const [, keyType, key] = line.trim().split(/\s+/);
            if (!keyType || !key || line.startsWith('#'))
                continue;
            const print = fingerprint(key);
            offered.push(`${print} (${keyType})`);
            if (pinned.has(print)) {
                lines.push(`${knownHostsName(target)} ${keyType} ${key}`);
                found = true;
            }
        }
        if (!found) {
            throw new errors_InputError('host-fingerprint', offered.length
                ? `no key of ${knownHostsName(target)} matches: it offers ${offered.join(', ')}. ` +
                    `Compare with the host's console out of band before changing the pin.`
                : `could not fetch the host keys of ${knownHostsName(target)} with ssh-keyscan ` +
                    `(${result.stderr.trim().split('\n').slice(-1)[0] || `exit ${result.exitCode}`}); ` +
                    `a host behind a jump host needs the known-hosts input instead.`);
        }
    }
    return `${lines.join('\n')}\n`;
}

;// CONCATENATED MODULE: ./src/ssh/connect.ts




/** The names under which the material is saved for the post step. */
const connect_SSH_STATE = { dir: 'ssh-dir', controlDir: 'ssh-control-dir' };
/**
 * hosts (required) and the credentials, checked before any connection: each host parsed, a key,
 * and known-hosts or host-fingerprint (never an unverified host).
 */
function sshTargetsFrom(hosts, ssh) {
    if (hosts.length === 0)
        throw new InputError('hosts', 'is required: one or more user@host[:port]');
    const targets = hosts.map((h) => parseHost(h, 'hosts'));
    const jump = ssh.jumpHost ? parseHost(ssh.jumpHost, 'jump-host') : undefined;
    if (!ssh.key.trim())
        throw new InputError('ssh-key', 'is required: the private key for the hosts');
    if (!ssh.knownHosts.trim() && ssh.fingerprints.length === 0)
        throw new InputError('known-hosts', 'or host-fingerprint is required: tg-devops never connects to an unverified host');
    return { targets, jump };
}
/** Writes the key material for every target (and the jump host) and saves it for the post step. */
async function connectSsh(ssh, targets, jump, deps) {
    const material = await deps.writeSshMaterial({
        privateKey: ssh.key,
        knownHosts: ssh.knownHosts || undefined,
        hostFingerprints: ssh.fingerprints,
        targets: jump ? [...targets, jump] : [...targets],
        log: deps.log,
        local: deps.local ?? localExecutor(),
    });
    // The post step removes the key and known_hosts even when this step is cancelled.
    deps.saveState?.(connect_SSH_STATE.dir, material.dir);
    deps.saveState?.(connect_SSH_STATE.controlDir, material.controlDir);
    let removed = false;
    const open = (target) => deps.openSession(target, {
        privateKeyFile: material.privateKeyFile,
        knownHostsFile: material.knownHostsFile,
        controlDir: material.controlDir,
        jump,
        log: deps.log,
        clock: deps.clock,
    });
    return {
        material,
        open,
        async withSession(target, body, onError) {
            let session;
            try {
                session = await open(target);
                return await body(session);
            }
            catch (error) {
                return onError(error, session);
            }
            finally {
                await session?.close().catch(() => undefined);
            }
        },
        async openAll(list) {
            const sessions = [];
            try {
                for (const target of list)
                    sessions.push(await open(target));
            }
            catch (error) {
                for (const s of sessions)
                    await s.close().catch(() => undefined);
                throw error;
            }
            return sessions;
        },
        remove() {
            if (removed)
                return;
            removed = true;
            removeSshMaterial(material.dir, { controlDir: material.controlDir });
        },
    };
}
/** The post step: the material a cancelled main step saved goes away (nothing saved: nothing). */
function connect_removeSavedSshMaterial(getState) {
    const dir = getState(connect_SSH_STATE.dir);
    if (dir)
        removeSshMaterial(dir, { controlDir: getState(connect_SSH_STATE.controlDir) || undefined });
}

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

;// CONCATENATED MODULE: ./src/ssh/quote.ts
/**
 * The ONE place where argv becomes a remote shell command.
 *
 * OpenSSH joins everything after the destination with spaces and hands that single string to the
 * remote user's login shell. So every argument is quoted here, exactly once, for a POSIX shell
 * (sh, dash, bash, zsh, ksh). Nothing else in the project builds remote command strings.
 */
/** Arguments made only of these characters mean the same quoted or not, in every POSIX shell. */
const PLAIN = /^[A-Za-z0-9_./:@,+-]+$/;
/** POSIX single-quote quoting: the result is read back by the shell as exactly `arg`. */
function shellQuote(arg) {
    if (arg.includes('\0')) {
        throw new Error('a command argument cannot contain a NUL byte');
    }
    if (PLAIN.test(arg))
        return arg;
    // Inside single quotes nothing is special except the closing quote: end the quoted part,
    // add an escaped quote, and reopen. Newlines, $, `, \, !, *, ~ and unicode stay literal.
    return `'${arg.replace(/'/g, `'\\''`)}'`;
}
/** argv -> one remote command string; each argument stays one literal argument on the host. */
function remoteCommand(argv) {
    if (argv.length === 0)
        throw new Error('an empty command cannot run on a host');
    return argv.map(shellQuote).join(' ');
}

;// CONCATENATED MODULE: ./src/ssh/session.ts







/** No connection, or a connection that broke before the remote command started. */
class SshConnectionError extends Error {
    target;
    retryable;
    constructor(target, message, retryable) {
        super(message);
        this.target = target;
        this.retryable = retryable;
        this.name = 'SshConnectionError';
    }
}
/** The host's key is unknown or changed: nothing was run there. */
class HostKeyError extends SshConnectionError {
    constructor(target, detail) {
        super(target, hostKeyMessage(target, detail), false);
        this.name = 'HostKeyError';
    }
}
/** The connection broke while a command was running: it may have run partly, so no retry. */
class SshConnectionLostError extends SshConnectionError {
    argv;
    constructor(target, argv, detail) {
        super(target, `${formatTarget(target)}: the SSH connection broke while \`${argv.join(' ')}\` was running; ` +
            `it may have run partly and is not repeated automatically.${detail ? `\n${detail}` : ''}`, false);
        this.argv = argv;
        this.name = 'SshConnectionLostError';
    }
}
/** RunOptions.timeoutMs passed: the host's timeout(1) stopped the command (exit 124). */
class SshCommandTimeoutError extends Error {
    target;
    argv;
    timeoutSeconds;
    constructor(target, argv, timeoutSeconds) {
        super(`${formatTarget(target)}: \`${argv.join(' ')}\` did not finish within ${timeoutSeconds}s ` +
            `and was stopped on the host (SIGTERM); it is not repeated.`);
        this.target = target;
        this.argv = argv;
        this.timeoutSeconds = timeoutSeconds;
        this.name = 'SshCommandTimeoutError';
    }
}
function hostKeyMessage(target, detail) {
    const changed = /IDENTIFICATION HAS CHANGED|does not match|mismatch/i.test(detail);
    const what = changed
        ? `the host key of ${hostPort(target)} has CHANGED since the known-hosts line was made (the host was reinstalled, or someone is in the middle)`
        : `the host key of ${hostPort(target)} is not in known-hosts`;
    return (`${formatTarget(target)}: refused to connect: ${what}. Nothing was run on the host.\n` +
        `To get a known_hosts line, run \`ssh-keyscan -p ${target.port} ${target.host}\` from a network you trust, ` +
        `compare its fingerprint (\`ssh-keygen -lf <file>\`) with the one the host's console or provider shows ` +
        `(out of band, not over this connection), and put the line in the known-hosts input ` +
        `(or the SHA256:... fingerprint in host-fingerprint).` +
        (detail ? `\nssh said: ${detail.trim().split('\n').slice(-3).join(' | ')}` : ''));
}
const HOST_KEY_FAILURE = /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No \S+ host key is known|host key for .* has changed/i;
const AUTH_FAILURE = /Permission denied \(|Too many authentication failures|no mutual signature/i;
/** What the probe prints back: proves the login shell reads our quoting as POSIX sh does. */
const PROBE = ["a'b", '$x `y` \\z', '*'];
/**
 * Opens one connection per host for the whole run:
 * 1. a plain connection (no master) checks the host key against known_hosts and that the login
 *    shell reads our quoting literally: an unknown or changed key is refused here, before any
 *    command and before any master exists;
 * 2. a ControlMaster is started with the same strict options;
 * 3. every command goes through the master as ONE quoted string (src/ssh/quote.ts).
 */
async function openSession(target, settings) {
    let known = '';
    try {
        known = (0,external_node_fs_namespaceObject.readFileSync)(settings.knownHostsFile, 'utf8');
    }
    catch {
        // missing: refused below
    }
    if (!known.trim()) {
        throw new HostKeyError(target, `no known_hosts file (${settings.knownHostsFile} is missing or empty): no host verification, no connection`);
    }
    const session = new Session(target, settings);
    await session.connect();
    return session;
}
class Session {
    target;
    settings;
    where;
    stats = { connectionsOpened: 0, commands: 0, retries: 0 };
    controlPath;
    clock;
    spawn;
    nonce = (0,external_node_crypto_namespaceObject.randomBytes)(6).toString('hex');
    masterPid;
    open = false;
    constructor(target, settings) {
        this.target = target;
        this.settings = settings;
        this.where = formatTarget(target);
        this.clock = settings.clock ?? systemClock;
        this.spawn = settings.spawn ?? spawnCommand;
        const id = (0,external_node_crypto_namespaceObject.createHash)('sha256')
            .update(`${this.where} via ${settings.jump ? formatTarget(settings.jump) : '-'}`)
            .digest('hex')
            .slice(0, 12);
        // One socket per session: two sessions to the same host must not share (or replace) a master.
        this.controlPath = (0,external_node_path_namespaceObject.join)(settings.controlDir, `${id}-${this.nonce.slice(0, 6)}`);
    }
    /** Options every ssh invocation of this session shares. */
    baseOptions() {
        const options = [
            ...this.verifiedConnectionOptions(),
            '-o',
            'ServerAliveInterval=15',
            '-o',
            'ServerAliveCountMax=4',
            '-o',
            'LogLevel=ERROR',
            '-p',
            String(this.target.port),
            '-l',
            this.target.user,
        ];
        if (this.settings.jump)
            options.push('-o', `ProxyCommand=${this.jumpCommand(this.settings.jump)}`);
        return options;
    }
    /** No config files, no prompts, only our key, and only host keys from our known_hosts file. */
    verifiedConnectionOptions() {
        const s = this.settings;
        return [
            '-F',
            'none',
            '-o',
            'BatchMode=yes',
            '-o',
            'IdentitiesOnly=yes',
            '-o',
            'StrictHostKeyChecking=yes',
            '-o',
            `UserKnownHostsFile=${s.knownHostsFile}`,
            '-o',
            'GlobalKnownHostsFile=/dev/null',
            '-o',
            'CheckHostIP=no',
            '-o',
            'UpdateHostKeys=no',
            '-o',
            `IdentityFile=${s.privateKeyFile}`,
            '-o',
            `ConnectTimeout=${s.connectTimeoutSeconds ?? 15}`,
        ];
    }
    /**
     * The jump host through ProxyCommand rather than ProxyJump: ProxyJump starts a second ssh that
     * does not inherit our -o options (known_hosts file, strict checking, key), so the jump host
     * would be checked against ~/.ssh/known_hosts or not at all. This runs through the local
     * /bin/sh, so every part is quoted, and % is doubled for ssh's own token expansion.
     */
    jumpCommand(jump) {
        const s = this.settings;
        const argv = [
            s.sshBinary ?? 'ssh',
            ...this.verifiedConnectionOptions(),
            '-o',
            'LogLevel=ERROR',
            '-p',
            String(jump.port),
            '-l',
            jump.user,
            '-W',
            `${this.target.host.includes(':') ? `[${this.target.host}]` : this.target.host}:${this.target.port}`,
            '--',
            jump.host,
        ];
        return argv.map((a) => shellQuote(a).replace(/%/g, '%%')).join(' ');
    }
    destination() {
        return ['--', this.target.host];
    }
    async runSsh(args, options = {}) {
        const argv = [this.settings.sshBinary ?? 'ssh', ...args];
        try {
            return await this.spawn(this.where, argv, { ...options, allowFailure: true });
        }
        catch (error) {
            // ssh itself could not be started (missing binary): not a connection problem to retry.
            throw new SshConnectionError(this.target, `${this.where}: cannot run ssh: ${error.message}`, false);
        }
    }
    /** Classifies a failed connection attempt (exit 255 before anything ran). */
    connectionFailure(step, result) {
        const stderr = result.stderr.trim();
        if (HOST_KEY_FAILURE.test(stderr)) {
            const jump = this.settings.jump;
            return new HostKeyError(this.target, jump
                ? `${stderr}\n(the jump host ${hostPort(jump)} is checked against the same known-hosts)`
                : stderr);
        }
        if (AUTH_FAILURE.test(stderr)) {
            return new SshConnectionError(this.target, `${this.where}: ${step}: the host refused the key (${lastLine(stderr)}). ` +
                `Check that the public half of ssh-key is in ~${this.target.user}/.ssh/authorized_keys on the host.`, false);
        }
        return new SshConnectionError(this.target, `${this.where}: ${step}: connection failed (ssh exit ${result.exitCode}${stderr ? `: ${lastLine(stderr)}` : ''})`, result.exitCode === 255);
    }
    /** Repeats `attempt` after retryable connection failures, with exponential backoff. */
    async withRetries(step, attempt) {
        const retries = this.settings.retries ?? 3;
        for (let n = 0;; n++) {
            try {
                return await attempt();
            }
            catch (error) {
                if (!(error instanceof SshConnectionError) || !error.retryable || n >= retries)
                    throw error;
                const delay = Math.min(1000 * 2 ** n, 10_000);
                this.stats.retries++;
                this.settings.log?.warn(`${error.message}; ${step}: retry ${n + 1} of ${retries} in ${delay / 1000}s`);
                await this.clock.sleep(delay);
            }
        }
    }
    /** Host-key check (plain connection, no master), quoting probe, then the master. */
    async connect() {
        await this.withRetries('host key check', async () => {
            this.stats.connectionsOpened++;
            const result = await this.runSsh([
                ...this.baseOptions(),
                '-o',
                'ControlMaster=no',
                '-o',
                'ControlPath=none',
                '-T',
                ...this.destination(),
                remoteCommand(['printf', '%s\\n', ...PROBE]),
            ]);
            if (result.exitCode === 255 || HOST_KEY_FAILURE.test(result.stderr)) {
                throw this.connectionFailure('host key check', result);
            }
            const expected = PROBE.map((p) => `${p}\n`).join('');
            if (result.exitCode !== 0 || result.stdout !== expected) {
                throw new SshConnectionError(this.target, `${this.where}: the login shell of ${this.target.user} does not read POSIX sh quoting ` +
                    `(probe exit ${result.exitCode}, output ${JSON.stringify(result.stdout.slice(0, 200))}); ` +
                    `give the deploy user a POSIX shell (sh, bash, dash, zsh): arguments could not be passed literally.`, false);
            }
        });
        await this.startMaster();
        this.open = true;
        this.settings.log?.info(`${this.where}: host key verified, connection open${this.settings.jump ? ` (via ${formatTarget(this.settings.jump)})` : ''}`);
    }
    async startMaster() {
        // A socket left by a master that was killed would make ssh disable multiplexing.
        (0,external_node_fs_namespaceObject.rmSync)(this.controlPath, { force: true });
        await this.withRetries('start connection', async () => {
            this.stats.connectionsOpened++;
            const result = await this.runSsh([
                ...this.baseOptions(),
                '-o',
                'ControlMaster=yes',
                '-o',
                `ControlPath=${this.controlPath}`,
                '-o',
                `ControlPersist=${this.settings.persistSeconds ?? 600}`,
                '-N',
                '-f',
                ...this.destination(),
            ]);
            if (result.exitCode !== 0)
                throw this.connectionFailure('start connection', result);
        });
        const check = await this.runSsh([
            '-F',
            'none',
            '-o',
            `ControlPath=${this.controlPath}`,
            '-O',
            'check',
            '--',
            this.target.host,
        ]);
        const pid = /pid=(\d+)/.exec(check.stderr + check.stdout)?.[1];
        this.masterPid = pid ? Number(pid) : undefined;
    }
    masterAlive() {
        if (this.masterPid === undefined)
            return true; // unknown: let ssh find out
        if (this.masterPid < 0)
            return false;
        try {
            process.kill(this.masterPid, 0);
        }
        catch {
            return false;
        }
        try {
            // A killed master whose parent does not reap it is a zombie: kill(0) still succeeds.
            const stat = (0,external_node_fs_namespaceObject.readFileSync)(`/proc/${this.masterPid}/stat`, 'utf8');
            return !/^\S+ \(.*\) [ZX]/.test(stat);
        }
        catch {
            return true; // no /proc (macOS runners): kill(0) is all we have
        }
    }
    async run(argv, options = {}) {
        if (!this.open)
            throw new Error(`${this.where}: the SSH session is closed`);
        // A timeout is enforced ON THE HOST with timeout(1): killing the local mux client neither
        // stops the remote command nor returns early (it waits for the master to report the end).
        const timeoutSeconds = options.timeoutMs === undefined
            ? undefined
            : Math.max(1, Math.ceil(options.timeoutMs / 1000));
        const command = remoteCommand(timeoutSeconds === undefined ? argv : ['timeout', String(timeoutSeconds), ...argv]); // throws before anything runs on a bad argument
        const start = `\x1etgd-${this.nonce}-start`;
        const exit = `\x1etgd-${this.nonce}-exit `;
        // A fixed wrapper around the quoted command: markers on stderr tell "never started",
        // "connection broke while running" and "the command's own exit code" (even 255) apart.
        const wrapped = `printf '\\036tgd-${this.nonce}-start\\n' >&2; ${command}\n` +
            `s=$?; printf '\\036tgd-${this.nonce}-exit %d\\n' "$s" >&2; exit "$s"`;
        const onLine = options.onLine;
        const filteredOnLine = onLine
            ? (line, stream) => {
                if (stream === 'stderr') {
                    if (line === start)
                        return;
                    const at = line.indexOf(exit);
                    if (at >= 0) {
                        if (at > 0)
                            onLine(line.slice(0, at), stream);
                        return;
                    }
                }
                onLine(line, stream);
            }
            : undefined;
        return this.withRetries(`\`${argv.join(' ')}\``, async () => {
            if (!this.masterAlive()) {
                this.settings.log?.warn(`${this.where}: the SSH connection is gone; reconnecting`);
                this.masterPid = undefined;
                await this.connect();
            }
            this.stats.commands++;
            const raw = await this.runSsh([
                ...this.baseOptions(),
                '-o',
                'ControlMaster=no',
                '-o',
                `ControlPath=${this.controlPath}`,
                '-T',
                ...this.destination(),
                wrapped,
            ], { ...options, timeoutMs: undefined, onLine: filteredOnLine });
            const startAt = raw.stderr.indexOf(`${start}\n`);
            const exitMatch = new RegExp(`\\x1etgd-${this.nonce}-exit (\\d+)\\n?$`).exec(raw.stderr);
            if (startAt < 0) {
                if (raw.exitCode === 255 || HOST_KEY_FAILURE.test(raw.stderr)) {
                    throw this.connectionFailure(`\`${argv.join(' ')}\``, raw);
                }
                throw new SshConnectionError(this.target, `${this.where}: \`${argv.join(' ')}\` did not start (exit ${raw.exitCode}${raw.stderr.trim() ? `: ${lastLine(raw.stderr)}` : ''})`, false);
            }
            // What ssh itself said before the command started is not the command's output.
            const before = raw.stderr.slice(0, startAt);
            if (/Control socket connect/.test(before)) {
                // The master was unusable and ssh connected on its own (still strictly verified):
                // count it, and start a fresh master for the next command.
                this.stats.connectionsOpened++;
                this.masterPid = -1;
            }
            const stderr = raw.stderr.slice(startAt + start.length + 1, exitMatch ? exitMatch.index : undefined);
            if (!exitMatch)
                throw new SshConnectionLostError(this.target, argv, `(ssh exit ${raw.exitCode}${lastLine(stderr) ? `: ${lastLine(stderr)}` : ''})`);
            if (timeoutSeconds !== undefined && exitMatch[1] === '124') {
                // As localExecutor does: allowFailure gets the exit code (124), otherwise an error.
                if (!options.allowFailure)
                    throw new SshCommandTimeoutError(this.target, argv, timeoutSeconds);
                return {
                    exitCode: 124,
                    stdout: raw.stdout,
                    stderr: `${stderr}timed out after ${timeoutSeconds}s and was stopped on the host\n`,
                };
            }
            const result = {
                exitCode: Number(exitMatch[1]),
                stdout: raw.stdout,
                stderr,
            };
            if (result.exitCode !== 0 && !options.allowFailure) {
                throw new CommandError(this.where, argv, result);
            }
            return result;
        });
    }
    async close() {
        if (!this.open)
            return;
        this.open = false;
        await this.runSsh([
            '-F',
            'none',
            '-o',
            `ControlPath=${this.controlPath}`,
            '-O',
            'exit',
            '--',
            this.target.host,
        ]).catch(() => undefined);
        (0,external_node_fs_namespaceObject.rmSync)(this.controlPath, { force: true });
    }
}
function lastLine(text) {
    return text.trim().split('\n').slice(-1)[0] ?? '';
}

;// CONCATENATED MODULE: ./actions/verify/deps.ts






/**
 * Container and log checks: over SSH to every host (host key verified first, one ControlMaster
 * each), or against the runner's own Docker when no hosts are given (self-hosted runners).
 */
async function connectHosts(inputs, log = actionsLog, save = () => undefined) {
    if (inputs.hosts.length === 0) {
        return { executors: [localExecutor()], close: async () => undefined };
    }
    const ssh = await connectSsh(inputs.ssh, inputs.hosts, undefined, {
        log,
        writeSshMaterial: writeSshMaterial,
        openSession: openSession,
        // For the post step: a cancelled run never reaches close() below.
        saveState: save,
    });
    let sessions;
    try {
        sessions = await ssh.openAll(inputs.hosts);
    }
    catch (error) {
        ssh.remove();
        throw error;
    }
    const close = async () => {
        for (const s of sessions)
            await s.close().catch(() => undefined);
        ssh.remove();
    };
    return { executors: sessions, close };
}
function defaultDeps() {
    return {
        log: actionsLog,
        clock: systemClock,
        fetch: (url, init) => fetch(url, init),
        env: process.env,
        connect: (inputs) => connectHosts(inputs, actionsLog, runtime_saveState),
        outputs: setOutputs,
        summary: writeSummary,
    };
}
/** The post step (always, also on cancel): ends ControlMasters and deletes the key material. */
function post(state) {
    removeSavedSshMaterial((name) => (name === SSH_STATE.dir ? state.sshDir : state.controlDir));
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
    return splitList(getInput(name), options.commas ?? true);
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

;// CONCATENATED MODULE: ./src/health/http.ts

/** Parses `$.a.b[0].c` or `$.a == "ok"`. Throws with a readable message. */
function parseJsonPath(expression) {
    const text = expression.trim();
    const m = text.match(/^(\$[^=!<>\s]*)\s*(?:==\s*(.+))?$/);
    if (!m)
        throw new Error(`expected '$.path' or '$.path == value', got ${JSON.stringify(text)}`);
    const pathText = m[1];
    const path = [];
    const re = /\.([A-Za-z_][\w-]*)|\[(\d+)\]|\[['"]([^'"]+)['"]\]/y;
    let pos = 1;
    while (pos < pathText.length) {
        re.lastIndex = pos;
        const part = re.exec(pathText);
        if (!part)
            throw new Error(`cannot read the path at ${JSON.stringify(pathText.slice(pos))}`);
        path.push(part[1] ?? (part[2] !== undefined ? Number(part[2]) : part[3]));
        pos = re.lastIndex;
    }
    if (m[2] === undefined)
        return { path, text };
    const raw = m[2].trim();
    let expected;
    try {
        expected = JSON.parse(raw);
    }
    catch {
        expected = raw.replace(/^'(.*)'$/, '$1');
    }
    return { path, expected, text };
}
function readJsonPath(value, path) {
    let current = value;
    for (const key of path) {
        if (current === null || typeof current !== 'object')
            return undefined;
        current = current[key];
    }
    return current;
}
/** Pure: does a status code match `200`, `2xx`, `20x`? */
function statusMatches(code, patterns) {
    const text = String(code);
    return patterns.some((p) => p.length === 3 && [...p.toLowerCase()].every((c, i) => c === 'x' || c === text[i]));
}
/** Pure: judge one HTTP answer. */
function judgeHttp(spec, answer) {
    const statuses = spec.status && spec.status.length > 0 ? spec.status : ['2xx'];
    const where = `${answer.status} in ${answer.latencyMs} ms`;
    if (!statusMatches(answer.status, statuses)) {
        return {
            status: 'fail',
            value: answer.status,
            summary: `HTTP ${where}, expected ${statuses.join('|')}`,
        };
    }
    if (spec.bodyContains !== undefined && !answer.body.includes(spec.bodyContains)) {
        return {
            status: 'fail',
            value: answer.status,
            summary: `HTTP ${where}, body lacks ${JSON.stringify(spec.bodyContains)}: ${snippet(answer.body)}`,
        };
    }
    if (spec.jsonPath) {
        const assertion = parseJsonPath(spec.jsonPath);
        let parsed;
        try {
            parsed = JSON.parse(answer.body);
        }
        catch {
            return {
                status: 'fail',
                value: answer.status,
                summary: `HTTP ${where}, body is not JSON: ${snippet(answer.body)}`,
            };
        }
        const found = readJsonPath(parsed, assertion.path);
        const ok = 'expected' in assertion && assertion.expected !== undefined
            ? JSON.stringify(found) === JSON.stringify(assertion.expected) ||
                (typeof assertion.expected === 'string' && String(found) === assertion.expected)
            : Boolean(found);
        if (!ok) {
            return {
                status: 'fail',
                value: answer.status,
                summary: `HTTP ${where}, ${assertion.text} does not hold (found ${snippet(JSON.stringify(found) ?? 'nothing')})`,
            };
        }
    }
    if (spec.latencyBudgetMs !== undefined && answer.latencyMs > spec.latencyBudgetMs) {
        return {
            status: 'fail',
            value: answer.latencyMs,
            summary: `HTTP ${where}, over the ${spec.latencyBudgetMs} ms budget`,
        };
    }
    return { status: 'pass', value: answer.status, summary: `HTTP ${where}` };
}
function snippet(text) {
    const flat = text.replace(/\s+/g, ' ').trim();
    return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}
/** An HTTP check: one request per probe; a refused or timed-out request is a failure. */
function httpCheck(spec, deps) {
    if (spec.jsonPath)
        parseJsonPath(spec.jsonPath); // fail on a bad expression before any probe
    return {
        name: spec.name ?? `http ${spec.url}`,
        kind: 'http',
        async probe() {
            const started = deps.clock.now();
            let status;
            let body;
            try {
                const response = await deps.fetch(spec.url, {
                    method: 'GET',
                    headers: spec.headers,
                    redirect: 'manual',
                    signal: AbortSignal.timeout(spec.timeoutMs ?? 10_000),
                });
                status = response.status;
                body = await response.text();
            }
            catch (error) {
                return {
                    status: 'fail',
                    summary: `HTTP request failed after ${deps.clock.now() - started} ms: ${causeOf(error)}`,
                };
            }
            return judgeHttp(spec, { status, body, latencyMs: deps.clock.now() - started });
        },
    };
}
/** fetch's "fetch failed" hides the reason in `cause` (ECONNREFUSED, timeout …). */
function causeOf(error) {
    const cause = error && typeof error === 'object' && 'cause' in error
        ? error.cause
        : undefined;
    const code = cause && typeof cause === 'object' && 'code' in cause
        ? String(cause.code)
        : '';
    const causeText = cause && typeof cause === 'object' && 'message' in cause
        ? String(cause.message)
        : '';
    return [errorMessage(error), code || causeText].filter(Boolean).join(': ');
}

;// CONCATENATED MODULE: ./src/health/logs.ts
/**
 * Fatal log patterns. 409 Conflict and "terminated by other getUpdates request" mean two
 * consumers poll one token; AUTH_KEY_DUPLICATED means an MTProto session is used twice (it can be
 * revoked for good); Traceback is an uncaught Python exception.
 */
const DEFAULT_LOG_PATTERNS = [
    '409 Conflict',
    'terminated by other getUpdates request',
    'AUTH_KEY_DUPLICATED',
    'Traceback',
];
/** A pattern is a plain substring, or `/regex/flags`. */
function parsePattern(text) {
    const m = text.match(/^\/(.+)\/([gimsuy]*)$/);
    if (m) {
        const re = new RegExp(m[1], m[2].replace('g', ''));
        return { text, test: (line) => re.test(line) };
    }
    return { text, test: (line) => line.includes(text) };
}
/**
 * `docker logs --timestamps [--since S] -- NAME`. S is unix seconds for the first read, then the
 * last timestamp the host itself printed (RFC 3339 with nanoseconds, inclusive), so later probes
 * read only new lines and the runner's clock never has to agree with the host's.
 */
function logsArgv(container, since, docker = ['docker']) {
    const argv = [...docker, 'logs', '--timestamps'];
    if (typeof since === 'number')
        argv.push('--since', String(Math.floor(since / 1000)));
    else if (since !== undefined)
        argv.push('--since', since);
    argv.push('--', container);
    return argv;
}
const STAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z /;
/** Splits docker's timestamp prefix off a line; the key compares as text in time order. */
function splitStamp(line) {
    const m = STAMP.exec(line);
    if (!m)
        return { text: line };
    return {
        stamp: m[0].trim(),
        key: `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}`,
        text: line.slice(m[0].length),
    };
}
/** Pure: the newest docker timestamp in some output, as given (for the next --since). */
function lastStamp(outputs) {
    let best;
    for (const output of outputs) {
        for (const line of output.split('\n')) {
            const { stamp, key } = splitStamp(line);
            if (stamp && key && (!best || key > best.key))
                best = { stamp, key };
        }
    }
    return best?.stamp;
}
/** Pure: the first line that matches a fatal pattern. */
function findFatal(text, patterns) {
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
        const line = splitStamp(lines[i]).text;
        const pattern = patterns.find((p) => p.test(line));
        if (pattern)
            return { pattern: pattern.text, line: line.trim(), lineNumber: i + 1 };
    }
    return undefined;
}
/** Log lines reach the job summary: blank anything shaped like a bot token first. */
function redactTokens(line) {
    return line.replace(/\b\d{5,}:[A-Za-z0-9_-]{30,}/g, '***');
}
function judgeLogs(stdout, stderr, patterns) {
    const match = findFatal(stderr, patterns) ?? findFatal(stdout, patterns);
    const count = [stdout, stderr]
        .join('\n')
        .split('\n')
        .filter((l) => l.trim()).length;
    if (match) {
        const clean = redactTokens(match.line);
        const line = clean.length > 160 ? `${clean.slice(0, 157)}...` : clean;
        return {
            status: 'fail',
            final: true,
            summary: `fatal pattern ${JSON.stringify(match.pattern)} in ${JSON.stringify(line)}`,
        };
    }
    return { status: 'pass', value: count, summary: `${count} line(s), no fatal pattern` };
}
/** Fatal patterns in `docker logs` (stdout and stderr) through any Executor. */
function logsCheck(spec, executor) {
    const patterns = spec.patterns.map(parsePattern);
    let since = spec.since;
    let linesRead = 0;
    return {
        name: spec.name ?? `logs ${spec.container}@${executor.where}`,
        kind: 'logs',
        async probe() {
            const result = await executor.run(logsArgv(spec.container, since, spec.docker), {
                allowFailure: true,
            });
            if (result.exitCode !== 0) {
                const why = (result.stderr.trim() || result.stdout.trim()).split('\n').pop() ?? '';
                return { status: 'inconclusive', summary: `docker logs exited ${result.exitCode}: ${why}` };
            }
            const judged = judgeLogs(result.stdout, result.stderr, patterns);
            // Next time only newer lines; lines at exactly this timestamp are read twice (--since is
            // inclusive), which is harmless: they were clean, or verification already ended.
            since = lastStamp([result.stdout, result.stderr]) ?? since;
            if (judged.status !== 'pass')
                return judged;
            linesRead += judged.value ?? 0;
            return {
                ...judged,
                value: linesRead,
                summary: `${judged.value ?? 0} new line(s), ${linesRead} read, no fatal pattern`,
            };
        },
    };
}

;// CONCATENATED MODULE: ./src/health/prometheus.ts

function compare(value, op, threshold) {
    switch (op) {
        case '>':
            return value > threshold;
        case '>=':
            return value >= threshold;
        case '<':
            return value < threshold;
        case '<=':
            return value <= threshold;
        case '==':
            return value === threshold;
        case '!=':
            return value !== threshold;
    }
}
/** Parses one `name: <promql> <op> <threshold>` line (the last comparison is the threshold). */
function parseQueryLine(line) {
    const m = line.match(/^\s*([A-Za-z0-9_.-]+)\s*:\s*(.+?)\s*(>=|<=|==|!=|>|<)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$/);
    if (!m) {
        throw new Error(`expected 'name: <promql> <op> <threshold>' (op one of > >= < <= == !=), got ${JSON.stringify(line.trim())}`);
    }
    return { name: m[1], query: m[2], op: m[3], threshold: Number(m[4]) };
}
const READY_MADE = ['error-rate', 'latency-p95', 'up'];
/**
 * The classic alert rules as PromQL over the metric names of prometheus_client style apps
 * (http_requests_total{code}, http_request_duration_seconds histogram) and Prometheus's `up`.
 */
function readyMadeCheck(name, o) {
    const sel = o.selector.trim();
    const requests = o.requestsMetric ?? 'http_requests_total';
    const duration = o.durationMetric ?? 'http_request_duration_seconds';
    const status = o.statusLabel ?? 'code';
    const join = (extra) => `{${[extra, sel].filter(Boolean).join(',')}}`;
    switch (name) {
        case 'error-rate':
            return {
                name,
                // `or vector(0)`: many apps export no 5xx series until the first error.
                query: `(sum(increase(${requests}${join(`${status}=~"5.*"`)}[${o.range}])) or vector(0)) / sum(increase(${requests}${join('')}[${o.range}]))`,
                op: '>',
                threshold: 0.1,
                samplesQuery: `sum(increase(${requests}${join('')}[${o.range}]))`,
                minSamples: o.minSamples,
            };
        case 'latency-p95':
            return {
                name,
                query: `histogram_quantile(0.95, sum by (le) (increase(${duration}_bucket${join('')}[${o.range}])))`,
                op: '>',
                threshold: 1,
                samplesQuery: `sum(increase(${duration}_count${join('')}[${o.range}]))`,
                minSamples: o.minSamples,
            };
        case 'up':
            return {
                name,
                query: `min(min_over_time(up${join('')}[${o.range}]))`,
                op: '<',
                threshold: 1,
                samplesQuery: `sum(count_over_time(up${join('')}[${o.range}]))`,
                minSamples: o.minSamples,
            };
    }
}
/** Reads an /api/v1/query answer: a scalar or an instant vector, as samples. */
function parseQueryResponse(body) {
    const b = body;
    if (b?.status !== 'success') {
        throw new Error(`Prometheus: ${b?.errorType ?? 'error'}: ${b?.error ?? JSON.stringify(body)}`);
    }
    const data = b.data ?? {};
    if (data.resultType === 'scalar') {
        const pair = data.result;
        return [{ labels: {}, value: Number(pair[1]) }];
    }
    if (data.resultType === 'vector') {
        return data.result.map((r) => ({ labels: r.metric ?? {}, value: Number(r.value[1]) }));
    }
    throw new Error(`Prometheus: unexpected result type ${String(data.resultType)}`);
}
function prometheusClient(baseUrl, deps) {
    const base = baseUrl.replace(/\/+$/, '');
    return {
        async query(promql) {
            let response;
            try {
                response = await deps.fetch(`${base}/api/v1/query`, {
                    method: 'POST',
                    headers: { 'content-type': 'application/x-www-form-urlencoded', ...deps.headers },
                    body: new URLSearchParams({ query: promql }).toString(),
                    signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
                });
            }
            catch (error) {
                throw new Error(`Prometheus unreachable: ${causeOf(error)}`);
            }
            const text = await response.text();
            let body;
            try {
                body = JSON.parse(text);
            }
            catch {
                throw new Error(`Prometheus answered HTTP ${response.status}: ${text.slice(0, 200)}`);
            }
            return parseQueryResponse(body);
        },
    };
}
function describe(s) {
    const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
    return `${labels ? `{${labels}} ` : ''}${formatNumber(s.value)}`;
}
function formatNumber(n) {
    if (!Number.isFinite(n))
        return String(n);
    return Number.isInteger(n) ? String(n) : n.toPrecision(4).replace(/\.?0+$/, '');
}
/** Pure: judge the samples of a check's query (and of its samples query). */
function judgePrometheus(spec, samples, sampleCount) {
    const rule = `${spec.op} ${spec.threshold}`;
    if (spec.samplesQuery !== undefined && spec.minSamples !== undefined) {
        const n = sampleCount ?? 0;
        if (!Number.isFinite(n) || n < spec.minSamples) {
            return {
                status: 'inconclusive',
                value: Number.isFinite(n) ? n : 0,
                summary: `${formatNumber(Number.isFinite(n) ? n : 0)} sample(s), fewer than the ${spec.minSamples} needed`,
            };
        }
    }
    const usable = samples.filter((s) => Number.isFinite(s.value));
    if (usable.length === 0) {
        return {
            status: 'inconclusive',
            summary: samples.length === 0 ? 'no data' : `no number (${samples.map(describe).join(', ')})`,
        };
    }
    const bad = usable.filter((s) => compare(s.value, spec.op, spec.threshold));
    const counted = sampleCount !== undefined ? ` over ${formatNumber(sampleCount)} sample(s)` : '';
    if (bad.length > 0) {
        return {
            status: 'fail',
            value: bad[0].value,
            summary: `${bad.map(describe).join(', ')} ${rule}${counted}`,
        };
    }
    return {
        status: 'pass',
        value: usable[0].value,
        summary: `${usable.map(describe).join(', ')}, alert when ${rule}${counted}`,
    };
}
function prometheusCheck(spec, client) {
    return {
        name: `prometheus ${spec.name}`,
        kind: 'prometheus',
        async probe() {
            let count;
            if (spec.samplesQuery !== undefined) {
                const counted = await client.query(spec.samplesQuery);
                count = counted.reduce((sum, s) => sum + (Number.isFinite(s.value) ? s.value : 0), 0);
                if (spec.minSamples !== undefined && count < spec.minSamples) {
                    return judgePrometheus(spec, [], count);
                }
            }
            return judgePrometheus(spec, await client.query(spec.query), count);
        },
    };
}

;// CONCATENATED MODULE: ./src/health/time.ts
/** Durations like `90`, `90s`, `5m`, `1h`, `500ms` in milliseconds; undefined if not one. */
function parseDuration(text) {
    const m = text.trim().match(/^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/);
    if (!m)
        return undefined;
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's')];
    return Math.round(Number(m[1]) * unit);
}
/**
 * A point in time as epoch ms: RFC 3339 (`2026-11-30T03:00:00Z`), unix seconds (`1764471600`),
 * a deploy's release id (`20261130-030000`, UTC: the deploy action's `release-id` output), or a
 * duration ago (`10m`). Undefined if it is none of these.
 */
function parseSince(text, now) {
    const t = text.trim();
    const release = t.match(/^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})$/);
    if (release) {
        const [y, mo, d, h, mi, s] = release.slice(1).map(Number);
        const ms = Date.UTC(y, mo - 1, d, h, mi, s);
        return new Date(ms).getUTCDate() === d ? ms : undefined;
    }
    if (/^\d{9,11}(\.\d+)?$/.test(t))
        return Math.round(Number(t) * 1000);
    const ago = parseDuration(t);
    if (ago !== undefined && /[a-z]$/.test(t))
        return now - ago;
    if (/^\d{4}-\d{2}-\d{2}T/.test(t)) {
        const ms = Date.parse(t);
        return Number.isNaN(ms) ? undefined : ms;
    }
    return undefined;
}
/** A PromQL range (`5m`, `90s`, `1h`). */
function isPromRange(text) {
    return /^(\d+(ms|s|m|h|d|w|y))+$/.test(text.trim());
}

;// CONCATENATED MODULE: ./src/health/inputs.ts





/** An http(s) URL, or an InputError naming the input. */
function httpUrlInput(name, raw) {
    let url;
    try {
        url = new URL(raw);
    }
    catch {
        throw new errors_InputError(name, `is not a URL: ${JSON.stringify(raw)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new errors_InputError(name, `must be http or https, got ${url.protocol}`);
    }
    return raw;
}
function parseCheckInputs(raw, options = {}) {
    const name = options.name ?? ((base) => base);
    // --- HTTP
    for (const s of raw.httpStatus) {
        if (!/^[1-5][0-9xX]{2}$/.test(s)) {
            throw new errors_InputError(name('http-status'), `expected codes like 200 or 2xx, got ${JSON.stringify(s)}`);
        }
    }
    if (raw.httpJsonPath) {
        try {
            parseJsonPath(raw.httpJsonPath);
        }
        catch (error) {
            throw new errors_InputError(name('http-json-path'), error.message);
        }
    }
    const http = raw.httpUrls.map((url) => ({
        url: httpUrlInput(name('http-url'), url),
        status: raw.httpStatus.length ? [...raw.httpStatus] : ['2xx'],
        bodyContains: raw.httpBody || undefined,
        jsonPath: raw.httpJsonPath || undefined,
        latencyBudgetMs: raw.httpLatencyMs > 0 ? raw.httpLatencyMs : undefined,
    }));
    // --- Prometheus
    let prometheus;
    if (raw.prometheusUrl) {
        httpUrlInput(name('prometheus-url'), raw.prometheusUrl);
        if (!isPromRange(raw.prometheusRange)) {
            throw new errors_InputError(name('prometheus-range'), `expected a PromQL range like 5m or 90s, got ${JSON.stringify(raw.prometheusRange)}`);
        }
        if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(raw.prometheusStatusLabel)) {
            throw new errors_InputError(name('prometheus-status-label'), `is not a label name: ${JSON.stringify(raw.prometheusStatusLabel)}`);
        }
        const unknown = raw.prometheusChecks.filter((n) => n !== 'none' && !READY_MADE.includes(n));
        if (unknown.length) {
            throw new errors_InputError(name('prometheus-checks'), `unknown check(s) ${unknown.join(', ')}; expected ${READY_MADE.join(', ')} or none`);
        }
        const custom = raw.prometheusQueries.map((line) => {
            try {
                return parseQueryLine(line);
            }
            catch (error) {
                throw new errors_InputError(name('prometheus-queries'), error.message);
            }
        });
        const readyMade = raw.prometheusChecks.includes('none')
            ? []
            : [...raw.prometheusChecks];
        if (readyMade.length && !raw.prometheusSelector) {
            throw new errors_InputError(name('prometheus-selector'), `is required with ${name('prometheus-checks')}: the label matchers of the new release's series, e.g. job="bot",version="v2"`);
        }
        prometheus = {
            url: raw.prometheusUrl,
            readyMade,
            selector: raw.prometheusSelector,
            range: raw.prometheusRange,
            minSamples: raw.minSamples,
            statusLabel: raw.prometheusStatusLabel,
            custom,
            token: raw.prometheusToken.trim() || undefined,
        };
    }
    else if (raw.prometheusQueries.length) {
        throw new errors_InputError(name('prometheus-url'), `is required with ${name('prometheus-queries')}`);
    }
    // --- Log patterns
    const given = raw.logPatterns;
    const logPatterns = given.length === 1 && given[0] === 'none'
        ? []
        : given.length
            ? [...given]
            : [...(options.defaultLogPatterns ?? [])];
    for (const p of logPatterns) {
        try {
            parsePattern(p);
        }
        catch (error) {
            throw new errors_InputError(name('log-patterns'), `${JSON.stringify(p)}: ${error.message}`);
        }
    }
    // --- Telegram webhook
    const token = raw.telegramBotToken.trim();
    const telegramApiUrl = httpUrlInput(name('telegram-api-url'), raw.telegramApiUrl);
    if (raw.telegramWebhookUrl && !token) {
        throw new errors_InputError(name('telegram-bot-token'), `is required with ${name('telegram-webhook-url')}`);
    }
    return {
        http,
        prometheus,
        logPatterns,
        telegram: token
            ? { token, apiUrl: telegramApiUrl, expectedUrl: raw.telegramWebhookUrl || undefined }
            : undefined,
        telegramApiUrl,
    };
}

;// CONCATENATED MODULE: ./actions/verify/inputs.ts
/** The only place this action reads its inputs. */






function duration(name, raw) {
    const ms = parseDuration(raw);
    if (ms === undefined) {
        throw new errors_InputError(name, `expected a duration like 90, 90s, 5m or 500ms, got ${JSON.stringify(raw)}`);
    }
    return ms;
}
function readInputs(now = Date.now()) {
    // --- HTTP, Prometheus, log patterns, Telegram webhook: validated in src/health/inputs.ts
    const checks = parseCheckInputs({
        httpUrls: getLines('http-url'),
        httpStatus: getList('http-status'),
        httpBody: getString('http-body'),
        httpJsonPath: getString('http-json-path'),
        httpLatencyMs: getInt('http-latency-ms', 0, { min: 0 }),
        prometheusUrl: getString('prometheus-url'),
        prometheusChecks: getList('prometheus-checks'),
        prometheusQueries: getLines('prometheus-queries'),
        prometheusSelector: getString('prometheus-selector'),
        prometheusRange: getString('prometheus-range', '5m'),
        minSamples: getInt('min-samples', 20, { min: 0 }),
        prometheusStatusLabel: getString('prometheus-status-label', 'code'),
        prometheusToken: getString('prometheus-url') ? getSecret('prometheus-token') : '',
        logPatterns: getLines('log-patterns'),
        telegramBotToken: getSecret('telegram-bot-token'),
        telegramApiUrl: getString('telegram-api-url', 'https://api.telegram.org'),
        telegramWebhookUrl: getString('telegram-webhook-url'),
    }, { defaultLogPatterns: DEFAULT_LOG_PATTERNS });
    const { http, prometheus, logPatterns } = checks;
    // --- Container and logs, over SSH (or the runner's own Docker when hosts is empty)
    const containerName = getString('container');
    const hosts = getList('hosts').map((h) => target_parseHost(h, 'hosts'));
    const ssh = {
        key: getSecret('ssh-key'),
        knownHosts: getString('known-hosts'),
        fingerprints: getList('host-fingerprint'),
    };
    if (hosts.length && !containerName) {
        throw new errors_InputError('container', 'is required with hosts: the name of the container to check');
    }
    if (hosts.length && !ssh.key)
        throw new errors_InputError('ssh-key', 'is required with hosts');
    const sinceRaw = getString('since');
    let since;
    if (sinceRaw) {
        since = parseSince(sinceRaw, now);
        if (since === undefined) {
            throw new errors_InputError('since', `expected RFC 3339 time, unix seconds or a duration ago like 10m, got ${JSON.stringify(sinceRaw)}`);
        }
    }
    // --- Timing and the decision
    const timeoutMs = duration('timeout', getString('timeout', '120s'));
    const windowMs = duration('window', getString('window', '0'));
    const intervalMs = duration('interval', getString('interval', '5s'));
    if (intervalMs < 100)
        throw new errors_InputError('interval', 'must be at least 100ms');
    const consecutive = getInt('consecutive', 3, { min: 1, max: 100 });
    const failuresRaw = getString('failures');
    const failures = failuresRaw ? getInt('failures', 1, { min: 1, max: 1000 }) : undefined;
    const onInconclusive = getEnum('on-inconclusive', ['fail', 'pass'], 'fail');
    const span = windowMs > 0 ? windowMs : timeoutMs;
    const rounds = Math.floor(span / intervalMs) + 1;
    if (rounds < consecutive) {
        throw new errors_InputError('consecutive', `${consecutive} consecutive passes cannot fit: ${windowMs > 0 ? 'window' : 'timeout'} ${span / 1000}s with interval ${intervalMs / 1000}s allows ${rounds} round(s)`);
    }
    const inputs = {
        http,
        prometheus,
        container: containerName ? { name: containerName, logPatterns } : undefined,
        hosts,
        ssh,
        since,
        telegram: checks.telegram,
        telegramApiUrl: checks.telegramApiUrl,
        timeoutMs,
        windowMs,
        intervalMs,
        consecutive,
        failures,
        onInconclusive,
        notify: {
            telegramToken: getSecret('notify-telegram-token').trim(),
            chatId: getSecret('notify-chat-id').trim(),
            webhookUrl: getSecret('notify-webhook-url').trim(),
            webhookSecret: getSecret('notify-webhook-secret').trim(),
            app: getString('app'),
            version: getString('version'),
            environment: getString('environment', 'production'),
        },
    };
    if (inputs.notify.telegramToken && !inputs.notify.chatId) {
        throw new errors_InputError('notify-chat-id', 'is required with notify-telegram-token');
    }
    if (!http.length && !prometheus && !inputs.container && !inputs.telegram) {
        throw new errors_InputError('http-url', 'no checks configured: set http-url, prometheus-url, container or telegram-bot-token');
    }
    return inputs;
}

;// CONCATENATED MODULE: ./src/health/container.ts

/** The few fields of `docker inspect` a check needs (nothing else: env vars hold secrets). */
const INSPECT_FORMAT = '{"Status":{{json .State.Status}},"Running":{{json .State.Running}},"Restarting":{{json .State.Restarting}},"ExitCode":{{json .State.ExitCode}},"StartedAt":{{json .State.StartedAt}},"Health":{{if .State.Health}}{{json .State.Health.Status}}{{else}}null{{end}},"RestartCount":{{json .RestartCount}}}';
function inspectArgv(container, docker = ['docker']) {
    return [...docker, 'container', 'inspect', '--format', INSPECT_FORMAT, '--', container];
}
function parseInspect(stdout) {
    const line = stdout.trim().split('\n').pop() ?? '';
    const parsed = JSON.parse(line);
    if (typeof parsed.Status !== 'string')
        throw new Error(`unexpected docker inspect output: ${line}`);
    return parsed;
}
/**
 * Pure: judge a container. Not running, restarting or unhealthy fails; a health check still
 * starting is inconclusive; a restart count above the baseline fails for good (it crashed).
 */
function judgeContainer(state, baselineRestarts) {
    const health = state.Health ? `, health ${state.Health}` : '';
    const seen = `${state.Status}${health}, ${state.RestartCount} restart(s)`;
    if (state.RestartCount > baselineRestarts) {
        return {
            status: 'fail',
            final: true,
            value: state.RestartCount,
            summary: `${seen}: restarted ${state.RestartCount - baselineRestarts} time(s) since verification began (last exit code ${state.ExitCode})`,
        };
    }
    if (state.Restarting || state.Status === 'restarting') {
        return {
            status: 'fail',
            value: state.RestartCount,
            summary: `${seen}: restarting (exit code ${state.ExitCode})`,
        };
    }
    if (!state.Running || state.Status !== 'running') {
        return {
            status: 'fail',
            final: state.Status === 'exited' || state.Status === 'dead',
            value: state.RestartCount,
            summary: `${seen} (exit code ${state.ExitCode})`,
        };
    }
    if (state.Health === 'unhealthy')
        return { status: 'fail', value: state.RestartCount, summary: seen };
    if (state.Health === 'starting')
        return { status: 'inconclusive', value: state.RestartCount, summary: seen };
    return { status: 'pass', value: state.RestartCount, summary: seen };
}
/** Container state, health and restart count through any Executor (local, ssh). */
function containerCheck(spec, executor) {
    let baseline = spec.baselineRestarts;
    return {
        name: spec.name ?? `container ${spec.container}@${executor.where}`,
        kind: 'container',
        async probe() {
            const result = await executor.run(inspectArgv(spec.container, spec.docker), {
                allowFailure: true,
            });
            if (result.exitCode !== 0) {
                const why = (result.stderr.trim() || result.stdout.trim()).split('\n').pop() ?? '';
                if (/no such (container|object)/i.test(why)) {
                    return { status: 'fail', summary: `no container named ${spec.container}` };
                }
                return {
                    status: 'inconclusive',
                    summary: `docker inspect exited ${result.exitCode}: ${why}`,
                };
            }
            let state;
            try {
                state = parseInspect(result.stdout);
            }
            catch (error) {
                return { status: 'inconclusive', summary: errorMessage(error) };
            }
            baseline ??= state.RestartCount;
            return judgeContainer(state, baseline);
        },
    };
}

;// CONCATENATED MODULE: ./src/health/telegram.ts

/** Pure: judge one getWebhookInfo answer, given the pending counts seen before (oldest first). */
function judgeWebhook(spec, info, previousPending) {
    const pending = info.pending_update_count;
    const seen = `url ${info.url ? JSON.stringify(info.url) : '(none)'}, ${pending} pending`;
    if (spec.expectedUrl !== undefined ? info.url !== spec.expectedUrl : info.url === '') {
        return {
            status: 'fail',
            value: pending,
            summary: `${seen}: expected url ${spec.expectedUrl ? JSON.stringify(spec.expectedUrl) : 'to be set'}`,
        };
    }
    if (info.last_error_date !== undefined && info.last_error_date * 1000 >= spec.since) {
        const at = new Date(info.last_error_date * 1000).toISOString();
        return {
            status: 'fail',
            final: true,
            value: pending,
            summary: `${seen}: delivery error at ${at} (after the deploy started): ${info.last_error_message ?? 'no message'}`,
        };
    }
    const needed = spec.growthProbes ?? 3;
    const series = [...previousPending, pending].slice(-(needed + 1));
    const growing = series.length === needed + 1 && series.every((v, i) => i === 0 || v > series[i - 1]);
    if (growing) {
        return {
            status: 'fail',
            value: pending,
            summary: `${seen}: pending updates grew on ${needed} probes in a row (${series.join(' → ')})`,
        };
    }
    return { status: 'pass', value: pending, summary: seen };
}
/**
 * Telegram webhook state through getWebhookInfo. The token is part of the URL path: it never
 * appears in a summary, and callers register it with Log.secret().
 */
function telegramWebhookCheck(spec, deps) {
    const base = (spec.apiUrl ?? 'https://api.telegram.org').replace(/\/+$/, '');
    const pending = [];
    const hide = (text) => text.split(spec.token).join('***');
    return {
        name: 'telegram webhook',
        kind: 'telegram',
        async probe() {
            let response;
            try {
                response = await deps.fetch(`${base}/bot${spec.token}/getWebhookInfo`, {
                    method: 'GET',
                    signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
                });
            }
            catch (error) {
                return { status: 'inconclusive', summary: hide(`Bot API unreachable: ${causeOf(error)}`) };
            }
            const text = await response.text();
            let body;
            try {
                body = JSON.parse(text);
            }
            catch {
                return {
                    status: 'inconclusive',
                    summary: `Bot API answered HTTP ${response.status}, not JSON`,
                };
            }
            if (!body.ok || !body.result) {
                // 401/404: the token is wrong, which no waiting fixes; anything else may pass.
                const fatal = response.status === 401 || response.status === 404;
                return {
                    status: fatal ? 'fail' : 'inconclusive',
                    summary: hide(`getWebhookInfo: ${body.error_code ?? response.status} ${body.description ?? ''}`.trim()),
                };
            }
            const result = judgeWebhook(spec, body.result, pending);
            pending.push(body.result.pending_update_count);
            return { ...result, summary: hide(result.summary) };
        },
    };
}

;// CONCATENATED MODULE: ./src/health/config.ts





/** Pure wiring: the checks a config describes, in a stable order. */
function buildChecks(config, deps) {
    const checks = [];
    for (const spec of config.http)
        checks.push(httpCheck(spec, deps));
    const p = config.prometheus;
    if (p) {
        const client = prometheusClient(p.url, {
            fetch: deps.fetch,
            headers: p.token ? { authorization: `Bearer ${p.token}` } : undefined,
        });
        for (const name of p.readyMade) {
            const spec = readyMadeCheck(name, {
                selector: p.selector,
                range: p.range,
                minSamples: name === 'up' ? Math.min(p.minSamples, 2) : p.minSamples,
                statusLabel: p.statusLabel,
            });
            checks.push(prometheusCheck(spec, client));
        }
        for (const spec of p.custom)
            checks.push(prometheusCheck(spec, client));
    }
    if (config.container) {
        for (const executor of deps.executors) {
            checks.push(containerCheck({ container: config.container.name }, executor));
            if (config.container.logPatterns.length > 0) {
                checks.push(logsCheck({
                    container: config.container.name,
                    patterns: config.container.logPatterns,
                    since: config.since,
                }, executor));
            }
        }
    }
    if (config.telegram) {
        checks.push(telegramWebhookCheck({
            token: config.telegram.token,
            apiUrl: config.telegram.apiUrl,
            expectedUrl: config.telegram.expectedUrl,
            since: config.since ?? deps.clock.now(),
        }, { fetch: deps.fetch }));
    }
    return checks;
}

;// CONCATENATED MODULE: ./src/health/summary.ts
const ICON = { pass: '✅', fail: '❌', inconclusive: '❔' };
/** Markdown for a table cell: no pipes, no newlines, no HTML. */
function cell(text) {
    return text
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/\|/g, '\\|')
        .replace(/\r?\n/g, ' ');
}
/** The job summary: the verdict, why, and each check's last probe results. */
function verdictMarkdown(verdict, options = {}) {
    const seconds = Math.round((verdict.decidedAt - verdict.startedAt) / 1000);
    const lines = [
        `### ${options.title ?? 'Verification'}: ${ICON[verdict.outcome]} ${verdict.outcome}${verdict.accepted ? '' : ' (not accepted)'}`,
        '',
        `**Why:** ${cell(verdict.reason)}`,
        '',
        `${verdict.rounds} round(s) of probes in ${seconds} s.` +
            (verdict.outcome === 'inconclusive'
                ? ` An inconclusive verdict ${verdict.accepted ? 'passes' : 'fails'} (on-inconclusive: ${options.onInconclusive ?? 'fail'}).`
                : ''),
        '',
        '| check | outcome | passes | failures | inconclusive | last probes (oldest first) |',
        '| --- | --- | --- | --- | --- | --- |',
    ];
    for (const e of verdict.evidence) {
        const last = e.last
            .map((r) => `${ICON[r.status]} #${r.round} +${Math.round((r.at - verdict.startedAt) / 1000)}s ${cell(r.summary)}`)
            .join('<br>');
        lines.push(`| ${cell(e.name)} | ${ICON[e.outcome]} ${e.outcome}: ${cell(e.reason)} | ${e.counts.pass} | ${e.counts.fail} | ${e.counts.inconclusive} | ${last} |`);
    }
    return lines.join('\n');
}

;// CONCATENATED MODULE: ./src/health/verify.ts

function initialState(check, required) {
    return {
        name: check.name,
        kind: check.kind,
        required: Math.max(1, check.consecutive ?? required),
        last: [],
        counts: { pass: 0, fail: 0, inconclusive: 0 },
        passStreak: 0,
        failStreak: 0,
    };
}
/** Pure: the state after one more probe result. */
function recordProbe(state, record, keep) {
    return {
        ...state,
        last: [...state.last, record].slice(-Math.max(1, keep)),
        counts: { ...state.counts, [record.status]: state.counts[record.status] + 1 },
        passStreak: record.status === 'pass' ? state.passStreak + 1 : 0,
        failStreak: record.status === 'fail' ? state.failStreak + 1 : 0,
        finalFailure: state.finalFailure ?? (record.status === 'fail' && record.final ? record : undefined),
    };
}
/** Pure: a decision before the deadline, or undefined to keep probing. */
function earlyDecision(states, mode, failures) {
    const finals = states.filter((s) => s.finalFailure);
    if (finals.length > 0) {
        // Several checks can fail for good in the same round (a crash: exit AND Traceback): name
        // the first, say all.
        return {
            outcome: 'fail',
            failedCheck: finals[0].name,
            reason: finals.map((s) => `${s.name}: ${s.finalFailure.summary}`).join('; '),
        };
    }
    for (const s of states) {
        if (s.failStreak >= failures) {
            const last = s.last[s.last.length - 1];
            return {
                outcome: 'fail',
                failedCheck: s.name,
                reason: `${s.name}: failed ${s.failStreak} time(s) in a row: ${last?.summary ?? ''}`.trim(),
            };
        }
    }
    if (mode === 'until' && states.length > 0 && states.every((s) => s.passStreak >= s.required)) {
        return { outcome: 'pass', reason: passReason(states) };
    }
    return undefined;
}
/** Pure: how one check ended when time ran out. */
function checkOutcome(s) {
    const last = s.last[s.last.length - 1];
    if (!last)
        return { outcome: 'inconclusive', reason: 'never probed' };
    if (s.finalFailure)
        return { outcome: 'fail', reason: s.finalFailure.summary };
    if (s.passStreak >= s.required) {
        return { outcome: 'pass', reason: `${s.passStreak} consecutive pass(es): ${last.summary}` };
    }
    if (last.status === 'fail')
        return { outcome: 'fail', reason: last.summary };
    if (last.status === 'pass') {
        // Passing now, but not long enough: flapping if it failed within the evidence, else too slow.
        const flapped = s.last.some((r) => r.status === 'fail');
        return {
            outcome: flapped ? 'fail' : 'inconclusive',
            reason: `${s.passStreak} of ${s.required} consecutive passes${flapped ? ' after a failure' : ''}: ${last.summary}`,
        };
    }
    return { outcome: 'inconclusive', reason: last.summary };
}
/** Pure: the decision when the timeout (or the window) is over. */
function deadlineDecision(states) {
    const ends = states.map((s) => ({ s, ...checkOutcome(s) }));
    const failed = ends.find((e) => e.outcome === 'fail');
    if (failed) {
        return {
            outcome: 'fail',
            failedCheck: failed.s.name,
            reason: `${failed.s.name}: ${failed.reason}`,
        };
    }
    const unsure = ends.find((e) => e.outcome === 'inconclusive');
    if (unsure) {
        const all = ends.filter((e) => e.outcome === 'inconclusive').map((e) => e.s.name);
        return {
            outcome: 'inconclusive',
            failedCheck: unsure.s.name,
            reason: `no decision in time from ${all.join(', ')}: ${unsure.reason}`,
        };
    }
    if (states.length === 0)
        return { outcome: 'inconclusive', reason: 'no checks configured' };
    return { outcome: 'pass', reason: passReason(states) };
}
function passReason(states) {
    return `all ${states.length} check(s) passed: ${states
        .map((s) => `${s.name} ×${s.passStreak}`)
        .join(', ')}`;
}
function evidenceOf(states) {
    return states.map((s) => {
        const end = checkOutcome(s);
        return {
            name: s.name,
            kind: s.kind,
            last: s.last,
            counts: s.counts,
            outcome: end.outcome,
            reason: end.reason,
        };
    });
}
/** One probe, never throwing: an error while looking means we could not see (inconclusive). */
async function safeProbe(check, now, round) {
    try {
        const result = await check.probe(now);
        return { ...result, at: now, round };
    }
    catch (error) {
        return {
            status: 'inconclusive',
            summary: `probe error: ${errorMessage(error)}`,
            at: now,
            round,
        };
    }
}
/** Polls the checks and decides. Never throws for a failing check: the verdict says it. */
async function verify(checks, options) {
    const { clock, log } = options;
    const mode = options.mode ?? 'until';
    const required = Math.max(1, options.requiredConsecutive ?? 1);
    const failures = Math.max(1, options.failures ?? (mode === 'window' ? 1 : required));
    const keep = options.evidenceSize ?? 5;
    const interval = Math.max(1, options.intervalMs);
    const startedAt = clock.now();
    const end = startedAt + Math.max(0, options.timeoutMs);
    let states = checks.map((c) => initialState(c, required));
    let round = 0;
    let tick = 0;
    let decision;
    for (;;) {
        round += 1;
        const now = clock.now();
        const records = await Promise.all(checks.map((c) => safeProbe(c, now, round)));
        states = states.map((s, i) => {
            const record = records[i];
            const previous = s.last[s.last.length - 1];
            if (!previous || previous.status !== record.status) {
                log.info(`verify round ${round}: ${s.name} ${record.status}: ${record.summary}`);
            }
            return recordProbe(s, record, keep);
        });
        decision = earlyDecision(states, mode, failures);
        if (decision)
            break;
        // Rounds start on a fixed grid (start + k × interval), so slow probes do not push the last
        // round past the deadline; a round that overran its slot skips to the next free one.
        const after = clock.now();
        tick = Math.max(tick + 1, Math.ceil((after - startedAt) / interval));
        const next = startedAt + tick * interval;
        if (next > end)
            break;
        if (next > after)
            await clock.sleep(next - after);
    }
    decision ??= deadlineDecision(states);
    const accepted = decision.outcome === 'pass' ||
        (decision.outcome === 'inconclusive' && options.onInconclusive === 'pass');
    const verdict = {
        ...decision,
        accepted,
        rounds: round,
        startedAt,
        decidedAt: clock.now(),
        evidence: evidenceOf(states),
    };
    const line = `verdict: ${verdict.outcome}${accepted ? '' : ' (not accepted)'}: ${verdict.reason}`;
    if (verdict.outcome === 'pass')
        log.info(line);
    else
        log.warn(line);
    return verdict;
}

;// CONCATENATED MODULE: ./src/log.ts
/** Replaces every registered secret in a message, longest first. */
function redact(message, secrets) {
    const sorted = [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
    return sorted.reduce((text, secret) => text.split(secret).join('***'), message);
}
/** A log for the command line: plain lines on stderr, secrets redacted. */
function consoleLog(write = (l) => process.stderr.write(`${l}\n`)) {
    const secrets = new Set();
    const emit = (line) => write(redact(line, secrets));
    return {
        info: (m) => emit(m),
        warn: (m) => emit(`warning: ${m}`),
        error: (m) => emit(`error: ${m}`),
        secret: (v) => {
            for (const line of v.split('\n'))
                if (line.trim())
                    secrets.add(line.trim());
            secrets.add(v);
        },
        group: async (title, body) => {
            emit(`== ${title}`);
            return body();
        },
    };
}
/** A log that keeps every line, for tests. */
function recordingLog() {
    const lines = [];
    const secrets = new Set();
    const push = (level, message, where) => lines.push({ level, message: redact(message, secrets), where });
    return {
        lines,
        secrets,
        text: () => lines.map((l) => l.message).join('\n'),
        info: (m) => push('info', m),
        warn: (m, w) => push('warn', m, w),
        error: (m, w) => push('error', m, w),
        secret: (v) => void secrets.add(v),
        group: async (title, body) => {
            push('group', title);
            return body();
        },
    };
}

;// CONCATENATED MODULE: ./src/notify/message.ts
/**
 * Deploy notifications: what happened, to which version, where, with links to the run and the
 * commit. Pure formatting here; sending in src/notify/send.ts.
 */
/** Pure: links to the workflow run and the commit from the runner's GITHUB_* variables. */
function runLinks(env) {
    const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
    const repo = env.GITHUB_REPOSITORY || undefined;
    const runId = env.GITHUB_RUN_ID || undefined;
    const attempt = env.GITHUB_RUN_ATTEMPT;
    const sha = env.GITHUB_SHA || undefined;
    return {
        repository: repo,
        sha,
        runUrl: repo && runId
            ? `${server}/${repo}/actions/runs/${runId}${attempt && attempt !== '1' ? `/attempts/${attempt}` : ''}`
            : undefined,
        commitUrl: repo && sha ? `${server}/${repo}/commit/${sha}` : undefined,
    };
}
const TITLE = {
    start: { icon: '🚀', text: 'Deploy started' },
    success: { icon: '✅', text: 'Deploy succeeded' },
    rollback: { icon: '↩️', text: 'Deploy rolled back' },
    failure: { icon: '❌', text: 'Deploy failed' },
};
/** Escapes text for Telegram's HTML parse mode (the three characters it requires). */
function escapeHtml(text) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
function escapeAttr(text) {
    return escapeHtml(text).replace(/"/g, '&quot;');
}
/** Telegram allows 4096 characters per message (after entity parsing). */
const TELEGRAM_LIMIT = 4096;
/** Pure: the sendMessage text in HTML parse mode; details are cut to fit the limit. */
function telegramText(e) {
    const title = TITLE[e.event];
    const head = [
        `${title.icon} <b>${escapeHtml(title.text)}</b>: ${escapeHtml(e.app)}`,
        `version <code>${escapeHtml(e.version)}</code> → <b>${escapeHtml(e.environment)}</b>`,
    ];
    const links = [
        e.runUrl ? `<a href="${escapeAttr(e.runUrl)}">run</a>` : '',
        e.commitUrl ? `<a href="${escapeAttr(e.commitUrl)}">commit</a>` : '',
    ].filter(Boolean);
    const tail = links.length ? [links.join(' · ')] : [];
    const fixed = [...head, ...tail].join('\n');
    if (!e.details)
        return fixed;
    // Visible length counts characters after parsing; raw length is a safe upper bound.
    const room = TELEGRAM_LIMIT - fixed.length - 40;
    let details = e.details;
    if (escapeHtml(details).length > room) {
        details = details.slice(0, Math.max(0, room - 100));
        while (escapeHtml(details).length > room - 3)
            details = details.slice(0, -50);
        details += '…';
    }
    return [...head, `<pre>${escapeHtml(details)}</pre>`, ...tail].join('\n');
}
/** Pure: the generic webhook's JSON body (plain text, no markup in the fields). */
function webhookPayload(e) {
    const title = TITLE[e.event];
    return {
        source: 'tg-devops',
        event: e.event,
        app: e.app,
        version: e.version,
        environment: e.environment,
        runUrl: e.runUrl ?? null,
        commitUrl: e.commitUrl ?? null,
        details: e.details ?? null,
        text: `${title.text}: ${e.app} ${e.version} → ${e.environment}${e.details ? `\n${e.details}` : ''}`,
    };
}

;// CONCATENATED MODULE: ./src/notify/send.ts



/** Pure: what a target's answer means (retry 429 and 5xx, never other 4xx). */
function classifyAnswer(status, body, maxRetryAfterMs) {
    if (status >= 200 && status < 300) {
        // The Bot API says ok:false on errors; a generic webhook may answer anything in 2xx.
        try {
            const parsed = JSON.parse(body);
            if (parsed && typeof parsed === 'object' && parsed.ok === false) {
                return { ok: false, retry: false, reason: `answered ok:false: ${body.slice(0, 200)}` };
            }
        }
        catch {
            /* not JSON: fine for a webhook */
        }
        return { ok: true, retry: false, reason: `HTTP ${status}` };
    }
    let description = body.slice(0, 200);
    let waitMs;
    try {
        const parsed = JSON.parse(body);
        if (parsed.description)
            description = parsed.description;
        if (parsed.parameters?.retry_after !== undefined) {
            waitMs = Math.min(parsed.parameters.retry_after * 1000, maxRetryAfterMs);
        }
    }
    catch {
        /* keep the raw text */
    }
    const retry = status === 429 || status >= 500;
    return { ok: false, retry, waitMs, reason: `HTTP ${status}: ${description}`.trim() };
}
/** Pure: the signature header value for a webhook body. */
function signBody(body, secret) {
    return `sha256=${(0,external_node_crypto_namespaceObject.createHmac)('sha256', secret).update(body).digest('hex')}`;
}
async function send_post(target, url, body, deps, hide, secret) {
    const text = JSON.stringify(body);
    const headers = { 'content-type': 'application/json' };
    if (secret)
        headers['x-tg-devops-signature-256'] = signBody(text, secret);
    const attempts = Math.max(1, deps.attempts ?? 3);
    let backoff = deps.backoffMs ?? 1000;
    let last = 'not sent';
    for (let i = 1; i <= attempts; i++) {
        let answer;
        try {
            const response = await deps.fetch(url, {
                method: 'POST',
                headers,
                body: text,
                signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
            });
            answer = classifyAnswer(response.status, await response.text(), deps.maxRetryAfterMs ?? 10_000);
        }
        catch (error) {
            const cause = error.cause;
            answer = {
                ok: false,
                retry: true,
                reason: `${errorMessage(error)}${cause ? `: ${errorMessage(cause)}` : ''}`,
            };
        }
        if (answer.ok)
            return { target, ok: true, reason: answer.reason };
        last = hide(answer.reason);
        if (!answer.retry || i === attempts)
            break;
        deps.log.info(`notify ${target}: attempt ${i} of ${attempts} failed (${last}), retrying`);
        await deps.clock.sleep(answer.waitMs ?? backoff);
        backoff *= 2;
    }
    return { target, ok: false, reason: last };
}
/**
 * Sends a deploy notification to every configured target. Never throws: a notification that
 * cannot be delivered becomes a warning, and the deploy goes on.
 */
async function notify(event, targets, deps) {
    const secrets = [];
    if (targets.telegram?.token) {
        secrets.push(targets.telegram.token);
        deps.log.secret(targets.telegram.token);
    }
    if (targets.webhook?.url) {
        // A webhook URL often carries its own secret (Slack, Discord): treat it as one.
        secrets.push(targets.webhook.url);
        deps.log.secret(targets.webhook.url);
    }
    const hide = (text) => secrets.reduce((t, s) => t.split(s).join('***'), text);
    const sends = [];
    try {
        if (targets.telegram) {
            const t = targets.telegram;
            const base = (t.apiUrl ?? 'https://api.telegram.org').replace(/\/+$/, '');
            sends.push(send_post('telegram', `${base}/bot${t.token}/sendMessage`, {
                chat_id: t.chatId,
                ...(t.threadId ? { message_thread_id: Number(t.threadId) } : {}),
                text: telegramText(event),
                parse_mode: 'HTML',
                link_preview_options: { is_disabled: true },
            }, deps, hide));
        }
        if (targets.webhook) {
            if (targets.webhook.secret)
                deps.log.secret(targets.webhook.secret);
            sends.push(send_post('webhook', targets.webhook.url, webhookPayload(event), deps, hide, targets.webhook.secret));
        }
        const results = await Promise.all(sends);
        const result = { delivered: [], failed: [] };
        for (const r of results) {
            if (r.ok) {
                result.delivered.push(r.target);
                deps.log.info(`notify ${r.target}: ${event.event} sent`);
            }
            else {
                result.failed.push({ target: r.target, reason: r.reason });
                deps.log.warn(`notify ${r.target}: could not send the ${event.event} notification: ${r.reason}`);
            }
        }
        return result;
    }
    catch (error) {
        const reason = hide(errorMessage(error));
        deps.log.warn(`notify: ${reason}`);
        return { delivered: [], failed: [{ target: 'all', reason }] };
    }
}

;// CONCATENATED MODULE: ./actions/verify/main.ts







async function run(inputs, deps) {
    const { log, clock } = deps;
    // Outputs and the job summary are not masked by the runner the way log lines are.
    const secrets = [
        inputs.telegram?.token,
        inputs.prometheus?.token,
        inputs.notify.telegramToken,
        inputs.notify.webhookUrl,
        inputs.notify.webhookSecret,
    ].filter((s) => Boolean(s));
    for (const secret of secrets)
        log.secret(secret);
    const hide = (text) => redact(text, secrets);
    const needsDocker = inputs.container !== undefined;
    const connection = needsDocker
        ? await deps.connect(inputs)
        : { executors: [], close: async () => undefined };
    let verdict;
    try {
        const checks = buildChecks(inputs, {
            fetch: deps.fetch,
            clock,
            executors: connection.executors,
        });
        const window = inputs.windowMs > 0;
        log.info(`verify: ${checks.length} check(s) (${checks.map((c) => c.name).join(', ')}), ` +
            (window
                ? `watching a ${inputs.windowMs / 1000}s window`
                : `until ${inputs.consecutive} consecutive pass(es) or ${inputs.timeoutMs / 1000}s`) +
            `, every ${inputs.intervalMs / 1000}s`);
        verdict = await verify(checks, {
            clock,
            log,
            mode: window ? 'window' : 'until',
            intervalMs: inputs.intervalMs,
            timeoutMs: window ? inputs.windowMs : inputs.timeoutMs,
            requiredConsecutive: inputs.consecutive,
            failures: inputs.failures,
            onInconclusive: inputs.onInconclusive,
        });
    }
    finally {
        await connection.close();
    }
    const outputs = {
        verdict: verdict.outcome,
        'failed-check': verdict.failedCheck ?? '',
        reason: verdict.reason,
        accepted: String(verdict.accepted),
        evidence: JSON.stringify(verdict.evidence.map((e) => ({
            name: e.name,
            kind: e.kind,
            outcome: e.outcome,
            reason: e.reason,
            last: e.last.map((r) => ({
                at: new Date(r.at).toISOString(),
                status: r.status,
                summary: r.summary,
            })),
        }))),
    };
    deps.outputs(Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, hide(v)])));
    deps.summary(hide(verdictMarkdown(verdict, { onInconclusive: inputs.onInconclusive })));
    if (!verdict.accepted) {
        await notifyFailure(inputs, verdict, deps);
        throw new StepError('verify', hide(`${verdict.outcome}${verdict.outcome === 'inconclusive' ? ' (on-inconclusive: fail)' : ''}: ${verdict.reason}`));
    }
    return verdict;
}
/** Verify tells the ops chat only when it stops a release; start/success belong to deploy. */
async function notifyFailure(inputs, verdict, deps) {
    const n = inputs.notify;
    const targets = {};
    if (n.telegramToken && n.chatId) {
        targets.telegram = {
            token: n.telegramToken,
            chatId: n.chatId,
            apiUrl: inputs.telegramApiUrl,
        };
    }
    if (n.webhookUrl)
        targets.webhook = { url: n.webhookUrl, secret: n.webhookSecret || undefined };
    if (!targets.telegram && !targets.webhook)
        return;
    const links = runLinks(deps.env);
    await notify({
        event: 'failure',
        app: n.app || links.repository?.split('/').pop() || 'bot',
        version: n.version || links.sha?.slice(0, 12) || 'unknown',
        environment: n.environment,
        runUrl: links.runUrl,
        commitUrl: links.commitUrl,
        details: `verification ${verdict.outcome}: ${verdict.reason}`,
    }, targets, { fetch: deps.fetch, clock: deps.clock, log: deps.log });
}

;// CONCATENATED MODULE: ./actions/verify/index.ts





// One bundle, two entries (like deploy and rollback): the post step removes the SSH material.
runWithPost(() => run(readInputs(), defaultDeps()), connect_removeSavedSshMaterial);


//# sourceMappingURL=index.js.map