export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** A small self-contained page for the links in account mail (no frontend needed to use them). */
export function htmlPage(title: string, bodyHtml: string, status = 200): Response {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} — Staybase</title>
<style>
body{font-family:system-ui,sans-serif;background:#f5f7fa;color:#1f2933;display:flex;justify-content:center;padding:48px 16px;margin:0}
main{background:#fff;border-radius:10px;box-shadow:0 1px 4px rgba(0,0,0,.08);padding:32px;max-width:420px;width:100%}
h1{font-size:22px;margin-top:0}label{display:block;margin:16px 0 6px;font-weight:600}
input{width:100%;box-sizing:border-box;padding:10px;border:1px solid #cbd2d9;border-radius:6px;font-size:16px}
button{margin-top:20px;width:100%;padding:12px;background:#0f766e;color:#fff;border:0;border-radius:6px;font-size:16px;cursor:pointer}
.error{color:#b42318}.ok{color:#0f766e}
</style></head><body><main><h1>${escapeHtml(title)}</h1>${bodyHtml}</main></body></html>`
  return new Response(html, {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // The token is in the URL: never send it on to another site.
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    },
  })
}

/** A message a person can read from whatever a Payload operation threw. */
export function errorMessage(error: unknown): string {
  const data = (error as { data?: { errors?: { message?: string }[] } }).data
  const detail = data?.errors
    ?.map((e) => e.message)
    .filter(Boolean)
    .join(' ')
  if (detail) return detail
  return error instanceof Error && error.message ? error.message : 'Something went wrong.'
}
