/**
 * What the admin panel's action buttons share: a call to one of the API's endpoints with the
 * session cookie, answered as the body or the API's own error message (never a bare status).
 */
export type ActionResult<T> = { ok: true; body: T } | { ok: false; message: string }

export async function actionCall<T = { message?: string }>(
  url: string,
  init?: { method?: 'GET' | 'POST' | 'DELETE'; body?: unknown },
): Promise<ActionResult<T>> {
  try {
    const res = await fetch(url, {
      method: init?.method ?? 'GET',
      credentials: 'include',
      headers: { 'content-type': 'application/json' },
      body: init?.body === undefined ? undefined : JSON.stringify(init.body),
    })
    const body = (await res.json().catch(() => ({}))) as T & { message?: string; errors?: { message?: string }[] }
    if (res.ok) return { ok: true, body }
    return { ok: false, message: body.errors?.[0]?.message ?? body.message ?? `The server answered ${res.status}.` }
  } catch {
    return { ok: false, message: 'The server could not be reached; try again.' }
  }
}
