/**
 * A plan's steps as data: a union of kinds, each with its effect (printable, serialisable) and
 * its undo (data too). Deploy, rollback and the CLI build plans from these kinds only; the
 * executor (execute.ts) interprets them, the checker (rules.ts) proves the safety rules on them
 * before anything runs. Secrets never appear here: a step names the secret it needs
 * (`stdin: 'registry-password'`, `content: 'env-file'`) and the executor supplies it.
 */
import type { AppState, RecordedWebhook, Release } from '../host/state.js';
import type { Color } from '../proxy/types.js';
import { formatBytes, type SpaceCheck } from './disk.js';

/** A container as a plan refers to it: which release it runs, on which color and port. */
export interface ContainerRef {
  name: string;
  release: string;
  color?: Color;
  port?: number;
}

/** One backend of a route: a color, its port, its weight, and the container behind it. */
export interface RouteTarget {
  color: Color;
  port: number;
  weight: number;
  container: string;
}

/** The checks a gate runs. `verify` stands for the verify action's checks (deploy verify-*). */
export type GateCheck = 'container-running' | 'http-health' | 'log-conflicts' | 'verify';

export type Action =
  | {
      kind: 'command';
      argv: readonly string[];
      /** A secret sent on stdin, by name (never in the plan). */
      stdin?: 'registry-password';
    }
  | {
      kind: 'container';
      op: 'create' | 'start' | 'stop' | 'remove';
      container: ContainerRef;
      argv: readonly string[];
      /** A handover's stop of the serving release: traffic pauses until the new one is routed. */
      gap?: boolean;
    }
  | {
      kind: 'pull';
      image: string;
      argv: readonly string[];
      labelsArgv: readonly string[];
      /** Before pulling: refuse when the image would not fit with the margin (disk.ts). */
      space?: SpaceCheck;
    }
  | {
      kind: 'prune-images';
      /** Images of removed containers and gone releases (never forced; docker keeps used ones). */
      images: readonly string[];
      /** Images kept containers and the new release use: a candidate with the same id stays. */
      keep: readonly string[];
    }
  | {
      kind: 'pre-deploy';
      app: string;
      container: string;
      argv: readonly string[];
      /** How long to wait for a pre-deploy an earlier run left running (lock-timeout). */
      waitSeconds: number;
    }
  | {
      kind: 'backup';
      file: string;
      dir: string;
      app: string;
      variable: string;
      keep: number;
      argv: readonly string[];
    }
  | { kind: 'write-file'; path: string; mode: string; content: 'env-file'; variables: number }
  | { kind: 'route'; to: RouteTarget[] }
  | {
      kind: 'drain';
      /** The container whose requests must finish: its PORT is waited on, whatever routes now. */
      container: ContainerRef & { color: Color; port: number };
      seconds: number;
    }
  | {
      kind: 'gate';
      container: ContainerRef;
      /** Poll these until all pass (or the timeout; a fatal result fails at once). */
      ready?: { checks: GateCheck[]; timeoutSeconds: number };
      /** Wait before watching (a canary step's interval). */
      holdSeconds?: number;
      /** Run these every second for the window (0: once); the first failure fails. */
      watch?: { checks: GateCheck[]; seconds: number };
    }
  | { kind: 'measure-gap'; from: string; to: string }
  | WebhookServerAction
  | WebhookAction
  | {
      kind: 'record';
      state: AppState;
      /** The deploy's record: its migration mark follows the label the pull read. */
      migrationFromLabel?: { preDeploy: boolean };
    };

/** Where a webhook step takes the secret from at run time (never the plan). */
export type WebhookSecretSource = 'webhook-secret' | 'live-block' | 'none';

/**
 * The app's nginx server block for the webhook (src/proxy/webhook-server.ts), through the same
 * write / nginx -t / reload as the upstream. install: the block for `server`; with acceptLive it
 * also accepts the secret the live block accepts now, so deliveries Telegram still signs with the
 * old secret pass until setWebhook took the new one. restore: the block this run found (or none).
 */
