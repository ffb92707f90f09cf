/**
 * The module graph of src/ has no import circle: each module can be read (and loaded) after the ones it imports.
 * Type-only imports count too (a circle of types is still one room leaning on another), and re-exports.
 */
import {expect} from 'chai'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {REPO_ROOT} from './helpers/sandbox.js'

const SRC = path.join(REPO_ROOT, 'src')

/** Every module of src/ with the src/ modules it imports or re-exports from. */
function importGraph(): Map<string, string[]> {
  const files = readdirSync(SRC, {recursive: true, withFileTypes: true})
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
  const graph = new Map<string, string[]>()
  for (const file of files) {
    const text = readFileSync(file, 'utf8')
    const imports = [...text.matchAll(/^(?:import|export)\s+(?:[^'";]*?\s+from\s+)?'(\.[^']+)'/gm)]
      .map((match) => path.resolve(path.dirname(file), match[1].replace(/\.js$/, '.ts')))
    graph.set(file, imports)
  }

  return graph
}

/** The import circles of `graph`, each as the modules on it (relative to src/). */
function circles(graph: Map<string, string[]>): string[] {
  const found = new Set<string>()
  const done = new Set<string>()
  const visit = (module: string, stack: string[]) => {
    for (const next of graph.get(module) ?? []) {
      const at = stack.indexOf(next)
      if (at !== -1) found.add([...stack.slice(at), next].map((file) => path.relative(SRC, file)).join(' -> '))
      else if (!done.has(next)) visit(next, [...stack, next])
    }

    done.add(module)
  }

  for (const module of graph.keys()) if (!done.has(module)) visit(module, [module])
  return [...found]
}

describe('the module graph', () => {
  it('has no import circle', () => {
    const graph = importGraph()
    expect(graph.size).to.be.greaterThan(100)
    expect(circles(graph)).to.deep.equal([])
  })

  it('src/python/ (Python\'s behaviour, the evaluator) imports nothing of this tool\'s domain', () => {
    const python = path.join(SRC, 'python')
    const shared = new Set([path.join(SRC, 'collections.ts')])
    const outside = [...importGraph()].filter(([module]) => module.startsWith(`${python}${path.sep}`))
      .flatMap(([module, imports]) => imports.filter((file) => !file.startsWith(`${python}${path.sep}`) && !shared.has(file))
        .map((file) => `${path.relative(SRC, module)} -> ${path.relative(SRC, file)}`))
    expect(outside).to.deep.equal([])
  })

  it('finds a circle where there is one (the check itself)', () => {
    const a = path.join(SRC, 'a.ts')
    const b = path.join(SRC, 'b.ts')
    expect(circles(new Map([[a, [b]], [b, [a]]]))).to.deep.equal(['a.ts -> b.ts -> a.ts'])
  })
})
