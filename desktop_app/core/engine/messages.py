"""The engine's words for a person, marked for translation (issue 18 note).

In one light module that the front ends import (client.py does), so the GUI knows the templates
even though the engine code that raises them runs in another process: ui/core_text.py matches the
English text it receives back to these templates. The English stays what the server and the
command line print; a reason inside (jinja's or the converter's words) stays as it came.
"""

from __future__ import annotations

from desktop_app.core.i18n import QT_TRANSLATE_NOOP

STOPPED = QT_TRANSLATE_NOOP("Engine", "Cancelled (the engine was stopped).")
CLOSED = QT_TRANSLATE_NOOP("Engine", "The engine was closed.")
NOT_RUNNING = QT_TRANSLATE_NOOP("Engine", "The engine is not running.")
CANCELLED = QT_TRANSLATE_NOOP("Engine", "Cancelled.")
LOAD_CANCELLED = QT_TRANSLATE_NOOP("Engine", "Loading was cancelled.")
NO_MODEL = QT_TRANSLATE_NOOP("Engine", "No model is loaded.")
EMPTY_PROMPT = QT_TRANSLATE_NOOP("Engine", "The prompt is empty and the model has no start token.")
TEMPLATE_PARSE = QT_TRANSLATE_NOOP("Engine", "The model's chat template does not parse: {reason}")
TEMPLATE_FAILED = QT_TRANSLATE_NOOP("Engine", "The model's chat template failed: {reason}")
CALIBRATION_FAILED = QT_TRANSLATE_NOOP("Engine", "The calibration input failed: {reason}")
UNEXPECTED = QT_TRANSLATE_NOOP("Engine", "Unexpected engine error: {reason}")

SCHEMA_NOT_OBJECT = QT_TRANSLATE_NOOP("Engine", "The schema must be a JSON object.")
SCHEMA_NOT_JSON = QT_TRANSLATE_NOOP("Engine", "The schema is not valid JSON.")
TOOLS_NOT_JSON = QT_TRANSLATE_NOOP("Engine", "The tools are not valid JSON.")
UNKNOWN_FORMAT = QT_TRANSLATE_NOOP("Engine", "Unknown output format {kind}.")
TOOLS_NOT_LIST = QT_TRANSLATE_NOOP("Engine", "The tools must be a list of function definitions.")
TOOL_CHOICE_UNKNOWN = QT_TRANSLATE_NOOP("Engine", "tool_choice names {name}, which is not a tool.")
TOOL_PARAMS_NOT_OBJECT = QT_TRANSLATE_NOOP(
    "Engine", "The parameters of tool {name} must be an object."
)
SCHEMA_TOO_DEEP = QT_TRANSLATE_NOOP("Engine", "The schema nests too deeply.")
SCHEMA_REFUSED = QT_TRANSLATE_NOOP("Engine", "The schema cannot be used: {reason}")
GRAMMAR_TOO_LONG = QT_TRANSLATE_NOOP(
    "Engine",
    "The schema makes a grammar of {size} characters; at most {limit} are allowed. "
    "Simplify the schema.",
)
