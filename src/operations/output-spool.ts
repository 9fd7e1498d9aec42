import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { cutMarker } from '../tp/bounded-output.js';

/** Most output kept in memory; past it, the output moves to a file, so memory stays flat however much tp prints. */
export const IN_MEMORY_OUTPUT_BYTES = 64 * 1024;

/** Default most bytes one operation's spool file holds: past it the middle is cut (--max-output-mb). */

/** The spool files of a process together may hold this many operations' worth of output at its most. */
const SPOOL_SPACE_OPERATIONS = 4;

/** An open spool file and where it is. */
export interface SpoolFile {
  fd: number;
  path: string;
}

/**
 * The disk every spool file of a process may take together; each file draws its bytes from it as
 * it grows, and gives them back when it is deleted.
 */
export class SpoolSpace {
  private used = 0;

  constructor(readonly totalBytes: number) {}

  /** Room for `maxOutputBytes` per operation, SPOOL_SPACE_OPERATIONS times over. */
  static forOperations(maxOutputBytes: number): SpoolSpace {
    return new SpoolSpace(SPOOL_SPACE_OPERATIONS * maxOutputBytes);
  }

  get available(): number {
    return this.totalBytes - this.used;
  }

  /** Up to `bytes`, as many as are left. */
  take(bytes: number): number {
    const granted = Math.max(0, Math.min(bytes, this.available));
    this.used += granted;
    return granted;
  }

  give(bytes: number): void {
    this.used -= bytes;
  }
}

export interface SpoolLimits {
  /** Most bytes kept in memory before a file is opened. */
  memoryBytes?: number;
  /** Most bytes of the file: past it, its first half keeps the start and its second half the end. */
  fileBytes: number;
  /** Shared by every spool of the process; default: room for this one alone. */
  space?: SpoolSpace;
}

/** One stretch of the output read at a time: a resource page. */
export interface OutputPage {
  /** The text, whole characters only; at a cut, it starts with the cut's marker. */
  text: string;
  /** Where the page began, in bytes of the output. */
  offset: number;
  /** Where the next page begins (equal to `size` when this page reached what there is so far). */
  next: number;
  /** Bytes of output recorded so far. */
  size: number;
  /** Bytes left out in the middle to keep the file within its limit. */
  cutBytes: number;
}

/**
 * Where the middle was cut: [head, size - ring) of the output is gone; the file holds the head, then a ring of the last
 * bytes.
 */
interface Cut {
  head: number;
  /** The file position in the ring where the oldest byte of the end is, and where the next byte goes. */
  next: number;
  /** Counts writes into the ring, so a read that overlapped one can tell. */
  writes: number;
}

/**
 * Everything one operation printed (already redacted), as UTF-8 bytes from 0 to `size`. Most calls
 * print a few kilobytes and never touch the disk; a call that prints more gets a private file,
 * written synchronously, so nothing buffers in memory however fast tp prints. The file never grows
 * past its limit nor past the process's spool space: once full, its first half keeps the start and
 * its second half the end, the middle is left out, and readers are told how much.
 */
export class OutputSpool {
  private chunks: string[] = [];
  private memoryBytes = 0;
  private file: SpoolFile | undefined;
  private fileBytes = 0;
  private bytes = 0;
  /** Bytes taken from the process's spool space, given back on remove. */
  private reserved = 0;
  private cut: Cut | undefined;
  /** Why the file could not be opened or written: from then on output is counted, not kept. */
  private failure: string | undefined;
  private readonly memoryLimit: number;
  /** Most bytes this file may hold; lowered when the process's spool space runs out. */
  private fileLimit: number;
  private readonly space: SpoolSpace;

  constructor(
    private readonly openFile: () => SpoolFile,
    limits: SpoolLimits,
  ) {
    this.memoryLimit = limits.memoryBytes ?? IN_MEMORY_OUTPUT_BYTES;
    this.fileLimit = limits.fileBytes;
    this.space = limits.space ?? new SpoolSpace(this.fileLimit);
  }

  /** Bytes of output recorded so far. */
  get size(): number {
    return this.bytes;
  }

  /** Where what can be read back ends: `size`, unless the file failed. */
  get end(): number {
    if (this.failure !== undefined) return this.file ? this.fileBytes : this.memoryBytes;
    return this.bytes;
  }

  /** Where the unbroken stretch of output that ends at `end` begins: past the cut, or 0. */
  get tailStart(): number {
    return this.cut ? this.bytes - (this.fileBytes - this.cut.head) : 0;
  }

  /** Bytes left out in the middle. */
  get cutBytes(): number {
    return this.cut ? this.bytes - this.fileBytes : 0;
  }

