import {
  getBool,
  getEnum,
  getInt,
  getLines,
  getList,
  getSecret,
  getString,
} from '../../src/github/inputs.js';
import type { RawDeployInputs } from '../../src/deploy/config.js';
import type { RawCheckInputs } from '../../src/health/inputs.js';
import { INCONCLUSIVE_MODES, type InconclusiveMode } from '../../src/rollback/window.js';

import type { RawProxyInputs } from '../../src/proxy/index.js';
import type { SshInputs } from '../../src/ssh/connect.js';

/** The only place this action reads its inputs. Validation happens in src/deploy/config.ts. */
export interface Inputs {
  raw: RawDeployInputs;
  hosts: string[];
  batchSize: number;
  ssh: SshInputs;
  proxy: RawProxyInputs;
  github: { token: string; environment: string; environmentUrl: string; transient: boolean };
  /** The verify checks plugged into the deploy gates (validated by src/health/inputs.ts). */
  verify: {
    checks: RawCheckInputs;
    /** Seconds of the post-switch window when set; -1: gate-window decides. */
    windowSeconds: number;
    pauseSeconds: number;
    onInconclusive: InconclusiveMode;
  };
  notify: { telegramToken: string; chatId: string; webhookUrl: string; webhookSecret: string };
}

export function readInputs(): Inputs {
  return {
    raw: {
      app: getString('app'),
      image: getString('image'),
      'bot-mode': getString('bot-mode'),
      strategy: getString('strategy'),
      'container-port': getString('container-port'),
      'host-ports': getString('host-ports'),
      'health-path': getString('health-path'),
      env: getSecret('env'),
      volumes: getString('volumes'),
      cpus: getString('cpus'),
      memory: getString('memory'),
      network: getString('network'),
      'docker-options': getString('docker-options'),
      registry: getString('registry'),
      'registry-username': getString('registry-username'),
      'registry-password': getSecret('registry-password'),
      'canary-steps': getString('canary-steps'),
      'step-interval': getString('step-interval'),
      'drain-seconds': getString('drain-seconds'),
      'stop-grace': getString('stop-grace'),
      'gate-window': getString('gate-window'),
      'health-timeout': getString('health-timeout'),
      'pre-deploy': getString('pre-deploy'),
      backup: getString('backup'),
      'backup-keep': getString('backup-keep'),
      'backup-database-url-variable': getString('backup-database-url-variable'),
      'lock-timeout': getString('lock-timeout'),
      'keep-releases': getString('keep-releases'),
      'dry-run': getString('dry-run'),
      'state-dir': getString('state-dir'),
      proxy: getString('proxy'),
    },
    hosts: getList('hosts'),
    batchSize: getInt('batch-size', 1, { min: 1, max: 50 }),
    ssh: {
      key: getSecret('ssh-key'),
      knownHosts: getString('known-hosts'),
      fingerprints: getList('host-fingerprint'),
      jumpHost: getString('jump-host'),
    },
    proxy: {
      'nginx-conf-dir': getString('nginx-conf-dir', '/etc/nginx/conf.d'),
      'nginx-test-command': getString('nginx-test-command', 'nginx -t'),
      'nginx-reload-command': getString('nginx-reload-command', 'nginx -s reload'),
      'haproxy-socket': getString('haproxy-socket', '/run/haproxy/admin.sock'),
      'haproxy-config': getString('haproxy-config', '/etc/haproxy/haproxy.cfg'),
      'haproxy-reload-command': getString('haproxy-reload-command', 'systemctl reload haproxy'),
      'haproxy-check-command': getString('haproxy-check-command', 'haproxy -c -q -f {config}'),
      'haproxy-frontend-port': getString('haproxy-frontend-port'),
    },
    github: {
      token: getSecret('github-token'),
      environment: getString('environment', 'production'),
      environmentUrl: getString('environment-url'),
      transient: getBool('transient-environment', false),
    },
    verify: {
      checks: {
        httpUrls: getLines('verify-http-url'),
        httpStatus: getList('verify-http-status'),
        httpBody: getString('verify-http-body'),
        httpJsonPath: getString('verify-http-json-path'),
        httpLatencyMs: getInt('verify-http-latency-ms', 0, { min: 0 }),
        prometheusUrl: getString('verify-prometheus-url'),
        prometheusChecks: getList('verify-prometheus-checks'),
        prometheusQueries: getLines('verify-prometheus-queries'),
        prometheusSelector: getString('verify-prometheus-selector'),
        prometheusRange: getString('verify-prometheus-range', '5m'),
        minSamples: getInt('verify-min-samples', 20, { min: 0 }),
        prometheusStatusLabel: getString('verify-prometheus-status-label', 'code'),
        prometheusToken: getSecret('verify-prometheus-token'),
        logPatterns: getLines('verify-log-patterns'),
        telegramBotToken: getSecret('verify-telegram-bot-token'),
        telegramApiUrl: getString('telegram-api-url', 'https://api.telegram.org'),
        telegramWebhookUrl: getString('verify-telegram-webhook-url'),
      },
      windowSeconds: getInt('verify-window', -1, { min: 0, max: 3600 }),
      pauseSeconds: getInt('verify-pause', 60, { min: 0, max: 3600 }),
      onInconclusive: getEnum('on-inconclusive', INCONCLUSIVE_MODES, 'pause'),
    },
    notify: {
      telegramToken: getSecret('notify-telegram-token').trim(),
      chatId: getString('notify-chat-id'),
      webhookUrl: getSecret('notify-webhook-url').trim(),
      webhookSecret: getSecret('notify-webhook-secret').trim(),
    },
  };
}
