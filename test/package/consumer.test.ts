// The package as people install it: `npm pack` (its prepack builds dist/ from nothing), the tarball
// installed into an empty project, type-checked there under node16 and bundler resolution, one op run
// in Node, and a page bundled by esbuild from the installed package forwarding a tiny CPM in Chromium.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as lib from '../../src/index.node.js';
import { timedForward, type TimedForward } from '../../demo/forward-check.js';
import { openPage } from '../browser/chromium.js';
import { assertBeliefsMatch } from '../browser/parity.js';

interface PackResult {
  filename: string;
  size: number;
  integrity: string;
  files: { path: string }[];
}
interface LockEntry {
  version: string;
  dependencies?: Record<string, string>;
  dev?: boolean;
  devOptional?: boolean;
  [k: string]: unknown;
}

const repo = process.cwd();
const work = mkdtempSync(join(tmpdir(), 'cpm-consumer-'));
const app = join(work, 'app');
const fixtures = 'test/package/consumer';
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
let packed: PackResult;

const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * The app's lock: the tarball, and the package's runtime dependencies at the versions this repo's lock
 * pins (with their integrity), so `npm ci --offline` installs them from npm's cache as `npm install`
 * would from the registry, which CI cannot reach (and whose metadata the cache lacks).
 */
function appLock(tarball: string): object {
  const repoLock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, LockEntry> };
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string>; engines: object };
  const packages: Record<string, LockEntry> = {};
  // [the dependent's lock path, dependency name]; a dependency resolves as Node does: nested under its dependent first, then upwards.
  const todo: [string, string][] = Object.keys(manifest.dependencies).map((name) => ['', name]);
  for (let next = todo.pop(); next !== undefined; next = todo.pop()) {
    const [parent, name] = next;
    const candidates: string[] = [];
    for (let at = parent; ; at = at.slice(0, Math.max(0, at.lastIndexOf('/node_modules/')))) {
      candidates.push(`${at ? `${at}/` : ''}node_modules/${name}`);
      if (!at) break;
    }
    const key = candidates.find((k) => repoLock.packages[k]);
    if (!key) throw new Error(`package-lock.json has no ${candidates.at(-1)} (a dependency of the package): run npm install`);
    if (packages[key]) continue;
    const { dev: _dev, devOptional: _devOptional, ...kept } = repoLock.packages[key]!;
    packages[key] = kept;
    todo.push(...Object.keys(kept.dependencies ?? {}).map((d): [string, string] => [key, d]));
  }
  const dependencies = { 'cpm-webgpu': `file:../${tarball}` };
  return {
    name: 'app',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'app', dependencies },
      'node_modules/cpm-webgpu': {
        version: '0.1.0',
        resolved: dependencies['cpm-webgpu'],
        integrity: packed.integrity,
        dependencies: manifest.dependencies,
        engines: manifest.engines,
      },
      ...packages,
    },
  };
}

test.after(() => rmSync(work, { recursive: true, force: true }));

test('npm pack builds dist/ from nothing and ships the entries without tests, benches, sources or maps', () => {
  rmSync('dist', { recursive: true, force: true }); // what a clean clone has: only prepack can make it
  const out = run('npm', ['pack', '--json', '--pack-destination', work], repo);
  packed = (JSON.parse(out.slice(out.indexOf('[\n'))) as PackResult[])[0]!;
  const paths = packed.files.map((f) => f.path);
  for (const entry of ['dist/index.node.js', 'dist/index.node.d.ts', 'dist/index.browser.js', 'dist/index.browser.d.ts', 'dist/browser/cpm-webgpu.js'])
    assert.ok(paths.includes(entry), `the tarball lacks ${entry}`);
  const unwanted = paths.filter((p) => /^(test|bench|src|demo|scripts)\/|\.map$|\.test\.|\.tsbuildinfo$/.test(p));
  assert.equal(unwanted, [], 'files nobody who installs the package needs');
  const stated = /tarball is about (\d+) kB/.exec(readFileSync('README.md', 'utf8'));
  assert.ok(stated, 'the README states the tarball size ("tarball is about N kB")');
  const kB = packed.size / 1000;
  assert.ok(Math.abs(kB - Number(stated![1])) <= 0.15 * kB, `the README says ${stated![1]} kB, npm pack made ${kB.toFixed(0)} kB`);
});

test('the tarball installs offline and type-checks with node16 and bundler resolution', () => {
  mkdirSync(app, { recursive: true });
  for (const f of readdirSync(fixtures)) copyFileSync(join(fixtures, f), join(app, f));
  copyFileSync('demo/forward-check.ts', join(app, 'forward-check.ts'));
  const lock = appLock(packed.filename) as { packages: { '': { dependencies: object } } };
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'app', private: true, type: 'module', dependencies: lock.packages[''].dependencies }, null, 2),
  );
  writeFileSync(join(app, 'package-lock.json'), JSON.stringify(lock, null, 2));
  run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], app);
  // --explainFiles names the declaration file each resolution chose: Node's entry for node16, the browser's for bundlers.
  const entries = (config: string) =>
    run(process.execPath, [tsc, '-p', config, '--explainFiles'], app)
      .split('\n')
      .filter((l) => /^node_modules\/cpm-webgpu\/dist\/index\.\w+\.d\.ts$/.test(l))
      .sort();
  assert.equal(entries('tsconfig.node16.json'), ['node_modules/cpm-webgpu/dist/index.browser.d.ts', 'node_modules/cpm-webgpu/dist/index.node.d.ts']);
  assert.equal(entries('tsconfig.bundler.json'), ['node_modules/cpm-webgpu/dist/index.browser.d.ts']);
});

test('an op runs in Node from the installed package', () => {
  const out = JSON.parse(run(process.execPath, ['build/main.js'], app)) as { relu: number[] };
  assert.equal(out.relu, [0, 2, 0, 4]);
});

test('a page bundled by esbuild from the installed package forwards a tiny CPM like Node', async () => {
  const bundle = await build({
    absWorkingDir: app,
    entryPoints: ['page.ts'],
    outfile: 'page.js',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    metafile: true,
    logLevel: 'error',
  });
  const inputs = Object.keys(bundle.metafile.inputs).map((p) => p.replace(/^\(disabled\):/, ''));
  assert.ok(
    inputs.some((p) => p.startsWith('node_modules/cpm-webgpu/dist/')),
    inputs.join(', '),
  );
  const outside = inputs.filter((p) => !/^node_modules\/(cpm-webgpu\/dist|jpeg-js|pngjs)\//.test(p) && !['page.ts', 'forward-check.ts'].includes(p));
  assert.equal(outside, [], 'inputs neither from the installed package (and its dependencies) nor the page');
  const session = await openPage('/page.html', { root: app, build: false });
  try {
    const web = await session.page.evaluate(() => (window as unknown as { result: Promise<TimedForward> }).result);
    const node = await timedForward(lib, await lib.init(), 'tiny', 3, 1, 1);
    assertBeliefsMatch(node.beliefs, web.beliefs);
  } finally {
    await session.close();
  }
});

test.run();
