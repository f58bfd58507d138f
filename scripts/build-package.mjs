// What `npm pack` / `npm publish` ship (the prepack script): dist/ rebuilt from nothing, so no stale or
// test files ride along — the Node and browser entries with their .d.ts (tsc), and the one-file browser
// bundle (esbuild), without source maps.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildLibBundle } from './build-browser.mjs';

rmSync('dist', { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
await buildLibBundle({ quiet: true, sourcemap: false });
