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
}

export async function run(inputs: Inputs, deps: Deps): Promise<void> {
  const { log } = deps;
  const { result } = await resolveMeta(inputs, { ...deps, token: inputs.githubToken });
  if (!result.version) log.warn('No Docker image version has been generated. Check tags input.');
  if (result.tags.length === 0) log.warn('No Docker tag has been generated. Check tags input.');
  await log.group('Docker tags', async () => result.tags.forEach((t) => log.info(t)));
  await log.group('Docker labels', async () => result.labels.forEach((l) => log.info(l)));
  (deps.setOutputs ?? setOutputs)({
    version: result.version,
    tags: result.tags.join(inputs.sepTags),
    'tag-names': result.tagNames.join(inputs.sepTags),
    labels: result.labels.join(inputs.sepLabels),
    annotations: result.annotations.join(inputs.sepAnnotations),
    json: JSON.stringify(result.json),
  });
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
