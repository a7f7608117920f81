// Integration tests run against real services on a shared, noisy 2-core machine. A failing test is
// retried once, with the first failure's errors logged, so a real regression (it fails twice) still
// fails the run while a one-off timing flake is visible in the log without sinking CI.
import { jest } from '@jest/globals';

jest.retryTimes(1, { logErrorsBeforeRetry: true });
