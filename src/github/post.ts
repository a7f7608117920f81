import { getState, runAction, saveState } from './runtime.js';

/**
 * One bundle, two entries (like actions/checkout): the main step saves a flag, and the post step
 * (runs.post, also after a cancel) finds it and runs post instead of main.
 */
export function runWithPost(
  main: () => Promise<unknown>,
  post: (getState: (name: string) => string) => Promise<void> | void,
): void {
  if (getState('isPost') === 'true') {
    void runAction(async () => {
      await post(getState);
    });
  } else {
    void runAction(async () => {
      // Inside runAction: a state file the runner did not provide fails the step with one message.
      saveState('isPost', 'true');
      await main();
    });
  }
}
