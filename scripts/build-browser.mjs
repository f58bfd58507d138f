// Builds the browser ESM bundle of the package (dist/browser/cpm-webgpu.js), the demo page's script
// (demo/dist/demo.js) and the op check the browser tests load (demo/dist/op-check.js).
// Fails if anything pulls in a Node built-in.
import { build } from 'esbuild';

const common = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', metafile: true };

/** Fails naming the Node-only inputs of esbuild results (Node built-ins, pngjs, webgpu). */
function refuseNodeInputs(results) {
  const nodeImports = results
    .flatMap((r) => Object.keys(r.metafile.inputs))
    .filter((p) => !p.startsWith('(disabled):') && (p.startsWith('node:') || /node_modules\/(pngjs|webgpu)\//.test(p)));
  if (nodeImports.length > 0) throw new Error(`the browser bundle pulls in Node-only code: ${nodeImports.join(', ')}`);
}

/** The one-file browser bundle of the package; the published one has no source map. */
export async function buildLibBundle({ quiet = false, sourcemap = true } = {}) {
  const lib = await build({
    ...common,
    sourcemap,
    logLevel: quiet ? 'error' : 'info',
    entryPoints: ['src/index.browser.ts'],
    outfile: 'dist/browser/cpm-webgpu.js',
  });
  refuseNodeInputs([lib]);
  return lib.metafile;
}

export async function buildBrowser({ quiet = false } = {}) {
  const opts = { ...common, sourcemap: true, logLevel: quiet ? 'error' : 'info' };
  const lib = await buildLibBundle({ quiet });
  const demo = await build({ ...opts, entryPoints: ['demo/main.ts'], outfile: 'demo/dist/demo.js' });
  const ops = await build({ ...opts, entryPoints: ['demo/op-check-page.ts'], outfile: 'demo/dist/op-check.js' });
  refuseNodeInputs([demo, ops]);
  return { lib, demo: demo.metafile, ops: ops.metafile };
}

if (import.meta.url === `file://${process.argv[1]}`) await buildBrowser();
