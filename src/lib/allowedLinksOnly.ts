import { type RichTextAdapterProvider, ValidationError } from 'payload'

import { ALLOWED_LINK_PROTOCOLS, findDisallowedLink } from '@/domain/richTextLinks'

/**
 * Wraps the rich-text editor so every richText field (REST, GraphQL, the admin form, Local API) refuses
 * a document with a link whose scheme is not allowed, before the editor's own validation. The Lexical
 * link feature accepts any URL (`javascript:` included) and does not validate autolinks at all.
 *
 * Payload skips `validate` for drafts and autosave, so the same rule also runs as the editor's first
 * beforeValidate hook, which runs for every save: a draft with such a link is refused with a
 * ValidationError naming the field (400 VALIDATION_FAILED), and nothing is stored.
 */
export function allowedLinksOnly<T extends object>(provider: RichTextAdapterProvider<T>): RichTextAdapterProvider<T> {
  return async (args) => {
    const adapter = await provider(args)
    const validate = adapter.validate
    return {
      ...adapter,
      hooks: {
        ...adapter.hooks,
        beforeValidate: [
          ({ value, path, collection, global, req }) => {
            const message = disallowedLinkMessage(value)
            if (message) {
              throw new ValidationError({
                collection: collection?.slug,
                global: global?.slug,
                errors: [{ path: path.join('.'), message }],
                req,
              })
            }
            return value
          },
          ...(adapter.hooks?.beforeValidate ?? []),
        ],
      },
      validate: async (value, options) => disallowedLinkMessage(value) ?? validate(value, options),
    }
  }
}

function disallowedLinkMessage(value: unknown): string | undefined {
  const bad = findDisallowedLink(value)
  if (bad === null) return undefined
  const allowed = ALLOWED_LINK_PROTOCOLS.map((p) => p.replace(':', '')).join(', ')
  return `Links may use ${allowed} only; "${bad.slice(0, 100)}" is not allowed.`
}
