import type { Redactor } from './redact.js';

/**
 * Collects a stream's bytes with a fixed memory bound: the first `headBytes` and the last
 * `tailBytes` are kept, everything between is counted and dropped. `tp job listen` or a chatty
 * engine command can print without end, and a tool result must never grow with it.
 */
export class BoundedOutput {
  private readonly head: Buffer[] = [];
  private headSize = 0;
  private tail: Buffer[] = [];
  private tailSize = 0;
  private total = 0;

  constructor(
    private readonly headBytes: number,
    private readonly tailBytes: number,
  ) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.headSize < this.headBytes) {
      const take = Math.min(this.headBytes - this.headSize, chunk.length);
      this.head.push(chunk.subarray(0, take));
      this.headSize += take;
      chunk = chunk.subarray(take);
    }
    if (chunk.length === 0 || this.tailBytes === 0) return;
    this.tail.push(chunk);
    this.tailSize += chunk.length;
    while (this.tailSize - (this.tail[0]?.length ?? 0) >= this.tailBytes) {
      this.tailSize -= this.tail.shift()!.length;
    }
  }

  get totalBytes(): number {
    return this.total;
  }

  get droppedBytes(): number {
    return Math.max(0, this.total - this.headBytes - this.tailBytes);
  }

  get truncated(): boolean {
    return this.droppedBytes > 0;
  }

  /**
   * The kept text with secrets masked: whole when nothing was dropped, else head, a marker and tail,
   * with any part of a secret that the cut split in two masked on both sides.
   */
  render(redactor: Redactor): string {
    const tail = Buffer.concat(this.tail);
    if (!this.truncated) return redactor.redact(Buffer.concat([...this.head, tail]).toString('utf8'));
    const tailKept = tail.subarray(tail.length - this.tailBytes);
    return (
      redactor.redactCutEnd(Buffer.concat(this.head).toString('utf8')) +
      cutMarker(this.droppedBytes) +
      redactor.redactCutStart(tailKept.toString('utf8'))
    );
  }
}

export function cutMarker(droppedBytes: number): string {
  return `\n[... ${droppedBytes} bytes of output cut by tensorpool-mcp ...]\n`;
}
