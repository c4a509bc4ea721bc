"""Canvas export: a zip of IMS QTI 1.2 files, each validated against IMS's published XML Schema
(tests/fixtures/qti, source and licence in tests/fixtures/README.md), and a manifest validated
against IMS Content Packaging 1.2. Then what the schema cannot check: that scoring gives full marks
for the keyed answer only, and that ids, feedback, explanations, sources and tolerances are kept."""

from __future__ import annotations

import io
import itertools
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from recovery_science.bib import bib_keys
from recovery_science.instructor.banks import bounds, for_export, reference, select_banks
from recovery_science.instructor.qti import QTI_NS, bank_to_qti, banks_to_qti_zip, manifest
from recovery_science.quiz.schema import load_bank_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EDGE = FIXTURES / "banks" / "export-edge-cases.yaml"
NS = {"q": QTI_NS}


@pytest.fixture(scope="module")
def qti_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(FIXTURES / "qti" / "domainProfile_4" / "ims_qtiasiv1p2.xsd")))


@pytest.fixture(scope="module")
def cp_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(FIXTURES / "qti" / "imscp_v1p2.xsd")))


def _banks():
    return select_banks([]) + [for_export(load_bank_file(EDGE, bib_keys()))]


@pytest.fixture(scope="module")
def package():
    banks = _banks()
    return banks, zipfile.ZipFile(io.BytesIO(banks_to_qti_zip(banks)))


def test_the_schema_is_strict_enough_to_catch_a_broken_item(qti_schema):
    """The validator bites: an item without its required ident, and an unknown element, fail."""
    doc = etree.fromstring(bank_to_qti(_banks()[0]))
    item = doc.find(".//q:item", NS)
    del item.attrib["ident"]
    assert not qti_schema.validate(doc)
    doc = etree.fromstring(bank_to_qti(_banks()[0]))
    etree.SubElement(doc.find(".//q:presentation", NS), f"{{{QTI_NS}}}answer")
    assert not qti_schema.validate(doc)


def test_zip_layout_and_manifest(package, cp_schema):
    banks, zf = package
    assert zf.namelist() == ["imsmanifest.xml"] + [f"{b.id}/{b.id}.xml" for b in banks]
    man = etree.fromstring(zf.read("imsmanifest.xml"))
    assert cp_schema.validate(man), cp_schema.error_log
    cp = {"cp": "http://www.imsglobal.org/xsd/imscp_v1p1"}
    resources = man.findall(".//cp:resource", cp)
    assert [(r.get("type"), r.get("href"), r.find("cp:file", cp).get("href")) for r in resources] == [
        ("imsqti_xmlv1p2", f"{b.id}/{b.id}.xml", f"{b.id}/{b.id}.xml") for b in banks]
    assert zf.testzip() is None


def test_every_bank_file_is_valid_qti_1_2(package, qti_schema):
    banks, zf = package
    for bank in banks:
        doc = etree.fromstring(zf.read(f"{bank.id}/{bank.id}.xml"))
        assert qti_schema.validate(doc), f"{bank.id}: {qti_schema.error_log}"
        [assessment] = doc.findall("q:assessment", NS)
        assert (assessment.get("ident"), assessment.get("title")) == (bank.id, bank.title)


def _meta(item) -> dict[str, str]:
    return {f.findtext("q:fieldlabel", namespaces=NS): f.findtext("q:fieldentry", namespaces=NS)
            for f in item.findall("q:itemmetadata/q:qtimetadata/q:qtimetadatafield", NS)}


def _feedback(item) -> dict[str, str]:
    return {fb.get("ident"): fb.findtext("q:flow_mat/q:material/q:mattext", namespaces=NS)
            for fb in item.findall("q:itemfeedback", NS)}


def _holds(cond, response) -> bool:
    """Evaluate a QTI condition (the subset the exporter writes) for a set of choices or a number."""
    tag = etree.QName(cond).localname
    if tag == "conditionvar":
        return all(_holds(c, response) for c in cond)
    if tag == "and":
        return all(_holds(c, response) for c in cond)
    if tag == "or":
        return any(_holds(c, response) for c in cond)
    if tag == "not":
        return not _holds(cond[0], response)
    if tag == "other":
        return True
    if isinstance(response, Decimal):
        value = Decimal(cond.text)
        return {"varequal": response == value, "vargte": response >= value, "varlte": response <= value,
                "vargt": response > value, "varlt": response < value}[tag]
    assert tag == "varequal", tag
    return cond.text in response


