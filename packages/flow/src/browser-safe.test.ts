import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The "." export is bundled into the web app: walk its imports and check none is server-only.
const here = dirname(fileURLToPath(import.meta.url));
const CHANNEL_FACTS = '@switchboard/channels/definitions';

function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1] as string);
}

describe('the "." entry point', () => {
  it('only reaches browser-safe modules', () => {
    const seen = new Set<string>();
    const bare = new Set<string>();
    const queue = [resolve(here, 'index.ts')];
    while (queue.length) {
      const file = queue.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.')) queue.push(resolve(dirname(file), `${spec}.ts`));
        // The channel facts come along (the window lint reads them): they must be browser-safe too.
        else if (spec === CHANNEL_FACTS) queue.push(resolve(here, '../../channels/src/definitions.ts'));
        else bare.add(spec);
      }
    }
    // re2js is pure JavaScript (owner regexes are checked in the editor exactly as on the server).
    expect([...bare].sort()).toEqual(['croner', 're2js', 'zod']);
    expect([...seen].filter((f) => /[/\\]runtime[/\\]|handler\.ts$/.test(f))).toEqual([]);
    expect([...seen].some((f) => f.endsWith('channels/src/definitions.ts'))).toBe(true);
  });
});
