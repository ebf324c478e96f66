import sharp from 'sharp'

/**
 * Demo photos rendered locally from SVG (no network, no binary assets in the repo): a sky, hills, a
 * house and the place name, in colours derived from the seed so each listing looks different.
 */
function hue(seed: string): number {
  let h = 0
  for (const c of seed) h = (h * 31 + c.charCodeAt(0)) % 360
  return h
}

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`)

export async function demoPhoto(label: string, variant: number, width = 1600, height = 1067): Promise<Buffer> {
  const h = (hue(label) + variant * 47) % 360
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 1600 1067">
  <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
    <stop offset="0" stop-color="hsl(${h},70%,72%)"/><stop offset="1" stop-color="hsl(${(h + 40) % 360},60%,90%)"/>
  </linearGradient></defs>
  <rect width="1600" height="1067" fill="url(#sky)"/>
  <circle cx="${1250 - variant * 300}" cy="220" r="90" fill="hsl(${(h + 180) % 360},90%,85%)"/>
  <path d="M0 760 Q 400 ${560 + variant * 40} 800 720 T 1600 700 V 1067 H 0 Z" fill="hsl(${(h + 90) % 360},35%,45%)"/>
  <path d="M0 860 Q 500 760 1000 850 T 1600 820 V 1067 H 0 Z" fill="hsl(${(h + 100) % 360},40%,32%)"/>
  <g transform="translate(${560 + variant * 120},560)">
    <rect x="0" y="120" width="380" height="240" fill="hsl(${(h + 20) % 360},30%,92%)"/>
    <polygon points="-30,130 190,0 410,130" fill="hsl(${(h + 330) % 360},55%,38%)"/>
    <rect x="160" y="230" width="70" height="130" fill="hsl(${(h + 200) % 360},35%,30%)"/>
    <rect x="50" y="180" width="70" height="60" fill="hsl(${(h + 200) % 360},70%,80%)"/>
    <rect x="270" y="180" width="70" height="60" fill="hsl(${(h + 200) % 360},70%,80%)"/>
  </g>
  <text x="64" y="120" font-family="DejaVu Sans, Arial, sans-serif" font-size="72" font-weight="700" fill="rgba(0,0,0,0.55)">${escapeXml(label)}</text>
</svg>`
  return sharp(Buffer.from(svg)).jpeg({ quality: 82, mozjpeg: true }).toBuffer()
}
