"""Self-check exercises: Check, Hint and Show answer, with feedback that says what is wrong."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets
from traitlets import Unicode

from widgets.core import exercises
from widgets.panels.base import Panel, note_html

__all__ = ["ExerciseCard", "Exercises"]


class ExerciseCard(Panel):
    """One exercise: its statement, an answer box and Check / Hint / Show answer buttons.

    Attributes
    ----------
    exercise : widgets.core.exercises.Exercise
    answer : str
        What was typed.
    feedback : str
        The last verdict in words.
    correct : bool or None
        The last check's result (None before any check).
    hints_shown : int
    error : str
        Why the typed answer could not be read.
    """

    answer = Unicode("", help="The typed answer.")

    def __init__(self, exercise: exercises.Exercise | str, **kwargs: Any):
        if isinstance(exercise, str):
            exercise = next(e for e in exercises.EXERCISES if e.key == exercise)
        super().__init__(f"{exercise.section}: {exercise.title}")
        self.exercise = exercise
        self.feedback = ""
        self.correct: bool | None = None
        self.hints_shown = 0
        kind = "a number" if exercise.kind == "number" else "an expression"
        self.statement = ipywidgets.HTMLMath(exercise.statement)
        self.answer_box = ipywidgets.Text(placeholder=f"type {kind}", continuous_update=False,
                                          layout=ipywidgets.Layout(width="320px"))
        ipywidgets.link((self, "answer"), (self.answer_box, "value"))
        self.check_button = ipywidgets.Button(description="Check", icon="check")
        self.hint_button = ipywidgets.Button(description="Hint", icon="lightbulb-o")
        self.solution_button = ipywidgets.Button(description="Show answer", icon="eye")
        self.check_button.on_click(lambda _: self.check())
        self.hint_button.on_click(lambda _: self.hint())
        self.solution_button.on_click(lambda _: self.show_answer())
        self.feedback_html = ipywidgets.HTMLMath()
        self.feedback_html.add_class("wb-feedback")
        self._set_body(self.statement,
                       ipywidgets.HBox([self.answer_box, self.check_button, self.hint_button,
                                        self.solution_button]),
                       self.feedback_html)
        self.layout.border = "1px solid #ddd"
        self.layout.margin = "4px 0"
        for name, value in kwargs.items():
            setattr(self, name, value)

    def check(self, text: str | None = None) -> bool:
        """Check ``text`` (default: the answer box); show and return the verdict."""
        if text is not None:
            self.answer = text
        self.correct = None  # an unreadable answer is not a correct one
        if not self.attempt(self._check):
            self.feedback_html.value = ""
        return bool(self.correct)

    def _check(self) -> None:
        if not self.answer.strip():
            raise ValueError("type an answer first")
        verdict = exercises.check_answer(self.exercise, self.answer)
        self.correct, self.feedback = verdict.correct, verdict.feedback
        self.feedback_html.value = note_html(verdict.feedback,
                                             "good" if verdict.correct else "bad")

    def hint(self) -> str:
        """Show the next hint and return it ("" when there are no more)."""
        hints = self.exercise.hints
        if self.hints_shown >= len(hints):
            self.feedback_html.value = "<i>no more hints: try Show answer</i>"
            return ""
        text = hints[self.hints_shown]
        self.hints_shown += 1
        self.feedback_html.value = f"💡 hint {self.hints_shown} of {len(hints)}: {text}"
        return text

    def show_answer(self) -> None:
        """Show the answer with its reasoning."""
        self.feedback_html.value = (
            f"<b>answer:</b> <code>{html.escape(self.exercise.answer)}</code><br>"
            f"{self.exercise.solution}")


class Exercises(ipywidgets.VBox):
    """Every exercise of the chapter, one card each (``cards`` maps key -> card)."""

    def __init__(self, keys: tuple[str, ...] | None = None, **kwargs: Any):
        chosen = [e for e in exercises.EXERCISES if keys is None or e.key in keys]
        self.cards = {e.key: ExerciseCard(e) for e in chosen}
        super().__init__(children=list(self.cards.values()), **kwargs)

    def close(self) -> None:
        for card in self.cards.values():
            card.close()
        super().close()
