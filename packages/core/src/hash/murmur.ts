/**
 * murmur3's 32-bit mixing steps, shared by the state fingerprints, the random streams' seed
 * derivation and the timeline digest. Changing either function changes every pinned
 * fingerprint, stream and digest: they are part of musil's determinism contract.
 *
 * @module
 */

/** murmur3's block step: mixes the 32-bit word `w` into the running hash `h`. */
export function murmurStep(h: number, w: number): number {
  let k = Math.imul(w, 0xcc9e2d51)
  k = (k << 15) | (k >>> 17)
  h ^= Math.imul(k, 0x1b873593)
  h = (h << 13) | (h >>> 19)
  return (Math.imul(h, 5) + 0xe6546b64) | 0
}

/** murmur3's finaliser (fmix32): every input bit affects every output bit. */
export function murmurFinal(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}
