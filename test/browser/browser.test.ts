// The engine and CPM in real headless Chromium (Debian's /usr/bin/chromium via playwright-core),
// on WebGPU compatibility mode over ANGLE/lavapipe: forward parity with Node on the same weights and
// input, one training step lowering the loss, and a non-blank screenshot of the demo.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import * as lib from '../../src/index.node.js';
import { decodePng } from '../../src/viz/png.js';
import { timedForward, type TimedForward } from '../../demo/forward-check.js';
import { openPage, type BrowserSession } from './chromium.js';
import { assertBeliefsMatch } from './parity.js';

let session: BrowserSession;
let page: Page;
let engine: lib.Engine;
let adapterText = '';
const timings: Record<string, { browserMs: number; nodeMs: number }> = {};

/** Calls window.cpmDemo[name](...args) in the page. */
function callDemo<T>(name: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(([n, a]) => (window as unknown as { cpmDemo: Record<string, (...x: unknown[]) => Promise<unknown>> }).cpmDemo[n]!(...a), [
    name,
    args,
  ] as [string, unknown[]]) as Promise<T>;
}

test.before(async () => {
  session = await openPage('/demo/');
  page = session.page;
  adapterText = await page
    .evaluate(() => (window as unknown as { cpmDemo: { ready: Promise<string> } }).cpmDemo.ready)
    .catch((e: Error) => {
      throw new Error(`the demo page could not start WebGPU: ${e.message} ${session.pageErrors.join('; ')}`);
    });
  engine = await lib.init();
});

test.after(async () => {
  if (Object.keys(timings).length > 0) {
    mkdirSync('out/browser', { recursive: true });
    writeFileSync('out/browser/timings.json', JSON.stringify({ browser: adapterText, node: engine.describe(), forwardMs: timings }, null, 2));
  }
  await session?.close();
});

test('the page gets a WebGPU device in compatibility mode', () => {
  assert.match(adapterText, /mode: compatibility/);
});

test("on start the page loads the main job's checkpoint, or says how to make one", async () => {
  if (existsSync('runs/main/checkpoint.safetensors')) {
    assert.match((await page.textContent('#status'))!, /inference \([\w-]+, runs\/main\/checkpoint\.safetensors, step \d+\)/);
  } else {
    assert.match((await page.textContent('#notice'))!, /random weights.*npm run main.*runs\/main\/checkpoint\.safetensors/s);
  }
});

for (const config of ['tiny', 'cpm-mini']) {
  test(`${config}: forward beliefs in the browser match Node on the same weights and input`, async () => {
    const web = await callDemo<TimedForward>('forward', config, 3, 1);
    const node = await timedForward(lib, engine, config, 3, 1);
    assertBeliefsMatch(node.beliefs, web.beliefs);
    timings[config] = { browserMs: web.ms, nodeMs: node.ms };
    console.log(`  ${config} forward (batch 1): browser ${web.ms.toFixed(1)} ms, Node ${node.ms.toFixed(1)} ms`);
  });
}

test('training steps in the browser lower the loss on a fixed batch', async () => {
  const losses = await callDemo<number[]>('trainFixedBatch', 'tiny', 4);
  assert.ok(losses.every(Number.isFinite), `losses ${losses.join(', ')}`);
  assert.ok(losses[3]! < losses[0]!, `losses ${losses.join(', ')}`);
});

test('the demo trains live, runs inference, and its screenshot is not blank', async () => {
  await page.selectOption('#config', 'tiny');
  await page.waitForFunction(() => document.getElementById('status')!.textContent!.includes('inference (tiny,'));
  const losses = await callDemo<number[]>('trainLive', 3, 2);
  assert.is(losses.length, 3);
  await page.click('#run');
  await page.waitForFunction(() => document.getElementById('status')!.textContent!.includes('inference (tiny,'));
  assert.is(await page.textContent('#error'), '');
  mkdirSync('out/browser', { recursive: true });
  const png = await page.screenshot({ path: 'out/browser/demo.png', fullPage: true });
  const r = decodePng(new Uint8Array(png));
  const colours = new Set<number>();
  for (let i = 0; i < r.data.length; i += 4 * 7) colours.add((r.data[i]! << 16) | (r.data[i + 1]! << 8) | r.data[i + 2]!);
  assert.ok(colours.size > 50, `${colours.size} distinct colours: the page looks blank`);
});

