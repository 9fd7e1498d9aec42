import { z } from 'zod';
import { isPublicKeyPath, publicKeyProblem } from '../files/ssh-key.js';

// Ids go into tp's argv as positionals and into the engine's URL paths unencoded: a leading '-'
// would be read as an option, and '/', '?', '#' would change the URL.
const SAFE_TOKEN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const SAFE_TOKEN_RULE = "must start with a letter or digit and contain only letters, digits, '.', '_' and '-'";

function token(field: string, maxLength: number, description: string) {
  return z
    .string()
    .min(1, `${field} must not be empty`)
    .max(maxLength, `${field} must be at most ${maxLength} characters`)
    .regex(SAFE_TOKEN, `${field} ${SAFE_TOKEN_RULE} (no spaces, no leading '-')`)
    .describe(description);
}

export const clusterId = token('cluster_id', 128, 'e.g. c-abc123');
export const jobId = token('job_id', 128, 'e.g. j-abc123');
export const instanceType = token('instance_type', 64, 'e.g. 1xH100, 8xH100, 1xL40S');
export const clusterName = token('name', 64, 'Name').optional();

export const org = z.boolean().default(false).describe('Whole organization');

export const confirm = z.boolean().default(false).describe('User agreed');

export const billingConfirm = z.boolean().default(false).describe('User agreed to the cost');

export const wait = z.boolean().default(false).describe('Wait until done');

/** A path given by the model; where it may point is checked against the allowed directories at call time. */
export function path(field: string, description: string) {
  return z
    .string()
    .min(1, `${field} must not be empty`)
    .max(4096, `${field} must be at most 4096 characters`)
    .refine((value) => !/[\0\r\n]/.test(value), `${field} must not contain NUL or line breaks`)
    .describe(description);
}

/** An OpenSSH public key line, checked by publicKeyProblem. */
export function publicKey(field: string) {
  return z
    .string()
    .max(16 * 1024, `${field} must be at most 16384 characters`)
    .superRefine((value, ctx) => {
      // a .pub path is read and checked at call time (readPublicKeyFile)
      if (isPublicKeyPath(value)) return;
      // the message never quotes the value: it may be a private key pasted by mistake
      const problem = publicKeyProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: `${field} ${problem}` });
    });
}

export const sshPublicKey = publicKey('ssh_public_key')
  .optional()
  .describe("A .pub file's path or its line; default: the account's keys");

/** A list of free-form strings written into files, bounded so no single call can exhaust memory or disk. */
export function stringList(field: string, maxItems: number, description: string) {
  return z
    .array(
      z
        .string()
        .min(1, `${field} entries must not be empty`)
        .max(4096, `${field} entries must be at most 4096 characters`),
    )
    .max(maxItems, `${field} may hold at most ${maxItems} entries`)
    .describe(description);
}

export const storageId = token('storage_id', 128, 'e.g. s-abc123');
export const keyId = token('key_id', 128, 'e.g. k-abc123');
export const storageName = token('name', 64, 'Name').optional();
export const sshKeyName = token('name', 64, 'Key name, e.g. laptop').optional();

export const bucketName = z
  .string()
  .min(3, 'bucket_name must be at least 3 characters')
  .max(63, 'bucket_name must be at most 63 characters')
  .regex(
    /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
    "bucket_name must use lowercase letters, digits, '.' and '-', and start and end with a letter or digit",
  )
  .describe('S3 rules: 3-63 of a-z, 0-9, ".", "-"');

export const deletionProtection = z.boolean().optional().describe('false: unprotect');

export const sizeGb = (field: string, description: string) =>
  z
    .number()
    .int(`${field} must be a whole number of GB`)
    .min(1, `${field} must be at least 1`)
    .max(1_000_000, `${field} must be at most 1000000`)
    .describe(description);

export const volumeType = z
  .enum(['fast', 'flex'], { error: 'volume_type must be "fast" or "flex"' })
  .optional()
  .describe('tp 0.0.6-0.0.8 only');

export const containerImage = z
  .string()
  .min(1, 'container must not be empty')
  .max(256, 'container must be at most 256 characters')
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._/:@-]*$/,
    "container must be an image reference such as nvcr.io/nvidia/pytorch:24.01-py3 (letters, digits, '._/:@-')",
  )
  .optional()
  .describe('Node image (tp 0.0.7+)');
