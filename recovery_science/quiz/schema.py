"""Question-bank schema: pydantic models plus the cross-field rules that pydantic cannot express.

A bank is one YAML file per module in ``data/quizzes/``. ``load_bank`` reads it as YAML 1.2
(so ``No``, ``yes`` and ``on`` are text, never booleans), validates it, and raises
:class:`BankError` listing **every** problem in the file, one line each, naming the file, the line,
the question (or objective) and the field, e.g.::

    data/quizzes/01-biology.yaml:57: question 'heroin-speed': field 'options[1].feedback': required field is missing
    data/quizzes/01-biology.yaml:12: question 'q-single': field 'promt': unknown field 'promt' — did you mean 'prompt'?

Types are strict: a number must be written as a number (``answer: "4.7"`` and ``answer: true``
are rejected; an integer is fine where a decimal is expected), and ``correct`` must be ``true``
or ``false``. Duplicate keys are rejected. ``bank_json_schema()`` is the JSON Schema of a bank,
committed as ``data/quizzes/bank.schema.json`` so that editors check a bank as it is typed.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import math
import types
import typing
from dataclasses import dataclass, replace
from dataclasses import field as dc_field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    StringConstraints,
    ValidationError,
    field_validator,
)

Id = Annotated[StrictStr, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
ObjectiveId = Annotated[StrictStr, StringConstraints(pattern=r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$")]
Text = Annotated[StrictStr, StringConstraints(strip_whitespace=True, min_length=1)]
Level = Literal["recall", "understand", "apply", "analyse"]
HIGHER_LEVELS = ("apply", "analyse")
QUESTION_TYPES = ("single", "multiple", "truefalse", "numeric")
SCHEMA_FILE = "bank.schema.json"


# --------------------------------------------------------------------------------------------
# Problems and the error type


@dataclass(frozen=True)
class BankProblem:
    """One problem in one bank: ``str()`` is the one line shown to the author."""

    file: str
    where: str  # "bank", "question 'q-id'", "question #3 (no id)", "objective 'LO1'"
    field: str | None
    message: str
    line: int | None = None
    path: tuple = dc_field(default=(), compare=False, repr=False)  # where in the data, if known

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        field = f"field '{self.field}': " if self.field else ""
        return f"{place}: {self.where}: {field}{self.message}"


class BankError(ValueError):
    """A malformed question bank. ``problems`` lists every problem found; ``str()`` is one line
    per problem. ``file``, ``where``, ``field``, ``message`` and ``line`` describe the first one.

    ``BankError(problems)`` or, for a single problem, ``BankError(file, where, field, message)``.
    """

    def __init__(self, *args: Any, line: int | None = None):
        if len(args) == 1 and isinstance(args[0], (list, tuple)):
            problems = list(args[0])
        else:
            file, where, field, message = args
            problems = [BankProblem(str(file), where, field, message, line)]
        if not problems:
            raise ValueError("BankError needs at least one problem")
        self.problems: list[BankProblem] = problems
        first = problems[0]
        self.file, self.where, self.field, self.message, self.line = (
            first.file,
            first.where,
            first.field,
            first.message,
            first.line,
        )
        super().__init__("\n".join(str(p) for p in problems))


# --------------------------------------------------------------------------------------------
# Models


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
    # Shown in a shuffled order fixed by the bank and question ids (recovery_science/quiz/order.py);
    # false keeps the authored order, for options with a natural order (e.g. mild, moderate, severe).
    shuffle: StrictBool = True

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
    answer: StrictFloat
    tolerance: Annotated[StrictFloat, Field(ge=0)]
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
_BY_TYPE: dict[str, type[BaseModel]] = {
    "single": SingleQuestion,
    "multiple": MultipleQuestion,
    "truefalse": TrueFalseQuestion,
    "numeric": NumericQuestion,
}


class Objective(_Strict):
    id: ObjectiveId
    text: Text


class Bank(_Strict):
    id: Id
    title: Text
    objectives: list[Objective] = Field(min_length=1)
    questions: list[Question] = Field(min_length=1)
    # Changes every shuffled order of the bank at once; raise it only when the balance test
    # (tests/test_quiz_order.py) fails, never to place a key by hand. 0 unless a bank needs it.
    shuffle_salt: Annotated[StrictInt, Field(ge=0)] = 0

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)


def bank_json_schema() -> dict[str, Any]:
    """The JSON Schema of a bank (committed as ``data/quizzes/bank.schema.json``)."""
    schema = Bank.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Recovery Science question bank",
        "description": (
            "Generated from recovery_science.quiz.schema by `recovery-science generate`; do not edit. "
            "It checks types and fields; `recovery-science validate` also checks the cross-field rules."
        ),
        **{k: v for k, v in schema.items() if k != "title"},
    }


# --------------------------------------------------------------------------------------------
# YAML 1.2 reading, with line numbers


Path_ = tuple[Any, ...]


@dataclass(frozen=True)
class YamlDoc:
    """Plain Python data read from a YAML file, and the line (1-based) of each key and item."""

    data: Any
    lines: dict[Path_, int]
    problems: tuple[BankProblem, ...] = ()

    def line(self, path: Path_) -> int | None:
        path = tuple(path)
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]


def _describe_key(key: Any) -> str:
    if isinstance(key, (list, tuple)):
        return "a list"
    if isinstance(key, dict):
        return "a mapping"
    if key is None:
        return "an empty key"
    return f"{key!r} ({type(key).__name__})"


def _plain(node: Any, path: Path_, lines: dict[Path_, int], problems: list[BankProblem], file: str) -> Any:
    """Turn ruamel's round-trip nodes into dict/list/str/int/float/bool, recording lines."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedMap):
        out: dict[str, Any] = {}
        for key in node:
            try:
                kline = node.lc.key(key)[0] + 1
            except (KeyError, TypeError, AttributeError):
                kline = lines.get(path)
            if not isinstance(key, str):
                problems.append(
                    BankProblem(
                        file,
                        "bank",
                        None,
                        f"a key must be plain text, found {_describe_key(key)}",
                        kline,
                        path,
                    )
                )
                continue
            if kline is not None:
                lines[path + (key,)] = kline
            out[key] = _plain(node[key], path + (key,), lines, problems, file)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for i, item in enumerate(node):
            try:
                lines[path + (i,)] = node.lc.item(i)[0] + 1
            except (KeyError, TypeError, AttributeError):
                pass
            items.append(_plain(item, path + (i,), lines, problems, file))
        return items
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node  # None, dates and anything else: the schema reports a wrong type


