/**
 * Cache coherence with MESI (Papamarcos and Patel, 1984): n private caches share one memory
 * line over a snooping bus. Each cache keeps the line in one of four states: Modified (the only
 * copy, dirty), Exclusive (the only copy, clean), Shared (one of several clean copies) or
 * Invalid.
 *
 * The caches are the instances of one component, parameterised by id. What a cache does alone
 * (a store that hits in M or E, an eviction) is a local action. What needs the others is a bus
 * transaction: the bus is atomic, so a request (BusRd, BusRdX, BusUpgr) and every other cache's
 * snoop of it happen in one step, an action over the whole composed state that runs each
 * snooper's `snoop`.
 *
 * Two invariants (Sorin, Hill and Wood's primer): single-writer/multiple-reader (a cache that
 * may write, in M or E, has the only copy) and the data-value invariant (every valid copy, and
 * memory when no cache holds the line dirty, has the value of the last write).
 */
import { action, type Composed, component, compose, localAction, type Model } from '@musil/core'

/** The four MESI states. */
export type MesiState = 'M' | 'E' | 'S' | 'I'

/** One cache's copy of the line. */
export interface CacheLine {
  readonly state: MesiState
  /** The cached value (meaningless in I). */
  readonly data: number
}

/** What the caches share: memory, and the value of the last write (a ghost only the invariants read). */
export interface Memory {
  readonly memory: number
  readonly lastWrite: number
}

/** The system: `cache.c0`, `cache.c1`, …, memory and the last write. */
export type Coherence = Composed<Memory>

/** The bus transactions a cache snoops. */
export type BusRequest = 'BusRd' | 'BusRdX' | 'BusUpgr'

/**
 * The protocols of the chapter:
 * - `mesi`: the protocol as published;
 * - `rdx-keeps-owner`: a cache in M answers another cache's read-for-ownership with its data
 *   but forgets to invalidate itself;
 * - `no-writeback-on-share`: a cache in M that snoops a read goes to S without writing the
 *   dirty line back, so memory answers the reader with the old value.
 */
export type Protocol = 'mesi' | 'rdx-keeps-owner' | 'no-writeback-on-share'

/** Options of {@link mesi}. */
export interface MesiOptions {
  /** Number of caches (at least 1; default 2). */
  readonly caches?: number
  readonly protocol?: Protocol
  /** Writes store 1, 2, …, values - 1, 0, 1, … (default 3). */
  readonly values?: number
}

const valid = (c: CacheLine): boolean => c.state !== 'I'
const INVALID: CacheLine = { state: 'I', data: 0 } // an invalid copy's data is meaningless

/** Every cache's copy in `s`. */
export const linesOf = (s: Coherence): CacheLine[] =>
  Object.values(s.cache as Readonly<Record<string, CacheLine>>)

/** Single writer, multiple readers: a cache that may write (M or E) has the only valid copy. */
export function swmr(s: Coherence): boolean {
  const lines = linesOf(s)
  const writers = lines.filter((c) => c.state === 'M' || c.state === 'E').length
  return writers === 0 || (writers === 1 && lines.filter(valid).length === 1)
}

/** Every read sees the last write: every valid copy holds it, and so does memory unless a cache holds the line in M. */
export function dataValue(s: Coherence): boolean {
  const lines = linesOf(s)
  const cachesCurrent = lines.every((c) => !valid(c) || c.data === s.lastWrite)
  const dirty = lines.some((c) => c.state === 'M')
  return cachesCurrent && (dirty || s.memory === s.lastWrite)
}

/**
 * What a cache does when it snoops another cache's request: its next copy, and the dirty data it
 * puts on the bus (which memory takes) if it owned the line.
 */
