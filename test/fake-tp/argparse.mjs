// @ts-check
// Python 3.11's argparse, reduced to what `tp` uses: building parsers from the command table,
// parsing (ArgumentParser._parse_known_args), and the usage and help text (HelpFormatter),
// including its wrapping at COLUMNS - 2. Nothing here prints or exits; main.mjs does.
import { pyRepr } from './python.mjs';

/** @typedef {import('./commands.mjs').CommandNode} CommandNode */

/**
 * An argparse action: an option, a positional, or the subcommand slot of a group.
 * @typedef {object} Action
 * @property {string[]} [names]   option strings; absent for positionals
 * @property {string} dest
 * @property {0 | 1 | '*' | 'remainder' | 'parser'} nargs
 * @property {'int'} [type]
 * @property {boolean} [required]
 * @property {'help' | 'version'} [action]
 * @property {string} [metavar]
 * @property {Map<string, Parser>} [choices]  for nargs 'parser': subcommand name or alias → its parser
 */

/**
 * @typedef {object} Parser
 * @property {string} prog          `tp cluster create`
 * @property {string} name          the primary name of the command (`create`), '' for the top
 * @property {CommandNode} node
 * @property {Action[]} optionals
 * @property {Action[]} positionals
 * @property {Map<string, Action>} optionMap
 */

/**
 * One parser level and the one below it, as argparse nests sub-parser namespaces.
 * The namespace holds whatever the command line said: strings, ints, booleans, lists or null.
 * @typedef {object} Parsed
 * @property {Parser} parser
 * @property {Record<string, any>} values
 * @property {Parsed | null} sub
 * @property {string[]} extras
 */

/** argparse's "error: ..." for the parser that failed; exit 2. */
export class UsageError {
  /** @param {Parser} parser @param {string} message */
  constructor(parser, message) {
    this.parser = parser;
    this.message = message;
  }
}
/** -h/--help was given to this parser. */
export class HelpRequest {
  /** @param {Parser} parser */
  constructor(parser) {
    this.parser = parser;
  }
}
/** -v/--version was given. */
export class VersionRequest {}

/** @type {Action} */
const HELP = { names: ['-h', '--help'], nargs: 0, action: 'help', dest: 'help' };

/**
 * @param {CommandNode} node
 * @param {string} prog
 * @param {string} dest  where a group stores its chosen subcommand (`cluster_command`)
 * @param {string} [name]
 * @returns {Parser}
 */
export function buildParser(node, prog, dest, name = '') {
  /** @type {Action[]} */
  const optionals = [HELP, ...node.options].map((o) => {
    const names = o.names ?? [];
    const long = names.find((n) => n.startsWith('--')) ?? names[0] ?? '';
    const d = o.dest ?? long.replace(/^-+/, '').replace(/-/g, '_');
    return { ...o, dest: d, metavar: d.toUpperCase() };
  });
  /** @type {Action[]} */
  const positionals = (node.positionals ?? []).map((p) => ({ ...p, dest: p.dest ?? '' }));
  /** @type {Parser} */
  const parser = { prog, name, node, optionals, positionals, optionMap: new Map() };
  for (const o of optionals) for (const n of o.names ?? []) parser.optionMap.set(n, o);
  if (node.children) {
    /** @type {Map<string, Parser>} */
    const choices = new Map();
    for (const [childName, child] of Object.entries(node.children)) {
      const sub = buildParser(child, `${prog} ${childName}`, `${childName.replace(/-/g, '_')}_command`, childName);
      for (const n of [childName, ...child.aliases]) choices.set(n, sub);
    }
    positionals.push({ dest, nargs: 'parser', choices, required: false });
  }
  return parser;
}

// ---------------------------------------------------------------------------------------------
// Usage and help text

/** @param {Action} p */
const choicesOf = (p) => [...(p.choices?.keys() ?? [])];

/**
 * The wrappable parts of a usage line, split as argparse does (a required "-t TYPE" is two parts).
 * @param {Parser} parser
 */
function usageParts(parser) {
  const opt = parser.optionals.map((o) => {
    let s = o.names?.[0] ?? '';
    if (o.nargs === 1) s += ` ${o.metavar}`;
    if (o.nargs === '*') s += ` [${o.metavar} ...]`;
    return o.required ? s : `[${s}]`;
  });
  const pos = parser.positionals.map((p) => {
    if (p.nargs === 'parser') return `{${choicesOf(p).join(',')}} ...`;
    return p.nargs === 'remainder' ? '...' : p.dest;
  });
  /** @param {string[]} parts */
  const split = (parts) => parts.join(' ').match(/\(.*?\)+(?=\s|$)|\[.*?\]+(?=\s|$)|\S+/g) ?? [];
  return { opt: split(opt), pos: split(pos) };
}

