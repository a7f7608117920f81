import type { Clock } from '../../src/clock.js';
import { buildConfig, splitCommand, type DeployConfig } from '../../src/deploy/config.js';
import { deploy, DeployError, releaseIdAt, type DeployReport } from '../../src/deploy/engine.js';
import { createDeployment, type GithubDeployment } from '../../src/deploy/github-deployment.js';
import { hostPrimitives } from '../../src/deploy/ports.js';
import { summaryMarkdown, type HostOutcome } from '../../src/deploy/summary.js';
import { errorMessage, InputError } from '../../src/errors.js';
import { localExecutor, type Executor } from '../../src/exec.js';
import type { GitHubApi } from '../../src/github/api.js';
import type { Log } from '../../src/log.js';
import { createProxy, type ProxySettings, type TrafficProxy } from '../../src/proxy/index.js';
import { removeSshMaterial, writeSshMaterial, type SshMaterial } from '../../src/ssh/secrets.js';
import type { SshSession, SshSettings } from '../../src/ssh/session.js';
import { formatTarget, parseHost, type SshTarget } from '../../src/ssh/target.js';
import type { Inputs } from './inputs.js';

export interface Deps {
  log: Log;
  clock: Clock;
  env: Record<string, string | undefined>;
  setOutputs(outputs: Record<string, string | number | undefined>): void;
  writeSummary(markdown: string): void;
  saveState(name: string, value: string): void;
  writeSshMaterial: typeof writeSshMaterial;
  openSession: (target: SshTarget, settings: SshSettings) => Promise<SshSession>;
  api?: (token: string) => GitHubApi;
}

/** Builds everything from the inputs first: a bad input fails before any connection. */
export function prepare(inputs: Inputs): {
  config: DeployConfig;
  targets: SshTarget[];
  jump?: SshTarget;
  proxy?: TrafficProxy;
} {
  const config = buildConfig(inputs.raw);
  if (inputs.hosts.length === 0)
    throw new InputError('hosts', 'is required: one or more user@host[:port]');
  const targets = inputs.hosts.map((h) => parseHost(h, 'hosts'));
  const jump = inputs.ssh.jumpHost ? parseHost(inputs.ssh.jumpHost, 'jump-host') : undefined;
  if (!inputs.ssh.key.trim())
    throw new InputError('ssh-key', 'is required: the private key for the hosts');
  if (!inputs.ssh.knownHosts.trim() && inputs.ssh.fingerprints.length === 0)
    throw new InputError(
      'known-hosts',
      'or host-fingerprint is required: tg-devops never connects to an unverified host',
    );
  return { config, targets, jump, proxy: proxyFor(config, inputs) };
}

export function proxyFor(config: DeployConfig, inputs: Inputs): TrafficProxy | undefined {
  if (config.proxy === 'none') return undefined;
  const p = inputs.proxy;
  const frontendPort = p.haproxyFrontendPort ? Number(p.haproxyFrontendPort) : 0;
  if (
    config.proxy === 'haproxy' &&
    !(Number.isInteger(frontendPort) && frontendPort > 0 && frontendPort < 65536)
  )
    throw new InputError(
      'haproxy-frontend-port',
      "is required with proxy: haproxy (a free loopback port for the app's frontend)",
    );
  const settings: ProxySettings = {
    kind: config.proxy,
    app: config.app,
    nginx: {
      confDir: p.nginxConfDir,
      testCommand: splitCommand(p.nginxTestCommand, 'nginx-test-command'),
      reloadCommand: splitCommand(p.nginxReloadCommand, 'nginx-reload-command'),
    },
    haproxy: {
      socket: p.haproxySocket,
      configFile: p.haproxyConfig,
      reloadCommand: splitCommand(p.haproxyReloadCommand, 'haproxy-reload-command'),
      frontendPort: frontendPort || 1,
    },
  };
  try {
    return createProxy(settings);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError('proxy', errorMessage(error));
  }
}

