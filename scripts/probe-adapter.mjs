// Prints the adapter Dawn finds, or exits 1. Used by setup.sh before the TypeScript is built.
import { create, globals } from 'webgpu';
Object.assign(globalThis, globals);
process.env.XDG_RUNTIME_DIR ??= '/tmp';
const adapter = await create([]).requestAdapter();
if (!adapter) {
  console.error('no WebGPU adapter');
  process.exit(1);
}
const i = adapter.info;
console.log(`${i.vendor} ${i.architecture} ${i.description}`.trim());
process.exit(0);
