// Builds tensorpool-mcp.mcpb, the MCP bundle Claude Desktop installs in one click: the built server
// (bin/ and dist/, dependencies already inside) under server/, with manifest.json, validated and
// packed by the mcpb tool. Run `npm run build:mcpb`; the output path may be given as an argument.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const output = resolve(process.argv[2] ?? join(root, 'tensorpool-mcp.mcpb'));
const mcpb = join(root, 'node_modules', '@anthropic-ai', 'mcpb', 'dist', 'cli', 'cli.js');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function run(args) {
  const result = spawnSync(process.execPath, [mcpb, ...args], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`mcpb ${args[0]} failed`);
    process.exit(result.status ?? 1);
  }
}

statSync(join(root, 'dist', 'mcpb-launch.js')); // built? (npm run build:mcpb builds first)
const stage = mkdtempSync(join(tmpdir(), 'tensorpool-mcpb-'));
try {
  cpSync(join(root, 'manifest.json'), join(stage, 'manifest.json'));
  cpSync(join(root, 'LICENSE'), join(stage, 'LICENSE'));
  cpSync(join(root, 'bin'), join(stage, 'server', 'bin'), { recursive: true });
  // served as the workflow skill resource, found upward from dist/
  cpSync(join(root, 'skills', 'tensorpool', 'SKILL.md'), join(stage, 'server', 'skills', 'tensorpool', 'SKILL.md'));
  cpSync(join(root, 'dist'), join(stage, 'server', 'dist'), {
    recursive: true,
    filter: (path) => !path.endsWith('.map') && !path.endsWith('.d.ts') && !/metafile-.*\.json$/.test(path),
  });
  // the files are ES modules
  writeFileSync(
    join(stage, 'server', 'package.json'),
    `${JSON.stringify({ name: pkg.name, version: pkg.version, type: 'module', private: true }, null, 2)}\n`,
  );
  run(['validate', join(stage, 'manifest.json')]);
  rmSync(output, { force: true });
  run(['pack', stage, output]);
  console.log(`${output}: ${(statSync(output).size / 1024).toFixed(0)} KB`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
