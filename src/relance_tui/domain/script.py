"""The call script's timing: which prompts show after how long."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Prompt:
    after_s: int  # seconds into the phase (or the call)
    text: str
    clock: str = "phase"  # "phase" or "call"


@dataclass(frozen=True)
class Phase:
    code: str
    title: str
    body: str
    prompts: tuple[Prompt, ...] = field(default_factory=tuple)


def visible_prompts(phase: Phase, phase_elapsed: float, call_elapsed: float) -> list[Prompt]:
    """Prompts whose time has come, in the order they appeared."""
    due = [p for p in phase.prompts if (call_elapsed if p.clock == "call" else phase_elapsed) >= p.after_s]
    return sorted(due, key=lambda p: p.after_s if p.clock == "phase" else p.after_s - call_elapsed + phase_elapsed)
