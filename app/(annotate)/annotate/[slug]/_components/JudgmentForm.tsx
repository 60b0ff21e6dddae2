"use client";
// The judgment controls for every type (pairwise with strength, ranking, ratings, flags, rewrite,
// demonstration, rationale) around the responses. Controlled: the caller owns the draft, so the
// workspace and the history page's revise form share it. Its keys are JUDGMENT_KEYS in keymap.ts.
import { memo, useEffect, useRef, useState, type Dispatch, type ReactNode, type SetStateAction } from "react";
import { choiceOfStrength, type ProjectJudgmentSchema } from "@/lib/formats/judgment";
import {
  currentScale,
  moveSlot,
  pairwiseChoices,
  placeSlot,
  rewriteOpen,
  setRating,
  STRENGTH_LABELS,
  toggleFlag,
  toggleTie,
  type Draft,
} from "./draft";
import { Markdown } from "@/app/_components/Markdown";

export interface Candidate {
  slot: string;
  content: string;
}

type SetDraft = Dispatch<SetStateAction<Draft>>;

/** Long responses start collapsed to this many characters' worth of height. */
const LONG = 1800;

export function JudgmentForm({
  schema,
  candidates,
  draft,
  setDraft,
  onSubmitKey,
}: {
  schema: ProjectJudgmentSchema;
  candidates: Candidate[];
  draft: Draft;
  setDraft: SetDraft;
  onSubmitKey: () => void;
}) {
  const winner = schema.type === "pairwise" && (draft.choice === "A" || draft.choice === "B") ? draft.choice : null;
  const scale = currentScale(schema, draft, candidates.length);
  const textKeys = (e: React.KeyboardEvent<HTMLElement>) => {
    if (e.key === "Escape") (e.target as HTMLElement).blur();
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      onSubmitKey();
    }
  };
  return (
    <>
      <div className={`ws-candidates n${candidates.length}`}>
        {candidates.map((c) => (
          <CandidatePanel
            key={c.slot}
            candidate={c}
            selected={winner === c.slot || draft.selected === c.slot}
            schema={schema}
            flags={draft.flags[c.slot]}
            ratings={draft.ratings[c.slot]}
            currentCriterion={scale?.slot === c.slot ? scale.criterion.key : undefined}
            setDraft={setDraft}
          />
        ))}
      </div>
      <div className="ws-controls">
        {schema.type === "pairwise" && <PairwiseControls schema={schema} draft={draft} setDraft={setDraft} />}
        {schema.type === "ranking" && <RankingBoard schema={schema} draft={draft} setDraft={setDraft} candidates={candidates} />}
        {rewriteOpen(schema, draft) && (
          <TextAnswer
            label="Your better response (optional): write one, or start from a response and edit it"
            testid="rewrite"
            value={draft.rewrite}
            onChange={(rewrite) => setDraft((d) => ({ ...d, rewrite }))}
            candidates={candidates}
            onKeyDown={textKeys}
          />
        )}
        {schema.type === "demonstration" && (
          <TextAnswer
            label="The ideal response to the prompt"
            testid="demonstration"
            value={draft.demonstration}
            onChange={(demonstration) => setDraft((d) => ({ ...d, demonstration }))}
            candidates={candidates}
            onKeyDown={textKeys}
          />
        )}
        {schema.rationale !== "hidden" && (
          <label className="ws-rationale">
            Rationale {schema.rationale === "required" ? "(required)" : "(optional)"} <kbd>R</kbd>
            <textarea
              rows={2}
              value={draft.rationale}
              placeholder={schema.rationale === "required" ? "Why? (required)" : "Why? (optional)"}
              onChange={(e) => setDraft((d) => ({ ...d, rationale: e.target.value }))}
              onKeyDown={(e) => {
                textKeys(e);
                // A short rationale is one line: Enter submits, Shift+Enter adds a line.
                if (e.key === "Enter" && !e.shiftKey && !e.ctrlKey && !e.metaKey) {
                  e.preventDefault();
                  onSubmitKey();
                }
              }}
              data-testid="rationale"
              aria-required={schema.rationale === "required"}
            />
          </label>
        )}
      </div>
    </>
  );
}

