// The explorer in a real browser: headless Chromium (Debian's `chromium`, driven by
// playwright-core) walks the Die Hard model through `musil explore` as a user would, finds the
// violation and follows it, reloads the link; measures a step on a model of 10^5 states; cancels
// a search; checks that markup in a model is shown as text; and steps through a simulation
// failure and a model counterexample in the HTML report opened from file://. Needs Chromium,
// so it runs only with MUSIL_BROWSER=1 (`npm run test:browser`). With MUSIL_SCREENSHOTS=<dir>
// (`npm run screenshots`) it also saves the guide's screenshots there.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { check, formatTrace, historyDiagramToSvg, NetworkModel, simulate } from '@musil/core'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dieHard } from '../../../examples/die-hard/die-hard.ts'
import { renderHtmlReport } from '../src/html-report.ts'
import { reportedCounterexample } from '../src/reported-counterexample.ts'
import { reportedFailure } from '../src/target.ts'
import { Receiver, Sender } from './targets/lossy-nodes.ts'

const enabled = process.env.MUSIL_BROWSER === '1'
const repo = fileURLToPath(new URL('../../../', import.meta.url))
const bin = join(repo, 'packages/vitest/src/bin.ts')
const models = join(repo, 'packages/vitest/test/targets/explore-models.ts')
const dieHardModule = join(repo, 'examples/die-hard/die-hard.ts')
const shots = process.env.MUSIL_SCREENSHOTS ? resolve(repo, process.env.MUSIL_SCREENSHOTS) : ''
/** Generous: a loaded 2-core machine starts Chromium and tsx slowly. */
const WAIT = 60_000

/** Debian's Chromium, or the one MUSIL_CHROMIUM names. */
function chromiumPath(): string {
  if (process.env.MUSIL_CHROMIUM) return process.env.MUSIL_CHROMIUM
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('which', [name], { encoding: 'utf8' }).trim()
    } catch {}
  }
  throw new Error('no Chromium found: apt-get install chromium, or set MUSIL_CHROMIUM')
}

const servers: ChildProcess[] = []

/** Starts `musil explore <target>` from the sources; resolves with the URL it prints. */
function serve(target: string): Promise<string> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@musil/source', bin, 'explore', target],
    { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  servers.push(child)
  return new Promise((done, fail) => {
    let out = ''
    const timer = setTimeout(() => fail(new Error(`musil explore printed no URL: ${out}`)), WAIT)
    const read = (chunk: Buffer): void => {
      out += chunk.toString()
      const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(out)?.[0]
      if (url) {
        clearTimeout(timer)
        done(url)
      }
    }
    child.stdout!.on('data', read)
    child.stderr!.on('data', read)
    child.on('exit', (code) => fail(new Error(`musil explore exited with ${code}: ${out}`)))
  })
}

let browser: Browser
let page: Page
let work = ''

/** The path the page shows, once it has rendered `expected`. */
async function at(expected: string): Promise<void> {
  await page.waitForSelector(`#app[data-path="${expected}"]`, { timeout: WAIT })
}

async function holds(name: string): Promise<string> {
  const el = await page.waitForSelector(`[data-invariant="${name}"]`, { timeout: WAIT })
  return (await el.getAttribute('data-holds'))!
}

/** Takes the action `label` and waits for the state it leads to; returns its path. */
async function take(label: string): Promise<string> {
  const before = await page.getAttribute('#app', 'data-path')
  const index = await page.$$eval(
    '#actions button[data-action]',
    (bs, l) => bs.findIndex((b) => b.getAttribute('data-action') === l),
    label,
  )
  expect(index, `${label} is not enabled at ${before}`).toBeGreaterThanOrEqual(0)
  await page.click(`#actions button[data-action="${label}"]`)
  const path = `${before}.${index}`
  await at(path)
  return path
}

async function screenshot(name: string): Promise<void> {
  if (!shots) return
  mkdirSync(shots, { recursive: true })
  await page.screenshot({ path: join(shots, name), fullPage: false })
  console.log(`screenshot: ${join(shots, name)}`)
}

