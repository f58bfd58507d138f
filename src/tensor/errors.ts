// Every failure the engine reports is one of these, so callers can tell which op and why.

/** A WebGPU error (validation, out-of-memory, internal) attributed to the op that caused it. */
export class GPUOpError extends Error {
  constructor(
    readonly op: string,
    readonly kind: string,
    detail: string,
  ) {
    super(`${op}: WebGPU ${kind} error: ${detail}`);
    this.name = 'GPUOpError';
  }
}

/** The device was lost; every later op fails with this, naming the op that found out. */
export class DeviceLostError extends Error {
  constructor(
    readonly op: string,
    readonly reason: string,
    detail: string,
  ) {
    super(`${op}: the WebGPU device was lost (${reason}): ${detail}`);
    this.name = 'DeviceLostError';
  }
}

/** Bad arguments or state detected before anything reaches the GPU. */
export class EngineError extends Error {
  constructor(
    readonly op: string,
    detail: string,
  ) {
    super(`${op}: ${detail}`);
    this.name = 'EngineError';
  }
}

export const NO_ADAPTER_HELP =
  'No WebGPU adapter could be had. On Debian/Ubuntu without a GPU, run `npm run setup` (installs Mesa lavapipe ' +
  'from bookworm-backports and libvulkan1); elsewhere install a Vulkan, Metal or D3D12 driver. ' +
  'Plain Debian 12 Mesa (22.x) is too old for Dawn. In a browser, WebGPU must be enabled (Chrome/Edge 113+, or ' +
  'headless Chromium with --enable-unsafe-webgpu).';
