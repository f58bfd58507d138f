// Where the people are: a box, a centre and height, or a boxes JSON of one or many people per image,
// parsed into placements that predictPeople crops around. Pure (JSON in, placements out).
import { personFromBox, personFromCenterHeight, type PersonBox } from '../data/annotation.js';
import type { Person } from '../data/types.js';

/** How one person was placed: by a box, or by centre and height (reported beside its pose). */
export type Placement = { box: PersonBox } | { center: [number, number]; height: number };

export function personFromPlacement(p: Placement, source: string): Person {
  return 'box' in p ? personFromBox(p.box, source) : personFromCenterHeight(p.center, p.height, source);
}

/** "a,b,c" → n finite numbers, or an error naming the option. */
export function parseNumberList(text: string, n: number, option: string): number[] {
  const v = text.split(',').map((s) => Number(s.trim()));
  if (v.length !== n || !v.every(Number.isFinite)) throw new Error(`${option} takes ${n} comma-separated numbers, got "${text}"`);
  return v;
}

const isBox = (v: unknown): v is PersonBox => Array.isArray(v) && v.length === 4 && v.every((x) => typeof x === 'number');

/**
 * A boxes JSON: `{ "image.jpg": [x, y, w, h] | [[x, y, w, h], ...] }`, or a COCO-like list
 * `[{ "file": "image.jpg", "bbox": [x, y, w, h] }, ...]`. Returns each image's boxes in order.
 */
export function parseBoxesJson(json: unknown, source: string): Map<string, Placement[]> {
  const out = new Map<string, Placement[]>();
  const add = (file: string, box: unknown, where: string) => {
    if (!isBox(box)) throw new Error(`${source}: ${where}: a box is [x, y, w, h] (COCO-style numbers), got ${JSON.stringify(box)}`);
    personFromBox(box, `${source}: ${where}`); // refuse empty boxes here, before any image is read
    out.set(file, [...(out.get(file) ?? []), { box }]);
  };
  if (Array.isArray(json)) {
    json.forEach((e: unknown, i) => {
      const entry = e as { file?: unknown; bbox?: unknown } | null;
      if (typeof entry?.file !== 'string') throw new Error(`${source}: entry ${i} has no "file" name`);
      add(entry.file, entry.bbox, `entry ${i} (${entry.file})`);
    });
  } else if (json && typeof json === 'object') {
    for (const [file, boxes] of Object.entries(json)) {
      const list: unknown[] = isBox(boxes) ? [boxes] : Array.isArray(boxes) ? boxes : [boxes];
      list.forEach((b, i) => {
        add(file, b, `"${file}" box ${i}`);
      });
    }
  } else {
    throw new Error(`${source}: expected an object of image name → boxes, or a list of { "file", "bbox" }`);
  }
  if (out.size === 0) throw new Error(`${source}: no boxes`);
  return out;
}

/** One person from text options (`--box x,y,w,h`, or `--center x,y` with `--height h`); null when neither is given. */
export function placementFromOptions(o: { box?: string; center?: string; height?: string }): Placement | null {
  if (o.box && o.center) throw new Error('give either --box or --center with --height, not both');
  if (o.box) return { box: parseNumberList(o.box, 4, '--box') as [number, number, number, number] };
  if (o.center === undefined && o.height === undefined) return null;
  if (o.center === undefined || o.height === undefined) throw new Error('--center and --height go together (the person centre, and its height in pixels)');
  return { center: parseNumberList(o.center, 2, '--center') as [number, number], height: parseNumberList(o.height, 1, '--height')[0]! };
}

/** The boxes of `file` (matched by its name as given, else by its last path segment). */
export function boxesFor(table: ReadonlyMap<string, Placement[]>, file: string, source: string): Placement[] {
  const found = table.get(file) ?? table.get(file.split(/[\\/]/).pop()!);
  if (!found) throw new Error(`${source}: no boxes for ${file}`);
  return found;
}
