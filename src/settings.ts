import type { ConfirmMode } from './registry/confirmation.js';
import type { Guardrails } from './registry/guardrails.js';
import type { Generation } from './tp/generation.js';

/** What tools need to know about how the server was started; no secrets in here. */
export interface ServerSettings {
  /** The operator's --tp-generation; undefined: detect from the installed tp. */
  tpGeneration?: Generation;
  /** Spending limits (--allow-instance-types, --max-nodes, --max-storage-gb). */
  guardrails?: Guardrails;
  /** --dry-run: tools that would change something report the tp command instead of running it. */
  dryRun?: boolean;
  /** Whether allowedDirs came from --allow-dir (not the launch-directory default): client roots add to them. */
  allowDirsExplicit?: boolean;
  /** How irreversible (and, with confirmCreates, billing) calls are approved. */
  confirmMode?: ConfirmMode;
  confirmCreates?: boolean;
  /** A call still running after this long returns an operation handle (--sync-budget). */
  syncBudgetMs?: number;
  /** Progress heartbeat while tp prints nothing. */
  heartbeatMs?: number;
  /** How long finished operations stay readable. */
  operationTtlMs?: number;
  /** --max-result-kb: what one tool result may carry of tp's output (default in tp/output-bounds.ts). */
  maxResultBytes?: number;
  /** --allow-secrets: object-storage secrets may be shown. */
  allowSecrets?: boolean;
  /** Toolsets and read-only mode in force, for server_status. */
  selection?: { toolsets: readonly string[]; readOnly: boolean; tools: readonly string[] };
  /** Directories file tools may read and write, as real paths. Empty: file tools refuse. */
  allowedDirs: readonly string[];
  /** Why `allowedDirs` is empty, phrased for the model and the user. */
  allowedDirsProblem?: string;
}
