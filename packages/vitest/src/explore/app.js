// musil explorer: the page of `musil explore` and of the HTML report, inlined in both.
//
// Two modes. Live: the page talks to the local API of `musil explore` (the model runs in Node,
// the page only displays what it is told). Report: the failures are embedded in the page as
// JSON and the page steps through them, read-only, from file:// with no server.
//
// Safety: every value that comes from a model, a trace or a test is put in the page with
// textContent (or as the text of an SVG node), never parsed as HTML; a state holding a script tag
// shows as those characters.
;(() => {
  const SVG = 'http://www.w3.org/2000/svg'

  /** An element with attributes (`on*` are listeners) and children (strings become text). */
  function h(tag, attrs, ...children) {
    const e = document.createElement(tag)
    set(e, attrs, children)
    return e
  }

  /** The same for SVG. */
  function s(tag, attrs, ...children) {
    const e = document.createElementNS(SVG, tag)
    set(e, attrs, children)
    return e
  }

  function set(e, attrs, children) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue
      if (k.startsWith('on')) e.addEventListener(k.slice(2), v)
      else e.setAttribute(k, String(v))
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue
      e.append(
        typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c,
      )
    }
  }

  /** An SVG drawing of the given size, with an arrowhead marker `markerId` for its edges. */
  function drawing(cls, width, height, label, markerId, fill) {
    const marker = s(
      'marker',
      {
        id: markerId,
        viewBox: '0 0 10 10',
        refX: 10,
        refY: 5,
        markerWidth: 7,
        markerHeight: 7,
        orient: 'auto',
      },
      s('path', { d: 'M0,0 L10,5 L0,10 z', fill }),
    )
    return s(
      'svg',
      {
        class: cls,
        width,
        height,
        viewBox: `0 0 ${width} ${height}`,
        role: 'img',
        'aria-label': label,
      },
      s('defs', {}, marker),
    )
  }

  /** Replaces an element's children, leaving out the absent ones. */
  function fill(e, ...children) {
    e.replaceChildren()
    set(e, {}, children)
  }

  function cut(text, n) {
    return text.length > n ? `${text.slice(0, n - 1)}…` : text
  }

  /** Each invariant as a line, green when it holds, red when it does not. */
  function invariantList(invariants) {
    if (invariants.length === 0) return h('p', { class: 'status' }, 'no invariants')
    return h(
      'ul',
      { class: 'invariants' },
      invariants.map((v) =>
        h(
          'li',
          {
            class: v.holds ? 'ok' : 'bad',
            'data-invariant': v.name,
            'data-holds': String(v.holds),
          },
          `${v.holds ? '✓' : '✗'} ${v.name}`,
          v.error ? ` (threw: ${v.error})` : '',
        ),
      ),
    )
  }

  function changeList(changes) {
    if (changes.length === 0) return h('p', { class: 'status' }, '(no change)')
    return h(
      'ul',
      { class: 'changes mono' },
      changes.map((c) => h('li', {}, c)),
    )
  }

  // ---------------------------------------------------------------- neighbourhood graph

  const NODE_W = 170
  const NODE_H = 30
  const GAP = 20
  const COL = 300
  const MAX_NEXT = 30
  /** Left margin: room for the arcs from the current state back to a state on the path. */
  const LEFT = 60

  /**
   * The neighbourhood: the path's last states top to bottom on the left, the current state's
   * successors in a column on the right. Path edges are thick; a click on a successor takes it.
   */
  function drawGraph(graph, take) {
    const last = Math.max(...graph.nodes.map((n) => n.layer))
    const pos = new Map()
    let pathRows = 0
    let nextRows = 0
    let hidden = 0
    for (const n of graph.nodes) {
      if (n.layer < last) {
        pos.set(n.id, { x: LEFT, y: 10 + n.layer * (NODE_H + GAP) })
        pathRows = Math.max(pathRows, n.layer + 1)
      } else if (nextRows < MAX_NEXT) {
        pos.set(n.id, { x: LEFT + COL, y: 10 + nextRows * (NODE_H + GAP) })
        nextRows++
      } else hidden++
    }
    const rows = Math.max(pathRows, nextRows, 1)
    const width = LEFT + 10 + COL + NODE_W + 30
    const height = 20 + rows * (NODE_H + GAP) + (hidden > 0 ? 16 : 0)
    const root = drawing(
      'graph',
      width,
      height,
      'neighbourhood of the current state',
      'arrow',
      '#8c959f',
    )
    for (const e of graph.edges) {
      const a = pos.get(e.from)
      const b = pos.get(e.to)
      if (!a || !b) continue
      let d
      let lx
      let ly
      if (e.from === e.to) {
        // A self-loop on the right of the node.
        const x = a.x + NODE_W
        d = `M${x},${a.y + 8} C${x + 30},${a.y - 8} ${x + 30},${a.y + NODE_H + 8} ${x + 2},${a.y + NODE_H - 8}`
        lx = x + 28
        ly = a.y + NODE_H / 2 + 4
      } else if (b.x === a.x && b.y > a.y) {
        // Down the path.
        d = `M${a.x + NODE_W / 2},${a.y + NODE_H} L${b.x + NODE_W / 2},${b.y}`
        lx = a.x + NODE_W / 2 + 8
        ly = (a.y + NODE_H + b.y) / 2 + 4
      } else if (b.x > a.x) {
        // To a successor.
        const x1 = a.x + NODE_W
        const y1 = a.y + NODE_H / 2
        const x2 = b.x
        const y2 = b.y + NODE_H / 2
        const mx = (x1 + x2) / 2
        d = `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2 - 2},${y2}`
        lx = x2 - 96
        ly = y2 - 4
      } else {
        // Back to a state on the path: an arc on the left.
        const y1 = a.y + NODE_H / 2
        const y2 = b.y + NODE_H / 2
        d = `M${a.x},${y1} C${a.x - 40},${y1} ${b.x - 40},${y2} ${b.x - 2},${y2}`
        lx = 4
        ly = (y1 + y2) / 2
      }
      root.append(
        s(
          'g',
          {},
          s('path', { class: `edge${e.onPath ? ' path' : ''}`, d, 'marker-end': 'url(#arrow)' }),
          s('text', { class: 'label', x: lx, y: ly }, cut(e.label, 16)),
        ),
      )
    }
    const nextOf = new Map()
    for (const e of graph.edges)
      if (e.successor !== undefined && !nextOf.has(e.to)) nextOf.set(e.to, e.successor)
    for (const n of graph.nodes) {
      const p = pos.get(n.id)
      if (!p) continue
      const next = nextOf.get(n.id)
      const cls = [
        'node',
        n.onPath && 'path',
        n.current && 'current',
        n.bad && 'bad',
        next !== undefined && !n.onPath && 'next',
      ]
        .filter(Boolean)
        .join(' ')
      root.append(
        s(
          'g',
          {
            class: cls,
            'data-node': n.id,
            onclick: next !== undefined && !n.current ? () => take(next) : undefined,
          },
          s('title', {}, n.state),
          s('rect', { x: p.x, y: p.y, width: NODE_W, height: NODE_H, rx: 5 }),
          s('text', { x: p.x + 6, y: p.y + 19 }, cut(n.state, 24)),
        ),
      )
    }
    if (hidden > 0)
      root.append(
        s('text', { x: LEFT + COL, y: height - 6 }, `+${hidden} more successors (see the list)`),
      )
    return root
  }

  // ---------------------------------------------------------------- live mode

  async function api(method, url) {
    const r = await fetch(url, { method, headers: { accept: 'application/json' } })
    const body = await r.json()
    if (!r.ok) throw new Error(body.error || `${r.status} ${r.statusText}`)
    return body
  }

  /** The path the address names: `[0]` for none, `null` for an address that is not a path. */
  function pathFromHash() {
    if (location.hash === '' || location.hash === '#' || location.hash === '#/') return [0]
    const m = /^#\/?(\d+(?:\.\d+)*)$/.exec(location.hash)
    return m ? m[1].split('.').map(Number) : null
  }

  function live(root) {
    const ui = {
      title: h('h1', {}, 'musil explore'),
      back: h(
        'button',
        { id: 'back', title: 'back (Alt+←)', onclick: () => history.back() },
        '◀ back',
      ),
      forward: h(
        'button',
        { id: 'forward', title: 'forward (Alt+→)', onclick: () => history.forward() },
        'forward ▶',
      ),
      restart: h('button', { id: 'restart', onclick: () => go([0]) }, '⟲ initial state'),
      find: h(
        'button',
        { id: 'find', class: 'primary', onclick: () => find() },
        'Find a violation',
      ),
      cancel: h('button', { id: 'cancel', disabled: true, onclick: () => cancel() }, 'Cancel'),
      progress: h('span', { id: 'progress', class: 'progress status' }),
      where: h('span', { id: 'where', class: 'status' }),
      cex: h('div', { id: 'cex' }),
      state: h('div', { id: 'state', class: 'panel' }),
      invariants: h('div', { id: 'invariants', class: 'panel' }),
      actions: h('div', { id: 'actions', class: 'panel' }),
      graph: h('div', { id: 'graph', class: 'panel' }),
      trace: h('div', { id: 'trace', class: 'panel' }),
      error: h('div', { id: 'error', class: 'error' }),
    }
    root.className = 'explorer'
    root.append(
      h(
        'header',
        {},
        ui.title,
        h('div', { class: 'toolbar' }, ui.back, ui.forward, ui.restart),
        ui.where,
        h('div', { class: 'toolbar' }, ui.find, ui.cancel, ui.progress),
      ),
      ui.error,
      h(
        'div',
        { class: 'grid' },
        h('div', {}, ui.cex, ui.state, ui.invariants, ui.actions),
        h('div', {}, ui.graph, ui.trace),
      ),
    )

    let job = null
    let cex = null
    let current = null
    let clicked = 0
    let loading = 0

    function go(path) {
      clicked = performance.now()
      const hash = `#/${path.join('.')}`
      if (location.hash === hash) load()
      else location.hash = hash
    }

    /** Shows the state the address names; `note` says why the address was just corrected. */
    async function load(note) {
      const started = clicked || performance.now()
      clicked = 0
      const path = pathFromHash()
      if (path === null) {
        const bad = location.hash
        history.replaceState(null, '', '#/0')
        return load(
          `the address ${bad} names no path (numbers joined by dots: #/0.2.1); showing the initial state`,
        )
      }
      const mine = ++loading
      let view
      try {
        view = await api('GET', `/api/state?path=${path.join('.')}`)
      } catch (e) {
        ui.error.textContent = e.message
        return
      }
      if (mine !== loading) return
      if (view.problem) {
        history.replaceState(null, '', `#/${(view.valid.length > 0 ? view.valid : [0]).join('.')}`)
        load(`${view.problem}; showing the longest valid prefix`)
        return
      }
      // Kept until the next step: the note on an address just corrected.
      ui.error.textContent = note ?? ''
      current = view
      render(view)
      const ms = performance.now() - started
      root.dataset.stepMs = ms.toFixed(1)
      root.dataset.path = view.path.join('.')
    }

    function render(view) {
      ui.where.textContent = `depth ${view.path.length - 1} · ${view.successors.length} enabled`
      // State
      fill(
        ui.state,
        h(
          'h2',
          {},
          'State',
          view.deadlock && h('span', { class: 'badge bad', id: 'deadlock' }, 'deadlock'),
          view.terminal && h('span', { class: 'badge info', id: 'terminal' }, 'terminal'),
          view.invariants.some((v) => !v.holds) &&
            h('span', { class: 'badge bad', id: 'violated' }, 'invariant violated'),
        ),
        h(
          'table',
          { class: 'fields mono' },
          h(
            'tbody',
            {},
            view.fields.map((f) =>
              h('tr', {}, h('td', {}, f.key), h('td', { 'data-field': f.key }, f.value)),
            ),
          ),
        ),
        view.error && h('p', { class: 'error' }, view.error),
      )
      // Invariants
      fill(ui.invariants, h('h2', {}, 'Invariants'), invariantList(view.invariants))
      // Actions
      fill(
        ui.actions,
        h('h2', {}, `Enabled actions (${view.successors.length})`),
        view.successors.length === 0
          ? h(
              'p',
              { class: 'status' },
              view.terminal ? 'none: a terminal state' : 'none: a deadlock',
            )
          : h(
              'ul',
              { class: 'actions' },
              view.successors.map((n) =>
                h(
                  'li',
                  {},
                  h(
                    'button',
                    { 'data-action': n.label, onclick: () => go([...view.path, n.index]) },
                    n.label,
                  ),
                  ' ',
                  h('span', { class: 'target mono' }, `→ ${n.state}`),
                  n.violates.length > 0 &&
                    h('span', { class: 'badge bad' }, `breaks ${n.violates.join(', ')}`),
                  changeList(n.changes),
                ),
              ),
            ),
      )
      // Graph
      fill(
        ui.graph,
        h('h2', {}, 'Neighbourhood'),
        drawGraph(view.graph, (i) => go([...view.path, i])),
      )
      // Trace
      fill(
        ui.trace,
        h('h2', {}, 'Path so far'),
        h(
          'ol',
          { class: 'steps mono', start: 0 },
          view.steps.map((st, i) =>
            h(
              'li',
              {
                class: i === view.steps.length - 1 ? 'current' : '',
                onclick: () => go(view.path.slice(0, i + 1)),
              },
              `${i}  ${st.label}  `,
              i === 0 ? st.state : st.changes.join(', ') || '(no change)',
            ),
          ),
        ),
        h('h3', { style: 'margin-top:.6rem' }, 'As a trace'),
        h('pre', { id: 'trace-text' }, view.trace),
      )
      renderCex(view)
    }

    /** The counterexample stepper, while the current path lies along the counterexample. */
    function renderCex(view) {
      if (!cex) return ui.cex.replaceChildren()
      const p = view.path
      const along = p.length <= cex.path.length && p.every((x, i) => x === cex.path[i])
      if (!along) {
        return ui.cex.replaceChildren(
          h(
            'div',
            { class: 'panel cex' },
            h('h2', {}, 'Counterexample'),
            h(
              'p',
              {},
              cex.headline,
              ' ',
              h(
                'button',
                { id: 'cex-back', onclick: () => go(cex.path.slice(0, 1)) },
                'back to it',
              ),
            ),
          ),
        )
      }
      const k = p.length - 1
      const n = cex.path.length - 1
      ui.cex.replaceChildren(
        h(
          'div',
          { class: 'panel cex' },
          h('h2', {}, 'Counterexample'),
          h('p', {}, cex.headline),
          h(
            'div',
            { class: 'stepper' },
            h(
              'button',
              { id: 'cex-first', disabled: k === 0, onclick: () => go(cex.path.slice(0, 1)) },
              '|◀',
            ),
            h(
              'button',
              { id: 'cex-prev', disabled: k === 0, onclick: () => go(cex.path.slice(0, k)) },
              '◀ prev',
            ),
            h('span', { id: 'cex-step' }, `step ${k} of ${n}`),
            h(
              'button',
              { id: 'cex-next', disabled: k === n, onclick: () => go(cex.path.slice(0, k + 2)) },
              'next ▶',
            ),
            h('button', { id: 'cex-last', disabled: k === n, onclick: () => go(cex.path) }, '▶|'),
          ),
        ),
      )
    }

    function showProgress(p, prefix) {
      if (!p) return
      ui.progress.textContent = `${prefix}${p.distinct.toLocaleString('en')} distinct states, ${p.generated.toLocaleString('en')} generated, depth ${p.depth}, ${(p.elapsedMs / 1000).toFixed(1)} s`
    }

    async function find() {
      if (job) return
      ui.find.disabled = true
      ui.cancel.disabled = false
      ui.progress.textContent = 'searching…'
      root.dataset.check = 'running'
      try {
        job = (await api('POST', '/api/check')).id
        for (;;) {
          await new Promise((r) => setTimeout(r, 200))
          const st = await api('GET', `/api/check?id=${job}`)
          if (st.status === 'running') {
            showProgress(st.progress, 'searching: ')
            continue
          }
          root.dataset.check = st.status
          if (st.status === 'cancelled') {
            ui.progress.textContent = 'cancelled'
            showProgress(st.progress, 'cancelled after ')
          } else if (st.status === 'failed') {
            ui.progress.textContent = `failed: ${st.message}`
          } else {
            const r = st.result
            const stats = `${r.stats.distinct.toLocaleString('en')} distinct states, depth ${r.stats.depth}`
            if (r.violation) {
              cex = {
                path: st.path,
                headline: `${r.violation.message} (shortest counterexample; ${stats})`,
              }
              ui.progress.textContent = `found: ${r.violation.message}`
              go(cex.path.slice(0, 1))
            } else {
              ui.progress.textContent = r.complete
                ? `no violation: ${stats}`
                : `no violation found, but the search stopped early: ${r.incomplete} (${stats})`
            }
          }
          break
        }
      } catch (e) {
        ui.progress.textContent = `failed: ${e.message}`
        root.dataset.check = 'failed'
      } finally {
        job = null
        ui.find.disabled = false
        ui.cancel.disabled = true
      }
    }

    async function cancel() {
      if (!job) return
      ui.cancel.disabled = true
      await api('POST', `/api/check/cancel?id=${job}`)
    }

    window.addEventListener('hashchange', () => load())
    window.addEventListener('keydown', (e) => {
      if (e.target instanceof HTMLInputElement) return
      if (e.altKey && e.key === 'ArrowLeft') history.back()
      if (e.altKey && e.key === 'ArrowRight') history.forward()
    })
    api('GET', '/api/model').then(
      (info) => {
        ui.title.textContent = `musil explore: ${info.name}`
        document.title = `musil explore: ${info.name}`
        load()
      },
      (e) => {
        ui.error.textContent = e.message
      },
    )
    return { current: () => current }
  }

  // ---------------------------------------------------------------- report mode

  /** A stepper over `count` positions: ⏮ ◀ label ▶ ⏭, and the arrow keys when focused. */
  function stepper(count, show, prefix) {
    let k = 0
    const label = h('span', { class: 'step-label' })
    const buttons = {
      first: h('button', { class: 'first', onclick: () => to(0) }, '|◀'),
      prev: h('button', { class: 'prev', onclick: () => to(k - 1) }, '◀ prev'),
      next: h('button', { class: 'next', onclick: () => to(k + 1) }, 'next ▶'),
      last: h('button', { class: 'last', onclick: () => to(count - 1) }, '▶|'),
    }
    const bar = h(
      'div',
      { class: 'stepper', tabindex: 0 },
      buttons.first,
      buttons.prev,
      label,
      buttons.next,
      buttons.last,
    )
    bar.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowLeft') to(k - 1)
      if (e.key === 'ArrowRight') to(k + 1)
    })
    function to(i) {
      k = Math.max(0, Math.min(count - 1, i))
      buttons.first.disabled = buttons.prev.disabled = k === 0
      buttons.next.disabled = buttons.last.disabled = k === count - 1
      label.textContent = `${prefix} ${k} of ${count - 1}`
      bar.dataset.step = String(k)
      show(k)
    }
    return { bar, to }
  }

  /** A model counterexample: one step at a time, with its state, changes and invariants. */
  function modelViewer(cex) {
    const box = h('div', { class: 'viewer model-viewer' })
    const detail = h('div', { class: 'grid-2' })
    const list = h('ol', { class: 'steps mono', start: 0 })
    const st = stepper(
      cex.steps.length,
      (k) => {
        const step = cex.steps[k]
        detail.replaceChildren(
          h(
            'div',
            { class: 'panel' },
            h('h3', {}, `Step ${k}: ${step.label}`),
            h('pre', { class: 'state' }, step.state),
            h('h3', { style: 'margin-top:.5rem' }, 'What it changed'),
            k === 0 ? h('p', { class: 'status' }, 'the initial state') : changeList(step.changes),
          ),
          h('div', { class: 'panel' }, h('h3', {}, 'Invariants'), invariantList(step.invariants)),
        )
        for (const [i, li] of [...list.querySelectorAll('li')].entries())
          li.classList.toggle('current', i === k)
      },
      'step',
    )
    cex.steps.forEach((step, i) => {
      list.append(
        h(
          'li',
          { onclick: () => st.to(i) },
          `${i}  ${step.label}  `,
          i === 0 ? step.state : step.changes.join(', ') || '(no change)',
        ),
      )
    })
    box.append(
      h('h3', {}, `Counterexample: ${cex.headline}`),
      st.bar,
      detail,
      h('div', { class: 'panel' }, h('h3', {}, 'All steps'), list),
    )
    st.to(0)
    return box
  }

  const SEQ_COL = 150
  const SEQ_ROW = 24
  const SEQ_TOP = 40
  const SEQ_LEFT = 70

  /** A simulation trace as a sequence diagram, one row per event, with a stepper and node states. */
  function simViewer(events) {
    const names = []
    const see = (n) => n !== undefined && !names.includes(n) && names.push(n)
    for (const e of events) {
      see(e.src)
      see(e.dst)
      see(e.node)
    }
    const x = (n) => SEQ_LEFT + names.indexOf(n) * SEQ_COL + SEQ_COL / 2
    const width = SEQ_LEFT + Math.max(1, names.length) * SEQ_COL + 10
    const height = SEQ_TOP + events.length * SEQ_ROW + 10
    const svg = drawing('sequence', width, height, 'sequence diagram', 'seq-arrow', '#57606a')
    const rows = []
    events.forEach((e, i) => {
      const y = SEQ_TOP + i * SEQ_ROW
      const g = s(
        'g',
        { class: 'row', 'data-event': i },
        s('rect', { class: 'hl', x: 0, y, width, height: SEQ_ROW }),
        s('title', {}, e.line),
      )
      g.append(s('text', { x: 4, y: y + 16 }, `t=${e.t}`))
      const mid = y + SEQ_ROW / 2
      if (e.src !== undefined && e.dst !== undefined) {
        const x1 = x(e.src)
        const x2 = x(e.dst)
        const self = x1 === x2
        const d = self
          ? `M${x1},${mid - 6} C${x1 + 40},${mid - 6} ${x1 + 40},${mid + 6} ${x1 + 2},${mid + 6}`
          : `M${x1},${mid} L${x2 + (x2 > x1 ? -2 : 2)},${mid}`
        g.append(
          s('path', {
            class: `msg ${e.kind}`,
            d,
            'marker-end': e.kind === 'drop' ? undefined : 'url(#seq-arrow)',
          }),
        )
        if (e.kind === 'drop') g.append(s('text', { x: x2 - 4, y: mid + 4, fill: '#cf222e' }, '×'))
        const lx = Math.min(x1, x2) + (self ? 44 : 6)
        g.append(
          s(
            'text',
            { x: lx, y: mid - 3 },
            cut(`${e.kind} ${e.payload ?? ''}`, Math.max(12, Math.floor(Math.abs(x2 - x1) / 7))),
          ),
        )
      } else if (e.node !== undefined) {
        const cx = x(e.node)
        g.append(
          s(
            'g',
            { class: 'note' },
            s('rect', { x: cx - 60, y: y + 3, width: 120, height: SEQ_ROW - 6, rx: 3 }),
            s(
              'text',
              { x: cx - 56, y: y + 16 },
              cut(`${e.kind}: ${e.line.replace(/^t=\S+\s+\S+\s+/, '')}`, 18),
            ),
          ),
        )
      } else {
        g.append(
          s('rect', {
            class: 'band',
            x: SEQ_LEFT,
            y: y + 4,
            width: width - SEQ_LEFT - 10,
            height: SEQ_ROW - 8,
          }),
          s('text', { x: SEQ_LEFT + 6, y: y + 16 }, cut(e.line, 80)),
        )
      }
      rows.push(g)
    })
    // Lifelines under the rows, heads on top.
    for (const n of names) {
      svg.append(s('line', { class: 'lifeline', x1: x(n), y1: 30, x2: x(n), y2: height - 4 }))
    }
    svg.append(...rows)
    for (const n of names) {
      svg.append(
        s(
          'g',
          { class: 'head' },
          s('rect', { x: x(n) - 55, y: 6, width: 110, height: 22, rx: 4 }),
          s('text', { x: x(n) - 50, y: 21 }, cut(n, 15)),
        ),
      )
    }
    const line = h('pre', { class: 'event-line' })
    const nodes = h('table', { class: 'nodes mono' })
    const st = stepper(
      events.length,
      (k) => {
        for (const [i, g] of rows.entries()) g.classList.toggle('current', i === k)
        line.textContent = events[k].line
        nodes.replaceChildren(
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', {}, 'node'),
              h('th', {}, 'status'),
              h('th', {}, 'in flight to it'),
              h('th', {}, 'last event'),
            ),
          ),
          h('tbody', {}, nodeStates(names, events, k)),
        )
        rows[k].scrollIntoView?.({ block: 'nearest' })
      },
      'event',
    )
    for (const [i, g] of rows.entries()) g.addEventListener('click', () => st.to(i))
    const box = h(
      'div',
      { class: 'viewer sim-viewer' },
      h('h3', {}, 'Sequence diagram'),
      st.bar,
      line,
      h('div', { class: 'panel' }, h('h3', {}, 'Node states after this event'), nodes),
      h('div', { class: 'panel', style: 'max-height:32rem;overflow:auto' }, svg),
    )
    if (events.length > 0) st.to(0)
    return box
  }

  /**
   * What each node is after event k, as far as the trace tells: up or crashed, the messages
   * sent to it and not yet delivered or dropped, and the last event it took part in.
   */
  function nodeStates(names, events, k) {
    const up = new Map(names.map((n) => [n, 'up']))
    const flight = new Map(names.map((n) => [n, new Set()]))
    const last = new Map()
    for (let i = 0; i <= k; i++) {
      const e = events[i]
      const msg = /msg #(\d+)/.exec(e.line)?.[1]
      if (e.kind === 'crash') up.set(e.node, 'crashed')
      if (e.kind === 'restart' || e.kind === 'start') up.set(e.node, 'up')
      if (e.kind === 'send' && msg !== undefined) flight.get(e.dst)?.add(msg)
      if ((e.kind === 'deliver' || e.kind === 'drop') && msg !== undefined)
        flight.get(e.dst)?.delete(msg)
      for (const n of [e.node, e.src, e.dst]) if (n !== undefined) last.set(n, e.line)
    }
    return names.map((n) =>
      h(
        'tr',
        { 'data-node': n },
        h('td', {}, n),
        h('td', { class: up.get(n) === 'up' ? '' : 'down' }, up.get(n)),
        h('td', {}, [...flight.get(n)].map((m) => `#${m}`).join(', ') || '—'),
        h('td', {}, last.get(n) ?? '—'),
      ),
    )
  }

  function report(data) {
    data.entries.forEach((entry, i) => {
      const section = document.getElementById(`failure-${i + 1}`)
      if (!section) return
      const at = section.querySelector('dl')
      const add = (viewer) => (at ? at.after(viewer) : section.append(viewer))
      if (entry.failure?.events?.length > 0) add(simViewer(entry.failure.events))
      if (entry.counterexample) add(modelViewer(entry.counterexample))
    })
    document.body.dataset.ready = 'true'
  }

  // ---------------------------------------------------------------- start

  const data = document.getElementById('musil-data')
  if (data) report(JSON.parse(data.textContent))
  else {
    live(document.getElementById('app'))
    document.body.dataset.ready = 'true'
  }
})()
