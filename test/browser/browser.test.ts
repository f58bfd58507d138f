// The engine and CPM in real headless Chromium (Debian's /usr/bin/chromium via playwright-core),
// on WebGPU compatibility mode over ANGLE/lavapipe: forward parity with Node on the same weights and
// input, one training step lowering the loss, and a non-blank screenshot of the demo.
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chromium, type Browser, type Page } from 'playwright-core';
import { init, CpmModel, getConfig, noGrad, tensor, type Engine } from '../../src/index.node.js';
import { generateSample, generatedSpec } from '../../src/data/generated/dataset.js';
import { preprocessForEval } from '../../src/data/preprocess.js';
import { decodePng } from '../../src/viz/png.js';
import { startServer } from '../../src/cli/serve.js';
// @ts-expect-error: a plain .mjs script without types
import { buildBrowser } from '../../scripts/build-browser.mjs';

const FLAGS = [
  '--use-angle=vulkan', '--enable-features=Vulkan', '--ignore-gpu-blocklist', '--use-webgpu-adapter=opengles', '--force-webgpu-compat',
  '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

let browser: Browser;
let page: Page;
let server: Server;
let engine: Engine;
let adapterText = '';

test.before(async () => {
  await (buildBrowser as (o: { quiet: boolean }) => Promise<unknown>)({ quiet: true });
  const s = await startServer('.');
  server = s.server;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS, env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' } });
  page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${s.url}/demo/`);
  adapterText = await page.evaluate(() => (window as unknown as { cpmDemo: { ready: Promise<string> } }).cpmDemo.ready).catch((e: Error) => {
    throw new Error(`the demo page could not start WebGPU: ${e.message} ${errors.join('; ')}`);
  });
  engine = await init();
});

test.after(async () => {
  await browser?.close();
  server?.close();
});

test('the page gets a WebGPU device in compatibility mode', () => {
  assert.match(adapterText, /mode: compatibility/);
});

test('forward beliefs in the browser match Node on the same weights and input', async () => {
  const config = getConfig('tiny');
  const inBrowser = await page.evaluate(() => (window as unknown as { cpmDemo: { forward: (c: string, m: number, s: number) => Promise<{ beliefs: number[][]; ms: number }> } }).cpmDemo.forward('tiny', 3, 1));
  const model = new CpmModel(engine, config, 3);
  const raw = generateSample(generatedSpec({ seed: 1, split: 'val', imageSize: 40 }), 0);
  const sample = preprocessForEval(raw, { size: 32 });
  const out = noGrad(engine, () => engine.tidy(() => model.forward(tensor(sample.image, [1, 3, 32, 32]), tensor(sample.center, [1, 1, 32, 32]), { training: false })));
  for (let t = 0; t < out.length; t++) {
    const node = await out[t]!.read();
    const web = inBrowser.beliefs[t]!;
    assert.is(web.length, node.length);
    let scale = 1e-6;
    node.forEach((v) => (scale = Math.max(scale, Math.abs(v))));
    // Same kernels, different drivers (ANGLE vs Dawn/Vulkan): float32 rounding may differ slightly; 1e-4 of the range.
    node.forEach((v, i) => assert.ok(Math.abs(v - web[i]!) <= 1e-4 * scale, `stage ${t + 1} [${i}]: node ${v}, browser ${web[i]}`));
  }
  console.log(`  tiny forward: browser ${inBrowser.ms.toFixed(1)} ms`);
});

test('training steps in the browser lower the loss on a fixed batch', async () => {
  const losses = await page.evaluate(() => (window as unknown as { cpmDemo: { trainFixedBatch: (c: string, n: number) => Promise<number[]> } }).cpmDemo.trainFixedBatch('tiny', 4));
  assert.ok(losses.every(Number.isFinite));
  assert.ok(losses[3]! < losses[0]!, `losses ${losses.join(', ')}`);
});

test('the demo runs inference and its screenshot is not blank', async () => {
  await page.selectOption('#config', 'tiny');
  await page.click('#run');
  await page.waitForFunction(() => document.getElementById('status')!.textContent!.includes('inference'));
  assert.is(await page.textContent('#error'), '');
  mkdirSync('out/browser', { recursive: true });
  const png = await page.screenshot({ path: 'out/browser/demo.png', fullPage: true });
  const r = decodePng(new Uint8Array(png));
  const colours = new Set<number>();
  for (let i = 0; i < r.data.length; i += 4 * 7) colours.add((r.data[i]! << 16) | (r.data[i + 1]! << 8) | r.data[i + 2]!);
  assert.ok(colours.size > 50, `${colours.size} distinct colours: the page looks blank`);
});

test.run();
