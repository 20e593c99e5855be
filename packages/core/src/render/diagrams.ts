/**
 * Graphviz DOT and Mermaid pictures of a model's state graph or of one trace, with the
 * violating path drawn in red.
 *
 * @module
 */
import type { CheckResult, Step } from '../check/types.ts'
import { formatValue } from '../format/value.ts'
import { isModel, type Model } from '../model/model.ts'
import { checkOptions, keyList, type OptionKey } from '../options.ts'
import { type StateGraph, stateGraph, tracePath } from './state-graph.ts'
import { describeStep } from './trace.ts'

/** Options of {@link toDot} and {@link toMermaid} when given a model. */
export interface DiagramOptions<S> {
  /** Largest number of states to draw (default 100). */
  maxStates?: number
  /** A trace to mark, typically `check(m).violation.trace`. */
  highlight?: readonly Step<S>[]
  /** Renders a state for its node label (default: `formatValue`). */
  label?: (s: S) => string
}

/** The keys {@link DiagramOptions} may have: anything else is a typo `toDot`/`toMermaid` reject. */
export const DIAGRAM_OPTION_KEYS: readonly OptionKey<DiagramOptions<unknown>>[] = keyList<
  DiagramOptions<unknown>
>()(['maxStates', 'highlight', 'label'])

const BAD_COLOR = '#d62728'

/**
 * Graphviz DOT of a model's state graph (bounded by `maxStates`), or of a check result's
 * counterexample. Initial states are drawn bold, states violating an invariant or deadlocked
 * red, and the highlighted trace's edges red and thick.
 *
 * @example
 * writeFileSync('jugs.dot', toDot(model, { highlight: check(model).violation?.trace }))
 */
export function toDot<S>(
  subject: Model<S> | CheckResult<S>,
  options: DiagramOptions<S> = {},
): string {
  checkOptions(options, 'toDot()', DIAGRAM_OPTION_KEYS)
  const label = options.label ?? ((s: S) => formatValue(s))
  if (!isModel(subject)) return traceDot((subject as CheckResult<S>).violation?.trace ?? [], label)
  const graph = stateGraph(subject as Model<S>, options.maxStates ?? 100)
  const marked = markedEdges(subject as Model<S>, graph, options.highlight)
  const lines = [
    'digraph states {',
    '  rankdir=LR;',
    '  node [shape=box, fontname="monospace", fontsize=10];',
  ]
  for (const n of graph.nodes) {
    const attrs = [`label=${dotString(label(n.state))}`]
    if (n.initial) attrs.push('penwidth=2')
    if (n.violates.length > 0 || n.deadlock)
      attrs.push(`color="${BAD_COLOR}"`, `fontcolor="${BAD_COLOR}"`)
    if (n.violates.length > 0)
      attrs.push(`xlabel=${dotString(`violates ${n.violates.join(', ')}`)}`)
    else if (n.deadlock) attrs.push('xlabel="deadlock"')
    lines.push(`  s${n.id} [${attrs.join(', ')}];`)
  }
  graph.edges.forEach((e, i) => {
    const attrs = [`label=${dotString(e.label)}`]
    if (marked.has(i)) attrs.push(`color="${BAD_COLOR}"`, 'penwidth=2.5')
    lines.push(`  s${e.from} -> s${e.to} [${attrs.join(', ')}];`)
  })
  if (!graph.complete)
    lines.push(`  more [shape=plaintext, label="… cut at ${graph.nodes.length} states"];`)
  lines.push('}')
  return lines.join('\n')
}

/**
 * Mermaid flowchart of a model's state graph (bounded by `maxStates`), or of one trace
 * (each step's node shows what the step changed). Paste it into Markdown inside a
 * ```` ```mermaid ```` block.
 */
export function toMermaid<S>(
  subject: Model<S> | readonly Step<S>[],
  options: DiagramOptions<S> = {},
): string {
  checkOptions(options, 'toMermaid()', DIAGRAM_OPTION_KEYS)
  const label = options.label ?? ((s: S) => formatValue(s))
  if (!isModel(subject)) return traceMermaid(subject as readonly Step<S>[], label)
  const graph = stateGraph(subject as Model<S>, options.maxStates ?? 100)
  const marked = markedEdges(subject as Model<S>, graph, options.highlight)
  const lines = ['flowchart LR']
  for (const n of graph.nodes) {
    const text = mermaidString(label(n.state))
    lines.push(n.initial ? `  s${n.id}(["${text}"])` : `  s${n.id}["${text}"]`)
  }
  for (const e of graph.edges) lines.push(`  s${e.from} -->|"${mermaidString(e.label)}"| s${e.to}`)
  const bad = graph.nodes.filter((n) => n.violates.length > 0 || n.deadlock).map((n) => `s${n.id}`)
  if (bad.length > 0) {
    lines.push(`  classDef bad stroke:${BAD_COLOR},stroke-width:3px,color:${BAD_COLOR}`)
    lines.push(`  class ${bad.join(',')} bad`)
  }
  for (const i of marked) lines.push(`  linkStyle ${i} stroke:${BAD_COLOR},stroke-width:3px`)
  if (!graph.complete) lines.push(`  more["… cut at ${graph.nodes.length} states"]`)
  return lines.join('\n')
}

function markedEdges<S>(
  model: Model<S>,
  graph: StateGraph<S>,
  trace: readonly Step<S>[] | undefined,
): Set<number> {
  const marked = new Set<number>()
  if (!trace) return marked
  const path = tracePath(model, graph, trace)
  for (let k = 1; k < path.length; k++) {
    const label = trace[k]?.action
    const i = graph.edges.findIndex(
      (e) =>
        e.from === path[k - 1] && e.to === path[k] && (label === undefined || e.label === label),
    )
    const j = i >= 0 ? i : graph.edges.findIndex((e) => e.from === path[k - 1] && e.to === path[k])
    if (j >= 0) marked.add(j)
  }
  return marked
}

function traceDot<S>(trace: readonly Step<S>[], label: (s: S) => string): string {
  const lines = [
    'digraph trace {',
    '  rankdir=TB;',
    '  node [shape=box, fontname="monospace", fontsize=10];',
  ]
  trace.forEach((step, i) => {
    const last = i === trace.length - 1
    const color = last ? `, color="${BAD_COLOR}", fontcolor="${BAD_COLOR}"` : ''
    lines.push(
      `  s${i} [label=${dotString(label(step.state))}${i === 0 ? ', penwidth=2' : ''}${color}];`,
    )
    if (i > 0) lines.push(`  s${i - 1} -> s${i} [label=${dotString(step.action)}];`)
  })
  lines.push('}')
  return lines.join('\n')
}

function traceMermaid<S>(trace: readonly Step<S>[], label: (s: S) => string): string {
  const lines = ['flowchart TD']
  trace.forEach((step, i) => {
    const prev = trace[i - 1]
    const text = prev === undefined ? label(step.state) : describeStep(prev.state, step.state)
    lines.push(i === 0 ? `  s0(["${mermaidString(text)}"])` : `  s${i}["${mermaidString(text)}"]`)
    if (i > 0) lines.push(`  s${i - 1} -->|"${mermaidString(step.action)}"| s${i}`)
  })
  if (trace.length > 0) {
    lines.push(`  classDef bad stroke:${BAD_COLOR},stroke-width:3px,color:${BAD_COLOR}`)
    lines.push(`  class s${trace.length - 1} bad`)
  }
  return lines.join('\n')
}

function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`
}

/** Mermaid labels are quoted; quotes and angle brackets become HTML entities. */
function mermaidString(s: string): string {
  return s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')
}
