// Bundles the CLI entry (oclif core, the commands, their dependencies) into one CommonJS file, dist/cli.cjs, which
// bin/run.js starts through src/code-cache.ts. Start-up time is mostly loading and compiling modules: one file instead
// of hundreds, and one that V8 can compile from a cache (Node 20 caches no ES module's code). Modules that a command
// imports dynamically stay lazy in the bundle (esbuild wraps them in an initialiser run on first import), so start-up
// evaluates oclif and the command declarations only. The last line is the hash of the rest and the command ids: the
// code cache's key.
// tsc has already emitted dist/ (the library and its types).
import {createHash} from 'node:crypto'
import {build} from 'esbuild'
import {appendFile, readFile, writeFile} from 'node:fs/promises'
import {fileURLToPath} from 'node:url'

// The one import.meta of the sources (ci/detect.ts's createRequire) as CommonJS spells it, and the import() that oclif's
// module loader calls (see dynamicImportThroughStarter).
const banner = [
  "const __kcImportMetaUrl = require('node:url').pathToFileURL(__filename).href",
  "const __kcImport = (specifier) => (globalThis[Symbol.for('kedro-consent.import')] ?? ((s) => import(s)))(specifier)",
].join(';\n')
const outfile = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url))

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

/**
 * oclif loads its plugins (help, not-found, autocomplete: ES modules) with import(). Code that src/code-cache.ts
 * compiles with vm.Script has no module loader of its own for import() (Node 20 offers one only behind an
 * experimental flag), so oclif's calls go through __kcImport: the starter's import() when it registered one, else the
 * file's own (a plain require of the bundle, as `oclif manifest` does). The build fails if the calls are not found.
 */
const dynamicImportThroughStarter = {
  name: 'dynamic-import-through-starter',
  setup(build) {
    build.onLoad({filter: /@oclif[/\\]core[/\\]lib[/\\]module-loader\.js$/}, async ({path}) => {
      const source = await readFile(path, 'utf8')
      const calls = source.match(/await import\(/g)?.length ?? 0
      if (calls !== 3) throw new Error(`${path}: expected 3 import() calls to route, found ${calls}`)
      return {contents: source.replaceAll('await import(', 'await __kcImport('), loader: 'js'}
    })
  },
}

await build({
  banner: {js: banner},
  bundle: true,
  define: {'import.meta.url': '__kcImportMetaUrl'},
  entryPoints: ['src/cli.ts'],
  // oclif loads these only to run TypeScript sources in development; never in the built CLI.
  external: ['typescript', 'tsx', 'ts-node'],
  format: 'cjs',
  legalComments: 'none',
  logLevel: 'warning',
  // Whitespace and comments out, identifiers kept (stack traces and oclif's class names stay readable): a smaller file
  // is faster to read, and an ASCII one faster to decode.
  charset: 'ascii',
  minifySyntax: true,
  minifyWhitespace: true,
  outfile,
  platform: 'node',
  plugins: [withoutHighlighting, sortCommandsByCodeUnits, dynamicImportThroughStarter],
  // Linked maps (not loaded unless node runs with --enable-source-maps, so start-up does not pay) let coverage and
  // stack traces point at src/*.ts. They stay out of the package (package.json files).
  sourcemap: 'linked',
  sourcesContent: false,
  target: 'node20',
})
// The starter reads the bundle as Latin-1, which decodes ASCII several times faster than UTF-8 does. esbuild escapes
// strings and identifiers but leaves regular expression literals as written: a \uXXXX escape means the same there.
const text = await readFile(outfile, 'utf8')
const ascii = text.replaceAll(/[^\0-\x7F]/gu, (char) => [...char.split('')].map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''))
// The file is the very script the starter compiles (see wrapBundle in src/code-cache.ts); its first line comes before
// every line the map describes.
const {BUNDLE_INFO_PREFIX, wrapBundle} = await import('../dist/code-cache.js')
await writeFile(outfile, wrapBundle(ascii), 'latin1')
const mapFile = `${outfile}.map`
const map = JSON.parse(await readFile(mapFile, 'utf8'))
await writeFile(mapFile, JSON.stringify({...map, mappings: `;${map.mappings}`}))
// The note the starter reads (src/code-cache.ts): the hash of the bundle and its command ids, from tsc's build.
const {COMMANDS} = await import('../dist/cli.js')
const info = {commands: Object.keys(COMMANDS).sort(), sha256: createHash('sha256').update(await readFile(outfile)).digest('hex')}
await appendFile(outfile, `\n${BUNDLE_INFO_PREFIX}${JSON.stringify(info)}`)
