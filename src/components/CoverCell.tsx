import type { DefaultServerCellComponentProps, Payload } from 'payload'
import { cache } from 'react'

import { storedId } from '@/domain/ids'
import type { Media } from '@/payload-types'

const WIDTH = 64
const HEIGHT = 48

type Cover = Pick<Media, 'alt' | 'thumbnailURL' | 'url' | 'sizes'>

/**
 * The covers a list page shows, read in one query: every cell of the page asks within the same render
 * pass, and the first ask waits a turn of the event loop for the others. Per request (React's cache).
 * Media are public (collections/Media.ts), so no user is needed to read them, and none is given.
 */
const coversOf = cache((payload: Payload) => {
  let waiting: Map<number, ((cover: Cover | null) => void)[]> | null = null
  const flush = async (asked: Map<number, ((cover: Cover | null) => void)[]>) => {
    const found = new Map<number, Cover>()
    try {
      const { docs } = await payload.find({
        collection: 'media',
        where: { id: { in: [...asked.keys()] } },
        depth: 0,
        limit: asked.size,
        pagination: false,
        overrideAccess: false,
      })
      for (const doc of docs) found.set(doc.id, doc)
    } finally {
      for (const [id, answers] of asked) for (const answer of answers) answer(found.get(id) ?? null)
    }
  }
  return (id: number) =>
    new Promise<Cover | null>((resolve) => {
      if (!waiting) {
        waiting = new Map()
        const asked = waiting
        setImmediate(() => {
          waiting = null
          void flush(asked).catch(() => undefined)
        })
      }
      waiting.set(id, [...(waiting.get(id) ?? []), resolve])
    })
})

const firstId = (photos: unknown): number | null => {
  return storedId(Array.isArray(photos) ? photos[0] : photos)
}

const box = {
  width: WIDTH,
  height: HEIGHT,
  borderRadius: 'var(--style-radius-s)',
  display: 'block',
  flexShrink: 0,
} as const

/**
 * A listing's cover (its first photo) in the list view: the media's `thumbnail` size, cropped to a
 * small 4:3 box; a neutral box of the same size when the listing has no photo yet, so rows line up.
 * Never a link: the title is the row's link (and selects the row in a relationship's list drawer).
 */
export async function CoverCell({ cellData, payload }: DefaultServerCellComponentProps) {
  const id = firstId(cellData)
  const cover = id === null ? null : await coversOf(payload)(id)
  const src = cover?.sizes?.thumbnail?.url ?? cover?.thumbnailURL ?? cover?.url
  if (!src) {
    return (
      <span
        aria-label="No photo"
        className="cover-cell cover-cell--none"
        role="img"
        style={{ ...box, background: 'var(--theme-elevation-100)' }}
      />
    )
  }
  return (
    // biome-ignore lint/performance/noImgElement: a thumbnail the media collection already sized; next/image would resize it again
    <img alt={cover?.alt ?? ''} className="cover-cell" height={HEIGHT} src={src} style={{ ...box, objectFit: 'cover' }} width={WIDTH} />
  )
}
