// A static file server on localhost for the demo page (GET only, files under the project root only).
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { int, parseCommand, type Command } from './options.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.map': 'application/json',
  '.css': 'text/css',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.json': 'application/json',
  '.safetensors': 'application/octet-stream',
};

/** What the demo page loads on start when it exists (the main job's output). */
const MAIN_CHECKPOINT = 'runs/main/checkpoint.safetensors';

export function startServer(root: string, port = 0): Promise<{ url: string; server: Server }> {
  const base = resolve(root);
  const server = createServer((req, res) => {
    const path = normalize(join(base, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (req.method !== 'GET' || !path.startsWith(base)) {
      res.writeHead(403).end();
      return;
    }
    const file = path.endsWith('/') ? join(path, 'index.html') : path;
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(`not found: ${req.url}`),
    );
  });
  return new Promise((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      fail(new Error(`cannot serve on 127.0.0.1:${port}: ${e.code === 'EADDRINUSE' ? 'the port is in use (choose another with --port)' : e.message}`)),
    );
    server.listen(port, '127.0.0.1', () => {
      const a = server.address();
      ok({ url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : port}`, server });
    });
  });
}

/** `cpm serve`'s options. */
export const SERVE_COMMAND = {
  name: 'serve',
  usage: 'cpm serve [--port N]',
  summary: 'Serves the demo page on localhost (npm run demo builds it first).',
  options: { port: int('TCP port on 127.0.0.1; 0: any free one', { min: 0, max: 65535, default: 8080 }) },
} as const satisfies Command;

export async function serveCommand(argv: string[]): Promise<void> {
  const a = parseCommand(SERVE_COMMAND, argv);
  if (!a) return;
  const { url } = await startServer('.', a.values.port);
  console.log(`demo: ${url}/demo/  (Ctrl-C to stop; WebGPU needed: Chrome/Edge, or headless Chromium with the flags in the README)`);
  console.log(
    existsSync(MAIN_CHECKPOINT)
      ? `the page loads ${MAIN_CHECKPOINT} on start`
      : `no ${MAIN_CHECKPOINT} yet (\`npm run main\` makes it): the page starts with random weights and says so`,
  );
  await new Promise(() => undefined);
}
