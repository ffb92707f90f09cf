/**
 * A small static evaluator for the Python that Kedro projects use to build pipelines, over @lezer/python syntax
 * trees: literals and f-strings, names bound by assignments and imports, subscripts, comprehensions and for loops
 * over known collections, if/else on known conditions, functions called with their parameters bound (defaults,
 * `*args`, `**kwargs`), `+` and `-`, `sum`, `functools.reduce` and `operator.add`, and what callers add (Kedro's
 * node() and pipeline()). Anything else evaluates to Unknown with the reason, so that callers can report the figure
 * as estimated instead of guessing; where Python itself raises (a missing key, a missing argument), the value says so.
 * Source is data: nothing here runs it. This module gathers the parts: the shared context (context.ts),
 * expressions (evaluation.ts), statements (statements.ts), operators and builtins
 * (operators.ts) and literals (literals.ts).
 */
export {childrenOf, EvaluationGuard, locator, type Scope} from './context.js'
export {evaluate} from './evaluation.js'
export {PYTHON_MODULES} from './operators.js'
export {importsOf, runBody, runStatement} from './statements.js'
export {analysePython, checkSyntax, parsePython, type PythonTree, type SyntaxCheck} from './syntax.js'
export {
  type ArgumentTexts, callWithoutArguments, type FunctionValue, functionValue, type KedroNode, type PyValue, raises, stops, unknown,
} from './values.js'
