/** Staybase's mark, a house with a door (32×32 SVG path), for the admin panel's icon, logo and tab. */
export const HOUSE_PATH = 'M4 14.5 16 4l12 10.5V28a1 1 0 0 1-1 1h-7v-8h-8v8H5a1 1 0 0 1-1-1z'

/** The browser tab's icon as a data URL: no file to serve, allowed by the CSP's img-src data:. */
export const FAVICON = `data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path d="${HOUSE_PATH}" fill="#1f6f5c"/></svg>`)}`
