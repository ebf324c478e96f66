import { type MigrateUpArgs, type MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE TYPE "public"."enum_payments_currency" AS ENUM('EUR', 'USD', 'GBP', 'CHF', 'JPY', 'CAD', 'AUD', 'SEK');
  CREATE TYPE "public"."enum_payments_status" AS ENUM('requires_payment', 'processing', 'succeeded', 'failed', 'canceled', 'refunded', 'partially_refunded', 'disputed');
  CREATE TYPE "public"."enum_stripe_events_status" AS ENUM('pending', 'processed', 'failed', 'ignored');
  CREATE TYPE "public"."enum_reconciliation_reports_discrepancies_kind" AS ENUM('amount_mismatch', 'orphan_intent', 'unconfirmed_success', 'orphan_refund');
  CREATE TYPE "public"."enum_reconciliation_reports_trigger" AS ENUM('scheduled', 'manual');
  CREATE TYPE "public"."enum_reconciliation_reports_status" AS ENUM('running', 'completed', 'failed');
  CREATE TABLE "payments_refunds" (
  	"_order" integer NOT NULL,
  	"_parent_id" integer NOT NULL,
  	"id" varchar PRIMARY KEY NOT NULL,
  	"stripe_refund_id" varchar NOT NULL,
  	"amount" numeric NOT NULL,
  	"status" varchar,
  	"reason" varchar,
  	"created_at" timestamp(3) with time zone
  );
  
  CREATE TABLE "payments" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"booking_id" integer NOT NULL,
  	"guest_id" integer,
  	"host_id" integer,
  	"amount" numeric NOT NULL,
  	"currency" "enum_payments_currency" NOT NULL,
  	"amount_refunded" numeric DEFAULT 0,
  	"status" "enum_payments_status" NOT NULL,
  	"stripe_payment_intent_id" varchar NOT NULL,
  	"failure_message" varchar,
  	"dispute_stripe_dispute_id" varchar,
  	"dispute_reason" varchar,
  	"dispute_amount" numeric,
  	"dispute_opened_at" timestamp(3) with time zone,
  	"needs_attention" boolean DEFAULT false,
  	"attention_reason" varchar,
  	"last_stripe_event_at" timestamp(3) with time zone,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  CREATE TABLE "stripe_events" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"event_id" varchar NOT NULL,
  	"type" varchar NOT NULL,
  	"payload" jsonb NOT NULL,
  	"received_at" timestamp(3) with time zone NOT NULL,
  	"status" "enum_stripe_events_status" DEFAULT 'pending' NOT NULL,
  	"processed_at" timestamp(3) with time zone,
  	"error" varchar,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  CREATE TABLE "reconciliation_reports_discrepancies" (
  	"_order" integer NOT NULL,
  	"_parent_id" integer NOT NULL,
  	"id" varchar PRIMARY KEY NOT NULL,
  	"kind" "enum_reconciliation_reports_discrepancies_kind" NOT NULL,
  	"stripe_object_id" varchar,
  	"payment_id" integer,
  	"details" varchar
  );
  
  CREATE TABLE "reconciliation_reports" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"trigger" "enum_reconciliation_reports_trigger" NOT NULL,
  	"requested_by_id" integer,
  	"status" "enum_reconciliation_reports_status" DEFAULT 'running' NOT NULL,
  	"window_start" timestamp(3) with time zone NOT NULL,
  	"window_end" timestamp(3) with time zone NOT NULL,
  	"started_at" timestamp(3) with time zone NOT NULL,
  	"finished_at" timestamp(3) with time zone,
  	"checked" numeric DEFAULT 0,
  	"fixed" numeric DEFAULT 0,
  	"discrepancy_count" numeric DEFAULT 0,
  	"error" varchar,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  ALTER TABLE "bookings" ADD COLUMN "confirmed_at" timestamp(3) with time zone;
  ALTER TABLE "payments_refunds" ADD CONSTRAINT "payments_refunds_parent_id_fk" FOREIGN KEY ("_parent_id") REFERENCES "public"."payments"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "payments" ADD CONSTRAINT "payments_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE RESTRICT ON UPDATE no action;
  ALTER TABLE "payments" ADD CONSTRAINT "payments_guest_id_users_id_fk" FOREIGN KEY ("guest_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "payments" ADD CONSTRAINT "payments_host_id_users_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "reconciliation_reports_discrepancies" ADD CONSTRAINT "reconciliation_reports_discrepancies_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "reconciliation_reports_discrepancies" ADD CONSTRAINT "reconciliation_reports_discrepancies_parent_id_fk" FOREIGN KEY ("_parent_id") REFERENCES "public"."reconciliation_reports"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "reconciliation_reports" ADD CONSTRAINT "reconciliation_reports_requested_by_id_users_id_fk" FOREIGN KEY ("requested_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
  CREATE INDEX "payments_refunds_order_idx" ON "payments_refunds" USING btree ("_order");
  CREATE INDEX "payments_refunds_parent_id_idx" ON "payments_refunds" USING btree ("_parent_id");
  CREATE UNIQUE INDEX "payments_refunds_stripe_refund_id_idx" ON "payments_refunds" USING btree ("stripe_refund_id");
  CREATE INDEX "payments_booking_idx" ON "payments" USING btree ("booking_id");
  CREATE INDEX "payments_guest_idx" ON "payments" USING btree ("guest_id");
  CREATE INDEX "payments_host_idx" ON "payments" USING btree ("host_id");
  CREATE INDEX "payments_status_idx" ON "payments" USING btree ("status");
  CREATE UNIQUE INDEX "payments_stripe_payment_intent_id_idx" ON "payments" USING btree ("stripe_payment_intent_id");
  CREATE INDEX "payments_needs_attention_idx" ON "payments" USING btree ("needs_attention");
  CREATE INDEX "payments_updated_at_idx" ON "payments" USING btree ("updated_at");
  CREATE INDEX "payments_created_at_idx" ON "payments" USING btree ("created_at");
  CREATE UNIQUE INDEX "stripe_events_event_id_idx" ON "stripe_events" USING btree ("event_id");
  CREATE INDEX "stripe_events_type_idx" ON "stripe_events" USING btree ("type");
  CREATE INDEX "stripe_events_status_idx" ON "stripe_events" USING btree ("status");
  CREATE INDEX "stripe_events_updated_at_idx" ON "stripe_events" USING btree ("updated_at");
  CREATE INDEX "stripe_events_created_at_idx" ON "stripe_events" USING btree ("created_at");
  CREATE INDEX "reconciliation_reports_discrepancies_order_idx" ON "reconciliation_reports_discrepancies" USING btree ("_order");
  CREATE INDEX "reconciliation_reports_discrepancies_parent_id_idx" ON "reconciliation_reports_discrepancies" USING btree ("_parent_id");
  CREATE INDEX "reconciliation_reports_discrepancies_payment_idx" ON "reconciliation_reports_discrepancies" USING btree ("payment_id");
  CREATE INDEX "reconciliation_reports_requested_by_idx" ON "reconciliation_reports" USING btree ("requested_by_id");
  CREATE INDEX "reconciliation_reports_started_at_idx" ON "reconciliation_reports" USING btree ("started_at");
  CREATE INDEX "reconciliation_reports_updated_at_idx" ON "reconciliation_reports" USING btree ("updated_at");
  CREATE INDEX "reconciliation_reports_created_at_idx" ON "reconciliation_reports" USING btree ("created_at");`)

  // Hand-written. A booking that has payments is a money record and cannot be deleted (Payload
  // generated ON DELETE SET NULL above on a NOT NULL column, which would be a 500; it is RESTRICT
  // instead). Amounts are whole minor units and a payment never refunds more than it took.
  await db.execute(sql`
  ALTER TABLE "payments" ADD CONSTRAINT "payments_amounts_valid"
    CHECK ("amount" > 0 AND "amount" = trunc("amount") AND "amount_refunded" >= 0 AND "amount_refunded" <= "amount");
  ALTER TABLE "payments_refunds" ADD CONSTRAINT "payments_refunds_amount_valid" CHECK ("amount" > 0 AND "amount" = trunc("amount"));`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   DROP TABLE "payments_refunds" CASCADE;
  DROP TABLE "payments" CASCADE;
  DROP TABLE "stripe_events" CASCADE;
  DROP TABLE "reconciliation_reports_discrepancies" CASCADE;
  DROP TABLE "reconciliation_reports" CASCADE;
  ALTER TABLE "bookings" DROP COLUMN "confirmed_at";
  DROP TYPE "public"."enum_payments_currency";
  DROP TYPE "public"."enum_payments_status";
  DROP TYPE "public"."enum_stripe_events_status";
  DROP TYPE "public"."enum_reconciliation_reports_discrepancies_kind";
  DROP TYPE "public"."enum_reconciliation_reports_trigger";
  DROP TYPE "public"."enum_reconciliation_reports_status";`)
}
