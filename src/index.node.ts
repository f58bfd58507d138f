// Node entry: the device comes from Dawn (the `webgpu` package).
import { requestEngineDevice, type DeviceOptions } from './tensor/device.js';
import { Engine } from './tensor/engine.js';
import { setEngine } from './tensor/context.js';
import { adapterChoice, nodeGPU } from './tensor/gpu-node.js';

export * from './index.js';
export { fileTuningStore, defaultTuningFile } from './shaders/conv2d/tuning-file.js';

/** Creates the engine on Dawn and makes it current. The adapter comes from `opts.adapter` or CPM_ADAPTER. */
export async function init(opts: DeviceOptions = {}): Promise<Engine> {
  const adapter = adapterChoice(opts.adapter);
  const info = await requestEngineDevice(nodeGPU(adapter), { ...opts, adapter });
  const engine = new Engine(info);
  setEngine(engine);
  return engine;
}
