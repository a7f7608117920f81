import { getLines, getSecret, getString } from '../../src/github/inputs.js';

/** The only place this action reads its inputs. */
export interface Inputs {
  images: string[];
  tags: string[];
  flavor: string[];
  labels: string[];
  annotations: string[];
  sepTags: string;
  sepLabels: string;
  sepAnnotations: string;
  githubToken: string;
}

export function readInputs(): Inputs {
  return {
    images: getLines('images'),
    tags: getLines('tags'),
    flavor: getLines('flavor'),
    labels: getLines('labels'),
    annotations: getLines('annotations'),
    sepTags: getString('sep-tags', '\n', { trimWhitespace: false }),
    sepLabels: getString('sep-labels', '\n', { trimWhitespace: false }),
    sepAnnotations: getString('sep-annotations', '\n', { trimWhitespace: false }),
    githubToken: getSecret('github-token'),
  };
}
