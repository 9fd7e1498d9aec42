// @ts-check
// The engine's side of each command, canned: the messages a real engine would send back, with the
// ids and values the command was given, so tests can see what reached "TensorPool". Each handler
// returns the exit code. Fixed ids (c-fake123, s-fake123, j-fake1) stand for created resources; ids and
// statuses have the real shapes (c-, s-, j-, k-, i- prefixes; upper-case statuses).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ask, isYes, printErr, say, spin } from './io.mjs';
import { readKnobs } from './knobs.mjs';
import { confirm, engineConfirm } from './prompts.mjs';
import { Traceback } from './python.mjs';

/**
 * What a handler gets: the session, the merged argparse namespace and the files tp read.
 * @typedef {object} Invocation
 * @property {import('./prompts.mjs').Session} session
 * @property {Record<string, any>} o
 * @property {import('./files.mjs').KeyFile} [keyFile]
 * @property {import('./files.mjs').JobConfig} [config]
 * @property {NodeJS.ProcessEnv} env
 */

/** @typedef {(invocation: Invocation) => Promise<number>} Handler */

const CLUSTER_ID = 'c-fake123';
const STORAGE_ID = 's-fake123';

/** The account's clusters: c-fake123 runs a job (busy), the others run none (idle). */
const CLUSTERS = [
  {
    id: CLUSTER_ID,
    name: 'fake-cluster',
    type: '1xH100',
    nodes: 1,
    status: 'RUNNING',
    created: '2026-12-06 09:12',
    owner: 'user@example.com',
    instances: ['i-fake123a'],
  },
  {
    id: 'c-fake456',
    name: 'big-cluster',
    type: '8xH100',
    nodes: 2,
    status: 'RUNNING',
    created: '2026-12-05 17:40',
    owner: 'teammate@example.com',
    instances: ['i-fake456a', 'i-fake456b'],
  },
  {
    id: 'c-fake789',
    name: 'idle-box',
    type: '1xL40S',
    nodes: 1,
    status: 'RUNNING',
    created: '2026-12-04 08:03',
    owner: 'user@example.com',
    instances: ['i-fake789a'],
  },
];

/** The failed job, and why it failed. */
const FAILED_JOB = 'j-fake2';
const FAILED_JOB_ERROR = 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB';

const JOBS = [
  { id: 'j-fake1', cluster: CLUSTER_ID, status: 'RUNNING', created: '2026-12-06 09:30' },
  { id: FAILED_JOB, cluster: 'c-fake456', status: 'FAILED', created: '2026-12-06 08:10' },
  { id: 'j-fake0', cluster: CLUSTER_ID, status: 'COMPLETED', created: '2026-12-05 22:00' },
];

/**
 * The engine's table, in the layout FAKE_TP_TABLE_LAYOUT names: `box` (the default: a heavy header
 * rule and light body, as the engine draws it today), `plain` (columns padded to the widest cell, as
 * it printed them before) or `ascii` (a +---+ grid). Parsers must read all three by their headers.
 * @param {(string | number)[][]} rows
 * @param {string} [layout]
 */
function table(rows, layout = 'box') {
  const cells = rows.map((r) => r.map(String));
  const widths = (cells[0] ?? []).map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (/** @type {string[]} */ r, /** @type {string} */ bar) =>
    `${bar} ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(` ${bar} `)} ${bar}`;
  const rule = (
    /** @type {string} */ left,
    /** @type {string} */ fill,
    /** @type {string} */ mid,
    /** @type {string} */ right,
  ) => `${left}${widths.map((w) => fill.repeat(w + 2)).join(mid)}${right}`;
  const [head = [], ...body] = cells;
  if (layout === 'plain')
    return cells.map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
  if (layout === 'ascii') {
    const border = rule('+', '-', '+', '+');
    return [border, line(head, '|'), border, ...body.map((r) => line(r, '|')), border];
  }
  return [
    rule('┏', '━', '┳', '┓'),
    line(head, '┃'),
    rule('┡', '━', '╇', '┩'),
    ...body.map((r) => line(r, '│')),
    rule('└', '─', '┴', '┘'),
  ];
}

