// @ts-check
// The engine's side of each command, canned: the messages a real engine would send back, with the
// ids and values the command was given, so tests can see what reached "TensorPool". Each handler
// returns the exit code. Fixed ids (c-fake123, s-fake123, job-fake1) stand for created resources.
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

export const CLUSTER_ID = 'c-fake123';
export const STORAGE_ID = 's-fake123';

/**
 * Columns padded to the widest cell, as the engine lays out its tables.
 * @param {(string | number)[][]} rows
 */
function table(rows) {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => String(c).padEnd(widths[i] ?? 0)).join('  ').trimEnd());
}

/** @param {NodeJS.ProcessEnv} env */
const accountJobs = (env) => readKnobs(env).jobs ?? [
  { id: 'job-fake1', cluster: CLUSTER_ID, status: 'running' },
  { id: 'job-fake0', cluster: CLUSTER_ID, status: 'success' },
];

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
    if (!(await engineConfirm(session, `Create a ${nodes} node ${o.instance_type} cluster? [y/N]:`, 'Cluster creation cancelled'))) return 1;
    await spin('Creating cluster...');
    await say(`Cluster creation initiated. Cluster ID: ${CLUSTER_ID} (instance type ${o.instance_type}, nodes ${nodes})`);
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
    const clusters = (readKnobs(env).clusters ?? [
      { id: CLUSTER_ID, name: 'fake-cluster', type: '1xH100', nodes: 1, status: 'running' },
      { id: 'c-fake456', name: 'big-cluster', type: '8xH100', nodes: 2, status: 'provisioning' },
    ]).map((c, i) => ({ owner: i === 0 ? 'user@example.com' : 'teammate@example.com', ...c }));
    const head = ['CLUSTER ID', 'NAME', 'INSTANCE TYPE', 'NODES', 'STATUS', ...(o.org ? ['OWNER'] : [])];
    const rows = clusters.map((c) => [c.id, c.name, c.type, c.nodes, c.status, ...(o.org ? [c.owner] : [])]);
    if (o.org) await say('Organization: fake-org');
    const [header = '', ...lines] = table([head, ...rows]);
    await say(header);
    for (const [i, c] of clusters.entries()) {
      await say(lines[i] ?? '');
      if (o.instances) for (let n = 0; n < c.nodes; n++) await say(`  instance ${c.id}-${n}  ${c.type}  10.0.${i}.${n + 10}  ${c.status}`);
    }
    return 0;
  },
  async 'cluster info'({ o }) {
    await spin('Fetching cluster info...');
    await say(`Cluster ID: ${o.cluster_id}`, 'Name: fake-cluster', 'Status: running', 'Instance type: 1xH100', 'Nodes: 1',
      `Instance ${o.cluster_id}-0: running`, `SSH: ssh ubuntu@203.0.113.10 (or: tp ssh ${o.cluster_id}-0)`);
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
  async 'cluster attach'({ o, session }) {
    if (!(await engineConfirm(session, `Attach storage volume ${o.storage_id} to cluster ${o.cluster_id}? [y/N]:`, 'Attach cancelled'))) return 1;
    await spin('Attaching storage volume...');
    await say(o.wait
      ? `Storage volume ${o.storage_id} attached to cluster ${o.cluster_id}`
      : `Attaching storage volume ${o.storage_id} to cluster ${o.cluster_id} initiated`);
    return 0;
  },
  async 'cluster detach'({ o, session }) {
    if (!(await engineConfirm(session, `Detach storage volume ${o.storage_id} from cluster ${o.cluster_id}? [y/N]:`, 'Detach cancelled'))) return 1;
    await spin('Detaching storage volume...');
    await say(o.wait
      ? `Storage volume ${o.storage_id} detached from cluster ${o.cluster_id}`
      : `Detaching storage volume ${o.storage_id} from cluster ${o.cluster_id} initiated`);
    return 0;
  },
  async 'storage create'({ o, session }) {
    const type = session.gen === '0.0.6' ? o.type : o.volume_type;
    const described = session.gen === '0.0.9' ? `size ${o.size} GB` : `type ${type}${o.size !== null ? `, size ${o.size} GB` : ''}`;
    if (!(await engineConfirm(session, `Create a storage volume (${described})? [y/N]:`, 'Storage volume creation cancelled'))) return 1;
    await spin('Creating storage volume...');
    await say(o.wait
      ? `Storage volume ${STORAGE_ID} created (${described})`
      : `Storage volume creation initiated. Storage ID: ${STORAGE_ID} (${described})`);
    if (o.name !== null) await say(`Storage volume name: ${o.name}`);
    if (o.deletion_protection) await say('Deletion protection: enabled');
    return 0;
  },
  async 'storage destroy'({ o, session }) {
    if (!(await confirm(session, `Destroy storage volume ${o.storage_id}? [y/N]:`, 'Destroy storage volume cancelled'))) return 1;
    await spin('Destroying storage volume...');
    await say(o.wait ? `Storage volume ${o.storage_id} destroyed` : `Storage volume ${o.storage_id} destruction initiated`);
    return 0;
  },
  async 'storage list'({ o }) {
    await spin('Fetching storage volumes...');
    if (o.org) await say('Organization: fake-org');
    await say(...table([['STORAGE ID', 'NAME', 'SIZE', 'STATUS'], [STORAGE_ID, 'fake-volume', '100 GB', 'ready'], ['s-fake456', 'datasets', '2000 GB', 'attached']]));
    return 0;
  },
  async 'storage info'({ o }) {
    await spin('Fetching storage volume info...');
    await say(`Storage ID: ${o.storage_id}`, 'Name: fake-volume', 'Size: 100 GB', 'Status: ready');
    return 0;
  },
  async 'storage edit'({ o }) {
    await spin('Editing storage volume...');
    await say(`Storage volume ${o.storage_id} updated`);
    if (o.name !== null) await say(`Name: ${o.name}`);
    if (o.size !== null) await say(`Size: ${o.size} GB`);
    if (o.deletion_protection !== null) {
      await say(`Deletion protection: ${['true', '1', 'yes'].includes(o.deletion_protection.toLowerCase()) ? 'enabled' : 'disabled'}`);
    }
    return 0;
  },
  async 'job init'({ session }) {
    const { gen, cwd } = session;
    const name = gen === '0.0.6'
      ? nextFreeName(cwd, 'tp.config.toml', (i) => `tp.config${i}.toml`)
      : nextFreeName(cwd, 'job.tp.toml', (i) => `job${i}.tp.toml`);
    fs.writeFileSync(path.join(cwd, name), jobTemplate(gen));
    await say(`Job configuration created: ${name}`);
    return 0;
  },
  async 'job push'({ o, session, config }) {
    if (!config) throw new Error('job push without a config');
    if (config.error) throw new Traceback(`OSError: ${config.error}`);
    if (config.text === null) {
      await say(`Config file not found: ${o.tp_config_path}`);
      return 1;
    }
    await say('Uploading job files...', 'Job submitted. Job ID: job-fake1');
    if (session.gen !== '0.0.6' && o.teardown) await say(`Teardown enabled: cluster ${o.cluster_id} will be destroyed when the job finishes.`);
    return 0;
  },
  async 'job list'({ o, env }) {
    if (o.org) await say('Organization: fake-org');
    await say(...table([['JOB ID', 'CLUSTER', 'STATUS'], ...accountJobs(env).map((j) => [j.id, j.cluster, j.status])]));
    return 0;
  },
  async 'job info'({ o, env }) {
    await spin('Fetching job info...');
    const job = accountJobs(env).find((j) => j.id === o.job_id);
    await say(`Job ID: ${o.job_id}`, `Status: ${job?.status ?? 'running'}`, `Cluster: ${job?.cluster ?? CLUSTER_ID}`);
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
    const job = readKnobs(env).jobs?.find((j) => j.id === o.job_id);
    if (job?.log) {
      await say(...job.log.map((line) => `[${o.job_id}] ${line}`), `Job ${o.job_id} finished with status ${job.status}`);
      return job.status === 'failed' ? 1 : 0;
    }
    await say(`[${o.job_id}] Starting job...`, `[${o.job_id}] epoch 1/2 loss=0.52`, `[${o.job_id}] epoch 2/2 loss=0.31`,
      `Job ${o.job_id} finished with status success`);
    return 0;
  },
  async 'job pull'({ o, session, env }) {
    await spin('Fetching job outputs...');
    const { pullFiles, pullCommand } = readKnobs(env);
    if (pullCommand) {
      // like push: the engine's command runs locally through a shell, in the working directory
      const ran = spawnSync('/bin/sh', ['-c', pullCommand], { cwd: session.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, PYTHONUNBUFFERED: '1' } });
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
    await say(`ssh -o StrictHostKeyChecking=no ubuntu@203.0.113.10${o.ssh_args.map((/** @type {string} */ a) => ` ${a}`).join('')}`);
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
    await say('SSH key added: key-fake1', ...(o.name !== null ? [`Name: ${o.name}`] : []));
    return 0;
  },
  async 'me sshkey list'({ o }) {
    if (o.org) await say('Organization: fake-org');
    await say(...table([['KEY ID', 'NAME', 'FINGERPRINT'], ['key-fake1', 'laptop', 'SHA256:fakefingerprint1'], ['key-fake2', 'ci', 'SHA256:fakefingerprint2']]));
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
