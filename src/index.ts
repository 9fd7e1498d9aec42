// Public library API: import without side effects.
export { createServer, type CreateServerOptions } from './server/create-server.js';
export {
  DEFAULT_CONFIG,
  resolveConfig,
  runnerLimits,
  type Config,
  type ConfigInput,
  type Guardrails,
} from './config/config.js';
export { allTools } from './tools/index.js';
export { selectTools, DEFAULT_TOOLSETS, type Selection, type SelectionOptions } from './registry/selection.js';
export { TpRunner, type TpRunnerOptions, type RunOptions, type TpResult } from './tp/runner.js';
// shared by the servers of one process (CreateServerOptions.spoolSpace, .outputReads)
export { SpoolSpace } from './operations/output-spool.js';
export { outputReads } from './server/output-resource.js';
export { resolveAllowedDirs, type AllowedDirs } from './files/allowed-dirs.js';
export type { ToolDefinition, ToolSpec, ToolContext, TpToolContext, RuntimeFacts, Approval } from './registry/tool.js';
export type { AnnotationPreset, ToolAnnotations } from './registry/annotations.js';
export type { Toolset } from './registry/toolsets.js';
export { VERSION } from './version.js';
