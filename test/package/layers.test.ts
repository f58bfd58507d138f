// The import graph of src/, read from the sources: no file reaches itself through its imports, and
// each folder imports only folders of a lower layer (and itself).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

/**
 * Layers, lowest first: a folder may import its own files and those of folders in lower layers.
 * `.` is the package's entry files (index*.ts, ops.ts); cli imports them.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['tensor', 'io', 'pose'],
  ['autograd', 'optim', 'eval'],
  ['viz'],
  ['shaders', 'data'],
  ['infer'],
  ['cpm'],
  ['.'],
  ['cli'],
];

const SRC = resolve('src');

type ImportGraph = Map<string, string[]>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) return sourceFiles(p);
      return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
    });
}

/** Relative specifiers of static imports, re-exports, side-effect imports and dynamic import()s. */
function importSpecifiers(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)) found.push(m[1]!);
  return found;
}

/** The .ts file a relative specifier names (NodeNext: written as .js). */
function resolveSpecifier(from: string, spec: string): string {
  const p = resolve(dirname(from), spec);
  for (const candidate of [p.replace(/\.js$/, '.ts'), p, join(p, 'index.ts')]) if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  throw new Error(`${relative(SRC, from)}: import '${spec}' resolves to no file`);
}

function importGraph(files: string[]): ImportGraph {
  return new Map(files.map((f) => [f, [...new Set(importSpecifiers(readFileSync(f, 'utf8')).map((s) => resolveSpecifier(f, s)))]]));
}

/** Cycles as file lists (each strongly connected component of more than one file, or a file importing itself). */
function importCycles(graph: ImportGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)!.includes(v)) cycles.push(component.reverse());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

/** The first folder under src/ ('.' for the entry files at its top). */
function folderOf(file: string): string {
  const parts = relative(SRC, file).split('/');
  return parts.length === 1 ? '.' : parts[0]!;
}

function layerOf(folder: string): number {
  const i = LAYERS.findIndex((layer) => layer.includes(folder));
  if (i < 0) throw new Error(`src/${folder} is in no layer of LAYERS: add it`);
  return i;
}

/** Imports from a folder into one of the same or a higher layer (other than its own folder). */
function upwardImports(graph: ImportGraph): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const [a, b] = [folderOf(from), folderOf(to)];
      if (a !== b && layerOf(b) >= layerOf(a)) out.push(`${relative(SRC, from)} → ${relative(SRC, to)} (${a} may not import ${b})`);
    }
  }
  return out;
}

const graph = importGraph(sourceFiles(SRC));
const at = (f: string) => join(SRC, f);

test('the reader finds static, type-only, re-exported, side-effect and dynamic imports', () => {
  const source = `import { a } from './a.js';\nimport type {\n  B,\n} from '../b/b.js';\nexport * from './c.js';\nimport './d.js';\nconst e = await import('./e.js');\nimport { f } from 'node:fs';`;
  assert.equal(importSpecifiers(source), ['./a.js', '../b/b.js', './c.js', './d.js', './e.js']);
});

test('the checks catch a cycle and an upward import', () => {
  const fake: ImportGraph = new Map([
    [at('autograd/accumulate.ts'), [at('shaders/elementwise/elementwise.ts')]],
    [at('shaders/elementwise/elementwise.ts'), [at('autograd/graph.ts')]],
    [at('autograd/graph.ts'), [at('autograd/accumulate.ts')]],
  ]);
  assert.equal(importCycles(fake).length, 1);
  assert.equal(upwardImports(fake), ['autograd/accumulate.ts → shaders/elementwise/elementwise.ts (autograd may not import shaders)']);
});

test('every file of src/ is read, imports included', () => {
  assert.ok(graph.size > 100, `${graph.size} files`);
  assert.ok(graph.get(at('autograd/graph.ts'))!.includes(at('autograd/accumulate.ts')));
});

test('src/ has no import cycles', () => {
  const cycles = importCycles(graph).map((c) => c.map((f) => relative(SRC, f)).join(', '));
  assert.equal(cycles, [], `files that import each other in a loop:\n${cycles.join('\n')}`);
});

test('each folder of src/ imports only folders of lower layers', () => {
  const upward = upwardImports(graph);
  assert.equal(upward, [], `upward imports:\n${upward.join('\n')}`);
});

test.run();
