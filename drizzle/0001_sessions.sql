CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`status` text DEFAULT 'created' NOT NULL,
	`phone_number` text,
	`worker_id` text,
	`qr_code` text,
	`qr_expires_at` integer,
	`pairing_code` text,
	`last_error` text,
	`webhook_url` text,
	`metadata` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`last_activity_at` integer
);
--> statement-breakpoint
CREATE INDEX `sessions_worker_idx` ON `sessions` (`worker_id`);--> statement-breakpoint
CREATE INDEX `sessions_status_idx` ON `sessions` (`status`);