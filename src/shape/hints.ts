import type { Generation } from '../tp/generation.js';
import { API_KEY_VARIABLE, TP_KEY_VARIABLE } from '../config/api-key.js';

/**
 * tp's messages speak to a person at a terminal: "Check its status with `tp cluster info c-…`",
 * "Pass -i ~/.ssh/id_ed25519.pub", "Check TENSORPOOL_KEY". A model with this server has tools, not a
 * shell, so next to such text the result adds the same step in tool terms. The text itself stays.
 */

export interface Hint {
  /** What tp's text said, as it said it. */
  said: string;
  /** The same in this server's terms. */
  instead: string;
}

interface Rewrite {
  pattern: RegExp;
  rewrite: (match: RegExpMatchArray, generation: Generation | undefined) => string | undefined;
  /**
   * Whether the hint may come from output a user's job printed (job_push, job_listen…): only
   * read-only calls and plain advice, so a job cannot steer the model into spending or destroying.
   */
  fromJobOutput: boolean;
}

const ID = String.raw`([A-Za-z0-9][A-Za-z0-9._-]{0,127}?)(?=[\s\`'",;)]|\.(?:\s|$)|$)`;
// `tp` or `tensorpool`, with any global flag before the group (tp-cli.md §2)
const TP = String.raw`\b(?:tp|tensorpool)(?:\s+--no-input)?\s+`;
const cmd = (words: string, rest = '') => new RegExp(`${TP}${words.replace(/ /g, String.raw`\s+`)}${rest}`, 'g');

const quoted = (value: string) => JSON.stringify(value);
const call = (tool: string, args: Record<string, string | number | boolean | undefined> = {}) =>
  `${tool}(${Object.entries(args)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${typeof value === 'string' ? quoted(value) : String(value)}`)
    .join(', ')})`;
const AFTER_CONSENT = ' once the user agrees';

/** Reads `-n N` / `--num-nodes N` / `--num-nodes=N` and friends out of a command line tp printed. */
function flagValue(line: string, names: readonly string[]): string | undefined {
  for (const name of names) {
    const match = new RegExp(String.raw`(?:^|\s)${name}(?:=|\s+)([^\s\`'"]+)`).exec(line);
    if (match) return match[1];
  }
  return undefined;
}