describe.runIf(enabled)('the explorer in Chromium', () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'musil-browser-'))
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      // Root on a CI machine: Chromium's sandbox needs user namespaces it may not have.
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
      timeout: WAIT,
    })
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    page.setDefaultTimeout(WAIT)
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    for (const s of servers) s.kill()
    if (work) rmSync(work, { recursive: true, force: true })
  })

  it('walks Die Hard: actions, the invariant going red, back and forward, find the violation, follow it, reload', async () => {
    const url = await serve(`${dieHardModule}#dieHard`)
    await page.goto(url)
    await at('0')
    expect(await page.textContent('h1')).toBe('musil explore: die-hard')
    expect(await holds('bigNotFour')).toBe('true')
    // Every enabled action at the start, with what it changes.
    const labels = await page.$$eval('#actions button[data-action]', (bs) =>
      bs.map((b) => b.getAttribute('data-action')),
    )
    expect(labels).toEqual(['FillSmall', 'FillBig'])
    expect(await page.textContent('#actions')).toContain('big: 0 → 5')

    // The puzzle's solution, by hand: the invariant goes red on the last pour.
    const along: string[] = []
    for (const label of ['FillBig', 'BigToSmall', 'EmptySmall', 'BigToSmall', 'FillBig']) {
      along.push(await take(label))
      expect(await holds('bigNotFour')).toBe('true')
    }
    along.push(await take('BigToSmall'))
    expect(await holds('bigNotFour')).toBe('false')
    expect(await page.textContent('#state')).toContain('invariant violated')
    const expected = formatTrace(check(dieHard()).violation!.trace)
    expect(await page.textContent('#trace-text')).toBe(expected)

    // Back and forward through the browser history.
    await page.click('#back')
    await at(along[4]!)
    expect(await holds('bigNotFour')).toBe('true')
    await page.click('#forward')
    await at(along[5]!)
    expect(await holds('bigNotFour')).toBe('false')

    // The neighbourhood: the current state and the path to it are drawn and marked.
    expect(await page.$$eval('#graph .node.current', (n) => n.length)).toBe(1)
    expect(await page.$$eval('#graph .edge.path', (n) => n.length)).toBe(4)

    // Find the violation from the start: the check runs on a thread, then the stepper follows it.
    await page.click('#restart')
    await at('0')
    await page.click('#find')
    await page.waitForSelector('#app[data-check="done"]')
    await at('0')
    expect(await page.textContent('#cex-step')).toBe('step 0 of 6')
    expect(await page.textContent('#progress')).toContain('invariant bigNotFour is violated')
    for (const [i, path] of along.entries()) {
      await page.click('#cex-next')
      await at(path)
      expect(await page.textContent('#cex-step')).toBe(`step ${i + 1} of 6`)
    }
    expect(await holds('bigNotFour')).toBe('false')
    expect(await page.textContent('#trace-text')).toBe(expected)
    await screenshot('explorer.png')

    // The URL is the state: a reload (or a shared link) reopens it.
    expect(new URL(page.url()).hash).toBe(`#/${along[5]}`)
    await page.reload()
    await at(along[5]!)
    expect(await holds('bigNotFour')).toBe('false')
    const fresh = await browser.newPage()
    await fresh.goto(`${url}#/0.1`)
    await fresh.waitForSelector('#app[data-path="0.1"]', { timeout: WAIT })
    expect(await fresh.textContent('[data-field="big"]')).toBe('5')
    // A link to no state shows the longest prefix that names one, and says so.
    await fresh.goto(`${url}#/0.1.9`)
    await fresh.locator('#error', { hasText: /^step 2/ }).waitFor({ timeout: WAIT })
    expect(await fresh.textContent('#error')).toBe(
      'step 2 takes successor 9, but that state has 3; showing the longest valid prefix',
    )
    expect(await fresh.getAttribute('#app', 'data-path')).toBe('0.1')
    expect(new URL(fresh.url()).hash).toBe('#/0.1')
    // An address that is no path at all shows the initial state, and says so.
    await fresh.goto(`${url}#/0..1`)
    await fresh.locator('#error', { hasText: /^the address/ }).waitFor({ timeout: WAIT })
    expect(await fresh.textContent('#error')).toBe(
      'the address #/0..1 names no path (numbers joined by dots: #/0.2.1); showing the initial state',
    )
    expect(await fresh.getAttribute('#app', 'data-path')).toBe('0')
    await fresh.close()

    // A click on a successor in the drawing takes it.
    await page.goto(`${url}#/0`)
    await at('0')
    await page.click('#graph .node.next >> nth=1')
    await page.waitForSelector('#app[data-path^="0."]')
  }, 300_000)

  it('stays responsive on a model of 10^5 states, and "find a violation" covers it', async () => {
    const url = await serve(`${models}#counters`)
    await page.goto(url)
    await at('0')
    const times: number[] = []
    for (let i = 0; i < 30; i++) {
      await take(['IncA', 'IncB', 'IncC'][i % 3]!)
      times.push(Number(await page.getAttribute('#app', 'data-step-ms')))
    }
    const sorted = [...times].sort((a, b) => a - b)
    const median = sorted[sorted.length >> 1]!
    // Printed, not asserted: a timing bound would be flaky on a loaded machine.
    console.log(
      `explorer step on a model of 103,823 states (click to rendered, 30 steps): median ${median.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms, under 100 ms: ${times.filter((t) => t < 100).length}/30`,
    )
    expect(await page.textContent('[data-field="a"]')).toBe('10')
    await page.click('#find')
    await page.waitForSelector('#app[data-check="done"]', { timeout: 240_000 })
    expect(await page.textContent('#progress')).toBe(
      'no violation: 103,823 distinct states, depth 139',
    )
  }, 300_000)

  it('shows the progress of "find a violation" and cancels it', async () => {
    const url = await serve(`${models}#endless`)
    await page.goto(url)
    await at('0')
    await page.click('#find')
    expect(await page.getAttribute('#find', 'disabled')).not.toBeNull()
    await page
      .locator('#progress', { hasText: /^searching: [\d,]+ distinct states/ })
      .waitFor({ timeout: WAIT })
    const progress = await page.textContent('#progress')
    console.log(`progress shown before cancelling: ${progress}`)
    await page.click('#cancel')
    await page.waitForSelector('#app[data-check="cancelled"]')
    expect(await page.textContent('#progress')).toMatch(/^cancelled after [\d,]+ distinct states/)
    // The page and the server go on: another step, another search.
    await page.click('#find')
    await page.waitForSelector('#app[data-check="running"]')
    await page.click('#cancel')
    await page.waitForSelector('#app[data-check="cancelled"]')
  }, 300_000)

  it('shows markup in a model as text, never as markup', async () => {
    const url = await serve(`${models}#markup`)
    await page.goto(url)
    await at('0')
    expect(await page.textContent('h1')).toBe('musil explore: <b>markup</b>')
    expect(await page.textContent('[data-field="note"]')).toBe(
      '"<script>window.__pwned = 1</script>"',
    )
    expect(await page.$$('#app b, #app img, #app i, #app u, #app script')).toHaveLength(0)
    await page.click('#actions button >> nth=0')
    await at('0.0')
    expect(await page.textContent('[data-field="note"]')).toBe(
      '"<script>window.__pwned = 1</script><i>"',
    )
    expect(await page.textContent('#invariants')).toContain('<u>short</u>')
    expect(await page.evaluate('window.__pwned')).toBeUndefined()
    expect(await page.$$('#app img, #app script')).toHaveLength(0)
  }, 300_000)

  it('steps through a simulation failure and a model counterexample in the report, from file://', async () => {
    const sim = simulate(() => ({ tx: new Sender(12), rx: new Receiver() }), {
      seeds: [3],
      snapshot: (n) => ({ got: n.rx.got }),
      network: new NetworkModel({ loss: 0.5, minLatency: 1, maxLatency: 2 }),
      invariants: { fewerThanFour: (w) => w.got < 4 },
    })
    const model = dieHard()
    const v = check(model).violation!
    const file = join(work, 'report.html')
    const failure = reportedFailure(sim.failure!)
    writeFileSync(
      file,
      renderHtmlReport(
        [
          { test: 'lossy.test.ts > counts <script>x</script>', seed: 3, failure },
          {
            test: 'die-hard.test.ts > the big jug never holds 4 gallons',
            counterexample: reportedCounterexample(model, 'invariant bigNotFour violated', v.trace),
          },
        ],
        undefined,
        historyDiagramToSvg,
      ),
    )
    await page.goto(pathToFileURL(file).href)
    await page.waitForSelector('body[data-ready="true"]')
    const events = failure.events!
    const simBar = '#failure-1 .sim-viewer .stepper'
    expect(await page.textContent(`${simBar} .step-label`)).toBe(`event 0 of ${events.length - 1}`)
    for (let i = 1; i <= 6; i++) {
      await page.click(`${simBar} .next`)
      await page.waitForSelector(`#failure-1 g.row.current[data-event="${i}"]`)
      expect(await page.textContent('#failure-1 .event-line')).toBe(events[i]!.line)
    }
    // Event 6 sends message #1: the node table shows it in flight to rx.
    expect(events[6]!.line).toBe('t=6  send     tx -> rx  1  (msg #1)')
    expect(await page.$$eval('#failure-1 .nodes tbody tr', (r) => r.length)).toBe(2)
    expect(await page.textContent('#failure-1 .nodes tr[data-node="rx"]')).toBe(
      `rxup#1${events[6]!.line}`,
    )
    await page.$eval('#failure-1 h2', (e) => e.scrollIntoView())
    await screenshot('report-simulation.png')
    await page.click(`${simBar} .last`)
    await page.waitForSelector(`#failure-1 g.row.current[data-event="${events.length - 1}"]`)
    expect(await page.textContent('#failure-1 .event-line')).toBe(events.at(-1)!.line)
    expect(await page.textContent('#failure-1 h2')).toBe(
      'lossy.test.ts > counts <script>x</script>',
    )
    expect(await page.evaluate("document.querySelectorAll('script').length")).toBe(2)

    const modelBar = '#failure-2 .model-viewer .stepper'
    expect(await page.textContent(`${modelBar} .step-label`)).toBe('step 0 of 6')
    await page.click(`${modelBar} .last`)
    expect(await page.textContent(`${modelBar} .step-label`)).toBe('step 6 of 6')
    expect(await page.getAttribute('#failure-2 [data-invariant="bigNotFour"]', 'data-holds')).toBe(
      'false',
    )
    expect(await page.textContent('#failure-2 .model-viewer .changes')).toContain('big: 5 → 4')
  }, 300_000)
})
