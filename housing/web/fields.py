"""Form fields and choice lists shared by every area's forms."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    """A set of checkboxes (clearer than a multi-select, and usable on a phone)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def options(pairs: Iterable[tuple[Any, Any]], empty: Any = None) -> list[SelectChoice]:
    """Choices from (value, label) pairs, optionally after an empty "none chosen" option."""
    choices = [SelectChoice(value, label) for value, label in pairs]
    return [SelectChoice("", empty), *choices] if empty is not None else choices


def vocabulary_options(vocabulary: dict, empty: Any = None) -> list[SelectChoice]:
    """Choices from a code list of ``housing.vocabulary`` (labels stay lazy: translated when shown)."""
    return options(vocabulary.items(), empty)
