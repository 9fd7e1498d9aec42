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
      'No TensorPool API key is set. Set TENSORPOOL_API_KEY (or TENSORPOOL_KEY) in the environment ' +
        'of the MCP server (the "env" block of your client config), or put TENSORPOOL_API_KEY=... in a .env file ' +
        'in the directory the server starts in (or name one with --env-file). Get a key at https://tensorpool.dev/dashboard.',
    );
  }
}
