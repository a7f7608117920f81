/** Moved to src/deploy/window.ts (the engine's gate); kept as a re-export until its importers move. */
export { INCONCLUSIVE_MODES, windowGate } from '../deploy/window.js';
export type { InconclusiveMode, WindowGateOptions } from '../deploy/window.js';
