import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allTools } from '../../src/tools/index.js';
import { toolTable } from '../helpers/tool-table.js';

const README = resolve(import.meta.dirname, '../../README.md');
const START = '<!-- tool-table:start (generated from the registry; UPDATE_README=1 npx vitest run test/unit/readme.test.ts) -->';
const END = '<!-- tool-table:end -->';

describe('README', () => {
  it('its tool table is exactly what the registry declares: names, toolsets, parameters, annotations, generations', () => {
    const readme = readFileSync(README, 'utf8');
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    expect(start, 'README lacks the tool table markers').toBeGreaterThan(-1);
    const expected = toolTable(allTools);
    if (process.env.UPDATE_README) {
      writeFileSync(README, `${readme.slice(0, start + START.length)}\n${expected}\n${readme.slice(end)}`);
      return;
    }
    expect(readme.slice(start + START.length, end).trim()).toBe(expected);
  });

  it('gives the two commands a newcomer needs', () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm ci && npm test');
  });
});
