/**
 * The reusable test workflow keeps its promises: real service containers with health checks,
 * the step order the issue asks for, least privilege (only the job that runs no PR code may
 * write), and no expression inside a shell script.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../helpers/repo.js';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
}
interface Job {
  permissions?: Record<string, string>;
  services?: Record<string, { image: string; options?: string; ports?: string[] }>;
  steps: Step[];
  needs?: string;
  if?: string;
  concurrency?: { group: string };
}

const text = readFileSync(join(ROOT, '.github/workflows/test.yml'), 'utf8');
const workflow = parse(text) as {
  on: { workflow_call: { inputs: Record<string, unknown>; outputs: Record<string, unknown> } };
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
};
const test = workflow.jobs.test!;
const comment = workflow.jobs.comment!;

describe('.github/workflows/test.yml', () => {
  it('is a reusable workflow with versions, directory, command and thresholds as inputs', () => {
    expect(Object.keys(workflow.on.workflow_call.inputs)).toEqual(
      expect.arrayContaining([
        'python-version',
        'postgres-version',
        'redis-version',
        'working-directory',
        'requirements',
        'test-command',
        'min-coverage',
        'min-diff-coverage',
      ]),
    );
    expect(Object.keys(workflow.on.workflow_call.outputs).sort()).toEqual([
      'coverage',
      'diff-coverage',
      'failures',
      'tests',
    ]);
  });

  it('runs Postgres and Redis service containers of the input versions, with health checks', () => {
    const { postgres, redis } = test.services!;
    expect(postgres!.image).toBe('postgres:${{ inputs.postgres-version }}');
    expect(postgres!.options).toMatch(/--health-cmd "pg_isready\b/);
    expect(redis!.image).toBe('redis:${{ inputs.redis-version }}');
    expect(redis!.options).toMatch(/--health-cmd "redis-cli ping"/);
  });

  it('checks out, sets up Python, restores the cache keyed by the requirements, installs, tests', () => {
    const kinds = test.steps.map((s) =>
      s.uses ? s.uses.replace(/@.*/, '') : s.run?.includes('sha256sum') ? 'key' : 'run',
    );
    expect(kinds).toEqual([
      'actions/checkout',
      'actions/setup-python',
      'key',
      'actions/cache',
      'run',
      'org/tg-devops/test',
      'actions/upload-artifact',
    ]);
    expect(test.steps[0]!.with).toEqual({ 'persist-credentials': false });
    expect(test.steps[3]!.with!.key).toBe('${{ steps.deps.outputs.key }}');
    expect(test.steps[5]!.with!.mode).toBe('collect');
    expect(test.steps[6]!.if).toMatch(/always\(\)/); // failing tests still hand over their report
  });

  it('writes only from the job that checks out nothing and runs no PR code', () => {
    expect(workflow.permissions).toEqual({});
    expect(test.permissions).toEqual({ contents: 'read', 'pull-requests': 'read' });
    expect(comment.permissions).toEqual({ 'pull-requests': 'write' });
    expect(comment.steps.some((s) => s.uses?.startsWith('actions/checkout'))).toBe(false);
    expect(comment.steps.some((s) => s.run !== undefined)).toBe(false);
    const post = comment.steps.find((s) => s.uses === 'org/tg-devops/test@v1')!;
    expect(post.with).toMatchObject({
      mode: 'post',
      'head-sha': '${{ github.event.pull_request.head.sha }}',
    });
    expect(comment.if).toMatch(
      /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/,
    );
    expect(comment.concurrency!.group).toContain('github.event.pull_request.number');
  });

  it('passes values to shell scripts only through env:', () => {
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps) {
        if (step.run !== undefined)
          expect({ run: step.run }).toEqual({ run: expect.not.stringContaining('${{') });
      }
    }
  });
});
