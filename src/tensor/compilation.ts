// WGSL compiler errors (getCompilationInfo) as text that points at the line: `op:line:column error:
// message`, then the source line and a caret under the span, so a broken kernel names its op and place.

/** The module's error messages, formatted against its source; '' when it has none (or the info is unavailable). */
export async function compilationReport(op: string, module: GPUShaderModule, code: string): Promise<string> {
  let info: GPUCompilationInfo;
  try {
    info = await module.getCompilationInfo();
  } catch {
    return ''; // e.g. the device was lost meanwhile: the caller keeps WebGPU's own message
  }
  const lines = code.split('\n');
  const out: string[] = [];
  for (const m of info.messages) {
    if (m.type !== 'error') continue;
    out.push(`${op}:${m.lineNum}:${m.linePos} ${m.type}: ${m.message}`);
    const source = lines[m.lineNum - 1];
    if (source === undefined) continue;
    const gutter = `  ${m.lineNum} | `;
    const width = Math.max(1, Math.min(m.length, source.length - (m.linePos - 1)));
    out.push(`${gutter}${source}`, `${' '.repeat(gutter.length + m.linePos - 1)}${'^'.repeat(width)}`);
  }
  return out.join('\n');
}
