CREATE TABLE `worker_commands` (
	`id` text PRIMARY KEY NOT NULL,
	`worker_id` text NOT NULL,
	`type` text NOT NULL,
	`session_id` text,
	`created_at` integer NOT NULL,
	`delivered_at` integer,
	`delivery_count` integer DEFAULT 0 NOT NULL,
	`acked_at` integer,
	FOREIGN KEY (`worker_id`) REFERENCES `workers`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "worker_commands_type_check" CHECK("worker_commands"."type" IN ('START_SESSION', 'STOP_SESSION', 'DELETE_SESSION', 'DRAIN')),
	CONSTRAINT "worker_commands_session_check" CHECK(("worker_commands"."type" = 'DRAIN') = ("worker_commands"."session_id" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `worker_commands_pending_idx` ON `worker_commands` (`worker_id`,`acked_at`);--> statement-breakpoint
CREATE TABLE `event_ledger` (
	`position` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` text NOT NULL,
	`event` text NOT NULL,
	`source` text NOT NULL,
	`worker_id` text NOT NULL,
	`session_id` text,
	`stream` text NOT NULL,
	`sequence` integer NOT NULL,
	`data` text DEFAULT '{}' NOT NULL,
	`occurred_at` integer,
	`received_at` integer NOT NULL,
	CONSTRAINT "event_ledger_source_check" CHECK("event_ledger"."source" IN ('events', 'session-status', 'message-status', 'coordinator'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `event_ledger_event_id_unique` ON `event_ledger` (`event_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `event_ledger_stream_seq_idx` ON `event_ledger` (`stream`,`sequence`);--> statement-breakpoint
CREATE INDEX `event_ledger_session_idx` ON `event_ledger` (`session_id`);--> statement-breakpoint
CREATE TABLE `message_statuses` (
	`message_id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`worker_id` text NOT NULL,
	`status` text NOT NULL,
	`recipient` text,
	`error` text,
	`status_at` integer NOT NULL,
	`event_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `message_statuses_session_idx` ON `message_statuses` (`session_id`);--> statement-breakpoint
CREATE TABLE `worker_metrics` (
	`id` text PRIMARY KEY NOT NULL,
	`worker_id` text NOT NULL,
	`status` text DEFAULT 'ONLINE' NOT NULL,
	`cpu_usage` real,
	`memory_usage` real,
	`uptime` integer,
	`message_count` integer,
	`session_total` integer,
	`session_connected` integer,
	`session_disconnected` integer,
	`session_qr_required` integer,
	`session_reconnecting` integer,
	`session_error` integer,
	`timestamp` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`reported_at` integer,
	`bucket_ms` integer,
	`samples` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`worker_id`) REFERENCES `workers`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "worker_metrics_status_check" CHECK("worker_metrics"."status" IN ('ONLINE', 'OFFLINE', 'MAINTENANCE'))
);
--> statement-breakpoint
CREATE INDEX `worker_metrics_worker_time_idx` ON `worker_metrics` (`worker_id`,`timestamp`,`id`);--> statement-breakpoint
CREATE INDEX `worker_metrics_time_idx` ON `worker_metrics` (`timestamp`);--> statement-breakpoint
CREATE TABLE `workers` (
	`id` text PRIMARY KEY NOT NULL,
	`endpoint` text NOT NULL,
	`description` text,
	`status` text DEFAULT 'OFFLINE' NOT NULL,
	`max_sessions` integer DEFAULT 50 NOT NULL,
	`current_sessions` integer DEFAULT 0 NOT NULL,
	`version` text,
	`environment` text DEFAULT 'DEVELOPMENT' NOT NULL,
	`last_heartbeat` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`unregistered_at` integer,
	`offline_reason` text,
	CONSTRAINT "workers_status_check" CHECK("workers"."status" IN ('ONLINE', 'OFFLINE', 'MAINTENANCE')),
	CONSTRAINT "workers_environment_check" CHECK("workers"."environment" IN ('DEVELOPMENT', 'STAGING', 'TESTING', 'PRODUCTION'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `workers_endpoint_unique` ON `workers` (`endpoint`);