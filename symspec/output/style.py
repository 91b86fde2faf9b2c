"""The look shared by every renderer: verdict colours and labels."""

from __future__ import annotations

from rich.text import Text

from ..verdicts import CONVENTION, FAIL, PASS, PRINTED, UNDEFINED, VARIANT

STYLE = {PASS: "bold green", FAIL: "bold red", UNDEFINED: "bold yellow"}
SOURCE_LABEL = {PRINTED: "printed", VARIANT: "variant", CONVENTION: "convent."}
LABEL = {PASS: "PASS", FAIL: "FAIL", UNDEFINED: "UNDEFINED"}


def verdict_text(state: str) -> Text:
    return Text(LABEL.get(state, state.upper()), style=STYLE.get(state, ""))
