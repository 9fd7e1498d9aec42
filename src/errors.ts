import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { API_KEY_VARIABLE, TP_KEY_VARIABLE } from './config/api-key.js';

/**
 * Every error class of the server, in one place. Only ToolError (and its kinds) reaches the model;
 * ConfigError and SelectionError end a start-up with exit code 2.
 */

/**
 * An expected failure the model can act on: bad input, a refusal, a missing prerequisite.
 * The server turns it into an `isError` tool result; anything else that throws is a bug.
 */
export class ToolError extends Error {
  override readonly name = 'ToolError';
}

export class TpNotFoundError extends ToolError {
  constructor(tpPath: string, cause: string) {
    super(
      `The TensorPool CLI was not found (tried "${tpPath}": ${cause}). ` +
        'Install it with `pipx install tensorpool`, `uv tool install tensorpool` or `pip install tensorpool`, ' +
        'or point the server at it with --tp-path or the TP_PATH environment variable.',
    );
  }
}

export class NoApiKeyError extends ToolError {
  constructor() {
    super(
      `No TensorPool API key is set. Set ${API_KEY_VARIABLE} (or ${TP_KEY_VARIABLE}) in the environment ` +
        `of the MCP server (the "env" block of your client config), or put ${API_KEY_VARIABLE}=... in a .env file ` +
        'in the directory the server starts in (or name one with --env-file). Get a key at ' +
        'https://tensorpool.dev/dashboard.',
    );
  }
}

/** A tool or parameter the installed `tp` lacks; raised before anything is spawned. */
export class UnsupportedError extends ToolError {
  constructor(what: string, generation: string, supported: string, hint: string) {
    super(`${what} needs tp ${supported}; the installed tp is generation ${generation}. ${hint}`.trim());
  }
}

/** A start-up setting that cannot work (a missing directory, an unparseable value). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * An option value that cannot be used; reading the option table turns it into a usage error naming the flag or
 * variable.
 */
export class OptionValueError extends Error {
  override readonly name = 'OptionValueError';
}

/** A tool selection (toolsets, tools, read-only) that names unknown or unavailable tools. */
export class SelectionError extends Error {
  override readonly name = 'SelectionError';
}

/** A client's config file that `config --write` cannot merge into; the message says what to fix. */
export class ConfigFileError extends Error {}

/**
 * An HTTP request the auth layer turns away (src/http/auth): answered with `status` and a
 * `WWW-Authenticate: Bearer` challenge carrying `code` (RFC 6750 §3.1), before any session exists.
 */
export class AuthRefusal extends Error {
  override readonly name = 'AuthRefusal';
  constructor(
    readonly status: 401 | 403 | 429 | 503,
    message: string,
    readonly code?: 'invalid_token' | 'insufficient_scope',
    readonly extra: { scope?: string; retryAfterSeconds?: number } = {},
  ) {
    super(message);
  }
}

/** The HTTP server could not listen: the port is taken, the address is not this machine's. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
}

/** A refusal or failure before or without `tp`: the text tells the model what to change. */
export function errorResult(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}
