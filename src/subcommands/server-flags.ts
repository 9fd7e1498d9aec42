import { isAbsolute, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { ConfirmMode } from '../registry/confirmation.js';
import type { Guardrails } from '../registry/guardrails.js';
import { GENERATIONS } from '../tp/generation.js';

// The server flags that doctor checks and config writes into snippets, read from the same environment
// variables as the server reads them. (When the server's options move to one table, take them from there.)

export interface ServerFlags {
  tpPath: string;
  allowDirs: string[];
  envFile?: string;
  readOnly: boolean;
  confirmMode: ConfirmMode;
  confirmCreates: boolean;
  guardrails: Guardrails;
  tpGeneration?: string;
  /** The flags as given on this command line, for a snippet. */
  given: string[];
}

function integer(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError(`${name} must be a whole number of at least 1.`);
    return Number(value);
  };
}

function list(name: string) {
  return (value: string): string[] => {
    const items = value.split(',').map((item) => item.trim()).filter(Boolean);
    if (items.length === 0) throw new InvalidArgumentError(`${name} needs at least one name, e.g. 1xH100,*L40S.`);
    return items;
  };
}

export function addServerFlags(command: Command): Command {
  return command
    .addOption(new Option('--tp-path <path>', 'the tp executable').env('TP_PATH').default('tp'))
    .addOption(new Option('--allow-dir <dir>', 'directory file tools may use (repeatable)').default([]).argParser((value: string, previous: string[]) => [...previous, value]))
    .addOption(new Option('--env-file <path>', '.env file to load, as the server would').env('TENSORPOOL_MCP_ENV_FILE'))
    .addOption(new Option('--read-only', 'offer only tools that change nothing'))
    .addOption(new Option('--confirm <mode>', 'how irreversible calls are approved').choices(['flag', 'elicit', 'always-elicit']).env('TENSORPOOL_MCP_CONFIRM').default('flag'))
    .addOption(new Option('--confirm-creates', 'also approve calls that start billing'))
    .addOption(new Option('--allow-instance-types <list>', 'instance types cluster_create may start').env('TENSORPOOL_MCP_ALLOW_INSTANCE_TYPES').argParser(list('--allow-instance-types')))
    .addOption(new Option('--max-nodes <n>', 'most nodes per cluster_create').env('TENSORPOOL_MCP_MAX_NODES').argParser(integer('--max-nodes')))
    .addOption(new Option('--max-storage-gb <gb>', 'largest volume').env('TENSORPOOL_MCP_MAX_STORAGE_GB').argParser(integer('--max-storage-gb')))
    .addOption(new Option('--tp-generation <generation>', 'tp CLI generation').choices(['auto', ...GENERATIONS]).env('TENSORPOOL_MCP_TP_GENERATION'));
}

function envSwitch(env: Record<string, string | undefined>, name: string): boolean {
  return ['1', 'true', 'yes'].includes(env[name]?.trim().toLowerCase() ?? '');
}

interface RawFlags {
  tpPath: string;
  allowDir: string[];
  envFile?: string;
  readOnly?: boolean;
  confirm: ConfirmMode;
  confirmCreates?: boolean;
  allowInstanceTypes?: string[];
  maxNodes?: number;
  maxStorageGb?: number;
  tpGeneration?: string;
}

export function serverFlagsFrom(command: Command, env: Record<string, string | undefined>, cwd: string): ServerFlags {
  const raw = command.opts<RawFlags>();
  const fromCli = (name: string) => command.getOptionValueSource(name) === 'cli';
  const allowDirs = raw.allowDir.length > 0 ? raw.allowDir : (env.TENSORPOOL_MCP_ALLOWED_DIRS ?? '').split(process.platform === 'win32' ? ';' : ':').filter((dir) => dir.trim() !== '');
  const given: string[] = [];
  // a client starts the server elsewhere: paths in a snippet are absolute
  if (fromCli('tpPath')) given.push('--tp-path', raw.tpPath.includes('/') && !isAbsolute(raw.tpPath) ? resolve(cwd, raw.tpPath) : raw.tpPath);
  if (fromCli('readOnly')) given.push('--read-only');
  if (fromCli('confirm')) given.push('--confirm', raw.confirm);
  if (fromCli('confirmCreates')) given.push('--confirm-creates');
  if (fromCli('allowInstanceTypes')) given.push('--allow-instance-types', raw.allowInstanceTypes!.join(','));
  if (fromCli('maxNodes')) given.push('--max-nodes', String(raw.maxNodes));
  if (fromCli('maxStorageGb')) given.push('--max-storage-gb', String(raw.maxStorageGb));
  if (fromCli('tpGeneration')) given.push('--tp-generation', raw.tpGeneration!);
  return {
    tpPath: raw.tpPath,
    allowDirs,
    envFile: raw.envFile,
    readOnly: raw.readOnly ?? envSwitch(env, 'TENSORPOOL_MCP_READ_ONLY'),
    confirmMode: raw.confirm,
    confirmCreates: raw.confirmCreates ?? envSwitch(env, 'TENSORPOOL_MCP_CONFIRM_CREATES'),
    guardrails: { allowInstanceTypes: raw.allowInstanceTypes, maxNodes: raw.maxNodes, maxStorageGb: raw.maxStorageGb },
    tpGeneration: raw.tpGeneration === 'auto' ? undefined : raw.tpGeneration,
    given,
  };
}
