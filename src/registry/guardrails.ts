import type { Guardrails } from '../config/config.js';
import { howToSet } from '../config/in-words.js';
import { ToolError } from '../errors.js';

/** What one call would start, as far as the operator's spending limits care. */
export interface Spending {
  /** The instance type it would start (`instance_type`). */
  instanceType?: string;
  /** How many nodes it would start (`num_nodes`). */
  nodes?: number;
  /** The volume size it asks for (`size_gb`); 'unsized' when it names none, which a size limit does not allow. */
  storageGb?: number | 'unsized';
}

/** Refuses a call outside the limits, naming the limit it broke and the option that sets it. */
export function checkSpending(guardrails: Guardrails, spending: Spending): void {
  if (spending.instanceType !== undefined) checkInstanceType(guardrails, 'instance_type', spending.instanceType);
  if (spending.nodes !== undefined) checkNodes(guardrails, spending.nodes);
  if (spending.storageGb !== undefined) checkStorageGb(guardrails, spending.storageGb);
}

export function globToRegExp(glob: string): RegExp {
  const escaped = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, 'i');
}

export function checkInstanceType(guardrails: Guardrails, field: string, instanceType: string): void {
  const allowed = guardrails.allowInstanceTypes;
  if (!allowed || allowed.some((glob) => globToRegExp(glob).test(instanceType))) return;
  throw new ToolError(
    `${field} ${instanceType} is not allowed on this server (allowed: ${allowed.join(', ')}). ` +
      `The operator can change this with ${howToSet('allowInstanceTypes')}.`,
  );
}

function checkNodes(guardrails: Guardrails, nodes: number): void {
  const max = guardrails.maxNodes;
  if (max === undefined || nodes <= max) return;
  throw new ToolError(
    `num_nodes ${nodes} is over this server's limit of ${max}. The operator can change it with ` +
      `${howToSet('maxNodes')}.`,
  );
}

function checkStorageGb(guardrails: Guardrails, sizeGb: number | 'unsized'): void {
  const max = guardrails.maxStorageGb;
  if (max === undefined) return;
  if (sizeGb === 'unsized')
    throw new ToolError(`size_gb is required on this server, which limits volumes to ${max} GB.`);
  if (sizeGb <= max) return;
  throw new ToolError(
    `size_gb ${sizeGb} is over this server's limit of ${max} GB. The operator can change it with ` +
      `${howToSet('maxStorageGb')}.`,
  );
}
