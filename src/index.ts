// Public library API: import without side effects.
export { createServer, type CreateServerOptions } from './server.js';
export { allTools } from './tools/index.js';
export { selectTools, DEFAULT_TOOLSETS, type SelectionOptions } from './registry/selection.js';
export { TpRunner, type TpRunnerOptions, type RunOptions, type TpResult } from './tp/runner.js';
export { resolveAllowedDirs } from './files/allowed-dirs.js';
export type { ToolDefinition, ToolContext, ToolAnnotations, Toolset } from './registry/tool.js';
export type { ServerSettings } from './settings.js';
export { VERSION } from './version.js';
