import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

/** Where the workflow skill is served, for clients without plugins or skills of their own. */
export const SKILL_URI = 'tensorpool-mcp://skill';

const SKILL_PATH = join('skills', 'tensorpool', 'SKILL.md');

/** The package's skills/ folder, found upward from this module: dist/ in a package, src/server/ in a clone. */
function skillFile(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, SKILL_PATH))) return join(dir, SKILL_PATH);
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Serves skills/tensorpool/SKILL.md, the same file the Claude Code plugin ships; read from disk only when asked for.
 */
export function registerSkill(server: McpServer): void {
  server.registerResource(
    'tensorpool-skill',
    SKILL_URI,
    {
      title: 'TensorPool workflows',
      description: 'How to run jobs, clusters and storage well with these tools',
      mimeType: 'text/markdown',
    },
    async (uri) => {
      const file = skillFile();
      const text = file
        ? readFileSync(file, 'utf8')
        : 'The skill file is missing from this installation; see the server instructions.';
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text }] };
    },
  );
}