function positionals(line: string): string[] {
  // words that are neither options nor the values of the options these commands take
  const words = line.trim().split(/\s+/);
  const taking = new Set([
    '-t',
    '--type',
    '--instance-type',
    '-s',
    '--size',
    '-n',
    '--num-nodes',
    '--name',
    '-i',
    '--public-key',
    '--container',
    '--experimental-container',
  ]);
  const kept: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!.replace(/[`'".,;)]+$/, '');
    if (taking.has(word)) i++;
    else if (!word.startsWith('-') && word) kept.push(word);
  }
  return kept;
}

const REST = String.raw`([^\n\`]*)`;
const integer = (value: string | undefined) => (value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined);

const REWRITES: readonly Rewrite[] = [
  {
    pattern: cmd('cluster info', `\\s+${ID}`),
    rewrite: (m) => call('cluster_info', { cluster_id: m[1] }),
    fromJobOutput: true,
  },
  {
    pattern: cmd('cluster (?:list|ls)', '(\\s+--instances)?\\b'),
    rewrite: (m) => call('cluster_list', { instances: m[1] ? true : undefined }),
    fromJobOutput: true,
  },
  {
    pattern: cmd('cluster (?:destroy|rm)', `(?:\\s+--\\S+)*\\s+${ID}`),
    rewrite: (m) => call('cluster_destroy', { cluster_id: m[1], confirm: true }) + AFTER_CONSENT,
    fromJobOutput: false,
  },
  {
    // 0.0.6: `tp cluster create -t TYPE`; 0.0.7+: `tp cluster create TYPE`
    pattern: cmd('cluster create', REST),
    rewrite: (m, generation) => {
      const line = m[1]!;
      const type =
        generation === '0.0.6'
          ? flagValue(line, ['-t', '--instance-type'])
          : (positionals(line)[0] ?? flagValue(line, ['-t', '--instance-type']));
      const nodes = integer(flagValue(line, ['-n', '--num-nodes']));
      return call('cluster_create', { instance_type: type ?? '<instance type>', num_nodes: nodes });
    },
    fromJobOutput: false,
  },
  {
    pattern: cmd('cluster (attach|detach)', `\\s+${ID}\\s+${ID}`),
    rewrite: (m) =>
      call(`cluster_${m[1]}_storage`, {
        cluster_id: m[2],
        storage_id: m[3],
        confirm: m[1] === 'detach' ? true : undefined,
      }) + (m[1] === 'detach' ? AFTER_CONSENT : ''),
    fromJobOutput: false,
  },
  {
    pattern: cmd('storage info', `\\s+${ID}`),
    rewrite: (m) => call('storage_info', { storage_id: m[1] }),
    fromJobOutput: true,
  },
  { pattern: cmd('storage (?:list|ls)\\b'), rewrite: () => call('storage_list'), fromJobOutput: true },
  {
    pattern: cmd('storage (?:destroy|rm)', `(?:\\s+--\\S+)*\\s+${ID}`),
    rewrite: (m) => call('storage_destroy', { storage_id: m[1], confirm: true }) + AFTER_CONSENT,
    fromJobOutput: false,
  },
  {
    // 0.0.6: `-t TYPE [-s N]`; 0.0.7/0.0.8: `TYPE [-s N]`; 0.0.9: `SIZE` (GB)
    pattern: cmd('storage create', REST),
    rewrite: (m, generation) => {
      const line = m[1]!;
      const first = positionals(line)[0];
      if (generation === '0.0.9') return call('storage_create', { size_gb: integer(first) });
      const type = generation === '0.0.6' ? flagValue(line, ['-t', '--type']) : first;
      return call('storage_create', { volume_type: type, size_gb: integer(flagValue(line, ['-s', '--size'])) });
    },
    fromJobOutput: false,
  },
  {
    pattern: cmd('job listen', `\\s+${ID}`),
    rewrite: (m) => call('job_listen', { job_id: m[1] }),
    fromJobOutput: true,
  },
  { pattern: cmd('job info', `\\s+${ID}`), rewrite: (m) => call('job_info', { job_id: m[1] }), fromJobOutput: true },
  { pattern: cmd('job (?:list|ls)\\b'), rewrite: () => call('job_list'), fromJobOutput: true },
  {
    pattern: cmd('job pull', REST),
    rewrite: (m) => {
      const id = positionals(m[1]!)[0];
      const force = /(?:^|\s)--force\b/.test(m[1]!) ? true : undefined;
      return call('job_pull', { job_id: id, workdir: '<project directory>', force });
    },
    fromJobOutput: false,
  },
  {
    pattern: cmd('job cancel', `(?:\\s+--\\S+)*\\s+${ID}`),
    rewrite: (m) => call('job_cancel', { job_id: m[1], confirm: true }) + AFTER_CONSENT,
    fromJobOutput: false,
  },
  {
    // 0.0.6: `tp job push CONFIG`; 0.0.7+: `tp job push CONFIG CLUSTER_ID`
    pattern: cmd('job push', REST),
    rewrite: (m, generation) => {
      const [config, cluster] = positionals(m[1]!);
      return call('job_push', {
        config_path: config ?? '<config>',
        cluster_id: generation === '0.0.6' ? undefined : (cluster ?? '<cluster id>'),
      });
    },
    fromJobOutput: false,
  },
  { pattern: cmd('job init\\b'), rewrite: () => `${call('job_write_config')} (or job_init)`, fromJobOutput: true },
  {
    pattern: cmd('me sshkey add', REST),
    rewrite: (m) =>
      call('ssh_key_add', {
        public_key: positionals(m[1]!).find((word) => word.endsWith('.pub')) ?? '<path of the .pub file>',
      }),
    fromJobOutput: false,
  },
  { pattern: cmd('me sshkey (?:list|ls)\\b'), rewrite: () => call('ssh_key_list'), fromJobOutput: true },
  {
    pattern: /(?:^|\s)(?:-i|--public-key)(?:=|\s+)([\w./~-]+\.pub)\b/g,
    rewrite: (m) => `pass ${m[1]} as cluster_create's ssh_public_key, or save it once with ssh_key_add`,
    fromJobOutput: true,
  },
  {
    pattern: cmd('ssh', `\\s+${ID}`),
    rewrite: (m) =>
      `no tool opens a shell: give the user \`tp ssh ${m[1]}\` to run; cluster_info shows the connection details`,
    fromJobOutput: true,
  },
  {
    pattern: new RegExp(`\\b${TP_KEY_VARIABLE}\\b`, 'g'),
    rewrite: () =>
      `this server hands tp the key from its own environment: the user sets ${API_KEY_VARIABLE} in the MCP client's ` +
      `server config (env); server_status checks it`,
    fromJobOutput: true,
  },
  {
    pattern: /\b(?:cluster\s+(c-[A-Za-z0-9]+)\s+)?must be RUNNING\b/gi,
    rewrite: (m) =>
      `the cluster is not RUNNING yet: call ${call('cluster_info', { cluster_id: m[1] ?? '<cluster id>' })} until ` +
      `its status is RUNNING ` +
      '(cluster_create with wait=true returns only then), then retry',
    fromJobOutput: true,
  },
  {
    pattern: /\b(?:volume\s+(s-[A-Za-z0-9]+)\s+)?must be READY\b/gi,
    rewrite: () =>
      'the volume is not READY yet: check storage_list until its status is READY (storage_create with wait=true ' +
      'returns only then), then retry',
    fromJobOutput: true,
  },
  {
    // `job pull` without --force skips files that exist (tp-cli.md §6)
    pattern: /\bSkipping (\S+) - file already exists\b/g,
    rewrite: () => 'job_pull with force=true overwrites files that already exist',
    fromJobOutput: true,
  },
];

/**
 * The tool-terms equivalents of what `text` tells a person to run, each once, in the order tp said them.
 * `fromJobOutput`: the text carries what a user's job printed, so only read-only calls and advice come out.
 */
export function toolHints(
  text: string,
  generation: Generation | undefined,
  options: { fromJobOutput?: boolean } = {},
): Hint[] {
  // argparse's usage lines describe the syntax, they do not tell anyone to run anything
  const advice = text
    .split('\n')
    .filter((line) => !/^\s*usage:/.test(line))
    .join('\n');
  const found: { index: number; hint: Hint }[] = [];
  const seen = new Set<string>();
  for (const rule of REWRITES) {
    if (options.fromJobOutput && !rule.fromJobOutput) continue;
    for (const match of advice.matchAll(rule.pattern)) {
      const instead = rule.rewrite(match, generation);
      if (!instead || seen.has(instead)) continue;
      seen.add(instead);
      found.push({ index: match.index ?? 0, hint: { said: shorten(match[0].trim()), instead } });
    }
  }
  return found.sort((a, b) => a.index - b.index).map((entry) => entry.hint);
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The hints as the text block a result adds. */
export function renderHints(hints: readonly Hint[]): string | undefined {
  if (hints.length === 0) return undefined;
  return hints.map((hint) => `In tool terms: \`${hint.said}\` = ${hint.instead}`).join('\n');
}
