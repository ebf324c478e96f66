'use client'

/** The reason an action asks for (a cancellation, an unpublished listing, a hidden review), labelled with who reads it. */
export function ReasonField({
  id,
  label,
  value,
  onChange,
}: {
  id: string
  label: string
  value: string
  onChange: (value: string) => void
}) {
  return (
    <>
      <label htmlFor={id} style={{ display: 'block', marginBottom: 4 }}>
        {label}
      </label>
      <textarea
        id={id}
        value={value}
        rows={3}
        maxLength={1000}
        onChange={(e) => onChange(e.target.value)}
        style={{
          width: '100%',
          marginBottom: 12,
          font: 'inherit',
          padding: 8,
          border: '1px solid var(--theme-elevation-150)',
          borderRadius: 'var(--style-radius-s, 3px)',
          background: 'var(--theme-input-bg, var(--theme-elevation-0))',
          color: 'var(--theme-elevation-800)',
        }}
      />
    </>
  )
}
