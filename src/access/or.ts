import type { Where } from 'payload'

type Rule<A, R> = (args: A) => Promise<R> | R

/**
 * Any of the rules. `true` wins; `Where` results are OR-ed together so the combined rule still turns
 * into one SQL query; `false` results drop out. Boolean rules (field access) give a boolean rule.
 */
export function or<A, R extends boolean | Where>(...rules: Rule<A, R>[]): (args: A) => Promise<R> {
  return async (args: A) => {
    const wheres: Where[] = []
    for (const rule of rules) {
      const result = await rule(args)
      if (result === true) return result
      if (result && typeof result === 'object') wheres.push(result)
    }
    if (wheres.length === 0) return false as R
    return (wheres.length === 1 ? wheres[0] : { or: wheres }) as R
  }
}
