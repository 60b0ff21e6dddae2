import { can } from "@/lib/auth/permissions";
import type { Ctx } from "@/lib/services/context";
import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { listContenders } from "@/lib/services/contenders";
import { GENERATION_BODY_LIMIT, generationFailures, listGenerations } from "@/lib/services/generation";
import { orNotFound } from "@/lib/http/page";
import { getProject, projectChecklist, projectProgress } from "@/lib/services/projects";
import { projectSettingRows } from "@/lib/services/project-settings";
import { CompleteBar } from "@/app/_components/ProjectProgressTable";
import { effectiveSchema } from "@/lib/formats/judgment";
import { listJudgeRuns, listJudges } from "@/lib/services/judges";
import { ExportForm } from "./_components/ExportForm";
import { JudgeRunPanel } from "./_components/JudgeRunPanel";
import { ImportForm } from "./_components/ImportForm";
import { listMembers } from "@/lib/services/members";
import { ProjectSettingsForm } from "./_components/ProjectSettingsForm";
import { MembersPanel } from "./_components/MembersPanel";
import { ProjectChecklist } from "./_components/ProjectChecklist";
import { ProjectTextsForm } from "./_components/ProjectTextsForm";
import { GenerationPanel, type RunState } from "./_components/GenerationPanel";

export default async function ProjectPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<{ activated?: string }> }) {
  const caller = await requirePageCaller("project:write");
  const { slug } = await params;
  const { activated } = await searchParams;
  const ctx = contextFor(caller);
  const project = await orNotFound(() => getProject({ ctx, input: { slug } }));
  const progress = await projectProgress(ctx, project);
  const members = await listMembers({ ctx, input: { slug: project.slug } });
  const checklist = project.status === "draft" ? await projectChecklist({ ctx, input: { slug: project.slug } }) : null;
  // AI judges compare the two responses of pairwise items only.
  const pairwise = effectiveSchema(project.judgmentSchema).type === "pairwise";
  const judges = pairwise ? (await listJudges({ ctx })).map((j) => j.name) : [];
  const judgeRuns = pairwise ? await listJudgeRuns({ ctx, input: { slug: project.slug } }) : [];
  const generation = can(caller.role, "model:manage") ? await generationState(ctx, project.slug) : null;
  return (
    <>
      <h1>{project.name}</h1>
      {checklist && <ProjectChecklist slug={project.slug} checklist={checklist} />}
      {activated === "1" && project.status === "active" && (
        <p className="ok" role="status" data-testid="activate-message">
          Project activated: annotators now see it.
        </p>
      )}
      <section className="panel" aria-labelledby="progress-heading">
        <h2 id="progress-heading">Progress</h2>
        <dl className="stats" data-testid="project-progress">
          <div><dt>Items</dt><dd data-testid="progress-items">{progress.items}</dd></div>
          <div><dt>Judgments</dt><dd data-testid="progress-judgments">{progress.judgments}</dd></div>
          <div><dt>Items complete</dt><dd data-testid="progress-complete">{progress.completeItems}</dd></div>
          <div><dt>Overlap</dt><dd data-testid="progress-overlap">{project.minJudgments != null ? `adaptive ${project.minJudgments}–${project.maxJudgments}` : project.overlap}</dd></div>
          <div><dt>Lease</dt><dd>{project.leaseMinutes} min</dd></div>
        </dl>
        <CompleteBar name={project.name} complete={progress.completeItems} total={progress.items} />
      </section>
      <section className="panel" aria-labelledby="texts-heading">
        <h2 id="texts-heading">Guidelines and judgment schema</h2>
        <ProjectTextsForm slug={project.slug} guidelines={project.guidelines} judgmentSchema={project.judgmentSchema ? JSON.stringify(project.judgmentSchema, null, 2) : ""} />
      </section>
      <section className="panel" aria-labelledby="settings-heading">
        <h2 id="settings-heading">Assignment and quality control</h2>
        <ProjectSettingsForm project={project} settings={projectSettingRows()} />
      </section>
      <section className="panel" aria-labelledby="members-heading">
        <h2 id="members-heading">Members</h2>
        <MembersPanel slug={project.slug} members={members} />
      </section>
      <section className="panel" aria-labelledby="import-heading">
        <h2 id="import-heading">Import items</h2>
        <ImportForm slug={project.slug} />
      </section>
      {generation && (
        <section className="panel" aria-labelledby="generate-heading">
          <h2 id="generate-heading">Generate responses</h2>
          <GenerationPanel slug={project.slug} contenders={generation.contenders} runs={generation.runs} maxBytes={GENERATION_BODY_LIMIT} />
        </section>
      )}
      {pairwise && (
        <section className="panel" aria-labelledby="judge-runs-heading">
          <h2 id="judge-runs-heading">AI judge runs</h2>
          <p className="muted">
            A judge compares each item&apos;s two responses in both orders; its verdicts are kept apart from human judgments and shown on the dashboard as judge vs humans.
          </p>
          <JudgeRunPanel slug={project.slug} judges={judges} runs={judgeRuns} />
        </section>
      )}
      <section className="panel" aria-labelledby="export-heading">
        <h2 id="export-heading">Export</h2>
        <ExportForm slug={project.slug} />
      </section>
    </>
  );
}

/** The Generate responses panel's start: the contenders to choose from and the project's runs with their failures. */
async function generationState(ctx: Ctx, slug: string): Promise<{ contenders: string[]; runs: RunState[] }> {
  const contenders = (await listContenders({ ctx })).map((c) => c.name);
  const runs = await listGenerations({ ctx, input: { slug } });
  return {
    contenders,
    runs: await Promise.all(runs.map(async (run) => ({ ...run, failures: run.failed ? await generationFailures({ ctx, input: { id: run.id } }) : [] }))),
  };
}