const CandidatePanel = memo(function CandidatePanel({
  candidate,
  selected,
  schema,
  flags,
  ratings,
  currentCriterion,
  setDraft,
}: {
  candidate: Candidate;
  selected: boolean;
  schema: ProjectJudgmentSchema;
  flags?: string[];
  ratings?: Record<string, number>;
  /** The criterion whose scale digit keys rate now (rating projects), when it is on this response. */
  currentCriterion?: string;
  setDraft: SetDraft;
}) {
  const long = candidate.content.length > LONG;
  const [open, setOpen] = useState(!long);
  const { slot } = candidate;
  return (
    <article className={`candidate${selected ? " selected" : ""}`} aria-label={`Response ${slot}`} data-testid={`candidate-${slot}`}>
      <h2>Response {slot}</h2>
      <div className={`body${open ? "" : " collapsed"}`} tabIndex={0} aria-label={`Text of response ${slot}`}>
        {candidate.content.trim() === "" ? (
          // An empty response is real data (PandaLM has 54): say so rather than show a blank card.
          <p className="muted" data-testid={`empty-response-${slot}`}>
            <em>(empty response)</em>
          </p>
        ) : (
          <Markdown text={candidate.content} />
        )}
      </div>
      {long && (
        <button type="button" className="link" onClick={() => setOpen((o) => !o)} aria-expanded={open} data-testid={`expand-${slot}`}>
          {open ? "Collapse" : "Show all"}
        </button>
      )}
      {schema.criteria.length > 0 && (
        <div className="ws-ratings">
          {schema.criteria.map((c) => (
            <RatingScaleBox key={c.key} current={currentCriterion === c.key} label={`${c.label} of response ${slot}`} testid={`scale-${slot}-${c.key}`}>
              <span className="scale-label">{c.label}</span>
              <span className="end">{c.min_label ?? c.min}</span>
              {Array.from({ length: c.max - c.min + 1 }, (_, i) => c.min + i).map((v) => (
                <button
                  key={v}
                  type="button"
                  role="radio"
                  aria-checked={ratings?.[c.key] === v}
                  aria-label={`${c.label} ${v}${v === c.min && c.min_label ? ` (${c.min_label})` : ""}${v === c.max && c.max_label ? ` (${c.max_label})` : ""} for response ${slot}`}
                  onClick={() => setDraft((d) => ({ ...d, ratings: setRating(d.ratings, slot, c.key, v) }))}
                  data-testid={`rating-${slot}-${c.key}-${v}`}
                >
                  {v}
                </button>
              ))}
              <span className="end">{c.max_label ?? c.max}</span>
            </RatingScaleBox>
          ))}
        </div>
      )}
      {schema.flags.length > 0 && (
        <div className="ws-flags" role="group" aria-label={`Flags for response ${slot}`}>
          {schema.flags.map((f) => (
            <button
              key={f.key}
              type="button"
              aria-pressed={!!flags?.includes(f.key)}
              onClick={() => setDraft((d) => ({ ...d, flags: toggleFlag(d.flags, slot, f.key) }))}
              data-testid={`flag-${slot}-${f.key}`}
            >
              ⚑ {f.label}
            </button>
          ))}
        </div>
      )}
    </article>
  );
});

/** One rating scale; the one digit keys rate now is outlined and scrolled into view. */
function RatingScaleBox({ current, label, testid, children }: { current: boolean; label: string; testid: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (current) ref.current?.scrollIntoView?.({ block: "nearest" });
  }, [current]);
  return (
    <div ref={ref} className={`scale${current ? " current" : ""}`} role="radiogroup" aria-label={label} aria-current={current || undefined} data-testid={testid}>
      {children}
    </div>
  );
}

function PairwiseControls({ schema, draft, setDraft }: { schema: ProjectJudgmentSchema; draft: Draft; setDraft: SetDraft }) {
  return (
    <div className="ws-choices" role="group" aria-label="Which response is better">
      {schema.strength ? (
        <div className="strength" role="radiogroup" aria-label="Preference strength">
          {[-3, -2, -1, 0, 1, 2, 3].map((v) =>
            v === 0 && !schema.allow_tie ? null : (
              <button
                key={v}
                type="button"
                role="radio"
                aria-checked={draft.strength === v && draft.choice !== "both_bad"}
                aria-label={STRENGTH_LABELS[v]}
                title={STRENGTH_LABELS[v]}
                onClick={() => setDraft((d) => ({ ...d, strength: v, choice: choiceOfStrength(v) }))}
                data-testid={`strength-${v}`}
              >
                <span className="v">{v > 0 ? `+${v}` : v}</span>
                <span className="l">{STRENGTH_LABELS[v]}</span>
                <kbd>{v + 4}</kbd>
              </button>
            ),
          )}
        </div>
      ) : (
        pairwiseChoices(schema)
          .filter((c) => c.value !== "both_bad")
          .map((c) => (
            <button
              key={c.value}
              type="button"
              aria-pressed={draft.choice === c.value}
              onClick={() => setDraft((d) => ({ ...d, choice: c.value }))}
              data-testid={`choice-${c.value}`}
            >
              {c.label} <kbd>{c.keys[0]}</kbd>
            </button>
          ))
      )}
      {schema.allow_both_bad && (
        <button
          type="button"
          aria-pressed={draft.choice === "both_bad"}
          onClick={() => setDraft((d) => ({ ...d, choice: "both_bad", strength: undefined }))}
          data-testid="choice-both_bad"
        >
          Both bad <kbd>{schema.strength ? "X" : "4"}</kbd>
        </button>
      )}
    </div>
  );
}

