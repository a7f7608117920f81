/**
 * Run as a script in a process group of its own (spawn with detached: true): opens an SSH session
 * to the sandbox, starts a command that takes 2 s, sends SIGINT to its WHOLE process group 0.7 s
 * in (what a terminal's Ctrl-C does), handles it as the CLI and the actions do (no exit), and
 * prints one JSON line: the in-flight command's result and whether a later command (an undo)
 * still runs over the same connection.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorMessage } from '../../src/errors.js';
import { recordingLog } from '../../src/log.js';
import { removeSshMaterial, writeSshMaterial } from '../../src/ssh/secrets.js';
import { openSession } from '../../src/ssh/session.js';
import { sandboxEnv } from './sandbox.js';

const env = sandboxEnv();
const target = {
  user: env.SANDBOX_SSH_USER!,
  host: env.SANDBOX_SSH_HOST!,
  port: Number(env.SANDBOX_SSH_PORT),
};
const dir = mkdtempSync(join(tmpdir(), 'tg-group-sigint-'));
const material = await writeSshMaterial({
  privateKey: readFileSync(env.SANDBOX_SSH_KEY!, 'utf8'),
  knownHosts: readFileSync(env.SANDBOX_SSH_KNOWN_HOSTS!, 'utf8'),
  targets: [target],
  log: recordingLog(),
  tempDir: dir,
});
const session = await openSession(target, {
  privateKeyFile: material.privateKeyFile,
  knownHostsFile: material.knownHostsFile,
  controlDir: material.controlDir,
  connectTimeoutSeconds: 5,
  log: recordingLog(),
});
let signals = 0;
process.on('SIGINT', () => signals++);
setTimeout(() => process.kill(-process.pid, 'SIGINT'), 700);
const inFlight = await session
  .run(['sh', '-c', 'sleep 2; echo finished'])
  .then((r) => `exit ${r.exitCode}: ${r.stdout.trim()}`)
  .catch((e: unknown) => errorMessage(e));
const after = await session
  .run(['echo', 'undo ran'])
  .then((r) => r.stdout.trim())
  .catch((e: unknown) => errorMessage(e));
await session.close();
removeSshMaterial(material.dir, { controlDir: material.controlDir });
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ signals, inFlight, after }));
