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
class errors_StepError extends Error {
    step;
    constructor(step, problem) {
        super(`${step}: ${problem}`);
        this.step = step;
        this.name = 'StepError';
    }
}
function errors_errorMessage(error) {
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
        const message = errors_errorMessage(error);
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
function parseHost(spec, input, defaults = {}) {
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
const SSH_STATE = { dir: 'ssh-dir', controlDir: 'ssh-control-dir' };
/**
 * hosts (required) and the credentials, checked before any connection: each host parsed, a key,
 * and known-hosts or host-fingerprint (never an unverified host).
 */
function sshTargetsFrom(hosts, ssh) {
    if (hosts.length === 0)
        throw new errors_InputError('hosts', 'is required: one or more user@host[:port]');
    const targets = hosts.map((h) => parseHost(h, 'hosts'));
    const jump = ssh.jumpHost ? parseHost(ssh.jumpHost, 'jump-host') : undefined;
    if (!ssh.key.trim())
        throw new errors_InputError('ssh-key', 'is required: the private key for the hosts');
    if (!ssh.knownHosts.trim() && ssh.fingerprints.length === 0)
        throw new errors_InputError('known-hosts', 'or host-fingerprint is required: tg-devops never connects to an unverified host');
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
    deps.saveState?.(SSH_STATE.dir, material.dir);
    deps.saveState?.(SSH_STATE.controlDir, material.controlDir);
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
function removeSavedSshMaterial(getState) {
    const dir = getState(SSH_STATE.dir);
    if (dir)
        removeSshMaterial(dir, { controlDir: getState(SSH_STATE.controlDir) || undefined });
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

;// CONCATENATED MODULE: ./actions/shared/runner.ts




/**
 * The real dependencies the SSH actions (deploy, rollback) run with on a runner: the workflow-
 * command log, the system clock, the environment, outputs, summary, saved state, SSH and fetch.
 * Tests pass their own.
 */
function runnerDeps() {
    return {
        log: actionsLog,
        clock: systemClock,
        env: process.env,
        fetch: ((url, init) => fetch(url, init)),
        setOutputs: setOutputs,
        writeSummary: writeSummary,
        saveState: runtime_saveState,
        writeSshMaterial: writeSshMaterial,
        openSession: openSession,
    };
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
    return splitList(getInput(name), options.commas ?? true);
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

;// CONCATENATED MODULE: ./actions/rollback/inputs.ts

function readInputs() {
    return {
        hosts: getList('hosts'),
        ssh: {
            key: getSecret('ssh-key'),
            knownHosts: getString('known-hosts'),
            fingerprints: getList('host-fingerprint'),
            jumpHost: getString('jump-host'),
        },
        app: getString('app'),
        stateDir: getString('state-dir', '/var/lib/tg-devops'),
        to: getString('to'),
        releaseId: getString('release-id'),
        force: getBool('force', false),
        dryRun: getBool('dry-run', false),
        reason: getString('reason'),
        healthPath: getString('health-path', '/health'),
        stopGrace: getString('stop-grace', '20'),
        healthTimeout: getString('health-timeout', '60'),
        drainSeconds: getString('drain-seconds', '10'),
        gateWindow: getString('gate-window', '10'),
        lockTimeout: getString('lock-timeout', '300'),
        proxy: {
            kind: getString('proxy', 'auto'),
            'nginx-conf-dir': getString('nginx-conf-dir', '/etc/nginx/conf.d'),
            'nginx-test-command': getString('nginx-test-command', 'nginx -t'),
            'nginx-reload-command': getString('nginx-reload-command', 'nginx -s reload'),
            'haproxy-socket': getString('haproxy-socket', '/run/haproxy/admin.sock'),
            'haproxy-config': getString('haproxy-config', '/etc/haproxy/haproxy.cfg'),
            'haproxy-reload-command': getString('haproxy-reload-command', 'systemctl reload haproxy'),
            'haproxy-check-command': getString('haproxy-check-command', 'haproxy -c -q -f {config}'),
            'haproxy-frontend-port': getString('haproxy-frontend-port'),
        },
        notify: {
            telegramToken: getSecret('notify-telegram-token').trim(),
            chatId: getSecret('notify-chat-id').trim(),
            telegramApiUrl: getString('notify-telegram-api-url', 'https://api.telegram.org'),
            webhookUrl: getSecret('notify-webhook-url').trim(),
            webhookSecret: getSecret('notify-webhook-secret').trim(),
            environment: getString('environment', 'production'),
        },
    };
}

;// CONCATENATED MODULE: ./src/deploy/command-line.ts

/**
 * A leaf module (errors.js only) so src/proxy can split the nginx/haproxy command inputs without
 * importing the deploy configuration.
 */
/** A command line split into argv: whitespace separates, '…' and "…" group; nothing expands. */
function command_line_splitCommand(value, input) {
    const argv = [];
    let current;
    let quote;
    for (const ch of value) {
        if (quote) {
            if (ch === quote)
                quote = undefined;
            else
                current = (current ?? '') + ch;
        }
        else if (ch === "'" || ch === '"') {
            quote = ch;
            current = current ?? '';
        }
        else if (/\s/.test(ch)) {
            if (current !== undefined)
                argv.push(current);
            current = undefined;
        }
        else
            current = (current ?? '') + ch;
    }
    if (quote)
        throw new errors_InputError(input, `unbalanced ${quote} quote`);
    if (current !== undefined)
        argv.push(current);
    if (!argv.length)
        throw new errors_InputError(input, 'is empty');
    if (argv.some((a) => a.includes('\0')))
        throw new errors_InputError(input, 'NUL byte');
    return argv;
}

;// CONCATENATED MODULE: ./src/deploy/config.ts



/**
 * The deploy configuration: built once from raw input strings (the action's inputs, or a CLI's
 * flags), validated, typed. Every problem is an InputError naming the input, raised before
 * anything on a host changes.
 */
const BOT_MODES = (/* unused pure expression or super */ null && (['polling', 'webhook', 'mtproto', 'worker']));
const STRATEGIES = (/* unused pure expression or super */ null && (['handover', 'blue-green', 'canary']));
const PROXY_KINDS = (/* unused pure expression or super */ null && (['nginx', 'haproxy', 'none']));
const DEFAULTS = {
    'container-port': '8080',
    'host-ports': '8001,8002',
    'canary-steps': '10,50,100',
    'step-interval': '30',
    'drain-seconds': '10',
    'stop-grace': '20',
    'gate-window': '10',
    'health-timeout': '60',
    'backup-keep': '5',
    'backup-database-url-variable': 'DATABASE_URL',
    'lock-timeout': '300',
    'keep-releases': '3',
    'state-dir': '/var/lib/tg-devops',
    proxy: 'nginx',
};
function buildConfig(raw) {
    const get = (name) => {
        const value = raw[name];
        return (value ?? '').trim();
    };
    const orDefault = (name) => get(name) || DEFAULTS[name];
    const warnings = [];
    const app = parseAppName(get('app'));
    const image = parseImageRef(get('image'), 'image');
    if (!image.digest) {
        warnings.push(`image ${image.raw} is a mutable tag: prefer a digest reference (…@sha256:…) so what was tested is what runs`);
    }
    const botMode = parseEnum('bot-mode', get('bot-mode'), BOT_MODES);
    if (!botMode)
        throw new InputError('bot-mode', `is required: one of ${BOT_MODES.join(', ')}`);
    const strategy = parseEnum('strategy', get('strategy'), STRATEGIES) ?? defaultStrategy(botMode);
    checkStrategy(botMode, strategy);
    const containerPort = parsePort('container-port', orDefault('container-port'));
    const ports = orDefault('host-ports')
        .split(/[\s,]+/)
        .filter(Boolean);
    if (ports.length !== 2)
        throw new InputError('host-ports', 'expected two loopback ports, "BLUE,GREEN" (e.g. 8001,8002)');
    const hostPorts = {
        blue: parsePort('host-ports', ports[0]),
        green: parsePort('host-ports', ports[1]),
    };
    if (hostPorts.blue === hostPorts.green)
        throw new InputError('host-ports', 'the blue and green ports must differ');
    const healthPath = get('health-path') ? parseHealthPath(get('health-path')) : undefined;
    if (strategy !== 'handover' && botMode === 'webhook' && !healthPath) {
        throw new InputError('health-path', `is required for ${strategy}: traffic moves only to a color that answers it`);
    }
    const env = parseDotenv(raw.env ?? '');
    const volumes = parseVolumes(get('volumes'));
    const cpus = get('cpus') ? parseCpus(get('cpus')) : undefined;
    const memory = get('memory') ? parseMemory(get('memory')) : undefined;
    const network = get('network') ? parseNetwork(get('network')) : undefined;
    const extraOptions = parseDockerOptions(raw['docker-options'] ?? '');
    const registryServer = get('registry');
    const username = get('registry-username');
    const password = raw['registry-password'] ?? '';
    let registry;
    if (username || password.trim()) {
        if (!username)
            throw new InputError('registry-username', 'is required when registry-password is set');
        if (!password.trim())
            throw new InputError('registry-password', 'is required when registry-username is set');
        if (!/^[A-Za-z0-9_][A-Za-z0-9._@+-]{0,255}$/.test(username))
            throw new InputError('registry-username', 'letters, digits and . _ @ + - only (as registries accept), not starting with - or .');
        const server = registryServer || image.registry;
        if (!server)
            throw new InputError('registry', 'is required with registry credentials when the image names no registry');
        registry = { server: parseRegistryHost(server), username, password: password.trim() };
    }
    else if (registryServer) {
        parseRegistryHost(registryServer);
    }
    const canarySteps = parseCanarySteps(orDefault('canary-steps'));
    const seconds = (name, min, max) => parseInteger(name, orDefault(name), min, max);
    const preDeploy = get('pre-deploy') ? splitCommand(get('pre-deploy'), 'pre-deploy') : undefined;
    let backup;
    const backupKind = get('backup');
    // Validated even without a backup: a bad value is a mistake worth knowing about now.
    const backupKeep = seconds('backup-keep', 1, 100);
    const variable = orDefault('backup-database-url-variable');
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable))
        throw new InputError('backup-database-url-variable', 'must be an environment variable name');
    if (backupKind) {
        if (backupKind !== 'postgres')
            throw new InputError('backup', `expected "postgres" or empty, got ${JSON.stringify(backupKind)}`);
        if (!env.keys.includes(variable))
            throw new InputError('backup', `needs ${variable} in the env input (the database the bot uses) to dump it`);
        backup = { kind: 'postgres', keep: backupKeep, databaseUrlVariable: variable };
    }
    const dryRunRaw = get('dry-run').toLowerCase();
    if (!['', 'true', 'false'].includes(dryRunRaw))
        throw new InputError('dry-run', `expected true or false, got ${JSON.stringify(dryRunRaw)}`);
    const proxy = parseEnum('proxy', get('proxy'), PROXY_KINDS) ??
        (botMode === 'webhook' ? DEFAULTS.proxy : 'none');
    if (strategy === 'canary' && proxy === 'none')
        throw new InputError('proxy', 'canary moves traffic weights: it needs nginx or haproxy');
    return {
        app,
        image,
        botMode,
        strategy,
        containerPort,
        hostPorts,
        healthPath,
        envFile: env.text,
        envKeys: env.keys,
        volumes,
        cpus,
        memory,
        network,
        extraOptions,
        registry,
        canarySteps,
        stepIntervalSeconds: seconds('step-interval', 0, 3600),
        drainSeconds: seconds('drain-seconds', 0, 3600),
        stopGraceSeconds: seconds('stop-grace', 1, 600),
        gateWindowSeconds: seconds('gate-window', 0, 600),
        healthTimeoutSeconds: seconds('health-timeout', 1, 3600),
        preDeploy,
        backup,
        lockTimeoutSeconds: seconds('lock-timeout', 0, 7200),
        keepReleases: seconds('keep-releases', 1, 50),
        dryRun: dryRunRaw === 'true',
        stateBase: parseStateDir(orDefault('state-dir')),
        proxy,
        warnings,
    };
}
function defaultStrategy(mode) {
    return mode === 'polling' || mode === 'mtproto' ? 'handover' : 'blue-green';
}
function checkStrategy(mode, strategy) {
    if ((mode === 'polling' || mode === 'mtproto') && strategy !== 'handover') {
        const why = mode === 'polling'
            ? 'two getUpdates pollers on one token get 409 Conflict and updates are lost'
            : 'two holders of one MTProto session can get it invalidated for good (AUTH_KEY_DUPLICATED)';
        throw new InputError('strategy', `${strategy} runs two instances at once, which a ${mode} bot must never do: ${why}. Use handover.`);
    }
    if (mode === 'worker' && strategy === 'canary')
        throw new InputError('strategy', 'canary splits HTTP traffic; a worker takes none: use blue-green');
}
const APP_NAME = /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/;
function parseAppName(value) {
    if (!value)
        throw new errors_InputError('app', 'is required: the service name, e.g. mybot');
    if (!APP_NAME.test(value) || value.includes('--'))
        throw new errors_InputError('app', `${JSON.stringify(value)} is not a valid name: 2-40 characters, lowercase letters, digits and single hyphens, starting with a letter`);
    return value;
}
// The docker reference grammar (distribution/reference), without the rare uppercase-host forms.
const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = 'sha256:[a-f0-9]{64}';
const REFERENCE = new RegExp(`^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);
function parseImageRef(value, input = 'image') {
    if (!value)
        throw new InputError(input, 'is required: an image reference, ideally by digest');
    const match = REFERENCE.exec(value);
    if (!match || value.length > 512)
        throw new InputError(input, `${JSON.stringify(value)} is not an image reference: [registry/]name[:tag][@sha256:<64 hex>]`);
    let registry = match[1];
    let repository = match[2];
    // "name/rest" where name has no dot, colon and is not localhost: part of the path, not a host.
    if (registry && !/[.:[]/.test(registry) && registry !== 'localhost') {
        repository = `${registry}/${repository}`;
        registry = undefined;
    }
    if (registry && /[A-Z]/.test(registry) === false && repository.length > 255)
        throw new InputError(input, 'the repository name is longer than 255 characters');
    return { raw: value, registry, repository, tag: match[3], digest: match[4] };
}
function parseRegistryHost(value) {
    if (!new RegExp(`^${DOMAIN}$`).test(value))
        throw new InputError('registry', `${JSON.stringify(value)} is not a registry host[:port]`);
    return value;
}
function parseEnum(input, value, allowed) {
    if (!value)
        return undefined;
    if (!allowed.includes(value))
        throw new InputError(input, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
    return value;
}
function parseInteger(input, value, min, max) {
    if (!/^\d+$/.test(value))
        throw new InputError(input, `expected a whole number, got ${JSON.stringify(value)}`);
    const n = Number(value);
    if (n < min || n > max)
        throw new InputError(input, `must be between ${min} and ${max}, got ${n}`);
    return n;
}
function parsePort(input, value) {
    return parseInteger(input, value, 1, 65535);
}
function parseHealthPath(value) {
    if (!/^\/[A-Za-z0-9._~/-]*(?:\?[A-Za-z0-9._~=&%-]*)?$/.test(value) || value.includes('..'))
        throw new errors_InputError('health-path', `${JSON.stringify(value)} is not a plain URL path such as /health`);
    return value;
}
/** dotenv text: KEY=VALUE lines, # comments, optional `export ` and one pair of outer quotes. */
function parseDotenv(text) {
    const keys = [];
    const out = [];
    text.split(/\r?\n/).forEach((line, index) => {
        const trimmed = line.trim();
        if (!trimmed || trimmed.startsWith('#'))
            return;
        const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(trimmed);
        // Never echo the line: it may hold a secret. The line number and key are enough.
        if (!match)
            throw new InputError('env', `line ${index + 1} is not KEY=VALUE (a letter or _ first, then letters, digits, _)`);
        const key = match[1];
        let value = match[2];
        const quoted = /^(['"])(.*)\1$/.exec(value);
        if (quoted)
            value = quoted[2];
        if (keys.includes(key))
            throw new InputError('env', `line ${index + 1}: ${key} is set twice`);
        if (value.includes('\0'))
            throw new InputError('env', `line ${index + 1}: NUL byte in ${key}`);
        keys.push(key);
        out.push(`${key}=${value}`);
    });
    return { text: out.length ? `${out.join('\n')}\n` : '', keys };
}
const FORBIDDEN_MOUNTS = (/* unused pure expression or super */ null && ([
    '/',
    '/etc',
    '/proc',
    '/sys',
    '/dev',
    '/boot',
    '/root',
    '/var/run/docker.sock',
    '/run/docker.sock',
    '/var/run',
    '/run',
]));
function parseVolumes(value) {
    return value
        .split(/\r?\n|,/)
        .map((s) => s.trim())
        .filter((s) => s && !s.startsWith('#'))
        .map((spec) => {
        const parts = spec.split(':');
        const [source, target, mode, ...rest] = parts;
        const bad = (why) => new InputError('volumes', `${JSON.stringify(spec)}: ${why} (expected host:container[:ro])`);
        if (!source ||
            !target ||
            rest.length ||
            (mode !== undefined && mode !== 'ro' && mode !== 'rw'))
            throw bad('wrong shape');
        const pathChars = /^[A-Za-z0-9._/@+-]+$/;
        for (const p of [source, target]) {
            if (!pathChars.test(p))
                throw bad('only letters, digits and . _ / @ + - are allowed');
            if (p.split('/').includes('..'))
                throw bad('".." is not allowed');
        }
        if (!target.startsWith('/'))
            throw bad('the container path must be absolute');
        if (source.startsWith('/')) {
            const normal = source.replace(/\/+$/, '') || '/';
            if (FORBIDDEN_MOUNTS.includes(normal))
                throw bad(`mounting ${normal} is refused`);
        }
        else if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(source)) {
            throw bad('a named volume is letters, digits, _ . -');
        }
        return { source, target, readOnly: mode === 'ro' };
    });
}
function parseCpus(value) {
    if (!/^\d{1,3}(?:\.\d{1,3})?$/.test(value) || Number(value) <= 0)
        throw new InputError('cpus', `expected a positive number of CPUs such as 0.5 or 2, got ${JSON.stringify(value)}`);
    return value;
}
function parseMemory(value) {
    const match = /^(\d{1,12})([bkmg])?$/i.exec(value);
    if (!match)
        throw new InputError('memory', `expected a size such as 256m or 1g, got ${JSON.stringify(value)}`);
    const units = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
    const bytes = Number(match[1]) * units[(match[2] ?? 'b').toLowerCase()];
    if (bytes < 6 * 1024 ** 2)
        throw new InputError('memory', 'docker needs at least 6m');
    return value.toLowerCase();
}
function parseNetwork(value) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(value))
        throw new InputError('network', `${JSON.stringify(value)} is not a docker network name`);
    if (value === 'none')
        throw new InputError('network', '"none" leaves the bot without network');
    return value;
}
/** The docker run options a bot may add, each with the grammar of its value (undefined: a flag). */
const DOCKER_OPTIONS = {
    '--cap-drop': /^(?:ALL|[A-Z_]{2,32})$/,
    '--read-only': undefined,
    '--init': undefined,
    '--user': /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,31})?$/,
    '--log-driver': /^(?:json-file|local|journald|syslog|none)$/,
    '--log-opt': /^[a-z][a-z0-9_.-]{0,40}=[A-Za-z0-9_.:/,-]{1,200}$/,
    '--pids-limit': /^-?\d{1,7}$/,
    '--ulimit': /^[a-z]{2,12}=-?\d{1,12}(?::-?\d{1,12})?$/,
    '--tmpfs': /^\/[A-Za-z0-9._/-]{0,200}(?::[a-z0-9=,]{1,100})?$/,
    '--security-opt': /^no-new-privileges(?::true)?$/,
    '--stop-signal': /^(?:SIG)?[A-Z0-9]{2,8}$/,
    '--shm-size': /^\d{1,6}[bkmg]?$/,
};
const ALLOWED_DOCKER_OPTIONS = Object.keys(DOCKER_OPTIONS);
/**
 * Extra `docker run` options, one per line (or several on a line): `--name=value`, `--name value`
 * or `--flag`. Only the allow-list passes; each option becomes ONE argv token `--name=value`.
 */
function parseDockerOptions(text) {
    const tokens = text
        .split(/\s+/)
        .map((t) => t.trim())
        .filter(Boolean);
    const out = [];
    for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i];
        const eq = token.indexOf('=');
        const name = eq > 0 ? token.slice(0, eq) : token;
        if (!Object.hasOwn(DOCKER_OPTIONS, name))
            throw new InputError('docker-options', `${JSON.stringify(name)} is not allowed; allowed: ${ALLOWED_DOCKER_OPTIONS.join(', ')}`);
        const grammar = DOCKER_OPTIONS[name];
        if (!grammar) {
            if (eq > 0)
                throw new InputError('docker-options', `${name} takes no value`);
            out.push(name);
            continue;
        }
        let value;
        if (eq > 0)
            value = token.slice(eq + 1);
        else {
            value = tokens[i + 1];
            i++;
        }
        if (value === undefined || !grammar.test(value))
            throw new InputError('docker-options', `${name} needs a value like ${exampleFor(name)}`);
        out.push(`${name}=${value}`);
    }
    return out;
}
function exampleFor(name) {
    const examples = {
        '--cap-drop': 'ALL',
        '--user': '1000:1000',
        '--log-opt': 'max-size=10m',
        '--pids-limit': '200',
        '--ulimit': 'nofile=1024:2048',
        '--tmpfs': '/tmp:size=64m',
        '--security-opt': 'no-new-privileges',
        '--log-driver': 'json-file',
        '--stop-signal': 'SIGINT',
        '--shm-size': '64m',
    };
    return examples[name] ?? 'the documented form';
}
function parseCanarySteps(value) {
    const parts = value
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((p) => {
        if (!/^\d{1,3}$/.test(p))
            throw new InputError('canary-steps', `expected percentages such as 10,50,100, got ${JSON.stringify(p)}`);
        return Number(p);
    });
    if (!parts.length)
        throw new InputError('canary-steps', 'needs at least one step');
    let last = 0;
    for (const p of parts) {
        if (p <= last || p > 100)
            throw new InputError('canary-steps', 'steps rise strictly, each between 1 and 100');
        last = p;
    }
    if (last !== 100)
        throw new InputError('canary-steps', 'the last step must be 100 (the promotion)');
    return parts;
}
function parseStateDir(value) {
    if (!/^\/[A-Za-z0-9._/-]*$/.test(value) || value.split('/').includes('..'))
        throw new InputError('state-dir', `${JSON.stringify(value)} must be an absolute path of plain characters`);
    return value.replace(/\/+$/, '') || '/';
}

;// CONCATENATED MODULE: ./src/deploy/docker.ts
/** argv builders for the docker CLI on the host. Pure: values in, argv arrays out. */
const LABEL_APP = 'tg-devops.app';
const LABEL_RELEASE = 'tg-devops.release';
const LABEL_COLOR = 'tg-devops.color';
const LABEL_IMAGE = 'tg-devops.image';
function docker_containerName(app, releaseId) {
    return `${app}-${releaseId}`;
}
/** The options shared by the app container and the pre-deploy one-off. */
function commonOptions(config, envFile) {
    const argv = ['--env-file', envFile];
    if (config.network)
        argv.push('--network', config.network);
    for (const v of config.volumes)
        argv.push('--volume', `${v.source}:${v.target}${v.readOnly ? ':ro' : ''}`);
    if (config.cpus)
        argv.push('--cpus', config.cpus);
    if (config.memory)
        argv.push('--memory', config.memory);
    argv.push(...config.extraOptions);
    return argv;
}
function labels(spec) {
    return [
        '--label',
        `${LABEL_APP}=${spec.config.app}`,
        '--label',
        `${LABEL_RELEASE}=${spec.releaseId}`,
        '--label',
        `${LABEL_COLOR}=${spec.color}`,
        '--label',
        `${LABEL_IMAGE}=${spec.config.image.raw}`,
    ];
}
function publish(config, port) {
    if (port === undefined)
        return [];
    // On the host network the app binds the port itself: it reads PORT (the twelve-factor way).
    if (config.network === 'host')
        return ['--env', `PORT=${port}`];
    return ['--publish', `127.0.0.1:${port}:${config.containerPort}`];
}
/** `docker create`: everything but starting it, so a handover's gap holds only the start. */
function docker_createArgv(spec) {
    return [
        'docker',
        'create',
        '--name',
        docker_containerName(spec.config.app, spec.releaseId),
        ...labels(spec),
        '--restart',
        'unless-stopped',
        '--stop-timeout',
        String(spec.config.stopGraceSeconds),
        ...publish(spec.config, spec.port),
        ...commonOptions(spec.config, spec.envFile),
        '--',
        spec.config.image.raw,
    ];
}
/** A one-off container of the new image for the pre-deploy command (migrations). */
function docker_preDeployArgv(config, releaseId, envFile) {
    if (!config.preDeploy)
        throw new Error('no pre-deploy command');
    return [
        'docker',
        'run',
        '--rm',
        '--name',
        `${config.app}-${releaseId}-pre`,
        '--label',
        `${LABEL_APP}=${config.app}-pre`,
        ...commonOptions(config, envFile),
        '--',
        config.image.raw,
        ...config.preDeploy,
    ];
}
const docker_startArgv = (name) => ['docker', 'start', name];
const docker_stopArgv = (name, graceSeconds) => [
    'docker',
    'stop',
    '-t',
    String(graceSeconds),
    name,
];
const docker_removeArgv = (name) => ['docker', 'rm', '--force', name];
const docker_pullArgv = (image, dockerConfig) => dockerConfig ? ['docker', '--config', dockerConfig, 'pull', image] : ['docker', 'pull', image];
/** The image label that declares what a release's migration (pre-deploy) does to the schema. */
const docker_MIGRATION_LABEL = 'org.tg-devops.migration';
const docker_imageLabelsArgv = (image) => [
    'docker',
    'image',
    'inspect',
    '--format',
    '{{json .Config.Labels}}',
    image,
];
/**
 * The migration label from `docker image inspect --format '{{json .Config.Labels}}'` output:
 * 'irreversible' or 'reversible' (any case, trimmed), undefined when absent or anything else.
 * Throws when the output is not JSON.
 */
function docker_parseMigrationLabel(stdout) {
    const labels = JSON.parse(stdout.trim() || 'null');
    const raw = labels?.[docker_MIGRATION_LABEL];
    const label = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
    return label === 'irreversible' || label === 'reversible' ? label : undefined;
}
/**
 * Release.irreversibleMigration at deploy time: the image label decides when present
 * (reversible -> false, irreversible -> true); without it, a release that ran a pre-deploy is
 * taken as irreversible (the safe default), and one that did not records nothing.
 */
function docker_migrationMark(hadPreDeploy, label) {
    if (label === 'irreversible')
        return true;
    if (label === 'reversible')
        return false;
    return hadPreDeploy ? true : undefined;
}
const docker_loginArgv = (server, username, dockerConfig) => [
    'docker',
    '--config',
    dockerConfig,
    'login',
    '--username',
    username,
    '--password-stdin',
    server,
];
const docker_inspectArgv = (name) => [
    'docker',
    'inspect',
    '--type',
    'container',
    '--format',
    '{{json .State}}',
    name,
];
const logsArgv = (name, since) => ['docker', 'logs', '--since', since, name];
/** All the app's containers, one JSON object per line. */
const docker_listArgv = (app) => [
    'docker',
    'ps',
    '--all',
    '--no-trunc',
    '--filter',
    `label=${LABEL_APP}=${app}`,
    '--format',
    '{{json .}}',
];
/** Parses `docker ps --format '{{json .}}'` lines. */
function docker_parseContainerList(stdout) {
    return stdout
        .split('\n')
        .filter((line) => line.trim().startsWith('{'))
        .map((line) => {
        const row = JSON.parse(line);
        const labelMap = new Map();
        for (const pair of (row.Labels ?? '').split(',')) {
            const eq = pair.indexOf('=');
            if (eq > 0)
                labelMap.set(pair.slice(0, eq), pair.slice(eq + 1));
        }
        const color = labelMap.get(LABEL_COLOR);
        return {
            name: row.Names ?? '',
            state: row.State ?? '',
            releaseId: labelMap.get(LABEL_RELEASE),
            color: color === 'blue' || color === 'green' ? color : undefined,
            image: labelMap.get(LABEL_IMAGE) ?? row.Image,
            createdAt: row.CreatedAt,
        };
    });
}
function docker_parseState(stdout) {
    return JSON.parse(stdout.trim());
}

;// CONCATENATED MODULE: ./src/deploy/gates.ts


class gates_GateError extends Error {
    result;
    constructor(result) {
        super(`gate ${result.name} failed: ${result.evidence}`);
        this.result = result;
        this.name = 'GateError';
    }
}
/** Running, not restarting, and healthy when the image has a HEALTHCHECK. */
const gates_runningGate = async (ctx) => {
    const name = 'container-running';
    const result = await ctx.exec.run(docker_inspectArgv(ctx.container), { allowFailure: true });
    if (result.exitCode !== 0)
        return { name, ok: false, fatal: true, evidence: `no container ${ctx.container}` };
    const state = docker_parseState(result.stdout);
    if (!state.Running || state.Restarting) {
        return {
            name,
            ok: false,
            fatal: state.Status === 'exited' || state.Status === 'dead' || state.Restarting,
            evidence: `${ctx.container} is ${state.Restarting ? 'restarting' : state.Status} (exit code ${state.ExitCode})`,
        };
    }
    if (state.Health && state.Health.Status !== 'healthy') {
        const last = state.Health.Log?.at(-1)?.Output?.trim().slice(0, 200) ?? '';
        return {
            name: 'container-healthcheck',
            ok: false,
            fatal: false,
            evidence: `health ${state.Health.Status}${last ? `: ${last}` : ''}`,
        };
    }
    return {
        name,
        ok: true,
        evidence: `running since ${state.StartedAt}${state.Health ? ', healthy' : ''}`,
    };
};
function httpProbeArgv(tool, url) {
    if (tool === 'curl')
        return [
            'curl',
            '--silent',
            '--output',
            '/dev/null',
            '--write-out',
            '%{http_code}',
            '--max-time',
            '5',
            url,
        ];
    if (tool === 'wget')
        return ['timeout', '6', 'wget', '-q', '-O', '/dev/null', url];
    throw new Error('no HTTP client on the host: install curl or wget for the health gate');
}
/** GET http://127.0.0.1:<port><health-path> from the host answers 2xx. */
const gates_httpGate = async (ctx) => {
    const name = 'http-health';
    if (ctx.port === undefined || !ctx.healthPath)
        return { name, ok: true, evidence: 'no health-path: skipped' };
    const url = `http://127.0.0.1:${ctx.port}${ctx.healthPath}`;
    try {
        const result = await ctx.exec.run(httpProbeArgv(ctx.httpTool, url), { allowFailure: true });
        if (ctx.httpTool === 'curl') {
            const code = result.stdout.trim();
            return { name, ok: /^2\d\d$/.test(code), evidence: `GET ${url} -> ${code || 'no answer'}` };
        }
        return {
            name,
            ok: result.exitCode === 0,
            evidence: `GET ${url} -> ${result.exitCode === 0 ? '2xx' : `failed (${result.stderr.trim().slice(0, 120) || `exit ${result.exitCode}`})`}`,
        };
    }
    catch (error) {
        return { name, ok: false, fatal: true, evidence: errors_errorMessage(error) };
    }
};
/** Patterns that mean two instances fought over one bot: a Telegram 409 or a duplicated key. */
const CONFLICT_PATTERNS = [/\b409\b/, /Conflict/, /AUTH_KEY_DUPLICATED/];
function gates_logGate(patterns = CONFLICT_PATTERNS) {
    return async (ctx) => {
        const name = 'log-conflicts';
        const result = await ctx.exec.run(logsArgv(ctx.container, ctx.since), { allowFailure: true });
        const lines = `${result.stdout}\n${result.stderr}`.split('\n');
        const hit = lines.find((line) => patterns.some((p) => p.test(line)));
        return hit
            ? { name, ok: false, fatal: true, evidence: `log line: ${hit.trim().slice(0, 200)}` }
            : { name, ok: true, evidence: `no ${patterns.map((p) => p.source).join(' / ')} in the logs` };
    };
}
async function runGates(ctx, gates) {
    const results = [];
    for (const gate of gates) {
        const result = await gate(ctx);
        results.push(result);
        if (!result.ok)
            break;
    }
    return results;
}
/**
 * Polls the gates once a second until all pass (ready) or the timeout; a fatal result (the
 * container exited) fails at once. Throws GateError naming the gate that held it back.
 */
async function gates_waitReady(ctx, gates, timeoutSeconds) {
    const deadline = ctx.clock.now() + timeoutSeconds * 1000;
    for (let attempt = 1;; attempt++) {
        const results = await runGates(ctx, gates);
        const failed = results.find((r) => !r.ok);
        if (!failed) {
            ctx.log.info(`ready after ${attempt} check(s): ${results.map((r) => `${r.name}: ${r.evidence}`).join('; ')}`);
            return results;
        }
        if (failed.fatal || ctx.clock.now() >= deadline)
            throw new gates_GateError({
                ...failed,
                evidence: `${failed.evidence}${failed.fatal ? '' : ` (still failing after ${timeoutSeconds}s)`}`,
            });
        await ctx.clock.sleep(1000);
    }
}
/** Runs the gates once a second for a window; the first failure ends it with a GateError. */
async function gates_watchWindow(ctx, gates, windowSeconds) {
    const end = ctx.clock.now() + windowSeconds * 1000;
    let checks = 0;
    for (;;) {
        const results = await runGates(ctx, gates);
        checks++;
        const failed = results.find((r) => !r.ok);
        if (failed)
            throw new gates_GateError(failed);
        if (ctx.clock.now() >= end)
            return { checks, results };
        await ctx.clock.sleep(1000);
    }
}
/**
 * A verify check (src/health: HTTP, Prometheus, container, logs, Telegram webhook) as a deploy
 * gate, for canary steps and the post-switch window. An inconclusive answer (no traffic yet)
 * passes by default; a final failure (a fatal log line, a restart) is fatal here too.
 */
function gateFromCheck(check, options = {}) {
    return async (ctx) => {
        const result = await check.probe(ctx.clock.now());
        const ok = result.status === 'pass' ||
            (result.status === 'inconclusive' && (options.onInconclusive ?? 'pass') === 'pass');
        return {
            name: check.name,
            ok,
            fatal: !ok && result.final === true,
            evidence: `${result.status}: ${result.summary}`,
        };
    };
}

;// CONCATENATED MODULE: ./src/deploy/execute.ts


/**
 * Runs the steps in order. When one fails, the undos of the steps already done run in reverse
 * (an undo shared by several steps, by key, runs once), then the cleanup steps run whatever
 * happened. Never throws for a step failure: the result says what happened.
 */
async function execute_execute(plan, ctx, hooks = {}) {
    const records = [];
    const done = [];
    let error;
    let failedGate;
    for (const [index, step] of plan.steps.entries()) {
        const started = ctx.clock.now();
        try {
            await ctx.log.group(`${index + 1}/${plan.steps.length} ${step.title}`, () => step.run(ctx));
            records.push({ id: step.id, title: step.title, status: 'ok', ms: ctx.clock.now() - started });
            done.push(step);
            await hooks.afterStep?.(step);
            await hooks.between?.();
        }
        catch (cause) {
            const message = errors_errorMessage(cause);
            if (step.optional) {
                ctx.log.warn(`${step.title}: ${message} (best effort, continuing)`);
                records.push({
                    id: step.id,
                    title: step.title,
                    status: 'warned',
                    ms: ctx.clock.now() - started,
                    detail: message,
                });
                continue;
            }
            records.push({
                id: step.id,
                title: step.title,
                status: 'failed',
                ms: ctx.clock.now() - started,
                detail: message,
            });
            if (cause instanceof gates_GateError)
                failedGate = cause.result.name;
            error = new errors_StepError(`step ${index + 1} (${step.title})`, message);
            ctx.log.error(error.message);
            for (const rest of plan.steps.slice(index + 1))
                records.push({ id: rest.id, title: rest.title, status: 'not-run', ms: 0 });
            await undoAll(done, ctx, records);
            break;
        }
    }
    for (const step of plan.cleanup) {
        try {
            await step.run(ctx);
        }
        catch (cause) {
            ctx.log.warn(`${step.title}: ${errors_errorMessage(cause)}`);
        }
    }
    return { ok: !error, records, error, failedGate };
}
async function undoAll(done, ctx, records) {
    const seen = new Set();
    for (const step of [...done].reverse()) {
        const undo = step.undo;
        if (!undo)
            continue;
        if (undo.key) {
            if (seen.has(undo.key))
                continue;
            seen.add(undo.key);
        }
        const started = ctx.clock.now();
        try {
            await ctx.log.group(`undo: ${undo.title}`, () => undo.run(ctx));
            records.push({
                id: `undo-${step.id}`,
                title: `undo: ${undo.title}`,
                status: 'undone',
                ms: ctx.clock.now() - started,
            });
        }
        catch (cause) {
            const detail = errors_errorMessage(cause);
            ctx.log.error(`undo failed: ${undo.title}: ${detail}`);
            records.push({
                id: `undo-${step.id}`,
                title: `undo: ${undo.title}`,
                status: 'undo-failed',
                ms: ctx.clock.now() - started,
                detail,
            });
        }
    }
}

;// CONCATENATED MODULE: ./src/deploy/pre-deploy.ts


/**
 * A pre-deploy (a migration) runs in a one-off container. When the SSH connection breaks while
 * it runs, the container goes on running on the host after its run has failed and released the
 * lock. A second migration must never start beside it: the next deploy waits for it (up to
 * lock-timeout, as it would wait for another deploy), and refuses if it is still running.
 */
async function runningPreDeploys(exec, app) {
    const result = await exec.run(listArgv(`${app}-pre`));
    return parseContainerList(result.stdout)
        .filter((c) => c.state === 'running' && c.name.endsWith('-pre'))
        .map((c) => c.name);
}
async function pre_deploy_awaitEarlierPreDeploys(ctx, config) {
    const seconds = config.lockTimeoutSeconds;
    for (const name of await runningPreDeploys(ctx.exec, config.app)) {
        const advice = `refusing to run a second pre-deploy beside it: wait for it, or remove it (docker rm --force ${name}) if it hangs`;
        if (seconds === 0)
            throw new Error(`the pre-deploy container ${name} of an earlier run is still running; ${advice}`);
        ctx.log.warn(`the pre-deploy container ${name} of an earlier run is still running (its run lost its connection?): waiting up to ${seconds}s for it to finish`);
        const waited = await ctx.exec.run(['docker', 'wait', name], {
            allowFailure: true,
            timeoutMs: seconds * 1000,
        });
        if (waited.exitCode === 124)
            throw new Error(`the pre-deploy container ${name} is still running after ${seconds}s; ${advice}`);
        ctx.log.info(waited.exitCode === 0
            ? `${name} finished with exit code ${waited.stdout.trim() || '?'}`
            : `${name} is gone (${waited.stderr.trim().split('\n').pop() ?? ''})`);
    }
}
/** After a failed pre-deploy: says so when its container still runs on the host. */
async function pre_deploy_preDeployFailure(exec, config, name, cause) {
    const still = await runningPreDeploys(exec, config.app).catch(() => []);
    if (!still.includes(name))
        return cause instanceof Error ? cause : new Error(errorMessage(cause));
    return new Error(`${errorMessage(cause)}; its container ${name} is still running on the host: the next deploy waits for it before another pre-deploy`);
}

;// CONCATENATED MODULE: ./src/host/paths.ts
/** Remote paths are checked here before any command uses them. */
/** An absolute path with no `..`, no empty or control characters: safe to hand to rm/mv. */
function paths_checkRemotePath(path) {
    if (!path.startsWith('/') || path.length > 4096) {
        throw new Error(`remote path '${path}' must be absolute`);
    }
    // eslint-disable-next-line no-control-regex
    if (/[\0-\x1f\x7f]/.test(path))
        throw new Error(`remote path ${JSON.stringify(path)} has control characters`);
    if (path.split('/').some((part) => part === '..' || part === '.')) {
        throw new Error(`remote path '${path}' must not contain . or .. segments`);
    }
    return path.replace(/\/+$/, '') || '/';
}
/** Whether `path` lies strictly inside `dir` (both already checked). */
function paths_isInside(dir, path) {
    const base = paths_checkRemotePath(dir);
    const target = paths_checkRemotePath(path);
    return base !== '/' && target.startsWith(`${base}/`);
}
function dirname(path) {
    const cut = path.lastIndexOf('/');
    return cut <= 0 ? '/' : path.slice(0, cut);
}

;// CONCATENATED MODULE: ./src/host/files.ts




/**
 * Remote files through argv only: content travels on stdin, never in an argument. Where one
 * round trip has to do several things, the work is a FIXED script run as
 * `sh -c SCRIPT NAME ARG...`: the script never changes, values reach it only as positional
 * parameters ("$1"), which src/ssh/quote.ts quotes like any other argument.
 */
/**
 * Atomic replace: write a temp file beside the target (umask 077), check its size and sha256
 * against what was sent (a connection cut mid-upload leaves a short file, which must never be
 * renamed over the real one), chmod, then rename(2) over the target.
 */
const WRITE_SCRIPT = [
    'set -e',
    'umask 077',
    'mkdir -p -- "$(dirname -- "$1")"',
    't="$1.tmp.$$"',
    'trap \'rm -f -- "$t"\' EXIT',
    // A dropped connection closes our pipes: die through exit, so the EXIT trap still runs.
    "trap 'exit 75' HUP INT TERM PIPE",
    'cat > "$t"',
    'n=$(wc -c < "$t")',
    '[ "$n" -eq "$3" ] || { echo "short write: $n of $3 bytes" >&2; exit 75; }',
    'h=$(sha256sum < "$t")',
    '[ "${h%% *}" = "$4" ] || { echo "checksum mismatch" >&2; exit 75; }',
    'chmod "$2" -- "$t"',
    'mv -f -- "$t" "$1"',
    'trap - EXIT',
].join('\n');
/** Appends one verified record (same checks as WRITE_SCRIPT, then one append on the host). */
const APPEND_SCRIPT = [
    'set -e',
    'umask 077',
    'mkdir -p -- "$(dirname -- "$1")"',
    't="$1.tmp.$$"',
    'trap \'rm -f -- "$t"\' EXIT',
    // A dropped connection closes our pipes: die through exit, so the EXIT trap still runs.
    "trap 'exit 75' HUP INT TERM PIPE",
    'cat > "$t"',
    'n=$(wc -c < "$t")',
    '[ "$n" -eq "$2" ] || { echo "short write: $n of $2 bytes" >&2; exit 75; }',
    'h=$(sha256sum < "$t")',
    '[ "${h%% *}" = "$3" ] || { echo "checksum mismatch" >&2; exit 75; }',
    'cat -- "$t" >> "$1"',
].join('\n');
/** The file's text, or undefined when it does not exist. Other failures throw. */
async function readFile(exec, path) {
    const file = paths_checkRemotePath(path);
    const result = await exec.run(['cat', '--', file], { allowFailure: true });
    if (result.exitCode === 0)
        return result.stdout;
    // Decide "absent" by asking, not by parsing a (possibly translated) error message.
    const exists = await exec.run(['test', '-e', file], { allowFailure: true });
    if (exists.exitCode !== 0)
        return undefined;
    throw new CommandError(exec.where, ['cat', '--', file], result);
}
/** Replaces a file atomically: readers see the old content or the new, never a part. */
async function writeFileAtomic(exec, path, content, mode = '0600') {
    const file = paths_checkRemotePath(path);
    if (!/^[0-7]{3,4}$/.test(mode))
        throw new Error(`file mode '${mode}' is not octal`);
    const bytes = Buffer.from(content, 'utf8');
    await script(exec, `writing ${file}`, [WRITE_SCRIPT, 'tg-write', file, mode, String(bytes.length), sha256(bytes)], content);
}
/** Appends `content` whole or not at all (the upload is verified before the append). */
async function appendFile(exec, path, content) {
    const file = paths_checkRemotePath(path);
    const bytes = Buffer.from(content, 'utf8');
    await script(exec, `appending to ${file}`, [APPEND_SCRIPT, 'tg-append', file, String(bytes.length), sha256(bytes)], content);
}
/** `rm -rf` of a path that must lie strictly inside `dir` (checked here, before anything runs). */
async function removeInside(exec, dir, path) {
    if (!isInside(dir, path)) {
        throw new Error(`refusing to remove '${path}': it is not inside '${dir}'`);
    }
    await exec.run(['rm', '-rf', '--', checkRemotePath(path)]);
}
/** Runs a fixed script; a failure names what was being done, not the whole script text. */
async function script(exec, what, args, input) {
    const result = await exec.run(['sh', '-c', ...args], { input, allowFailure: true });
    if (result.exitCode !== 0) {
        const detail = result.stderr.trim().split('\n').slice(-3).join(' | ');
        throw new errors_StepError('host', `${exec.where}: ${what} failed (exit ${result.exitCode})${detail ? `: ${detail}` : ''}; the file was left as it was`);
    }
}
function uniqueSuffix() {
    return `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
function sha256(bytes) {
    return (0,external_node_crypto_namespaceObject.createHash)('sha256').update(bytes).digest('hex');
}

;// CONCATENATED MODULE: ./src/host/lock.ts



/**
 * One remote script per attempt, so an attempt is one round trip and the steps that must not
 * interleave run on the host, not across the network. Arguments: $1 lock dir, $2 TTL seconds,
 * $3 our token; holder JSON on stdin. Times are the HOST's clock (date +%s), so clock skew
 * between runners does not matter.
 *
 * - `mkdir` is atomic: whoever creates the dir holds the lock. The holder writes token, holder.json
 *   and expires inside it (expires last). A lock without `expires` (its maker died between mkdir
 *   and the write) expires at the dir's mtime + TTL.
 * - A lock past its expiry is stale. Taking it over is serialised by a second atomic mkdir
 *   (`<lock>.takeover`): under it the expiry is read AGAIN, the stale dir is renamed away (rename
 *   is atomic), and the lock is made with mkdir as usual, so two runs racing for a stale lock
 *   cannot both win. A takeover mutex older than 60 s (its maker died) is removed.
 *
 * Prints one of: `acquired NOW`, `tookover NOW` + old holder, `held NOW EXPIRES` + holder, `busy NOW`.
 */
const LOCK_SCRIPT = `set -e
umask 077
lock=$1; ttl=$2; token=$3
now=$(date +%s)
mkdir -p -- "$(dirname -- "$lock")"
holder=$(cat)
claim() {
  printf '%s\\n' "$token" > "$lock/token"
  printf '%s\\n' "$holder" > "$lock/holder.json.tmp" && mv -f -- "$lock/holder.json.tmp" "$lock/holder.json"
  printf '%s\\n' "$((now + ttl))" > "$lock/expires.tmp" && mv -f -- "$lock/expires.tmp" "$lock/expires"
}
expiry() {
  e=$(cat -- "$lock/expires" 2>/dev/null || true)
  case $e in ''|*[!0-9]*) m=$(stat -c %Y -- "$lock" 2>/dev/null || echo "$now"); e=$((m + ttl)) ;; esac
  echo "$e"
}
if mkdir -- "$lock" 2>/dev/null; then claim; echo "acquired $now"; exit 0; fi
e=$(expiry)
if [ "$now" -lt "$e" ]; then
  echo "held $now $e"; cat -- "$lock/holder.json" 2>/dev/null || true; exit 0
fi
if mkdir -- "$lock.takeover" 2>/dev/null; then
  trap 'rmdir -- "$lock.takeover" 2>/dev/null || true' EXIT
  e=$(expiry)
  if [ -d "$lock" ] && [ "$now" -ge "$e" ]; then
    old=$(cat -- "$lock/holder.json" 2>/dev/null || true)
    mv -- "$lock" "$lock.stale.$now.$$"
    rm -rf -- "$lock.stale.$now.$$"
    if mkdir -- "$lock" 2>/dev/null; then claim; echo "tookover $now"; printf '%s\\n' "$old"; exit 0; fi
  fi
  echo "busy $now"; exit 0
fi
m=$(stat -c %Y -- "$lock.takeover" 2>/dev/null || echo "$now")
if [ $((now - m)) -gt 60 ]; then rmdir -- "$lock.takeover" 2>/dev/null || true; fi
echo "busy $now"`;
/** $1 lock dir, $2 TTL, $3 token. Exit 3: the lock is not ours any more. */
const REFRESH_SCRIPT = `set -e
lock=$1; ttl=$2; token=$3
t=$(cat -- "$lock/token" 2>/dev/null || true)
[ "$t" = "$token" ] || { echo "the lock is held by someone else now" >&2; exit 3; }
now=$(date +%s)
printf '%s\\n' "$((now + ttl))" > "$lock/expires.tmp" && mv -f -- "$lock/expires.tmp" "$lock/expires"
echo "refreshed $((now + ttl))"`;
/** $1 lock dir, $2 token. Renames the dir away first, so the lock vanishes in one step. */
const RELEASE_SCRIPT = `set -e
lock=$1; token=$2
t=$(cat -- "$lock/token" 2>/dev/null || true)
if [ "$t" != "$token" ]; then echo "notours"; cat -- "$lock/holder.json" 2>/dev/null || true; exit 0; fi
mv -- "$lock" "$lock.released.$$"
rm -rf -- "$lock.released.$$"
echo "released"`;
/**
 * Takes the deploy lock on a host. Waits for a live holder up to timeoutSeconds (then fails with
 * a message naming the holder), takes over a stale one (TTL passed: a cancelled or killed run).
 */
async function acquireLock(exec, lockDir, holder, options) {
    const lock = paths_checkRemotePath(lockDir);
    const ttl = Math.max(1, Math.round(options.ttlSeconds));
    const token = `${holder.runId}-${(0,external_node_crypto_namespaceObject.randomBytes)(8).toString('hex')}`;
    const body = JSON.stringify({ ...holder, ttlSeconds: ttl });
    const started = options.clock.now();
    let wait = options.pollMs ?? 1000;
    let lastHolder = '';
    for (;;) {
        const result = await exec.run(['sh', '-c', LOCK_SCRIPT, 'tg-lock', lock, String(ttl), token], {
            input: body,
        });
        const [head = '', ...rest] = result.stdout.split('\n');
        const [state, , expires] = head.split(' ');
        const other = rest.join('\n').trim();
        if (state === 'acquired' || state === 'tookover') {
            if (state === 'tookover') {
                options.log.warn(`${exec.where}: took over a stale deploy lock (its TTL had passed) from ${describeHolder(other)}`);
            }
            else {
                options.log.info(`${exec.where}: deploy lock taken (${lock})`);
            }
            return heldLock(exec, lock, ttl, token, options.log);
        }
        if (state !== 'held' && state !== 'busy') {
            throw new errors_StepError('lock', `${exec.where}: unexpected answer from the lock script: ${head}`);
        }
        const elapsed = (options.clock.now() - started) / 1000;
        const who = state === 'held' ? describeHolder(other) : 'another run taking over a stale lock';
        if (elapsed >= options.timeoutSeconds) {
            const now = Number(head.split(' ')[1]);
            const left = expires ? Number(expires) - now : undefined;
            throw new errors_StepError('lock', `${exec.where}: gave up after ${Math.round(elapsed)}s (lock-timeout ${options.timeoutSeconds}s) waiting for the deploy lock ${lock}, ` +
                `held by ${who}${left !== undefined && Number.isFinite(left) ? `; it expires in ${left}s unless its holder refreshes it` : ''}. ` +
                `If that run is still going, wait for it; if it is gone, the lock is taken over once its TTL passes.`);
        }
        if (who !== lastHolder) {
            options.log.info(`${exec.where}: waiting for the deploy lock held by ${who}`);
            lastHolder = who;
        }
        const remaining = options.timeoutSeconds * 1000 - (options.clock.now() - started);
        await options.clock.sleep(Math.max(1, Math.min(wait, remaining)));
        wait = Math.min(wait * 2, 10_000);
    }
}
function heldLock(exec, lock, ttl, token, log) {
    let released = false;
    return {
        async refresh() {
            if (released)
                throw new errors_StepError('lock', `${exec.where}: the deploy lock was already released`);
            const result = await exec.run(['sh', '-c', REFRESH_SCRIPT, 'tg-lock-refresh', lock, String(ttl), token], {
                allowFailure: true,
            });
            if (result.exitCode === 3) {
                throw new errors_StepError('lock', `${exec.where}: lost the deploy lock ${lock}: its TTL (${ttl}s) passed and another run took it over. ` +
                    `Stop here; raise lock-ttl if steps take longer.`);
            }
            if (result.exitCode !== 0) {
                throw new errors_StepError('lock', `${exec.where}: could not refresh the deploy lock: ${result.stderr.trim()}`);
            }
        },
        async release() {
            if (released)
                return;
            const result = await exec.run(['sh', '-c', RELEASE_SCRIPT, 'tg-lock-release', lock, token]);
            released = true;
            if (result.stdout.startsWith('notours')) {
                log.warn(`${exec.where}: did not remove the deploy lock: it now belongs to ${describeHolder(result.stdout.split('\n').slice(1).join('\n'))}`);
            }
            else {
                log.info(`${exec.where}: deploy lock released`);
            }
        },
    };
}
/** `actor (run 123, https://...) since <startedAt>` from holder.json text. */
function describeHolder(json) {
    try {
        const h = JSON.parse(json);
        const parts = [
            h.runId ? `run ${h.runId}` : undefined,
            h.url,
            h.host ? `from ${h.host}` : undefined,
        ]
            .filter(Boolean)
            .join(', ');
        return `${h.actor ?? 'unknown'}${parts ? ` (${parts})` : ''}${h.startedAt ? ` since ${h.startedAt}` : ''}`;
    }
    catch {
        return json.trim()
            ? `an unreadable holder (${json.trim().slice(0, 100)})`
            : 'an unknown holder';
    }
}

;// CONCATENATED MODULE: ./src/host/state.ts



const DEFAULT_STATE_BASE = '/var/lib/tg-devops';
const state_APP_NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/;
/** How many past releases state.json keeps. */
const HISTORY_LIMIT = 20;
/** Validates the app name (InputError 'app') and the base (InputError 'state-dir'). */
function appPaths(stateBase, app) {
    if (!state_APP_NAME.test(app) || app.includes('..')) {
        throw new errors_InputError('app', `'${app.slice(0, 80)}' is not a valid app name: lower-case letters, digits, '_', '.', '-', starting with a letter or digit, at most 63 characters`);
    }
    let base;
    try {
        base = paths_checkRemotePath(stateBase);
    }
    catch (error) {
        throw new errors_InputError('state-dir', error.message);
    }
    if (base === '/')
        throw new errors_InputError('state-dir', 'must not be /');
    const dir = `${base}/${app}`;
    return {
        dir,
        state: `${dir}/state.json`,
        lock: `${dir}/lock`,
        audit: `${dir}/audit.jsonl`,
        envFile: `${dir}/app.env`,
        backups: `${dir}/backups`,
    };
}
/** The app's state on the host; an empty state when none was written yet. A corrupt file throws. */
async function readState(exec, paths) {
    const text = await readFile(exec, paths.state);
    const app = paths.dir.slice(paths.dir.lastIndexOf('/') + 1);
    if (text === undefined || text.trim() === '')
        return { app, history: [] };
    let data;
    try {
        data = JSON.parse(text);
    }
    catch (error) {
        throw new errors_StepError('state', `${exec.where}: ${paths.state} is not valid JSON (${error.message}); it was not written by tg-devops, fix or remove it by hand`);
    }
    return checkState(data, paths.state, exec.where);
}
/** Writes state.json atomically (tmp + verified + rename), history capped at HISTORY_LIMIT. */
async function writeState(exec, paths, state) {
    const trimmed = { ...state, history: state.history.slice(-HISTORY_LIMIT) };
    await writeFileAtomic(exec, paths.state, `${JSON.stringify(trimmed, null, 2)}\n`, '0600');
}
/** Records a new current release: the old current becomes previous, and both go into history. */
function promote(state, release) {
    return {
        app: state.app,
        current: release,
        previous: state.current ?? state.previous,
        history: [...state.history.filter((r) => r.id !== release.id), release].slice(-HISTORY_LIMIT),
    };
}
/** Appends one JSON line to the audit history (verified upload, then one append on the host). */
async function appendAudit(exec, paths, entry) {
    const line = JSON.stringify(entry);
    await appendFile(exec, paths.audit, `${line}\n`);
}
/** The last `limit` audit entries, oldest first; lines that do not parse are skipped. */
async function readAudit(exec, paths, limit = 50) {
    const result = await exec.run(['tail', '-n', String(limit), '--', checkRemotePath(paths.audit)], {
        allowFailure: true,
    });
    if (result.exitCode !== 0)
        return [];
    const entries = [];
    for (const line of result.stdout.split('\n')) {
        if (!line.trim())
            continue;
        try {
            entries.push(JSON.parse(line));
        }
        catch {
            // a line cut by a crash in an older writer: skip it
        }
    }
    return entries;
}
function checkState(data, file, where) {
    const fail = (problem) => {
        throw new errors_StepError('state', `${where}: ${file}: ${problem}`);
    };
    if (!isObject(data))
        return fail('is not a JSON object');
    if (typeof data.app !== 'string')
        fail('has no app name');
    const history = data.history ?? [];
    if (!Array.isArray(history))
        return fail('history is not a list');
    for (const key of ['current', 'previous']) {
        const release = data[key];
        if (release !== undefined && !isRelease(release))
            fail(`${key} is not a release`);
    }
    if (!history.every(isRelease))
        fail('history holds something that is not a release');
    return {
        app: data.app,
        current: data.current,
        previous: data.previous,
        history: history,
    };
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function isRelease(value) {
    return (isObject(value) &&
        typeof value.id === 'string' &&
        typeof value.image === 'string' &&
        typeof value.container === 'string' &&
        typeof value.startedAt === 'string' &&
        typeof value.strategy === 'string');
}

;// CONCATENATED MODULE: ./src/deploy/ports.ts



const hostPrimitives = {
    appPaths: appPaths,
    readState: readState,
    writeState: writeState,
    appendAudit: appendAudit,
    acquireLock: acquireLock,
    writeFileAtomic: writeFileAtomic,
};
function ports_otherColor(color) {
    return color === 'blue' ? 'green' : 'blue';
}

;// CONCATENATED MODULE: ./src/deploy/backup.ts

/**
 * backup: postgres — pg_dump on the host before the pre-deploy, checked readable with
 * pg_restore --list, keeping the newest N dumps. The database URL comes from the env input; its
 * password travels on stdin into PGPASSWORD (never into argv, which `ps` shows), through a
 * constant script whose only inputs are positional arguments.
 */
const DUMP_SCRIPT = 'IFS= read -r PGPASSWORD; export PGPASSWORD; umask 077; exec pg_dump --format=custom --no-owner --file "$1" --dbname "$2"';
function splitDatabaseUrl(url) {
    let parsed;
    try {
        parsed = new URL(url);
    }
    catch {
        throw new StepError('backup', 'the database URL in the env input is not a URL');
    }
    if (!/^postgres(?:ql)?:$/.test(parsed.protocol))
        throw new StepError('backup', 'the database URL is not postgresql://');
    const password = decodeURIComponent(parsed.password);
    parsed.password = '';
    return { withoutPassword: parsed.toString(), password };
}
function backup_backupSteps(config, paths, releaseId) {
    const backup = config.backup;
    if (!backup)
        return [];
    const file = `${paths.backups}/${config.app}-${releaseId}.dump`;
    return [
        {
            id: 'backup',
            title: `pg_dump ${backup.databaseUrlVariable} to ${file}, check it with pg_restore --list, keep the newest ${backup.keep}`,
            argv: [
                'sh',
                '-c',
                DUMP_SCRIPT,
                'pg_dump',
                file,
                `<${backup.databaseUrlVariable} without password>`,
            ],
            run: async (ctx) => {
                const line = config.envFile
                    .split('\n')
                    .find((l) => l.startsWith(`${backup.databaseUrlVariable}=`));
                const url = line?.slice(backup.databaseUrlVariable.length + 1) ?? '';
                const { withoutPassword, password } = splitDatabaseUrl(url);
                if (password)
                    ctx.log.secret(password);
                await ctx.exec.run(['mkdir', '-p', paths.backups]);
                await ctx.exec.run(['sh', '-c', DUMP_SCRIPT, 'pg_dump', file, withoutPassword], {
                    input: `${password}\n`,
                });
                const list = await ctx.exec.run(['pg_restore', '--list', file]);
                const entries = list.stdout.split('\n').filter((l) => l && !l.startsWith(';')).length;
                ctx.facts.backup = file;
                ctx.log.info(`backup ${file}: readable, ${entries} table-of-contents entries`);
                const all = await ctx.exec.run([
                    'find',
                    paths.backups,
                    '-maxdepth',
                    '1',
                    '-name',
                    `${config.app}-*.dump`,
                ]);
                const old = all.stdout.split('\n').filter(Boolean).sort().reverse().slice(backup.keep);
                if (old.length)
                    await ctx.exec.run(['rm', '-f', '--', ...old]);
            },
        },
    ];
}

;// CONCATENATED MODULE: ./src/deploy/strategies/handover.ts


/**
 * Handover (polling and MTProto bots): two instances never run at the same moment.
 * create the new container first (so the gap holds only a start), stop the old one with its
 * grace period, start the new one, measure the gap from docker's own timestamps, then gate:
 * running, healthy, and no 409 Conflict / AUTH_KEY_DUPLICATED in its logs for a window.
 * A failed gate stops the new one (undo of start) before it starts the old one again.
 */
function handover_handoverSteps(input) {
    const { config, current, container } = input;
    const paths = input.probe.paths;
    const steps = [createStep(input, paths.envFile)];
    const oldRunning = current &&
        input.probe.containers.some((c) => c.name === current.container && c.state === 'running');
    if (current && oldRunning)
        steps.push(stopOldStep(current, config.stopGraceSeconds));
    steps.push(startStep(container, config.stopGraceSeconds));
    if (current && oldRunning) {
        steps.push({
            id: 'gap',
            title: `measure the gap between ${current.container} stopping and ${container} starting`,
            run: async (ctx) => {
                const before = await inspectState(ctx.exec, current.container);
                const after = await inspectState(ctx.exec, container);
                const gap = Date.parse(after.StartedAt) - Date.parse(before.FinishedAt);
                if (Number.isFinite(gap)) {
                    ctx.facts.gapMs = gap;
                    ctx.log.info(`handover gap: ${gap} ms (no instance ran in between; none ran twice)`);
                }
            },
        });
    }
    steps.push({
        id: 'gate',
        title: `gate ${container}: running${config.healthPath ? `, ${config.healthPath} answers` : ''}, no 409/Conflict/AUTH_KEY_DUPLICATED for ${config.gateWindowSeconds}s`,
        run: async (ctx) => {
            const gctx = handover_gateContext(ctx, input, new Date(ctx.clock.now() - 5000).toISOString());
            const ready = [runningGate, httpGate];
            const started = ctx.clock.now();
            await waitReady(gctx, ready, config.healthTimeoutSeconds);
            const window = await watchWindow(gctx, [runningGate, logGate(), ...ctx.extraGates], config.gateWindowSeconds);
            ctx.facts.waitMs += ctx.clock.now() - started;
            ctx.facts.gateChecks = window.checks;
            ctx.facts.gateResults = window.results.map((r) => `${r.name}: ${r.evidence}`);
        },
    });
    return steps;
}
function handover_gateContext(ctx, input, since) {
    return {
        exec: ctx.exec,
        clock: ctx.clock,
        log: ctx.log,
        container: input.container,
        port: input.port,
        healthPath: input.config.healthPath,
        since,
        httpTool: ctx.httpTool,
    };
}


;// CONCATENATED MODULE: ./src/deploy/strategies/bluegreen.ts



/**
 * Blue-green (webhook and worker bots): start the new color on its own loopback port, gate it
 * directly, switch the proxy, watch a window, drain the old color, stop it and keep it.
 */
function bluegreen_blueGreenSteps(input) {
    return [...bluegreen_startAndGate(input), ...bluegreen_switchTo(input, 100), ...bluegreen_finish(input)];
}
function bluegreen_startAndGate(input) {
    const { config, container } = input;
    return [
        createStep(input, input.probe.paths.envFile),
        startStep(container, config.stopGraceSeconds),
        {
            id: 'ready',
            title: `health-gate ${container} directly: running${input.port && config.healthPath ? `, GET 127.0.0.1:${input.port}${config.healthPath}` : ''} (up to ${config.healthTimeoutSeconds}s)`,
            run: async (ctx) => {
                const started = ctx.clock.now();
                await waitReady(gateContext(ctx, input, new Date(started).toISOString()), [runningGate, httpGate], config.healthTimeoutSeconds);
                ctx.facts.waitMs += ctx.clock.now() - started;
            },
        },
    ];
}
/** The backends that route `weight` percent to the new color, the rest to the current one. */
function backends(input, weight) {
    const out = [];
    if (input.port !== undefined)
        out.push({ color: input.color, port: input.port, weight });
    const old = input.current;
    if (weight < 100 && old?.color && old.port !== undefined)
        out.push({ color: old.color, port: old.port, weight: 100 - weight });
    return out;
}
function bluegreen_routeStep(input, weight) {
    if (!input.port || input.config.proxy === 'none')
        return [];
    const before = input.probe.routed ?? [];
    const target = backends(input, weight);
    return [
        {
            id: `route-${weight}`,
            title: weight === 100
                ? `switch the ${input.config.proxy} upstream to ${input.color} (port ${input.port})`
                : `route ${weight}% to ${input.color}, ${100 - weight}% to ${input.current?.color}`,
            run: async (ctx) => {
                if (!ctx.proxy)
                    throw new Error('no traffic proxy configured');
                await ctx.proxy.route(ctx.exec, target);
            },
            undo: before.length
                ? {
                    title: `route back to ${before.map((b) => `${b.color}:${b.weight}%`).join(', ')}`,
                    key: 'route',
                    run: async (ctx) => {
                        await ctx.proxy?.route(ctx.exec, before);
                    },
                }
                : undefined,
        },
    ];
}
function bluegreen_switchTo(input, weight) {
    const { config, container } = input;
    return [
        ...bluegreen_routeStep(input, weight),
        {
            id: `watch-${weight}`,
            title: `watch ${container} for ${config.gateWindowSeconds}s after the switch`,
            run: async (ctx) => {
                const started = ctx.clock.now();
                const window = await watchWindow(gateContext(ctx, input, new Date(started).toISOString()), [runningGate, httpGate, ...ctx.extraGates], config.gateWindowSeconds);
                ctx.facts.waitMs += ctx.clock.now() - started;
                ctx.facts.gateChecks = (ctx.facts.gateChecks ?? 0) + window.checks;
                ctx.facts.gateResults = window.results.map((r) => `${r.name}: ${r.evidence}`);
            },
        },
    ];
}
function bluegreen_finish(input) {
    const { config, current } = input;
    if (!current)
        return [];
    const running = input.probe.containers.some((c) => c.name === current.container && c.state === 'running');
    if (!running)
        return [];
    const steps = [];
    if (input.port && config.proxy !== 'none' && current.color)
        steps.push(drainStep(current, config.drainSeconds));
    steps.push(stopOldStep(current, config.stopGraceSeconds, async (ctx) => {
        // Back in service before the route undo sends traffic to it again.
        await waitReady({
            ...gateContext(ctx, input, new Date(ctx.clock.now()).toISOString()),
            container: current.container,
            port: current.port,
        }, [runningGate, httpGate], config.healthTimeoutSeconds).catch((error) => ctx.log.warn(`${current.container} not ready again: ${String(error)}`));
    }));
    return steps;
}
function drainStep(current, seconds) {
    return {
        id: 'drain',
        title: `drain ${current.color} (${current.container}) for up to ${seconds}s`,
        run: async (ctx) => {
            const started = ctx.clock.now();
            await ctx.proxy?.drain(ctx.exec, current.color, seconds, ctx.clock);
            ctx.facts.waitMs += ctx.clock.now() - started;
        },
    };
}

;// CONCATENATED MODULE: ./src/deploy/strategies/canary.ts



/**
 * Canary (webhook bots): both colors run and the proxy weights move step by step. After each
 * step and its interval the gates run (container, health, and any plugged-in checks); a failure
 * routes everything back to the current color (the shared undo) and removes the canary.
 * Promotion (100) ends like blue-green.
 */
function canary_canarySteps(input) {
    const { config } = input;
    if (!input.current)
        return [...startAndGate(input), ...switchTo(input, 100), ...finish(input)];
    const steps = [...startAndGate(input)];
    for (const weight of config.canarySteps) {
        if (weight === 100)
            break;
        steps.push(...routeStep(input, weight), {
            id: `gate-${weight}`,
            title: `hold ${weight}% for ${config.stepIntervalSeconds}s, then gate ${input.container}`,
            run: async (ctx) => {
                const started = ctx.clock.now();
                await ctx.clock.sleep(config.stepIntervalSeconds * 1000);
                const gctx = gateContext(ctx, input, new Date(started).toISOString());
                for (const gate of [runningGate, httpGate, ...ctx.extraGates]) {
                    const result = await gate(gctx);
                    if (!result.ok)
                        throw new GateError(result);
                }
                ctx.facts.waitMs += ctx.clock.now() - started;
                ctx.facts.gateChecks = (ctx.facts.gateChecks ?? 0) + 1;
            },
        });
    }
    return [...steps, ...switchTo(input, 100), ...finish(input)];
}

;// CONCATENATED MODULE: ./src/deploy/plan.ts







function commandStep(id, title, argv, extra = {}) {
    return {
        id,
        title,
        argv,
        undo: extra.undo,
        optional: extra.optional,
        run: async (ctx) => {
            await ctx.exec.run(argv, extra.input === undefined ? {} : { input: extra.input });
        },
    };
}
function commandUndo(title, argv, key) {
    return {
        title,
        key,
        run: async (ctx) => {
            await ctx.exec.run(argv, { allowFailure: true });
        },
    };
}
function reconcile(config, probe) {
    const notes = [];
    const running = probe.containers.filter((c) => c.state === 'running' || c.state === 'restarting');
    let current = probe.state.current;
    const routedColor = probe.routed
        ?.filter((b) => b.weight > 0)
        .sort((a, b) => b.weight - a.weight)[0]?.color;
    const currentRunning = current && running.some((c) => c.name === current.container);
    const adopt = (c, why) => {
        notes.push(`adopting ${c.name} as the current release: ${why}`);
        return {
            id: c.releaseId ?? c.name,
            image: c.image ?? 'unknown',
            color: c.color,
            port: c.color ? config.hostPorts[c.color] : undefined,
            container: c.name,
            startedAt: c.createdAt ?? '',
            strategy: 'adopted',
        };
    };
    if (routedColor && current?.color !== routedColor) {
        // A deploy was cut off after its switch: the proxy is the truth for who serves.
        const serving = running.find((c) => c.color === routedColor);
        if (serving)
            current = adopt(serving, `the proxy routes to ${routedColor}`);
    }
    else if (!currentRunning && !probe.routed) {
        // No proxy (handover, worker): a deploy cut off after starting its container.
        const newest = [...running].sort((a, b) => (b.releaseId ?? '').localeCompare(a.releaseId ?? ''))[0];
        if (newest && newest.name !== current?.container)
            current = adopt(newest, `${current?.container ?? 'no release'} is not running`);
    }
    const strays = running.filter((c) => c.name !== current?.container);
    for (const s of strays)
        notes.push(`stray container ${s.name} (${s.state}) will be removed first`);
    return { current, strays, notes };
}
function plan_buildPlan(input) {
    const { config, probe, releaseId } = input;
    const { current, strays, notes } = reconcile(config, probe);
    const color = otherColor(current?.color);
    const takesTraffic = config.botMode === 'webhook' || Boolean(config.healthPath);
    const port = takesTraffic ? config.hostPorts[color] : undefined;
    const container = containerName(config.app, releaseId);
    const release = {
        id: releaseId,
        image: config.image.raw,
        color,
        port,
        container,
        startedAt: input.now,
        strategy: config.strategy,
        // Until the pull shows the image's migration label (the record step applies it).
        irreversibleMigration: migrationMark(Boolean(config.preDeploy), undefined),
        proxy: input.proxy?.kind ?? 'none',
        haproxyFrontendPort: input.proxy?.kind === 'haproxy' ? input.proxy.frontendPort : undefined,
    };
    const steps = [];
    const cleanup = [];
    const paths = probe.paths;
    for (const stray of strays)
        steps.push(commandStep(`remove-stray-${stray.name}`, `remove stray ${stray.name}`, removeArgv(stray.name)));
    const dockerConfig = `${paths.dir}/docker-config`;
    if (config.registry) {
        const { server, username, password } = config.registry;
        steps.push(commandStep('login', `log in to ${server} (password on stdin)`, loginArgv(server, username, dockerConfig), {
            input: `${password}\n`,
        }));
        cleanup.push(commandStep('logout', `log out of ${server}`, ['docker', '--config', dockerConfig, 'logout', server], {
            optional: true,
        }));
    }
    steps.push(pullStep(config, config.registry ? dockerConfig : undefined));
    steps.push(writeEnvStep(paths, config));
    steps.push(...backupSteps(config, paths, releaseId));
    if (config.preDeploy) {
        const argv = preDeployArgv(config, releaseId, paths.envFile);
        steps.push({
            id: 'pre-deploy',
            title: `pre-deploy in a one-off container: ${config.preDeploy.join(' ')}`,
            argv,
            run: async (ctx) => {
                // Never two migrations at once: one left running by a cut-off run is waited for.
                await awaitEarlierPreDeploys(ctx, config);
                // Its output (migrations) goes to the log line by line; a failure stops the deploy.
                try {
                    await ctx.exec.run(argv, { onLine: (line) => ctx.log.info(`pre-deploy | ${line}`) });
                }
                catch (error) {
                    throw await preDeployFailure(ctx.exec, config, `${config.app}-${releaseId}-pre`, error);
                }
            },
        });
    }
    const strategyInput = {
        config,
        probe,
        current,
        release,
        color,
        port,
        container,
        releaseId,
    };
    if (config.strategy === 'handover')
        steps.push(...handoverSteps(strategyInput));
    else if (config.strategy === 'blue-green')
        steps.push(...blueGreenSteps(strategyInput));
    else
        steps.push(...canarySteps(strategyInput));
    const next = {
        app: config.app,
        current: release,
        previous: current,
        history: [release, ...probe.state.history.filter((r) => r.id !== release.id)].slice(0, 20),
    };
    steps.push(recordStateStep(paths, probe.state, next, Boolean(config.preDeploy)));
    steps.push(...pruneSteps(config, probe, new Set([container, current?.container ?? ''])));
    return {
        app: config.app,
        strategy: config.strategy,
        releaseId,
        image: config.image.raw,
        color,
        container,
        port,
        current,
        release,
        steps,
        cleanup,
        notes: [...config.warnings, ...notes],
    };
}
function writeEnvStep(paths, config) {
    return {
        id: 'env-file',
        title: `write the env file ${paths.envFile} (0600, ${config.envKeys.length} variable(s), content over stdin)`,
        run: async (ctx) => {
            await ctx.host.writeFileAtomic(ctx.exec, paths.envFile, config.envFile, '0600');
        },
    };
}
/**
 * Pulls the image, then reads its migration label (read-only; a failure to read it only warns
 * and keeps the pre-deploy rule).
 */
function pullStep(config, dockerConfig) {
    const argv = pullArgv(config.image.raw, dockerConfig);
    return {
        id: 'pull',
        title: `pull ${config.image.raw}`,
        argv,
        run: async (ctx) => {
            await ctx.exec.run(argv);
            const out = await ctx.exec.run(imageLabelsArgv(config.image.raw), { allowFailure: true });
            let label;
            try {
                if (out.exitCode !== 0)
                    throw new Error(out.stderr.trim().slice(0, 200));
                label = parseMigrationLabel(out.stdout);
            }
            catch (error) {
                ctx.log.warn(`labels of ${config.image.raw} not readable (${error.message}); ` +
                    `${config.preDeploy ? 'its pre-deploy counts as an irreversible migration' : 'no migration recorded'}`);
            }
            ctx.facts.migrationLabel = label;
            if (label)
                ctx.log.info(`image label ${MIGRATION_LABEL}=${label}`);
        },
    };
}
/** The new release as recorded: its migration mark follows the label the pull read. */
function recordedState(after, hadPreDeploy, facts) {
    const current = after.current;
    if (!current)
        return after;
    const mark = migrationMark(hadPreDeploy, facts.migrationLabel);
    if (mark === current.irreversibleMigration)
        return after;
    const release = { ...current, irreversibleMigration: mark };
    return {
        ...after,
        current: release,
        history: after.history.map((r) => (r.id === release.id ? release : r)),
    };
}
function recordStateStep(paths, before, after, hadPreDeploy) {
    return {
        id: 'record',
        title: `record release ${after.current?.id} as current (previous: ${after.previous?.id ?? 'none'})`,
        run: (ctx) => ctx.host.writeState(ctx.exec, paths, recordedState(after, hadPreDeploy, ctx.facts)),
        undo: {
            title: 'restore the previous state file',
            run: (ctx) => ctx.host.writeState(ctx.exec, paths, before),
        },
    };
}
/** Keeps the newest keep-releases containers (the new one and the previous among them). */
function pruneSteps(config, probe, keep) {
    const candidates = probe.containers
        .filter((c) => !keep.has(c.name) && c.state !== 'running')
        .sort((a, b) => (b.releaseId ?? '').localeCompare(a.releaseId ?? ''));
    const room = Math.max(0, config.keepReleases - keep.size);
    return candidates.slice(room).map((c) => commandStep(`prune-${c.name}`, `prune old release ${c.name}`, removeArgv(c.name), {
        optional: true,
    }));
}
/** Starts a created container; its undo stops it (the container itself goes with create's undo). */
function plan_startStep(container, graceSeconds) {
    return commandStep('start', `start ${container}`, startArgv(container), {
        undo: commandUndo(`stop ${container}`, stopArgv(container, graceSeconds)),
    });
}
function plan_createStep(input, envFile) {
    return commandStep('create', `create ${input.container} (${input.color}${input.port ? `, 127.0.0.1:${input.port}` : ''})`, createArgv({
        config: input.config,
        releaseId: input.releaseId,
        color: input.color,
        envFile,
        port: input.port,
    }), { undo: commandUndo(`remove ${input.container}`, removeArgv(input.container)) });
}
function plan_stopOldStep(current, graceSeconds, waitAfterStart) {
    return commandStep('stop-old', `stop ${current.container} (SIGTERM, up to ${graceSeconds}s), keep it for rollback`, stopArgv(current.container, graceSeconds), {
        undo: {
            title: `start ${current.container} again`,
            run: async (ctx) => {
                await ctx.exec.run(startArgv(current.container), { allowFailure: true });
                if (waitAfterStart)
                    await waitAfterStart(ctx);
            },
        },
    });
}
async function plan_inspectState(exec, container) {
    return parseState((await exec.run(inspectArgv(container))).stdout);
}
function backendsFor(color, port, weight) {
    return { color, port, weight };
}
// ---- printing ---------------------------------------------------------------------------------
function plan_planText(plan) {
    const lines = [
        `Deploy ${plan.app}: ${plan.strategy}, release ${plan.releaseId} (${plan.color}${plan.port ? `, port ${plan.port}` : ''})`,
        `  image    ${plan.image}`,
        `  current  ${plan.current ? `${plan.current.id} ${plan.current.image} (${plan.current.color ?? '-'})` : 'none (first deploy)'}`,
        ...plan.notes.map((n) => `  note     ${n}`),
        '',
        ...plan.steps.flatMap((s, i) => [
            `${String(i + 1).padStart(2)}. ${s.title}${s.optional ? ' (best effort)' : ''}`,
            ...(s.argv ? [`      $ ${s.argv.join(' ')}`] : []),
            ...(s.undo ? [`      undo: ${s.undo.title}`] : []),
        ]),
        ...plan.cleanup.map((s) => `    always: ${s.title}`),
    ];
    return lines.join('\n');
}
const cell = (text) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
function planMarkdown(plan) {
    return [
        `**${plan.strategy}** of \`${cell(plan.image)}\` as release \`${plan.releaseId}\` (${plan.color}${plan.port ? `, port ${plan.port}` : ''}); current: ${plan.current ? `\`${plan.current.id}\`` : 'none'}`,
        '',
        ...plan.notes.map((n) => `> ${cell(n)}`),
        plan.notes.length ? '' : undefined,
        '| # | step | command | undo |',
        '| --- | --- | --- | --- |',
        ...plan.steps.map((s, i) => `| ${i + 1} | ${cell(s.title)} | ${s.argv ? `\`${cell(s.argv.join(' '))}\`` : ''} | ${s.undo ? cell(s.undo.title) : ''} |`),
    ]
        .filter((l) => l !== undefined)
        .join('\n');
}

;// CONCATENATED MODULE: ./src/proxy/command.ts
/**
 * The proxy's user-given commands (nginx-test-command, nginx-reload-command,
 * haproxy-check-command, haproxy-reload-command) run through one function, so a command that is
 * not on the host (exit 127, "not found": /usr/sbin is not on a deploy user's PATH over SSH on
 * Debian) fails with the name of the input that sets it.
 */


/**
 * The program that was not found: argv[0] for exit 127; for another failure, the word of argv that
 * sh, bash or sudo report as "<name>: (command) not found" (`sudo haproxy ...`). Else undefined.
 */
function commandNotFound(argv, result) {
    if (result.exitCode === 0)
        return undefined;
    const first = argv[0] ?? '';
    for (const word of argv) {
        const name = word.split('/').pop() ?? '';
        if (!name || word.startsWith('-'))
            continue;
        const escaped = [word, name].map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
        const said = new RegExp(`(^|[\\s:])(${escaped.join('|')}): (command )?not found`, 'm');
        if (said.test(result.stderr))
            return word;
    }
    return result.exitCode === 127 ? first : undefined;
}
/** The message for a command that is not on the host: which input to set, and an example. */
function notFoundMessage(input, argv, where, detail = '', name = argv[0] ?? '') {
    const example = name.startsWith('/')
        ? ''
        : ` (e.g. '${argv.map((a) => (a === name ? `/usr/sbin/${name}` : a)).join(' ')}')`;
    return (`\`${name}\` was not found on ${where}${detail ? ` (${detail})` : ''}: ` +
        `set the ${input} input to a command that exists there, with its full path when its directory ` +
        `is not on the deploy user's PATH over SSH${example}`);
}
/**
 * Runs one of the proxy's commands. Not found: a StepError naming the input (its example shows
 * `template`, the command as the user wrote it, e.g. with `{config}`). Otherwise as exec.run: a
 * failure throws CommandError unless allowFailure.
 */
async function runProxyCommand(exec, step, input, argv, options = {}) {
    const { template = argv, ...runOptions } = options;
    let result;
    try {
        result = await exec.run(argv, { ...runOptions, allowFailure: true });
    }
    catch (error) {
        // a local executor cannot spawn a missing program at all
        if (error instanceof Error && /\bENOENT\b/.test(error.message))
            throw new errors_StepError(step, notFoundMessage(input, template, exec.where, 'ENOENT'));
        throw error;
    }
    const missing = commandNotFound(argv, result);
    if (missing !== undefined)
        throw new errors_StepError(step, notFoundMessage(input, template, exec.where, detailOf(result), missing));
    if (result.exitCode !== 0 && !options.allowFailure)
        throw new CommandError(exec.where, argv, result);
    return result;
}
function detailOf(result) {
    const last = result.stderr.trim().split('\n').slice(-1)[0] ?? '';
    return `exit ${result.exitCode}${last ? `: ${last}` : ''}`;
}

;// CONCATENATED MODULE: ./src/proxy/files.ts
/**
 * Files on the proxy host, through an Executor: content travels over stdin, paths as plain
 * arguments, no shell. Writes go to a temporary sibling first and are renamed into place, so a
 * reader (nginx -t, haproxy -c, another deploy) never sees half a file.
 */

/** The file's text, or undefined when it does not exist. */
async function readText(exec, path) {
    const result = await exec.run(['cat', '--', path], { allowFailure: true });
    if (result.exitCode === 0)
        return result.stdout;
    if (/No such file/i.test(result.stderr))
        return undefined;
    throw new Error(`${exec.where}: cannot read ${path}: ${result.stderr.trim()}`);
}
/** Writes content to `path` (via `<path>.tg-tmp` and a rename). */
async function writeText(exec, path, content) {
    const tmp = `${path}.tg-tmp`;
    await exec.run(['dd', `of=${tmp}`, 'status=none'], { input: content });
    await exec.run(['mv', '-f', '--', tmp, path]);
}
async function removeFile(exec, path) {
    await exec.run(['rm', '-f', '--', path]);
}
/** The same digest `sha256sum` prints, or 'absent' for a missing file. */
function digest(content) {
    return content === undefined ? 'absent' : (0,external_node_crypto_namespaceObject.createHash)('sha256').update(content).digest('hex');
}
/** Exit status of the compare-and-swap when the file changed since it was read. */
const CHANGED = 75;
/**
 * Renames `candidate` onto `path` only if `path` still has the digest it had when read, under
 * an flock on `<path>.tg-lock` shared by every tg-devops deploy on the host. The script is a
 * constant; the paths and the digest arrive as positional arguments ($1..$3), never in it.
 */
const SWAP_SCRIPT = [
    'if [ -e "$1" ]; then h=$(sha256sum < "$1") || exit 1; h=${h%% *}; else h=absent; fi',
    `[ "$h" = "$2" ] || { echo "$1 changed since it was read" >&2; exit ${CHANGED}; }`,
    'mv -f -- "$3" "$1"',
].join('\n');
function swapCommand(path, expected, candidate) {
    return [
        'flock',
        '-w',
        '30',
        `${path}.tg-lock`,
        'sh',
        '-c',
        SWAP_SCRIPT,
        'tg-devops-swap',
        path,
        expected,
        candidate,
    ];
}

;// CONCATENATED MODULE: ./src/proxy/types.ts
const COLORS = ['blue', 'green'];

;// CONCATENATED MODULE: ./src/proxy/validate.ts


/**
 * App names end up in file names (tg-<app>.upstream.conf), nginx upstream names (tg_<app>) and
 * HAProxy section names (fe_<app>, be_<app>): lower-case letters, digits, '-' and '_' only.
 */
const validate_APP_NAME = /^[a-z0-9][a-z0-9_-]{0,47}$/;
function validateSettings(settings) {
    if (settings.kind !== 'nginx' && settings.kind !== 'haproxy')
        throw new errors_InputError('proxy', `must be nginx or haproxy (got '${String(settings.kind)}')`);
    if (!validate_APP_NAME.test(settings.app))
        throw new errors_InputError('app', `'${settings.app}' must be 1-48 of a-z, 0-9, '-', '_' (it names files and proxy sections)`);
    const { nginx, haproxy } = settings;
    absolute('nginx-conf-dir', nginx.confDir);
    command('nginx-test-command', nginx.testCommand);
    command('nginx-reload-command', nginx.reloadCommand);
    if (settings.kind === 'haproxy') {
        absolute('haproxy-socket', haproxy.socket);
        // socat reads ':' and ',' in an address as syntax
        if (!/^\/[A-Za-z0-9._/@+-]+$/.test(haproxy.socket))
            throw new errors_InputError('haproxy-socket', `'${haproxy.socket}': letters, digits and ._/@+- only`);
        absolute('haproxy-config', haproxy.configFile);
        command('haproxy-reload-command', haproxy.reloadCommand);
        port('haproxy-frontend-port', haproxy.frontendPort);
        if (haproxy.checkCommand) {
            command('haproxy-check-command', haproxy.checkCommand);
            if (!haproxy.checkCommand.includes('{config}'))
                throw new errors_InputError('haproxy-check-command', "must name the candidate file as '{config}'");
        }
    }
}
/** Backends for route(): one or two distinct colors, ports 1..65535, weights 0..100, one > 0. */
function validateBackends(backends) {
    if (!Array.isArray(backends) || backends.length < 1 || backends.length > 2)
        throw new errors_InputError('backends', 'give one or two backends (blue, green)');
    const seen = new Set();
    for (const b of backends) {
        if (!COLORS.includes(b.color))
            throw new errors_InputError('backends', `color must be blue or green (got '${String(b.color)}')`);
        if (seen.has(b.color))
            throw new errors_InputError('backends', `color ${b.color} appears twice`);
        seen.add(b.color);
        port('backends', b.port);
        if (!Number.isInteger(b.weight) || b.weight < 0 || b.weight > 100)
            throw new errors_InputError('backends', `${b.color}: weight must be an integer 0..100 (got ${b.weight})`);
    }
    if (backends.length === 2 && backends[0].port === backends[1].port)
        throw new errors_InputError('backends', `blue and green share port ${backends[0].port}`);
    if (!backends.some((b) => b.weight > 0))
        throw new errors_InputError('backends', 'every weight is 0: nothing would serve the requests');
    return [...backends]
        .map((b) => ({ color: b.color, port: b.port, weight: b.weight }))
        .sort((a, b) => COLORS.indexOf(a.color) - COLORS.indexOf(b.color));
}
function port(name, value) {
    if (!Number.isInteger(value) || value < 1 || value > 65535)
        throw new errors_InputError(name, `port must be an integer 1..65535 (got ${value})`);
}
function absolute(name, value) {
    if (typeof value !== 'string' || !value.startsWith('/') || /[\n\r\0]/.test(value))
        throw new errors_InputError(name, `must be an absolute path (got '${String(value)}')`);
}
function command(name, argv) {
    if (!Array.isArray(argv) || argv.length === 0 || !argv[0])
        throw new errors_InputError(name, 'must be a non-empty command (argv)');
    if (argv.some((a) => typeof a !== 'string' || a.includes('\0')))
        throw new errors_InputError(name, 'arguments must be strings without NUL bytes');
}

;// CONCATENATED MODULE: ./src/proxy/nginx.ts





const upstreamName = (app) => `tg_${app}`;
const upstreamFile = (confDir, app) => `${confDir.replace(/\/+$/, '')}/tg-${app}.upstream.conf`;
const HEADER = (app, what) => `# Managed by tg-devops for app '${app}' (${what}); rewritten on each deploy, do not edit.\n`;
/** The include file for the baseline switch: one server line per color, weight 0 = `down`. */
function renderUpstream(app, backends) {
    const lines = validateBackends(backends).map((b) => b.weight > 0
        ? `    server 127.0.0.1:${b.port} weight=${b.weight}; # ${b.color}`
        : `    server 127.0.0.1:${b.port} down; # ${b.color}`);
    return (HEADER(app, 'traffic switch: nginx') +
        `upstream ${upstreamName(app)} {\n${lines.join('\n')}\n    keepalive 16;\n}\n`);
}
/** The include file when HAProxy does the switching: nginx always talks to its frontend. */
function renderFrontendUpstream(app, frontendPort) {
    return (HEADER(app, 'traffic switch: haproxy') +
        `upstream ${upstreamName(app)} {\n` +
        `    server 127.0.0.1:${frontendPort}; # haproxy fe_${app}\n` +
        // nginx must drop an idle upstream connection before HAProxy's `timeout http-keep-alive`
        // (75s) does, or a request sent on it in that instant is lost
        `    keepalive 16;\n    keepalive_timeout 30s;\n}\n`);
}
/** Backends in a file written by renderUpstream (colors from the trailing comments). */
function parseUpstream(text) {
    const found = [];
    for (const line of text.split('\n')) {
        const m = line.match(/^\s*server\s+127\.0\.0\.1:(\d+)(?:\s+weight=(\d+))?(\s+down)?\s*;\s*#\s*(blue|green)\s*$/);
        if (!m)
            continue;
        found.push({
            color: m[4],
            port: Number(m[1]),
            weight: m[3] ? 0 : Number(m[2] ?? 1),
        });
    }
    return found.sort((a, b) => COLORS.indexOf(a.color) - COLORS.indexOf(b.color));
}
/**
 * Puts `content` into the app's include file and makes it live: write, test, reload. Returns
 * false (and runs nothing else) when the file already has that content. On a failed test or
 * reload the previous file is restored (or the new one removed) and the error names the output.
 */
async function installUpstream(exec, nginx, app, content) {
    const path = upstreamFile(nginx.confDir, app);
    const before = await readText(exec, path);
    if (before === content)
        return false;
    await writeText(exec, path, content);
    const restore = async () => {
        if (before === undefined)
            await removeFile(exec, path);
        else
            await writeText(exec, path, before);
    };
    const test = await runProxyCommand(exec, 'nginx', 'nginx-test-command', nginx.testCommand, {
        allowFailure: true,
    }).catch(async (error) => {
        await restore();
        throw error;
    });
    if (test.exitCode !== 0) {
        await restore();
        throw new errors_StepError('nginx', `config test failed with ${path}; restored the previous file, reloaded nothing:\n` +
            tail(test.stderr || test.stdout));
    }
    const reload = await runProxyCommand(exec, 'nginx', 'nginx-reload-command', nginx.reloadCommand, {
        allowFailure: true,
    }).catch(async (error) => {
        await restore();
        throw error;
    });
    if (reload.exitCode !== 0) {
        await restore();
        throw new errors_StepError('nginx', `reload failed (the running config is unchanged); restored ${path}:\n` +
            tail(reload.stderr || reload.stdout));
    }
    return true;
}
/** Takes the app's include file out: remove, test, reload (the file comes back if the test fails). */
async function uninstallUpstream(exec, nginx, app) {
    const path = upstreamFile(nginx.confDir, app);
    const before = await readText(exec, path);
    if (before === undefined)
        return;
    await removeFile(exec, path);
    const test = await runProxyCommand(exec, 'nginx', 'nginx-test-command', nginx.testCommand, {
        allowFailure: true,
    }).catch(async (error) => {
        await writeText(exec, path, before);
        throw error;
    });
    if (test.exitCode !== 0) {
        await writeText(exec, path, before);
        throw new errors_StepError('nginx', `config test failed without ${path} (is tg_${app} still used?); put it back:\n` +
            tail(test.stderr || test.stdout));
    }
    await runProxyCommand(exec, 'nginx', 'nginx-reload-command', nginx.reloadCommand);
}
/** Established TCP connections to 127.0.0.1:port on the host (requests in flight to a color). */
async function connectionsTo(exec, port) {
    const result = await exec.run(['ss', '-Htn', 'state', 'established', 'dport', '=', `:${port}`]);
    return result.stdout.split('\n').filter((l) => l.trim()).length;
}
/**
 * Waits until `count()` is 0, polling every 250 ms, at most `seconds`. Returns the last count.
 */
async function waitForZero(count, seconds, clock) {
    const end = clock.now() + Math.max(0, seconds) * 1000;
    for (;;) {
        const n = await count();
        if (n === 0 || clock.now() >= end)
            return n;
        await clock.sleep(Math.min(250, Math.max(1, end - clock.now())));
    }
}
function nginxProxy(app, nginx) {
    const path = upstreamFile(nginx.confDir, app);
    return {
        remove: (exec) => uninstallUpstream(exec, nginx, app),
        kind: 'nginx',
        async current(exec) {
            const text = await readText(exec, path);
            return text === undefined ? [] : parseUpstream(text);
        },
        async route(exec, backends) {
            const content = renderUpstream(app, backends); // validates first
            await installUpstream(exec, nginx, app, content);
        },
        async drain(exec, color, seconds, clock) {
            // Requests already sent to the color finish on the old workers; nginx reports no
            // per-server count, so count the connections to the color's port on the host.
            const text = await readText(exec, path);
            const backend = text === undefined ? undefined : parseUpstream(text).find((b) => b.color === color);
            if (!backend)
                return;
            await waitForZero(() => connectionsTo(exec, backend.port), seconds, clock);
        },
    };
}
function tail(text) {
    return text.trim().split('\n').slice(-8).join('\n');
}

;// CONCATENATED MODULE: ./src/proxy/haproxy.ts
/**
 * The zero-loss switch. nginx stays the user-facing proxy; its upstream for the app is a fixed
 * local HAProxy frontend (fe_<app>), written and reloaded once, when the app is first set up.
 * HAProxy's backend (be_<app>) has both colors as servers, and switching is a few commands on
 * the runtime API (stats socket): `set server be_<app>/<color> addr|weight|state`. Nothing
 * reloads, no connection is closed, requests in flight finish where they started.
 *
 * The same state is kept in HAProxy's config file (a managed block per app, several apps per
 * file), so a restart routes the same way. The file is checked (`haproxy -c`) before anything
 * changes and swapped in under a lock; HAProxy is reloaded only when the app's frontend or
 * backend is new to the running process or its frontend port changed.
 *
 * The runtime API is reached with `socat stdio UNIX-CONNECT:<socket>` (Debian: socat), the
 * commands on stdin, one line separated by ';'.
 */







const backendName = (app) => `be_${app}`;
const frontendName = (app) => `fe_${app}`;
const BEGIN = (app) => `# >>> tg-devops app=${app} (managed by tg-devops deploys; do not edit)`;
const END = (app) => `# <<< tg-devops app=${app}`;
/** Port of a color's server line that has never been set up (it stays in maintenance). */
const PLACEHOLDER_PORT = 1;
function desiredState(backends, known = []) {
    const valid = validateBackends(backends);
    return COLORS.map((color) => {
        const b = valid.find((x) => x.color === color);
        if (b)
            return { color, port: b.port, weight: b.weight, maint: false };
        const k = known.find((x) => x.color === color);
        return { color, port: k?.port ?? PLACEHOLDER_PORT, weight: 0, maint: true };
    });
}
/** The app's managed block: its frontend on loopback and a backend with both colors. */
function renderBlock(app, frontendPort, desired) {
    const servers = desired.map((d) => `    server ${d.color} 127.0.0.1:${d.port} weight ${d.weight}${d.maint ? ' disabled' : ''}`);
    return [
        BEGIN(app),
        `frontend ${frontendName(app)}`,
        '    mode http',
        `    bind 127.0.0.1:${frontendPort}`,
        // idle keep-alive connections from nginx must outlive nginx's own upstream keepalive_timeout
        '    timeout client 75s',
        '    timeout http-keep-alive 75s',
        `    default_backend ${backendName(app)}`,
        '',
        `backend ${backendName(app)}`,
        '    mode http',
        '    balance roundrobin',
        '    retries 3',
        '    option redispatch 1',
        '    timeout connect 2s',
        '    timeout server 60s',
        ...servers,
        END(app),
    ].join('\n');
}
/** The file with the app's block replaced (or appended); everything else is left as it was. */
function replaceBlock(file, app, block) {
    const lines = file.split('\n');
    const start = lines.indexOf(BEGIN(app));
    const end = lines.indexOf(END(app), start + 1);
    if (start >= 0 && end > start) {
        return [...lines.slice(0, start), ...block.split('\n'), ...lines.slice(end + 1)].join('\n');
    }
    if (start >= 0 || lines.includes(END(app)))
        throw new errors_StepError('haproxy', `the tg-devops block for '${app}' is damaged (begin or end line missing)`);
    const base = file.length === 0 || file.endsWith('\n') ? file : `${file}\n`;
    return `${base}${base.trim() ? '\n' : ''}${block}\n`;
}
/** The file without the app's block (and the blank line before it). */
function removeBlock(file, app) {
    const lines = file.split('\n');
    const start = lines.indexOf(BEGIN(app));
    const end = lines.indexOf(END(app), start + 1);
    if (start < 0 || end < start)
        return file;
    const from = start > 0 && lines[start - 1] === '' ? start - 1 : start;
    return [...lines.slice(0, from), ...lines.slice(end + 1)].join('\n');
}
/** The app's block in a file, or undefined. */
function findBlock(file, app) {
    const lines = file.split('\n');
    const start = lines.indexOf(BEGIN(app));
    const end = lines.indexOf(END(app), start + 1);
    return start >= 0 && end > start ? lines.slice(start, end + 1).join('\n') : undefined;
}
function blockFrontendPort(block) {
    const m = block?.match(/^\s*bind 127\.0\.0\.1:(\d+)\s*$/m);
    return m ? Number(m[1]) : undefined;
}
/** Parses `show servers state <backend>`; undefined when HAProxy has no such backend. */
function parseServersState(output) {
    if (/Can't find backend/i.test(output))
        return undefined;
    const lines = output.split('\n');
    const header = lines.find((l) => l.startsWith('# be_id'));
    if (!header)
        throw new errors_StepError('haproxy', `unexpected 'show servers state' answer: ${output.trim().slice(0, 200)}`);
    const names = header.slice(2).trim().split(/\s+/);
    const col = (name) => {
        const i = names.indexOf(name);
        if (i < 0)
            throw new errors_StepError('haproxy', `'show servers state' has no ${name} column`);
        return i;
    };
    const [iName, iAdmin, iWeight, iPort] = [
        col('srv_name'),
        col('srv_admin_state'),
        col('srv_uweight'),
        col('srv_port'),
    ];
    const servers = [];
    for (const line of lines) {
        if (!/^\d+ /.test(line))
            continue;
        const f = line.trim().split(/\s+/);
        const name = f[iName];
        if (name !== 'blue' && name !== 'green')
            continue;
        const admin = Number(f[iAdmin]);
        servers.push({
            color: name,
            port: Number(f[iPort]),
            weight: Number(f[iWeight]),
            // maintenance: FMAINT 0x01, IMAINT 0x02, RMAINT 0x20 (HAProxy's SRV_ADMF_MAINT mask; CMAINT 0x04
            // only remembers `disabled` in the config, and stays set after `state ready`); drain: 0x18
            maint: (admin & 0x23) !== 0,
            drain: (admin & 0x18) !== 0,
        });
    }
    return servers.sort((a, b) => COLORS.indexOf(a.color) - COLORS.indexOf(b.color));
}
/** Sessions in flight (current + queued) on one server, from `show stat` CSV. */
function parseInFlight(csv, backend, server) {
    const lines = csv.split('\n');
    const header = lines.find((l) => l.startsWith('# pxname'));
    if (!header)
        return undefined;
    const names = header.slice(2).split(',');
    const [iPx, iSv, iScur, iQcur] = ['pxname', 'svname', 'scur', 'qcur'].map((n) => names.indexOf(n));
    for (const line of lines) {
        const f = line.split(',');
        if (f[iPx] === backend && f[iSv] === server)
            return Number(f[iScur] || 0) + Number(f[iQcur] || 0);
    }
    return undefined;
}
/**
 * Runtime commands that take the servers from `now` to `want` without a moment where no server
 * takes requests: colors that gain traffic first (address, weight, then ready), then colors at
 * weight 0, then colors that go to maintenance. Nothing for a color that is already right.
 */
function runtimeCommands(app, now, want) {
    const be = backendName(app);
    const order = [
        ...want.filter((d) => !d.maint && d.weight > 0),
        ...want.filter((d) => !d.maint && d.weight === 0),
        ...want.filter((d) => d.maint),
    ];
    const commands = [];
    for (const d of order) {
        const s = now.find((x) => x.color === d.color);
        const srv = `${be}/${d.color}`;
        if (d.maint) {
            if (!s?.maint)
                commands.push(`set server ${srv} state maint`);
            continue;
        }
        if (d.weight === 0 && s?.weight !== 0)
            commands.push(`set server ${srv} weight 0`);
        if (s?.port !== d.port)
            commands.push(`set server ${srv} addr 127.0.0.1 port ${d.port}`);
        if (d.weight > 0 && s?.weight !== d.weight)
            commands.push(`set server ${srv} weight ${d.weight}`);
        if (!s || s.maint || s.drain)
            commands.push(`set server ${srv} state ready`);
    }
    return commands;
}
/** Does the running state already match? (port of a server in maintenance does not matter) */
function matches(now, want) {
    if (!now)
        return false;
    return want.every((d) => {
        const s = now.find((x) => x.color === d.color);
        if (!s)
            return false;
        if (d.maint)
            return s.maint;
        return !s.maint && !s.drain && s.port === d.port && s.weight === d.weight;
    });
}
function haproxyProxy(app, haproxy, nginx, options = {}) {
    const clock = options.clock ?? systemClock;
    const be = backendName(app);
    const check = haproxy.checkCommand ?? ['haproxy', '-c', '-q', '-f', '{config}'];
    const cli = async (exec, commands) => {
        const result = await exec.run(['socat', '-t', '5', 'stdio', `UNIX-CONNECT:${haproxy.socket}`], {
            input: `${commands.join('; ')}\n`,
            timeoutMs: 15_000,
            allowFailure: true,
        });
        if (result.exitCode === 127)
            throw new errors_StepError('haproxy', `socat is not installed on ${exec.where} (apt-get install socat)`);
        if (result.exitCode !== 0)
            throw new errors_StepError('haproxy', `runtime API at ${haproxy.socket} did not answer (socat exited ${result.exitCode}; is ` +
                `HAProxy running with 'stats socket ${haproxy.socket} level admin', and may this user ` +
                `open it?): ${result.stderr.trim()}`);
        return result.stdout;
    };
    const reloadHaproxy = (exec) => runProxyCommand(exec, 'haproxy', 'haproxy-reload-command', haproxy.reloadCommand);
    const state = async (exec) => parseServersState(await cli(exec, [`show servers state ${be}`]));
    /** Writes the new file beside the real one and checks it; `next` undefined = already so. */
    const prepare = async (exec, want, read) => {
        const before = read ? read.text : await readText(exec, haproxy.configFile);
        const next = want === 'remove'
            ? removeBlock(before ?? '', app)
            : replaceBlock(before ?? '', app, renderBlock(app, haproxy.frontendPort, want));
        const candidate = `${haproxy.configFile}.tg-${app}.new`;
        if (next === before)
            return { before, next: undefined, candidate };
        await writeText(exec, candidate, next);
        const argv = check.map((a) => (a === '{config}' ? candidate : a));
        const result = await runProxyCommand(exec, 'haproxy', 'haproxy-check-command', argv, {
            allowFailure: true,
            template: check,
        }).catch(async (error) => {
            await removeFile(exec, candidate);
            throw error;
        });
        if (result.exitCode !== 0) {
            await removeFile(exec, candidate);
            throw new errors_StepError('haproxy', `config check failed for the new ${haproxy.configFile} (nothing changed):\n` +
                (result.stderr || result.stdout).trim().split('\n').slice(-8).join('\n'));
        }
        return { before, next, candidate };
    };
    /**
     * Swaps a prepared file in (under a lock, only if nobody changed the file since it was read;
     * otherwise prepares again from the new content, up to 5 times). Returns whether it changed.
     */
    const persist = async (exec, want, prepared) => {
        for (let attempt = 1;; attempt++) {
            const p = attempt === 1 && prepared ? prepared : await prepare(exec, want);
            if (p.next === undefined)
                return false;
            const swap = await exec.run(swapCommand(haproxy.configFile, digest(p.before), p.candidate), {
                allowFailure: true,
            });
            if (swap.exitCode === 0)
                return true;
            await removeFile(exec, p.candidate);
            if (swap.exitCode !== CHANGED || attempt >= 5)
                throw new errors_StepError('haproxy', `cannot replace ${haproxy.configFile}: ${swap.stderr.trim()}`);
        }
    };
    const apply = async (exec, now, want) => {
        const commands = runtimeCommands(app, now, want);
        const answer = commands.length ? await cli(exec, commands) : '';
        const after = await state(exec);
        if (!matches(after, want))
            throw new errors_StepError('haproxy', `runtime state of ${be} is not as asked after: ${commands.join('; ')}\n${answer.trim()}\n` +
                `now: ${JSON.stringify(after)}`);
    };
    return {
        async remove(exec) {
            const path = upstreamFile(nginx.confDir, app);
            if ((await readText(exec, path)) !== undefined)
                await uninstallUpstream(exec, nginx, app);
            if (await persist(exec, 'remove'))
                await reloadHaproxy(exec);
        },
        kind: 'haproxy',
        async current(exec) {
            const servers = await state(exec);
            return (servers ?? [])
                .filter((s) => !s.maint)
                .map((s) => ({ color: s.color, port: s.port, weight: s.drain ? 0 : s.weight }));
        },
        async route(exec, backends) {
            validateBackends(backends);
            const now = await state(exec);
            const want = desiredState(backends, now ?? []);
            const text = await readText(exec, haproxy.configFile);
            const reload = !now || blockFrontendPort(findBlock(text ?? '', app)) !== haproxy.frontendPort;
            if (reload) {
                // First setup (or a new frontend port): file, reload, wait until the process has it.
                const changed = await persist(exec, want);
                if (changed || !now) {
                    await reloadHaproxy(exec);
                    const end = clock.now() + (options.reloadWaitSeconds ?? 15) * 1000;
                    let loaded = await state(exec).catch(() => undefined);
                    while (!loaded) {
                        if (clock.now() >= end)
                            throw new errors_StepError('haproxy', `reloaded, but ${be} did not appear within the wait`);
                        await clock.sleep(200);
                        loaded = await state(exec).catch(() => undefined);
                    }
                    if (!matches(loaded, want))
                        await apply(exec, loaded, want);
                }
            }
            else {
                // The switch: check the new file first, change the running state, then keep the file.
                const prepared = await prepare(exec, want, { text });
                try {
                    if (!matches(now, want))
                        await apply(exec, now, want);
                }
                catch (error) {
                    if (prepared.next !== undefined)
                        await removeFile(exec, prepared.candidate);
                    throw error;
                }
                await persist(exec, want, prepared);
                // Another app's first setup may have reloaded HAProxy between our runtime change and our
                // file swap, and its new process read our old block: check once more, now that the file
                // is right, and apply again if so.
                const final = await state(exec);
                if (!final)
                    throw new errors_StepError('haproxy', `${be} disappeared from the running HAProxy`);
                if (!matches(final, want))
                    await apply(exec, final, want);
            }
            // nginx talks to the frontend; written and reloaded once per app (no-op when in place)
            await installUpstream(exec, nginx, app, renderFrontendUpstream(app, haproxy.frontendPort));
        },
        async drain(exec, color, seconds, clk) {
            const inFlight = async () => {
                const csv = await cli(exec, [`show stat ${be} 4 -1`]);
                return parseInFlight(csv, be, color) ?? 0;
            };
            await waitForZero(inFlight, seconds, clk);
        },
    };
}

;// CONCATENATED MODULE: ./src/proxy/index.ts
/**
 * The traffic switch: createProxy(settings) gives the deploy engine one TrafficProxy, nginx (the
 * baseline: include file, nginx -t, graceful reload) or haproxy (the zero-loss switch: runtime
 * API behind a fixed nginx upstream). See docs/adr/0004-traffic-switch.md.
 */








function createProxy(settings, options = {}) {
    validateSettings(settings);
    const proxy = settings.kind === 'nginx'
        ? nginxProxy(settings.app, settings.nginx)
        : haproxyProxy(settings.app, settings.haproxy, settings.nginx, options);
    described.set(proxy, settings.kind === 'haproxy'
        ? { kind: 'haproxy', frontendPort: settings.haproxy.frontendPort }
        : { kind: 'nginx' });
    return proxy;
}
/** The actions' defaults (deploy/action.yml, rollback/action.yml, the CLI config). */
const PROXY_INPUT_DEFAULTS = {
    'nginx-conf-dir': '/etc/nginx/conf.d',
    'nginx-test-command': 'nginx -t',
    'nginx-reload-command': 'nginx -s reload',
    'haproxy-socket': '/run/haproxy/admin.sock',
    'haproxy-config': '/etc/haproxy/haproxy.cfg',
    'haproxy-reload-command': 'systemctl reload haproxy',
    'haproxy-check-command': 'haproxy -c -q -f {config}',
    'haproxy-frontend-port': '',
};
/** The haproxy-frontend-port input as a port; 0 when empty or not a port 1..65535. */
function frontendPortFrom(raw) {
    const port = raw ? Number(raw) : 0;
    return Number.isInteger(port) && port > 0 && port < 65536 ? port : 0;
}
/**
 * ProxySettings from the raw inputs (pure): commands split into argv (never a shell), the
 * haproxy frontend port required with haproxy (`frontendPort` overrides the input: the port a
 * release recorded). Every problem is an InputError naming its input.
 */
function proxySettingsFrom(kind, app, raw, options = {}) {
    const frontendPort = options.frontendPort ?? frontendPortFrom(raw['haproxy-frontend-port']);
    if (kind === 'haproxy' && !frontendPort)
        throw new errors_InputError('haproxy-frontend-port', `is required with proxy: haproxy (${options.frontendPortHint ?? "a free loopback port for the app's frontend"})`);
    return {
        kind,
        app,
        nginx: {
            confDir: raw['nginx-conf-dir'],
            testCommand: command_line_splitCommand(raw['nginx-test-command'], 'nginx-test-command'),
            reloadCommand: command_line_splitCommand(raw['nginx-reload-command'], 'nginx-reload-command'),
        },
        haproxy: {
            socket: raw['haproxy-socket'],
            configFile: raw['haproxy-config'],
            reloadCommand: command_line_splitCommand(raw['haproxy-reload-command'], 'haproxy-reload-command'),
            checkCommand: command_line_splitCommand(raw['haproxy-check-command'], 'haproxy-check-command'),
            // nginx ignores it; validateSettings wants a port in range
            frontendPort: frontendPort || 1,
        },
    };
}
/** createProxy(proxySettingsFrom(...)), any refusal an InputError (naming 'proxy' when no input). */
function proxyFrom(kind, app, raw, options = {}) {
    const settings = proxySettingsFrom(kind, app, raw, options);
    try {
        return createProxy(settings, options.haproxy);
    }
    catch (error) {
        if (error instanceof errors_InputError)
            throw error;
        throw new errors_InputError('proxy', errors_errorMessage(error));
    }
}
const described = new WeakMap();
/** The kind of any TrafficProxy; the frontend port too when createProxy made it. */
function proxy_describeProxy(proxy) {
    return described.get(proxy) ?? { kind: proxy.kind };
}

;// CONCATENATED MODULE: ./src/deploy/probe.ts

/** Commands the probe may run: the dry-run test holds every recorded command to this list. */
const READ_ONLY_COMMANDS = [
    ['cat'],
    ['docker', 'ps'],
    ['docker', 'inspect'],
    ['docker', 'logs'],
    ['docker', 'image', 'inspect'],
    ['sh', '-c', HTTP_TOOL_SCRIPT()],
    ['test'],
];
function HTTP_TOOL_SCRIPT() {
    return 'command -v curl || command -v wget || true';
}
async function probe(exec, config, deps) {
    const paths = deps.host.appPaths(config.stateBase, config.app);
    const state = await deps.host.readState(exec, paths);
    const list = await exec.run(listArgv(config.app));
    const containers = parseContainerList(list.stdout);
    const routed = deps.proxy ? await deps.proxy.current(exec) : undefined;
    let httpTool = 'none';
    if (config.healthPath) {
        const found = await exec.run(['sh', '-c', HTTP_TOOL_SCRIPT()], { allowFailure: true });
        const first = found.stdout.trim().split('\n')[0] ?? '';
        httpTool = first.endsWith('/curl') ? 'curl' : first.endsWith('/wget') ? 'wget' : 'none';
    }
    return { paths, state, containers, routed, httpTool };
}

;// CONCATENATED MODULE: ./src/deploy/engine.ts





/** Who holds the host lock and signs the audit line: the workflow run, or a local run. */
function runHolder(env, url) {
    return {
        runId: env.GITHUB_RUN_ID ?? `local-${process.pid}`,
        actor: env.GITHUB_ACTOR ?? 'unknown',
        url,
    };
}
/** A release id that sorts by time: 20261130-041503 (UTC). */
function releaseIdAt(ms) {
    const iso = new Date(ms).toISOString();
    return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
}
/**
 * probe → plan → execute on one host. Dry-run stops after printing the plan (read-only commands
 * only). Otherwise: take the host lock, probe again under it, plan, execute (undo on failure),
 * append the audit entry, release the lock. Throws a StepError naming the failed step and gate.
 */
async function deploy(config, deps) {
    const { exec, host, log, clock } = deps;
    const started = clock.now();
    const releaseId = deps.releaseId ?? releaseIdAt(started);
    const facts = { waitMs: 0 };
    for (const warning of config.warnings)
        log.warn(warning);
    if (config.dryRun) {
        const probe = await probeHost(exec, config, deps);
        const plan = buildPlan({
            config,
            probe,
            releaseId,
            now: new Date(started).toISOString(),
            proxy: deps.proxy ? describeProxy(deps.proxy) : undefined,
        });
        log.info(`dry-run: nothing changes on ${exec.where}\n${planText(plan)}`);
        return { dryRun: true, plan, probe, facts, totalMs: clock.now() - started };
    }
    const paths = host.appPaths(config.stateBase, config.app);
    await exec.run(['mkdir', '-p', paths.dir]);
    const ttlSeconds = deps.lockTtlSeconds ?? lockTtl(config);
    const lock = await host.acquireLock(exec, paths.lock, { ...deps.holder, startedAt: new Date(started).toISOString() }, { ttlSeconds, timeoutSeconds: config.lockTimeoutSeconds, clock, log });
    let lastRefresh = clock.now();
    try {
        const probe = await probeHost(exec, config, deps);
        const plan = buildPlan({
            config,
            probe,
            releaseId,
            now: new Date(clock.now()).toISOString(),
            proxy: deps.proxy ? describeProxy(deps.proxy) : undefined,
        });
        log.info(planText(plan));
        const result = await execute(plan, {
            exec,
            clock,
            log,
            host,
            proxy: deps.proxy,
            httpTool: probe.httpTool,
            extraGates: deps.extraGates ?? [],
            facts,
        }, {
            ...deps.hooks,
            between: async () => {
                await deps.hooks?.between?.();
                if (clock.now() - lastRefresh > (ttlSeconds * 1000) / 3) {
                    await lock.refresh();
                    lastRefresh = clock.now();
                }
            },
        });
        await host
            .appendAudit(exec, paths, {
            at: new Date(clock.now()).toISOString(),
            actor: deps.holder.actor,
            action: `deploy ${config.strategy}`,
            release: releaseId,
            image: config.image.raw,
            result: result.ok ? 'success' : undoFailed(result) ? 'failure' : 'rolled-back',
            detail: result.error?.message ??
                `previous ${plan.current?.id ?? 'none'}${facts.gapMs !== undefined ? `, gap ${facts.gapMs} ms` : ''}`,
            url: deps.holder.url,
            runId: deps.holder.runId,
        })
            .catch((error) => log.warn(`audit entry not written: ${String(error)}`));
        const report = { dryRun: false, plan, probe, result, facts, totalMs: clock.now() - started };
        if (!result.ok)
            throw new DeployError(result.error, report, result.failedGate);
        return report;
    }
    finally {
        await lock.release().catch((error) => log.warn(`lock not released: ${String(error)}`));
    }
}
class DeployError extends errors_StepError {
    report;
    gate;
    constructor(cause, report, gate) {
        const failedUndos = report.result?.records.filter((r) => r.status === 'undo-failed') ?? [];
        super(cause.step, failedUndos.length
            ? `${cause.message.slice(cause.step.length + 2)}; NOT rolled back: ${failedUndos.length} undo step(s) failed (${failedUndos.map((r) => r.title).join('; ')}); the next deploy converges the host`
            : `${cause.message.slice(cause.step.length + 2)}; rolled back to ${report.plan.current?.id ?? 'nothing (first deploy)'}`);
        this.report = report;
        this.gate = gate;
        this.name = 'DeployError';
    }
}
/** Some undo step failed: the host is not back where it was (the next deploy converges it). */
function undoFailed(result) {
    return result.records.some((r) => r.status === 'undo-failed');
}
/** Long enough for the slowest plan; the engine refreshes it between steps anyway. */
function lockTtl(config) {
    const canary = config.strategy === 'canary'
        ? config.canarySteps.length * (config.stepIntervalSeconds + 10)
        : 0;
    return Math.max(300, 2 *
        (config.healthTimeoutSeconds +
            config.gateWindowSeconds +
            config.drainSeconds +
            config.stopGraceSeconds +
            canary) +
        120);
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
async function post(target, url, body, deps, hide, secret) {
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
                reason: `${errors_errorMessage(error)}${cause ? `: ${errors_errorMessage(cause)}` : ''}`,
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
            sends.push(post('telegram', `${base}/bot${t.token}/sendMessage`, {
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
            sends.push(post('webhook', targets.webhook.url, webhookPayload(event), deps, hide, targets.webhook.secret));
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
        const reason = hide(errors_errorMessage(error));
        deps.log.warn(`notify: ${reason}`);
        return { delivered: [], failed: [{ target: 'all', reason }] };
    }
}

;// CONCATENATED MODULE: ./src/rollback/plan.ts

const PREVIOUS = 'previous';
/** Newest first, by start time, then by id (release ids sort by time). */
function byAge(releases) {
    return [...releases].sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id));
}
/** Every release the state knows, once each (current and previous may be missing from history). */
function knownReleases(state) {
    const seen = new Map();
    for (const r of [state.current, state.previous, ...state.history]) {
        if (!r)
            continue;
        const known = seen.get(r.id);
        // The same release recorded twice: a declared irreversible migration in either copy counts.
        if (!known)
            seen.set(r.id, r);
        else if (r.irreversibleMigration && !known.irreversibleMigration)
            seen.set(r.id, { ...known, irreversibleMigration: true });
    }
    return byAge([...seen.values()]);
}
const isNewer = (a, b) => a.startedAt !== b.startedAt ? a.startedAt > b.startedAt : a.id > b.id;
function planRollback(state, target, options) {
    const fail = (problem) => {
        throw new errors_StepError('rollback', problem);
    };
    const current = state.current ?? fail(`${state.app}: nothing is deployed, nothing to roll back`);
    const releases = knownReleases(state);
    const wanted = (target ?? '').trim() || PREVIOUS;
    let to;
    if (wanted === PREVIOUS) {
        to =
            state.previous && state.previous.id !== current.id
                ? state.previous
                : releases.find((r) => r.id !== current.id && isNewer(current, r));
        if (!to)
            fail(`${state.app}: no previous release recorded on the host (current ${current.id}); name one with a release id`);
    }
    else {
        to = releases.find((r) => r.id === wanted);
        if (!to)
            fail(`${state.app}: release ${wanted} is not in the host's history; known: ${releases.map((r) => r.id).join(', ')}`);
    }
    const target_ = to;
    if (target_.id === current.id)
        fail(`${state.app}: ${target_.id} is the current release already; nothing to do`);
    const forward = isNewer(target_, current);
    const over = forward
        ? []
        : releases.filter((r) => isNewer(r, target_) && !isNewer(r, current) && r.id !== target_.id);
    const irreversible = over.filter((r) => r.irreversibleMigration === true);
    if (irreversible.length && !options.force)
        fail(`${state.app}: refusing to roll back to ${target_.id}: ${irreversible
            .map((r) => `release ${r.id} (${r.image})`)
            .join(', ')} declared an irreversible migration, so ${target_.id}'s code would run against a schema it does not know. ` +
            `Restore the database first (a pre-deploy backup), or set force: true to roll back anyway.`);
    return {
        app: state.app,
        from: current,
        to: target_,
        over,
        irreversible,
        forced: irreversible.length > 0,
        forward,
    };
}
/** After the rollback: the target is current, the release it replaced is previous. */
function stateAfter(state, plan) {
    const history = state.history.some((r) => r.id === plan.to.id)
        ? state.history
        : [plan.to, ...state.history];
    return { app: state.app, current: plan.to, previous: plan.from, history };
}
function rollbackSummaryLine(plan) {
    return (`${plan.forward ? 'roll forward' : 'roll back'} ${plan.app} from ${plan.from.id} (${plan.from.image}) ` +
        `to ${plan.to.id} (${plan.to.image})` +
        (plan.over.length > 1 ? `, over ${plan.over.map((r) => r.id).join(', ')}` : '') +
        (plan.forced
            ? `; FORCED past the irreversible migration of ${plan.irreversible.map((r) => r.id).join(', ')}`
            : ''));
}

;// CONCATENATED MODULE: ./src/rollback/execute.ts







async function look(settings, deps) {
    const { exec, host } = deps;
    const paths = host.appPaths(settings.stateBase, settings.app);
    const state = await host.readState(exec, paths);
    const containers = docker_parseContainerList((await exec.run(docker_listArgv(settings.app))).stdout);
    const proxy = typeof deps.proxy === 'function' ? deps.proxy(state.current) : deps.proxy;
    const routed = proxy ? await proxy.current(exec) : undefined;
    let httpTool = 'none';
    if (settings.healthPath) {
        const found = await exec.run(['sh', '-c', 'command -v curl || command -v wget || true'], {
            allowFailure: true,
        });
        const first = found.stdout.trim().split('\n')[0] ?? '';
        httpTool = first.endsWith('/curl') ? 'curl' : first.endsWith('/wget') ? 'wget' : 'none';
    }
    return { state, containers, routed, httpTool, proxy };
}
/**
 * The image label `org.tg-devops.migration=irreversible` declares a release's migration
 * irreversible even when the deploy did not record it: read here for the releases rolled over
 * (docker image inspect, read-only). A release the state already marks keeps its mark.
 */
async function withMigrationLabels(exec, state, log) {
    const cache = new Map();
    const mark = async (r) => {
        if (!r || r.irreversibleMigration !== undefined)
            return r;
        if (!cache.has(r.image)) {
            const out = await exec.run(docker_imageLabelsArgv(r.image), { allowFailure: true });
            let value;
            if (out.exitCode === 0) {
                try {
                    const label = docker_parseMigrationLabel(out.stdout);
                    value = label === undefined ? undefined : label === 'irreversible';
                }
                catch {
                    log.warn(`labels of ${r.image} not readable: ${out.stdout.slice(0, 100)}`);
                }
            }
            cache.set(r.image, value);
        }
        const value = cache.get(r.image);
        return value === undefined ? r : { ...r, irreversibleMigration: value };
    };
    const history = [];
    for (const r of state.history)
        history.push((await mark(r)));
    return {
        app: state.app,
        current: await mark(state.current),
        previous: await mark(state.previous),
        history,
    };
}
function rollbackMode(plan, proxy) {
    const { to, from } = plan;
    return proxy && to.color && to.port !== undefined && from.color && to.color !== from.color
        ? 'proxy'
        : 'handover';
}
function gctx(ctx, release, settings, since) {
    return {
        exec: ctx.exec,
        clock: ctx.clock,
        log: ctx.log,
        container: release.container,
        port: release.port,
        healthPath: settings.healthPath,
        since,
        httpTool: ctx.httpTool,
    };
}
/** The steps, each with its undo. Pure: a value to print (dry-run) before it runs. */
function rollbackSteps(plan, mode, settings, seen, marks = {}) {
    const { to, from } = plan;
    const running = (name) => seen.containers.some((c) => c.name === name && (c.state === 'running' || c.state === 'restarting'));
    const grace = settings.stopGraceSeconds;
    const start = {
        id: 'start-target',
        title: `start ${to.container} again (kept stopped for rollback)`,
        argv: docker_startArgv(to.container),
        run: async (ctx) => {
            await ctx.exec.run(docker_startArgv(to.container));
        },
        undo: {
            title: `stop ${to.container}`,
            run: async (ctx) => {
                await ctx.exec.run(docker_stopArgv(to.container, grace), { allowFailure: true });
            },
        },
    };
    const ready = {
        id: 'ready',
        title: `health-gate ${to.container}: running${to.port !== undefined && settings.healthPath ? `, GET 127.0.0.1:${to.port}${settings.healthPath}` : ''} (up to ${settings.healthTimeoutSeconds}s)`,
        run: async (ctx) => {
            await gates_waitReady(gctx(ctx, to, settings, new Date(ctx.clock.now()).toISOString()), [gates_runningGate, gates_httpGate], settings.healthTimeoutSeconds);
        },
    };
    const stopCurrent = {
        id: 'stop-current',
        title: `stop ${from.container} (SIGTERM, up to ${grace}s), keep it`,
        argv: docker_stopArgv(from.container, grace),
        run: async (ctx) => {
            await ctx.exec.run(docker_stopArgv(from.container, grace));
        },
        undo: {
            title: `start ${from.container} again`,
            run: async (ctx) => {
                await ctx.exec.run(docker_startArgv(from.container), { allowFailure: true });
            },
        },
    };
    const steps = [];
    if (mode === 'proxy') {
        if (!running(to.container))
            steps.push(start);
        steps.push(ready);
        const before = seen.routed ?? [];
        steps.push({
            id: 'route',
            title: `route all traffic to ${to.color} (${to.container}, port ${to.port})`,
            run: async (ctx) => {
                if (!ctx.proxy)
                    throw new Error('no traffic proxy configured');
                await ctx.proxy.route(ctx.exec, [{ color: to.color, port: to.port, weight: 100 }]);
                marks.switched?.(ctx.clock.now());
            },
            undo: before.length
                ? {
                    title: `route back to ${before.map((b) => `${b.color}:${b.weight}%`).join(', ')}`,
                    run: async (ctx) => {
                        await ctx.proxy?.route(ctx.exec, before);
                    },
                }
                : undefined,
        });
        if (running(from.container)) {
            steps.push({
                id: 'drain',
                title: `drain ${from.color} (${from.container}) for up to ${settings.drainSeconds}s`,
                run: async (ctx) => {
                    await ctx.proxy?.drain(ctx.exec, from.color, settings.drainSeconds, ctx.clock);
                },
            });
            steps.push({ ...stopCurrent, undo: undefined });
        }
    }
    else {
        if (running(from.container))
            steps.push(stopCurrent);
        if (!running(to.container))
            steps.push(start);
        steps.push({
            ...ready,
            id: 'gate',
            title: `${ready.title}; no 409/Conflict/AUTH_KEY_DUPLICATED for ${settings.gateWindowSeconds}s`,
            run: async (ctx) => {
                const since = new Date(ctx.clock.now() - 5000).toISOString();
                const g = gctx(ctx, to, settings, since);
                await gates_waitReady(g, [gates_runningGate, gates_httpGate], settings.healthTimeoutSeconds);
                marks.switched?.(ctx.clock.now());
                const end = ctx.clock.now() + settings.gateWindowSeconds * 1000;
                for (;;) {
                    for (const gate of [gates_runningGate, gates_logGate()]) {
                        const r = await gate(g);
                        if (!r.ok)
                            throw new errors_StepError('gate', `gate ${r.name} failed: ${r.evidence}`);
                    }
                    if (ctx.clock.now() >= end)
                        break;
                    await ctx.clock.sleep(1000);
                }
            },
        });
    }
    return steps;
}
/** The engine's plan printout, headed as a rollback. */
function rollbackText(plan) {
    return plan_planText(plan).replace(/^Deploy /, 'Rollback of ');
}
function asPlan(plan, mode, steps, notes) {
    return {
        app: plan.app,
        strategy: mode === 'proxy' ? 'proxy switch' : 'handover',
        releaseId: plan.to.id,
        image: plan.to.image,
        color: plan.to.color ?? 'blue',
        container: plan.to.container,
        port: plan.to.port,
        current: plan.from,
        release: plan.to,
        steps,
        cleanup: [],
        notes: [rollbackSummaryLine(plan), ...notes],
    };
}
/**
 * Plans (from the host's state) and executes a rollback on one host. Dry-run reads and prints
 * only. Throws StepError('rollback', ...) when refused (unknown target, pruned container,
 * irreversible migration without force) before anything changes, and a StepError naming the
 * failed step after the undos ran.
 */
async function rollback(settings, deps, marks = {}) {
    const { exec, host, log, clock } = deps;
    const started = clock.now();
    const paths = host.appPaths(settings.stateBase, settings.app);
    let switchedAt;
    const local = {
        switched: (at) => {
            switchedAt = at;
            marks.switched?.(at);
        },
    };
    const prepare = async () => {
        const seen = await look(settings, deps);
        const state = await withMigrationLabels(exec, seen.state, log);
        const plan = planRollback(state, settings.to, { force: settings.force });
        if (!seen.containers.some((c) => c.name === plan.to.container))
            throw new errors_StepError('rollback', `${exec.where}: the container ${plan.to.container} of release ${plan.to.id} is gone (pruned: keep-releases); deploy its image ${plan.to.image} again instead`);
        const mode = rollbackMode(plan, seen.proxy);
        const notes = [];
        if (plan.forced)
            notes.push(`force: rolling back past the irreversible migration of ${plan.irreversible.map((r) => r.id).join(', ')}`);
        const steps = rollbackSteps(plan, mode, settings, seen, local);
        return { seen, state, plan, mode, steps: asPlan(plan, mode, steps, notes) };
    };
    if (settings.dryRun) {
        const p = await prepare();
        log.info(`dry-run: nothing changes on ${exec.where}\n${rollbackText(p.steps)}`);
        return {
            dryRun: true,
            plan: p.plan,
            mode: p.mode,
            steps: p.steps,
            totalMs: clock.now() - started,
        };
    }
    await exec.run(['mkdir', '-p', paths.dir]);
    const ttl = Math.max(300, 2 *
        (settings.healthTimeoutSeconds +
            settings.drainSeconds +
            settings.stopGraceSeconds +
            settings.gateWindowSeconds) +
        120);
    const lock = await host.acquireLock(exec, paths.lock, { ...deps.holder, startedAt: new Date(started).toISOString() }, { ttlSeconds: ttl, timeoutSeconds: settings.lockTimeoutSeconds, clock, log });
    try {
        const p = await prepare();
        log.info(rollbackText(p.steps));
        if (p.plan.forced)
            log.warn(p.steps.notes[1] ?? 'forced');
        const firstStep = clock.now();
        const result = await execute_execute(p.steps, {
            exec,
            clock,
            log,
            host,
            proxy: p.seen.proxy,
            httpTool: p.seen.httpTool,
            extraGates: [],
            facts: { waitMs: 0 },
        });
        if (result.ok) {
            try {
                await host.writeState(exec, paths, stateAfter(p.state, p.plan));
            }
            catch (error) {
                // The target serves, but the state says otherwise: say so loudly, the next deploy
                // reconciles from what runs and what the proxy routes.
                log.error(`state.json not updated after the rollback: ${errors_errorMessage(error)}`);
                throw new errors_StepError('state', `rolled back, but state.json was not updated: ${errors_errorMessage(error)}`);
            }
        }
        await host
            .appendAudit(exec, paths, {
            at: new Date(clock.now()).toISOString(),
            actor: deps.holder.actor,
            action: 'rollback',
            release: p.plan.to.id,
            image: p.plan.to.image,
            result: result.ok ? 'success' : 'failure',
            detail: [
                `from ${p.plan.from.id}`,
                settings.reason,
                p.plan.forced
                    ? `forced past the irreversible migration of ${p.plan.irreversible.map((r) => r.id).join(', ')}`
                    : undefined,
                result.error?.message,
            ]
                .filter(Boolean)
                .join('; '),
            url: deps.holder.url,
            runId: deps.holder.runId,
        })
            .catch((error) => log.warn(`audit entry not written: ${errors_errorMessage(error)}`));
        const report = {
            dryRun: false,
            plan: p.plan,
            mode: p.mode,
            steps: p.steps,
            result,
            totalMs: clock.now() - started,
            switchMs: switchedAt === undefined ? undefined : switchedAt - firstStep,
        };
        if (!result.ok)
            throw new RollbackError(result.error, report);
        return report;
    }
    finally {
        await lock.release().catch((error) => log.warn(`lock not released: ${String(error)}`));
    }
}
class RollbackError extends errors_StepError {
    report;
    constructor(cause, report) {
        super(cause.step, `${cause.message.slice(cause.step.length + 2)}; undone: ${report.plan.from.id} still serves`);
        this.report = report;
        this.name = 'RollbackError';
    }
}

;// CONCATENATED MODULE: ./src/rollback/proxy.ts
/**
 * Which proxy serves the current release (pure): the one its deploy recorded (`proxy`, and the
 * haproxy frontend port); for a state written before releases recorded it, nginx when the
 * release has a color and a port (it took HTTP traffic), none otherwise.
 */
function servedBehind(current) {
    if (!current)
        return undefined;
    switch (current.proxy) {
        case 'none':
            return undefined;
        case 'nginx':
            return { kind: 'nginx' };
        case 'haproxy': {
            const port = current.haproxyFrontendPort;
            return {
                kind: 'haproxy',
                frontendPort: typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536
                    ? port
                    : undefined,
            };
        }
        default:
            return current.color && current.port !== undefined ? { kind: 'nginx' } : undefined;
    }
}

;// CONCATENATED MODULE: ./src/rollback/summary.ts

const ms = (n) => n === undefined ? '' : n < 10_000 ? `${n} ms` : `${(n / 1000).toFixed(1)} s`;
const summary_cell = (text) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
/** The job summary: per host from/to, how, how long; then the plan and its steps. */
function rollbackSummary(app, outcomes, dryRun) {
    const lines = [
        `### tg-devops rollback: ${app}${dryRun ? ' (dry-run: nothing changed)' : ''}`,
        '',
        '| host | result | from | to | image | how | to serving | total |',
        '| --- | --- | --- | --- | --- | --- | --- | --- |',
        ...outcomes.map((o) => {
            const r = o.report;
            const result = dryRun ? 'planned' : o.error ? 'failed' : 'rolled back';
            return `| ${o.host} | ${result} | ${r?.plan.from.id ?? ''} | ${r?.plan.to.id ?? ''} | ${r ? `\`${summary_cell(r.plan.to.image)}\`` : ''} | ${r ? (r.mode === 'proxy' ? 'proxy switch' : 'handover') : ''} | ${ms(r?.switchMs)} | ${ms(r?.totalMs)} |`;
        }),
    ];
    for (const o of outcomes) {
        if (o.error)
            lines.push('', `**${o.host}**: ${summary_cell(o.error)}`);
        const r = o.report;
        if (!r)
            continue;
        if (r.plan.forced)
            lines.push('', `> **forced** past the irreversible migration of ${r.plan.irreversible.map((x) => `\`${x.id}\``).join(', ')}`);
        lines.push('', `<details><summary>${o.host}: plan</summary>`, '', planMarkdown(r.steps), '', '</details>');
        if (r.result)
            lines.push('', '| step | status | time |', '| --- | --- | --- |', ...r.result.records.map((s) => `| ${summary_cell(s.title)} | ${s.status} | ${ms(s.ms)} |`));
    }
    return lines.join('\n');
}

;// CONCATENATED MODULE: ./actions/rollback/main.ts













const RELEASE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
function seconds(input, raw, min, max) {
    if (!/^\d+$/.test(raw))
        throw new errors_InputError(input, `expected whole seconds, got ${JSON.stringify(raw)}`);
    const value = Number(raw);
    if (value < min || value > max)
        throw new errors_InputError(input, `must be ${min}..${max}, got ${value}`);
    return value;
}
/** Everything from the inputs first: a bad input fails before any connection. */
function prepare(inputs) {
    const app = parseAppName(inputs.app);
    // `to` defaults to 'previous' on the runner: only a named `to` conflicts with release-id.
    const named = inputs.to === 'previous' ? '' : inputs.to;
    if (named && inputs.releaseId && named !== inputs.releaseId)
        throw new errors_InputError('release-id', `is an alias of to: give one, not both (to: ${inputs.to})`);
    const to = named || inputs.releaseId;
    if (to && to !== 'previous' && !RELEASE_ID.test(to))
        throw new errors_InputError(named ? 'to' : 'release-id', `'${to.slice(0, 80)}' is not a release id (e.g. 20261130-041503) or 'previous'`);
    let stateBase;
    try {
        stateBase = paths_checkRemotePath(inputs.stateDir);
    }
    catch (error) {
        throw new errors_InputError('state-dir', errors_errorMessage(error));
    }
    const healthPath = inputs.healthPath === 'none' ? undefined : parseHealthPath(inputs.healthPath);
    const { targets, jump } = sshTargetsFrom(inputs.hosts, inputs.ssh);
    if (inputs.notify.telegramToken && !inputs.notify.chatId)
        throw new errors_InputError('notify-chat-id', 'is required with notify-telegram-token');
    const settings = {
        app,
        stateBase,
        to: to || undefined,
        force: inputs.force,
        dryRun: inputs.dryRun,
        healthPath,
        reason: inputs.reason.slice(0, 300) || undefined,
        stopGraceSeconds: seconds('stop-grace', inputs.stopGrace, 0, 3600),
        healthTimeoutSeconds: seconds('health-timeout', inputs.healthTimeout, 1, 3600),
        drainSeconds: seconds('drain-seconds', inputs.drainSeconds, 0, 3600),
        gateWindowSeconds: seconds('gate-window', inputs.gateWindow, 0, 3600),
        lockTimeoutSeconds: seconds('lock-timeout', inputs.lockTimeout, 0, 86400),
    };
    return { settings, targets, jump, proxy: proxyResolver(app, inputs) };
}
const AS_DEPLOYED = "the app's frontend port, as deployed";
/**
 * proxy: auto (the default) switches with the proxy the current release was deployed behind (its
 * record in the state: nginx, haproxy with its frontend port, or none); for a release recorded
 * before that, with nginx when it takes HTTP traffic (it has a color and a port), and with no
 * proxy otherwise (polling, MTProto, worker).
 */
function proxyResolver(app, inputs) {
    const p = inputs.proxy;
    const kind = p.kind;
    if (!['auto', 'nginx', 'haproxy', 'none'].includes(kind))
        throw new errors_InputError('proxy', `expected auto, nginx, haproxy or none, got ${JSON.stringify(kind)}`);
    if (kind === 'none')
        return () => undefined;
    if (kind === 'haproxy') {
        const fixed = proxyFrom('haproxy', app, p, { frontendPortHint: AS_DEPLOYED });
        return () => fixed;
    }
    const nginx = proxyFrom('nginx', app, p); // validates the settings now
    if (kind === 'nginx')
        return () => nginx;
    const haproxy = new Map();
    return (current) => {
        const behind = servedBehind(current);
        if (!behind)
            return undefined;
        if (behind.kind === 'nginx')
            return nginx;
        // The port the release recorded; else the input; else an InputError that says so.
        const port = behind.frontendPort ?? (frontendPortFrom(p['haproxy-frontend-port']) || undefined);
        const made = (port !== undefined && haproxy.get(port)) ||
            proxyFrom('haproxy', app, p, {
                frontendPort: port,
                frontendPortHint: `release ${current?.id ?? '?'} was deployed behind haproxy and recorded no frontend port: ${AS_DEPLOYED}`,
            });
        if (port !== undefined)
            haproxy.set(port, made);
        return made;
    };
}
async function run(inputs, deps) {
    const { settings, targets, jump, proxy } = prepare(inputs);
    const { env } = deps;
    const links = runLinks(env);
    const ssh = await connectSsh(inputs.ssh, targets, jump, deps);
    const outcomes = [];
    try {
        for (const target of targets) {
            const outcome = await rollbackOne(target, {
                settings,
                proxy,
                ssh,
                deps,
                runUrl: links.runUrl,
            });
            outcomes.push(outcome);
            if (outcome.error)
                break;
        }
    }
    finally {
        deps.writeSummary(rollbackSummary(settings.app, outcomes, settings.dryRun));
        ssh.remove();
    }
    const first = outcomes.find((o) => o.report)?.report;
    deps.setOutputs({
        'release-id': first?.plan.to.id ?? '',
        image: first?.plan.to.image ?? '',
        'rolled-back-from': first?.plan.from.id ?? '',
    });
    const failed = outcomes.find((o) => o.error);
    if (!settings.dryRun)
        await tell(inputs, settings, outcomes, failed, deps);
    if (failed) {
        const skipped = targets.length - outcomes.length;
        throw new Error(`${failed.host}: ${failed.error}${skipped ? ` (${skipped} host(s) not rolled back: stopped at the first failure)` : ''}`);
    }
}
async function rollbackOne(target, ctx) {
    const { deps } = ctx;
    const host = formatTarget(target);
    return ctx.ssh.withSession(target, async (session) => {
        const report = await deps.log.group(`roll back ${host}`, () => rollback(ctx.settings, {
            exec: session,
            host: hostPrimitives,
            proxy: ctx.proxy,
            clock: deps.clock,
            log: deps.log,
            holder: runHolder(deps.env, ctx.runUrl),
        }));
        return { host, report };
    }, (error) => {
        deps.log.error(`${host}: ${errors_errorMessage(error)}`);
        return {
            host,
            error: errors_errorMessage(error),
            report: error instanceof RollbackError ? error.report : undefined,
        };
    });
}
/** The ops chat and the webhook hear about a rollback, done or failed. Never fails the step. */
async function tell(inputs, settings, outcomes, failed, deps) {
    const n = inputs.notify;
    const targets = {};
    if (n.telegramToken && n.chatId)
        targets.telegram = { token: n.telegramToken, chatId: n.chatId, apiUrl: n.telegramApiUrl };
    if (n.webhookUrl)
        targets.webhook = { url: n.webhookUrl, secret: n.webhookSecret || undefined };
    if (!targets.telegram && !targets.webhook)
        return;
    const done = outcomes.filter((o) => o.report && !o.error);
    const plan = (failed ?? done[0])?.report?.plan;
    const links = runLinks(deps.env);
    await notify({
        event: failed ? 'failure' : 'rollback',
        app: settings.app,
        version: plan ? `${plan.to.id} (${plan.to.image})` : (settings.to ?? 'previous'),
        environment: n.environment,
        runUrl: links.runUrl,
        commitUrl: links.commitUrl,
        details: failed
            ? `rollback failed on ${failed.host}: ${failed.error}`
            : `rolled back from ${plan?.from.id ?? '?'} on ${done.map((o) => o.host).join(', ')}${settings.reason ? `: ${settings.reason}` : ''}${plan?.forced ? ' (forced past an irreversible migration)' : ''}`,
    }, targets, { fetch: deps.fetch, clock: deps.clock, log: deps.log });
}

;// CONCATENATED MODULE: ./actions/rollback/index.ts





runWithPost(() => run(readInputs(), runnerDeps()), removeSavedSshMaterial);


//# sourceMappingURL=index.js.map