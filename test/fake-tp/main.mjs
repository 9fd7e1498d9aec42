#!/usr/bin/env node
// @ts-check
// A fake of TensorPool's `tp` CLI for tests: no network, no dependencies. It behaves as
// docs/tp-cli.md describes and prints the usage lines of test/reference/tp-usage/; fake-tp.test.ts
// holds it to both. The modules beside this one each do one part:
//   commands.mjs  the command table per generation     argparse.mjs  parsing, usage and help text
//   prompts.mjs   key lookup and questions              engine.mjs    canned engine answers
//   knobs.mjs     the FAKE_TP_* environment variables   scenario.mjs  what those knobs make tp do
//   io.mjs, files.mjs, log.mjs, python.mjs              output and stdin, files read, the call log
//
// One run: parse argv (help, version and usage errors end here, before any key lookup), write the
// log line, look up the key, check "health", run the knobs' scenario, then the command's handler.
import fs from 'node:fs';
import { formatHelp } from './argparse.mjs';
import { appendFileSync } from 'node:fs';
import { GENERATIONS, isGeneration } from './commands.mjs';
import { handlers } from './engine.mjs';
import { readConfig, readKeyFile } from './files.mjs';
import { front } from './front.mjs';
import { print, printErr, say, spin, stdinKind } from './io.mjs';
import { readKnobs } from './knobs.mjs';
import { writeLog } from './log.mjs';
import { obtainKey } from './prompts.mjs';
import { Traceback, pyRepr } from './python.mjs';
import { beforeCommand, dieBySignal } from './scenario.mjs';

/** @typedef {import('./argparse.mjs').Parsed} Parsed */

const env = process.env;
const knobs = readKnobs(env);

/** argparse's width: COLUMNS when it is a positive integer, else the terminal's, else 80. */
function terminalColumns() {
  const fromEnv = /^\s*[+-]?\d+\s*$/.test(env.COLUMNS ?? '') ? Number.parseInt(env.COLUMNS ?? '', 10) : 0;
  if (fromEnv > 0) return fromEnv;
  return (process.stdout.isTTY && process.stdout.columns) || 80;
}

