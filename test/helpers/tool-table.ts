import { z } from 'zod';
import type { ToolDefinition } from '../../src/registry/tool.js';

const HINT_WORDS = {
  readOnlyHint: 'read-only',
  destructiveHint: 'destructive',
  idempotentHint: 'idempotent',
  openWorldHint: 'open-world',
} as const;

function parameters(tool: ToolDefinition): string {
  const schema = z.toJSONSchema(z.object(tool.inputSchema), { io: 'input' }) as {
    properties?: Record<string, { default?: unknown }>;
    required?: string[];
  };
  const required = new Set(schema.required ?? []);
  const entries = Object.entries(schema.properties ?? {}).map(([name, property]) => {
    if ('default' in property) return `\`${name}=${JSON.stringify(property.default)}\``;
    return required.has(name) ? `\`${name}\`` : `\`${name}?\``;
  });
  return entries.join(', ') || '(none)';
}

function generations(tool: ToolDefinition): string {
  if (tool.runs === 'local') return tool.name === 'job_write_config' ? 'no tp needed' : 'any';
  if (tool.since === 'any') return 'any';
  return tool.since ? `${tool.since}+` : 'all';
}

/** The tool table of docs/tools.md, generated from the registry so the two cannot drift apart. */
export function toolTable(tools: readonly ToolDefinition[]): string {
  const rows = tools.map((tool) => {
    const command = /`tp ([a-z -]+)`/.exec(tool.description)?.[1];
    const hints = (Object.keys(HINT_WORDS) as (keyof typeof HINT_WORDS)[])
      .filter((hint) => tool.annotations[hint])
      .map((hint) => HINT_WORDS[hint]);
    const toolset = tool.secrets === 'shown' ? `${tool.toolset} (needs \`--allow-secrets\`)` : tool.toolset;
    return (
      `| \`${tool.name}\` | ${toolset} | ${command ? `\`${command}\`` : '—'} | ${parameters(tool)} | ` +
      `${hints.join(', ') || '—'} | ${generations(tool)} |`
    );
  });
  return [
    '| tool | toolset | `tp` command | parameters | annotations | tp generations |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
