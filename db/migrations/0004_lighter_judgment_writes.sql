DROP INDEX `judgments_user_client_idx`;--> statement-breakpoint
DROP INDEX `audit_log_target_idx`;