/**
 * A plan printed three ways, each listing every step's effect and undo: text (the log, dry-run),
 * markdown (the job summary) and JSON (the `plan-file` output, for a reviewer to diff or approve).
 */
import { effect, type Plan, type Step } from './steps.js';

const heading = (plan: Plan) =>
  `${plan.kind === 'rollback' ? 'Rollback of' : 'Deploy'} ${plan.app}: ${plan.strategy}, release ${plan.releaseId}` +
  `${plan.color ? ` (${plan.color}${plan.port ? `, port ${plan.port}` : ''})` : ''}`;

const undoText = (step: Step) =>
  step.undo ? `${step.undo.title}: ${step.undo.actions.map(effect).join('; ')}` : undefined;

export function planText(plan: Plan): string {
  return [
    heading(plan),
    `  image    ${plan.image}`,
    `  current  ${plan.current ? `${plan.current.id} ${plan.current.image} (${plan.current.color ?? '-'})` : 'none (first deploy)'}`,
    `  proxy    ${plan.proxy}; lock TTL ${plan.lock.ttlSeconds}s, refreshed every ${plan.lock.refreshSeconds}s`,
    ...plan.notes.map((n) => `  note     ${n}`),
    '',
    ...plan.steps.flatMap((s, i) => [
      `${String(i + 1).padStart(2)}. ${s.title}${s.optional ? ' (best effort)' : ''}`,
      `      ${effect(s.action)}`,
      ...(s.undo ? [`      undo: ${undoText(s)}`] : []),
    ]),
    ...plan.cleanup.map((s) => `    always: ${s.title}: ${effect(s.action)}`),
  ].join('\n');
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function planMarkdown(plan: Plan): string {
  return [
    `**${plan.kind === 'rollback' ? 'rollback' : plan.strategy}** ${plan.kind === 'rollback' ? `(${plan.strategy}) to` : 'of'} \`${cell(plan.image)}\` as release \`${plan.releaseId}\`${plan.color ? ` (${plan.color}${plan.port ? `, port ${plan.port}` : ''})` : ''}; current: ${plan.current ? `\`${plan.current.id}\`` : 'none'}; proxy ${plan.proxy}`,
    '',
    ...plan.notes.map((n) => `> ${cell(n)}`),
    ...(plan.notes.length ? [''] : []),
    '| # | step | effect | undo |',
    '| --- | --- | --- | --- |',
    ...plan.steps.map(
      (s, i) =>
        `| ${i + 1} | ${cell(s.title)} | \`${cell(effect(s.action))}\` | ${s.undo ? cell(undoText(s)!) : ''} |`,
    ),
  ].join('\n');
}

/** The plan as a JSON value: every step with its kind, effect line, data and undo (no secret). */
export function planDocument(plan: Plan): object {
  return {
    ...plan,
    steps: plan.steps.map((s) => ({
      ...s,
      effect: effect(s.action),
      undo: s.undo && { ...s.undo, effects: s.undo.actions.map(effect) },
    })),
    cleanup: plan.cleanup.map((s) => ({ ...s, effect: effect(s.action) })),
  };
}

export function planJson(plan: Plan): string {
  return `${JSON.stringify(planDocument(plan), null, 2)}\n`;
}
