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
}
