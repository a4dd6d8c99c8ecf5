import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { printTable, type Row } from './lib';

/**
 * `npm run bench -- profile <workload>`: runs one workload with the bench server
 * under `node --cpu-prof` and prints where its CPU went: the functions with the
 * most self time, and self time by package (node internals, each dependency, our
 * code). The profile covers the server's whole life, so start-up and migration
 * show too; under load they are a few percent. `node scripts/dist/bench/profile.js
 * <file.cpuprofile>` summarises a profile taken another way.
 */
interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const TOP = Number(process.env.PROFILE_TOP ?? 30);

/** Who a frame belongs to: a dependency by package name, node's own code, the project, or V8 (GC, idle). */
function ownerOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  if (url.startsWith('node:')) return 'node';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const m = /\/(server|shared|scripts)\/dist\//.exec(url);
  return m ? `huiyuan/${m[1]}` : url;
}

/** A short location: the path from the package or workspace folder on (no machine paths in the output). */
function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const m = /\/((server|shared|scripts)\/dist\/.*)$/.exec(url);
  return m ? m[1] : url.replace(/^file:\/\//, '');
}

export function summarise(file: string, top = TOP): string {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const owners = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const us = p.timeDeltas[i] ?? 0;
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)') return; // waiting for I/O costs no CPU
    total += us;
    const key = `${f.functionName || '(anonymous)'}  ${shortUrl(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + us);
    const o = ownerOf(f.url, f.functionName);
    owners.set(o, (owners.get(o) ?? 0) + us);
  });
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
  const lines = [`busy CPU ${(total / 1000).toFixed(0)} ms (idle excluded)`, '', 'self time by package:'];
  for (const [o, us] of [...owners].sort((a, b) => b[1] - a[1]).slice(0, 15)) lines.push(`${pct(us)}${ms(us)}  ${o}`);
  lines.push('', `top ${top} functions by self time:`);
  for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${pct(us)}${ms(us)}  ${k}`);
  return lines.join('\n');
}

/** Runs `run` with the bench server profiled, then prints the summary of the server's profile. */
export async function profileWorkload(name: string, run: () => Promise<Row | Row[]>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hy-prof-${name}-`));
  process.env.BENCH_PROF_DIR = dir;
  const rows = await run();
  // Figures under the profiler are lower than without it: for the table, run the workload unprofiled.
  printTable(Array.isArray(rows) ? rows : [rows]);
  delete process.env.BENCH_PROF_DIR;
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f));
  if (!files.length) throw new Error('the server wrote no profile (did it exit on SIGTERM?)');
  for (const f of files) {
    console.log(`\n=== ${name}: ${f}`);
    console.log(summarise(f));
  }
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: profile.js <file.cpuprofile>');
    process.exit(2);
  }
  console.log(summarise(file, Number(process.argv[3] ?? TOP)));
}