def _yaml_problem(file: str, exc: Exception) -> BankProblem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if type(exc).__name__ == "DuplicateKeyError":
        key = str(problem).split('"')[1] if '"' in str(problem) else "?"
        return BankProblem(file, "bank", None, f"key '{key}' appears twice in one mapping", line)
    return BankProblem(file, "bank", None, f"YAML syntax error: {' '.join(str(problem).split())}", line)


def parse_yaml(text: str, file: str | Path) -> YamlDoc:
    """Parse YAML 1.2 text; syntax errors and non-text keys become problems, never exceptions."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    file = str(file)
    yaml = YAML(typ="rt")  # round trip: keeps line numbers; YAML 1.2; duplicate keys are errors
    try:
        node = yaml.load(text)
    except YAMLError as exc:
        return YamlDoc(None, {}, (_yaml_problem(file, exc),))
    except Exception as exc:  # noqa: BLE001 - ruamel raises plain errors on some odd input
        return YamlDoc(None, {}, (BankProblem(file, "bank", None, f"cannot read the YAML: {exc}"),))
    lines: dict[Path_, int] = {(): 1}
    problems: list[BankProblem] = []
    data = _plain(node, (), lines, problems, file)
    return YamlDoc(data, lines, tuple(problems))


@lru_cache(maxsize=32)
def _read_yaml_cached(path: str, mtime_ns: int, size: int) -> YamlDoc:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return YamlDoc(None, {}, (BankProblem(path, "bank", None, f"cannot read the file ({exc.strerror or exc})"),))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return YamlDoc(None, {}, (BankProblem(path, "bank", None, f"not UTF-8 text ({exc.reason})"),))
    return parse_yaml(text, path)


def read_yaml(path: str | Path) -> YamlDoc:
    """Read a YAML file (cached while the file is unchanged); problems are in ``.problems``."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError as exc:
        reason = (
            "file not found" if isinstance(exc, FileNotFoundError) else f"cannot read the file ({exc.strerror or exc})"
        )
        return YamlDoc(None, {}, (BankProblem(str(path), "bank", None, reason),))
    if not path.is_file():
        return YamlDoc(None, {}, (BankProblem(str(path), "bank", None, "not a file"),))
    return _read_yaml_cached(str(path), st.st_mtime_ns, st.st_size)


