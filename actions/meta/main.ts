import { exportVariable } from '../../src/github/env.js';
import { setOutputs, writeSummary } from '../../src/github/runtime.js';
import type { Log } from '../../src/log.js';
import { resolveMeta, type MetaEnvDeps } from '../../src/meta/run.js';
import type { Inputs } from './inputs.js';

export interface Deps {
  env: Record<string, string | undefined>;
  log: Log;
  fetch?: typeof fetch;
  now?: () => number;
  readEvent?: MetaEnvDeps['readEvent'];
  setOutputs?: typeof setOutputs;
  writeSummary?: typeof writeSummary;
  exportVariable?: typeof exportVariable;
}

/** metadata-action also exports each output as DOCKER_METADATA_OUTPUT_<NAME> unless disabled. */
export function outputEnvEnabled(env: Record<string, string | undefined>): boolean {
  const raw = env.DOCKER_METADATA_SET_OUTPUT_ENV?.trim().toLowerCase();
  return !raw || ['true', '1', 'yes', 'on'].includes(raw);
}

export async function run(inputs: Inputs, deps: Deps): Promise<void> {
  const { log } = deps;
  const { result } = await resolveMeta(inputs, { ...deps, token: inputs.githubToken });
  if (!result.version) log.warn('No Docker image version has been generated. Check tags input.');
  if (result.tags.length === 0) log.warn('No Docker tag has been generated. Check tags input.');
  await log.group('Docker tags', async () => result.tags.forEach((t) => log.info(t)));
  await log.group('Docker labels', async () => result.labels.forEach((l) => log.info(l)));
  const outputs = {
    version: result.version,
    tags: result.tags.join(inputs.sepTags),
    'tag-names': result.tagNames.join(inputs.sepTags),
    labels: result.labels.join(inputs.sepLabels),
    annotations: result.annotations.join(inputs.sepAnnotations),
    json: JSON.stringify(result.json),
  };
  (deps.setOutputs ?? setOutputs)(outputs);
  if (outputEnvEnabled(deps.env)) {
    const exportVar = deps.exportVariable ?? exportVariable;
    for (const [name, value] of Object.entries(outputs)) {
      exportVar(`DOCKER_METADATA_OUTPUT_${name.replace(/\W/g, '_').toUpperCase()}`, value);
    }
  }
  (deps.writeSummary ?? writeSummary)(
    [
      '### Image metadata',
      '',
      `Version: \`${result.version || '(none)'}\``,
      '',
      ...result.tags.map((t) => `- \`${t}\``),
    ].join('\n'),
  );
}
