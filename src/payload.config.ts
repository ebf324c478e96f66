import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { postgresAdapter } from '@payloadcms/db-postgres'
import { nodemailerAdapter } from '@payloadcms/email-nodemailer'
import { s3Storage } from '@payloadcms/storage-s3'
import { lexicalEditor } from '@payloadcms/richtext-lexical'
import type * as GraphQL from 'graphql'
import { type GraphQLExtension, buildConfig } from 'payload'
import type { Logger } from 'pino'
import sharp from 'sharp'

import { AvailabilityBlocks } from '../collections/AvailabilityBlocks'
import { CalendarEvents } from '../collections/CalendarEvents'
import { CalendarFeeds } from '../collections/CalendarFeeds'
import { Bookings } from '../collections/Bookings'
import { Media } from '../collections/Media'
import { Messages } from '../collections/Messages'
import { Properties } from '../collections/Properties'
import { Payments } from '../collections/Payments'
import { ReconciliationReports } from '../collections/ReconciliationReports'
import { Reviews } from '../collections/Reviews'
import { StripeEvents } from '../collections/StripeEvents'
import { operationMutations, operationQueries } from './endpoints/graphql'
import { runReconciliation } from './endpoints/runReconciliation'
import { stripeWebhook } from './endpoints/stripeWebhook'
import { Users } from '../collections/Users'
import { FAVICON } from './lib/brand'
import { contractEndpoints } from './contract/endpoints'
import { withInputGuard } from '../hooks/shared/guardInput'
import { tellOwnerOfLockAfterError } from '../hooks/users/answerLoginFailuresAlike'
import { allowedLinksOnly } from './lib/allowedLinksOnly'
import { addErrorCode, clientErrorLoggedByHook, loggingLevels } from './lib/errorCodes'
import { argumentRules } from './lib/graphqlArguments'
import { completePermissionQueries } from './lib/graphqlPermissions'
import { payloadCors } from './lib/cors'
import { payloadPoolMax, replicaPoolMax } from './lib/databasePools'
import { listViewsFromReplica, redactedUrl, withReadReplicas } from './lib/readReplicas'
import { useCachedSessions } from './lib/cachedSessions'
import { allowedOrigins, env } from './lib/env'
import { createLogger } from './lib/logger'
import { serverOwnedTimestamps } from './lib/serverOwnedTimestamps'
import { stayDatesAsDateColumns } from './lib/stayDateColumns'
import { withStayDateComparisons } from './lib/stayDateGraphQL'

const dirname = path.dirname(fileURLToPath(import.meta.url))
// Made when a replica first fails, so processes without replicas make none.
let replicaLogger: Logger | undefined