# --------------------------------------------------------------------------------------------
# Validation errors in plain words


def _inner_models(annotation: Any) -> Any:
    """The model (or {type: model} for the question union) a field holds, through list/Optional."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (list, tuple):
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            if len(models) > 1:
                return _BY_TYPE
            if not models:
                return None
            annotation = models[0]
        else:
            break
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _model_at(loc: Path_) -> type[BaseModel] | None:
    """The model that holds the mapping at pydantic location ``loc``."""
    model: Any = Bank
    for part in loc:
        if isinstance(part, int):
            continue
        if isinstance(model, dict):
            model = model.get(part)
        elif model is not None and part in model.model_fields:
            model = _inner_models(model.model_fields[part].annotation)
        else:
            return None
        if model is None:
            return None
    return model if isinstance(model, type) else None


def _field_path(loc: Path_) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return f"the date {value.isoformat()}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _message(err: dict[str, Any]) -> str:
    """One pydantic error in the course's own words."""
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind in ("string_type",):
        hint = ""
        if isinstance(value, (bool, int, float)) or isinstance(value, (_dt.date, _dt.datetime)):
            hint = "; put it in quotes to use it as text"
        return f"must be text, found {_kind(value)}{hint}"
    if kind == "string_too_short":
        return "must not be blank"
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        if "A-Z" in pattern:
            return f"{value!r} must be letters, digits and single hyphens (e.g. 'LO1')"
        return f"{value!r} must be lowercase letters, digits and single hyphens (e.g. 'dose-response')"
    if kind == "bool_type":
        hint = ""
        if isinstance(value, str) and value.strip().lower() in ("yes", "no", "on", "off", "y", "n", "true", "false"):
            hint = " (in YAML 1.2 yes/no/on/off are text: write true or false)"
        return f"must be true or false, found {_kind(value)}{hint}"
    if kind in ("float_type", "int_type"):
        hint = "; remove the quotes" if isinstance(value, str) and _looks_numeric(value) else ""
        return f"must be a number, found {_kind(value)}{hint}"
    if kind == "finite_number":
        return "must be a finite number"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '')}, found {_kind(value)}".replace("' or '", "', '")
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s), found {ctx.get('actual_length')}"
    if kind in ("greater_than_equal",):
        return f"must be at least {ctx.get('ge')}, found {value}"
    if kind in ("list_type",):
        return f"must be a list (lines starting with '- '), found {_kind(value)}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be a mapping of fields (key: value lines), found {_kind(value)}"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return err["msg"]  # not expected: keep pydantic's words rather than lose the problem


class _Where:
    """Names and lines for locations in one raw bank."""

    def __init__(self, raw: Any, doc: YamlDoc | None):
        self.raw, self.doc = raw, doc

    def _raw_at(self, path: Path_) -> Any:
        node = self.raw
        for part in path:
            if isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):
                node = node[part]
            elif isinstance(part, str) and isinstance(node, dict) and part in node:
                node = node[part]
            else:
                return None
        return node

    def raw_path(self, loc: Path_) -> Path_:
        """Drop the union tag pydantic puts after a question's index."""
        out: list[Any] = []
        for i, part in enumerate(loc):
            if i == 2 and loc[0] == "questions" and isinstance(loc[1], int):
                q = self._raw_at(("questions", loc[1]))
                if isinstance(q, dict) and q.get("type") == part:
                    continue
            out.append(part)
        return tuple(out)

    def line(self, path: Path_) -> int | None:
        return self.doc.line(path) if self.doc is not None else None

    def owner(self, path: Path_) -> tuple[str, Path_]:
        """("question 'x'", path of the field inside the question)."""
        if len(path) >= 2 and path[0] in ("questions", "objectives") and isinstance(path[1], int):
            item = self._raw_at(path[:2])
            ident = item.get("id") if isinstance(item, dict) else None
            noun = "question" if path[0] == "questions" else "objective"
            if isinstance(ident, str) and ident:
                return f"{noun} '{ident}'", path[2:]
            return f"{noun} #{path[1] + 1} (no id)", path[2:]
        return "bank", path


