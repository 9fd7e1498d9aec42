// The TensorPool view, in the host's sandboxed frame. It talks to nothing but the host (ext-apps' App over
// postMessage); every value it shows comes from tool results and goes into the page as text, never as HTML.
import { App, applyDocumentTheme, applyHostStyleVariables } from '@modelcontextprotocol/ext-apps';

type HostContext = ReturnType<App['getHostContext']>;

type Row = Record<string, string>;
interface Pending {
  id: string;
  tool: string;
  action: string;
  args: Record<string, unknown>;
  expiresAt: string;
}
interface Overview {
  clusters: Row[];
  volumes: Row[];
  jobs: Row[];
  errors: string[];
  job: { id: string; fields: Row; exit_code: number } | null;
  pending: Pending[];
}
interface LogPage {
  text: string;
  next_offset: number;
  finished: boolean;
  listen_status: string;
}

const JOB_TOOLS = new Set(['job_info', 'job_listen', 'job_cancel', 'job_delete', 'job_pull']);
/** How often the view asks again while something moves: a log, or a call that waits for its card. */
const POLL_MS = 1000;

const app = new App({ name: 'TensorPool', version: '1' }, {}, { autoResize: true });
const root = document.getElementById('app')!;

let jobId: string | undefined;
let overview: Overview | undefined;
let log = { offset: 0, text: '', finished: false, status: '' };
let message = '';
/** Decisions already sent, so a card disappears at once and a second press finds nothing. */
const decided = new Map<string, string>();
let awaitingCard = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> & { data?: Record<string, string> } = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  const { data, ...rest } = props;
  Object.assign(node, rest);
  for (const [key, value] of Object.entries(data ?? {})) node.dataset[key] = value;
  node.append(...children);
  return node;
}

const pick = (row: Row, ...names: string[]) =>
  names.map((name) => row[name]).find((value) => value !== undefined && value !== '') ?? '';

function badge(status: string): HTMLElement {
  const tone = /run|ready|success|attached|complete/i.test(status)
    ? 'ok'
    : /fail|error|cancel|destroy/i.test(status)
      ? 'bad'
      : 'busy';
  return el('span', { className: `badge ${tone}`, textContent: status || 'unknown' });
}

function age(row: Row): string {
  const raw = pick(row, 'age', 'uptime', 'created', 'created_at');
  const time = Date.parse(raw);
  if (Number.isNaN(time)) return raw;
  const minutes = Math.max(0, Math.round((Date.now() - time) / 60_000));
  return minutes < 60
    ? `${minutes} min`
    : minutes < 2880
      ? `${Math.round(minutes / 60)} h`
      : `${Math.round(minutes / 1440)} d`;
}

async function call(name: string, args: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const result = await app.callServerTool({ name, arguments: args });
  const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
  if (result.isError) throw new Error(text);
  return (result.structuredContent ?? {}) as Record<string, unknown>;
}

async function refresh(): Promise<void> {
  try {
    overview = (await call('console_refresh', jobId ? { job_id: jobId } : {})) as unknown as Overview;
    message = overview.errors.join('\n');
  } catch (error) {
    message = error instanceof Error ? error.message : String(error);
  }
  render();
}

/** Only the calls waiting for approval: what the view polls for while it waits for a card. */
async function refreshApprovals(): Promise<void> {
  try {
    const { pending } = (await call('console_refresh', { approvals_only: true })) as unknown as Pick<
      Overview,
      'pending'
    >;
    overview = overview
      ? { ...overview, pending }
      : { clusters: [], volumes: [], jobs: [], errors: [], job: null, pending };
  } catch (error) {
    message = error instanceof Error ? error.message : String(error);
  }
  render();
}

async function readLog(): Promise<void> {
  if (!jobId || log.finished) return;
  try {
    const page = (await call('console_log_read', { job_id: jobId, offset: log.offset })) as unknown as LogPage;
    log = { offset: page.next_offset, text: log.text + page.text, finished: page.finished, status: page.listen_status };
    // the job's own status once the log has ended
    if (page.finished) await refresh();
  } catch (error) {
    message = error instanceof Error ? error.message : String(error);
  }
  render();
}

/** Polls while there is something to follow: a running job's log, or a call whose card has yet to appear. */
function schedule(): void {
  clearTimeout(timer);
  const waitingForCard = awaitingCard > 0 && !(overview?.pending ?? []).some((p) => !decided.has(p.id));
  if (!(jobId && !log.finished) && !waitingForCard) return;
  timer = setTimeout(async () => {
    if (waitingForCard) awaitingCard--;
    await Promise.all([
      jobId && !log.finished ? readLog() : undefined,
      waitingForCard ? refreshApprovals() : undefined,
    ]);
    schedule();
  }, POLL_MS);
}

