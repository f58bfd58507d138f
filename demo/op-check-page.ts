// Browser side of the op check (test/browser/ops.test.ts): runs demo/op-check.ts on navigator.gpu and
// reads the limits a compatibility-mode device gets when it asks for none (the defaults kernels must fit).
import * as lib from '../src/index.browser.js';
import { runOpChecks, type OpCheckResult } from './op-check.js';

const LIMITS = [
  'maxStorageBuffersPerShaderStage',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupStorageSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupsPerDimension',
] as const;

export async function compatDefaultLimits(): Promise<Record<string, number>> {
  const adapter = await navigator.gpu.requestAdapter({ featureLevel: 'compatibility' } as GPURequestAdapterOptions);
  if (!adapter) throw new Error('no compatibility-mode adapter');
  const device = await adapter.requestDevice();
  const out: Record<string, number> = {};
  for (const name of LIMITS) out[name] = (device.limits as unknown as Record<string, number>)[name]!;
  device.destroy();
  return out;
}

export async function run(): Promise<{ device: string; result: OpCheckResult; compatDefaults: Record<string, number> }> {
  const engine = await lib.init();
  const result = await runOpChecks(lib, engine);
  return { device: engine.describe(), result, compatDefaults: await compatDefaultLimits() };
}
