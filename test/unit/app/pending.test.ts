import { describe, expect, it } from 'vitest';
import { PendingApprovals } from '../../../src/app/pending.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const question = {
  tool: 'cluster_create',
  action: 'creating a 1xH100 cluster, which starts billing',
  args: { instance_type: '1xH100' },
};

describe('calls waiting for the approval card', () => {
  it('are decided once: the first press wins, a second finds nothing', async () => {
    const pending = new PendingApprovals(new FakeClock(), 60_000);
    const { approval, answer } = pending.wait(question, new AbortController().signal);
    expect(pending.list()).toEqual([approval]);
    expect(pending.decide(approval.id, true)).toEqual(approval);
    expect(pending.decide(approval.id, false)).toBeUndefined();
    await expect(answer).resolves.toBe(true);
    expect(pending.list()).toEqual([]);
  });

  it('expire after the time-out as a no', async () => {
    const clock = new FakeClock();
    const pending = new PendingApprovals(clock, 60_000);
    const { approval, answer } = pending.wait(question, new AbortController().signal);
    clock.advance(59_999);
    expect(pending.list()).toHaveLength(1);
    clock.advance(1);
    await expect(answer).resolves.toBe(false);
    expect(pending.decide(approval.id, true)).toBeUndefined();
  });

  it('end as a no when the call is cancelled or the session ends', async () => {
    const pending = new PendingApprovals(new FakeClock(), 60_000);
    const controller = new AbortController();
    const cancelled = pending.wait(question, controller.signal);
    const open = pending.wait(question, new AbortController().signal);
    controller.abort();
    await expect(cancelled.answer).resolves.toBe(false);
    pending.dispose();
    await expect(open.answer).resolves.toBe(false);
    expect(pending.list()).toEqual([]);
  });
});
