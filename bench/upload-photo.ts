/**
 * Upload latency for a ~5 MB listing photo (original + three WebP sizes made by sharp).
 *
 *   npm run quickstart                          # or any running Staybase with the demo seed
 *   npx tsx bench/upload-photo.ts [baseUrl] [runs]
 *
 * Logs in as the demo host, uploads the same generated photo `runs` times one after another, prints
 * p50/p95/max and the throughput, then deletes what it uploaded.
 */
import sharp from 'sharp'

import { DEMO_PASSWORD } from '../scripts/seed/demoUsers'

const base = process.argv[2] ?? 'http://localhost:3000'
const runs = Number(process.argv[3] ?? 10)

async function photoOfAbout5MB(): Promise<Buffer> {
  const width = 3000
  const height = 2000
  const noise = await sharp({
    create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } },
  })
    .png()
    .toBuffer()
  return sharp(noise).jpeg({ quality: 96 }).toBuffer()
}

const percentile = (sorted: number[], p: number): number => {
  const value = sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
  if (value === undefined) throw new Error('no timings to take a percentile of')
  return value
}

async function main(): Promise<void> {
  const login = await fetch(`${base}/api/users/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'maria.host@staybase.local', password: DEMO_PASSWORD }),
  })
  const { token } = (await login.json()) as { token: string }
  const photo = await photoOfAbout5MB()
  console.log(`photo: ${(photo.length / 1024 / 1024).toFixed(2)} MB, 3000×2000 JPEG; ${runs} sequential uploads to ${base}`)

  const times: number[] = []
  const ids: number[] = []
  for (let i = 0; i < runs; i++) {
    const form = new FormData()
    form.append('file', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), `bench-${i}.jpg`)
    form.append('_payload', JSON.stringify({ alt: `Benchmark photo ${i}` }))
    const started = performance.now()
    const res = await fetch(`${base}/api/media`, { method: 'POST', body: form, headers: { authorization: `JWT ${token}` } })
    const body = (await res.json()) as { doc?: { id: number } }
    times.push(performance.now() - started)
    if (res.status !== 201 || !body.doc) throw new Error(`upload ${i} failed with ${res.status}`)
    ids.push(body.doc.id)
  }
  for (const id of ids) await fetch(`${base}/api/media/${id}`, { method: 'DELETE', headers: { authorization: `JWT ${token}` } })

  const sorted = [...times].sort((a, b) => a - b)
  const total = times.reduce((a, b) => a + b, 0)
  console.log(
    `p50 ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms, ` +
      `${((photo.length * runs) / 1024 / 1024 / (total / 1000)).toFixed(1)} MB/s`,
  )
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
