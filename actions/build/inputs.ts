import { getBool, getLines, getList, getSecret, getString } from '../../src/github/inputs.js';

/** The only place this action reads its inputs. */
export interface Inputs {
  images: string[];
  tags: string[];
  flavor: string[];
  labels: string[];
  annotations: string[];
  context: string;
  file: string;
  target: string;
  buildArgs: string[];
  secrets: string;
  platforms: string[];
  push: boolean;
  builder: string;
  cacheFrom: string[];
  cacheTo: string[];
  registryUsername: string;
  registryPassword: string;
  promoteDigest: string;
  githubToken: string;
}

export function readInputs(): Inputs {
  return {
    images: getLines('images'),
    tags: getLines('tags'),
    flavor: getLines('flavor'),
    labels: getLines('labels'),
    annotations: getLines('annotations'),
    context: getString('context', '.'),
    file: getString('file'),
    target: getString('target'),
    buildArgs: getLines('build-args'),
    secrets: getSecret('secrets'),
    platforms: getList('platforms'),
    push: getBool('push', true),
    builder: getString('builder'),
    cacheFrom: getLines('cache-from'),
    cacheTo: getLines('cache-to'),
    registryUsername: getString('registry-username'),
    registryPassword: getSecret('registry-password'),
    promoteDigest: getString('promote-digest'),
    githubToken: getSecret('github-token'),
  };
}
