import type { ToolDefinition } from '../registry/tool.js';
import { accountTools } from './account.js';
import { clusterTools } from './cluster.js';
import { jobTools } from './job.js';

/** Every tool the server offers, in the order tools/list shows them. */
export const allTools: readonly ToolDefinition[] = [...clusterTools, ...jobTools, ...accountTools];