def _pydantic_problems(exc: ValidationError, file: str, where: _Where) -> tuple[list[BankProblem], set[Path_]]:
    errors = exc.errors(include_url=False)
    problems: list[BankProblem] = []
    failed: set[Path_] = set()
    suggested: set[Path_] = set()  # missing fields explained by a misspelt key
    for err in errors:
        if err["type"] == "extra_forbidden":
            loc = where.raw_path(tuple(err["loc"]))
            model = _model_at(tuple(err["loc"])[:-1])
            known = list(model.model_fields) if model is not None else []
            match = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
            if match and any(
                e["type"] == "missing" and tuple(e["loc"]) == tuple(err["loc"])[:-1] + (match[0],) for e in errors
            ):
                suggested.add(loc[:-1] + (match[0],))
    for err in errors:
        loc = tuple(err["loc"])
        path = where.raw_path(loc)
        if path in suggested and err["type"] == "missing":
            continue
        failed.add(path)
        owner, rest = where.owner(path)
        line = where.line(path)
        kind = err["type"]
        if kind in ("union_tag_invalid", "union_tag_not_found"):
            field = _field_path(rest + ("type",))
            found = err.get("input", {}).get("type") if isinstance(err.get("input"), dict) else None
            msg = (
                f"must be one of {', '.join(QUESTION_TYPES)}, found {_kind(found)}"
                if kind == "union_tag_invalid"
                else f"required field is missing (one of {', '.join(QUESTION_TYPES)})"
            )
            failed.add(path + ("type",))
            problems.append(BankProblem(file, owner, field, msg, line))
            continue
        if kind == "extra_forbidden":
            model = _model_at(loc[:-1])
            known = list(model.model_fields) if model is not None else []
            match = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
            msg = f"unknown field '{loc[-1]}'"
            msg += (
                f" — did you mean '{match[0]}'?" if match else (f" (fields here: {', '.join(known)})" if known else "")
            )
            problems.append(BankProblem(file, owner, _field_path(rest), msg, line))
            continue
        problems.append(BankProblem(file, owner, _field_path(rest) or None, _message(err), line))
    return problems, failed


