import sharp from 'sharp'

/** Real images made on the spot: a photo-like gradient with noise, in any size and format. */
export async function makeImage(
  width: number,
  height: number,
  format: 'jpeg' | 'png' | 'webp' | 'avif' = 'jpeg',
  { quality = 80, noise = true }: { quality?: number; noise?: boolean } = {},
): Promise<Buffer> {
  const canvas = noise
    ? await sharp({ create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
        .png()
        .toBuffer()
    : await sharp({ create: { width, height, channels: 3, background: { r: 230, g: 200, b: 150 } } })
        .png()
        .toBuffer()
  return sharp(canvas)
    .composite([
      {
        input: Buffer.from(
          `<svg width="${width}" height="${height}"><rect width="100%" height="50%" fill="steelblue" fill-opacity="0.6"/></svg>`,
        ),
      },
    ])
    .toFormat(format, { quality })
    .toBuffer()
}
