import { applyEdits, modify, parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { parse as parseToml } from 'smol-toml';
import type { Client } from './clients.js';
import { KEY_PLACEHOLDER, SERVER_KEY, type ServerLaunch } from './launch.js';
import { serverEntry, tomlSection, VSCODE_KEY_PROMPT } from './snippet.js';
import { ConfigFileError } from '../errors.js';
import { API_KEY_VARIABLE, TP_KEY_VARIABLE } from '../config/api-key.js';

const FORMAT = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } };

/**
 * The client's file with our server added or replaced, everything else left as it was — comments
 * and formatting too (clients such as VS Code allow comments in their JSON). `existing` undefined: a new file.
 */
export interface Merged {
  text: string;
  /** The key found in the old entry and kept in the new one: never to be shown. */
  keptKey?: string;
}

export function mergeConfig(client: Client, existing: string | undefined, launch: ServerLaunch, path: string): Merged {
  if (client.shape === 'codex-toml') {
    const keptKey = existingKey(tomlEntry(existing ?? '', path));
    return { text: mergeToml(existing ?? '', keepingKey(launch, keptKey), path), keptKey };
  }
  let text = existing?.trim() ? existing : '{}\n';
  const root = parseJson(text, path);
  if (root === null || typeof root !== 'object' || Array.isArray(root))
    throw new ConfigFileError(`${path} does not hold a JSON object; fix it or add the snippet by hand.`);
  const listKey = client.shape === 'vscode' ? 'servers' : 'mcpServers';
  const keptKey = existingKey((root as Record<string, Record<string, unknown> | undefined>)[listKey]?.[SERVER_KEY]);
  launch = keepingKey(launch, keptKey);
  text = applyEdits(text, modify(text, [listKey, SERVER_KEY], serverEntry(client, launch), FORMAT));
  if (client.shape === 'vscode') {
    const inputs = (parseJson(text, path) as { inputs?: unknown }).inputs;
    if (!Array.isArray(inputs)) {
      text = applyEdits(text, modify(text, ['inputs'], [VSCODE_KEY_PROMPT], FORMAT));
    } else {
      const at = inputs.findIndex((input) => (input as { id?: unknown })?.id === VSCODE_KEY_PROMPT.id);
      const edit = at === -1 ? { index: inputs.length, insert: true } : { index: at, insert: false };
      text = applyEdits(
        text,
        modify(text, ['inputs', edit.index], VSCODE_KEY_PROMPT, { ...FORMAT, isArrayInsertion: edit.insert }),
      );
    }
  }
  return { text: text.endsWith('\n') ? text : `${text}\n`, keptKey };
}

/** A key the user already filled in (not our placeholder, not a VS Code input reference), or undefined. */
function existingKey(entry: unknown): string | undefined {
  const env = (entry as { env?: Record<string, unknown> } | undefined)?.env;
  const key = env?.[API_KEY_VARIABLE] ?? env?.[TP_KEY_VARIABLE];
  if (typeof key !== 'string' || key === KEY_PLACEHOLDER || key.startsWith('${')) return undefined;
  return key;
}

/** Rewriting the entry must not throw away the key the user put there. */
function keepingKey(launch: ServerLaunch, key: string | undefined): ServerLaunch {
  return key === undefined ? launch : { ...launch, env: { ...launch.env, [API_KEY_VARIABLE]: key } };
}

function tomlEntry(text: string, path: string): unknown {
  checkToml(text, path);
  return (parseToml(text) as { mcp_servers?: Record<string, unknown> }).mcp_servers?.[SERVER_KEY];
}

function parseJson(text: string, path: string): unknown {
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const line = text.slice(0, errors[0]!.offset).split('\n').length;
    throw new ConfigFileError(
      `${path} is not valid JSON (${printParseErrorCode(errors[0]!.error)} on line ${line}); fix it or add the ` +
        `snippet by hand.`,
    );
  }
  return value;
}

const HEADER = /^\s*\[\s*mcp_servers\.(?:tensorpool|"tensorpool")\s*\]\s*(#.*)?$/;

/**
 * Replaces the `[mcp_servers.tensorpool]` table (and its sub-tables) in place, or appends one; the rest keeps its
 * comments.
 */
function mergeToml(existing: string, launch: ServerLaunch, path: string): string {
  checkToml(existing, path);
  const section = tomlSection(launch);
  const lines = existing.split('\n');
  const start = lines.findIndex((line) => HEADER.test(line));
  let text: string;
  if (start === -1) {
    const before = existing.trimEnd();
    text = before ? `${before}\n\n${section}\n` : `${section}\n`;
  } else {
    let end = start + 1;
    // the table ends at the next header that is not one of its own sub-tables
    while (
      end < lines.length &&
      !(/^\s*\[/.test(lines[end]!) && !new RegExp(`^\\s*\\[\\s*mcp_servers\\.${SERVER_KEY}\\.`).test(lines[end]!))
    )
      end++;
    while (end > start + 1 && lines[end - 1]!.trim() === '') end--;
    text = [...lines.slice(0, start), section, ...lines.slice(end)].join('\n');
    if (!text.endsWith('\n')) text += '\n';
  }
  checkToml(text, path);
  return text;
}

function checkToml(text: string, path: string): void {
  try {
    parseToml(text);
  } catch (error) {
    throw new ConfigFileError(
      `${path} is not valid TOML (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); fix it ` +
        `or add the snippet by hand.`,
    );
  }
}
