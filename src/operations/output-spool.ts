import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';

/** Most output kept in memory; past it, the output moves to a file, so memory stays flat however much tp prints. */
export const IN_MEMORY_OUTPUT_BYTES = 64 * 1024;

/** An open spool file and where it is. */
export interface SpoolFile {
  fd: number;
  path: string;
}

/**
 * Everything one operation printed (already redacted), as UTF-8 bytes from 0 to `size`. Most calls
 * print a few kilobytes and never touch the disk; a call that prints more gets a private file,
 * written synchronously, so nothing buffers in memory however fast tp prints.
 */
export class OutputSpool {
  private chunks: string[] = [];
  private memoryBytes = 0;
  private file: SpoolFile | undefined;
  private fileBytes = 0;
  private bytes = 0;
  /** Why the file could not be opened or written: from then on output is counted, not kept. */
  private failure: string | undefined;

  constructor(
    private readonly openFile: () => SpoolFile,
    private readonly memoryLimit = IN_MEMORY_OUTPUT_BYTES,
  ) {}

  /** Bytes of output recorded so far. */
  get size(): number {
    return this.bytes;
  }

  /** Bytes that can be read back: all of them, unless the file failed. They are always the first ones. */
  get kept(): number {
    return this.file ? this.fileBytes : this.memoryBytes;
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
      if (!this.file) {
        this.file = this.openFile();
        for (const chunk of this.chunks) this.write(chunk);
        this.chunks = [];
      }
      this.write(text);
    } catch (error) {
      // a full disk must not fail the call: readers are told what is missing instead
      this.failure = error instanceof Error ? error.message : String(error);
      this.close();
    }
  }

  /** Bytes `start` to `end` of what was kept (end at most `kept`). */
  bytesBetween(start: number, end: number): Buffer {
    if (end <= start) return Buffer.alloc(0);
    if (!this.file) return Buffer.from(this.chunks.join('')).subarray(start, end);
    const buffer = Buffer.alloc(end - start);
    const fd = openSync(this.file.path, 'r');
    try {
      let read = 0;
      while (read < buffer.length) {
        const n = readSync(fd, buffer, read, buffer.length - read, start + read);
        if (n === 0) break;
        read += n;
      }
      return buffer.subarray(0, read);
    } finally {
      closeSync(fd);
    }
  }

  /** The last `limit` bytes of the output (all of it when smaller), with a note of what was left out. */
  async read(limit: number): Promise<string> {
    const text = this.file ? await readTail(this.file.path, limit) : this.memoryTail(limit);
    if (this.failure === undefined) return text;
    return `${text}\n[... ${this.size - this.kept} bytes of output could not be kept: ${this.failure} ...]\n`;
  }

  /** Stops writing (the operation finished); the output stays readable. */
  close(): void {
    if (this.file && this.file.fd >= 0) closeSync(this.file.fd);
    if (this.file) this.file.fd = -1;
    if (this.chunks.length > 1) this.chunks = [this.chunks.join('')];
  }

  /** Forgets the output and deletes its file. */
  remove(): void {
    this.close();
    if (this.file) rmSync(this.file.path, { force: true });
    this.file = undefined;
    this.chunks = [];
    this.memoryBytes = 0;
  }

  private write(text: string): void {
    const length = Buffer.byteLength(text);
    const written = writeSync(this.file!.fd, text);
    this.fileBytes += written;
    if (written < length) throw new Error(`only ${written} of ${length} bytes could be written`);
  }

  private memoryTail(limit: number): string {
    const text = this.chunks.join('');
    if (this.memoryBytes <= limit) return text;
    const bytes = Buffer.from(text);
    return cutNote(bytes.subarray(bytes.length - limit), bytes.length);
  }
}

/** The last `limit` bytes of a file (all of it when smaller); empty when it is gone. */
async function readTail(path: string, limit: number): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, limit);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return size > limit ? cutNote(buffer, size) : buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

/** `kept`, the end of `size` bytes of output, from its first whole character on, behind a note of what is left out. */
function cutNote(kept: Buffer, size: number): string {
  return `[... first ${size - kept.length + wholeCharacterStart(kept)} bytes left out ...]\n${kept.subarray(wholeCharacterStart(kept)).toString('utf8')}`;
}

/** Where the first whole UTF-8 character of a cut buffer begins: a cut in the middle of one would show as garbage. */
export function wholeCharacterStart(bytes: Buffer): number {
  let start = 0;
  while (start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start++;
  return start;
}
