/**
 * The reusable release and main workflows' `processes` (issue 13): the list is checked before
 * anything deploys (the step's script run the way a runner runs it, value only through env),
 * each process deploys from the bot's digest only after the one before succeeded, and a failure
 * rolls back the processes already deployed (in reverse) and then the bot.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../helpers/repo.js';

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
const CASES = [
  { file: 'release.yml', job: 'deploy', image: '${{ needs.resolve.outputs.image }}' },
  { file: 'main.yml', job: 'staging', image: '${{ needs.build.outputs.image }}' },
];
const steps = (file: string, job: string): Step[] =>
  (
    parse(readFileSync(join(ROOT, '.github/workflows', file), 'utf8')) as {
      jobs: Record<string, { steps: Step[] }>;
    }
  ).jobs[job]!.steps;
const P = "fromJSON(inputs.processes || '[]')";

function check(file: string, job: string, processes: string) {
  const step = steps(file, job).find((s) => s.name === 'check the processes list')!;
  // release.yml's also reads canary-approval (processes are refused with it)
  const { CANARY_APPROVAL, ...env } = step.env ?? {};
  expect(env).toEqual({ PROCESSES: '${{ inputs.processes }}' });
  if (CANARY_APPROVAL !== undefined) expect(CANARY_APPROVAL).toBe('${{ inputs.canary-approval }}');
  const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
    env: { PATH: process.env.PATH, PROCESSES: processes },
    encoding: 'utf8',
  });
  return { status: run.status, out: run.stdout + run.stderr };
}

describe.each(CASES)('$file: processes', ({ file, job, image }) => {
  it('the list is checked before the bot deploys', () => {
    const names = steps(file, job).map((s) => s.id ?? s.name);
    expect(names.indexOf('check the processes list')).toBeLessThan(names.indexOf('deploy'));
  });
  it.each([
    ['[]', 0],
    ['', 0],
    ['[{"app": "bot-worker", "command": "arq bot.worker.Settings", "bot-mode": "worker"}]', 0],
    [
      '[{"app": "a", "bot-mode": "worker", "singleton": true}, {"app": "b", "bot-mode": "worker"}]',
      0,
    ],
    ['{"app": "a"}', 1],
    ['[{"app": "a"}]', 1],
    ['[{"app": "a", "bot-mode": "worker", "cmd": "x"}]', 1],
    ['[{"app": "a", "bot-mode": "worker", "singleton": "yes"}]', 1],
    ['[1,2]', 1],
    ['not json $(id)', 1],
    [JSON.stringify([1, 2, 3, 4].map((n) => ({ app: `a${n}`, 'bot-mode': 'worker' }))), 1],
  ])('%s -> exit %i', (value, status) => {
    const result = check(file, job, value);
    expect(result.status).toBe(status);
    if (status) expect(result.out).toContain("::error::Input 'processes'");
  });
  it('three process slots deploy from the bot digest, in order, each only after the one before', () => {
    const all = steps(file, job);
    const deploys = all.filter((s) => s.id?.startsWith('process-'));
    expect(deploys.map((s) => s.id)).toEqual(['process-1', 'process-2', 'process-3']);
    deploys.forEach((s, i) => {
      // no failure()/always(): GitHub's implicit success() runs it only when all before passed
      expect(s.if).toBe(`${P}[${i}] != null`);
      expect(s.uses).toBe('org/tg-devops/deploy@v1');
      expect(s.with).toMatchObject({
        image,
        app: `\${{ ${P}[${i}].app }}`,
        command: `\${{ ${P}[${i}].command }}`,
        'bot-mode': `\${{ ${P}[${i}]['bot-mode'] }}`,
        singleton: `\${{ ${P}[${i}].singleton == true }}`,
      });
    });
    const ids = all.map((s) => s.id ?? s.name);
    expect(ids.indexOf('verify')).toBeLessThan(ids.indexOf('process-1'));
  });
  it('a failure rolls back the processes already deployed (last first), then the bot', () => {
    const all = steps(file, job);
    const rollbacks = all.filter((s) => s.uses === 'org/tg-devops/rollback@v1');
    expect(rollbacks.map((s) => s.with!.app)).toEqual([
      `\${{ ${P}[1].app }}`,
      `\${{ ${P}[0].app }}`,
      '${{ inputs.app }}',
    ]);
    expect(rollbacks[0]!.if).toBe(
      "failure() && steps.process-2.outcome == 'success' && steps.process-2.outputs.previous-image != ''",
    );
    expect(rollbacks[1]!.if).toContain("steps.process-1.outcome == 'success'");
    for (const n of [1, 2, 3])
      expect(rollbacks[2]!.if).toContain(`steps.process-${n}.outcome == 'failure'`);
    expect(rollbacks[2]!.if).toContain("steps.verify.outcome == 'failure'");
    const ids = all.map((s) => s.id ?? s.name);
    expect(ids.indexOf('process-3')).toBeLessThan(all.indexOf(rollbacks[0]!));
  });
});
