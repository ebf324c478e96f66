import { parseSearch } from './searchParams'

const search = (params: Record<string, string>) => parseSearch((name) => params[name] ?? null)

describe('parseSearch: every refusal names its parameter', () => {
  it.each([
    [{ checkIn: '2027-02-30', checkOut: '2027-03-02' }, 'checkIn'],
    [{ checkIn: '2027-03-01', checkOut: 'soon' }, 'checkOut'],
    [{ checkIn: '2027-03-05', checkOut: '2027-03-01' }, 'checkOut'],
    [{ guests: '0' }, 'guests'],
    [{ radiusKm: '99999' }, 'radiusKm'],
    [{ lat: '46.5' }, 'lng'],
    [{ lng: '7.1' }, 'lat'],
    [{ amenities: 'wifi,teleporter' }, 'amenities'],
    [{ propertyType: 'castle-in-the-sky' }, 'propertyType'],
    [{ country: 'XX' }, 'country'],
    [{ currency: 'ABC' }, 'currency'],
    [{ sort: 'random' }, 'sort'],
    [{ sort: 'distance' }, 'sort'],
    [{ minPrice: '500', maxPrice: '100' }, 'maxPrice'],
  ])('%j → %s', (params, field) => {
    const parsed = search(params)
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.field).toBe(field)
  })

  it('good parameters pass', () => {
    expect(search({ checkIn: '2027-03-01', checkOut: '2027-03-04', guests: '2', sort: '-price' }).ok).toBe(true)
  })
})