/** @returns {Promise<number>} the exit code */
async function main() {
  const gen = knobs.generation;
  if (!isGeneration(gen)) {
    await printErr(`fake-tp: FAKE_TP_GENERATION must be one of ${GENERATIONS.join(', ')}, not ${pyRepr(gen)}\n`);
    return 3;
  }
  if (knobs.ignoreSigterm) {
    const sigtermFile = knobs.sigtermFile;
    process.on('SIGTERM', () => sigtermFile && appendFileSync(sigtermFile, `${process.pid}\n`));
  }
  const columns = terminalColumns();
  const invocation = { stdin: stdinKind(), generation: gen };
  /** @param {Record<string, unknown>} fields */
  const log = (fields) => writeLog(knobs.log, invocation, fields);
  const answer = front(gen, process.argv.slice(2), columns, knobs.versionString);
  if (!('parsed' in answer)) {
    log(answer.log);
    if (answer.stdout) await print(answer.stdout);
    if (answer.stderr) await printErr(answer.stderr);
    return answer.exit;
  }
  const { parsed } = answer;

  // Merge the namespaces top-down like argparse; keep the deepest parser (the command).
  /** @type {Record<string, any>} */
  const options = {};
  let last = parsed;
  for (let /** @type {Parsed | null} */ level = parsed; level; level = level.sub) {
    Object.assign(options, level.values);
    last = level;
  }
  const { node } = last.parser;
  const command = last.parser.prog.replace(/^tp ?/, '');
  const bare = Boolean(node.children) && node.bare !== 'run'; // a group given no subcommand
  const helpBeforeAuth = bare && node.bare === 'help';
  const ownNoInput = node.options.some((o) => o.names?.includes('--no-input')) && last !== parsed;
  // 0.0.6: a command's own --no-input default wins over the global flag (argparse namespaces).
  const noInput =
    gen === '0.0.6' && ownNoInput
      ? last.values.no_input
      : parsed.values.no_input || (ownNoInput && last.values.no_input);
  const session = { gen, cwd: process.cwd(), stdin: invocation.stdin, noInput: Boolean(noInput) };

  /** @type {import('./engine.mjs').Invocation} */
  const call = { session, o: options, env };
  /** @type {Record<string, unknown>} */
  const logFields = { command, options };
  if (command === 'cluster create' && options.public_key !== null)
    call.keyFile = logFields.keyFile = readKeyFile(session.cwd, options.public_key);
  if (command === 'me sshkey add') call.keyFile = logFields.keyFile = readKeyFile(session.cwd, options.key_path);
  if (command === 'job push') {
    call.config = readConfig(session.cwd, options.tp_config_path);
    Object.assign(logFields, { config: call.config.text, configPath: call.config.path });
  }
  if (helpBeforeAuth) logFields.help = true;
  log(logFields);

  if (helpBeforeAuth) {
    await print(formatHelp(last.parser, columns));
    return 0;
  }

  const key = await obtainKey(session, env.TENSORPOOL_KEY);
  if (key === null) return 1;
  process.env.TENSORPOOL_KEY = key; // children inherit it, as with the real CLI

  await spin('Authenticating...');
  if (env.TENSORPOOL_ENGINE === '') {
    await say(
      "Unexpected error during health check: Invalid URL '/health': No scheme supplied. Perhaps you meant " +
        'https:///health?',
    );
    return 1;
  }
  const validKeys = knobs.validKeysFile
    ? fs.readFileSync(knobs.validKeysFile, 'utf8').split('\n').filter(Boolean)
    : knobs.validKeys;
  if (knobs.rejectKey || (validKeys && !validKeys.includes(key))) {
    await say('Invalid API key');
    return 1;
  }
  if (knobs.healthMessage) await say(knobs.healthMessage);
  if (knobs.stderr) await printErr(knobs.stderr.endsWith('\n') ? knobs.stderr : `${knobs.stderr}\n`);
  if (knobs.echoKey) {
    // the key line comes last: a progress message names the latest line of a burst
    await say(`argv: ${JSON.stringify(process.argv.slice(2))}`, `TENSORPOOL_KEY=${key}`);
    await printErr(`key is ${key}\n`);
  }
  if (knobs.echoKeyEncoded) {
    // what a script that builds a header, a URL or a config file prints: the key, encoded
    const encoded = encodedKeyLines(key);
    await say(...encoded);
    await printErr(`${encoded.join('\n')}\n`);
  }
  if (!(await beforeCommand(knobs))) return knobs.exitCode;

  if (bare) {
    await print(formatHelp(last.parser, columns));
    return 0;
  }
  const handler = handlers[command];
  if (!handler) throw new Error(`fake-tp: no handler for "${command}"`);
  return handler(call);
}

let code;
try {
  code = await main();
} catch (e) {
  if (!(e instanceof Traceback)) throw e;
  await printErr(`Traceback (most recent call last):\n  File "tensorpool/main.py", line 1, in main\n${e.error}\n`);
  code = 1;
}
await dieBySignal(knobs);
process.exit(code);

/**
 * The key base64-, base64url-, hex- and URL-encoded, and inside a Basic authorization header (base64 at another
 * offset).
 * @param {string} key
 */
function encodedKeyLines(key) {
  const bytes = Buffer.from(key, 'utf8');
  return [
    `base64: ${bytes.toString('base64')}`,
    `base64url: ${bytes.toString('base64url')}`,
    `hex: ${bytes.toString('hex')}`,
    `url: https://engine.example/?key=${encodeURIComponent(key)}`,
    `Authorization: Basic ${Buffer.from(`user:${key}`).toString('base64')}`,
    `Authorization: Basic ${Buffer.from(`tp:${key}`).toString('base64')}`,
  ];
}