/**
 * HelpFormatter._format_usage, including its wrapping when the line is wider than columns - 2.
 * @param {Parser} parser
 * @param {number} columns
 */
export function formatUsage(parser, columns) {
  const prefix = 'usage: ';
  const { opt, pos } = usageParts(parser);
  const prog = parser.prog;
  const oneLine = [prog, ...opt, ...pos].join(' ');
  const width = columns - 2;
  if (prefix.length + oneLine.length <= width) return `${prefix}${oneLine}\n`;
  /** @type {(parts: string[], indent: string, withPrefix: boolean) => string[]} */
  const getLines = (parts, indent, withPrefix) => {
    /** @type {string[]} */
    const lines = [];
    /** @type {string[]} */
    let line = [];
    let len = withPrefix ? prefix.length - 1 : indent.length - 1;
    for (const part of parts) {
      if (len + 1 + part.length > width && line.length) {
        lines.push(indent + line.join(' '));
        line = [];
        len = indent.length - 1;
      }
      line.push(part);
      len += part.length + 1;
    }
    if (line.length) lines.push(indent + line.join(' '));
    if (withPrefix && lines[0] !== undefined) lines[0] = lines[0].slice(indent.length);
    return lines;
  };
  /** @type {string[]} */
  let lines;
  if (prefix.length + prog.length <= 0.75 * width) {
    const indent = ' '.repeat(prefix.length + prog.length + 1);
    if (opt.length) lines = [...getLines([prog, ...opt], indent, true), ...getLines(pos, indent, false)];
    else if (pos.length) lines = getLines([prog, ...pos], indent, true);
    else lines = [prog];
  } else {
    const indent = ' '.repeat(prefix.length);
    lines = getLines([...opt, ...pos], indent, false);
    if (lines.length > 1) lines = [...getLines(opt, indent, false), ...getLines(pos, indent, false)];
    lines = [prog, ...lines];
  }
  return `${prefix}${lines.join('\n')}\n`;
}

/**
 * What `--help` prints: the usage, the description, positionals and options.
 * @param {Parser} parser
 * @param {number} columns
 */
