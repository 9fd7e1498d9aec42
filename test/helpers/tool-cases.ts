import { expect } from 'vitest';
import { textOf } from './in-memory.js';
import type { ToolServer } from './tool-server.js';

/** A tool call that runs exactly `argv`, with stdin /dev/null, and returns fields rather than tp's text. */
export async function expectRunsArgv(
  server: ToolServer,
  name: string,
  args: Record<string, unknown>,
  argv: readonly string[],
): Promise<void> {
  const { result, ran } = await server.call(name, args);
  expect(result.isError ?? false, textOf(result)).toBe(false);
  expect(ran).toHaveLength(1);
  expect(ran[0]!.argv).toEqual(argv);
  expect(ran[0]!.stdin).toBe('devnull');
  expect(result.structuredContent).toMatchObject({ ok: true });
  // tp's spinner lines say nothing a model needs, and structuredContent carries fields, not tp's text
  expect(textOf(result)).not.toContain('* Authenticating...');
  expect(JSON.stringify(result.structuredContent)).not.toMatch(/stdout|stderr|Authenticating/);
}

/** A call with bad arguments: an error that names the field, and no tp process at all. */
export async function expectBadInputRefused(
  server: ToolServer,
  name: string,
  args: Record<string, unknown>,
  message: RegExp,
): Promise<void> {
  const { result, spawned } = await server.call(name, args);
  expect(result.isError).toBe(true);
  expect(textOf(result)).toMatch(message);
  expect(spawned).toEqual([]);
}
