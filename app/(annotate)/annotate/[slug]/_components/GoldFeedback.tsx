"use client";
// What an annotator sees right after judging a check (gold) item during a qualification or in
// training mode: the expected answer in the slots they were shown, its explanation, and where their
// qualification stands. Enter (or the button) continues. Also the qualification line of the header.
import type { Choice } from "@/lib/formats/record";
import type { GoldFeedback as Feedback, QualificationView } from "@/lib/services/qualification";
import { Markdown } from "@/app/_components/Markdown";
import { qualificationText } from "./qualification-text";

const ANSWER: Record<Choice, string> = { A: "Response A", B: "Response B", tie: "A tie (both equally good)", both_bad: "Both bad" };

export function QualificationBadge({ qualification }: { qualification: QualificationView }) {
  return (
    <span className={`badge qualification-${qualification.status}`} data-testid="qualification-status" data-status={qualification.status}>
      {qualificationText(qualification)}
    </span>
  );
}

export function GoldFeedbackDialog({ feedback, onContinue }: { feedback: Feedback; onContinue: () => void }) {
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="gold-feedback-title" data-testid="gold-feedback" data-correct={feedback.correct}>
      <div className="panel">
        <h2 id="gold-feedback-title">{feedback.correct ? "✓ Right" : "✗ Not the expected answer"}</h2>
        <p>
          That was a check item. The expected answer: <strong data-testid="gold-answer">{ANSWER[feedback.answer]}</strong>
        </p>
        {feedback.explanation && (
          <div data-testid="gold-explanation">
            <Markdown text={feedback.explanation} />
          </div>
        )}
        {feedback.qualification && (
          <p data-testid="feedback-qualification">
            {qualificationText(feedback.qualification)}
            {feedback.qualification.status === "passed" && " — you passed: real items come next."}
          </p>
        )}
        <button type="button" className="primary" autoFocus onClick={onContinue} data-testid="feedback-continue">
          Continue <kbd>Enter</kbd>
        </button>
      </div>
    </div>
  );
}
