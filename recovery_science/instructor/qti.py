"""IMS QTI 1.2 for Canvas: one ``questestinterop`` file per bank and an ``imsmanifest.xml``, zipped.

Canvas imports the zip under Settings → Import Course Content → "QTI .zip file"; each bank becomes
one quiz. The markup follows the QTI ASI 1.2 schema (``ims_qtiasiv1p2``; the tests validate every
file against IMS's XSD) and Canvas's own export conventions (``question_type`` and
``points_possible`` metadata, ``response1``, ``general_fb`` and ``<option>_fb`` feedback ids).

Kept per item: the question id (``ident`` is ``<bank>.<question>``, ``title`` the question id),
per-option feedback, the explanation and formatted source (general feedback), the objective, level
and source (item metadata), and the numeric tolerance (an inclusive range), with low/high feedback
as ``varlt``/``vargt`` conditions.
"""

from __future__ import annotations

import io
import zipfile
from typing import Iterable

from lxml import etree
from lxml.builder import ElementMaker

from ..quiz.schema import Bank
from .banks import COURSE, LICENCE, bounds, for_export, number, reference
from .gift import prompt

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
QTI_XSD = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
CP_XSD = "http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
RESPONSE = "response1"

Q = ElementMaker(namespace=QTI_NS, nsmap={None: QTI_NS, "xsi": XSI})
CP = ElementMaker(namespace=CP_NS, nsmap={None: CP_NS, "xsi": XSI})

CANVAS_TYPE = {
    "single": "multiple_choice_question",
    "multiple": "multiple_answers_question",
    "truefalse": "true_false_question",
    "numeric": "numerical_question",
}


def _field(label: str, entry: str) -> etree._Element:
    return Q.qtimetadatafield(Q.fieldlabel(label), Q.fieldentry(entry))


def _mat(text: str) -> etree._Element:
    return Q.material(Q.mattext(text, texttype="text/plain"))


def _feedback(ident: str, text: str) -> etree._Element:
    return Q.itemfeedback(Q.flow_mat(_mat(text)), ident=ident)


def _show(ident: str) -> etree._Element:
    return Q.displayfeedback(feedbacktype="Response", linkrefid=ident)


def _score(condition: etree._Element) -> etree._Element:
    return Q.respcondition(
        Q.conditionvar(condition), Q.setvar("100", action="Set", varname="SCORE"), **{"continue": "No"}
    )


def _choices(question) -> list[tuple[str, str, str, bool]]:
    """(label id, text, feedback, correct) for each choice, true/false included."""
    if question.type == "truefalse":
        fb = question.feedback
        return [("true", "True", fb.if_true, question.answer), ("false", "False", fb.if_false, not question.answer)]
    return [(o.id, o.text, o.feedback, o.correct) for o in question.options]


