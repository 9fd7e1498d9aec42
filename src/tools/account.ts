import { defineTool } from '../registry/tool.js';
import { tpOutputSchema, tpToolResult } from '../registry/results.js';
import { tpArgv } from '../tp/commands.js';

const accountMe = defineTool({
  name: 'account_me',
  title: 'Show the TensorPool account',
  description: 'Show the account the API key belongs to: user, organization and credit (`tp me`). A quick check that the key works.',
  inputSchema: {},
  outputSchema: tpOutputSchema,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (_args, { tp, signal }) => tpToolResult(await tp.run(tpArgv.accountMe(), { signal })),
});

export const accountTools = [accountMe];
