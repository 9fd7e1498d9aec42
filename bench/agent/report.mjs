// Sums the steps of both sides into the comparison of issue 16 and prints it: a table per task, the
// totals with the fixed costs, and the issue's targets with PASS/FAIL.

/**
 * Size of TensorPool's published agent skill (skills/tensorpool/SKILL.md in tensorpool/tensorpool),
 * as measured in issue 16: what a shell agent reads once, when the skill triggers. A constant, so
 * the file itself stays out of this repository.
 */
const SHELL_SKILL_BYTES = 15_493;

const TARGETS = { taskRead: 0.8, conversationRead: 0.7, written: 1.25 };

const sum = (items, key) => items.reduce((total, item) => total + item[key], 0);
const number = (n) => n.toLocaleString('en-US');
const times = (value) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a');
const verdict = (pass) => (pass ? 'PASS' : 'FAIL');

/** One workflow's result from the records of both sides. */
export function summarizeTask(workflow, shellSteps, serverSteps, problems) {
  const taken = serverSteps.flatMap((step) => step.taken.map((t) => ({ ...t, tool: step.step.split(' ')[0] })));
  const shell = { steps: shellSteps, read: sum(shellSteps, 'read'), written: sum(shellSteps, 'written') };
  const server = {
    steps: serverSteps,
    readText: sum(serverSteps, 'readText'),
    readStrict: sum(serverSteps, 'readStrict'),
    written: sum(serverSteps, 'written'),
    elicitation: sum(serverSteps, 'elicitation'),
    calls: serverSteps.length,
    fromTables: taken.filter((t) => t.source === 'table'),
    fromText: taken.filter((t) => t.source === 'text'),
  };
  return {
    id: workflow.id,
    title: workflow.title,
    shell,
    server,
    ratios: {
      readStrict: server.readStrict / shell.read,
      readText: server.readText / shell.read,
      written: server.written / shell.written,
    },
    problems,
    ok: problems.length === 0,
  };
}

/** Totals over the tasks, the fixed costs, and every target of issue 16 with its verdict. */
export function summarize(tasks, serverFixed) {
  const fixedServer =
    serverFixed.toolsList + serverFixed.instructions + serverFixed.resources.reduce((total, r) => total + r.bytes, 0);
  const shellRead = tasks.reduce((total, t) => total + t.shell.read, 0);
  const shellWritten = tasks.reduce((total, t) => total + t.shell.written, 0);
  const serverText = tasks.reduce((total, t) => total + t.server.readText, 0);
  const serverStrict = tasks.reduce((total, t) => total + t.server.readStrict, 0);
  const serverWritten = tasks.reduce((total, t) => total + t.server.written, 0);
  const totals = {
    shell: {
      read: shellRead,
      written: shellWritten,
      fixed: SHELL_SKILL_BYTES,
      conversation: SHELL_SKILL_BYTES + shellRead,
    },
    server: {
      readText: serverText,
      readStrict: serverStrict,
      written: serverWritten,
      elicitation: tasks.reduce((total, t) => total + t.server.elicitation, 0),
      calls: tasks.reduce((total, t) => total + t.server.calls, 0),
      fixed: fixedServer,
      conversationText: fixedServer + serverText,
      conversationStrict: fixedServer + serverStrict,
    },
  };
  const conversation = totals.server.conversationStrict / totals.shell.conversation;
  const conversationText = totals.server.conversationText / totals.shell.conversation;
  const tableReads = tasks.flatMap((t) => t.server.fromTables.map((read) => ({ task: t.id, ...read })));
  const targets = [
    ...tasks.map((t) => ({
      name: `${t.id}: read ≤ ${TARGETS.taskRead}× what tp prints`,
      measured: t.ratios.readText,
      measuredText: t.ratios.readStrict,
      limit: TARGETS.taskRead,
      pass: t.ratios.readText <= TARGETS.taskRead,
      passText: t.ratios.readStrict <= TARGETS.taskRead,
    })),
    {
      name: `all four in one conversation, fixed costs included: read ≤ ${TARGETS.conversationRead}×`,
      measured: conversationText,
      measuredText: conversation,
      limit: TARGETS.conversationRead,
      pass: conversationText <= TARGETS.conversationRead,
      passText: conversation <= TARGETS.conversationRead,
    },
    {
      name: `written ≤ ${TARGETS.written}× what is typed in the shell`,
      measured: serverWritten / shellWritten,
      limit: TARGETS.written,
      pass: serverWritten / shellWritten <= TARGETS.written,
    },
    {
      name: 'no id, status or size read from a table',
      measured: tableReads.length,
      limit: 0,
      pass: tableReads.length === 0,
      tableReads,
    },
  ];
  return { totals, targets };
}

/** A Markdown table; numbers get thousands separators and are aligned right. */
function table(header, rows) {
  const cells = [header, ...rows].map((row) =>
    row.map((cell) => (typeof cell === 'number' ? number(cell) : String(cell))),
  );
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const numeric = header.map((_, i) => rows.some((row) => typeof row[i] === 'number'));
  const line = (row) =>
    `| ${row.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join(' | ')} |`;
  return [
    line(cells[0]),
    `|${widths.map((w, i) => `${'-'.repeat(w + 1)}${numeric[i] ? ':' : '-'}`).join('|')}|`,
    ...cells.slice(1).map(line),
  ].join('\n');
}

