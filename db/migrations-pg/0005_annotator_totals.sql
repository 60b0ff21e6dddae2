CREATE TABLE "annotator_totals" (
	"project_id" integer NOT NULL,
	"user_id" integer NOT NULL,
	"judged" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "annotator_totals_project_id_user_id_pk" PRIMARY KEY("project_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "annotator_totals" ADD CONSTRAINT "annotator_totals_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "annotator_totals" ADD CONSTRAINT "annotator_totals_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Each annotator's judgments so far, counted once; from here on they are kept in step with every judgment.
INSERT INTO "annotator_totals" ("project_id", "user_id", "judged") SELECT "project_id", "user_id", count(*) FROM "judgments" GROUP BY "project_id", "user_id";
