import type { RichTextAdapterProvider } from 'payload'

import { ALLOWED_LINK_PROTOCOLS, findDisallowedLink } from '../domain/richTextLinks'

/**
 * Wraps the rich-text editor so every richText field (REST, GraphQL, the admin form, Local API) refuses
 * a document with a link whose scheme is not allowed, before the editor's own validation. The Lexical
 * link feature accepts any URL (`javascript:` included) and does not validate autolinks at all.
 */
export function allowedLinksOnly<T extends object>(provider: RichTextAdapterProvider<T>): RichTextAdapterProvider<T> {
  return async (args) => {
    const adapter = await provider(args)
    const validate = adapter.validate
    return {
      ...adapter,
      validate: async (value, options) => {
        const bad = findDisallowedLink(value)
        if (bad !== null) {
          const allowed = ALLOWED_LINK_PROTOCOLS.map((p) => p.replace(':', '')).join(', ')
          return `Links may use ${allowed} only; "${bad.slice(0, 100)}" is not allowed.`
        }
        return validate(value, options)
      },
    }
  }
}
