// Builds the browser ESM bundle of the package (dist/browser/cpm-webgpu.js), the demo page's script
// (demo/dist/demo.js) and the op check the browser tests load (demo/dist/op-check.js).
// Fails if anything pulls in a Node built-in.
import { build } from 'esbuild';

export async function buildBrowser({ quiet = false } = {}) {
  const common = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', sourcemap: true, logLevel: quiet ? 'error' : 'info' };
  const lib = await build({ ...common, entryPoints: ['src/index.browser.ts'], outfile: 'dist/browser/cpm-webgpu.js', metafile: true });
  const demo = await build({ ...common, entryPoints: ['demo/main.ts'], outfile: 'demo/dist/demo.js', metafile: true });
  const ops = await build({ ...common, entryPoints: ['demo/op-check-page.ts'], outfile: 'demo/dist/op-check.js', metafile: true });
  const nodeImports = [lib, demo, ops].flatMap((r) => Object.keys(r.metafile.inputs)).filter((p) => !p.startsWith('(disabled):') && (p.startsWith('node:') || /node_modules\/(pngjs|webgpu)\//.test(p)));
  if (nodeImports.length > 0) throw new Error(`the browser bundle pulls in Node-only code: ${nodeImports.join(', ')}`);
  return { lib: lib.metafile, demo: demo.metafile, ops: ops.metafile };
}

if (import.meta.url === `file://${process.argv[1]}`) await buildBrowser();
