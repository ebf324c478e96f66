/**
 * A small seeded PRNG (sfc32, seeded through splitmix32) so `--seed` reproduces the same data exactly.
 * Math.random cannot be seeded; this is fast enough for tens of millions of draws.
 */
export type Rng = ReturnType<typeof createRng>

function splitmix32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x9e3779b9) >>> 0
    let z = state
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    return (z ^ (z >>> 16)) >>> 0
  }
}

export function createRng(seed: number | string) {
  const numeric = typeof seed === 'number' ? seed : [...seed].reduce((h, ch) => Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0, 2166136261)
  const init = splitmix32(numeric)
  let a = init()
  let b = init()
  let c = init()
  let d = init()
  const nextUint = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0
    d = (d + 1) >>> 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) >>> 0
    c = ((c << 21) | (c >>> 11)) >>> 0
    c = (c + t) >>> 0
    return t
  }
  for (let i = 0; i < 12; i++) nextUint()

  const next = (): number => nextUint() / 4294967296
  const rng = {
    /** [0, 1) */
    next,
    uint: nextUint,
    /** Integer in [min, max], both included. */
    int: (min: number, max: number): number => min + Math.floor(next() * (max - min + 1)),
    chance: (p: number): boolean => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list')
      return items[Math.floor(next() * items.length)]!
    },
    /** One item, with probability proportional to weight(item). Linear; for small lists. */
    weighted: <T>(items: readonly T[], weight: (item: T) => number): T => {
      if (items.length === 0) throw new Error('weighted pick from an empty list')
      let total = 0
      for (const item of items) total += weight(item)
      let r = next() * total
      for (const item of items) {
        r -= weight(item)
        if (r < 0) return item
      }
      return items[items.length - 1]!
    },
    /** Standard normal (Box–Muller). */
    normal: (): number => {
      const u = 1 - next()
      const v = next()
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
    },
    /** Log-normal with the given median and spread (sigma of the log). */
    logNormal: (median: number, sigma: number): number => {
      const u = 1 - next()
      const v = next()
      return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v))
    },
    shuffle: <T>(items: T[]): T[] => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1))
        const tmp = items[i]!
        items[i] = items[j]!
        items[j] = tmp
      }
      return items
    },
    /** A choice table: draw(index) in O(1) amortised via a cumulative array and binary search. */
    table: (weights: ArrayLike<number>) => {
      const cumulative = new Float64Array(weights.length)
      let total = 0
      for (let i = 0; i < weights.length; i++) {
        total += weights[i]!
        cumulative[i] = total
      }
      return (): number => {
        const r = next() * total
        let lo = 0
        let hi = cumulative.length - 1
        while (lo < hi) {
          const mid = (lo + hi) >>> 1
          if (cumulative[mid]! > r) hi = mid
          else lo = mid + 1
        }
        return lo
      }
    },
  }
  return rng
}