export function snoop(
  protocol: Protocol,
  self: CacheLine,
  request: BusRequest,
): { next: CacheLine; flush?: number } {
  if (!valid(self)) return { next: self }
  if (request === 'BusRd') {
    // An owner supplies the line and keeps a shared copy; E gives up exclusivity.
    if (self.state !== 'M') return { next: { ...self, state: 'S' } }
    const next: CacheLine = { ...self, state: 'S' }
    return protocol === 'no-writeback-on-share' ? { next } : { next, flush: self.data }
  }
  // BusRdX and BusUpgr: every other copy goes; an owner supplies its dirty data first.
  if (self.state !== 'M') return { next: INVALID }
  if (protocol === 'rdx-keeps-owner') return { next: self, flush: self.data }
  return { next: INVALID, flush: self.data }
}

/**
 * n caches running `protocol` over one line. The processors read, write and evict at will; a
 * read or write its cache can serve alone changes nothing and is not a step. The steps:
 * `store(c)` (a write hit in M or E, no bus), `evict(c)` (a dirty line is written back),
 * `BusRd(c)` (a read miss), `BusRdX(c)` (a write miss) and `BusUpgr(c)` (a write hit in S).
 */
export function mesi(options: MesiOptions = {}): Model<Coherence> {
  const n = options.caches ?? 2
  const protocol = options.protocol ?? 'mesi'
  const values = options.values ?? 3
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`mesi: caches must be at least 1, got ${n}`)
  const ids = Array.from({ length: n }, (_, i) => `c${i}`)
  const nextValue = (s: Coherence): number => (s.lastWrite + 1) % values

  const cache = component<CacheLine, Memory>({
    name: 'cache',
    ids,
    init: INVALID,
    actions: [
      // A write that hits in M or E: E upgrades silently, since no other cache has a copy.
      localAction<CacheLine, Memory>(
        'store',
        (self) => self.state === 'M' || self.state === 'E',
        (_self, ctx) => {
          const v = nextValue(ctx.state)
          ctx.set('lastWrite', v)
          return { state: 'M', data: v }
        },
      ),
      // Eviction: a dirty line is written back (PutM); a clean one is dropped silently.
      localAction<CacheLine, Memory>(
        'evict',
        (self) => valid(self),
        (self, ctx) => {
          if (self.state === 'M') ctx.set('memory', self.data)
          return INVALID
        },
      ),
    ],
  })

  /** One atomic bus transaction: every other cache snoops `request`, then the requester's copy becomes `line(...)`. */
  const transaction = (
    request: BusRequest,
    issues: (self: CacheLine) => boolean,
    line: (s: Coherence, requester: string, alone: boolean) => CacheLine,
    writes: boolean,
  ) =>
    action.each<Coherence, string>(
      request,
      () => ids,
      (s, id) => issues(cache.of(s, id)),
      (s, id) => {
        let memory = s.memory
        const alone = ids.every((j) => j === id || !valid(cache.of(s, j)))
        const lines: Record<string, CacheLine> = {}
        for (const j of ids) {
          if (j === id) continue
          const { next, flush } = snoop(protocol, cache.of(s, j), request)
          lines[j] = next
          if (flush !== undefined) memory = flush
        }
        const mine = line({ ...s, memory }, id, alone)
        return {
          ...s,
          memory,
          cache: Object.fromEntries(ids.map((j) => [j, j === id ? mine : lines[j]])),
          lastWrite: writes ? mine.data : s.lastWrite,
        }
      },
    )

  return compose<Memory>({
    name: `mesi(${n}, ${protocol})`,
    components: [cache],
    shared: { memory: 0, lastWrite: 0 },
    actions: [
      // Read miss: the line comes in Exclusive if no other cache has it, else Shared.
      transaction(
        'BusRd',
        (self) => self.state === 'I',
        (s, _id, alone) => ({ state: alone ? 'E' : 'S', data: s.memory }),
        false,
      ),
      // Write miss: read for ownership, then write.
      transaction(
        'BusRdX',
        (self) => self.state === 'I',
        (s) => ({ state: 'M', data: nextValue(s) }),
        true,
      ),
      // Write hit in S: invalidate the other copies, then write.
      transaction(
        'BusUpgr',
        (self) => self.state === 'S',
        (s) => ({ state: 'M', data: nextValue(s) }),
        true,
      ),
    ],
    invariants: { swmr, dataValue },
  })
}
