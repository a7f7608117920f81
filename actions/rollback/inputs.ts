import { getBool, getList, getSecret, getString } from '../../src/github/inputs.js';

import type { RawProxyInputs } from '../../src/proxy/index.js';
import type { SshInputs } from '../../src/ssh/connect.js';

/** The only place this action reads its inputs. Validation happens in main.ts (prepare). */
export interface Inputs {
  hosts: string[];
  ssh: SshInputs;
  app: string;
  stateDir: string;
  /** `to` and its alias `release-id` (what the reusable workflow passes). */
  to: string;
  releaseId: string;
  force: boolean;
  dryRun: boolean;
  reason: string;
  healthPath: string;
  stopGrace: string;
  healthTimeout: string;
  drainSeconds: string;
  gateWindow: string;
  lockTimeout: string;
  /** proxy (auto, nginx, haproxy, none) and the proxy settings by input name. */
  proxy: RawProxyInputs & { kind: string };
  notify: {
    telegramToken: string;
    chatId: string;
    telegramApiUrl: string;
    webhookUrl: string;
    webhookSecret: string;
    environment: string;
  };
}

export function readInputs(): Inputs {
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
