import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, requestEngineDevice, describeDevice } from '../../src/index.node.js';
import { nodeGPU } from '../../src/tensor/gpu-node.js';
import { subBatches } from '../../src/tensor/split.js';

test("init returns a device with the adapter's own limits, not the defaults", async () => {
  const engine = await init();
  const adapter = await nodeGPU().requestAdapter();
  assert.ok(adapter, 'an adapter exists');
  for (const name of [
    'maxStorageBufferBindingSize',
    'maxBufferSize',
    'maxComputeWorkgroupStorageSize',
    'maxComputeInvocationsPerWorkgroup',
    'maxStorageBuffersPerShaderStage',
  ] as const) {
    assert.is(engine.info.limits[name], adapter!.limits[name], name);
  }
  // The defaults would be 256 invocations and 8 storage buffers; real adapters here offer more.
  assert.ok(engine.info.limits.maxComputeInvocationsPerWorkgroup >= 256);
});

test("a big GPU's real limits are requested (several GiB per binding), so CPM at batch 16 and 368² needs no split there", async () => {
  // An adapter reporting what Dawn reports for an NVIDIA H100/H200 on Vulkan: bindings up to 4 GiB, buffers larger still.
  const big = {
    maxStorageBufferBindingSize: 2 ** 32 - 4,
    maxBufferSize: 2 ** 40,
    maxComputeWorkgroupStorageSize: 49152,
    maxComputeInvocationsPerWorkgroup: 1024,
    maxComputeWorkgroupSizeX: 1024,
    maxComputeWorkgroupSizeY: 1024,
    maxComputeWorkgroupSizeZ: 64,
    maxComputeWorkgroupsPerDimension: 65535,
    maxStorageBuffersPerShaderStage: 16,
    maxUniformBufferBindingSize: 65536,
    maxBindGroups: 4,
  };
  let requested: Record<string, number> = {};
  const adapter = {
    info: { vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H200', subgroupMinSize: 32 },
    features: new Set(['core-features-and-limits', 'shader-f16']),
    limits: big,
    requestDevice: async (d: { requiredLimits: Record<string, number> }) => {
      requested = d.requiredLimits;
      return { limits: { ...d.requiredLimits }, features: new Set(['shader-f16']) };
    },
  };
  const gpu = { requestAdapter: async () => adapter } as unknown as GPU;
  const info = await requestEngineDevice(gpu);
  assert.equal(requested, big, "every limit the engine needs, at the adapter's value");
  assert.is(info.limits.maxStorageBufferBindingSize, 2 ** 32 - 4);
  // conv1's output at 368² is 128·368²·4 B = 69 MiB per image: 16 images bind at once there, one per binding at lavapipe's 128 MiB.
  const perImage = 128 * 368 * 368;
  assert.equal(subBatches('conv2d', 16, [perImage], info.limits.maxStorageBufferBindingSize), [[0, 16]]);
  assert.is(subBatches('conv2d', 16, [perImage], 128 * 2 ** 20).length, 16);
});

test('optional features are granted exactly where the adapter has them, and can be turned off', async () => {
  const engine = await init();
  const adapter = await nodeGPU().requestAdapter();
  for (const f of ['timestamp-query', 'shader-f16', 'subgroups'] as const) {
    assert.is(engine.info.features[f], adapter!.features.has(f), f);
    assert.is(engine.device.features.has(f), adapter!.features.has(f), f);
  }
  const plain = await requestEngineDevice(nodeGPU(), { disableFeatures: ['shader-f16'] });
  assert.is(plain.features['shader-f16'], false);
  plain.device.destroy();
});

test('the adapter is described with its mode, limits and features', async () => {
  const engine = await init();
  const text = describeDevice(engine.info);
  assert.match(text, /mode: (core|compatibility)/);
  assert.match(text, /storage binding \d+ MiB/);
  assert.match(text, /timestamp-query=(yes|no)/);
});

test('asking for an adapter that is not there is a clear error', async () => {
  try {
    await requestEngineDevice(nodeGPU(), { adapter: 'no-such-gpu-xyz' });
    assert.unreachable('should throw');
  } catch (e) {
    assert.match((e as Error).message, /No WebGPU adapter matches "no-such-gpu-xyz"/);
  }
});

test('no WebGPU at all says how to fix it', async () => {
  try {
    await requestEngineDevice(undefined);
    assert.unreachable('should throw');
  } catch (e) {
    assert.match((e as Error).message, /npm run setup/);
  }
});

test('the CLI prints adapter info with --info', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', '--info'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /adapter: .+/);
  assert.match(r.stdout, /limits: storage binding/);
});

test.run();
