"""``qadam report patient REGISTRY_ID --out FILE.pdf [--lang] [--user]``: the PDF, its language, the
user's access, and bad input with a clear message, exit status 2 and no file written."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qadam.audit.models import AuditEntry
from qadam.reports.management.commands.report import Command

from .pdftext import pdf_text


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("report", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_writes_the_pdf_for_a_user(world, sma_patient, tmp_path):
    target = tmp_path / "report.pdf"
    out, err = run("patient", sma_patient.registry_id, "--out", str(target), "--user", "clinician_a", "--lang", "ru")
    assert out.strip() == str(target)
    assert "Making the report" in err and "Done" in err
    document = target.read_bytes()
    assert document.startswith(b"%PDF-")
    text = pdf_text(document)
    assert sma_patient.registry_id in text and "HFMSE" in text
    assert "Результаты в динамике" in text  # a heading already translated: the report is in Russian
    entry = AuditEntry.objects.filter(action="export").latest("seq")
    assert entry.actor_username == "clinician_a" and entry.changes["language"] == [None, "ru"]
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]  # no temporary file left behind


def test_the_operator_gets_a_pseudonymous_report(world, sma_patient, tmp_path):
    target = tmp_path / "operator.pdf"
    run("patient", sma_patient.registry_id.lower(), "--out", str(target))
    assert target.read_bytes().startswith(b"%PDF-")
    entry = AuditEntry.objects.filter(action="export").latest("seq")
    assert entry.actor_username == "" and entry.reason == "patient report (PDF)"


def test_unknown_registry_id_is_a_clear_error(world, tmp_path):
    target = tmp_path / "x.pdf"
    with pytest.raises(CommandError) as raised:
        run("patient", "KZ-NOPE-0000", "--out", str(target))
    assert raised.value.returncode == 2
    assert str(raised.value) == "There is no patient 'KZ-NOPE-0000'."
    assert not target.exists()


def test_a_patient_the_user_may_not_see_is_unknown_to_them(world, sma_patient, tmp_path):
    with pytest.raises(CommandError) as raised:
        run("patient", sma_patient.registry_id, "--out", str(tmp_path / "x.pdf"), "--user", "clinician_b")
    assert raised.value.returncode == 2
    assert "among the patients clinician_b may see" in str(raised.value)
    assert not (tmp_path / "x.pdf").exists()


def test_unknown_user_and_missing_folder(world, sma_patient, tmp_path):
    with pytest.raises(CommandError, match="There is no active user 'nobody'"):
        run("patient", sma_patient.registry_id, "--out", str(tmp_path / "x.pdf"), "--user", "nobody")
    with pytest.raises(CommandError, match="The folder of --out does not exist"):
        run("patient", sma_patient.registry_id, "--out", str(tmp_path / "missing" / "x.pdf"))
    with pytest.raises(CommandError, match="--out must name a file"):
        run("patient", sma_patient.registry_id, "--out", str(tmp_path))


def test_exit_status_and_message_from_the_command_line(world, tmp_path, capsys):
    with pytest.raises(SystemExit) as raised:
        Command().run_from_argv(["qadam", "report", "patient", "KZ-NOPE-0000", "--out", str(tmp_path / "x.pdf")])
    assert raised.value.code == 2
    captured = capsys.readouterr()
    assert "There is no patient 'KZ-NOPE-0000'." in captured.err
    assert captured.out == ""


def test_bad_language_is_refused_by_the_parser(world, tmp_path, capsys):
    with pytest.raises(SystemExit) as raised:
        Command().run_from_argv(
            ["qadam", "report", "patient", "KZ-1", "--out", str(tmp_path / "x.pdf"), "--lang", "de"]
        )
    assert raised.value.code == 2
    assert "invalid choice: 'de'" in capsys.readouterr().err
