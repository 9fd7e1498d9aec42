/**
 * How much of tp's output one tool result may carry. Clients cap what a tool may return (Claude
 * Code at about 25k tokens), and a result holds the output twice: in the text the model reads and
 * in structuredContent. So a result's budget of `maxResultBytes` is shared by two copies of two
 * streams: each stream keeps a quarter, mostly from its end, where a log says how things went.
 * What is cut is marked in the text, and the whole output stays readable as a resource.
 */

export interface StreamBounds {
  /** Bytes kept from the start of each of stdout and stderr. */
  headBytes: number;
  /** Bytes kept from the end of each. */
  tailBytes: number;
}

/** The head and tail each stream keeps so that a whole result stays within `maxResultBytes`. */
export function streamBounds(maxResultBytes: number): StreamBounds {
  const perStream = Math.floor(maxResultBytes / 4);
  const headBytes = Math.floor(perStream / 4);
  return { headBytes, tailBytes: perStream - headBytes };
}

/** Of text someone else bounds (an operation's unread output), the last characters that fit one copy of one stream. */
export function textBudget(maxResultBytes: number): number {
  return Math.floor(maxResultBytes / 4);
}
