/**
 * A minimal Chrome DevTools Protocol client over `--remote-debugging-pipe` (test tooling: Node 20 has no WebSocket).
 * Chromium reads commands on fd 3 and writes replies and events on fd 4, each a JSON message ended by a NUL byte.
 * Every call has a timeout and `close()` kills the browser's whole process group, so a hung browser fails a test
 * instead of hanging it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** Debian's package puts a wrapper script here; CHROMIUM overrides it. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

interface Pending {
  resolve: (result: Record<string, unknown>) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export type CdpEvent = { method: string; params: Record<string, unknown>; sessionId?: string };

export class CdpBrowser {
  readonly #child: ChildProcess;
  readonly #userDataDir: string;
  readonly #in: Writable;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Set<(event: CdpEvent) => void>();
  #buffer = Buffer.alloc(0);
  #exited = false;
  readonly stderr: string[] = [];

  private constructor(child: ChildProcess, userDataDir: string) {
    this.#child = child;
    this.#userDataDir = userDataDir;
    this.#in = child.stdio[3] as Writable;
    const out = child.stdio[4] as Readable;
    out.on('data', (chunk: Buffer) => this.#receive(chunk));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      this.stderr.push(d);
    });
    child.on('exit', () => {
      this.#exited = true;
      for (const [, p] of this.#pending) {
        clearTimeout(p.timer);
        p.reject(
          new Error(
            `chromium exited while a call was pending; stderr:\n${this.stderr.join('').slice(-2000)}`,
          ),
        );
      }
      this.#pending.clear();
    });
    // A closed pipe on a dead browser must not crash the test process.
    this.#in.on('error', () => {});
  }

  /** Starts headless Chromium with a throwaway profile. */
  static async launch(options: { timeoutMs?: number } = {}): Promise<CdpBrowser> {
    const userDataDir = await mkdtemp(join(tmpdir(), 'aiplab-chromium-'));
    const child = spawn(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--remote-debugging-pipe',
        `--user-data-dir=${userDataDir}`,
        '--no-first-run',
        '--no-default-browser-check',
        '--disable-extensions',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        '--mute-audio',
        'about:blank',
      ],
      // Its own process group, so close() can end the renderer and helper processes with it.
      { stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'], detached: true },
    );
    child.stdout?.resume();
    const browser = new CdpBrowser(child, userDataDir);
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    // The first answer proves the pipe works.
    await browser.send('Browser.getVersion', {}, { timeoutMs: options.timeoutMs ?? 30_000 });
    return browser;
  }

  #receive(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (let end = this.#buffer.indexOf(0); end >= 0; end = this.#buffer.indexOf(0)) {
      const text = this.#buffer.subarray(0, end).toString('utf8');
      this.#buffer = this.#buffer.subarray(end + 1);
      const message = JSON.parse(text) as {
        id?: number;
        result?: Record<string, unknown>;
        error?: { message: string; code: number };
        method?: string;
        params?: Record<string, unknown>;
        sessionId?: string;
      };
      if (message.id !== undefined) {
        const p = this.#pending.get(message.id);
        if (!p) continue;
        this.#pending.delete(message.id);
        clearTimeout(p.timer);
        if (message.error) p.reject(new Error(`CDP error ${message.error.code}: ${message.error.message}`));
        else p.resolve(message.result ?? {});
      } else if (message.method) {
        const event: CdpEvent = { method: message.method, params: message.params ?? {} };
        if (message.sessionId !== undefined) event.sessionId = message.sessionId;
        for (const listener of this.#listeners) listener(event);
      }
    }
  }

  /** Sends a command (to a page's session when `sessionId` is given) and waits for its answer. */
  send<T = Record<string, unknown>>(
    method: string,
    params: Record<string, unknown> = {},
    options: { sessionId?: string; timeoutMs?: number } = {},
  ): Promise<T> {
    const { sessionId, timeoutMs = 30_000 } = options;
    if (this.#exited) return Promise.reject(new Error(`chromium has exited; cannot send ${method}`));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`CDP ${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve: resolve as (r: Record<string, unknown>) => void, reject, timer });
      this.#in.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }

  /** Calls `listener` with every event; returns the function that stops it. */
  onEvent(listener: (event: CdpEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves with the first event that matches, or rejects after `timeoutMs`. */
  waitFor(predicate: (event: CdpEvent) => boolean, timeoutMs: number, what: string): Promise<CdpEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const stop = this.onEvent((event) => {
        if (!predicate(event)) return;
        clearTimeout(timer);
        stop();
        resolve(event);
      });
    });
  }

  /** Asks the browser to close, then kills its process group if it has not exited within `graceMs`. */
  async close(graceMs = 5_000): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.#exited || this.#child.exitCode !== null) resolve();
      else this.#child.once('exit', () => resolve());
    });
    if (!this.#exited) await this.send('Browser.close', {}, { timeoutMs: graceMs }).catch(() => {});
    const timer = setTimeout(() => this.#kill(), graceMs);
    await exited;
    clearTimeout(timer);
    // Helpers of the browser (zygote, renderers) share its process group; make sure none outlives it.
    this.#kill();
    await rm(this.#userDataDir, { recursive: true, force: true });
  }

  #kill(): void {
    const pid = this.#child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // the group is gone already
    }
  }
}

