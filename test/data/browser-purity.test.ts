import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Every module reachable from `entry` through relative imports, with its bare imports. */
function graph(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    const text = readFileSync(file, 'utf8');
    const specs = [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1]!);
    seen.set(
      file,
      specs.filter((s) => !s.startsWith('.')),
    );
    for (const s of specs) if (s.startsWith('.')) visit(resolve(dirname(file), s.replace(/\.js$/, '.ts')));
  };
  visit(entry);
  return seen;
}

/** Modules the browser bundle and the demo use directly: the data module's browser entry, the training step, the pictures. */
const BROWSER_MODULES = ['data/browser.ts', 'cpm/step.ts', 'data/picture.ts', 'infer/pictures.ts'];

for (const entry of BROWSER_MODULES) {
  test(`${entry} reaches no Node built-ins (fs, zlib, worker_threads, path…)`, () => {
    const g = graph(join(SRC, entry));
    assert.ok(g.size > 5, `only ${g.size} modules found`);
    for (const [file, bare] of g) {
      for (const b of bare) assert.ok(!b.startsWith('node:') && !['fs', 'zlib', 'path', 'worker_threads'].includes(b), `${file} imports ${b}`);
      assert.ok(!file.includes('/node/'), `${file} is Node-only`);
    }
  });
}

test('the check can fail: the Node training runner does reach node:fs', () => {
  const g = graph(join(SRC, 'cpm/train.ts'));
  assert.ok([...g.values()].some((bare) => bare.includes('node:fs')));
});

test('index.ts does reach the Node modules (loader with workers, folders)', () => {
  const g = graph(join(SRC, 'data/index.ts'));
  assert.ok([...g.keys()].some((f) => f.endsWith('node/pool.ts')));
});

test.run();
