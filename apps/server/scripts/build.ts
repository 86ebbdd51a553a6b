/**
 * Builds the server for plain `node`: dist/main.js (`npm start`) and dist/migrate.js
 * (`npm run migrate`), ESM with source maps. Our workspace packages (`@switchboard/*`, exported as
 * TypeScript) are bundled in; every other package stays an import that Node resolves from
 * node_modules at run time, as it does for the sources under tsx.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Marks the plugin's own look-ups so that they take esbuild's default resolution. */
const LOOKUP = Symbol('lookup');

/**
 * Bare imports outside our workspace stay external. The bundle imports them from its output
 * directory, not from the workspace package that wrote the import, so each must resolve to the
 * same file from both places: a copy nested in one package's node_modules would be missed at run
 * time, or another version loaded in its place.
 */
function externalPackages(outdir: string): Plugin {
  return {
    name: 'external-packages',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.kind === 'entry-point' || args.pluginData === LOOKUP || args.path.startsWith('@switchboard/')) return undefined;
        const lookup = (resolveDir: string) => b.resolve(args.path, { kind: args.kind, resolveDir, pluginData: LOOKUP });
        const [fromImporter, fromBundle] = await Promise.all([lookup(args.resolveDir), lookup(outdir)]);
        if (fromBundle.errors.length > 0 || fromImporter.path !== fromBundle.path) {
          const found = fromBundle.errors.length > 0 ? 'nothing' : fromBundle.path;
          const text = `"${args.path}" is ${fromImporter.path} for ${relative(root, args.importer)} but ${found} for the bundle: declare it in apps/server/package.json or dedupe it`;
          return { errors: [{ text }] };
        }
        return { path: args.path, external: true };
      });
    },
  };
}

/**
 * In a bundled module `import.meta.url` would be the bundle's URL; our code means its own .ts file
 * by it (db's migrations folder, the web app's dist and templates/ are found from there). Each use
 * becomes that file's URL, relative to the bundle's, so the output works wherever the checkout sits.
 */
function sourceFileUrls(outdir: string): Plugin {
  return {
    name: 'source-file-urls',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta')) return undefined;
        const other = /import\.meta\.(?!url\b)\w+/.exec(source);
        if (other) return { errors: [{ text: `${other[0]} is not supported in the server bundle: only import.meta.url is rewritten` }] };
        const fromBundle = relative(outdir, args.path).split(sep).join('/');
        return {
          contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`),
          loader: 'ts',
        };
      });
    },
  };
}

/** esbuild's options for an output directory (dist/ for `npm run build`). */
export function buildOptions(outdir = `${root}dist`) {
  return {
    absWorkingDir: root,
    // Flat names: every output file sits in outdir itself, which the rewritten URLs are relative to.
    entryPoints: { main: 'src/main.ts', migrate: 'src/cli/migrate.ts' },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Stack traces map to the .ts files on disk (`node --enable-source-maps`); leaving their text
    // out keeps the map, which Node holds in memory, small.
    sourcemap: 'linked',
    sourcesContent: false,
    plugins: [externalPackages(outdir), sourceFileUrls(outdir)],
    logLevel: 'warning',
  } satisfies BuildOptions;
}

/** Builds into dist/, or into `outdir` (tests: inside the checkout, so that node_modules resolve). */
export async function buildServer(outdir?: string) {
  const options = buildOptions(outdir);
  // esbuild finds nothing from a directory that does not exist yet (the plugin resolves from it).
  await mkdir(options.outdir, { recursive: true });
  return build(options);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildServer();
}
