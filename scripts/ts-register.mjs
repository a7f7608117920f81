// node --import ./scripts/ts-register.mjs some-file.ts
import { register } from 'node:module';

register('./ts-hook.mjs', import.meta.url);