export interface WebhookServerAction {
  kind: 'webhook-server';
  op: 'install' | 'restore';
  app: string;
  file: string;
  server?: {
    host: string;
    port: number;
    path: string;
    certificate: string;
    key: string;
    listenAddress?: string;
  };
  secret?: WebhookSecretSource;
  acceptLive?: boolean;
}

/**
 * The webhook registration with Telegram (src/deploy/webhook-registration.ts). register:
 * setWebhook when `wanted` differs from getWebhookInfo and the recorded secret hash, then confirm;
 * restore: set back the registration this run found, only when this run changed it; clear:
 * deleteWebhook when the token still has one (a polling bot's first start; pending updates kept).
 */
export interface WebhookAction {
  kind: 'webhook';
  op: 'register' | 'restore' | 'clear';
  wanted?: { url: string; allowedUpdates?: string[]; maxConnections?: number };
  secret?: WebhookSecretSource;
  /** With secret live-block: the app's block file, read at run time. */
  file?: string;
  /** What the state recorded of the live registration (its secret's hash). */
  recorded?: RecordedWebhook;
  dropPendingUpdates?: boolean;
}

/** What running an undo does: one or more actions, in order. Undos sharing a key run once. */
export interface Undo {
  title: string;
  key?: string;
  actions: Action[];
}

export interface Step {
  id: string;
  title: string;
  action: Action;
  undo?: Undo;
  /** A failure only warns (pruning old containers, logging out): the release is already good. */
  optional?: boolean;
  /** Seconds the step may take by its own settings; undefined: unbounded (a pull, a migration). */
  budgetSeconds?: number;
  /** When it completes, the new release serves (the rollback's and the summary's switch time). */
  serving?: boolean;
  /**
   * Brings a host a cut-off run left behind to the state the plan starts from (all traffic to
   * the running current release); not undone.
   */
  converges?: boolean;
}

/** The lock the plan runs under: refreshed every refreshSeconds by a timer, also during steps. */
export interface LockPlan {
  ttlSeconds: number;
  refreshSeconds: number;
}

/** What the host showed before the plan: the checker reasons from it. */
export interface HostBefore {
  running: ContainerRef[];
  /** What the proxy routed, with the container behind each color; empty without a proxy. */
  routed: RouteTarget[];
  /** Containers of releases that served last (state current and previous): never removed. */
  kept: string[];
}

/**
 * A canary held for approval, or resumed from a hold: `hold` ends with the canary at `weight`
 * (both releases running, the route split); `promote` and `abort` start from the recorded hold and
 * end with all traffic on the canary, or back on the release that served before.
 */
export interface CanaryPhase {
  phase: 'hold' | 'promote' | 'abort';
  weight: number;
  /** The canary held (or to hold). */
  held: Release;
}

export interface Plan {
  kind: 'deploy' | 'rollback';
  app: string;
  /** blue-green, canary, handover; for a rollback: proxy switch or handover. */
  strategy: string;
  botMode?: string;
  proxy: 'nginx' | 'haproxy' | 'none';
  releaseId: string;
  image: string;
  color?: Color;
  port?: number;
  container: string;
  /** What serves before the plan runs. */
  current?: Release;
  /** What serves after it. */
  release: Release;
  before: HostBefore;
  lock: LockPlan;
  steps: Step[];
  /** Run after the steps whatever happened (registry logout). */
  cleanup: Step[];
  notes: string[];
  /** A held canary, or one resumed from its hold (canary-hold, resume). */
  canary?: CanaryPhase;
}

// ---- effects: every action as one printable line ------------------------------------------------

export const routeText = (to: readonly RouteTarget[]): string =>
  to.length
    ? to.map((t) => `${t.color}:${t.weight}% (${t.container}, 127.0.0.1:${t.port})`).join(', ')
    : 'nothing';

