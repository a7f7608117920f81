/** The splitter lives in src/command-line.ts (a leaf shared by the deploy config and src/proxy). */
export { splitCommand } from '../command-line.js';