  append(text: string): void {
    const length = Buffer.byteLength(text);
    this.bytes += length;
    if (this.failure !== undefined) return;
    if (!this.file && this.memoryBytes + length <= this.memoryLimit) {
      this.chunks.push(text);
      this.memoryBytes += length;
      return;
    }
    try {
      if (!this.file) this.spill();
      this.write(text, length);
    } catch (error) {
      // a full disk must not fail the call: readers are told what is missing instead
      this.failure = error instanceof Error ? error.message : String(error);
      this.close();
    }
  }

  /** Bytes `start` to `end` of the output, as far as they were kept (a part inside the cut is skipped). */
  bytesBetween(start: number, end: number): Buffer {
    if (end <= start) return Buffer.alloc(0);
    if (!this.file) return Buffer.from(this.chunks.join('')).subarray(start, end);
    const pieces = this.filePieces(start, end);
    const buffer = Buffer.alloc(pieces.reduce((sum, [, length]) => sum + length, 0));
    const fd = openSync(this.file.path, 'r');
    try {
      let filled = 0;
      for (const [position, length] of pieces) filled += readFully(fd, buffer, filled, length, position);
      return buffer.subarray(0, filled);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * At most `limit` bytes of the output from byte `offset` on, as whole characters. A page stops
   * at the cut; a page asked for inside the cut starts past it, behind a marker with the bytes left
   * out. Reading does not block the process: the file is read asynchronously.
   */
  async page(offset: number, limit: number): Promise<OutputPage> {
    const gap = this.cut ? { from: this.cut.head, to: this.tailStart } : undefined;
    let start = offset;
    let marker = '';
    if (gap && start >= gap.from && start < gap.to) {
      marker = cutMarker(gap.to - gap.from).trimStart();
      start = gap.to;
    }
    const end = this.end;
    const stop = Math.min(start + limit, gap && start < gap.from ? gap.from : end);
    const ringWrites = this.cut?.writes;
    let bytes = await this.read(start, stop);
    // tp went on printing into the ring while it was read: read it again, at once
    if (this.cut && this.cut.writes !== ringWrites && stop > this.tailStart) bytes = this.bytesBetween(start, stop);
    const lead = start > 0 ? wholeCharacterStart(bytes) : 0;
    const whole = bytes.subarray(lead, wholeCharacterEnd(bytes));
    // an unfinished character before the cut never gets its end: the next page is the cut
    const next = gap && stop === gap.from ? gap.from : start + lead + whole.length;
    let text = marker + whole.toString('utf8');
    if (this.failure !== undefined && next >= end) {
      text += `\n[... ${this.size - end} bytes of output could not be kept: ${this.failure} ...]\n`;
    }
    return { text, offset, next: Math.max(next, offset), size: this.size, cutBytes: this.cutBytes };
  }

  /** Stops writing (the operation finished); the output stays readable. */
  close(): void {
    if (this.file && this.file.fd >= 0) closeSync(this.file.fd);
    if (this.file) this.file.fd = -1;
    if (this.chunks.length > 1) this.chunks = [this.chunks.join('')];
  }

  /** Forgets the output, deletes its file and gives its room back to the process's spool space. */
  remove(): void {
    this.close();
    if (this.file) rmSync(this.file.path, { force: true });
    this.space.give(this.reserved);
    this.reserved = 0;
    this.file = undefined;
    this.fileBytes = 0;
    this.cut = undefined;
    this.chunks = [];
    this.memoryBytes = 0;
  }

  /** Moves what memory holds to a new file; refuses when the process's spool space cannot even take that. */
  private spill(): void {
    if (this.space.available < this.memoryLimit) {
      throw new Error(`the spool space of the server (${megabytes(this.space.totalBytes)} for all operations) is full`);
    }
    this.file = this.openFile();
    for (const chunk of this.chunks) this.write(chunk, Buffer.byteLength(chunk));
    this.chunks = [];
  }

  /** Writes on at the end of the file while it has room; once it is full, into the ring that keeps the end. */
  private write(text: string, length: number): void {
    const cut = this.cut;
    // a chunk that fits before the ring wraps goes in as it is: no copy per chunk however long tp prints
    if (cut && length <= this.fileBytes - cut.next) return this.writeRingText(cut, text, length);
    if (cut) return this.writeRing(Buffer.from(text));
    const wanted = Math.min(length, this.fileLimit - this.fileBytes);
    const granted = wanted > 0 ? this.space.take(wanted) : 0;
    this.reserved += granted;
    // the process's spool space ran out: this file stops growing here
    if (granted < wanted) this.fileLimit = this.fileBytes + granted;
    if (granted === length) return this.writeText(text, length);
    const bytes = Buffer.from(text);
    this.writeBytes(bytes.subarray(0, granted), this.fileBytes);
    this.fileBytes += granted;
    // the file is full: its first half keeps the start, its second half becomes the ring that keeps the end
    this.cut = { head: Math.floor(this.fileBytes / 2), next: Math.floor(this.fileBytes / 2), writes: 0 };
    this.writeRing(bytes.subarray(granted));
  }

  private writeText(text: string, length: number): void {
    const written = writeSync(this.file!.fd, text, this.fileBytes);
    this.fileBytes += written;
    if (written < length) throw new Error(`only ${written} of ${length} bytes could be written`);
  }

  private writeRingText(cut: Cut, text: string, length: number): void {
    cut.writes++;
    const written = writeSync(this.file!.fd, text, cut.next);
    if (written < length) throw new Error(`only ${written} of ${length} bytes could be written`);
    cut.next += length;
    if (cut.next === this.fileBytes) cut.next = cut.head;
  }

  /** Overwrites the oldest bytes of the ring with the last of `bytes`. */
  private writeRing(bytes: Buffer): void {
    const cut = this.cut!;
    const ring = this.fileBytes - cut.head;
    if (ring === 0 || bytes.length === 0) return;
    cut.writes++;
    let rest = bytes.length > ring ? bytes.subarray(bytes.length - ring) : bytes;
    while (rest.length > 0) {
      const length = Math.min(rest.length, this.fileBytes - cut.next);
      this.writeBytes(rest.subarray(0, length), cut.next);
      rest = rest.subarray(length);
      cut.next += length;
      if (cut.next === this.fileBytes) cut.next = cut.head;
    }
  }

  private writeBytes(bytes: Buffer, position: number): void {
    let written = 0;
    while (written < bytes.length) {
      const n = writeSync(this.file!.fd, bytes, written, bytes.length - written, position + written);
      if (n === 0) throw new Error(`only ${written} of ${bytes.length} bytes could be written`);
      written += n;
    }
  }

  /** Where bytes `start` to `end` of the output lie in the file: [position, length] pieces, in order. */
  private filePieces(start: number, end: number): Array<[number, number]> {
    const cut = this.cut;
    if (!cut) return [[start, end - start]];
    const pieces: Array<[number, number]> = [];
    if (start < cut.head) pieces.push([start, Math.min(end, cut.head) - start]);
    const tailStart = this.tailStart;
    const from = Math.max(start, tailStart);
    if (end <= from) return pieces;
    const ring = this.fileBytes - cut.head;
    // the oldest byte of the end sits at cut.next; the ring wraps from the end of the file to cut.head
    let position = cut.head + ((cut.next - cut.head + (from - tailStart)) % ring);
    let remaining = end - from;
    while (remaining > 0) {
      const length = Math.min(remaining, this.fileBytes - position);
      pieces.push([position, length]);
      remaining -= length;
      position = cut.head;
    }
    return pieces;
  }

  private async read(start: number, end: number): Promise<Buffer> {
    if (end <= start) return Buffer.alloc(0);
    if (!this.file) return this.bytesBetween(start, end);
    const pieces = this.filePieces(start, end);
    const buffer = Buffer.alloc(pieces.reduce((sum, [, length]) => sum + length, 0));
    let handle;
    try {
      handle = await open(this.file.path, 'r');
    } catch (error) {
      // deleted meanwhile (the operation expired)
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
      throw error;
    }
    try {
      let filled = 0;
      for (const [position, length] of pieces) {
        const { bytesRead } = await handle.read(buffer, filled, length, position);
        filled += bytesRead;
        if (bytesRead < length) break;
      }
      return buffer.subarray(0, filled);
    } finally {
      await handle.close();
    }
  }
}

function readFully(fd: number, buffer: Buffer, offset: number, length: number, position: number): number {
  let read = 0;
  while (read < length) {
    const n = readSync(fd, buffer, offset + read, length - read, position + read);
    if (n === 0) break;
    read += n;
  }
  return read;
}

function megabytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${bytes} bytes` : `${Math.round(bytes / (1024 * 1024))} MB`;
}

/** Where the first whole UTF-8 character of a cut buffer begins: a cut in the middle of one would show as garbage. */
export function wholeCharacterStart(bytes: Buffer): number {
  let start = 0;
  while (start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start++;
  return start;
}

/** Where a buffer's last whole UTF-8 character ends: an unfinished one at the end is left for the next read. */
function wholeCharacterEnd(bytes: Buffer): number {
  // the lead byte of the last character, at most 3 bytes back
  let lead = bytes.length - 1;
  while (lead >= 0 && lead > bytes.length - 4 && (bytes[lead]! & 0xc0) === 0x80) lead--;
  if (lead < 0) return bytes.length;
  const byte = bytes[lead]!;
  const size = byte < 0x80 ? 1 : byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
  return lead + size <= bytes.length ? bytes.length : lead;
}
