// The library API: one function and its types. Importing it has no side effects.
export type { Config, ConfigInput, Guardrails } from './config/config.js';
export { createServer, type ServerOptions, type TensorPoolServer } from './server/library.js';
