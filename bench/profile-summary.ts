/**
 * Top frames by self time of a V8 .cpuprofile (from BENCH_PROFILE=1), and self time per package.
 * Usage: npx tsx bench/profile-summary.ts bench/results/<file>.cpuprofile [top=25]
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Which package (or part of ours) a frame belongs to, from its script URL. */
function packageOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return 'node:*';
  const ours = /\/(apps|packages)\/([^/]+)\//.exec(url);
  return ours ? `${ours[1]}/${ours[2]}` : url;
}

/**
 * The server runs bundled (apps/server/dist/main.js): a frame of ours is mapped back to its .ts
 * file through the bundle's source map, which must still be the one the profile was taken with.
 */
function toSource(): (frame: CallFrame) => CallFrame {
  const maps = new Map<string, SourceMap | null>();
  return (frame) => {
    if (!frame.url.startsWith('file://') || frame.url.includes('/node_modules/')) return frame;
    let map = maps.get(frame.url);
    if (map === undefined) {
      const file = `${fileURLToPath(frame.url)}.map`;
      map = existsSync(file) ? new SourceMap(JSON.parse(readFileSync(file, 'utf8'))) : null;
      maps.set(frame.url, map);
    }
    const entry = map?.findEntry(frame.lineNumber, frame.columnNumber);
    if (!entry || !('originalSource' in entry)) return frame;
    return {
      ...frame,
      url: new URL(entry.originalSource, frame.url).href,
      lineNumber: entry.originalLine,
      columnNumber: entry.originalColumn,
    };
  };
}

export function summariseProfile(file: string, top = 25) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  });
  const frames = new Map<string, number>();
  const packages = new Map<string, number>();
  const source = toSource();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = source(byId.get(id)!.callFrame);
    const short = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(apps|packages)\//, '$1/');
    const key = `${functionName || '(anonymous)'} ${short ? `${short}:${lineNumber + 1}` : ''}`.trim();
    frames.set(key, (frames.get(key) ?? 0) + us);
    const pkg = packageOf(url, functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  }
  const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
  const idle = self.size
    ? [...self].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((s, [, us]) => s + us, 0)
    : 0;
  console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled, ${pct(idle)} idle`);
  console.log('\ntop frames by self time:');
  for (const [key, us] of [...frames].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${key}`);
  console.log('\nself time by package:');
  for (const [key, us] of [...packages].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${pct(us)}  ${key}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, top] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]');
  summariseProfile(file, Number(top ?? 25));
}
