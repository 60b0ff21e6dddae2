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
ALTER TABLE `projects` ADD `qualification_items` integer;--> statement-breakpoint
ALTER TABLE `projects` ADD `qualification_accuracy` real DEFAULT 0.8 NOT NULL;--> statement-breakpoint
ALTER TABLE `projects` ADD `training_mode` integer DEFAULT false NOT NULL;