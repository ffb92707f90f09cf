/**
 * The static Python reader on the idioms real Kedro projects use to build pipelines, checked against what Python and
 * Kedro do: a value where Python computes one, the exception where Python raises, "estimated" with a reason where
 * this tool cannot follow. Ground truth from real runs is in test/oracle.test.ts; these pin each idiom down.
 */
import {expect} from 'chai'

import {readPipelines} from '../src/statistics/pipelines.js'
import {EvaluationGuard, parsePython, type PyValue, runBody, type Scope} from '../src/python/evaluator.js'
import {makeProject, removeTempDirs} from './helpers/sandbox.js'
import {kedro} from '../src/releases/releases.js'

/** Runs `source` as a module (no imports) and returns what `result` is bound to, or how the module stopped. */
function run(source: string): PyValue {
  const scope: Scope = new Map()
  const completion = runBody(parsePython(source).topNode, {guard: new EvaluationGuard(), scope, source})
  if (completion?.kind === 'return') return completion.value
  return scope.get('result') ?? {kind: 'unknown', reason: 'result is not bound'}
}

/** A plain JavaScript view of a value: strings, numbers, arrays, objects; `raises:`/`unknown:` strings otherwise. */
function plain(value: PyValue): unknown {
  switch (value.kind) {
    case 'str':
    case 'number':
    case 'bool': { return value.value }
    case 'none': { return null }
    case 'list': { return value.items.map((item) => plain(item)) }
    case 'dict': { return Object.fromEntries(value.entries.map(([key, item]) => [String(plain(key)), plain(item)])) }
    case 'raises': { return `raises: ${value.error}` }
    case 'unknown': { return `unknown: ${value.reason}` }
    case 'pipeline': { return `pipeline of ${value.nodes.size}` }
    default: { return value.kind }
  }
}

const evaluate = (source: string) => plain(run(source))

