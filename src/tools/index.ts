import type { ToolDefinition } from '../registry/tool.js';
import { accountTools } from './account.js';
import { clusterTools } from './cluster.js';
import { jobTools } from './job.js';
import { objectStorageTools } from './object-storage.js';
import { operationTools } from './operations.js';
import { statusTools } from './status.js';
import { storageTools } from './storage.js';

/** Every tool the server can offer, in the order tools/list shows them. */
export const allTools: readonly ToolDefinition[] = [
  ...clusterTools,
  ...storageTools,
  ...jobTools,
  ...accountTools,
  ...objectStorageTools,
  ...statusTools,
  ...operationTools,
];
