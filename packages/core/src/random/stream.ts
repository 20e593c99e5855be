/**
 * Seeded random streams. Every source of randomness in a run (network latency, faults, a node's
 * `random()`, the scheduler) draws from its own named substream of the run's seed, so adding a
 * draw in one concern never shifts the values another concern sees (seedloop's ADR-0009 idea).
 *
 * @module
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64'
import { uniformInt } from 'pure-rand/distribution/uniformInt'
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator'
import { murmurFinal, murmurStep } from '../hash/murmur.ts'

/** Mixes a run seed and a label into the 32-bit seed of an independent substream. */
export function substreamSeed(seed: number, label: string): number {
  // murmur3-style mixing of the seed's two 32-bit halves and the label's UTF-16 units: stable
  // across processes and platforms, and no dependency on string hashing of the engine.
  let h = 0x9e3779b9 ^ label.length
  const lo = seed >>> 0
  const hi = Math.floor(seed / 0x1_0000_0000) >>> 0
  h = mix(h, lo)
  h = mix(h, hi)
  for (let i = 0; i < label.length; i++) h = mix(h, label.charCodeAt(i))
  return finalMix(h) | 0
}

const mix = murmurStep
const finalMix = murmurFinal

/**
 * A deterministic random stream: a pure function of `(seed, label)`. Not cryptographic.
 *
 * @example
 * const net = new RandomStream(17, 'network')
 * const latency = net.int(1, 20)
 */
export class RandomStream {
  readonly #gen: RandomGenerator
  /** The run seed this stream was derived from. */
  readonly seed: number
  /** The concern this stream serves, e.g. `network`, `faults`, `node:agent`. */
  readonly label: string

  constructor(seed: number, label: string) {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`seed must be a safe integer, got ${String(seed)}`)
    }
    this.seed = seed
    this.label = label
    this.#gen = xoroshiro128plus(substreamSeed(seed, label))
  }

  /** A float in [0, 1), 53 bits of randomness. */
  random(): number {
    return uniformFloat64(this.#gen)
  }

  /** An integer in [from, to], both included. */
  int(from: number, to: number): number {
    return uniformInt(this.#gen, from, to)
  }

  /** True with probability `p`. Draws exactly once, whatever `p` is, so streams stay aligned. */
  chance(p: number): boolean {
    return this.random() < p
  }

  /** One element of a non-empty array, chosen uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0)
      throw new RangeError(`pick() from an empty list on stream ${this.label}`)
    return items[this.int(0, items.length - 1)] as T
  }

  /** Fills `bytes` with random bytes (used to seed `crypto.getRandomValues` inside a run). */
  fill(bytes: Uint8Array): Uint8Array {
    for (let i = 0; i < bytes.length; i += 4) {
      const w = this.#gen.next()
      for (let j = 0; j < 4 && i + j < bytes.length; j++) bytes[i + j] = (w >>> (8 * j)) & 0xff
    }
    return bytes
  }

  /** An independent child stream, e.g. one per node. */
  fork(label: string): RandomStream {
    return new RandomStream(this.seed, `${this.label}/${label}`)
  }
}
