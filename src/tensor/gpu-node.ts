// Node's WebGPU: Dawn through the `webgpu` package, with the Vulkan driver chosen by name.
import { existsSync } from 'node:fs';
import { create, globals } from 'webgpu';

const KNOWN_ICDS: Record<string, string[]> = {
  lavapipe: ['/usr/share/vulkan/icd.d/lvp_icd.x86_64.json', '/usr/share/vulkan/icd.d/lvp_icd.aarch64.json', '/usr/share/vulkan/icd.d/lvp_icd.json'],
  swiftshader: ['/usr/lib/chromium/vk_swiftshader_icd.json'],
};

let instance: GPU | undefined;

/** The adapter the caller asked for: the option, else CPM_ADAPTER. */
export function adapterChoice(option?: string): string | undefined {
  return option ?? (process.env.CPM_ADAPTER || undefined);
}

/** Returns Dawn's GPU object; `adapter` 'lavapipe' or 'swiftshader' pins that Vulkan driver for this process. */
export function nodeGPU(adapter?: string): GPU {
  if (instance) return instance;
  Object.assign(globalThis, globals);
  // Mesa prints an error on every start without it.
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  const icds = adapter ? KNOWN_ICDS[adapter.toLowerCase()] : undefined;
  if (icds) {
    const icd = icds.find((p) => existsSync(p));
    if (!icd) throw new Error(`adapter "${adapter}": its Vulkan driver file is not installed (looked for ${icds.join(', ')})`);
    process.env.VK_ICD_FILENAMES = icd;
  }
  // Dawn rounds timestamp queries to 65.536 µs by default (against timing attacks in browsers), which reads most kernels on a real GPU as 0.
  instance = create(['disable-dawn-features=timestamp_quantization']) as GPU;
  return instance;
}
