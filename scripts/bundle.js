// Bundles the CLI entry (oclif core, the commands, their dependencies) into dist/cli.js plus lazily loaded chunks.
// Start-up time is mostly module resolution and loading; one module instead of hundreds makes every command faster.
// tsc has already emitted dist/ (the library and its types); this replaces dist/cli.js with the bundle.
import {build} from 'esbuild'
import {readFile} from 'node:fs/promises'
import {fileURLToPath} from 'node:url'

const banner = [
  "import {createRequire as __kcCreateRequire} from 'node:module'",
  "import {fileURLToPath as __kcFileURLToPath} from 'node:url'",
  'const require = __kcCreateRequire(import.meta.url)',
  'const __filename = __kcFileURLToPath(import.meta.url)',
  "const __dirname = __kcFileURLToPath(new URL('.', import.meta.url))",
].join(';\n')

/** Resolves @lezer/highlight to scripts/stubs/lezer-highlight.js (see there why). */
const withoutHighlighting = {
  name: 'without-highlighting',
  setup(build) {
    build.onResolve({filter: /^@lezer\/highlight$/}, () => ({path: fileURLToPath(new URL('stubs/lezer-highlight.js', import.meta.url))}))
  },
}

/**
 * oclif sorts the root plugin's commands with localeCompare on every run; the first localeCompare builds an ICU
 * collator, about 6 ms. Our command ids are lowercase ASCII words, which code-unit order sorts the same way. The build
 * fails if the line is not found, so that an oclif upgrade cannot drop this silently.
 */
const sortCommandsByCodeUnits = {
  name: 'sort-commands-by-code-units',
  setup(build) {
    build.onLoad({filter: /@oclif[/\\]core[/\\]lib[/\\]config[/\\]plugin\.js$/}, async ({path}) => {
      const source = await readFile(path, 'utf8')
      const sort = '.sort((a, b) => a.id.localeCompare(b.id));'
      if (!source.includes(sort)) throw new Error(`${path}: the command sort to replace was not found`)
      return {contents: source.replace(sort, '.sort((a, b) => (a.id < b.id ? -1 : (a.id > b.id ? 1 : 0)));'), loader: 'js'}
    })
  },
}

await build({
  banner: {js: banner},
  bundle: true,
  chunkNames: 'chunks/[name]-[hash]',
  entryPoints: {cli: 'src/cli.ts'},
  // oclif loads these only to run TypeScript sources in development; never in the built CLI.
  external: ['typescript', 'tsx', 'ts-node'],
  format: 'esm',
  legalComments: 'none',
  logLevel: 'warning',
  outdir: 'dist',
  platform: 'node',
  plugins: [withoutHighlighting, sortCommandsByCodeUnits],
  // Linked maps (not loaded unless node runs with --enable-source-maps, so start-up does not pay) let coverage and
  // stack traces point at src/*.ts. They stay out of the package (package.json files).
  sourcemap: 'linked',
  sourcesContent: false,
  splitting: true,
  target: 'node20',
})
