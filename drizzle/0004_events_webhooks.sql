CREATE TABLE `webhook_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` text NOT NULL,
	`at` integer NOT NULL,
	`url` text NOT NULL,
	`status_code` integer,
	`latency_ms` integer NOT NULL,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `webhook_attempts_delivery_idx` ON `webhook_attempts` (`delivery_id`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`event_position` integer NOT NULL,
	`target` text NOT NULL,
	`session_id` text,
	`type` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`generation` integer DEFAULT 0 NOT NULL,
	`parked` integer DEFAULT false NOT NULL,
	`horizon_at` integer NOT NULL,
	`last_status_code` integer,
	`last_error` text,
	`last_attempt_at` integer,
	`delivered_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "webhook_deliveries_status_check" CHECK("webhook_deliveries"."status" IN ('pending', 'delivered', 'dead', 'cancelled'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_deliveries_event_target_idx` ON `webhook_deliveries` (`event_id`,`target`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_status_idx` ON `webhook_deliveries` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_parked_idx` ON `webhook_deliveries` (`target`) WHERE "webhook_deliveries"."parked" = 1;--> statement-breakpoint
CREATE INDEX `webhook_deliveries_position_idx` ON `webhook_deliveries` (`event_position`);--> statement-breakpoint
CREATE TABLE `webhook_subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`url` text NOT NULL,
	`secret` text NOT NULL,
	`events` text DEFAULT '["*"]' NOT NULL,
	`session_id` text,
	`description` text,
	`enabled` integer DEFAULT true NOT NULL,
	`disabled_reason` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "webhook_subscriptions_kind_check" CHECK("webhook_subscriptions"."kind" IN ('global', 'custom'))
);
--> statement-breakpoint
ALTER TABLE `event_ledger` ADD `type` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `event_ledger` ADD `dispatched_at` integer;--> statement-breakpoint
CREATE INDEX `event_ledger_received_idx` ON `event_ledger` (`received_at`);--> statement-breakpoint
CREATE INDEX `event_ledger_undispatched_idx` ON `event_ledger` (`position`) WHERE "event_ledger"."dispatched_at" IS NULL;