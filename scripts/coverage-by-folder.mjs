#!/usr/bin/env node
// Prints the coverage of src/ per folder, from the json-summary that `vitest run --coverage` writes
// (coverage/coverage-summary.json). Only code that runs in vitest's own workers counts: the end-to-end
// tests run the built bundle in child processes, which V8 coverage does not see.
import { readFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const summary = JSON.parse(readFileSync(resolve(root, 'coverage/coverage-summary.json'), 'utf8'));
const METRICS = ['lines', 'statements', 'functions', 'branches'];

/** @type {Map<string, Record<string, { total: number, covered: number }>>} */
const folders = new Map();
for (const [file, counts] of Object.entries(summary)) {
  if (file === 'total') continue;
  const parts = relative(root, file).split(sep);
  // src/x.ts counts as src/, src/http/auth/y.ts as src/http/
  const folder = parts.length > 2 ? `${parts.slice(0, 2).join('/')}/` : `${parts[0]}/ (top level)`;
  const sums = folders.get(folder) ?? Object.fromEntries(METRICS.map((m) => [m, { total: 0, covered: 0 }]));
  for (const metric of METRICS) {
    sums[metric].total += counts[metric].total;
    sums[metric].covered += counts[metric].covered;
  }
  folders.set(folder, sums);
}

const pct = ({ total, covered }) => (total === 0 ? '100.0' : ((100 * covered) / total).toFixed(1));
const rows = [...folders.entries()].sort(([a], [b]) => a.localeCompare(b));
const width = Math.max(...rows.map(([folder]) => folder.length), 'total'.length);
console.log(`${'folder'.padEnd(width)}  ${METRICS.map((m) => m.padStart(12)).join('')}`);
for (const [folder, sums] of rows)
  console.log(`${folder.padEnd(width)}  ${METRICS.map((m) => `${pct(sums[m])}%`.padStart(12)).join('')}`);
console.log(`${'total'.padEnd(width)}  ${METRICS.map((m) => `${pct(summary.total[m])}%`.padStart(12)).join('')}`);
