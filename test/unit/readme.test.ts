import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allTools } from '../../src/tools/index.js';

const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');

describe('README', () => {
  it('its tool table names exactly the registered tools, in order', () => {
    const rows = [...readme.matchAll(/^\| `([a-z_]+)` \| /gm)].map((match) => match[1]);
    expect(rows).toEqual(allTools.map((tool) => tool.name));
  });

  it('documents every required parameter of every tool in its row', () => {
    for (const tool of allTools) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${tool.name}\` |`))!;
      for (const field of Object.keys(tool.inputSchema)) expect(row, `${tool.name}.${field}`).toContain(`\`${field}`);
    }
  });

  it('gives the two commands a newcomer needs', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm ci && npm test');
  });
});