/** @type {(cwd: string, base: string, numbered: (i: number) => string) => string} */
const nextFreeName = (cwd, base, numbered) => {
  for (let i = 0; ; i++) {
    const name = i === 0 ? base : numbered(i);
    if (!fs.existsSync(path.join(cwd, name))) return name;
  }
};

/** @param {string} gen */
const jobTemplate = (gen) => `# TensorPool job configuration
${gen === '0.0.6' ? 'instance_type = "1xH100"\n' : ''}commands = [
    "pip install -r requirements.txt",
    "python main.py",
]
outputs = [
    "checkpoints/",
]
ignore = [
    ".venv",
    ".git",
]
`;

const OBJECT_STORAGE_CREDENTIALS = [
  'Access key ID: AKFAKE',
  'Secret access key: fake-secret-0123456789abcdef',
  'Endpoint: https://objects.fake.tensorpool.dev',
  'Region: us-east-1',
];

/** @type {Record<string, Handler>} */
export const handlers = {
  async 'cluster create'({ o, session, keyFile }) {
    if (keyFile?.error) {
      await say(`Error reading public key file: ${keyFile.error}`);
      return 1;
    }
    const nodes = o.num_nodes ?? 1;
    if (
      !(await engineConfirm(
        session,
        `Create a ${nodes} node ${o.instance_type} cluster? [y/N]:`,
        'Cluster creation cancelled',
      ))
    )
      return 1;
    await spin('Creating cluster...');
    await say(
      `Cluster creation initiated. Cluster ID: ${CLUSTER_ID} (instance type ${o.instance_type}, nodes ${nodes})`,
    );
    if (o.name !== null) await say(`Cluster name: ${o.name}`);
    const container = session.gen === '0.0.7' ? o.experimental_container : o.container;
    if (container) await say(`Container: ${container}`);
    if (o.deletion_protection) await say('Deletion protection: enabled');
    if (keyFile) await say(`Public key: ${keyFile.path}`);
    if (o.wait) await say(`Cluster ${CLUSTER_ID} is ready`);
    return 0;
  },
  async 'cluster destroy'({ o, session }) {
    if (!(await confirm(session, `Destroy cluster ${o.cluster_id}? [y/N]:`, 'Destroy cluster cancelled'))) return 1;
    await spin('Destroying cluster...');
    await say(o.wait ? `Cluster ${o.cluster_id} destroyed` : `Cluster ${o.cluster_id} destruction initiated`);
    return 0;
  },
  async 'cluster list'({ o, env }) {
    const head = [
      'CLUSTER ID',
      'NAME',
      'INSTANCE TYPE',
      'NODES',
      'STATUS',
      'CREATED',
      ...(o.org ? ['OWNER'] : []),
      ...(o.instances ? ['INSTANCES'] : []),
    ];
    const rows = CLUSTERS.map((c) => [
      c.id,
      c.name,
      c.type,
      c.nodes,
      c.status,
      c.created,
      ...(o.org ? [c.owner] : []),
      ...(o.instances ? [c.instances.join(', ')] : []),
    ]);
    if (o.org) await say('Organization: fake-org');
    await say(...table([head, ...rows], readKnobs(env).tableLayout));
    return 0;
  },
  async 'cluster info'({ o }) {
    await spin('Fetching cluster info...');
    await say(
      `Cluster ID: ${o.cluster_id}`,
      'Name: fake-cluster',
      'Status: RUNNING',
      'Instance type: 1xH100',
      'Nodes: 1',
      'Instance i-fake123a: RUNNING',
      'SSH: ssh ubuntu@203.0.113.10 (or: tp ssh i-fake123a)',
    );
    return 0;
  },
  async 'cluster edit'({ o, session }) {
    if (o.name === null && o.deletion_protection === null && session.gen !== '0.0.6') {
      await say('No changes specified');
      return 1;
    }
    await say(`Cluster ${o.cluster_id} updated`);
    if (o.name !== null) await say(`Name: ${o.name}`);
    if (o.deletion_protection !== null) {
      const on = ['true', '1', 'yes'].includes(o.deletion_protection.toLowerCase());
      await say(`Deletion protection: ${on ? 'enabled' : 'disabled'}`);
    }
    return 0;
  },
  async 'cluster attach'({ o, session, env }) {
    const volumeState = readKnobs(env).volumeState;
    if (volumeState && volumeState !== 'READY') {
      await say(`Error: Storage volume ${o.storage_id} must be READY to attach (current status: ${volumeState})`);
      return 1;
    }
    if (
      !(await engineConfirm(
        session,
        `Attach storage volume ${o.storage_id} to cluster ${o.cluster_id}? [y/N]:`,
        'Attach cancelled',
      ))
    )
      return 1;
    await spin('Attaching storage volume...');
    await say(
      o.wait
        ? `Storage volume ${o.storage_id} attached to cluster ${o.cluster_id}`
        : `Attaching storage volume ${o.storage_id} to cluster ${o.cluster_id} initiated`,
    );
    return 0;
  },
  async 'cluster detach'({ o, session }) {
    if (
      !(await engineConfirm(
        session,
        `Detach storage volume ${o.storage_id} from cluster ${o.cluster_id}? [y/N]:`,
        'Detach cancelled',
      ))
    )
      return 1;
    await spin('Detaching storage volume...');
    await say(
      o.wait
        ? `Storage volume ${o.storage_id} detached from cluster ${o.cluster_id}`
        : `Detaching storage volume ${o.storage_id} from cluster ${o.cluster_id} initiated`,
    );
    return 0;
  },
  async 'storage create'({ o, session }) {
    const type = session.gen === '0.0.6' ? o.type : o.volume_type;
    const described =
      session.gen === '0.0.9' ? `size ${o.size} GB` : `type ${type}${o.size !== null ? `, size ${o.size} GB` : ''}`;
    if (
      !(await engineConfirm(
        session,
        `Create a storage volume (${described})? [y/N]:`,
        'Storage volume creation cancelled',
      ))
    )
      return 1;
    await spin('Creating storage volume...');
    await say(
      o.wait
        ? `Storage volume ${STORAGE_ID} created (${described})`
        : `Storage volume creation initiated. Storage ID: ${STORAGE_ID} (${described})`,
    );
    if (o.name !== null) await say(`Storage volume name: ${o.name}`);
    if (o.deletion_protection) await say('Deletion protection: enabled');
    return 0;
  },
  async 'storage destroy'({ o, session }) {
    if (!(await confirm(session, `Destroy storage volume ${o.storage_id}? [y/N]:`, 'Destroy storage volume cancelled')))
      return 1;
    await spin('Destroying storage volume...');
    await say(
      o.wait ? `Storage volume ${o.storage_id} destroyed` : `Storage volume ${o.storage_id} destruction initiated`,
    );
    return 0;
  },
  async 'storage list'({ o, env }) {
    await spin('Fetching storage volumes...');
    if (o.org) await say('Organization: fake-org');
    await say(
      ...table(
        [
          ['STORAGE ID', 'NAME', 'SIZE', 'STATUS', 'ATTACHED TO'],
          [STORAGE_ID, 'fake-volume', '100 GB', 'READY', '-'],
          ['s-fake456', 'datasets', '2000 GB', 'ATTACHED', CLUSTER_ID],
        ],
        readKnobs(env).tableLayout,
      ),
    );
    return 0;
  },
  async 'storage info'({ o }) {
    await spin('Fetching storage volume info...');
    await say(`Storage ID: ${o.storage_id}`, 'Name: fake-volume', 'Size: 100 GB', 'Status: READY');
    return 0;
  },
  async 'storage edit'({ o }) {
    await spin('Editing storage volume...');
    await say(`Storage volume ${o.storage_id} updated`);
    if (o.name !== null) await say(`Name: ${o.name}`);
    if (o.size !== null) await say(`Size: ${o.size} GB`);
    if (o.deletion_protection !== null) {
      await say(
        `Deletion protection: ` +
          `${['true', '1', 'yes'].includes(o.deletion_protection.toLowerCase()) ? 'enabled' : 'disabled'}`,
      );
    }
    return 0;
  },
  async 'job init'({ session }) {
    const { gen, cwd } = session;
    const name =
      gen === '0.0.6'
        ? nextFreeName(cwd, 'tp.config.toml', (i) => `tp.config${i}.toml`)
        : nextFreeName(cwd, 'job.tp.toml', (i) => `job${i}.tp.toml`);
    fs.writeFileSync(path.join(cwd, name), jobTemplate(gen));
    await say(`Job configuration created: ${name}`);
    return 0;
  },
  async 'job push'({ o, session, config, env }) {
    if (!config) throw new Error('job push without a config');
    if (config.error) throw new Traceback(`OSError: ${config.error}`);
    if (config.text === null) {
      await say(`Config file not found: ${o.tp_config_path}`);
      return 1;
    }
    const clusterState = readKnobs(env).clusterState;
    if (clusterState && clusterState !== 'RUNNING') {
      await say(`Error: Cluster ${o.cluster_id} must be RUNNING to push a job (current status: ${clusterState})`);
      return 1;
    }
    await say('Uploading job files...', 'Job submitted. Job ID: j-fake1');
    if (session.gen !== '0.0.6' && o.teardown)
      await say(`Teardown enabled: cluster ${o.cluster_id} will be destroyed when the job finishes.`);
    return 0;
  },
  async 'job list'({ o, env }) {
    if (o.org) await say('Organization: fake-org');
    await say(
      ...table(
        [['JOB ID', 'CLUSTER', 'STATUS', 'CREATED'], ...JOBS.map((j) => [j.id, j.cluster, j.status, j.created])],
        readKnobs(env).tableLayout,
      ),
    );
    return 0;
  },
  async 'job info'({ o }) {
    await spin('Fetching job info...');
    const job = JOBS.find((j) => j.id === o.job_id) ?? { ...JOBS[0], id: o.job_id };
    await say(`Job ID: ${job.id}`, `Status: ${job.status}`, `Cluster: ${job.cluster}`, 'Command: python train.py');
    if (job.status === 'FAILED') await say('Exit code: 1', `Error: ${FAILED_JOB_ERROR}`);
    return 0;
  },
  async 'job cancel'({ o, session }) {
    if (session.gen === '0.0.6') {
      if (!(await confirm(session, `Cancel job ${o.job_id}? [y/N]:`, 'Job cancellation cancelled'))) return 1;
    } else if (!session.noInput) {
      if (session.stdin !== 'tty') {
        await say('Cancel job requires explicit confirmation in non-interactive mode.');
        return 1;
      }
      if (!isYes(await ask(session.stdin, `Cancel job ${o.job_id}? [y/N]: `))) {
        await say('Cancel job cancelled');
        return 1;
      }
    }
    await spin('Cancelling job...');
    await say(o.wait ? `Job ${o.job_id} canceled` : `Job ${o.job_id} cancellation requested`);
    return 0;
  },
  async 'job delete'({ o }) {
    await say(`Job ${o.job_id} deleted`);
    return 0;
  },
  async 'job listen'({ o, env }) {
    const knobs = readKnobs(env);
    const state = knobs.jobState ?? (o.job_id === FAILED_JOB ? 'failed' : 'completed');
    const lines = knobs.jobLines ?? 2;
    await say(`[${o.job_id}] Starting job...`);
    for (let n = 1; n <= lines; n++) await say(`[${o.job_id}] epoch ${n}/${lines} loss=${(0.52 / n).toFixed(2)}`);
    if (state === 'running') {
      // the job goes on: the stream stays open until tp is stopped
      await new Promise(() => setInterval(() => {}, 60_000));
    }
    if (state === 'failed') {
      await say(
        `[${o.job_id}] Traceback (most recent call last):`,
        `[${o.job_id}]   File "train.py", line 42, in <module>`,
        `[${o.job_id}] ${FAILED_JOB_ERROR}`,
        `Job ${o.job_id} finished with status failed (exit code 1)`,
      );
      return 1;
    }
    await say(`Job ${o.job_id} finished with status success`);
    return 0;
  },
  async 'job pull'({ o, session, env }) {
    await spin('Fetching job outputs...');
    const { pullFiles, pullCommand } = readKnobs(env);
    if (pullCommand) {
      // like push: the engine's command runs locally through a shell, in the working directory
      const ran = spawnSync('/bin/sh', ['-c', pullCommand], {
        cwd: session.cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...env, PYTHONUNBUFFERED: '1' },
      });
      if (ran.status !== 0) {
        await say(`Command error: ${String(ran.stderr).trim()}`);
        return 1;
      }
    }
    // every path of the download map lands relative to the working directory, unchecked
    for (const relative of pullFiles ?? [`outputs/${o.job_id}-result.txt`]) {
      const file = path.resolve(session.cwd, relative);
      if (fs.existsSync(file) && !o.force) {
        await say(`Skipping ${relative} - file already exists`);
        continue;
      }
      if (fs.existsSync(file)) await say(`Overwriting ${relative}`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `result of ${o.job_id}`);
      if (!env.TQDM_DISABLE) await printErr(`Downloading ${path.basename(file)}: 100%|##########| 1/1 [00:00<00:00]\n`);
    }
    await say('Job files pulled successfully');
    return 0;
  },
  async ssh({ o }) {
    await say(
      `ssh -o StrictHostKeyChecking=no ` +
        `ubuntu@203.0.113.10${o.ssh_args.map((/** @type {string} */ a) => ` ${a}`).join('')}`,
    );
    return 0;
  },
  async me({ env }) {
    await spin('Fetching user info...');
    await say('Email: user@example.com', 'Name: Fake User', 'Organization: fake-org');
    if (env.TENSORPOOL_ENGINE !== undefined) await say(`TENSORPOOL_ENGINE=${env.TENSORPOOL_ENGINE}`);
    return 0;
  },
  async 'me preferences'() {
    await say('Manage your preferences at https://dashboard.tensorpool.dev/preferences');
    return 0;
  },
  async 'me sshkey add'({ o, keyFile }) {
    if (!keyFile || keyFile.error) {
      await say(`Error reading key file: ${keyFile?.error}`);
      return 1;
    }
    await say('SSH key added: k-fake1', ...(o.name !== null ? [`Name: ${o.name}`] : []));
    return 0;
  },
  async 'me sshkey list'({ o, env }) {
    if (o.org) await say('Organization: fake-org');
    await say(
      ...table(
        [
          ['KEY ID', 'NAME', 'FINGERPRINT'],
          ['k-fake1', 'laptop', 'SHA256:fakefingerprint1'],
          ['k-fake2', 'ci', 'SHA256:fakefingerprint2'],
        ],
        readKnobs(env).tableLayout,
      ),
    );
    return 0;
  },
  async 'me sshkey remove'({ o }) {
    await say(`SSH key ${o.key_id} removed`);
    return 0;
  },
  async 'object-storage enable'() {
    await spin('Enabling object storage...');
    await say('Object storage enabled', ...OBJECT_STORAGE_CREDENTIALS);
    return 0;
  },
  async 'object-storage disable'() {
    await spin('Disabling object storage...');
    await say('Object storage disabled');
    return 0;
  },
  async 'object-storage credentials'() {
    await spin('Fetching object storage credentials...');
    await say(...OBJECT_STORAGE_CREDENTIALS);
    return 0;
  },
  async 'object-storage configure rclone'() {
    // The real command edits ~/.config/rclone/rclone.conf; the fake leaves the home directory alone.
    await spin('Configuring rclone...');
    await say('rclone remote "tensorpool" configured in ~/.config/rclone/rclone.conf');
    return 0;
  },
  async 'object-storage bucket list'() {
    await spin('Fetching buckets...');
    await say('fake-bucket-1', 'fake-bucket-2');
    return 0;
  },
  async 'object-storage bucket create'({ o }) {
    await spin('Creating bucket...');
    await say(`Bucket ${o.bucket_name} created`);
    return 0;
  },
  async 'object-storage bucket delete'({ o }) {
    await spin('Deleting bucket...');
    await say(`Bucket ${o.bucket_name} deleted`);
    return 0;
  },
};