/** Where the server side's values came from, for a step's notes. */
function sources(step) {
  return step.taken
    .filter((t) => t.source !== 'structured')
    .map((t) => `${t.what} from ${t.source === 'table' ? 'a TABLE' : 'the text'}`)
    .join('; ');
}

const clip = (text, width = 72) => {
  const flat = text.replace(/\n/g, '⏎');
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
};

export function formatReport({ tasks, serverFixed, totals, targets, meta }) {
  const out = [];
  out.push(`# Agent benchmark (issue 16): tp in a shell vs tensorpool-mcp over stdio`);
  out.push(
    `commit ${meta.commit}, fake tp generation ${meta.generation}, Node ${meta.node}; ${(meta.ms / 1000).toFixed(1)} s`,
  );
  out.push(
    'Bytes. Shell: read = all tp printed (stdout+stderr), written = the command lines typed. Server: read (text) = ' +
      'content',
  );
  out.push(
    'blocks (what the model reads in clients that show it the content, and the measure of the targets), read ' +
      '(+structured)',
  );
  out.push(
    '= that plus JSON of structuredContent, for clients that pass both on; written = the tool name and JSON of its ' +
      'arguments,',
  );
  out.push(
    "as the shell side counts the command line and not the envelope of the shell tool's call. Elicitation messages " +
      'are read',
  );
  out.push('by the person, not the model, and counted apart.');
  for (const [i, task] of tasks.entries()) {
    out.push('', `## ${i + 1}. ${task.title}${task.ok ? '' : '  — FAILED'}`);
    const rows = [
      ...task.shell.steps.map((s) => ['shell', clip(s.step), s.read, '', s.written, s.problems.length ? 'FAILED' : '']),
      ...task.server.steps.map((s) => [
        'server',
        clip(s.step),
        s.readText,
        s.readStrict,
        s.written,
        [
          s.isError ? 'isError' : '',
          s.elicitation ? `elicitation ${s.elicitation} B` : '',
          sources(s),
          s.problems.length ? 'FAILED' : '',
        ]
          .filter(Boolean)
          .join('; '),
      ]),
    ];
    out.push(table(['side', 'step', 'read', 'read +structured', 'written', 'notes'], rows));
    for (const problem of task.problems) out.push(`  problem: ${problem}`);
  }

  out.push('', '## Per task');
  out.push(
    table(
      [
        'task',
        'shell read',
        'server read (text)',
        'server read (+structured)',
        'read ratio',
        'read ratio (text)',
        'shell written',
        'server written',
        'written ratio',
        'calls',
        'from tables',
      ],
      tasks.map((t) => [
        t.id,
        t.shell.read,
        t.server.readText,
        t.server.readStrict,
        times(t.ratios.readStrict),
        times(t.ratios.readText),
        t.shell.written,
        t.server.written,
        times(t.ratios.written),
        t.server.calls,
        t.server.fromTables.length,
      ]),
    ),
  );

  const s = totals.shell;
  const m = totals.server;
  out.push('', '## All four in one conversation, fixed costs included');
  out.push(
    table(
      ['', 'shell', 'server (text)', 'server (+structured)'],
      [
        ['fixed cost', s.fixed, m.fixed, m.fixed],
        ['tasks read', s.read, m.readText, m.readStrict],
        ['conversation read', s.conversation, m.conversationText, m.conversationStrict],
        ['ratio', '', times(m.conversationText / s.conversation), times(m.conversationStrict / s.conversation)],
        ['written', s.written, m.written, m.written],
      ],
    ),
  );
  const resources = serverFixed.resources.map((r) => ` + ${r.uri} ${number(r.bytes)} B`).join('');
  out.push(
    `Shell fixed cost: TensorPool's SKILL.md (${number(SHELL_SKILL_BYTES)} B, as measured in issue 16). Server fixed ` +
      `cost: tools/list as the model`,
  );
  out.push(
    `sees it ${number(serverFixed.toolsList)} B (${serverFixed.tools} tools) + instructions ` +
      `${number(serverFixed.instructions)} B${resources}. Elicitation messages (person): ${number(m.elicitation)} B.`,
  );

  out.push('', '## Targets of issue 16 (on the text; with structuredContent too beside it)');
  out.push(
    table(
      ['target', 'measured', 'verdict', 'with structured'],
      targets.map((t) => [
        t.name,
        t.limit === 0 ? t.measured : times(t.measured),
        verdict(t.pass),
        t.measuredText === undefined ? '' : `${times(t.measuredText)} ${verdict(t.passText)}`,
      ]),
    ),
  );
  const tableReads = targets.at(-1).tableReads;
  if (tableReads.length > 0)
    out.push(
      `Read out of a table by the harness: ${tableReads.map((r) => `${r.task}/${r.tool}: ${r.what}`).join(', ')}.`,
    );
  const textReads = tasks.flatMap((t) => t.server.fromText.map((r) => `${t.id}/${r.tool}: ${r.what}`));
  if (textReads.length > 0) out.push(`Read out of the text (no structured field): ${textReads.join(', ')}.`);
  const failed = tasks.filter((t) => !t.ok);
  out.push(
    '',
    failed.length === 0
      ? 'Every step of every workflow succeeded on both sides.'
      : `FAILED workflows: ${failed.map((t) => t.id).join(', ')}`,
  );
  return out.join('\n');
}
