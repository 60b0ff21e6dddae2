CREATE TABLE `api_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_token_hash_unique` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `api_tokens_user_idx` ON `api_tokens` (`user_id`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`password_hash` text,
	`external` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE TABLE `adjudications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_id` integer NOT NULL,
	`user_id` integer,
	`choice` text NOT NULL,
	`winner_candidate_id` integer,
	`payload` text,
	`note` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `adjudications_item_id_unique` ON `adjudications` (`item_id`);--> statement-breakpoint
CREATE TABLE `candidates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_id` integer NOT NULL,
	`position` integer NOT NULL,
	`content` text NOT NULL,
	`model` text,
	`metadata` text,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `candidates_item_position_idx` ON `candidates` (`item_id`,`position`);--> statement-breakpoint
CREATE TABLE `import_batches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`source` text,
	`inserted` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`external_id` text NOT NULL,
	`prompt` text NOT NULL,
	`metadata` text,
	`priority` integer DEFAULT 0 NOT NULL,
	`gold` text,
	`batch_id` integer,
	`extra_overlap` integer DEFAULT 0 NOT NULL,
	`judgment_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`batch_id`) REFERENCES `import_batches`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `items_project_external_idx` ON `items` (`project_id`,`external_id`);--> statement-breakpoint
CREATE INDEX `items_project_count_idx` ON `items` (`project_id`,`judgment_count`);--> statement-breakpoint
CREATE INDEX `items_project_priority_idx` ON `items` (`project_id`,`priority`);--> statement-breakpoint
CREATE TABLE `project_members` (
	`project_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	PRIMARY KEY(`project_id`, `user_id`),
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `projects` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`guidelines` text DEFAULT '' NOT NULL,
	`overlap` integer DEFAULT 3 NOT NULL,
	`lease_minutes` integer DEFAULT 30 NOT NULL,
	`judgment_schema` text,
	`status` text DEFAULT 'active' NOT NULL,
	`order_policy` text DEFAULT 'finish_first' NOT NULL,
	`quota` integer,
	`gold_rate` real DEFAULT 0 NOT NULL,
	`min_gold_accuracy` real,
	`min_gold_after` integer,
	`agreement_threshold` real,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `projects_slug_unique` ON `projects` (`slug`);--> statement-breakpoint
CREATE TABLE `assignments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`item_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`status` text DEFAULT 'leased' NOT NULL,
	`slot_order` text NOT NULL,
	`leased_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`skip_reason` text,
	`closed_at` integer,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `assignments_item_user_idx` ON `assignments` (`item_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `assignments_user_status_idx` ON `assignments` (`user_id`,`project_id`,`status`);--> statement-breakpoint
CREATE INDEX `assignments_item_status_idx` ON `assignments` (`item_id`,`status`,`expires_at`);--> statement-breakpoint
CREATE TABLE `judgment_revisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`judgment_id` integer NOT NULL,
	`revision` integer NOT NULL,
	`choice` text,
	`payload` text,
	`rationale` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`judgment_id`) REFERENCES `judgments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `judgment_revisions_judgment_idx` ON `judgment_revisions` (`judgment_id`);--> statement-breakpoint
CREATE TABLE `judgments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`item_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`assignment_id` integer,
	`type` text DEFAULT 'pairwise' NOT NULL,
	`choice` text,
	`winner_candidate_id` integer,
	`slot_order` text NOT NULL,
	`payload` text,
	`rationale` text,
	`duration_ms` integer,
	`client_id` text,
	`source` text DEFAULT 'app' NOT NULL,
	`gold` integer DEFAULT false NOT NULL,
	`revision` integer DEFAULT 1 NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`assignment_id`) REFERENCES `assignments`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`winner_candidate_id`) REFERENCES `candidates`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `judgments_item_user_idx` ON `judgments` (`item_id`,`user_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `judgments_user_client_idx` ON `judgments` (`user_id`,`client_id`);--> statement-breakpoint
CREATE INDEX `judgments_project_item_idx` ON `judgments` (`project_id`,`item_id`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`actor_id` integer,
	`action` text NOT NULL,
	`target_type` text NOT NULL,
	`target_id` text,
	`detail` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `audit_log_target_idx` ON `audit_log` (`target_type`,`target_id`);