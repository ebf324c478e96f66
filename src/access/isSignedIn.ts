import type { PayloadRequest } from 'payload'

export const isSignedIn = ({ req }: { req: PayloadRequest }): boolean => Boolean(req.user)