// Timestamps are added by Payload while it sanitizes; they are made server-owned on the result.
export default buildConfig({
  serverURL: env.SERVER_URL,
  secret: env.PAYLOAD_SECRET,
  admin: {
    user: Users.slug,
    importMap: { baseDir: dirname },
    meta: { titleSuffix: ' — Staybase', icons: [{ rel: 'icon', type: 'image/svg+xml', url: FAVICON }] },
    // Gravatar would send every user's email hash to a third party (and is unreachable offline).
    avatar: 'default',
    // Hosts open on their day (requests, arrivals, departures); staff keep the collections.
    components: {
      views: {
        dashboard: { Component: '/components/Dashboard#Dashboard' },
        // The multi-calendar (a row per listing) and one listing's month, where hosts block dates.
        calendar: { Component: '/components/calendar/CalendarViews#AllListingsCalendarView', path: '/calendar', exact: true },
        listingCalendar: { Component: '/components/calendar/CalendarViews#ListingCalendarView', path: '/calendar/:listingId', exact: true },
      },
      beforeNavLinks: ['/components/calendar/CalendarNavLink#CalendarNavLink'],
      graphics: { Icon: '/components/Brand#BrandIcon', Logo: '/components/Brand#BrandLogo' },
    },
  },
  // Every collection refuses ill-typed, NUL-bearing or unbounded input first (hooks/shared/guardInput.ts).
  // Admin list views may read a replica (src/lib/readReplicas.ts).
  collections: [
    Users,
    Properties,
    Bookings,
    AvailabilityBlocks,
    CalendarFeeds,
    CalendarEvents,
    Media,
    Reviews,
    Payments,
    StripeEvents,
    ReconciliationReports,
    Messages,
  ]
    .map(withInputGuard)
    .map(listViewsFromReplica),
  // Routes outside any one collection: Stripe's webhook, the staff's reconciliation trigger, and the
  // published contract (/api/openapi.json, /api/docs).
  endpoints: [stripeWebhook, runReconciliation, ...contractEndpoints],
  // Rich-text links may use http, https, mailto and tel only (src/domain/richTextLinks.ts).
  editor: allowedLinksOnly(lexicalEditor()),
  // Guests who open /admin are told where they belong instead of a bare "Unauthorized".
  i18n: {
    translations: {
      en: {
        // List columns read like the rest of the panel's labels ("Nightly rate"), not "Updated At".
        general: { createdAt: 'Created', updatedAt: 'Updated' },
        error: {
          unauthorizedAdmin: 'This panel is for hosts and staff',
          notAllowedToAccessPage:
            'Guests book and manage their trips on the Staybase site and apps, not here. Sign out below and continue there.',
        },
      },
    },
  },
  // Replicas answer only the reads that may lag (src/lib/readReplicas.ts); without URLs, the adapter as is.
  db: withReadReplicas(
    postgresAdapter({
      // DATABASE_POOL_MAX, shared with the public read fast path in the web process (src/lib/databasePools.ts).
      pool: { connectionString: env.DATABASE_URL, max: payloadPoolMax() },
      // Schema comes from committed migrations only; push is an explicit opt-in for throw-away databases.
      push: env.DATABASE_PUSH,
      migrationDir: path.resolve(dirname, '../migrations'),
      // Stay dates are `date` columns behind `YYYY-MM-DD` text fields (src/lib/stayDateField.ts).
      afterSchemaInit: [stayDatesAsDateColumns],
    }),
    {
      urls: env.DATABASE_REPLICA_URLS,
      poolMax: replicaPoolMax(),
      onError: (error, url) => {
        replicaLogger ??= createLogger('db-replicas', env.LOG_LEVEL, env.LOG_FORMAT)
        replicaLogger.warn({ err: error, replica: redactedUrl(url) }, 'read replica failed; the primary answered')
      },
    },
  ),
  email: nodemailerAdapter({
    defaultFromAddress: env.MAIL_FROM,
    defaultFromName: env.MAIL_FROM_NAME,
    // Verifying connects at every config load (CLI, build, each process); a bad SMTP setting shows in the
    // log at the first send instead.
    skipVerify: true,
    transportOptions: {
      host: env.SMTP_HOST,
      port: env.SMTP_PORT,
      secure: env.SMTP_SECURE,
      auth: env.SMTP_USER ? { user: env.SMTP_USER, pass: env.SMTP_PASS } : undefined,
    },
  }),
  // The same policy as the express middleware in front of Next (src/lib/cors.ts).
  cors: payloadCors(allowedOrigins),
  csrf: allowedOrigins,
  // Client errors are logged once, at info with their code, by addErrorCode; bugs at error by Payload.
  logger: createLogger('payload', env.LOG_LEVEL, env.LOG_FORMAT, clientErrorLoggedByHook),
  // Request errors are logged once, by addErrorCode (client errors at info without a stack).
  loggingLevels,
  sharp,
  upload: {
    // Above this the request is cut off with a 413 while streaming, before anything is stored.
    limits: { fileSize: env.MAX_UPLOAD_MB * 1024 * 1024 },
    abortOnLimit: true,
    responseOnLimit: `Files may be at most ${env.MAX_UPLOAD_MB} MB.`,
  },
  plugins: env.S3_BUCKET
    ? [
        s3Storage({
          collections: { media: env.S3_PREFIX ? { prefix: env.S3_PREFIX } : true },
          bucket: env.S3_BUCKET,
          config: {
            region: env.S3_REGION,
            endpoint: env.S3_ENDPOINT || undefined,
            forcePathStyle: env.S3_FORCE_PATH_STYLE,
            credentials: env.S3_ACCESS_KEY_ID
              ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
              : undefined,
          },
        }),
      ]
    : [],
  hooks: { afterError: [tellOwnerOfLockAfterError, addErrorCode] },
  // Authenticated requests find their user in Redis; every write to an account drops it (src/lib/cachedSessions.ts).
  onInit: useCachedSessions,
  graphQL: {
    disablePlaygroundInProduction: true,
    // Argument values Payload would answer with a 500 are refused first (src/lib/graphqlArguments.ts);
    // size, tokens, aliases, depth and fragment cycles are checked before parsing (src/lib/graphqlGuard.ts).
    validationRules: argumentRules,
    // Payload's Access/docAccess answers lose denied permissions; put them back (src/lib/graphqlPermissions.ts).
    // Stay dates get comparison operators in where (src/lib/stayDateGraphQL.ts); the custom operations
    // (searchListings, listingQuote, …) run the REST endpoints' code (src/endpoints/graphql.ts).
    queries: withStayDateComparisons((graphQL: typeof GraphQL, context: Parameters<GraphQLExtension>[1]) => ({
      ...completePermissionQueries(graphQL, context),
      ...operationQueries(graphQL, context),
    })),
    // The custom mutations, createBooking with Idempotency-Key, and createUser and forgotPasswordUser,
    // which answer alike for known and unknown addresses, as on REST.
    mutations: operationMutations as never,
  },
  telemetry: false,
  typescript: { outputFile: path.resolve(dirname, 'payload-types.ts') },
}).then(serverOwnedTimestamps)
