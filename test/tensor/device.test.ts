import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, requestEngineDevice, describeDevice } from '../../src/index.node.js';
import { nodeGPU } from '../../src/tensor/gpu-node.js';

test('init returns a device with the adapter\'s own limits, not the defaults', async () => {
  const engine = await init();
  const adapter = await nodeGPU().requestAdapter();
  assert.ok(adapter, 'an adapter exists');
  for (const name of ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup', 'maxStorageBuffersPerShaderStage'] as const) {
    assert.is(engine.info.limits[name], adapter!.limits[name], name);
  }
  // The defaults would be 256 invocations and 8 storage buffers; real adapters here offer more.
  assert.ok(engine.info.limits.maxComputeInvocationsPerWorkgroup >= 256);
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
