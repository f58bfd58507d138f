// Every op family and both optimizers in real Chromium (WebGPU compatibility mode over ANGLE/lavapipe)
// against the same code in Node (Dawn/Vulkan/lavapipe), plus what the browser bundle contains and
// whether the kernels fit the compatibility-mode defaults.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { build } from 'esbuild';
import * as lib from '../../src/index.node.js';
import { runOpChecks, type OpCheckResult } from '../../demo/op-check.js';
import { assertAllClose } from '../reference/close.js';
import { openPage, type BrowserSession } from './chromium.js';

type PageRun = { device: string; result: OpCheckResult; compatDefaults: Record<string, number> };

let session: BrowserSession;
let web: PageRun;
let node: OpCheckResult;

test.before(async () => {
  session = await openPage('/demo/op-check.html');
  web = await session.page
    .evaluate(async () => {
      const m = await (window as unknown as { opCheck: Promise<{ run: () => Promise<PageRun> }> }).opCheck;
      return m.run();
    })
    .catch((e: Error) => {
      throw new Error(`the op check failed in the page: ${e.message} ${session.pageErrors.join('; ')}`);
    });
  const engine = await lib.init();
  node = await runOpChecks(lib, engine);
});

test.after(async () => {
  await session?.close();
});

test('the browser bundle has no Node built-ins and is tree-shakeable', async () => {
  const text = readFileSync('dist/browser/cpm-webgpu.js', 'utf8');
  assert.not.match(text, /from\s*["']node:|require\(["'](node:|fs|path|worker_threads|child_process)/);
  const all = await build({ entryPoints: ['src/index.browser.ts'], bundle: true, format: 'esm', platform: 'browser', write: false, minify: true });
  const one = await build({
    stdin: {
      contents:
        "import { add, tensor, init } from './src/index.browser.ts'; export const f = async () => { await init(); return add(tensor([1]), tensor([2])).read(); };",
      resolveDir: '.',
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    minify: true,
  });
  const [a, o] = [all.outputFiles[0]!.text.length, one.outputFiles[0]!.text.length];
  // An app using one op must not carry the model, data, eval and picture code: under a quarter of the whole.
  assert.ok(o < a / 4, `importing add() alone bundles ${o} of ${a} bytes`);
});

test('the page gets a compatibility-mode device', () => {
  assert.match(web.device, /mode: compatibility/);
});

test('every op and its gradients match Node', () => {
  assert.equal(Object.keys(web.result.values).sort(), Object.keys(node.values).sort());
  for (const [name, n] of Object.entries(node.values)) {
    const w = web.result.values[name]!;
    // Same WGSL, different compilers (Dawn→SPIR-V vs ANGLE→GLSL, both on LLVM): only float32
    // rounding/contraction may differ; the deepest sum here has 32·7·7 = 1568 terms, so 1e-5 of the range.
    assertAllClose(w, n, `${name} (browser vs node)`, 1e-5);
    if (name.startsWith('dropout'))
      assert.equal(
        w.map((v) => v === 0),
        n.map((v) => v === 0),
        'the same dropout mask',
      );
  }
});

test('every kernel ran in compatibility mode; those above its default limits are listed', () => {
  const d = web.compatDefaults;
  const over = web.result.kernels.filter((k) => k.storageBindings > d.maxStorageBuffersPerShaderStage! || k.invocations > d.maxComputeInvocationsPerWorkgroup!);
  mkdirSync('out/browser', { recursive: true });
  writeFileSync(
    'out/browser/compat-kernels.json',
    JSON.stringify({ compatDefaults: d, device: web.device, kernels: web.result.kernels, overDefaults: over }, null, 2),
  );
  // Not a failure: the engine requests the adapter's limits; but an adapter offering only the defaults would refuse these.
  if (over.length > 0)
    console.log(
      `  ${over.length} of ${web.result.kernels.length} kernels exceed the compatibility defaults (${d.maxStorageBuffersPerShaderStage} storage buffers, ${d.maxComputeInvocationsPerWorkgroup} invocations): see out/browser/compat-kernels.json`,
    );
  assert.ok(web.result.kernels.length >= 15, `saw ${web.result.kernels.length} kernels`);
});

test.run();
