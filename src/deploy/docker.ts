import type { DeployConfig } from './config.js';
import type { Color } from './ports.js';

/** argv builders for the docker CLI on the host. Pure: values in, argv arrays out. */

export const LABEL_APP = 'tg-devops.app';
export const LABEL_RELEASE = 'tg-devops.release';
export const LABEL_COLOR = 'tg-devops.color';
export const LABEL_IMAGE = 'tg-devops.image';

export function containerName(app: string, releaseId: string): string {
  return `${app}-${releaseId}`;
}

export interface RunSpec {
  config: DeployConfig;
  releaseId: string;
  color: Color;
  envFile: string;
  /** The host port to publish on 127.0.0.1, when the app takes HTTP traffic. */
  port?: number;
}

/** The options shared by the app container and the pre-deploy one-off. */
function commonOptions(config: DeployConfig, envFile: string): string[] {
  const argv = ['--env-file', envFile];
  if (config.network) argv.push('--network', config.network);
  for (const v of config.volumes)
    argv.push('--volume', `${v.source}:${v.target}${v.readOnly ? ':ro' : ''}`);
  if (config.cpus) argv.push('--cpus', config.cpus);
  if (config.memory) argv.push('--memory', config.memory);
  argv.push(...config.extraOptions);
  return argv;
}

function labels(spec: { config: DeployConfig; releaseId: string; color: Color }): string[] {
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

function publish(config: DeployConfig, port: number | undefined): string[] {
  if (port === undefined) return [];
  // On the host network the app binds the port itself: it reads PORT (the twelve-factor way).
  if (config.network === 'host') return ['--env', `PORT=${port}`];
  return ['--publish', `127.0.0.1:${port}:${config.containerPort}`];
}

/** `docker create`: everything but starting it, so a handover's gap holds only the start. */
export function createArgv(spec: RunSpec): string[] {
  return [
    'docker',
    'create',
    '--name',
    containerName(spec.config.app, spec.releaseId),
    ...labels(spec),
    '--restart',
    'unless-stopped',
    '--stop-timeout',
    String(spec.config.stopGraceSeconds),
    ...publish(spec.config, spec.port),
    ...commonOptions(spec.config, spec.envFile),
    '--',
    spec.config.image.raw,
    // the process's own command (one image, several processes); argv, never a shell string
    ...(spec.config.command ?? []),
  ];
}

/** A one-off container of the new image for the pre-deploy command (migrations). */
export function preDeployArgv(config: DeployConfig, releaseId: string, envFile: string): string[] {
  if (!config.preDeploy) throw new Error('no pre-deploy command');
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

export const startArgv = (name: string) => ['docker', 'start', name];
export const stopArgv = (name: string, graceSeconds: number) => [
  'docker',
  'stop',
  '-t',
  String(graceSeconds),
  name,
];
export const removeArgv = (name: string) => ['docker', 'rm', '--force', name];
export const pullArgv = (image: string, dockerConfig?: string) =>
  dockerConfig ? ['docker', '--config', dockerConfig, 'pull', image] : ['docker', 'pull', image];

/** The image label that declares what a release's migration (pre-deploy) does to the schema. */
export const MIGRATION_LABEL = 'org.tg-devops.migration';
export type MigrationLabel = 'irreversible' | 'reversible';
export const imageLabelsArgv = (image: string) => [
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
export function parseMigrationLabel(stdout: string): MigrationLabel | undefined {
  const labels = JSON.parse(stdout.trim() || 'null') as Record<string, unknown> | null;
  const raw = labels?.[MIGRATION_LABEL];
  const label = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
  return label === 'irreversible' || label === 'reversible' ? label : undefined;
}

/**
 * Release.irreversibleMigration at deploy time: the image label decides when present
 * (reversible -> false, irreversible -> true); without it, a release that ran a pre-deploy is
 * taken as irreversible (the safe default), and one that did not records nothing.
 */
export function migrationMark(
  hadPreDeploy: boolean,
  label: MigrationLabel | undefined,
): boolean | undefined {
  if (label === 'irreversible') return true;
  if (label === 'reversible') return false;
  return hadPreDeploy ? true : undefined;
}

export const loginArgv = (server: string, username: string, dockerConfig: string) => [
  'docker',
  '--config',
  dockerConfig,
  'login',
  '--username',
  username,
  '--password-stdin',
  server,
];
export const inspectArgv = (name: string) => [
  'docker',
  'inspect',
  '--type',
  'container',
  '--format',
  '{{json .State}}',
  name,
];
export const logsArgv = (name: string, since: string) => ['docker', 'logs', '--since', since, name];
/** All the app's containers, one JSON object per line. */
export const listArgv = (app: string) => [
  'docker',
  'ps',
  '--all',
  '--no-trunc',
  '--filter',
  `label=${LABEL_APP}=${app}`,
  '--format',
  '{{json .}}',
];

export interface ContainerInfo {
  name: string;
  state: string;
  releaseId?: string;
  color?: Color;
  image?: string;
  createdAt?: string;
}

/** Parses `docker ps --format '{{json .}}'` lines. */
export function parseContainerList(stdout: string): ContainerInfo[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => {
      const row = JSON.parse(line) as Record<string, string>;
      const labelMap = new Map<string, string>();
      for (const pair of (row.Labels ?? '').split(',')) {
        const eq = pair.indexOf('=');
        if (eq > 0) labelMap.set(pair.slice(0, eq), pair.slice(eq + 1));
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

export interface ContainerState {
  Status: string;
  Running: boolean;
  Restarting: boolean;
  ExitCode: number;
  StartedAt: string;
  FinishedAt: string;
  Health?: { Status: string; FailingStreak?: number; Log?: { Output?: string }[] };
}

export function parseState(stdout: string): ContainerState {
  return JSON.parse(stdout.trim()) as ContainerState;
}
