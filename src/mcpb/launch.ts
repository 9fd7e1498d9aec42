// The entry point inside the MCP bundle (tensorpool-mcp.mcpb): the host runs it with the arguments
// of manifest.json's mcp_config, which become the server's flags before the usual bin starts.
import { bundleArgsToFlags } from './bundle-args.js';

process.argv = [process.argv[0]!, process.argv[1]!, ...bundleArgsToFlags(process.argv.slice(2))];
// a URL, not a path: the bundler must leave the bin (and its compile-cache set-up) as it is
await import(new URL('../bin/tensorpool-mcp.js', import.meta.url).href);