describe('the static Python reader', () => {
  after(removeTempDirs)

  describe('expressions, as Python evaluates them', () => {
    it('f-strings, escapes, continued strings and numbers', () => {
      expect(evaluate('kind = "boost"\nresult = f"params:{kind}.alpha"')).to.equal('params:boost.alpha')
      expect(evaluate('n = 3\nresult = f"{{literal}} {n!s} " rf"\\d{n}"')).to.equal('{literal} 3 \\d3')
      expect(evaluate('result = "tab\\there" \'\\x41\\u00e9\\101\'')).to.equal('tab\there' + 'Aé' + 'A')
      expect(evaluate('result = [1_000, 0x10, 0o17, -2]')).to.deep.equal([1000, 16, 15, -2])
      // What is not reproduced is said, never guessed: a float's repr, a format spec.
      expect(evaluate('x = 1.0\nresult = f"{x}"')).to.match(/^unknown: an f-string shows a float/)
      expect(evaluate('x = 1\nresult = f"{x:>3}"')).to.match(/^unknown: an f-string with a conversion or format spec/)
      expect(evaluate('result = b"bytes"')).to.match(/^unknown: a bytes or unusual literal/)
    })

    it('comprehensions with conditions and tuple targets, dict splats, conditional expressions', () => {
      expect(evaluate('KINDS = ("a", "b", "c")\nresult = {f"train_{k}": k for k in KINDS if k != "b"}')).to.deep.equal({train_a: 'a', train_c: 'c'})
      expect(evaluate('d = {"x": 1, "y": 2}\nresult = [f"{k}={v}" for k, v in d.items()]')).to.deep.equal(['x=1', 'y=2'])
      expect(evaluate('result = [a + b for a in ["p", "q"] for b in ["1", "2"]]')).to.deep.equal(['p1', 'p2', 'q1', 'q2'])
      expect(evaluate('base = {"a": 1}\nresult = {**base, "b": 2, "a": 3}')).to.deep.equal({a: 3, b: 2})
      expect(evaluate('flag = ""\nresult = "on" if flag else "off"')).to.equal('off')
      expect(evaluate('result = [*["a"], *("b", "c")]')).to.deep.equal(['a', 'b', 'c'])
      expect(evaluate('items = ["a", "b"]\nresult = "a" in items and "z" not in items')).to.equal(true)
    })

    it('subscripts: a missing key raises KeyError, as Python does; an unknown container is unknown', () => {
      expect(evaluate('d = {"intake": 1}\nresult = d["intake"]')).to.equal(1)
      expect(evaluate('d = {"intake": 1}\nresult = d["triage"]')).to.equal("raises: KeyError: 'triage'")
      expect(evaluate('items = ["a", "b"]\nresult = items[-1]')).to.equal('b')
      expect(evaluate('items = ["a"]\nresult = items[3]')).to.equal('raises: IndexError: list index out of range')
      expect(evaluate('result = mystery["x"]')).to.match(/^unknown: the name mystery is not bound/)
    })

    it('range() over ints, as Python counts it; a zero step raises; other values are not followed', () => {
      expect(plain(run('result = [f"step_{i}" for i in range(3)]'))).to.deep.equal(['step_0', 'step_1', 'step_2'])
      expect(plain(run('result = list(range(5, 0, -2)) + list(range(2, 2))'))).to.deep.equal([5, 3, 1])
      expect(plain(run('result = len(range(1, 10, 3))'))).to.equal(3)
      expect(plain(run('result = [i * 2 for i in range(3)] + ["ab" * 2] + [1, "x"] * 2 + 3 * ["y"]'))).to.deep.equal([0, 2, 4, 'abab', 1, 'x', 1, 'x', 'y', 'y', 'y'])
      expect(plain(run('result = range(1, 2, 0)'))).to.equal('raises: ValueError: range() arg 3 must not be zero')
      expect(plain(run('result = range(1.5)'))).to.match(/^unknown: /)
    })

    it('sum() with and without start, functools.reduce and operator.add, list and dict methods', () => {
      expect(evaluate('result = sum([1, 2, 3], start=10)')).to.equal(16)
      expect(evaluate('result = sum({}.values())')).to.equal(0)
      expect(evaluate('result = sum(["a"])')).to.equal("raises: TypeError: unsupported operand type(s) for +: 'int' and 'str'")
      expect(evaluate('d = {"a": 1}\nd.update({"b": 2}, c=3)\nresult = d.get("b"), d.get("z", 0), d.pop("a")')).to.deep.equal([2, 0, 1])
      expect(evaluate('items = []\nitems.append("x")\nitems.extend(("y", "z"))\nitems += ["w"]\nresult = items')).to.deep.equal(['x', 'y', 'z', 'w'])
      expect(evaluate('result = len({"a": 1}) + len("xyz")')).to.equal(4)
    })
  })

  describe('functions and statements', () => {
    it('binds parameters as Python does: defaults, keywords, *args and **kwargs', () => {
      expect(evaluate('def f(kind="linear", *rest, sep=":", **extra):\n    return [kind, rest, sep, extra]\nresult = f("a", "b", x=1)')).to.deep.equal(['a', ['b'], ':', {x: 1}])
      expect(evaluate('def f(a, b):\n    return a\nresult = f(b=2, a=1)')).to.equal(1)
      expect(evaluate('def f(a):\n    return a\nresult = f()')).to.equal("raises: TypeError: f() missing 1 required argument: 'a'")
      expect(evaluate('def f(a):\n    return a\nresult = f(1, 2)')).to.equal('raises: TypeError: f() takes 1 positional argument but 2 were given')
      expect(evaluate('def f(a):\n    return a\nresult = f(1, z=2)')).to.equal("raises: TypeError: f() got an unexpected keyword argument 'z'")
      // A default is evaluated once, where the function is defined; a global is read when the function runs.
      expect(evaluate('x = "early"\ndef f(a=x):\n    return [a, y]\ny = "late"\nresult = f()')).to.deep.equal(['early', 'late'])
      expect(evaluate('double = lambda v: v + v\nresult = double("ab")')).to.equal('abab')
    })

    it('runs for loops, if/elif/else on known conditions, break and continue', () => {
      const source = [
        'result = []',
        'for name in ["a", "skip", "b", "stop", "c"]:',
        '    if name == "skip":',
        '        continue',
        '    elif name == "stop":',
        '        break',
        '    else:',
        '        result.append(name)',
      ].join('\n')
      expect(evaluate(source)).to.deep.equal(['a', 'b'])
      expect(evaluate('def f(x):\n    if x:\n        return "yes"\n    return "no"\nresult = [f(1), f(0)]')).to.deep.equal(['yes', 'no'])
      expect(evaluate('a, (b, c) = "x", ["y", "z"]\nresult = a + b + c')).to.equal('xyz')
    })

    it('raise raises; what it cannot follow (a while loop, an unknown condition, recursion) is unknown with the reason', () => {
      expect(evaluate('def f():\n    raise ValueError("no")\nresult = f()')).to.equal('raises: raise ValueError("no")')
      expect(evaluate('while True:\n    pass')).to.match(/^unknown: a while statement/)
      expect(evaluate('import os\nif os.environ.get("X"):\n    result = 1')).to.match(/^unknown: an if statement on a condition not followed statically/)
      expect(evaluate('def f():\n    return f()\nresult = f()')).to.match(/^unknown: f\(\) calls itself/)
    })
  })

  describe('Kedro pipelines, as each Kedro release builds them', () => {
    /** A project whose registry is `registry` and whose pipelines/<name>/__init__.py are `packages`. */
    function project(registry: string, packages: Record<string, string>, extra: Record<string, string> = {}): string {
      const files: Record<string, string> = {'src/demo/__init__.py': '', 'src/demo/pipeline_registry.py': registry, ...extra}
      for (const [name, source] of Object.entries(packages)) files[`src/demo/pipelines/${name}/__init__.py`] = source
      return makeProject(files)
    }

    const FIND = 'from kedro.framework.project import find_pipelines\n\ndef register_pipelines():\n    pipelines = find_pipelines()\n    pipelines["__default__"] = sum(pipelines.values())\n    return pipelines\n'
    const read = (root: string, {kedroVersion = '1.5.0', ...options}: {kedroVersion?: string; pythonVersion?: string; requested?: string[]} = {}) => readPipelines({kedroRelease: kedro(kedroVersion), packageName: 'demo', projectRoot: root, ...options})

    it('a Kedro module the release does not have fails the import, from each release\'s own files (modular_pipeline, gone in 1.0)', () => {
      const root = project(FIND, {
        old: 'from kedro.pipeline import node\nfrom kedro.pipeline.modular_pipeline import pipeline\n\ndef create_pipeline(**kwargs):\n    return pipeline([node(f, "a", "b")])\n',
        kept: 'from kedro.pipeline import node, pipeline\n\ndef create_pipeline(**kwargs):\n    return pipeline([node(f, "b", "c")])\n',
      })
      expect(read(root, {kedroVersion: '0.19.14'})).to.include({numberOfNodes: 2, numberOfPipelines: 3})
      const current = read(root, {kedroVersion: '1.0.0'})
      expect(current).to.include({numberOfNodes: 1, numberOfPipelines: 2})
      expect(current.warnings.join(' ')).to.match(/ModuleNotFoundError: No module named 'kedro\.pipeline\.modular_pipeline'.*leaves pipelines\/old out/)
      // A release whose files are not stored is not said to lack it.
      expect(read(root, {kedroVersion: '1.7.0'})).to.include({numberOfNodes: 2})
    })

    it('a name a Kedro module serves through its __getattr__ imports (0.18.11 to 0.18.14\'s deprecated DataSetError), and not once it is gone', () => {
      const root = project(FIND, {p: 'from kedro.io import DataSetError\nfrom kedro.pipeline import node, pipeline\n\ndef create_pipeline(**kwargs):\n    return pipeline([node(len, "a", "b")])\n'})
      expect(read(root, {kedroVersion: '0.18.14'})).to.include({numberOfNodes: 1, registryFails: null})
      expect(read(root, {kedroVersion: '0.18.10'})).to.include({numberOfNodes: 1, registryFails: null})
      // find_pipelines() warns and leaves the package out.
      const gone = read(root, {kedroVersion: '0.19.0'})
      expect(gone).to.include({numberOfNodes: 0})
      expect(gone.warnings.join(' ')).to.match(/cannot import name 'DataSetError' from 'kedro\.io'/)
    })

    it('imports as Python reads them, whatever the spaces between the dots and names, comments and parentheses', () => {
      const root = project(FIND, {
        spaced: 'from kedro . pipeline import node, pipeline\nfrom . nodes import fit\n\ndef create_pipeline(**kwargs):\n    return pipeline([node(fit, "a", "b")])\n',
        wrapped: 'from kedro.pipeline import (  # the API\n    node,\n    pipeline as make,\n)\nimport operator . add\n\ndef create_pipeline(**kwargs):\n    return make([node(len, "b", "c")])\n',
      }, {'src/demo/pipelines/spaced/nodes.py': 'def fit(a):\n    return a\n'})
      const reading = read(root)
      expect(reading.estimated).to.deep.equal([])
      expect(reading.pipelines).to.deep.equal({__default__: 2, spaced: 1, wrapped: 1})
    })

    it('counts Node()/Pipeline() classes (Kedro 1.x), namespaced copies, pipeline() and subtraction', () => {
      const root = project(FIND, {
        copies: [
          'from kedro.pipeline import Node, Pipeline, pipeline',
          'from operator import add as fit, neg as score',
          'BASE = Pipeline([Node(fit, ["train", "params:alpha"], "model", name="fit"), Node(score, "model", "score", name="score")])',
          'def create_pipeline(**kwargs):',
          '    copies = [Pipeline(BASE, namespace=kind, inputs={"train"}) for kind in ("a", "b")]',
          '    extra = pipeline(BASE, namespace="c", inputs={"train": "train_c"}, parameters={"alpha": "c_alpha"})',
          '    return sum(copies) + extra - Pipeline(BASE, namespace="b", inputs={"train"})',
        ].join('\n'),
      })
      const reading = read(root)
      expect(reading.estimated).to.deep.equal([])
      expect(reading.pipelines).to.deep.equal({__default__: 4, copies: 4})
    })

    it('a bare * makes the parameters after it keyword-only; *args takes the extra positional arguments', () => {
      const source = (call: string) => project(FIND, {p: [
        'from kedro.pipeline import node, pipeline', 'f = len', '',
        'def make(source, *, target="b", name=None):', '    return node(f, source, target, name=name)', '',
        'def many(*sources, name):', '    return node(f, list(sources), "m", name=name)', '',
        `def create_pipeline(**kwargs):\n    return pipeline([${call}])`, '',
      ].join('\n')})
      expect(read(source('make("a", name="n1"), many("a", "b", name="n2")'))).to.include({numberOfNodes: 2, registryFails: null})
      expect(read(source('make("a", "c")')).registryFails).to.equal('TypeError: make() takes 1 positional argument but 2 were given')
    })

    it('what Node() and Pipeline() refuse, per release: a name or tag Kedro does not accept, a node reading its own output, a cycle, a transcoding mix', () => {
      const one = (nodes: string) => project(FIND, {p: `from kedro.pipeline import node, pipeline\nf = len\n\ndef create_pipeline(**kwargs):\n    return pipeline([${nodes}])\n`})
      const fails = (nodes: string, kedroVersion = '1.5.0') => read(one(nodes), {kedroVersion}).registryFails
      expect(fails('node(f, "a", "b", name="a b")')).to.equal("ValueError: 'a b' is not a valid node name. It must contain only letters, digits, hyphens, underscores and/or fullstops.")
      expect(fails('node(f, "a", "b", name="préparer.v2-x")')).to.equal(null)
      // Tags are checked from 0.19.0 on.
      expect(fails('node(f, "a", "b", tags="two words")')).to.match(/'two words' is not a valid node tag/)
      expect(fails('node(f, "a", "b", tags="two words")', '0.18.14')).to.equal(null)
      expect(fails('node(f, "a", "a")')).to.match(/A node cannot have the same inputs and outputs: a/)
      // 0.19.4 on compares them without their transcoding.
      expect(fails('node(f, "a@pandas", "a@spark")')).to.match(/same inputs and outputs: a/)
      expect(fails('node(f, "a@pandas", "a@spark")', '0.19.3')).to.equal(null)
      expect(fails('node(f, "a", ["b", "b"])')).to.match(/duplicate output/)
      expect(fails('node(f, "a", "b", name="n1"), node(f, "b", "a", name="n2")')).to.match(/^CircularDependencyError/)
      expect(fails('node(f, "a", "b@pandas", name="n1"), node(f, "b", "c", name="n2")')).to.match(/used with transcoding, but were referenced without the separator: b/)
      expect(read(one('node(f, "a", "b@pandas", name="n1"), node(f, "b@spark", "c", name="n2")'))).to.include({numberOfNodes: 2, registryFails: null})
      // pipeline() copies each node with its mapped names, and the copy is checked again (as the real 0.18.14, 0.19.14 and 1.5.0 do).
      const mapped = (mapping: string) => read(project(FIND, {p: `from kedro.pipeline import node, pipeline\nf = len\n\ndef create_pipeline(**kwargs):\n    return pipeline([node(f, "a", ["b", "c"])], ${mapping})\n`})).registryFails
      expect(mapped('inputs={"a": "b"}')).to.match(/A node cannot have the same inputs and outputs: b/)
      expect(mapped('outputs={"b": "x", "c": "x"}')).to.match(/duplicate output/)
      expect(mapped('inputs={"a": "z"}, namespace="ns"')).to.equal(null)
    })

    it('a node\'s function that nothing binds (Python\'s NameError to come) makes the figures estimated, with the line', () => {
      const source = (func: string) => `from kedro.pipeline import node, pipeline\nfrom .nodes import train\n\ndef create_pipeline(**kwargs):\n    return pipeline([node(${func}, "a", "b")])\n`
      const files = {'src/demo/pipelines/p/nodes.py': 'def train(x):\n    return x\n'}
      for (const func of ['train', 'func=train', 'len', 'lambda x: x']) {
        expect(read(project(FIND, {p: source(func)}, files)), func).to.deep.include({estimated: [], mayRaise: []})
      }

      const misspelt = read(project(FIND, {p: source('trian')}, files))
      expect(misspelt.estimated).to.deep.equal([
        "a node's func: src/demo/pipelines/p/__init__.py:5: the name trian is not bound by an assignment, import or def followed here: unless something binds it as the module runs, Python raises NameError and loading the pipelines fails",
      ])
      // If it holds, loading the registry raises: the event itself (statistics, or only "CLI command") is unsure too.
      expect(misspelt.mayRaise).to.deep.equal(misspelt.estimated)
    })

    it('each release\'s own signatures: pipeline(pipe=...) works up to 0.19, raises on 1.x; node(preview_fn=...) only from 1.2.0', () => {
      const pipe = 'from kedro.pipeline import node, pipeline\nBASE = pipeline([node(f, "a", "b", name="n")])\ndef create_pipeline(**kwargs):\n    return pipeline(pipe=BASE, namespace="c")\n'
      expect(read(project(FIND, {p: pipe}), {kedroVersion: '0.19.14'}).pipelines).to.deep.equal({__default__: 1, p: 1})
      // create_pipeline() raises, and find_pipelines() lets it through: loading the registry fails.
      expect(read(project(FIND, {p: pipe}), {kedroVersion: '1.5.0'}).registryFails).to.equal("TypeError: pipeline() got an unexpected keyword argument 'pipe'")
      const preview = 'from kedro.pipeline import node, pipeline\ndef create_pipeline(**kwargs):\n    return pipeline([node(f, "a", "b", name="n", preview_fn=show)])\n'
      expect(read(project(FIND, {p: preview}), {kedroVersion: '1.5.0'}).pipelines).to.deep.equal({__default__: 1, p: 1})
      expect(read(project(FIND, {p: preview}), {kedroVersion: '1.1.1'}).registryFails).to.equal("TypeError: node() got an unexpected keyword argument 'preview_fn'")
    })

    it('raises where Kedro raises: an output produced twice, a duplicate node name, a mapping of a dataset the pipeline lacks', () => {
      const twice = read(project(FIND, {p: 'from kedro.pipeline import node, pipeline\ndef create_pipeline(**kwargs):\n    return pipeline([node(f, "a", "x", name="one"), node(g, "b", "x", name="two")])\n'}))
      expect(twice.registryFails).to.match(/OutputNotUniqueError: Output\(s\) \["x"\] are returned by more than one nodes/)
      const names = read(project(FIND, {p: 'from kedro.pipeline import node, pipeline\ndef create_pipeline(**kwargs):\n    return pipeline([node(f, "a", "x", name="one"), node(g, "b", "y", name="one")])\n'}))
      expect(names.registryFails).to.match(/ValueError: Pipeline nodes must have unique names \(one appear more than once\)/)
      const mapping = read(project(FIND, {p: 'from kedro.pipeline import node, pipeline\ndef create_pipeline(**kwargs):\n    return pipeline([node(f, "a", "x")], inputs={"nope": "a2"})\n'}))
      expect(mapping.registryFails).to.match(/PipelineError: Failed to map datasets and\/or parameters onto the nodes provided: nope/)
      // `+` of the same node twice is one node: pipelines add as sets.
      const same = read(project(FIND, {p: 'from kedro.pipeline import node, pipeline\nP = pipeline([node(f, "a", "x", name="one")])\ndef create_pipeline(**kwargs):\n    return P + P\n'}))
      expect(same.pipelines).to.deep.equal({__default__: 1, p: 1})
    })

    it('Node is importable from kedro.pipeline only from Kedro 1.0: under 0.19 the package fails to import', () => {
      const root = project(FIND, {p: 'from kedro.pipeline import Node, Pipeline\ndef create_pipeline(**kwargs):\n    return Pipeline([Node(f, "a", "x", name="one")])\n'})
      expect(read(root, {kedroVersion: '1.0.0'}).pipelines).to.deep.equal({__default__: 1, p: 1})
      const old = read(root, {kedroVersion: '0.19.14'})
      expect(old.warnings.join(' ')).to.match(/ImportError: cannot import name 'Node' from 'kedro\.pipeline' \(Kedro 0\.19\.14\).*leaves pipelines\/p out/)
      expect(old.pipelines).to.deep.equal({__default__: 0})
    })

    it('find_pipelines(raise_errors=True): a package without create_pipeline raises from Kedro 1.3.0, is skipped before', () => {
      const registry = FIND.replace('find_pipelines()', 'find_pipelines(raise_errors=True)')
      const root = project(registry, {empty: '# no create_pipeline\n', p: 'from kedro.pipeline import node, pipeline\ndef create_pipeline(**kwargs):\n    return pipeline([node(f, "a", "x")])\n'})
      expect(read(root, {kedroVersion: '1.2.0'})).to.include({numberOfNodes: 1, registryFails: null})
      expect(read(root, {kedroVersion: '1.3.0'}).registryFails).to.equal('KeyError: "Pipeline \'empty\' not found"')
    })

    it('Kedro 1.5.0 imports only the requested pipelines: a broken one not asked for does not matter, a registry subscript may raise', () => {
      const packages = {
        broken: 'def create_pipeline(**kwargs:\n    pass\n',
        intake: 'from kedro.pipeline import node, pipeline\ndef create_pipeline(**kwargs):\n    return pipeline([node(f, "a", "x")])\n',
        triage: 'from kedro.pipeline import node, pipeline\ndef create_pipeline(**kwargs):\n    return pipeline([node(g, "x", "y")])\n',
      }
      const registry = FIND.replace('find_pipelines()', 'find_pipelines(raise_errors=True)')
      const root = project(registry, packages)
      expect(read(root, {kedroVersion: '1.5.0'}).registryFails).to.match(/An error occurred while importing the 'demo\.pipelines\.broken' module/)
      const filtered = read(root, {kedroVersion: '1.5.0', requested: ['intake']})
      expect(filtered).to.include({numberOfNodes: 1, numberOfPipelines: 2, registryFails: null})
      // Before 1.5.0 the same command imports every package.
      expect(read(root, {kedroVersion: '1.4.0', requested: ['intake']}).registryFails).to.match(/demo\.pipelines\.broken/)
      const subscript = project('from kedro.framework.project import find_pipelines\n\ndef register_pipelines():\n    found = find_pipelines()\n    return {**found, "__default__": found["intake"] + found["triage"]}\n', packages)
      expect(read(subscript, {kedroVersion: '1.5.0', requested: ['intake']}).registryFails).to.equal("KeyError: 'triage'")
      // Before, the broken package is left out with a warning and the subscripts find what they need.
      expect(read(subscript, {kedroVersion: '1.0.0'})).to.include({numberOfNodes: 2, numberOfPipelines: 3})
    })

    it('a `type` statement compiles from Python 3.12 only: the module fails on 3.11, and the answer is estimated when the version is unknown', () => {
      const root = project(FIND, {
        p: 'from kedro.pipeline import node, pipeline\nfrom .nodes import f\ndef create_pipeline(**kwargs):\n    return pipeline([node(f, "a", "x")])\n',
      }, {'src/demo/pipelines/p/nodes.py': 'type Celsius = float\n\ndef f(a):\n    return a\n'})
      const old = read(root, {pythonVersion: '3.11.2 (main, Apr 28 2025, 14:11:48) [GCC 12.2.0]'})
      expect(old.warnings.join(' ')).to.match(/nodes\.py has a syntax error \(invalid syntax \(a type statement needs Python 3\.12\), near line 1\)/)
      expect(old.numberOfNodes).to.equal(0)
      expect(read(root, {pythonVersion: '3.12.1'})).to.deep.include({estimated: [], numberOfNodes: 1})
      expect(read(root).estimated.join(' ')).to.match(/a type statement, which Python before 3\.12 refuses, and which Python runs kedro is not known/)
    })

    it('where reading stops, the estimate names the file and line', () => {
      const root = project(FIND, {
        p: 'from kedro.pipeline import node, pipeline\nfrom somewhere import build\n\ndef create_pipeline(**kwargs):\n    return pipeline([node(f, "a", "x")]) + build()\n',
      })
      const reading = read(root)
      expect(reading.numberOfNodes).to.equal(null)
      expect(reading.estimated.join(' ')).to.match(/src\/demo\/pipelines\/p\/__init__\.py:5: a call of build, which is not followed statically \(src\/demo\/pipelines\/p\/__init__\.py:5: the name build is not bound/)
    })

    it('kedro run needs its pipelines registered and not empty; a falsy __default__ is sent as null', () => {
      const root = project('from kedro.framework.project import find_pipelines\n\ndef register_pipelines():\n    return find_pipelines()\n', {
        p: 'from kedro.pipeline import node, pipeline\ndef create_pipeline(**kwargs):\n    return pipeline([node(f, "a", "x")])\n',
      })
      // find_pipelines() without <pkg>/pipeline.py gives an empty __default__: kedro run has nothing to run.
      expect(readPipelines({kedroRelease: kedro('1.5.0'), mustExist: true, packageName: 'demo', projectRoot: root})).to.include({numberOfNodes: 0, selectedNodes: 0})
      expect(readPipelines({kedroRelease: kedro('1.5.0'), mustExist: true, packageName: 'demo', projectRoot: root, requested: ['p', 'q']}).missing).to.deep.equal(['q'])
      const empty = project('def register_pipelines():\n    pipelines = {}\n    pipelines["__default__"] = sum(pipelines.values())\n    return pipelines\n', {})
      expect(read(empty)).to.deep.include({estimated: [], numberOfNodes: null, numberOfPipelines: 1})
    })
  })
})
