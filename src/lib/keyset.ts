/** A keyset page's position: the (timestamp, id) of its last row. */
export type Keyset = { at: string; id: number }

/**
 * The (timestamp, id) key after a keyset page's last row (`at`, `id`); a page that does not move past
 * the previous key would repeat forever.
 */
export function nextKey(what: string, previous: Keyset | null, last: Record<string, unknown>): Keyset {
  const key = { at: String(last.at), id: Number(last.id) }
  if (previous && previous.at === key.at && previous.id === key.id)
    throw new Error(`${what}: page did not advance past ${key.at} / ${key.id}`)
  return key
}
