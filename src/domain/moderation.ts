/** A listing unpublished by staff stays offline until staff reinstate it. */
export type Moderation =
  | {
      unpublishedAt?: string | null
      reinstatedAt?: string | null
    }
  | null
  | undefined

export function isOnModerationHold(moderation: Moderation): boolean {
  if (!moderation?.unpublishedAt) return false
  if (!moderation.reinstatedAt) return true
  return new Date(moderation.reinstatedAt).getTime() < new Date(moderation.unpublishedAt).getTime()
}