function RankingBoard({ schema, draft, setDraft, candidates }: { schema: ProjectJudgmentSchema; draft: Draft; setDraft: SetDraft; candidates: Candidate[] }) {
  const [dragging, setDragging] = useState<string | null>(null);
  const snippet = (slot: string) => (candidates.find((c) => c.slot === slot)?.content ?? "").replace(/\s+/g, " ").slice(0, 80);
  let place = 0;
  return (
    <div className="ws-ranking">
      <p className="muted" id="ranking-help">
        Best at the top. Select a response with its number key, move it with ↑ ↓{schema.allow_tie ? ", = ties it with the one above" : ""}; or drag it.
        {!draft.ranked && " (Not ranked yet.)"}
      </p>
      <ol aria-label="Ranking, best first" aria-describedby="ranking-help" data-testid="ranking">
        {draft.ranking.map((group) => {
          place += 1;
          const at = place;
          return group.map((slot, i) => (
            <li
              key={slot}
              draggable
              className={`${draft.selected === slot ? "selected" : ""}${i > 0 ? " tied" : ""}${dragging === slot ? " dragging" : ""}`}
              aria-selected={draft.selected === slot}
              data-testid={`rank-${slot}`}
              data-place={at}
              onDragStart={(e) => {
                setDragging(slot);
                e.dataTransfer.setData("text/plain", slot);
                e.dataTransfer.effectAllowed = "move";
              }}
              onDragEnd={() => setDragging(null)}
              onDragOver={(e) => e.preventDefault()}
              onDrop={(e) => {
                e.preventDefault();
                const from = e.dataTransfer.getData("text/plain") || dragging;
                if (from) setDraft((d) => ({ ...d, ranking: placeSlot(d.ranking, from, slot), ranked: true }));
                setDragging(null);
              }}
            >
              <span className="place">{i > 0 ? "=" : at}</span>
              <button
                type="button"
                className="rank-slot"
                aria-pressed={draft.selected === slot}
                aria-label={`Response ${slot}, place ${at}${group.length > 1 ? " (tied)" : ""}; select to move`}
                onClick={() => setDraft((d) => ({ ...d, selected: d.selected === slot ? undefined : slot, ranked: true }))}
              >
                Response {slot} <span className="snippet">{snippet(slot)}</span>
              </button>
              <button type="button" aria-label={`Move response ${slot} up`} onClick={() => setDraft((d) => ({ ...d, ranking: moveSlot(d.ranking, slot, -1), ranked: true }))}>
                ↑
              </button>
              <button type="button" aria-label={`Move response ${slot} down`} onClick={() => setDraft((d) => ({ ...d, ranking: moveSlot(d.ranking, slot, 1), ranked: true }))}>
                ↓
              </button>
              {schema.allow_tie && (
                <button
                  type="button"
                  aria-label={group.length > 1 ? `Untie response ${slot}` : `Tie response ${slot} with the one above`}
                  onClick={() => setDraft((d) => ({ ...d, ranking: toggleTie(d.ranking, slot), ranked: true }))}
                >
                  =
                </button>
              )}
            </li>
          ));
        })}
      </ol>
    </div>
  );
}

function TextAnswer({
  label,
  testid,
  value,
  onChange,
  candidates,
  onKeyDown,
}: {
  label: string;
  testid: string;
  value: string;
  onChange: (v: string) => void;
  candidates: Candidate[];
  onKeyDown: (e: React.KeyboardEvent<HTMLTextAreaElement>) => void;
}) {
  return (
    <div className="ws-text">
      <label htmlFor={`ws-${testid}`}>
        {label} <kbd>W</kbd>
      </label>
      <div className="row">
        {candidates.map((c) => (
          <button key={c.slot} type="button" onClick={() => onChange(c.content)} data-testid={`${testid}-from-${c.slot}`}>
            Start from {c.slot}
          </button>
        ))}
      </div>
      <textarea id={`ws-${testid}`} rows={8} value={value} onChange={(e) => onChange(e.target.value)} onKeyDown={onKeyDown} data-testid={testid} />
    </div>
  );
}
