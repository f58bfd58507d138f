// Public API of the pictures module. Pure (browser-safe); Node file I/O lives in ./files.js (writePng, readImageFile).
export * from './raster.js';
export * from './colormap.js';
export { encodePng, decodePng } from './png.js';
export { GLYPH_WIDTH, GLYPH_HEIGHT } from './font5x7.js';
export { linearTicks, logTicks, formatTick } from './ticks.js';
export * from './chart.js';
export * from './skeleton.js';
export * from './beliefGrid.js';
export * from './pckCurveChart.js';
