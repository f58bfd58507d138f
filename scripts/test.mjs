// Runs the type check, the format-and-lint check (biome) and every uvu test file under test/ (or those matching argv[2]),
// each test file in its own process, then prints the closing line `N passed, N failed` that CI reads.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

process.env.XDG_RUNTIME_DIR ??= '/tmp';
const filter = process.argv[2] ? new RegExp(process.argv[2]) : null;
let passed = 0;
let failed = 0;

// Whole-tree checks, each one pass or one failure: types, formatting and lint (biome.jsonc).
const CHECKS = [
  ['typecheck', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  ['format and lint', ['biome', 'ci', '--colors=off', '.']],
];
if (!filter) {
  for (const [name, args] of CHECKS) {
    const r = spawnSync('npx', args, { stdio: 'inherit' });
    if (r.status === 0) {
      passed++;
      console.log(`${name}: ok`);
    } else {
      failed++;
      console.log(`${name}: FAILED (npx ${args.join(' ')})`);
    }
  }
}

const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts') && (!filter || filter.test(p))) files.push(p);
  }
})('test');

// One process per file: a crash in one file (e.g. device lost) cannot take the others down with it.
for (const file of files) {
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', env: process.env, maxBuffer: 64 << 20 });
  const out = (r.stdout ?? '') + (r.stderr ?? '');
  const total = Number(/Total:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const ok = Number(/Passed:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0 || total === 0 || ok !== total) {
    process.stdout.write(out);
    const bad = Math.max(total - ok, 1);
    passed += ok;
    failed += bad;
    console.log(`FAIL ${file}: ${ok}/${total} passed, exit ${r.status ?? r.signal} (${secs}s)`);
  } else {
    passed += ok;
    console.log(`ok   ${file}: ${ok} tests (${secs}s)`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
