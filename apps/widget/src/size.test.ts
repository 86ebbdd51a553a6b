import { gzipSync } from 'node:zlib';
import { expect, test } from 'vitest';
import { buildWidget } from '../scripts/build';

test('widget.js stays under 15 KB gzipped', async () => {
  const code = await buildWidget();
  const gzipped = gzipSync(code, { level: 9 }).length;
  console.log(`widget.js: ${code.length} bytes minified, ${gzipped} bytes gzipped`);
  // An IIFE: nothing leaks into the page's global scope.
  expect(code).toMatch(/^("use strict";)?\(\(\)=>\{/);
  expect(gzipped).toBeLessThan(15 * 1024);
}, 30_000);