export async function run(inputs: Inputs, deps: Deps): Promise<void> {
  const { config, targets, jump, proxy } = prepare(inputs);
  const { log, env } = deps;
  const releaseId = releaseIdAt(deps.clock.now());
  const runUrl =
    env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;

  const material: SshMaterial = await deps.writeSshMaterial({
    privateKey: inputs.ssh.key,
    knownHosts: inputs.ssh.knownHosts || undefined,
    hostFingerprints: inputs.ssh.fingerprints,
    targets: jump ? [...targets, jump] : targets,
    log,
    local: localExecutor(),
  });
  // The post step removes the key and known_hosts even when this step is cancelled.
  deps.saveState('ssh-dir', material.dir);
  deps.saveState('ssh-control-dir', material.controlDir);

  let deployment: GithubDeployment | undefined;
  if (inputs.github.token && !config.dryRun && deps.api && env.GITHUB_REPOSITORY) {
    deployment = await createDeployment(deps.api(inputs.github.token), {
      repository: env.GITHUB_REPOSITORY,
      ref: env.GITHUB_SHA ?? env.GITHUB_REF ?? 'HEAD',
      environment: inputs.github.environment,
      environmentUrl: inputs.github.environmentUrl || undefined,
      transient: inputs.github.transient,
      description: `${config.app} ${config.image.raw}`,
      logUrl: runUrl,
    });
    await deployment.status('in_progress', `deploying ${config.app} release ${releaseId}`);
  }

  const outcomes: HostOutcome[] = [];
  let failure: Error | undefined;
  try {
    for (let i = 0; i < targets.length && !failure; i += inputs.batchSize) {
      const batch = targets.slice(i, i + inputs.batchSize);
      const results = await Promise.all(
        batch.map((target) =>
          deployOne(target, { config, proxy, releaseId, runUrl, jump, material, deps }),
        ),
      );
      outcomes.push(...results);
      const failed = results.find((o) => o.error);
      if (failed) failure = new Error(`${failed.host}: ${failed.error}`);
    }
  } finally {
    deps.writeSummary(summaryMarkdown(config.app, outcomes, config.dryRun));
    removeSshMaterial(material.dir, { controlDir: material.controlDir });
  }
  const first = outcomes.find((o) => o.report)?.report;
  deps.setOutputs({
    image: config.image.raw,
    'previous-image': first?.plan.current?.image ?? '',
    color: first?.plan.color,
    'release-id': releaseId,
    'gap-ms': first?.facts.gapMs,
  });
  if (deployment)
    await deployment
      .status(
        failure ? 'failure' : 'success',
        failure ? 'deploy failed, rolled back' : `release ${releaseId} is live`,
      )
      .catch((error: unknown) =>
        log.warn(`GitHub deployment status not set: ${errorMessage(error)}`),
      );
  if (failure) {
    const stopped = targets.length - outcomes.length;
    throw new Error(
      `${failure.message}${stopped ? ` (${stopped} host(s) not deployed: stopped at the first failure)` : ''}`,
    );
  }
}

async function deployOne(
  target: SshTarget,
  ctx: {
    config: DeployConfig;
    proxy?: TrafficProxy;
    releaseId: string;
    runUrl?: string;
    jump?: SshTarget;
    material: SshMaterial;
    deps: Deps;
  },
): Promise<HostOutcome> {
  const { deps } = ctx;
  const host = formatTarget(target);
  let session: SshSession | undefined;
  try {
    session = await deps.openSession(target, {
      privateKeyFile: ctx.material.privateKeyFile,
      knownHostsFile: ctx.material.knownHostsFile,
      controlDir: ctx.material.controlDir,
      jump: ctx.jump,
      log: deps.log,
      clock: deps.clock,
    });
    const exec: Executor = session;
    const report: DeployReport = await deps.log.group(`deploy to ${host}`, () =>
      deploy(ctx.config, {
        exec,
        host: hostPrimitives,
        proxy: ctx.proxy,
        clock: deps.clock,
        log: deps.log,
        releaseId: ctx.releaseId,
        holder: {
          runId: deps.env.GITHUB_RUN_ID ?? `local-${process.pid}`,
          actor: deps.env.GITHUB_ACTOR ?? 'unknown',
          url: ctx.runUrl,
        },
      }),
    );
    return { host, report, ssh: { ...session.stats } };
  } catch (error) {
    deps.log.error(`${host}: ${errorMessage(error)}`);
    return {
      host,
      error: errorMessage(error),
      report: error instanceof DeployError ? error.report : undefined,
      gate: error instanceof DeployError ? error.gate : undefined,
      ssh: session ? { ...session.stats } : undefined,
    };
  } finally {
    await session?.close().catch(() => undefined);
  }
}

/** The post step: the SSH key and known_hosts go away, also after a cancel. */
export function post(state: { sshDir: string; controlDir: string }): void {
  if (state.sshDir) removeSshMaterial(state.sshDir, { controlDir: state.controlDir || undefined });
}
