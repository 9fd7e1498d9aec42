import { wholeCharacterStart, type OutputSpool } from './output-spool.js';

/** Most unread output operation_status returns, in characters, whatever the process prints. */
export const UNREAD_LIMIT = 256 * 1024;

/** UTF-8 takes at most 3 bytes per UTF-16 code unit: this many bytes always hold `n` characters' worth. */
const BYTES_PER_CHARACTER = 3;

/**
 * Output that operation_status has not returned yet: a position in the operation's spool, not a
 * copy. Holding no text of its own, it costs nothing while tp prints; a read takes the last
 * `limit` characters after that position and counts the bytes before them as dropped.
 */
export class UnreadOutput {
  /** Byte offset in the spool where unread output begins. */
  private from = 0;

  constructor(
    private readonly spool: OutputSpool,
    private readonly limit = UNREAD_LIMIT,
  ) {}

  /**
   * Everything unread (at most the last `limit` characters), and how many bytes before it were dropped; both start
   * over.
   */
  take(): { text: string; droppedBytes: number } {
    const taken = this.last(this.limit);
    this.from = this.spool.size;
    return taken;
  }

  /** The last `characters` of the unread output, without taking it. */
  tail(characters: number): string {
    return this.last(Math.min(characters, this.limit)).text;
  }

  private last(characters: number): { text: string; droppedBytes: number } {
    const unread = this.spool.size - this.from;
    // a spool that could not keep everything has lost the end: that part counts as dropped too
    const end = this.spool.end;
    // one character more than needed: the cut may land inside a character, whose rest is skipped;
    // and nothing from before a cut in the middle, which would join two distant stretches
    const start = Math.max(this.from, this.spool.tailStart, end - (characters + 1) * BYTES_PER_CHARACTER);
    if (characters <= 0 || end <= start) return { text: '', droppedBytes: unread };
    let bytes = this.spool.bytesBetween(start, end);
    if (start > this.from) bytes = bytes.subarray(wholeCharacterStart(bytes));
    let text = bytes.toString('utf8');
    if (text.length > characters) text = text.slice(-characters);
    return { text, droppedBytes: unread - Buffer.byteLength(text) };
  }
}
