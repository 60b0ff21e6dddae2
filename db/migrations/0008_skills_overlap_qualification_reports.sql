CREATE TABLE `qualification_answers` (
	`attempt_id` integer NOT NULL,
	`item_id` integer NOT NULL,
	`judgment_id` integer,
	`choice` text,
	`verdict` text,
	`correct` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`attempt_id`, `item_id`),
	FOREIGN KEY (`attempt_id`) REFERENCES `qualification_attempts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`judgment_id`) REFERENCES `judgments`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `qualification_answers_judgment_idx` ON `qualification_answers` (`judgment_id`);--> statement-breakpoint
CREATE TABLE `qualification_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`attempt` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`judged` integer DEFAULT 0 NOT NULL,
	`correct` integer DEFAULT 0 NOT NULL,
	`started_at` integer NOT NULL,
	`decided_at` integer,
	`reset_at` integer,
	`reset_by` integer,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`reset_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `qualification_attempts_project_user_idx` ON `qualification_attempts` (`project_id`,`user_id`,`attempt`);--> statement-breakpoint
DROP INDEX `items_claim_idx`;--> statement-breakpoint
ALTER TABLE `items` ADD `judgment_target` integer;--> statement-breakpoint
ALTER TABLE `items` ADD `tags` text;--> statement-breakpoint
ALTER TABLE `items` ADD `tag_key` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `items_tag_claim_idx` ON `items` (`project_id`,`tag_key`,`priority`,`judgment_count`,"id" desc);--> statement-breakpoint
CREATE INDEX `items_tag_priority_idx` ON `items` (`project_id`,`tag_key`,`priority`);--> statement-breakpoint
CREATE INDEX `items_claim_idx` ON `items` (`project_id`,`priority`,`judgment_count`,"id" desc) WHERE "items"."judgment_target" is null or "items"."judgment_count" < "items"."judgment_target" + "items"."extra_overlap";--> statement-breakpoint
ALTER TABLE `users` ADD `skills` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `projects` ADD `min_judgments` integer;--> statement-breakpoint
ALTER TABLE `projects` ADD `max_judgments` integer;--> statement-breakpoint
ALTER TABLE `projects` ADD `stop_agreement` real;--> statement-breakpoint
ALTER TABLE `projects` ADD `time_cap_seconds` integer DEFAULT 600 NOT NULL;--> statement-breakpoint
ALTER TABLE `projects` ADD `qualification_items` integer;--> statement-breakpoint
ALTER TABLE `projects` ADD `qualification_accuracy` real DEFAULT 0.8 NOT NULL;--> statement-breakpoint
ALTER TABLE `projects` ADD `training_mode` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `projects` ADD `routing` text DEFAULT 'open' NOT NULL;--> statement-breakpoint
ALTER TABLE `projects` ADD `tags_from` text;--> statement-breakpoint
ALTER TABLE `projects` ADD `tag_keys` text DEFAULT '[]' NOT NULL;