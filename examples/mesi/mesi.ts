/**
 * Cache coherence with MESI (Papamarcos and Patel, 1984): n private caches share one memory
 * line over a snooping bus. Each cache keeps the line in one of four states: Modified (the only
 * copy, dirty), Exclusive (the only copy, clean), Shared (one of several clean copies) or
 * Invalid. A processor's read or write that its cache cannot serve goes on the bus, and every
 * other cache snoops it in the same atomic step.
 *
 * Two invariants (Sorin, Hill and Wood's primer): single-writer/multiple-reader (a cache that
 * may write, in M or E, has the only copy) and the data-value invariant (every valid copy, and
 * memory when no cache holds the line dirty, has the value of the last write).
 */
import { action, defineModel, type Model } from '@musil/core'

/** The four MESI states. */
export type MesiState = 'M' | 'E' | 'S' | 'I'

/** One cache's copy of the line. */
export interface CacheLine {
  readonly state: MesiState
  /** The cached value (meaningless in I). */
  readonly data: number
}

/** The system: the caches, memory, and the value of the last write (a ghost the invariant reads). */
export interface Coherence {
  readonly caches: readonly CacheLine[]
  readonly memory: number
  readonly lastWrite: number
}

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

/** Single writer, multiple readers: a cache that may write (M or E) has the only valid copy. */
export function swmr(s: Coherence): boolean {
  const writers = s.caches.filter((c) => c.state === 'M' || c.state === 'E').length
  return writers === 0 || (writers === 1 && s.caches.filter(valid).length === 1)
}

/** Every read sees the last write: every valid copy holds it, and so does memory unless a cache holds the line in M. */
export function dataValue(s: Coherence): boolean {
  const cachesCurrent = s.caches.every((c) => !valid(c) || c.data === s.lastWrite)
  const dirty = s.caches.some((c) => c.state === 'M')
  return cachesCurrent && (dirty || s.memory === s.lastWrite)
}

/**
 * n caches running `protocol` over one line. The processors read, write and evict at will:
 * `read(i)` and `write(i)` are the processor of cache i issuing a load or a store that its cache
 * cannot serve alone (a hit changes nothing and is not a step), `evict(i)` drops the line.
 */
export function mesi(options: MesiOptions = {}): Model<Coherence> {
  const n = options.caches ?? 2
  const protocol = options.protocol ?? 'mesi'
  const values = options.values ?? 3
  const ids = Array.from({ length: n }, (_, i) => i)

  /** Every other cache snoops a bus read (BusRd): an owner supplies its data and keeps a shared copy. */
  const snoopRead = (s: Coherence, requester: number): Coherence => {
    let memory = s.memory
    const caches = s.caches.map((c, j): CacheLine => {
      if (j === requester || !valid(c)) return c
      if (c.state === 'M') {
        if (protocol !== 'no-writeback-on-share') memory = c.data // flush: write back and supply
        return { ...c, state: 'S' }
      }
      return { ...c, state: 'S' }
    })
    return { ...s, caches, memory }
  }

  /** Every other cache snoops a read-for-ownership (BusRdX) or an upgrade (BusUpgr): all copies go. */
  const snoopInvalidate = (s: Coherence, requester: number): Coherence => {
    let memory = s.memory
    const caches = s.caches.map((c, j): CacheLine => {
      if (j === requester || !valid(c)) return c
      if (c.state === 'M') {
        memory = c.data // the owner supplies the dirty line
        if (protocol === 'rdx-keeps-owner') return c
      }
      return { state: 'I', data: 0 } // an invalid copy's data is meaningless
    })
    return { ...s, caches, memory }
  }

  const setCache = (s: Coherence, i: number, line: CacheLine): Coherence => ({
    ...s,
    caches: s.caches.map((c, j) => (j === i ? line : c)),
  })

  return defineModel<Coherence>({
    name: `mesi(${n}, ${protocol})`,
    init: { caches: ids.map(() => ({ state: 'I', data: 0 })), memory: 0, lastWrite: 0 },
    actions: [
      // Read miss: BusRd; the line comes in Exclusive if no other cache has it, else Shared.
      action.each<Coherence, number>(
        'read',
        () => ids,
        (s, i) => s.caches[i]!.state === 'I',
        (s, i) => {
          const alone = s.caches.every((c, j) => j === i || !valid(c))
          const after = snoopRead(s, i)
          return setCache(after, i, { state: alone ? 'E' : 'S', data: after.memory })
        },
      ),
      // Write: a hit in M or E needs no bus; S upgrades (BusUpgr); I reads for ownership (BusRdX).
      action.each<Coherence, number>(
        'write',
        () => ids,
        () => true,
        (s, i) => {
          const v = (s.lastWrite + 1) % values
          const state = s.caches[i]!.state
          const after = state === 'M' || state === 'E' ? s : snoopInvalidate(s, i)
          return { ...setCache(after, i, { state: 'M', data: v }), lastWrite: v }
        },
      ),
      // Eviction: a dirty line is written back (PutM); a clean one is dropped silently.
      action.each<Coherence, number>(
        'evict',
        () => ids,
        (s, i) => valid(s.caches[i]!),
        (s, i) => {
          const c = s.caches[i]!
          const memory = c.state === 'M' ? c.data : s.memory
          return { ...setCache(s, i, { state: 'I', data: 0 }), memory }
        },
      ),
    ],
    invariants: { swmr, dataValue },
  })
}
