import { randomUUID } from 'node:crypto';
import type { Clock, Timer } from '../operations/clock.js';
import type { ApprovalQuestion } from '../server/approval.js';

/** A call that waits for the person to press Approve or Decline on the view's approval card. */
export interface PendingApproval extends ApprovalQuestion {
  id: string;
  /** ISO time after which the call is refused without a word from the person. */
  expiresAt: string;
}

interface Waiting {
  approval: PendingApproval;
  answer: (yes: boolean) => void;
}

/**
 * The approvals of one session that wait for the person. A call is decided once: the first Approve or
 * Decline wins, and a second press, an expired card or an unknown id finds nothing to decide.
 */
export class PendingApprovals {
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
  ) {}

  /** Resolves true on Approve; false on Decline, on time-out, or when `signal` aborts (the call was cancelled). */
  wait(question: ApprovalQuestion, signal: AbortSignal): { approval: PendingApproval; answer: Promise<boolean> } {
    const id = `ap_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const approval: PendingApproval = {
      id,
      ...question,
      expiresAt: new Date(this.clock.now() + this.timeoutMs).toISOString(),
    };
    let timer: Timer | undefined;
    const answer = new Promise<boolean>((resolve) => {
      const settle = (yes: boolean) => {
        if (!this.waiting.delete(id)) return;
        timer?.clear();
        signal.removeEventListener('abort', onAbort);
        resolve(yes);
      };
      const onAbort = () => settle(false);
      this.waiting.set(id, { approval, answer: settle });
      timer = this.clock.setTimeout(() => settle(false), this.timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) settle(false);
    });
    return { approval, answer };
  }

  /** Approves or declines a waiting call; undefined when none has that id (decided already, expired, or never). */
  decide(id: string, yes: boolean): PendingApproval | undefined {
    const waiting = this.waiting.get(id);
    if (!waiting) return undefined;
    waiting.answer(yes);
    return waiting.approval;
  }

  list(): PendingApproval[] {
    return [...this.waiting.values()].map((waiting) => waiting.approval);
  }

  /** The session ended: every waiting call is refused. */
  dispose(): void {
    for (const waiting of [...this.waiting.values()]) waiting.answer(false);
  }
}
