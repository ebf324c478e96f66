'use client'

import { FieldDescription, FieldError, FieldLabel, fieldBaseClass, useField, useFormFields } from '@payloadcms/ui'
import type { NumberFieldClientComponent } from 'payload'
import { useEffect, useRef, useState } from 'react'

import { CURRENCIES, type Currency, isCurrency, parseMajorUnits, toMajorText } from '@/domain/money'

/**
 * A price as people write it: typed and shown in the currency's major unit ("160.00", "12000" for
 * yen) next to the currency's symbol, stored as integer minor units (16000). The currency is the
 * sibling `currency` field. Switching it keeps the amount as typed: 160.00 EUR becomes ¥160, not
 * ¥16,000. Text that is not an amount is left as typed with a message, and the stored value is
 * cleared, so saving fails on the field instead of storing a guess.
 */
export const MoneyInput: NumberFieldClientComponent = ({ field, path: pathFromProps, readOnly }) => {
  const { label, required, admin } = field
  const { path, value, setValue, showError, disabled } = useField<number | null>({ potentiallyStalePath: pathFromProps })
  const currencyPath = `${path.split('.').slice(0, -1).concat('currency').join('.')}`
  const siblingCurrency = useFormFields(([fields]) => fields[currencyPath]?.value)
  const currency: Currency = isCurrency(siblingCurrency) ? siblingCurrency : 'EUR'
  const [text, setText] = useState(() => (typeof value === 'number' ? toMajorText(value, currency) : ''))
  const [invalid, setInvalid] = useState(false)
  const shownCurrency = useRef(currency)
  // The last value this field stored itself: any other value came from outside (a reset, a version).
  const own = useRef<number | null | undefined>(value)
  const store = (minor: number | null) => {
    own.current = minor
    setValue(minor)
  }
  const fromOutside = () => value !== own.current

  // The currency changed: the same typed amount in the new currency — unless the amount changed from
  // outside at the same time (a reset or another version loaded), which is then shown as it is.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the currency moves, reading the text and value as they are then
  useEffect(() => {
    if (shownCurrency.current === currency) return
    shownCurrency.current = currency
    if (fromOutside() || text.trim() === '') return
    const minor = parseMajorUnits(text, currency)
    setInvalid(minor === null)
    store(minor)
    if (minor !== null) setText(toMajorText(minor, currency))
  }, [currency])

  // The value changed from outside: show it (an emptied value empties the field) and drop any message.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the stored value moves, reading the text as it is then
  useEffect(() => {
    if (!fromOutside()) return
    own.current = value
    setInvalid(false)
    setText(typeof value === 'number' ? toMajorText(value, currency) : '')
  }, [value])

  const onChange = (next: string) => {
    setText(next)
    if (next.trim() === '') {
      setInvalid(false)
      store(null)
      return
    }
    const minor = parseMajorUnits(next, currency)
    setInvalid(minor === null)
    store(minor)
  }

  const { minorUnits, symbol } = CURRENCIES[currency]
  const id = `field-${path.replace(/\./g, '__')}`
  return (
    <div className={[fieldBaseClass, 'number', showError && 'error', (readOnly || disabled) && 'read-only'].filter(Boolean).join(' ')}>
      <FieldLabel htmlFor={id} label={label} path={path} required={required} />
      <div className={`${fieldBaseClass}__wrap`} style={{ position: 'relative' }}>
        <FieldError path={path} showError={showError} />
        <span
          aria-hidden
          style={{
            position: 'absolute',
            left: 12,
            top: '50%',
            transform: 'translateY(-50%)',
            color: 'var(--theme-elevation-500)',
            pointerEvents: 'none',
          }}
        >
          {symbol.trim()}
        </span>
        <input
          id={id}
          name={path}
          type="text"
          inputMode="decimal"
          autoComplete="off"
          value={text}
          disabled={readOnly || disabled}
          placeholder={minorUnits > 0 ? `0.${'0'.repeat(minorUnits)}` : '0'}
          aria-invalid={invalid || undefined}
          aria-describedby={invalid ? `${id}-problem` : undefined}
          onChange={(e) => onChange(e.target.value)}
          onBlur={() => {
            const minor = text.trim() === '' ? null : parseMajorUnits(text, currency)
            if (minor !== null) setText(toMajorText(minor, currency))
          }}
          style={{ paddingLeft: `calc(20px + ${symbol.trim().length}ch)` }}
        />
      </div>
      {invalid && (
        <p id={`${id}-problem`} role="alert" style={{ color: 'var(--theme-error-500)', margin: '4px 0 0' }}>
          {`Write an amount in ${currency}, like ${toMajorText(160 * 10 ** minorUnits, currency)}.`}
        </p>
      )}
      <FieldDescription description={admin?.description} path={path} />
    </div>
  )
}