def _rule_problems(
    raw: dict, file: str, where: _Where, bib_keys: set[str] | None, failed: set[Path_]
) -> list[BankProblem]:
    """Cross-field rules, checked on the raw data so that they run even when a field is wrong."""
    out: list[BankProblem] = []

    def add(path: Path_, field: str | None, message: str) -> None:
        owner, _ = where.owner(path)
        out.append(BankProblem(file, owner, field, message, where.line(path)))

    stem = Path(file).stem
    bank_id = raw.get("id")
    if (
        Path(file).suffix in (".yaml", ".yml")
        and isinstance(bank_id, str)
        and ("id",) not in failed
        and bank_id != stem
    ):
        add(("id",), "id", f"'{bank_id}' must equal the file name '{stem}'")

    objectives = raw.get("objectives") if isinstance(raw.get("objectives"), list) else []
    objective_ids: dict[str, int] = {}
    for i, obj in enumerate(objectives):
        oid = obj.get("id") if isinstance(obj, dict) else None
        if isinstance(oid, str) and ("objectives", i, "id") not in failed:
            if oid in objective_ids:
                add(
                    ("objectives", i, "id"),
                    "id",
                    f"objective id is used twice (first as objective #{objective_ids[oid] + 1})",
                )
            else:
                objective_ids[oid] = i

    objectives_ok = bool(objectives) and all(  # otherwise "not one of the objectives" is noise
        isinstance(o, dict) and isinstance(o.get("id"), str) and ("objectives", i, "id") not in failed
        for i, o in enumerate(objectives)
    )
    questions = raw.get("questions") if isinstance(raw.get("questions"), list) else []
    seen: dict[str, int] = {}
    checked_by: dict[str, int] = {oid: 0 for oid in objective_ids}
    levels: list[Any] = []
    for i, q in enumerate(questions):
        if not isinstance(q, dict):
            continue
        levels.append(q.get("level"))
        qid = q.get("id")
        if isinstance(qid, str) and ("questions", i, "id") not in failed:
            if qid in seen:
                add(
                    ("questions", i, "id"),
                    "id",
                    f"question id is used twice in this bank (first as question #{seen[qid] + 1})",
                )
            else:
                seen[qid] = i
        objective = q.get("objective")
        if isinstance(objective, str) and ("questions", i, "objective") not in failed:
            if objective in checked_by:
                checked_by[objective] += 1
            elif objectives_ok:
                add(
                    ("questions", i, "objective"),
                    "objective",
                    f"'{objective}' is not one of the bank's objectives ({', '.join(objective_ids) or 'none'})",
                )
        source = q.get("source")
        if bib_keys is not None and isinstance(source, str) and ("questions", i, "source") not in failed:
            if source.strip() and source not in bib_keys:
                add(("questions", i, "source"), "source", f"'{source}' is not a key in references.bib")
    # Counts over the whole bank are only meaningful when every question could be read.
    counts_ok = all(isinstance(q, dict) for q in questions) and not any(
        ("questions", i, f) in failed or ("questions", i) in failed
        for i in range(len(questions))
        for f in ("objective", "level")
    )
    if questions and counts_ok:
        for oid, i in objective_ids.items():
            if checked_by[oid] < 2:
                add(
                    ("objectives", i),
                    "objectives",
                    f"checked by {checked_by[oid]} question(s); every objective needs at least 2",
                )
        if all(isinstance(level, str) for level in levels) and levels:
            higher = sum(level in HIGHER_LEVELS for level in levels)
            if 3 * higher < len(levels):
                out.append(
                    BankProblem(
                        file,
                        "bank",
                        "questions[].level",
                        f"{higher} of {len(levels)} questions are at apply/analyse level; at least a third must be",
                        where.line(("questions",)),
                    )
                )
    return out


def bank_problems(
    raw: Any, file: str | Path, bib_keys: set[str] | None, doc: YamlDoc | None = None
) -> tuple[Bank | None, list[BankProblem]]:
    """Validate parsed data; return the bank (None if any problem) and every problem found."""
    file = str(file)
    if not isinstance(raw, dict):
        found = "an empty file" if raw is None else _kind(raw)
        return None, [
            BankProblem(
                file,
                "bank",
                None,
                f"the file must hold a mapping with id, title, objectives, questions; found {found}",
                1 if doc else None,
            )
        ]
    where = _Where(raw, doc)
    bank: Bank | None = None
    try:
        bank = Bank.model_validate(raw)
        problems, failed = [], set()
    except ValidationError as exc:
        problems, failed = _pydantic_problems(exc, file, where)
    problems += _rule_problems(raw, file, where, bib_keys, failed)
    problems.sort(key=lambda p: p.line if p.line is not None else math.inf)
    return (bank if not problems else None), problems


def parse_bank(raw: Any, file: str | Path, bib_keys: set[str] | None, doc: YamlDoc | None = None) -> Bank:
    """Validate already-parsed data ``raw``; ``bib_keys`` None skips the source check."""
    bank, problems = bank_problems(raw, file, bib_keys, doc)
    if problems:
        raise BankError(problems)
    assert bank is not None
    return bank


def check_bank_file(path: str | Path, bib_keys: set[str] | None) -> tuple[Bank | None, list[BankProblem]]:
    """Every problem in one bank file (never raises for a bad file)."""
    doc = read_yaml(path)
    if doc.problems and doc.data is None:
        return None, list(doc.problems)
    bank, problems = bank_problems(doc.data, path, bib_keys, doc)
    where = _Where(doc.data, doc)
    for p in doc.problems:  # name the question or objective that holds a bad key
        owner, rest = where.owner(p.path)
        problems.append(replace(p, where=owner, field=_field_path(rest) or None))
    problems.sort(key=lambda p: p.line if p.line is not None else math.inf)
    return (bank if not problems else None), problems


def load_bank_file(path: str | Path, bib_keys: set[str] | None) -> Bank:
    bank, problems = check_bank_file(path, bib_keys)
    if problems:
        raise BankError(problems)
    assert bank is not None
    return bank
