import { HOUSE_PATH as HOUSE } from '@/lib/brand'

/**
 * Staybase's marks in the admin panel: the icon in the navigation (Payload's `graphics.Icon`) and the
 * logo on the login and account pages (`graphics.Logo`). A house with a door, drawn in the theme's text
 * colour so it works in the light and the dark theme.
 */

export function BrandIcon() {
  return (
    <svg width="26" height="26" viewBox="0 0 32 32" role="img" aria-label="Staybase">
      <path d={HOUSE} fill="currentColor" />
    </svg>
  )
}

export function BrandLogo() {
  return (
    <span style={{ display: 'inline-flex', alignItems: 'center', gap: 12, color: 'var(--theme-elevation-1000)' }}>
      <svg width="40" height="40" viewBox="0 0 32 32" aria-hidden>
        <path d={HOUSE} fill="currentColor" />
      </svg>
      <span style={{ fontSize: 30, fontWeight: 600, letterSpacing: '-0.02em' }}>Staybase</span>
    </span>
  )
}
