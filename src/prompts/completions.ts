import type { Guardrails } from '../config/config.js';
import { globToRegExp } from '../registry/guardrails.js';
import { readList } from '../shape/rows.js';
import { tpArgv } from '../tp/commands.js';
import type { Generation, TpInstallation } from '../tp/generation.js';
import type { TpClient } from '../tp/runner.js';

/**
 * Values for prompt arguments (`completion/complete`). Ids come from the live lists, through the same
 * runner and the same parser as cluster_list and job_list; instance types from the operator's
 * allow-list. A client asks on every keystroke, so a list is fetched at most once per LIST_TTL_MS, and
 * a failure (no key, no network) completes nothing rather than failing the request.
 */

const LIST_TTL_MS = 30_000;
const LIST_TIMEOUT_MS = 20_000;
const MAX_VALUES = 100;

/**
 * Instance types TensorPool's own guide names; offered when the operator set no allow-list, or as matches of its
 * patterns.
 */
export const KNOWN_INSTANCE_TYPES = [
  '1xH100',
  '2xH100',
  '4xH100',
  '8xH100',
  '1xH200',
  '8xH200',
  '8xB200',
  '1xL40S',
] as const;

function matching(values: readonly string[], typed: string): string[] {
  const prefix = typed.toLowerCase();
  return values.filter((value) => value.toLowerCase().startsWith(prefix)).slice(0, MAX_VALUES);
}

/**
 * The instance types cluster_create would accept here: the allow-list's own names first, then known types its patterns
 * match.
 */
export function allowedInstanceTypes(guardrails: Pick<Guardrails, 'allowInstanceTypes'> | undefined): string[] {
  const allowed = guardrails?.allowInstanceTypes;
  if (!allowed) return [...KNOWN_INSTANCE_TYPES];
  const literal = allowed.filter((entry) => !entry.includes('*'));
  const patterns = allowed.filter((entry) => entry.includes('*')).map(globToRegExp);
  const matched = KNOWN_INSTANCE_TYPES.filter((type) => patterns.some((pattern) => pattern.test(type)));
  return [...new Set([...literal, ...matched])];
}

export function completeInstanceType(
  guardrails: Pick<Guardrails, 'allowInstanceTypes'> | undefined,
  typed: string,
): string[] {
  return matching(allowedInstanceTypes(guardrails), typed);
}

export interface LiveListsOptions {
  tp: TpClient;
  installation: TpInstallation;
  /** For tests: the clock. */
  now?: () => number;
}

type ListKind = 'clusters' | 'jobs';

const LISTS: Record<ListKind, { id: 'cluster_id' | 'job_id'; argv: (generation: Generation) => string[] }> = {
  clusters: { id: 'cluster_id', argv: (generation) => tpArgv.clusterList({ org: false }, generation) },
  jobs: { id: 'job_id', argv: () => tpArgv.jobList({ org: false }) },
};

/** The ids a session can complete, from `tp cluster list` and `tp job list`, each kept LIST_TTL_MS. */
export class LiveLists {
  private readonly cached = new Map<ListKind, { at: number; ids: Promise<string[]> }>();
  private readonly now: () => number;

  constructor(private readonly options: LiveListsOptions) {
    this.now = options.now ?? Date.now;
  }

  async complete(kind: ListKind, typed: string): Promise<string[]> {
    return matching(await this.ids(kind), typed);
  }

  private ids(kind: ListKind): Promise<string[]> {
    const hit = this.cached.get(kind);
    if (hit && this.now() - hit.at < LIST_TTL_MS) return hit.ids;
    const ids = this.fetch(kind);
    this.cached.set(kind, { at: this.now(), ids });
    return ids;
  }

  private async fetch(kind: ListKind): Promise<string[]> {
    const list = LISTS[kind];
    try {
      const generation = await this.options.installation.generation();
      const result = await this.options.tp.run(list.argv(generation), { timeoutMs: LIST_TIMEOUT_MS });
      if (result.exitCode !== 0) return [];
      return readList(kind, result.stdout).rows.map((row) => String(row[list.id]));
    } catch {
      // nothing to offer is the answer for a client that is only typing
      this.cached.delete(kind);
      return [];
    }
  }
}
