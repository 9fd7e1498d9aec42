import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TpInstallation } from '../tp/generation.js';
import { sendJson } from './edges.js';

export interface Readiness {
  ready: boolean;
  /** Shown as is: what is ready, or what is missing. */
  detail: Record<string, string>;
}

/** GET /readyz: 200 once the server can do its work (tp found, its generation known), 503 until then. */
export function readinessHandler(check: () => Promise<Readiness>) {
  return async (_req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let readiness: Readiness;
    try {
      readiness = await check();
    } catch (error) {
      readiness = { ready: false, detail: { reason: error instanceof Error ? error.message : String(error) } };
    }
    sendJson(res, readiness.ready ? 200 : 503, {
      status: readiness.ready ? 'ready' : 'not ready',
      ...readiness.detail,
    });
  };
}

/** Ready when the installed tp answered and its generation is known (detected, or set with --tp-generation). */
export function tpReadiness(installation: TpInstallation): () => Promise<Readiness> {
  return async (): Promise<Readiness> => {
    const facts = await installation.describe();
    if (facts.source === 'assumed') {
      return {
        ready: false,
        detail: {
          reason:
            `could not tell the generation of the installed tp (version ${facts.version ?? 'unknown'}); set ` +
            `--tp-generation`,
        },
      };
    }
    return { ready: true, detail: { tp_generation: facts.generation } };
  };
}