def item_element(bank: Bank, question) -> etree._Element:
    general = f"{question.explanation} Source: {reference(question.source)}"
    meta = Q.itemmetadata(
        Q.qtimetadata(
            _field("question_type", CANVAS_TYPE[question.type]),
            _field("points_possible", "1.0"),
            _field("recovery_science_bank", bank.id),
            _field("recovery_science_question", question.id),
            _field("recovery_science_objective", question.objective),
            _field("recovery_science_level", question.level),
            _field("recovery_science_source", question.source),
        )
    )
    outcomes = Q.outcomes(Q.decvar(maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal"))
    feedback = [_feedback("general_fb", general)]
    conditions: list[etree._Element] = [
        Q.respcondition(Q.conditionvar(Q.other()), _show("general_fb"), **{"continue": "Yes"})
    ]
    if question.type == "numeric":
        low, high = bounds(question.answer, question.tolerance)
        response = Q.response_str(Q.render_fib(Q.response_label(ident="answer1"), fibtype="Decimal"),
                                  ident=RESPONSE, rcardinality="Single")
        conditions += [
            Q.respcondition(Q.conditionvar(Q.varlt(low, respident=RESPONSE)), _show("low_fb"), **{"continue": "Yes"}),
            Q.respcondition(Q.conditionvar(Q.vargt(high, respident=RESPONSE)), _show("high_fb"),
                            **{"continue": "Yes"}),
            Q.respcondition(
                Q.conditionvar(Q.vargte(low, respident=RESPONSE), Q.varlte(high, respident=RESPONSE)),
                _show("correct_fb"), **{"continue": "Yes"},
            ),
            _score(Q("or", Q.varequal(number(question.answer), respident=RESPONSE),
                         Q("and", Q.vargte(low, respident=RESPONSE), Q.varlte(high, respident=RESPONSE)))),
        ]
        fb = question.feedback
        feedback += [_feedback("correct_fb", fb.correct), _feedback("low_fb", fb.low), _feedback("high_fb", fb.high),
                     _feedback("general_incorrect_fb", f"Below {low}: {fb.low} Above {high}: {fb.high}")]
    else:
        choices = _choices(question)
        multiple = question.type == "multiple"
        shuffle = "Yes" if getattr(question, "shuffle", True) and question.type != "truefalse" else "No"
        response = Q.response_lid(
            Q.render_choice(*[Q.response_label(_mat(text), ident=cid) for cid, text, _, _ in choices], shuffle=shuffle),
            ident=RESPONSE, rcardinality="Multiple" if multiple else "Single",
        )
        for cid, _, text, _ in choices:
            conditions.append(Q.respcondition(Q.conditionvar(Q.varequal(cid, respident=RESPONSE)),
                                              _show(f"{cid}_fb"), **{"continue": "Yes"}))
            feedback.append(_feedback(f"{cid}_fb", text))
        if multiple:  # all or nothing: every keyed option and no other
            parts = [Q.varequal(cid, respident=RESPONSE) if ok else Q("not", Q.varequal(cid, respident=RESPONSE))
                     for cid, _, _, ok in choices]
            conditions.append(_score(Q("and", *parts)))
        else:
            right = next(cid for cid, _, _, ok in choices if ok)
            conditions.append(_score(Q.varequal(right, respident=RESPONSE)))
    return Q.item(
        meta,
        Q.presentation(_mat(prompt(question)), response),
        Q.resprocessing(outcomes, *conditions),
        *feedback,
        ident=f"{bank.id}.{question.id}",
        title=question.id,
    )


def bank_to_qti(bank: Bank) -> bytes:
    """One bank as a QTI 1.2 ``questestinterop`` document with one assessment."""
    bank = for_export(bank)
    root = Q.questestinterop(
        Q.assessment(
            Q.qtimetadata(_field("cc_maxattempts", "1")),
            Q.section(*[item_element(bank, q) for q in bank.questions], ident="root_section"),
            ident=bank.id,
            title=bank.title,
        )
    )
    root.set(f"{{{XSI}}}schemaLocation", f"{QTI_NS} {QTI_XSD}")
    root.insert(0, etree.Comment(f" {COURSE}: {LICENCE} "))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def manifest(banks: list[Bank]) -> bytes:
    resources = [
        CP.resource(CP.file(href=f"{b.id}/{b.id}.xml"), identifier=f"res-{b.id}", type="imsqti_xmlv1p2",
                    href=f"{b.id}/{b.id}.xml")
        for b in banks
    ]
    root = CP.manifest(
        CP.metadata(CP.schema("IMS Content"), CP.schemaversion("1.1.3")),
        CP.organizations(),
        CP.resources(*resources),
        identifier="recovery-science-banks",
    )
    root.set(f"{{{XSI}}}schemaLocation", f"{CP_NS} {CP_XSD}")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def banks_to_qti_zip(banks: Iterable[Bank]) -> bytes:
    """The zip Canvas imports: ``imsmanifest.xml`` and ``<bank>/<bank>.xml`` for each bank."""
    banks = list(banks)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("imsmanifest.xml", date_time=(2020, 1, 1, 0, 0, 0)), manifest(banks))
        for bank in banks:
            zf.writestr(zipfile.ZipInfo(f"{bank.id}/{bank.id}.xml", date_time=(2020, 1, 1, 0, 0, 0)),
                        bank_to_qti(bank), compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()
