"""Question-bank schema: pydantic models plus the cross-field rules that pydantic cannot express.

A bank is one YAML file per module in ``data/quizzes/``. ``load_bank`` validates it and, on the
first problem, raises :class:`BankError` whose message names the file, the question id and the
field, e.g.::

    data/quizzes/01-biology.yaml: question 'heroin-speed': field 'options[1].feedback': Field required
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    ValidationError,
    field_validator,
)

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
ObjectiveId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Level = Literal["recall", "understand", "apply", "analyse"]
HIGHER_LEVELS = ("apply", "analyse")


class BankError(ValueError):
    """A malformed question bank: one message naming file, question and field."""

    def __init__(self, file: str | Path, where: str, field: str, message: str):
        self.file = str(file)
        self.where = where
        self.field = field
        self.message = message
        super().__init__(f"{self.file}: {where}: field '{field}': {message}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    id: Id
    text: Text
    feedback: Text
    correct: StrictBool = False


class _Question(_Strict):
    id: Id
    level: Level
    objective: ObjectiveId
    prompt: Text
    explanation: Text
    source: Text


class _ChoiceQuestion(_Question):
    """Single choice and multiple select: at least two options with unique ids."""

    options: list[Option] = Field(min_length=2)

    @field_validator("options")
    @classmethod
    def _unique_option_ids(cls, options: list[Option]) -> list[Option]:
        seen: set[str] = set()
        for opt in options:
            if opt.id in seen:
                raise ValueError(f"option id '{opt.id}' is used twice")
            seen.add(opt.id)
        return options


class SingleQuestion(_ChoiceQuestion):
    type: Literal["single"]

    @field_validator("options")
    @classmethod
    def _exactly_one_correct(cls, options: list[Option]) -> list[Option]:
        n = sum(o.correct for o in options)
        if n != 1:
            raise ValueError(f"a single-choice question needs exactly one correct option, found {n}")
        return options


class MultipleQuestion(_ChoiceQuestion):
    type: Literal["multiple"]

    @field_validator("options")
    @classmethod
    def _at_least_one_correct(cls, options: list[Option]) -> list[Option]:
        if not any(o.correct for o in options):
            raise ValueError("a multiple-select question needs at least one correct option")
        return options


class TrueFalseFeedback(_Strict):
    if_true: Text
    if_false: Text


class TrueFalseQuestion(_Question):
    type: Literal["truefalse"]
    answer: StrictBool
    feedback: TrueFalseFeedback


class NumericFeedback(_Strict):
    low: Text
    correct: Text
    high: Text


class NumericQuestion(_Question):
    type: Literal["numeric"]
    answer: float
    tolerance: float = Field(ge=0)
    unit: Text | None = None
    feedback: NumericFeedback

    @field_validator("answer", "tolerance")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value


Question = Annotated[
    Union[SingleQuestion, MultipleQuestion, TrueFalseQuestion, NumericQuestion],
    Field(discriminator="type"),
]


class Objective(_Strict):
    id: ObjectiveId
    text: Text


class Bank(_Strict):
    id: Id
    title: Text
    objectives: list[Objective] = Field(min_length=1)
    questions: list[Question] = Field(min_length=1)

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)


# --------------------------------------------------------------------------------------------
# Loading


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that rejects a key given twice in one mapping (PyYAML keeps the last)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen: dict[Any, Any] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key '{key}' appears twice in one mapping", key_node.start_mark
            )
        seen[key] = True
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)


def _field_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(bank)"


def _describe_error(raw: Any, err: dict[str, Any]) -> tuple[str, str, str]:
    """Turn one pydantic error into (where, field, message)."""
    loc = tuple(err["loc"])
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
        index = loc[1]
        qraw = raw.get("questions", [])[index] if isinstance(raw, dict) else None
        qid = qraw.get("id") if isinstance(qraw, dict) else None
        where = f"question '{qid}'" if isinstance(qid, str) and qid else f"question #{index + 1} (no id)"
        rest = loc[2:]
        # pydantic puts the discriminator value (e.g. 'single') in the location: drop it.
        if rest and isinstance(qraw, dict) and rest[0] == qraw.get("type"):
            rest = rest[1:]
        if err["type"] == "union_tag_invalid":
            return where, "type", "must be one of single, multiple, truefalse, numeric"
        if err["type"] == "union_tag_not_found":
            return where, "type", "missing: must be one of single, multiple, truefalse, numeric"
        return where, _field_path(rest), msg
    if len(loc) >= 2 and loc[0] == "objectives" and isinstance(loc[1], int):
        oraw = raw.get("objectives", [])[loc[1]] if isinstance(raw, dict) else None
        oid = oraw.get("id") if isinstance(oraw, dict) else None
        return f"objective '{oid}'" if oid else f"objective #{loc[1] + 1}", _field_path(loc[2:]), msg
    return "bank", _field_path(loc), msg


def parse_bank(raw: Any, file: str | Path, bib_keys: set[str] | None) -> Bank:
    """Validate already-parsed YAML ``raw``; ``bib_keys`` None skips the source check."""
    file = str(file)
    if not isinstance(raw, dict):
        raise BankError(file, "bank", "(bank)", "the file must hold a mapping with id, title, objectives, questions")
    try:
        bank = Bank.model_validate(raw)
    except ValidationError as exc:
        where, field, msg = _describe_error(raw, exc.errors()[0])
        raise BankError(file, where, field, msg) from None
    _check_rules(bank, file, bib_keys)
    return bank


def _check_rules(bank: Bank, file: str, bib_keys: set[str] | None) -> None:
    stem = Path(file).stem
    if Path(file).suffix in (".yaml", ".yml") and bank.id != stem:
        raise BankError(file, "bank", "id", f"'{bank.id}' must equal the file name '{stem}'")
    objective_ids: set[str] = set()
    for obj in bank.objectives:
        if obj.id in objective_ids:
            raise BankError(file, f"objective '{obj.id}'", "id", "objective id is used twice")
        objective_ids.add(obj.id)
    seen: set[str] = set()
    for q in bank.questions:
        where = f"question '{q.id}'"
        if q.id in seen:
            raise BankError(file, where, "id", "question id is used twice in this bank")
        seen.add(q.id)
        if q.objective not in objective_ids:
            raise BankError(file, where, "objective", f"'{q.objective}' is not one of the bank's objectives {sorted(objective_ids)}")
        if bib_keys is not None and q.source not in bib_keys:
            raise BankError(file, where, "source", f"'{q.source}' is not a key in references.bib")
    for obj in bank.objectives:
        n = sum(q.objective == obj.id for q in bank.questions)
        if n < 2:
            raise BankError(file, f"objective '{obj.id}'", "objectives", f"checked by {n} question(s); every objective needs at least 2")
    higher = sum(q.level in HIGHER_LEVELS for q in bank.questions)
    if 3 * higher < len(bank.questions):
        raise BankError(
            file, "bank", "questions[].level",
            f"{higher} of {len(bank.questions)} questions are at apply/analyse level; at least a third must be",
        )


def read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise BankError(path, "bank", "(file)", f"not UTF-8 text ({exc.reason})") from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise BankError(path, "bank", "(yaml)", f"{line}YAML syntax error: {problem}") from None


def load_bank_file(path: str | Path, bib_keys: set[str] | None) -> Bank:
    path = Path(path)
    return parse_bank(read_yaml(path), path, bib_keys)
