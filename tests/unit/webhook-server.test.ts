import { describe, expect, it } from '@jest/globals';
import { InputError } from '../../src/errors.js';
import {
  parseHostFile,
  parseWebhookSecret,
  parseWebhookUrl,
  renderWebhookServer,
  webhookServerFile,
} from '../../src/proxy/webhook-server.js';

const named = (f: () => unknown): string => {
  try {
    f();
  } catch (error) {
    if (error instanceof InputError) return `${error.input}: ${error.message}`;
    throw error;
  }
  throw new Error('accepted');
};

describe('webhook-url', () => {
  it('takes https URLs on the ports Telegram calls', () => {
    expect(parseWebhookUrl('https://Bot.Example.net/telegram/webhook')).toEqual({
      host: 'bot.example.net',
      port: 443,
      path: '/telegram/webhook',
    });
    expect(parseWebhookUrl('https://203.0.113.5:8443/hook').port).toBe(8443);
    expect(parseWebhookUrl('https://bot.example.net:88/').path).toBe('/');
  });
  it.each([
    ['http://bot.example.net/hook', 'https'],
    ['https://bot.example.net:8080/hook', 'only to ports 443, 80, 88, 8443'],
    ['https://bot.example.net/hook?x=1', 'query'],
    ['https://u:p@bot.example.net/hook', 'credentials'],
    ['https://bot.example.net/a;b', 'path'],
    ['https://bot.example.net/a%20b', 'path'],
    ['https://bot.example.net/a/../b', 'path'],
    ['https://bot.example.net/a$host', 'path'],
    ['https://bot.example.net/a%7Bb', 'path'],
    ['https://[::1]/hook', 'host'],
    ['not a url', 'not a URL'],
  ])('%s is refused naming webhook-url (%s)', (url, why) => {
    const message = named(() => parseWebhookUrl(url));
    expect(message.startsWith('webhook-url: ')).toBe(true);
    expect(message).toContain(why);
  });
});

describe('tls paths and the secret', () => {
  it('paths are absolute and plain', () => {
    expect(parseHostFile('/etc/letsencrypt/live/bot/fullchain.pem', 'tls-certificate')).toBe(
      '/etc/letsencrypt/live/bot/fullchain.pem',
    );
    for (const bad of ['cert.pem', '/etc/x y.pem', '/etc/x;.pem', '/etc/../x', '/etc/$x', '/a"b'])
      expect(named(() => parseHostFile(bad, 'tls-key'))).toMatch(/^tls-key: /);
  });
  it("the secret follows Telegram's rule", () => {
    expect(parseWebhookSecret('Abc_12-3')).toBe('Abc_12-3');
    for (const bad of ['', 'a b', 'a"b', 'a;b', 'x'.repeat(257), 'é'])
      expect(named(() => parseWebhookSecret(bad))).toMatch(/^webhook-secret: /);
  });
});

describe('renderWebhookServer', () => {
  const server = {
    app: 'my-bot',
    host: 'bot.example.net',
    port: 8443,
    path: '/telegram/hook',
    certificate: '/etc/ssl/bot/fullchain.pem',
    key: '/etc/ssl/bot/privkey.pem',
  };
  it('TLS on the port, the exact path to the upstream, nothing else served', () => {
    const text = renderWebhookServer(server);
    expect(text).toContain('    listen 8443 ssl;\n');
    expect(text).toContain('    server_name bot.example.net;\n');
    expect(text).toContain('    ssl_certificate /etc/ssl/bot/fullchain.pem;\n');
    expect(text).toContain('    ssl_certificate_key /etc/ssl/bot/privkey.pem;\n');
    expect(text).toContain('    location = /telegram/hook {\n');
    expect(text).toContain('        proxy_pass http://tg_my-bot;\n');
    expect(text).toContain('    location / { return 404; }\n');
    expect(text).not.toContain('return 403');
    expect(text).not.toContain('map ');
  });
  it('with a secret: a map refuses every other header value with 403 before the bot', () => {
    const text = renderWebhookServer({
      ...server,
      secret: 's3cret_-X',
      listenAddress: '127.0.0.1',
    });
    expect(text).toContain(
      'map $http_x_telegram_bot_api_secret_token $tg_my_bot_webhook_refused {\n    default 1;\n    "s3cret_-X" 0;\n}\n',
    );
    expect(text).toContain('    listen 127.0.0.1:8443 ssl;\n');
    const location = text.slice(text.indexOf('location = '));
    expect(location.indexOf('return 403')).toBeLessThan(location.indexOf('proxy_pass'));
  });
  it('refuses hostile values instead of writing them into the config', () => {
    expect(named(() => renderWebhookServer({ ...server, path: '/x; }' }))).toMatch(
      /^webhook-url: /,
    );
    expect(named(() => renderWebhookServer({ ...server, secret: 'a" 0; }' }))).toMatch(
      /^webhook-secret: /,
    );
    expect(
      named(() => renderWebhookServer({ ...server, key: '/k;\ninclude /etc/passwd' })),
    ).toMatch(/^tls-key: /);
    expect(
      named(() => renderWebhookServer({ ...server, listenAddress: '0.0.0.0 ssl; #' })),
    ).toMatch(/^webhook-listen: /);
  });
  it('lives in its own include file beside the upstream', () => {
    expect(webhookServerFile('/etc/nginx/conf.d/', 'my-bot')).toBe(
      '/etc/nginx/conf.d/tg-my-bot.webhook.conf',
    );
  });
});
