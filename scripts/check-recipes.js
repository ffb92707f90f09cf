// Runs every `npx --yes --package kedro-consent telemetry ...` recipe the README and docs/ show, against a packed tarball
// instead of the registry, in a fresh git copy of the example project with a clean HOME: what the docs tell users to
// run must work. A recipe may report a failed check (exit 1: an audit gate on a project that sends data); a usage
// error (exit 2) or a crash fails this script. Usage: node scripts/check-recipes.js TARBALL
import {execFileSync, spawnSync} from 'node:child_process'
import {cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const tarball = process.argv[2]
if (!tarball || !existsSync(tarball)) {
  console.error('usage: node scripts/check-recipes.js TARBALL (a file made by npm pack)')
  process.exit(2)
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const pages = ['README.md', ...readdirSync(path.join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => path.join('docs', name))]
const readme = pages.map((page) => readFileSync(path.join(root, page), 'utf8')).join('\n')
const PREFIX = 'npx --yes --package kedro-consent telemetry'
// A recipe ends where its command ends: a backtick, `)"` of an eval, a comment, a pipe or `;`/`&&`, or the line's end.
const recipes = [...new Set([...readme.matchAll(/npx --yes --package kedro-consent telemetry([^`\n|;&]*?)(?=`|\)"|\s*#|\s*[|;&]|$)/gm)].map((match) => `${PREFIX}${match[1]}`.trim()))]
if (recipes.length === 0) {
  console.error('no npx recipe found in README.md or docs/')
  process.exit(1)
}

const work = mkdtempSync(path.join(tmpdir(), 'kc-recipes-'))
let failed = 0
try {
  for (const recipe of recipes) {
    const project = path.join(work, `project-${recipes.indexOf(recipe)}`)
    cpSync(path.join(root, 'examples', 'spaceflights'), project, {recursive: true})
    const git = (...args) => execFileSync('git', args, {cwd: project, stdio: 'ignore'})
    git('init', '-q')
    git('-c', 'user.name=recipes', '-c', 'user.email=recipes@example.com', 'add', '-A')
    git('-c', 'user.name=recipes', '-c', 'user.email=recipes@example.com', 'commit', '-q', '-m', 'example')
    const home = path.join(work, `home-${recipes.indexOf(recipe)}`)
    const githubEnv = path.join(work, `github-env-${recipes.indexOf(recipe)}`)
    writeFileSync(githubEnv, '')
    const args = recipe.slice('npx '.length).split(/\s+/).map((token) => (token === 'kedro-consent' ? path.resolve(tarball) : token))
    const env = {GITHUB_ENV: githubEnv, HOME: home, PATH: process.env.PATH, XDG_CONFIG_HOME: path.join(home, '.config'), npm_config_cache: process.env.npm_config_cache ?? path.join(work, 'npm-cache')}
    const run = spawnSync('npx', args, {cwd: project, encoding: 'utf8', env, timeout: 300_000})
    const outputs = [...recipe.matchAll(/--output\s+(\S+)|--report\s+\w+=(\S+)/g)].map((match) => match[1] ?? match[2])
    const missing = outputs.filter((file) => !existsSync(path.join(project, file)))
    const ok = (run.status === 0 || run.status === 1) && missing.length === 0
    console.log(`${ok ? 'ok  ' : 'FAIL'} exit ${run.status} ${recipe}${missing.length > 0 ? ` (no ${missing.join(', ')})` : ''}`)
    if (!ok) {
      failed++
      console.log(run.stderr.split('\n').slice(-8).join('\n'))
    }
  }
} finally {
  rmSync(work, {force: true, recursive: true})
}

console.log(`${recipes.length - failed} of ${recipes.length} recipes of the docs work against ${path.basename(tarball)}`)
process.exit(failed > 0 ? 1 : 0)
