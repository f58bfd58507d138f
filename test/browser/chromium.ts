// Shared by the browser tests: builds the bundles, serves the project root on localhost and opens the
// demo origin in Debian's Chromium with WebGPU in compatibility mode over ANGLE/lavapipe.
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer } from '../../src/cli/serve.js';
// @ts-expect-error: a plain .mjs script without types
import { buildBrowser } from '../../scripts/build-browser.mjs';

/** The fast headless path here (see the README): ANGLE on Vulkan (lavapipe), WebGPU compatibility mode. */
export const CHROMIUM_FLAGS = [
  '--use-angle=vulkan',
  '--enable-features=Vulkan',
  '--ignore-gpu-blocklist',
  '--use-webgpu-adapter=opengles',
  '--force-webgpu-compat',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface BrowserSession {
  browser: Browser;
  page: Page;
  url: string;
  /** Uncaught errors on the page so far (for failure messages). */
  pageErrors: string[];
  close(): Promise<void>;
}

export interface OpenOptions {
  /** The folder served (default the project root). */
  root?: string;
  /** Build the package's and the demo's bundles first (default true). */
  build?: boolean;
  /** Chromium flags beside CHROMIUM_FLAGS (e.g. a fake camera). */
  extraFlags?: string[];
}

/** Builds, serves and opens `path` (e.g. '/demo/'); fails with a readable message when Chromium is missing. */
export async function openPage(path: string, { root = '.', build = true, extraFlags = [] }: OpenOptions = {}): Promise<BrowserSession> {
  if (build) await (buildBrowser as (o: { quiet: boolean }) => Promise<unknown>)({ quiet: true });
  const { server, url } = await startServer(root);
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_FLAGS, ...extraFlags],
      env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' },
    });
  } catch (e) {
    server.close();
    throw new Error(`cannot start Chromium at ${CHROMIUM_PATH} (install it with \`npm run setup\`): ${(e as Error).message}`);
  }
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${url}${path}`);
  return { browser, page, url, pageErrors, close: () => closeAll(browser, server) };
}

async function closeAll(browser: Browser, server: Server): Promise<void> {
  await browser.close();
  server.close();
}