/** A page target with console and exception collection on, attached through a flat session. */
export class CdpPage {
  readonly errors: string[] = [];
  readonly #stop: () => void;

  private constructor(
    readonly browser: CdpBrowser,
    readonly sessionId: string,
  ) {
    this.#stop = browser.onEvent((event) => {
      if (event.sessionId !== sessionId) return;
      // The fields read below, as the protocol defines them (Runtime and Log domains).
      const p = event.params as {
        type?: string;
        args?: { value?: unknown; description?: string }[];
        exceptionDetails?: { text: string; exception?: { description?: string } };
        entry?: { level: string; source: string; text: string; url?: string };
      };
      if (event.method === 'Runtime.consoleAPICalled' && (p.type === 'error' || p.type === 'assert'))
        this.errors.push(
          `console.${p.type}: ${(p.args ?? []).map((a) => a.value ?? a.description ?? '').join(' ')}`,
        );
      else if (event.method === 'Runtime.exceptionThrown' && p.exceptionDetails) {
        const d = p.exceptionDetails;
        this.errors.push(`exception: ${d.exception?.description ?? d.text}`);
      } else if (event.method === 'Log.entryAdded' && p.entry?.level === 'error')
        this.errors.push(
          `log (${p.entry.source}): ${p.entry.text}${p.entry.url ? ` at ${p.entry.url}` : ''}`,
        );
    });
  }

  static async open(browser: CdpBrowser): Promise<CdpPage> {
    const { targetId } = await browser.send<{ targetId: string }>('Target.createTarget', {
      url: 'about:blank',
    });
    const { sessionId } = await browser.send<{ sessionId: string }>('Target.attachToTarget', {
      targetId,
      flatten: true,
    });
    const page = new CdpPage(browser, sessionId);
    await Promise.all([page.send('Page.enable'), page.send('Runtime.enable'), page.send('Log.enable')]);
    return page;
  }

  send<T = Record<string, unknown>>(
    method: string,
    params: Record<string, unknown> = {},
    timeoutMs = 30_000,
  ) {
    return this.browser.send<T>(method, params, { sessionId: this.sessionId, timeoutMs });
  }

  /** Navigates and waits for the load event. */
  async goto(url: string, timeoutMs = 30_000): Promise<void> {
    const loaded = this.browser.waitFor(
      (e) => e.sessionId === this.sessionId && e.method === 'Page.loadEventFired',
      timeoutMs,
      `the load event of ${url}`,
    );
    const result = await this.send<{ errorText?: string }>('Page.navigate', { url }, timeoutMs);
    if (result.errorText) throw new Error(`navigating to ${url}: ${result.errorText}`);
    await loaded;
  }

  /** Evaluates an expression in the page and returns its value (JSON-serialisable). */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.send<{ result: { value?: T }; exceptionDetails?: { text: string } }>(
      'Runtime.evaluate',
      {
        expression,
        returnByValue: true,
        awaitPromise: true,
      },
    );
    if (r.exceptionDetails) throw new Error(`evaluating in the page: ${r.exceptionDetails.text}`);
    return r.result.value as T;
  }

  /** A PNG of the whole page, beyond the viewport. */
  async screenshot(): Promise<Buffer> {
    const { cssContentSize } = await this.send<{ cssContentSize: { width: number; height: number } }>(
      'Page.getLayoutMetrics',
    );
    const { data } = await this.send<{ data: string }>(
      'Page.captureScreenshot',
      {
        format: 'png',
        captureBeyondViewport: true,
        clip: {
          x: 0,
          y: 0,
          width: Math.ceil(cssContentSize.width),
          height: Math.ceil(cssContentSize.height),
          scale: 1,
        },
      },
      60_000,
    );
    return Buffer.from(data, 'base64');
  }

  close(): void {
    this.#stop();
  }
}