export function formatHelp(parser, columns) {
  let text = `${formatUsage(parser, columns)}\n${parser.node.help}\n`;
  const positionals = parser.positionals.map((p) => (p.nargs === 'parser' ? `{${choicesOf(p).join(',')}}` : p.dest));
  if (positionals.length) text += `\npositional arguments:\n${positionals.map((p) => `  ${p}\n`).join('')}`;
  text += '\noptions:\n';
  for (const o of parser.optionals) {
    const value = o.nargs === 1 ? ` ${o.metavar}` : o.nargs === '*' ? ` [${o.metavar} ...]` : '';
    text += `  ${(o.names ?? []).map((n) => n + value).join(', ')}${o.action === 'help' ? '  show this help message and exit' : ''}\n`;
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** @param {Action} a */
const actionName = (a) => (a.names ? a.names.join('/') : a.dest);

/**
 * An option string as matched against this parser's options.
 * @typedef {object} OptionTuple
 * @property {Action | null} action  null: looks like an option but is unknown (an extra)
 * @property {string} optionString
 * @property {string | null} explicit  the text after `=`, or after a short option's letter
 */

/**
 * The options an abbreviated or packed option string could mean.
 * @param {Parser} parser
 * @param {string} arg
 * @returns {OptionTuple[]}
 */
function optionTuples(parser, arg) {
  /** @type {OptionTuple[]} */
  const result = [];
  if (arg[1] === '-') {
    const eq = arg.indexOf('=');
    const prefix = eq >= 0 ? arg.slice(0, eq) : arg;
    const explicit = eq >= 0 ? arg.slice(eq + 1) : null;
    for (const [name, action] of parser.optionMap)
      if (name.startsWith(prefix)) result.push({ action, optionString: name, explicit });
  } else {
    for (const [name, action] of parser.optionMap) {
      if (name === arg.slice(0, 2)) result.push({ action, optionString: name, explicit: arg.slice(2) });
      else if (name.startsWith(arg)) result.push({ action, optionString: name, explicit: null });
    }
  }
  return result;
}

/**
 * ArgumentParser._parse_optional: null for a positional.
 * @param {Parser} parser
 * @param {string} arg
 * @returns {OptionTuple | null}
 */
function parseOptional(parser, arg) {
  if (arg?.[0] !== '-') return null;
  const exact = parser.optionMap.get(arg);
  if (exact) return { action: exact, optionString: arg, explicit: null };
  if (arg.length === 1) return null;
  const eq = arg.indexOf('=');
  const beforeEq = eq >= 0 ? parser.optionMap.get(arg.slice(0, eq)) : undefined;
  if (beforeEq) return { action: beforeEq, optionString: arg.slice(0, eq), explicit: arg.slice(eq + 1) };
  const tuples = optionTuples(parser, arg);
  if (tuples.length > 1) {
    throw new UsageError(
      parser,
      `ambiguous option: ${arg} could match ${tuples.map((t) => t.optionString).join(', ')}`,
    );
  }
  if (tuples[0]) return tuples[0];
  if (/^-\d+$|^-\d*\.\d+$/.test(arg)) return null;
  if (arg.includes(' ')) return null;
  return { action: null, optionString: arg, explicit: null };
}

/** @param {Action} action */
function nargsPattern(action) {
  const p = { 0: '(-*-*)', 1: '(-*A-*)', '*': '(-*[A-]*)', remainder: '([-AO]*)', parser: '(-*A[-AO]*)' }[action.nargs];
  return action.names ? p.replace(/-\*/g, '').replace(/-/g, '') : p;
}

/**
 * @param {Parser} parser
 * @param {Action} action
 * @param {string} pattern  'O' per option string and 'A' per argument, as argparse encodes argv
 */
function matchArgument(parser, action, pattern) {
  const m = new RegExp(`^${nargsPattern(action)}`).exec(pattern);
  if (!m) {
    const expected = action.nargs === 1 ? 'expected one argument' : `expected ${action.nargs} argument`;
    throw new UsageError(parser, `argument ${actionName(action)}: ${expected}`);
  }
  return (m[1] ?? '').length;
}

/**
 * How many arguments each of the leading positionals takes.
 * @param {Action[]} actions
 * @param {string} pattern
 */
function matchPartial(actions, pattern) {
  for (let i = actions.length; i > 0; i--) {
    const m = new RegExp(`^${actions.slice(0, i).map(nargsPattern).join('')}`).exec(pattern);
    if (m) return m.slice(1).map((g) => (g ?? '').length);
  }
  return [];
}

/**
 * Python's int() also takes any Unicode decimal digit; each block of them starts at a zero.
 * @param {string} ch
 */
function digitValue(ch) {
  let cp = /** @type {number} */ (ch.codePointAt(0));
  const start = cp;
  while (/\p{Nd}/u.test(String.fromCodePoint(cp - 1))) cp--;
  return (start - cp) % 10;
}

/**
 * @param {Parser} parser
 * @param {Action} action
 * @param {string} value
 * @returns {string | number}
 */
function convert(parser, action, value) {
  if (action.type !== 'int') return value;
  if (!/^\s*[+-]?\p{Nd}+(_\p{Nd}+)*\s*$/u.test(value)) {
    throw new UsageError(parser, `argument ${actionName(action)}: invalid int value: ${pyRepr(value)}`);
  }
  const digits = [...value.trim().replace(/_/g, '')]
    .map((c) => (/\p{Nd}/u.test(c) ? String(digitValue(c)) : c))
    .join('');
  return Number.parseInt(digits, 10);
}

/**
 * Throws UsageError, HelpRequest or VersionRequest.
 * @param {Parser} parser
 * @param {string[]} argStrings
 * @returns {Parsed}
 */
function parseKnownArgs(parser, argStrings) {
  /** @type {Map<number, OptionTuple>} */
  const optionIndices = new Map();
  let pattern = '';
  for (let i = 0; i < argStrings.length; i++) {
    const argString = /** @type {string} */ (argStrings[i]);
    if (argString === '--') {
      pattern += `-${'A'.repeat(argStrings.length - i - 1)}`;
      break;
    }
    const tuple = parseOptional(parser, argString);
    if (tuple) optionIndices.set(i, tuple);
    pattern += tuple ? 'O' : 'A';
  }

  /** @type {Record<string, any>} */
  const values = {};
  for (const a of [...parser.optionals, ...parser.positionals])
    if (!a.action) values[a.dest] = a.nargs === 0 ? false : null;
  /** @type {Set<Action>} */
  const seen = new Set();
  /** @type {string[]} */
  const extras = [];
  /** The subcommand's parse; a box, since takeAction fills it in. */
  /** @type {{ parsed: Parsed | null }} */
  const sub = { parsed: null };

  /** @type {(action: Action, args: string[]) => void} */
  const takeAction = (action, args) => {
    seen.add(action);
    if (action.action === 'help') throw new HelpRequest(parser);
    if (action.action === 'version') throw new VersionRequest();
    if (action.nargs === 'parser') {
      const choice = args[0] ?? '';
      const child = action.choices?.get(choice);
      if (!child) {
        const choices = choicesOf(action).map(pyRepr).join(', ');
        throw new UsageError(
          parser,
          `argument ${action.dest}: invalid choice: ${pyRepr(choice)} (choose from ${choices})`,
        );
      }
      values[action.dest] = child.name;
      sub.parsed = parseKnownArgs(child, args.slice(1));
      return;
    }
    if (action.nargs === 'remainder') {
      values[action.dest] = args;
      return;
    }
    const rest = [...args];
    const dashes = rest.indexOf('--');
    if (dashes >= 0) rest.splice(dashes, 1);
    if (action.nargs === 0) values[action.dest] = true;
    else if (action.nargs === '*') values[action.dest] = rest.map((v) => convert(parser, action, v));
    else values[action.dest] = rest.length === 1 && rest[0] !== undefined ? convert(parser, action, rest[0]) : rest;
  };

  /** @param {number} start */
  const consumeOptional = (start) => {
    let { action, optionString, explicit } = /** @type {OptionTuple} */ (optionIndices.get(start));
    /** @type {[Action, string[]][]} */
    const taken = [];
    let stop;
    for (;;) {
      if (action === null) {
        extras.push(/** @type {string} */ (argStrings[start]));
        return start + 1;
      }
      if (explicit !== null) {
        const count = matchArgument(parser, action, 'A');
        if (count === 0 && optionString[1] !== '-' && explicit !== '') {
          // -xyz: more single-dash flags packed into one string
          taken.push([action, []]);
          optionString = `-${explicit[0]}`;
          const next = parser.optionMap.get(optionString);
          if (!next)
            throw new UsageError(
              parser,
              `argument ${actionName(action)}: ignored explicit argument ${pyRepr(explicit)}`,
            );
          action = next;
          explicit = explicit.slice(1) || null;
        } else if (count === 1) {
          stop = start + 1;
          taken.push([action, [explicit]]);
          break;
        } else {
          throw new UsageError(parser, `argument ${actionName(action)}: ignored explicit argument ${pyRepr(explicit)}`);
        }
      } else {
        const count = matchArgument(parser, action, pattern.slice(start + 1));
        stop = start + 1 + count;
        taken.push([action, argStrings.slice(start + 1, stop)]);
        break;
      }
    }
    for (const [a, args] of taken) takeAction(a, args);
    return stop;
  };

  const positionals = [...parser.positionals];
  /** @param {number} start */
  const consumePositionals = (start) => {
    const counts = matchPartial(positionals, pattern.slice(start));
    counts.forEach((count, i) => {
      takeAction(/** @type {Action} */ (positionals[i]), argStrings.slice(start, start + count));
      start += count;
    });
    positionals.splice(0, counts.length);
    return start;
  };

  let start = 0;
  const maxOption = optionIndices.size ? Math.max(...optionIndices.keys()) : -1;
  while (start <= maxOption) {
    const nextOption = Math.min(...[...optionIndices.keys()].filter((i) => i >= start));
    if (start !== nextOption) {
      const end = consumePositionals(start);
      if (end > start) {
        start = end;
        continue;
      }
      start = end;
    }
    if (!optionIndices.has(start)) {
      extras.push(...argStrings.slice(start, nextOption));
      start = nextOption;
    }
    start = consumeOptional(start);
  }
  extras.push(...argStrings.slice(consumePositionals(start)));

  const missing = [...parser.optionals, ...parser.positionals]
    .filter((a) => !seen.has(a) && (a.required ?? !a.names))
    .map(actionName);
  if (missing.length) throw new UsageError(parser, `the following arguments are required: ${missing.join(', ')}`);
  const below = sub.parsed;
  return { parser, values, sub: below, extras: below ? [...extras, ...below.extras] : extras };
}

/**
 * ArgumentParser.parse_args: leftover arguments are an error of the top parser.
 * @param {Parser} top
 * @param {string[]} argv
 */
export function parseArgs(top, argv) {
  const result = parseKnownArgs(top, argv);
  if (result.extras.length) throw new UsageError(top, `unrecognized arguments: ${result.extras.join(' ')}`);
  return result;
}
