CREATE TABLE `placement_history` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`from_worker` text,
	`to_worker` text,
	`reason` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `placement_history_session_idx` ON `placement_history` (`session_id`,`at`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_worker_commands` (
	`id` text PRIMARY KEY NOT NULL,
	`worker_id` text NOT NULL,
	`type` text NOT NULL,
	`session_id` text,
	`created_at` integer NOT NULL,
	`delivered_at` integer,
	`delivery_count` integer DEFAULT 0 NOT NULL,
	`acked_at` integer,
	FOREIGN KEY (`worker_id`) REFERENCES `workers`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "worker_commands_type_check" CHECK("__new_worker_commands"."type" IN ('START_SESSION', 'STOP_SESSION', 'DELETE_SESSION', 'DRAIN', 'UNDRAIN')),
	CONSTRAINT "worker_commands_session_check" CHECK(("__new_worker_commands"."type" IN ('DRAIN', 'UNDRAIN')) = ("__new_worker_commands"."session_id" IS NULL))
);
--> statement-breakpoint
INSERT INTO `__new_worker_commands`("id", "worker_id", "type", "session_id", "created_at", "delivered_at", "delivery_count", "acked_at") SELECT "id", "worker_id", "type", "session_id", "created_at", "delivered_at", "delivery_count", "acked_at" FROM `worker_commands`;--> statement-breakpoint
DROP TABLE `worker_commands`;--> statement-breakpoint
ALTER TABLE `__new_worker_commands` RENAME TO `worker_commands`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `worker_commands_pending_idx` ON `worker_commands` (`worker_id`,`acked_at`);--> statement-breakpoint
ALTER TABLE `sessions` ADD `lease_epoch` integer;--> statement-breakpoint
ALTER TABLE `sessions` ADD `placed_on` text;--> statement-breakpoint
CREATE INDEX `sessions_placed_on_idx` ON `sessions` (`placed_on`);