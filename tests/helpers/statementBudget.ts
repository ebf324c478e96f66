import { listStatements } from './sqlCounter'
import type { Stack } from './stack'

/**
 * Statement budgets for any suite: start the stack with `startStack({ countStatements: true })`, then
 *
 *   const statements = await statementsOf(stack, () => rest(stack, 'GET', '/api/…'), 200)
 *   withinBudget('GET /api/…', statements, 2)
 *
 * Everything the server sends to Postgres while the request runs is counted (BEGIN and COMMIT, locks,
 * the auth lookup, child rows, both Payload instances), on the wire by tests/helpers/sqlCounter.ts.
 * Warm what a running server has warm (run the request once first) when the budget is about the
 * steady state.
 */
export async function statementsOf(
  stack: Stack,
  request: () => Promise<{ status: number; body: unknown }>,
  status: number,
): Promise<string[]> {
  const counter = stack.sql
  if (!counter) throw new Error('statementsOf: start the stack with { countStatements: true }')
  counter.reset()
  const res = await request()
  const statements = counter.statements()
  // A GraphQL error answers 200 too: an answer with errors is not the request whose budget is counted.
  const failed = res.status !== status || (typeof res.body === 'object' && res.body !== null && 'errors' in res.body)
  expect({ status: res.status, body: failed ? res.body : 'as expected' }).toEqual({ status, body: 'as expected' })
  return statements
}

/** Fails, listing the statements, when a request ran more than its budget; prints them either way. */
export function withinBudget(what: string, statements: string[], budget: number): void {
  if (statements.length > budget) {
    throw new Error(`${what}: ${statements.length} SQL statements, budget ${budget}:\n${listStatements(statements)}`)
  }
  // Shown on success too, so a change that makes a request cheaper is visible in the run's output.
  console.log(`${what}: ${statements.length} SQL statements (budget ${budget})\n${listStatements(statements)}`)
}
