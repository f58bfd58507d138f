// Drawing a box around a person on the overlay canvas: drag to draw; the box goes to the page in
// image pixels (COCO-style [x, y, w, h]) and is drawn over the picture after each inference.
import type { PersonBox } from './browser-api.js';

/** Calls `onBox` with each box dragged on `canvas`; `scale()` is canvas pixels per image pixel. */
export function watchBoxes(canvas: HTMLCanvasElement, scale: () => number, onBox: (box: PersonBox) => void): void {
  let start: [number, number] | null = null;
  const at = (e: PointerEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * canvas.width) / r.width, ((e.clientY - r.top) * canvas.height) / r.height];
  };
  canvas.style.cursor = 'crosshair';
  canvas.addEventListener('pointerdown', (e) => {
    start = at(e);
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener('pointerup', (e) => {
    if (!start) return;
    const [x0, y0] = start,
      [x1, y1] = at(e);
    start = null;
    const s = scale();
    const box: PersonBox = [Math.min(x0, x1) / s, Math.min(y0, y1) / s, Math.abs(x1 - x0) / s, Math.abs(y1 - y0) / s];
    if (box[2] >= 4 && box[3] >= 4) onBox(box); // a click is not a box
  });
}

/** Outlines `box` (image pixels) on the canvas. */
export function drawBox(canvas: HTMLCanvasElement, box: PersonBox, scale: number): void {
  const ctx = canvas.getContext('2d')!;
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.9)';
  ctx.lineWidth = 2;
  ctx.strokeRect(box[0] * scale, box[1] * scale, box[2] * scale, box[3] * scale);
}
