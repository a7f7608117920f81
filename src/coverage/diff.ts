/** The lines a pull request adds or changes, from GitHub's "list pull request files" answer. */
export interface PullFile {
  filename: string;
  status: string;
  patch?: string;
  previous_filename?: string;
  additions?: number;
}

export interface ChangedFile {
  path: string;
  status: string;
  previousPath?: string;
  /** New-side line numbers the PR adds or changes, ascending. */
  added: number[];
  /** Why the added lines are not known (GitHub omits the patch of big or binary files). */
  note?: string;
}

const HUNK = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/;

/** New-side numbers of the added lines of a unified diff (the `patch` field of a PR file). */
export function addedLines(patch: string): number[] {
  const added: number[] = [];
  let line = 0;
  let remaining = 0;
  for (const text of patch.split('\n')) {
    const hunk = HUNK.exec(text);
    if (hunk) {
      line = Number(hunk[1]);
      remaining = hunk[2] === undefined ? 1 : Number(hunk[2]);
      continue;
    }
    if (remaining <= 0) continue;
    const mark = text[0];
    if (mark === '+') {
      added.push(line++);
      remaining--;
    } else if (mark === ' ' || (mark === undefined && text === '')) {
      line++;
      remaining--;
    }
    // '-' lines and '\ No newline at end of file' do not move the new side.
  }
  return added;
}

export function changedFiles(files: readonly PullFile[]): ChangedFile[] {
  const changed: ChangedFile[] = [];
  for (const file of files) {
    if (file.status === 'removed') continue;
    const entry: ChangedFile = { path: file.filename, status: file.status, added: [] };
    if (file.previous_filename) entry.previousPath = file.previous_filename;
    if (typeof file.patch === 'string') entry.added = addedLines(file.patch);
    else if ((file.additions ?? 0) > 0) {
      entry.note = 'GitHub sent no diff for this file (too large or binary): its lines are not counted';
    }
    changed.push(entry);
  }
  return changed;
}
