CREATE TABLE `sign_in_limits` (
	`key` text PRIMARY KEY NOT NULL,
	`points` integer DEFAULT 0 NOT NULL,
	`expire` integer
);
--> statement-breakpoint
ALTER TABLE `users` ADD `status` text DEFAULT 'active' NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `session_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `last_sign_in_at` integer;--> statement-breakpoint
ALTER TABLE `projects` ADD `visibility` text DEFAULT 'everyone' NOT NULL;--> statement-breakpoint
ALTER TABLE `audit_log` ADD `project_id` integer;--> statement-breakpoint
-- Behaviour unchanged for existing projects: one with members was closed to everyone else, one without was open to all.
UPDATE `projects` SET `visibility` = 'members' WHERE EXISTS (SELECT 1 FROM `project_members` WHERE `project_members`.`project_id` = `projects`.`id`);