/** The effect of an action in one line: what changes, where, and the command when there is one. */
export function effect(action: Action): string {
  switch (action.kind) {
    case 'command':
      return `$ ${action.argv.join(' ')}${action.stdin ? ` (${action.stdin} on stdin)` : ''}`;
    case 'container':
      return `$ ${action.argv.join(' ')}${action.gap ? ' (handover gap starts: nothing serves until the new release does)' : ''}`;
    case 'pull':
      return `${action.space ? `check free space in docker's data root (docker info, df -Pk) for the image + ${formatBytes(action.space.marginBytes)} min-free-disk; then ` : ''}$ ${action.argv.join(' ')}; then read its labels: $ ${action.labelsArgv.join(' ')}`;
    case 'prune-images':
      return `remove the images ${action.images.join(', ')} unless a kept release uses the same image (docker image rm, never forced); report the bytes freed`;
    case 'pre-deploy':
      return `$ ${action.argv.join(' ')} (after any pre-deploy an earlier run left running, up to ${action.waitSeconds}s)`;
    case 'backup':
      return `$ ${action.argv.join(' ')}; pg_restore --list ${action.file}; keep the newest ${action.keep} in ${action.dir}`;
    case 'write-file':
      return `write ${action.path} (mode ${action.mode}, ${action.variables} variable(s), content over stdin)`;
    case 'route':
      return `route: ${routeText(action.to)}`;
    case 'drain':
      return `wait until 127.0.0.1:${action.container.port} (${action.container.color}, ${action.container.name}) has no requests in flight, up to ${action.seconds}s`;
    case 'gate': {
      const parts: string[] = [];
      if (action.ready)
        parts.push(
          `poll ${action.ready.checks.join(', ')} until they pass (up to ${action.ready.timeoutSeconds}s)`,
        );
      if (action.holdSeconds) parts.push(`hold ${action.holdSeconds}s`);
      if (action.watch)
        parts.push(
          action.watch.seconds
            ? `watch ${action.watch.checks.join(', ')} every second for ${action.watch.seconds}s`
            : `check ${action.watch.checks.join(', ')} once`,
        );
      const port = action.container.port ? ` on 127.0.0.1:${action.container.port}` : '';
      return `gate ${action.container.name}${port}: ${parts.join(', then ')}`;
    }
    case 'measure-gap':
      return `read docker's FinishedAt of ${action.from} and StartedAt of ${action.to}`;
    case 'webhook-server':
      return action.op === 'restore'
        ? `put back the webhook server block ${action.file} this run found (or remove it), nginx -t, reload`
        : `write the webhook server block ${action.file}: TLS on ${action.server!.host}:${action.server!.port} (${action.server!.certificate}), ${action.server!.path} to the upstream${secretText(action.secret)}${action.acceptLive ? " (keeping the live block's secret and server until setWebhook moved Telegram; then waiting until nginx serves it)" : ''}; nginx -t; reload`;
    case 'webhook':
      return action.op === 'clear'
        ? 'getWebhookInfo; when a webhook is set: deleteWebhook (pending updates kept), getWebhookInfo confirms'
        : action.op === 'restore'
          ? 'when this run changed the registration: setWebhook back to what getWebhookInfo showed before (deleteWebhook when there was none)'
          : `getWebhookInfo; setWebhook ${action.wanted!.url}${secretText(action.secret)}${action.wanted!.allowedUpdates ? `, allowed_updates ${action.wanted!.allowedUpdates.join(',') || '(all)'}` : ''}${action.wanted!.maxConnections !== undefined ? `, max_connections ${action.wanted!.maxConnections}` : ''}${action.dropPendingUpdates ? ', drop_pending_updates' : ''} only when it differs; getWebhookInfo confirms`;
    case 'record':
      return `write state.json: current ${action.state.current?.id ?? 'none'}, previous ${action.state.previous?.id ?? 'none'}`;
  }
}

const secretText = (source: WebhookSecretSource | undefined) =>
  source === 'webhook-secret'
    ? ', secret_token from webhook-secret'
    : source === 'live-block'
      ? ', secret_token the live block accepts'
      : '';

/** The containers an action stops or removes (for the checker and for undo decisions). */
export function stops(action: Action): string | undefined {
  return action.kind === 'container' && (action.op === 'stop' || action.op === 'remove')
    ? action.container.name
    : undefined;
}