async function decide(approval: Pending, decision: 'approve' | 'decline'): Promise<void> {
  decided.set(approval.id, decision === 'approve' ? 'Approved: running now.' : 'Declined: nothing runs.');
  render();
  try {
    const result = await call('approval_decide', { approval_id: approval.id, decision });
    decided.set(
      approval.id,
      decision === 'approve'
        ? `Approved: ${String(result.tool)} runs now.`
        : `Declined: ${String(result.tool)} does not run.`,
    );
  } catch (error) {
    decided.set(approval.id, error instanceof Error ? error.message : String(error));
  }
  render();
  void refresh();
}

function openJob(id: string): void {
  jobId = id;
  log = { offset: 0, text: '', finished: false, status: '' };
  render();
  void refresh();
  void readLog().then(schedule);
}

function cancelJob(id: string): void {
  // job_cancel waits for the person's Approve on the card below (or the host's own question), then runs
  app.callServerTool({ name: 'job_cancel', arguments: { job_id: id } }).then(
    (result) => {
      message = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
      void refresh();
    },
    (error: unknown) => (message = String(error)),
  );
  awaitingCard = 30;
  schedule();
}

const DETAIL_LABELS: Record<string, string> = {
  instance_type: 'Instance type',
  num_nodes: 'Nodes',
  nodes: 'Nodes',
  size_gb: 'Size (GB)',
  cluster_id: 'Cluster',
  storage_id: 'Volume',
  job_id: 'Job',
  key_id: 'SSH key',
  bucket_name: 'Bucket',
  name: 'Name',
  teardown: 'Destroy the cluster after the job',
  deletion_protection: 'Deletion protection',
};

function approvalCard(approval: Pending): HTMLElement {
  // what the call was given, less its defaults' noise (false switches) and the model's own confirm
  const details = Object.entries(approval.args).filter(
    ([key, value]) => key !== 'confirm' && value !== undefined && value !== '' && value !== false,
  );
  const done = decided.get(approval.id);
  return el(
    'section',
    { className: 'card approval', data: { approval: approval.id } },
    el('h2', { textContent: `Approve ${approval.tool.replaceAll('_', ' ')}?` }),
    el('p', { className: 'action', textContent: `This means ${approval.action}.` }),
    el(
      'dl',
      {},
      ...details.flatMap(([key, value]) => [
        el('dt', { textContent: DETAIL_LABELS[key] ?? key.replaceAll('_', ' ') }),
        el('dd', { textContent: typeof value === 'string' ? value : JSON.stringify(value) }),
      ]),
    ),
    done
      ? el('p', { className: 'decided', textContent: done })
      : el(
          'div',
          { className: 'buttons' },
          el('button', {
            className: 'primary',
            textContent: 'Approve',
            onclick: () => void decide(approval, 'approve'),
          }),
          el('button', { textContent: 'Decline', onclick: () => void decide(approval, 'decline') }),
        ),
    el('p', {
      className: 'muted',
      textContent:
        `Waits until ${new Date(approval.expiresAt).toLocaleTimeString()}; ` +
        'the assistant cannot press these buttons.',
    }),
  );
}

function clusterCard(cluster: Row, data: Overview): HTMLElement {
  const id = pick(cluster, 'cluster_id', 'id');
  const jobs = data.jobs.filter((job) => pick(job, 'cluster', 'cluster_id') === id);
  const listed = pick(cluster, 'storage', 'volumes', 'attached_volumes', 'storage_ids');
  const volumes = listed
    ? listed.split(/[,\s]+/).filter(Boolean)
    : data.volumes
        .filter((v) => pick(v, 'cluster', 'cluster_id', 'attached_to') === id)
        .map((v) => pick(v, 'storage_id', 'id'));
  return el(
    'article',
    { className: 'card', data: { cluster: id } },
    el('header', {}, el('strong', { className: 'id', textContent: id }), badge(pick(cluster, 'status'))),
    el('p', { className: 'muted', textContent: pick(cluster, 'name') }),
    el(
      'dl',
      {},
      el('dt', { textContent: 'Type' }),
      el('dd', { textContent: pick(cluster, 'instance_type', 'type') || '—' }),
      el('dt', { textContent: 'Nodes' }),
      el('dd', { textContent: pick(cluster, 'nodes', 'num_nodes') || '—' }),
      el('dt', { textContent: 'Age' }),
      el('dd', { textContent: age(cluster) || '—' }),
      el('dt', { textContent: 'Volumes' }),
      el('dd', { textContent: volumes.join(', ') || 'none' }),
    ),
    jobs.length
      ? el(
          'ul',
          { className: 'jobs' },
          ...jobs.map((job) =>
            el(
              'li',
              {},
              el('button', {
                className: 'link',
                textContent: pick(job, 'job_id', 'id'),
                data: { job: pick(job, 'job_id', 'id') },
                onclick: () => openJob(pick(job, 'job_id', 'id')),
              }),
              badge(pick(job, 'status')),
            ),
          ),
        )
      : el('p', { className: 'muted', textContent: 'No jobs' }),
  );
}

