import type { Redactor } from './redact.js';

/**
 * Redacts a text stream that arrives in arbitrary chunks: it holds back just enough characters
 * that a secret split across two chunks is still found whole, and releases the rest at once.
 */
export class StreamRedactor {
  private pending = '';

  constructor(private readonly redactor: Redactor) {}

  /** Redacted text that is safe to release now: all of it but a tail that could be the start of a secret. */
  push(text: string): string {
    if (!this.redactor.active) return text;
    if (text.length >= this.redactor.longestSecret && !this.secretNear(text)) {
      // nothing to replace: release the chunk itself (behind what was held back), never a copy of it
      const keep = this.redactor.partialSecretAtEnd(text);
      const released = this.pending + (keep === 0 ? text : text.slice(0, text.length - keep));
      this.pending = keep === 0 ? '' : text.slice(text.length - keep);
      return released;
    }
    const redacted = this.redactor.redact(this.pending + text);
    const keep = this.redactor.partialSecretAtEnd(redacted);
    this.pending = redacted.slice(redacted.length - keep);
    return redacted.slice(0, redacted.length - keep);
  }

  /** Whatever is held back, at the end of the stream. */
  end(): string {
    const rest = this.redactor.redact(this.pending);
    this.pending = '';
    return rest;
  }

  /**
   * Whether a secret lies in what was held back plus `text`. One that starts in the held-back part
   * ends within the first `longestSecret` characters of `text`, so only that much is joined to it.
   */
  private secretNear(text: string): boolean {
    if (this.redactor.finds(text)) return true;
    return this.pending !== '' && this.redactor.finds(this.pending + text.slice(0, this.redactor.longestSecret));
  }
}
