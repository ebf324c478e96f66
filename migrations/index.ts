import * as migration_20261125_224022_initial from './20261125_224022_initial'
import * as migration_20261125_230410_listings_and_media from './20261125_230410_listings_and_media'
import * as migration_20261125_232652_moderation_reinstate_and_no_locks from './20261125_232652_moderation_reinstate_and_no_locks'
import * as migration_20261125_233838_bookings_and_blocks from './20261125_233838_bookings_and_blocks'
import * as migration_20261125_234327_booking_idempotency_keys from './20261125_234327_booking_idempotency_keys'
import * as migration_20261126_000849_listing_delete_rules from './20261126_000849_listing_delete_rules'
import * as migration_20261126_011717_payments from './20261126_011717_payments'
import * as migration_20261126_014227_reconciliation_report_titles from './20261126_014227_reconciliation_report_titles'
import * as migration_20261126_020942_reviews from './20261126_020942_reviews'
import * as migration_20261127_130405_pending_email_change from './20261127_130405_pending_email_change'
import * as migration_20261127_131706_booking_cancellation_queued_at from './20261127_131706_booking_cancellation_queued_at'
import * as migration_20261127_161602_stay_dates_as_calendar_dates from './20261127_161602_stay_dates_as_calendar_dates'
import * as migration_20261127_195101_search_indexes from './20261127_195101_search_indexes'
import * as migration_20261127_195653_worker_indexes from './20261127_195653_worker_indexes'
import * as migration_20261128_105210_booking_title_and_history from './20261128_105210_booking_title_and_history'
import * as migration_20261128_111141_dashboard_indexes from './20261128_111141_dashboard_indexes'
import * as migration_20261128_114000_calendar_indexes from './20261128_114000_calendar_indexes'
import * as migration_20261128_150000_earth_index_restorable from './20261128_150000_earth_index_restorable'
import * as migration_20261128_155218_calendar_token from './20261128_155218_calendar_token'
import * as migration_20261128_172530_messages from './20261128_172530_messages'
import * as migration_20261128_182326_calendar_import from './20261128_182326_calendar_import'

export const migrations = [
  {
    up: migration_20261125_224022_initial.up,
    down: migration_20261125_224022_initial.down,
    name: '20261125_224022_initial',
  },
  {
    up: migration_20261125_230410_listings_and_media.up,
    down: migration_20261125_230410_listings_and_media.down,
    name: '20261125_230410_listings_and_media',
  },
  {
    up: migration_20261125_232652_moderation_reinstate_and_no_locks.up,
    down: migration_20261125_232652_moderation_reinstate_and_no_locks.down,
    name: '20261125_232652_moderation_reinstate_and_no_locks',
  },
  {
    up: migration_20261125_233838_bookings_and_blocks.up,
    down: migration_20261125_233838_bookings_and_blocks.down,
    name: '20261125_233838_bookings_and_blocks',
  },
  {
    up: migration_20261125_234327_booking_idempotency_keys.up,
    down: migration_20261125_234327_booking_idempotency_keys.down,
    name: '20261125_234327_booking_idempotency_keys',
  },
  {
    up: migration_20261126_000849_listing_delete_rules.up,
    down: migration_20261126_000849_listing_delete_rules.down,
    name: '20261126_000849_listing_delete_rules',
  },
  {
    up: migration_20261126_011717_payments.up,
    down: migration_20261126_011717_payments.down,
    name: '20261126_011717_payments',
  },
  {
    up: migration_20261126_014227_reconciliation_report_titles.up,
    down: migration_20261126_014227_reconciliation_report_titles.down,
    name: '20261126_014227_reconciliation_report_titles',
  },
  {
    up: migration_20261126_020942_reviews.up,
    down: migration_20261126_020942_reviews.down,
    name: '20261126_020942_reviews',
  },
  {
    up: migration_20261127_130405_pending_email_change.up,
    down: migration_20261127_130405_pending_email_change.down,
    name: '20261127_130405_pending_email_change',
  },
  {
    up: migration_20261127_131706_booking_cancellation_queued_at.up,
    down: migration_20261127_131706_booking_cancellation_queued_at.down,
    name: '20261127_131706_booking_cancellation_queued_at',
  },
  {
    up: migration_20261127_161602_stay_dates_as_calendar_dates.up,
    down: migration_20261127_161602_stay_dates_as_calendar_dates.down,
    name: '20261127_161602_stay_dates_as_calendar_dates',
  },
  {
    up: migration_20261127_195101_search_indexes.up,
    down: migration_20261127_195101_search_indexes.down,
    name: '20261127_195101_search_indexes',
  },
  {
    up: migration_20261127_195653_worker_indexes.up,
    down: migration_20261127_195653_worker_indexes.down,
    name: '20261127_195653_worker_indexes',
  },
  {
    up: migration_20261128_105210_booking_title_and_history.up,
    down: migration_20261128_105210_booking_title_and_history.down,
    name: '20261128_105210_booking_title_and_history',
  },
  {
    up: migration_20261128_111141_dashboard_indexes.up,
    down: migration_20261128_111141_dashboard_indexes.down,
    name: '20261128_111141_dashboard_indexes',
  },
  {
    up: migration_20261128_114000_calendar_indexes.up,
    down: migration_20261128_114000_calendar_indexes.down,
    name: '20261128_114000_calendar_indexes',
  },
  {
    up: migration_20261128_150000_earth_index_restorable.up,
    down: migration_20261128_150000_earth_index_restorable.down,
    name: '20261128_150000_earth_index_restorable',
  },
  {
    up: migration_20261128_155218_calendar_token.up,
    down: migration_20261128_155218_calendar_token.down,
    name: '20261128_155218_calendar_token',
  },
  {
    up: migration_20261128_172530_messages.up,
    down: migration_20261128_172530_messages.down,
    name: '20261128_172530_messages',
  },
  {
    up: migration_20261128_182326_calendar_import.up,
    down: migration_20261128_182326_calendar_import.down,
    name: '20261128_182326_calendar_import',
  },
]