function overviewView(data: Overview): HTMLElement[] {
  const volumes = el(
    'ul',
    { className: 'volumes' },
    ...data.volumes.map((volume) =>
      el(
        'li',
        { data: { volume: pick(volume, 'storage_id', 'id') } },
        el('strong', { className: 'id', textContent: pick(volume, 'storage_id', 'id') }),
        ` ${pick(volume, 'name')} · ${pick(volume, 'size', 'size_gb')} `,
        badge(pick(volume, 'status')),
        pick(volume, 'cluster', 'cluster_id', 'attached_to')
          ? ` on ${pick(volume, 'cluster', 'cluster_id', 'attached_to')}`
          : '',
      ),
    ),
  );
  return [
    el('h2', { textContent: `Clusters (${data.clusters.length})` }),
    data.clusters.length
      ? el('div', { className: 'grid' }, ...data.clusters.map((cluster) => clusterCard(cluster, data)))
      : el('p', { className: 'muted', textContent: 'No clusters' }),
    el('h2', { textContent: `Volumes (${data.volumes.length})` }),
    data.volumes.length ? volumes : el('p', { className: 'muted', textContent: 'No volumes' }),
  ];
}

function jobView(id: string): HTMLElement[] {
  const fields = overview?.job?.id === id ? overview.job.fields : {};
  const status = fields.status ?? (log.finished ? 'ended' : 'running');
  const pre = el('pre', {
    className: 'log',
    textContent: log.text || (log.finished ? '(no output)' : 'Waiting for output…'),
  });
  queueMicrotask(() => (pre.scrollTop = pre.scrollHeight));
  return [
    el(
      'div',
      { className: 'bar' },
      el('button', {
        className: 'link',
        textContent: '← Overview',
        onclick: () => {
          jobId = undefined;
          clearTimeout(timer);
          void refresh();
        },
      }),
    ),
    el(
      'section',
      { className: 'card', data: { jobView: id } },
      el('header', {}, el('strong', { className: 'id', textContent: id }), badge(status)),
      el(
        'dl',
        {},
        el('dt', { textContent: 'Cluster' }),
        el('dd', { textContent: fields.cluster ?? '—' }),
        el('dt', { textContent: 'Exit code' }),
        el('dd', { className: 'exit-code', textContent: fields.exit_code ?? (log.finished ? 'not reported' : '—') }),
        el('dt', { textContent: 'Log' }),
        el('dd', { textContent: log.finished ? `ended (tp job listen ${log.status})` : 'following live' }),
      ),
      pre,
      el(
        'div',
        { className: 'buttons' },
        el('button', { className: 'danger', textContent: 'Cancel job…', onclick: () => cancelJob(id) }),
      ),
    ),
  ];
}

function render(): void {
  const pending = overview?.pending ?? [];
  const cards = pending.map(approvalCard);
  // what became of cards already decided, once the call no longer waits
  const outcomes = [...decided]
    .filter(([id]) => !pending.some((p) => p.id === id))
    .map(([id, text]) => el('p', { className: 'decided', textContent: text, data: { decided: id } }));
  const body = jobId
    ? jobView(jobId)
    : overview
      ? overviewView(overview)
      : [el('p', { className: 'muted', textContent: 'Loading…' })];
  root.replaceChildren(
    el(
      'div',
      { className: 'bar' },
      el('h1', { textContent: 'TensorPool' }),
      el('button', { textContent: 'Refresh', onclick: () => void refresh() }),
    ),
    ...cards,
    ...outcomes,
    ...body,
    ...(message ? [el('p', { className: 'message', textContent: message })] : []),
  );
}

function applyContext(context: HostContext): void {
  if (context?.theme) applyDocumentTheme(context.theme);
  if (context?.styles?.variables) applyHostStyleVariables(context.styles.variables);
}

app.onhostcontextchanged = (context) => applyContext(app.getHostContext() ?? context);
app.ontoolinput = ({ arguments: args }) => {
  // the host context (with the tool this view shows) arrives before any tool input
  const name = app.getHostContext()?.toolInfo?.tool.name ?? '';
  const id = typeof args?.job_id === 'string' ? args.job_id : undefined;
  if (id && (JOB_TOOLS.has(name) || !name)) openJob(id);
  // a call that needs approval shows its card as soon as it waits for one; a host that does not say which tool
  // this view shows gets a short look (the polls read the server's waiting list only, no tp)
  if (!['cluster_list', 'storage_list', 'job_list', 'job_info', 'job_listen'].includes(name)) {
    awaitingCard = name ? 60 : 10;
    void refresh().then(schedule);
  }
};
app.ontoolresult = () => void refresh().then(schedule);

await app.connect();
applyContext(app.getHostContext());
render();
void refresh().then(schedule);
