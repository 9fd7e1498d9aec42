import { StringDecoder } from 'node:string_decoder';
import { BoundedOutput } from './bounded-output.js';
import type { Redactor } from './redact.js';
import { StreamRedactor } from './stream-redactor.js';

export type StreamName = 'stdout' | 'stderr';

/**
 * One of tp's output streams: its bytes kept within head and tail bounds for the result, and, when
 * someone listens, relayed as redacted text as they arrive.
 */
export class CapturedStream {
  private readonly kept: BoundedOutput;
  private readonly relay:
    | { decoder: StringDecoder; redactor: StreamRedactor; emit: (text: string) => void }
    | undefined;

  constructor(
    name: StreamName,
    bounds: { headBytes: number; tailBytes: number },
    private readonly redactor: Redactor,
    listener?: (text: string, stream: StreamName) => void,
  ) {
    this.kept = new BoundedOutput(bounds.headBytes, bounds.tailBytes);
    this.relay = listener && {
      decoder: new StringDecoder('utf8'),
      redactor: new StreamRedactor(redactor),
      emit: (text) => listener(text, name),
    };
  }

  push(chunk: Buffer): void {
    this.kept.push(chunk);
    if (!this.relay) return;
    const text = this.relay.redactor.push(this.relay.decoder.write(chunk));
    if (text) this.relay.emit(text);
  }

  /** Releases what the relay still holds back (an unfinished character, a possible start of a secret). */
  end(): void {
    if (!this.relay) return;
    const text = this.relay.redactor.push(this.relay.decoder.end()) + this.relay.redactor.end();
    if (text) this.relay.emit(text);
  }

  get truncated(): boolean {
    return this.kept.truncated;
  }

  /** The kept text, secrets masked. */
  render(): string {
    return this.kept.render(this.redactor);
  }
}
