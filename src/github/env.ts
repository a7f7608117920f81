import * as core from '@actions/core';

/** Sets an environment variable for this step and the following ones (the GITHUB_ENV file). */
export function exportVariable(name: string, value: string): void {
  core.exportVariable(name, value);
}
