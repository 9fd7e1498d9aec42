// A small MCP Apps host for the browser tests: an MCP client that declares the Apps extension, connected to
// the real server over HTTP, and ext-apps' AppBridge between it and the view in a sandboxed iframe.
import { AppBridge, getToolUiResourceUri, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

const HOST = { name: 'tensorpool-test-host', version: '1' };

interface Csp {
  connectDomains?: string[];
  resourceDomains?: string[];
}

/**
 * The policy the spec asks a host to build from the declared CSP: nothing beyond inline code and the listed domains.
 */
function policy(csp: Csp | undefined): string {
  const resources = (csp?.resourceDomains ?? []).join(' ');
  const connect = (csp?.connectDomains ?? []).join(' ') || "'none'";
  return (
    `default-src 'none'; script-src 'unsafe-inline' ${resources}; style-src 'unsafe-inline' ${resources}; ` +
    `img-src data: ${resources}; connect-src ${connect}`
  );
}

declare global {
  interface Window {
    openView(options: {
      mcpUrl: string;
      tool: string;
      args: Record<string, unknown>;
      theme: 'light' | 'dark';
    }): Promise<void>;
    /** The host switches between light and dark, as a person does in the host's settings. */
    setTheme(theme: 'light' | 'dark'): void;
    /** The result of the tool call the view shows, once the server answers it. */
    toolResult?: CallToolResult;
  }
}

window.openView = async ({ mcpUrl, tool, args, theme }) => {
  document.documentElement.style.colorScheme = theme;
  document.body.style.background = theme === 'dark' ? '#0f1012' : '#ffffff';
  const client = new Client(HOST, {
    capabilities: { extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: ['text/html;profile=mcp-app'] } } },
  });
  await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl)));
  const { tools } = await client.listTools();
  const definition = tools.find((candidate) => candidate.name === tool);
  const uri = definition && getToolUiResourceUri(definition);
  if (!definition || !uri) throw new Error(`${tool} links to no view`);
  const { contents } = await client.readResource({ uri });
  const view = contents[0] as { text: string; mimeType: string; _meta?: { ui?: { csp?: Csp } } };
  if (view.mimeType !== 'text/html;profile=mcp-app') throw new Error(`unexpected view type ${view.mimeType}`);

  const iframe = document.createElement('iframe');
  iframe.setAttribute('sandbox', 'allow-scripts');
  iframe.title = 'TensorPool view';
  document.body.append(iframe);
  const context = { theme, toolInfo: { tool: definition }, platform: 'web' as const };
  const bridge = new AppBridge(client, HOST, { serverTools: {}, serverResources: {} }, { hostContext: context });
  window.setTheme = (next) => {
    document.body.style.background = next === 'dark' ? '#0f1012' : '#ffffff';
    bridge.setHostContext({ ...context, theme: next });
  };
  bridge.onsizechange = async ({ height }) => {
    if (height !== undefined) iframe.style.height = `${height}px`;
  };
  const initialized = new Promise<void>((resolve) => (bridge.oninitialized = () => resolve()));
  await bridge.connect(new PostMessageTransport(iframe.contentWindow!, iframe.contentWindow!));
  const csp = `<meta http-equiv="Content-Security-Policy" content="${policy(view._meta?.ui?.csp)}">`;
  iframe.srcdoc = view.text.replace(/<head>/i, `<head>${csp}`);
  await initialized;
  await bridge.sendToolInput({ arguments: args });
  // the call runs while the view is open (and may wait there for Approve); its result goes to the view
  void client.callTool({ name: tool, arguments: args }).then(async (result) => {
    window.toolResult = result as CallToolResult;
    await bridge.sendToolResult(result as CallToolResult);
  });
};
