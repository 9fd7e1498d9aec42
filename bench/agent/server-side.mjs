// The server side: the built bin over stdio, driven by an MCP SDK client that declares elicitation
// and accepts every request (approval costs the model nothing; the person reads the message).
//   read (text)        what the model reads of a result: its content blocks
//   read (+structured)  the same plus JSON.stringify(structuredContent), which some clients pass on
// written            the tool name and JSON.stringify(arguments) per call (the shell side counts its command line, not
// its tool call's envelope)
// The fixed cost is what the model reads before its first call: tools/list as it sees it (name,
// title, description, inputSchema of each tool), the instructions, and every resource the
// instructions name (the server expects the agent to read those) or the workflows list as read.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { trackPid } from './cleanup.mjs';
import { ResultView } from './reading.mjs';
import { expandSteps } from './steps.mjs';

const bytes = (text) => Buffer.byteLength(text);
const CALL_TIMEOUT_MS = 60_000;
const MAX_REPEATS = 10;

/** What the person is asked to approve: every boolean "yes", every other field its default. */
function approve(requestedSchema) {
  const content = {};
  for (const [name, field] of Object.entries(requestedSchema?.properties ?? {})) {
    if (field.type === 'boolean') content[name] = true;
    else if (field.default !== undefined) content[name] = field.default;
  }
  return { action: 'accept', content };
}

export class ServerSide {
  /** @param {{ node: string, bin: string, tpPath: string, dir: string, env: Record<string, string> }} options */
  static async start({ node, bin, tpPath, dir, env }) {
    const transport = new StdioClientTransport({
      command: node,
      // the fake's knobs reach it only through tp's environment allow-list
      args: [bin, '--stdio', '--tp-path', tpPath, '--allow-dir', dir, '--pass-env', 'FAKE_TP_*'],
      env,
      cwd: dir,
      stderr: 'pipe',
    });
    const stderr = [];
    transport.stderr?.on('data', (chunk) => stderr.push(chunk));
    const client = new Client(
      { name: 'tensorpool-mcp-agent-bench', version: '1' },
      { capabilities: { elicitation: {} } },
    );
    const side = new ServerSide(client, transport, stderr);
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      side.elicited.push(bytes(request.params.message ?? ''));
      return approve(request.params.requestedSchema);
    });
    await client.connect(transport);
    side.forget = trackPid(transport.pid);
    return side;
  }

  constructor(client, transport, stderr) {
    this.client = client;
    this.transport = transport;
    this.stderr = stderr;
    this.elicited = [];
  }

  /** tools/list as the model sees it, the instructions, and the resources they name. */
  async fixedCost(extraResources = []) {
    const tools = [];
    let cursor;
    do {
      const page = await this.client.listTools(cursor ? { cursor } : {});
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    const seen = tools.map((tool) => ({
      name: tool.name,
      title: tool.title ?? tool.annotations?.title,
      description: tool.description,
      inputSchema: tool.inputSchema,
    }));
    const instructions = this.client.getInstructions() ?? '';
    const uris = new Set(extraResources);
    if (this.client.getServerCapabilities()?.resources) {
      for (const resource of (await this.client.listResources()).resources)
        if (instructions.includes(resource.uri)) uris.add(resource.uri);
    }
    const resources = [];
    for (const uri of uris) {
      const { contents } = await this.client.readResource({ uri });
      resources.push({ uri, bytes: contents.reduce((sum, c) => sum + bytes(c.text ?? c.blob ?? ''), 0) });
    }
    return {
      tools: tools.length,
      toolsList: bytes(JSON.stringify(seen)),
      instructions: bytes(instructions),
      resources,
    };
  }

  /** Runs a workflow's server steps; returns one record per tool call. */
  async runWorkflow(workflow, ctx) {
    const records = [];
    for (const { step, item } of expandSteps(workflow.server, ctx)) {
      let done = false;
      for (let look = 0; !done && look < MAX_REPEATS; look++) {
        const record = await this.#call(step, ctx, item);
        records.push(record);
        if (record.problems.length > 0) return records;
        done = record.done;
      }
      if (!done) {
        records.at(-1).problems.push(`still not done after ${MAX_REPEATS} calls`);
        return records;
      }
    }
    return records;
  }

  async #call(step, ctx, item) {
    const args = step.args(ctx, item);
    const call = { name: step.tool, arguments: args };
    this.elicited = [];
    let result;
    try {
      result = await this.client.callTool(call, undefined, { timeout: CALL_TIMEOUT_MS });
    } catch (error) {
      // a protocol error or a dead server: the workflow fails, the run still reports
      const stderr = Buffer.concat(this.stderr).toString('utf8').split('\n').slice(-10).join('\n');
      return {
        step: `${step.tool} ${JSON.stringify(args)}`,
        written: bytes(call.name) + bytes(JSON.stringify(call.arguments ?? {})),
        readText: 0,
        readStrict: 0,
        elicitation: 0,
        isError: true,
        taken: [],
        problems: [`${error.message}\nserver stderr:\n${stderr}`],
        done: true,
      };
    }
    const view = new ResultView(result);
    const text = (result.content ?? []).reduce(
      (sum, block) => sum + bytes(block.type === 'text' ? block.text : JSON.stringify(block)),
      0,
    );
    const structured = result.structuredContent === undefined ? 0 : bytes(JSON.stringify(result.structuredContent));
    const record = {
      step: `${step.tool} ${JSON.stringify(args)}`,
      written: bytes(call.name) + bytes(JSON.stringify(call.arguments ?? {})),
      readText: text,
      readStrict: text + structured,
      elicitation: this.elicited.reduce((sum, n) => sum + n, 0),
      isError: result.isError === true,
      taken: view.taken,
      problems: [],
      done: true,
    };
    try {
      const problem = step.check ? step.check(view, ctx) : result.isError ? `isError:\n${view.text}` : undefined;
      if (problem) record.problems.push(problem);
      step.take?.(view, ctx, item);
      if (step.until) record.done = step.until(view, ctx);
    } catch (error) {
      record.problems.push(error.message);
    }
    return record;
  }

  async close() {
    await this.client.close();
    this.forget?.();
  }
}