test('a box dragged on the picture crops inference around it', async () => {
  const c = (await page.locator('#overlay').boundingBox())!;
  await page.mouse.move(c.x + 0.2 * c.width, c.y + 0.1 * c.height);
  await page.mouse.down();
  await page.mouse.move(c.x + 0.7 * c.width, c.y + 0.9 * c.height, { steps: 4 });
  await page.mouse.up();
  await page.waitForFunction(() => /person in box \[\d+, \d+, \d+, \d+\]/.test(document.getElementById('status')!.textContent!), undefined, {
    timeout: 10_000,
  });
  assert.is(await page.textContent('#error'), '');
  // The box's left side is outlined in white where the drag started.
  const edge = await page.evaluate(() => {
    const cv = document.getElementById('overlay') as HTMLCanvasElement;
    return Array.from(cv.getContext('2d')!.getImageData(Math.round(cv.width * 0.2) - 1, Math.round(cv.height * 0.5), 3, 1).data);
  });
  assert.ok(
    [0, 4, 8].some((i) => edge[i]! > 200 && edge[i + 1]! > 200 && edge[i + 2]! > 200),
    `pixels at the box's left side: ${edge}`,
  );
});

test('a checkpoint written by Node loads in the page by URL and by file picker', async () => {
  const model = new lib.CpmModel(engine, lib.getConfig('tiny'), 5);
  mkdirSync('out/browser', { recursive: true });
  writeFileSync('out/browser/tiny.safetensors', await lib.encodeCheckpoint(model, null, { step: 7 }));
  model.dispose();
  const shown = (text: string) => page.waitForFunction((t) => document.getElementById('status')!.textContent!.includes(t), text, { timeout: 10_000 });
  await page.fill('#checkpointUrl', '/out/browser/tiny.safetensors');
  await page.click('#loadUrl');
  await shown('inference (tiny, /out/browser/tiny.safetensors, step 7)');
  assert.is(await page.textContent('#error'), '');
  await page.setInputFiles('#checkpoint', 'out/browser/tiny.safetensors');
  await shown('inference (tiny, tiny.safetensors, step 7)');
  assert.is(await page.textContent('#error'), '');
});

test('a bad checkpoint is reported on the page in words', async () => {
  await page.fill('#checkpointUrl', '/demo/index.html');
  await page.click('#loadUrl');
  await page.waitForFunction(() => document.getElementById('error')!.textContent !== '');
  assert.match((await page.textContent('#error'))!, /index\.html/);
  await page.fill('#checkpointUrl', '/no/such/checkpoint.safetensors');
  await page.click('#loadUrl');
  await page.waitForFunction(() => document.getElementById('error')!.textContent!.includes('404'));
});

test('a browser without WebGPU gets an explanation on the page', async () => {
  const p = await session.browser.newPage();
  // As a string: tsx would wrap an arrow function's body with helpers the page does not have.
  await p.addInitScript({ content: "Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined });" });
  await p.goto(`${session.url}/demo/`);
  await p.waitForFunction(() => document.getElementById('error')!.textContent !== '', undefined, { timeout: 10_000 });
  assert.match((await p.textContent('#error'))!, /WebGPU is not available/);
  await p.close();
});

test('a lost device is reported on the page in words', async () => {
  const p = await session.browser.newPage();
  await p.goto(`${session.url}/demo/`);
  await p.evaluate(() => (window as unknown as { cpmDemo: { ready: Promise<string> } }).cpmDemo.ready);
  await p.evaluate(() => (window as unknown as { cpmDemo: { loseDevice: () => void } }).cpmDemo.loseDevice());
  await p.waitForFunction(() => document.getElementById('error')!.textContent !== '', undefined, { timeout: 10_000 });
  assert.match((await p.textContent('#error'))!, /device was lost/);
  await p.close();
});

test.run();
