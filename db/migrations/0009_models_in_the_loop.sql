CREATE TABLE `contender_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`contender_id` integer NOT NULL,
	`version` integer NOT NULL,
	`endpoint_id` integer NOT NULL,
	`system_prompt` text,
	`template` text,
	`temperature` real,
	`max_tokens` integer,
	`seed` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`contender_id`) REFERENCES `contenders`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`endpoint_id`) REFERENCES `endpoints`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contender_versions_contender_version_idx` ON `contender_versions` (`contender_id`,`version`);--> statement-breakpoint
CREATE TABLE `contenders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`current_version` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contenders_name_unique` ON `contenders` (`name`);--> statement-breakpoint
CREATE TABLE `endpoints` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`base_url` text NOT NULL,
	`model` text NOT NULL,
	`api_key_env` text,
	`api_key_sealed` text,
	`max_concurrency` integer NOT NULL,
	`timeout_s` integer NOT NULL,
	`price_in` real,
	`price_out` real,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `endpoints_name_unique` ON `endpoints` (`name`);--> statement-breakpoint
CREATE TABLE `generation_responses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`prompt_index` integer NOT NULL,
	`contender_version_id` integer NOT NULL,
	`status` text NOT NULL,
	`text` text,
	`metrics` text,
	`error` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `generation_runs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`contender_version_id`) REFERENCES `contender_versions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `generation_responses_run_prompt_contender_idx` ON `generation_responses` (`run_id`,`prompt_index`,`contender_version_id`);--> statement-breakpoint
CREATE TABLE `generation_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`status` text NOT NULL,
	`pairs` text NOT NULL,
	`contenders` text NOT NULL,
	`prompts` text NOT NULL,
	`fingerprint` text NOT NULL,
	`prompt_count` integer NOT NULL,
	`items_created` integer DEFAULT 0 NOT NULL,
	`error` text,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `generation_runs_project_idx` ON `generation_runs` (`project_id`,`fingerprint`);