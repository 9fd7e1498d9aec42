import { mkdirSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM } from '../helpers/chromium.js';
import { FakeTpWorkspace, waitFor } from '../helpers/fake-tp.js';
import { startHttpProcess, type HttpServerProcess } from '../helpers/server-process.js';

/**
 * The TensorPool view in headless Chromium, as a host that renders MCP Apps shows it: test/browser/host/ is
 * a small host on ext-apps' AppBridge, connected over HTTP on 127.0.0.1 to the built server with the fake tp.
 * UPDATE_SCREENSHOTS=1 also writes the screenshots docs/ and the README show.
 */
/** What test/browser/host/host.ts puts on the host page's window (the page's, not this process's). */
interface HostWindow {
  openView(options: {
    mcpUrl: string;
    tool: string;
    args: Record<string, unknown>;
    theme: 'light' | 'dark';
  }): Promise<void>;
  setTheme(theme: 'light' | 'dark'): void;
  toolResult?: { isError?: boolean };
}

const SCREENSHOTS = resolve(import.meta.dirname, '../../docs/screenshots');
const WIDTH = 420;

let browser: Browser;
let hostServer: Server;
let hostOrigin: string;

beforeAll(async () => {
  if (!CHROMIUM) return;
  const bundle = await build({
    entryPoints: [resolve(import.meta.dirname, '../browser/host/host.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
  });
  const script = bundle.outputFiles[0]!.text;
  hostServer = createHttpServer((request, response) => {
    if (request.url === '/host.js') return response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    response
      .writeHead(200, { 'content-type': 'text/html' })
      .end(
        `<!doctype html><meta charset="utf-8"><body style="margin:0"><script type="module" src="/host.js"></script>`,
      );
  });
  await new Promise<void>((done) => hostServer.listen(0, '127.0.0.1', done));
  hostOrigin = `http://127.0.0.1:${(hostServer.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((done) => (hostServer ? hostServer.close(done) : done(undefined)));
});

interface Host {
  ws: FakeTpWorkspace;
  server: HttpServerProcess;
  page: Page;
  view: FrameLocator;
  stop(): Promise<void>;
}

/** A server for one test, and a host page in Chromium that opens the view for `tool`'s call with `args`. */
async function openView(
  tool: string,
  args: Record<string, unknown>,
  options: { theme?: 'light' | 'dark'; env?: Record<string, string>; serverArgs?: string[] } = {},
): Promise<Host> {
  const ws = new FakeTpWorkspace();
  const server = await startHttpProcess(
    [
      '--tp-path',
      resolve(import.meta.dirname, '../fake-tp/main.mjs'),
      '--allowed-origins',
      hostOrigin,
      '--cors-origin',
      hostOrigin,
      ...(options.serverArgs ?? []),
    ],
    ws.env(options.env),
    ws.dir,
  );
  const page = await browser.newPage({
    viewport: { width: WIDTH, height: 900 },
    colorScheme: options.theme ?? 'light',
  });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(hostOrigin);
  await page.waitForFunction(() => typeof (globalThis as unknown as HostWindow).openView === 'function');
  await page.evaluate((o) => (globalThis as unknown as HostWindow).openView(o), {
    mcpUrl: server.url,
    tool,
    args,
    theme: options.theme ?? 'light',
  });
  return {
    ws,
    server,
    page,
    view: page.frameLocator('iframe'),
    stop: async () => {
      await page.close();
      await server.stop();
      ws.cleanup();
      expect(errors).toEqual([]);
    },
  };
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.locator('iframe').screenshot({ path: resolve(SCREENSHOTS, `${name}.png`) });
}

// a hang guard, not a time limit: a browser, a server and tp per test on a loaded machine
describe.skipIf(!CHROMIUM)('the TensorPool view in Chromium', { timeout: 120_000 }, () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`shows the clusters, their jobs and the volumes from tp (${theme})`, async () => {
      const host = await openView('cluster_list', {}, { theme });
      try {
        const cluster = host.view.locator('[data-cluster="c-fake123"]');
        await expect.poll(() => cluster.count(), { timeout: 30_000 }).toBe(1);
        expect(await cluster.innerText()).toMatch(/c-fake123[\s\S]*RUNNING[\s\S]*1xH100[\s\S]*Nodes\s+1/);
        expect(await host.view.locator('[data-cluster="c-fake456"]').innerText()).toMatch(
          /8xH100[\s\S]*RUNNING|RUNNING[\s\S]*8xH100/,
        );
        expect(await cluster.locator('[data-job]').allInnerTexts()).toEqual(['j-fake1', 'j-fake0']);
        expect(await host.view.locator('[data-volume]').allInnerTexts()).toEqual([
          expect.stringContaining('s-fake123'),
          expect.stringContaining('s-fake456'),
        ]);
        expect(await host.view.locator('html').getAttribute('data-theme')).toBe(theme);
        await screenshot(host.page, `overview-${theme}`);
      } finally {
        await host.stop();
      }
    });
  }

  it("follows a running job's log, line by line, and shows how it ended", async () => {
    const ws = new FakeTpWorkspace();
    // every tp prints two lines and then waits: the log must show them while tp still runs. Each held tp keeps
    // its process slot, the view's refreshes included, so there are slots enough for the listen to get one
    const host = await openView(
      'job_listen',
      { job_id: 'job-fake1' },
      { env: ws.hold(2), serverArgs: ['--max-processes', '16'] },
    );
    try {
      const log = host.view.locator('pre.log');
      await expect.poll(() => log.innerText(), { timeout: 30_000 }).toContain('progress line 2');
      expect(await host.view.locator('[data-job-view="job-fake1"]').innerText()).toMatch(/following live/);
      await screenshot(host.page, 'job-light');
      // the person switches the host to dark while the view is open
      await host.page.evaluate(() => (globalThis as unknown as HostWindow).setTheme('dark'));
      await expect.poll(() => host.view.locator('html').getAttribute('data-theme'), { timeout: 30_000 }).toBe('dark');
      await screenshot(host.page, 'job-dark');
      ws.release();
      await expect.poll(() => log.innerText(), { timeout: 30_000 }).toContain('[job-fake1] epoch 2/2 loss=0.26');
      await expect
        .poll(() => host.view.locator('[data-job-view="job-fake1"]').innerText(), { timeout: 30_000 })
        .toMatch(/ended/);
    } finally {
      ws.release();
      await host.stop();
      ws.cleanup();
    }
  });

  describe('a billing create in a host without elicitation', () => {
    const create = { instance_type: '1xH100', num_nodes: 2, confirm: true };
    const creates = (ws: FakeTpWorkspace) => ws.commandCalls().filter((call) => call.argv.includes('create'));

    it("runs exactly once when the person presses Approve; the model's confirm=true alone did not run it", async () => {
      const host = await openView('cluster_create', create, { serverArgs: [] });
      try {
        const card = host.view.locator('[data-approval]');
        await expect.poll(() => card.count(), { timeout: 30_000 }).toBe(1);
        expect(await card.innerText()).toMatch(
          /Approve cluster create\?[\s\S]*1xH100[\s\S]*starts billing[\s\S]*Instance type\s+1xH100[\s\S]*Nodes\s+2/,
        );
        expect(creates(host.ws)).toHaveLength(0);
        await screenshot(host.page, 'approval-light');
        await card.getByRole('button', { name: 'Approve' }).click();
        await waitFor(
          () => host.page.evaluate(() => (globalThis as unknown as HostWindow).toolResult !== undefined),
          30_000,
          'the create to return',
        );
        expect(await host.page.evaluate(() => (globalThis as unknown as HostWindow).toolResult?.isError)).toBeFalsy();
        await expect
          .poll(() => host.view.locator('[data-decided]').innerText(), { timeout: 30_000 })
          .toMatch(/Approved: cluster_create runs now/);
        expect(creates(host.ws)).toHaveLength(1);
        expect(creates(host.ws)[0]!.argv).toContain('1xH100');
      } finally {
        await host.stop();
      }
    });

    it('runs nothing when the person presses Decline', async () => {
      const host = await openView('cluster_create', create, { serverArgs: [], theme: 'dark' });
      try {
        const card = host.view.locator('[data-approval]');
        await expect.poll(() => card.count(), { timeout: 30_000 }).toBe(1);
        await screenshot(host.page, 'approval-dark');
        await card.getByRole('button', { name: 'Decline' }).click();
        await waitFor(
          () => host.page.evaluate(() => (globalThis as unknown as HostWindow).toolResult !== undefined),
          30_000,
          'the create to be refused',
        );
        expect(await host.page.evaluate(() => (globalThis as unknown as HostWindow).toolResult?.isError)).toBe(true);
        expect(creates(host.ws)).toHaveLength(0);
      } finally {
        await host.stop();
      }
    });
  });
});
