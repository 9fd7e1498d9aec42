import { z } from 'zod';
import { tpToolResult } from '../shape/shape.js';
import { defineTool } from '../registry/tool.js';
import { tpArgv } from '../tp/commands.js';
import { ToolError } from '../errors.js';
import { checkKey } from '../tp/key-check.js';
import { approvalInForce, limitsInWords } from '../config/in-words.js';

/** Every group and command of every generation; tp answers for the ones it has and exits 2 for the rest. */
const COMMAND_WORDS: Record<string, readonly string[]> = {
  '': ['cluster', 'storage', 'object-storage', 'job', 'ssh', 'me'],
  cluster: ['create', 'destroy', 'list', 'info', 'edit', 'attach', 'detach'],
  storage: ['create', 'destroy', 'list', 'info', 'edit'],
  'object-storage': ['enable', 'disable', 'credentials', 'configure', 'bucket'],
  'object-storage configure': ['rclone'],
  'object-storage bucket': ['list', 'create', 'delete'],
  job: ['init', 'push', 'list', 'info', 'cancel', 'delete', 'listen', 'pull'],
  me: ['sshkey', 'preferences'],
  'me sshkey': ['add', 'list', 'remove'],
};

function helpWords(command: string | undefined): string[] {
  const words = (command ?? '').trim().split(/\s+/).filter(Boolean);
  words.forEach((word, index) => {
    const parent = words.slice(0, index).join(' ');
    const allowed = COMMAND_WORDS[parent];
    if (!allowed?.includes(word)) {
      const after = parent ? `tp ${parent}` : 'tp';
      const choices = allowed ? `one of: ${allowed.join(', ')}` : 'nothing (it has no subcommands)';
      throw new ToolError(`command: "${word}" is not a tp command; after "${after}" comes ${choices}.`);
    }
  });
  return words;
}

const tpHelp = defineTool({
  name: 'tp_help',
  toolset: 'status',
  runs: 'tp',
  since: 'any',
  title: "Show tp's help",
  description: "The installed tp's help, `tp [command] --help`; no key, no network.",
  inputSchema: {
    command: z
      .string()
      .max(64, 'command must be at most 64 characters')
      .regex(/^[a-z -]*$/, 'command must be tp command words such as "cluster create" (lowercase letters, spaces, "-")')
      .optional()
      .describe('e.g. "job push"; default: top level'),
  },
  annotations: 'local-read-only',
  handler: async (args, { tp, signal }) =>
    tpToolResult(await tp.run(tpArgv.help(helpWords(args.command)), { signal, requiresKey: false })),
});

const serverStatus = defineTool({
  name: 'server_status',
  core: true,
  toolset: 'status',
  runs: 'local',
  title: 'Show the server status',
  description: 'tp, key, allowed directories, limits, approval. Call when a tool fails unexpectedly.',
  inputSchema: {},
  // names and types only: the result's text says the same in words
  annotations: 'read-only',
  handler: async (_args, { tp, config, runtime, signal }) => {
    const resolved = tp.locateTp();
    const facts = await runtime.installation.describe(signal).then(
      (value) => ({ value, problem: null }),
      (error: unknown) => ({ value: undefined, problem: error instanceof Error ? error.message : String(error) }),
    );
    let accepted: boolean | null = null;
    let keyMessage: string | null = null;
    if (tp.hasApiKey && facts.value) {
      const verdict = await checkKey(tp, { signal, timeoutMs: 60_000 });
      accepted = 'valid' in verdict && verdict.valid;
      if ('unavailable' in verdict) keyMessage = verdict.unavailable;
      else if (!verdict.valid) keyMessage = verdict.said;
    }
    const status = {
      tp_path: tp.tpPath,
      tp_resolved_path: resolved ?? null,
      tp_version: facts.value?.version ?? null,
      tp_generation: facts.value?.generation ?? null,
      tp_generation_source: facts.value?.source ?? null,
      tp_problem: facts.problem,
      api_key_set: tp.hasApiKey,
      api_key_accepted: accepted,
      api_key_message: keyMessage,
      allowed_dirs: [...runtime.files.allowedDirs],
      allowed_dirs_problem: runtime.files.allowedDirsProblem ?? null,
      toolsets: [...runtime.offered.toolsets],
      tools: [...runtime.offered.tools],
      read_only: config.readOnly,
      allow_secrets: config.allowSecrets,
      dry_run: config.dryRun,
      confirm_mode: config.confirmMode,
      confirm_creates: config.confirmCreates,
      approval: approvalInForce(config.confirmMode, runtime.clientCanElicit, config.confirmCreates),
      guardrails: {
        allow_instance_types: config.guardrails.allowInstanceTypes ? [...config.guardrails.allowInstanceTypes] : null,
        max_nodes: config.guardrails.maxNodes ?? null,
        max_storage_gb: config.guardrails.maxStorageGb ?? null,
      },
    };
    const lines = [
      `tp: ${status.tp_resolved_path ?? `${status.tp_path} (not found)`}` +
        (status.tp_version ? `, version ${status.tp_version}` : '') +
        (status.tp_generation ? `, generation ${status.tp_generation} (${status.tp_generation_source})` : ''),
      ...(facts.problem ? [`tp problem: ${facts.problem}`] : []),
      `API key: ${status.api_key_set ? 'set' : 'not set'}` +
        (accepted === null ? '' : accepted ? ', accepted' : `, NOT accepted: ${keyMessage}`),
      `allowed directories: ${status.allowed_dirs.join(', ') || `none (${status.allowed_dirs_problem})`}`,
      `toolsets: ${status.toolsets.join(', ') || '(library default)'}${status.read_only ? ' (read-only)' : ''}`,
      `limits: ${limitsInWords(config.guardrails, 'any').join(', ')}` +
        (status.dry_run ? '; DRY RUN: nothing that changes anything runs' : ''),
      `approval: ${status.approval}`,
    ];
    return { content: [{ type: 'text', text: lines.join('\n') }], structuredContent: status };
  },
});

export const statusTools = [tpHelp, serverStatus];