def _score(item, response) -> int:
    score = 0
    for rc in item.findall("q:resprocessing/q:respcondition", NS):
        if _holds(rc.find("q:conditionvar", NS), response):
            setvar = rc.find("q:setvar", NS)
            if setvar is not None:
                score = int(setvar.text)
            if rc.get("continue", "No") == "No":
                break
    return score


def _shown(item, response) -> list[str]:
    return [rc.find("q:displayfeedback", NS).get("linkrefid")
            for rc in item.findall("q:resprocessing/q:respcondition", NS)
            if rc.find("q:displayfeedback", NS) is not None and _holds(rc.find("q:conditionvar", NS), response)]


def test_every_item_keeps_ids_feedback_sources_and_scores_only_the_key(package):
    banks, zf = package
    types = set()
    for bank in banks:
        doc = etree.fromstring(zf.read(f"{bank.id}/{bank.id}.xml"))
        items = doc.findall(".//q:item", NS)
        assert [(i.get("ident"), i.get("title")) for i in items] == [
            (f"{bank.id}.{q.id}", q.id) for q in bank.questions]
        for item, q in zip(items, bank.questions, strict=True):
            types.add(q.type)
            meta = _meta(item)
            kept = [meta[f"recovery_science_{k}"] for k in ("question", "objective", "level", "source")]
            assert kept == [q.id, q.objective, q.level, q.source]
            fb = _feedback(item)
            assert fb["general_fb"] == f"{q.explanation} Source: {reference(q.source)}"
            prompt = item.findtext("q:presentation/q:material/q:mattext", namespaces=NS)
            assert prompt.startswith(q.prompt)
            if q.type == "numeric":
                assert meta["question_type"] == "numerical_question"
                low, high = (Decimal(b) for b in bounds(q.answer, q.tolerance))
                step = Decimal("0.000001")
                for value, score, shown in [(low, 100, "correct_fb"), (high, 100, "correct_fb"),
                                            (low - step, 0, "low_fb"), (high + step, 0, "high_fb")]:
                    assert _score(item, value) == score, (q.id, value)
                    assert shown in _shown(item, value)
                    assert not {"low_fb", "high_fb", "correct_fb"} - {shown} & set(_shown(item, value))
                assert (fb["correct_fb"], fb["low_fb"], fb["high_fb"]) == (
                    q.feedback.correct, q.feedback.low, q.feedback.high)
                continue
            if q.type == "truefalse":
                options = [("true", q.answer, q.feedback.if_true), ("false", not q.answer, q.feedback.if_false)]
            else:
                options = [(o.id, o.correct, o.feedback) for o in q.options]
            labels = item.findall(".//q:response_label", NS)
            assert [lab.get("ident") for lab in labels] == [o[0] for o in options]
            for oid, _, text in options:
                assert fb[f"{oid}_fb"] == text
                assert f"{oid}_fb" in _shown(item, {oid})
            key = {oid for oid, ok, _ in options if ok}
            ids = [o[0] for o in options]
            cardinality = item.find(".//q:response_lid", NS).get("rcardinality")
            if q.type == "multiple":
                assert cardinality == "Multiple" and meta["question_type"] == "multiple_answers_question"
                for n in range(1, len(ids) + 1):
                    for chosen in itertools.combinations(ids, n):
                        assert _score(item, set(chosen)) == (100 if set(chosen) == key else 0), (q.id, chosen)
            else:
                assert cardinality == "Single"
                for oid in ids:
                    assert _score(item, {oid}) == (100 if oid in key else 0), (q.id, oid)
            shuffle = item.find(".//q:render_choice", NS).get("shuffle")
            assert shuffle == ("Yes" if getattr(q, "shuffle", True) and q.type != "truefalse" else "No")
    assert types == {"single", "multiple", "truefalse", "numeric"}


def test_the_manifest_lists_one_resource_per_bank(cp_schema):
    banks = select_banks([])
    assert cp_schema.validate(etree.fromstring(manifest(banks)))
