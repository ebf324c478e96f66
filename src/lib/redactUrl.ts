/**
 * A request URL as the access log writes it: the secret of a calendar feed
 * (GET /api/properties/:id/calendar.ics?token=…) is a credential in the query string — whoever reads the
 * logs would read the listing's calendar — so every `token` parameter's value is replaced, whatever the path.
 */
export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]')
}
