/**
 * Builds dist/widget.js: one minified IIFE, no dependencies. Tests call `buildWidget`
 * in memory so parallel test files never race on the output file.
 */
import { build, type BuildOptions } from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export const buildOptions = {
  absWorkingDir: root,
  entryPoints: ['src/widget.ts'],
  outfile: 'dist/widget.js',
  bundle: true,
  minify: true,
  format: 'iife',
  // Safari 13 / Chrome 80 era browsers still visit small-business sites.
  target: 'es2019',
  legalComments: 'none',
  logLevel: 'warning',
} satisfies BuildOptions;

/** Returns the built script; writes dist/widget.js only when `write` is set. */
export async function buildWidget(write = false): Promise<string> {
  const result = await build({ ...buildOptions, write });
  if (write) return '';
  return result.outputFiles![0]!.text;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildWidget(true);
}
