import { encodedForms } from './secret-forms.js';

export const REDACTED = '[REDACTED]';

/** Shortest tail or head of a secret we still mask where output was cut in the middle of it. */
const MIN_PARTIAL = 4;
/** Shortest encoded form we mask: shorter ones would match ordinary words. */
const MIN_ENCODED = 8;

/**
 * Replaces secrets (the API key) in any text that leaves the server. `tp` copies the key into its
 * environment and engine-sent commands may print it, so every string from a child is suspect.
 */
export class Redactor {
  /** The secrets as given; `secrets` adds their encoded forms. */
  private readonly originals: string[];
  private readonly secrets: string[];
  /** Each secret's proper beginnings, longest first: what the end of a chunk can hold of it. */
  private readonly beginnings: string[][];

  constructor(secrets: Iterable<string | undefined>) {
    const unique = new Set<string>();
    for (const s of secrets) if (s && s.trim().length >= MIN_PARTIAL) unique.add(s.trim());
    this.originals = [...unique];
    // base64, hex and URL-encoded forms are masked like the secret itself
    for (const secret of this.originals)
      for (const form of encodedForms(secret)) if (form.length >= MIN_ENCODED) unique.add(form);
    // longest first, so a key that contains another is replaced whole
    this.secrets = [...unique].sort((a, b) => b.length - a.length);
    this.beginnings = this.secrets.map((secret) =>
      Array.from({ length: secret.length - 1 }, (_, i) => secret.slice(0, secret.length - 1 - i)),
    );
  }

  /** A redactor that also masks `secret` (a session's own key), leaving this one as it is. */
  including(secret: string): Redactor {
    return new Redactor([...this.originals, secret]);
  }

  get active(): boolean {
    return this.secrets.length > 0;
  }

  /** Length of the longest secret (0 when there is none). */
  get longestSecret(): number {
    return this.secrets[0]?.length ?? 0;
  }

  /** Whether `text` holds a whole secret. */
  finds(text: string): boolean {
    return this.secrets.some((secret) => text.includes(secret));
  }

  /** Length of the longest end of `text` that is the beginning of a secret (0 when none is). */
  partialSecretAtEnd(text: string): number {
    let longest = 0;
    for (const beginnings of this.beginnings) {
      for (const beginning of beginnings) {
        if (beginning.length <= longest) break;
        if (text.endsWith(beginning)) {
          longest = beginning.length;
          break;
        }
      }
    }
    return longest;
  }

  /** `text` with every secret replaced; the very same string when it holds none, so clean output is never copied. */
  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  }

  /** Redacts a text that was cut right after its end: a trailing prefix of a secret is masked too. */
  redactCutEnd(text: string): string {
    let out = this.redact(text);
    for (const secret of this.secrets) {
      for (let n = Math.min(secret.length - 1, out.length); n >= MIN_PARTIAL; n--) {
        if (out.endsWith(secret.slice(0, n))) {
          out = out.slice(0, out.length - n) + REDACTED;
          break;
        }
      }
    }
    return out;
  }

  /** Redacts a text that was cut right before its start: a leading suffix of a secret is masked too. */
  redactCutStart(text: string): string {
    let out = this.redact(text);
    for (const secret of this.secrets) {
      for (let n = Math.min(secret.length - 1, out.length); n >= MIN_PARTIAL; n--) {
        if (out.startsWith(secret.slice(secret.length - n))) {
          out = REDACTED + out.slice(n);
          break;
        }
      }
    }
    return out;
  }
}
