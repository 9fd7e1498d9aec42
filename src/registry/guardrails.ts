import { ToolError } from '../errors.js';

/** Spending limits set by the operator; a call outside them is refused before anything runs. */
export interface Guardrails {
  /** Instance types that may be started; `*` matches any run of characters. Undefined: any. */
  allowInstanceTypes?: readonly string[];
  maxNodes?: number;
  maxStorageGb?: number;
}

export function globToRegExp(glob: string): RegExp {
  const escaped = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, 'i');
}

export function checkInstanceType(guardrails: Guardrails | undefined, field: string, instanceType: string): void {
  const allowed = guardrails?.allowInstanceTypes;
  if (!allowed || allowed.some((glob) => globToRegExp(glob).test(instanceType))) return;
  throw new ToolError(
    `${field} ${instanceType} is not allowed on this server (allowed: ${allowed.join(', ')}). ` +
      'The operator can change this with --allow-instance-types or TENSORPOOL_MCP_ALLOW_INSTANCE_TYPES.',
  );
}

export function checkNodes(guardrails: Guardrails | undefined, nodes: number): void {
  const max = guardrails?.maxNodes;
  if (max === undefined || nodes <= max) return;
  throw new ToolError(`num_nodes ${nodes} is over this server's limit of ${max}. The operator can change it with --max-nodes or TENSORPOOL_MCP_MAX_NODES.`);
}

export function checkStorageGb(guardrails: Guardrails | undefined, field: string, sizeGb: number | undefined): void {
  const max = guardrails?.maxStorageGb;
  if (max === undefined || sizeGb === undefined || sizeGb <= max) return;
  throw new ToolError(
    `${field} ${sizeGb} is over this server's limit of ${max} GB. The operator can change it with --max-storage-gb or TENSORPOOL_MCP_MAX_STORAGE_GB.`,
  );
}
