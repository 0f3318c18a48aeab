"""``qadam import fhir FILE --patient ID --user USERNAME``: QuestionnaireResponses from a FHIR R4 file.

FILE holds one QuestionnaireResponse or a Bundle (batch, transaction or collection) of them, to our
Questionnaires or to forms Qadam knows (the LOINC PHQ-9 panel 44249-1, the HL7 SDC PHQ-9 example);
``--questionnaire`` supplies the Questionnaire a response answers when it is not ours. Every
response is read and scored before anything is stored; one problem refuses the whole file. Stated
totals that differ from Qadam's are reported (the response is stored with Qadam's score).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from qadam.api.parsing import BodyUnreadable, parse_json
from qadam.core.exceptions import Invalid, NotAllowed, NotVisible
from qadam.patients.selectors import patient_get

from .export import fhir_base
from .importing import ANY_QUESTIONNAIRE, ImportRefused, import_responses

MAX_FILE_BYTES = 50 * 1024 * 1024


def add_arguments(parser: Any) -> None:
    parser.add_argument("file", metavar="FILE", help="a FHIR R4 JSON file: a QuestionnaireResponse or a Bundle of them")
    parser.add_argument("--patient", required=True, metavar="ID", help="registry id of the patient (e.g. KZ-7Q4M-2XD9)")
    parser.add_argument(
        "--user", required=True, metavar="USERNAME", help="the clinician or coordinator who records them"
    )
    parser.add_argument(
        "--questionnaire",
        action="append",
        default=[],
        metavar="FILE",
        help="a Questionnaire the responses answer, when it is not one of Qadam's (repeat for several)",
    )
    parser.add_argument("--sign", action="store_true", help="store completed responses as signed by USER (a clinician)")
    parser.add_argument("--dry-run", action="store_true", help="check and score everything, store nothing")
    parser.add_argument("--language", choices=("en", "kk", "ru"), default="en", help="language of the messages")


def _read(path: str, what: str) -> Any:
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"{what} {path} does not exist or is not a file.")
    if file.stat().st_size > MAX_FILE_BYTES:
        raise CommandError(f"{what} {path} is larger than {MAX_FILE_BYTES} bytes.")
    try:
        return parse_json(file.read_bytes())
    except BodyUnreadable as error:
        where = f" (line {error.params['line']}, column {error.params['column']})" if "line" in error.params else ""
        raise CommandError(f"{what} {path} is not valid JSON: {error.code}{where}.") from None


def run(options: dict[str, Any], command: Any) -> None:
    user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
    if user is None:
        raise CommandError(f"There is no active user {options['user']!r}.")
    resource = _read(options["file"], "The file")
    questionnaires = {}
    for path in options["questionnaire"]:
        found = _read(path, "The questionnaire")
        if not isinstance(found, dict) or found.get("resourceType") != "Questionnaire":
            raise CommandError(f"{path} is not a Questionnaire.")
        # Without a url (LForms files have none) it is the form of the responses that name none.
        questionnaires[found.get("url") or ANY_QUESTIONNAIRE] = found
    lang = options["language"]
    try:
        patient = patient_get(viewer=user, registry_id=options["patient"])
        imported = import_responses(
            by=user,
            resource=resource,
            patient=patient,
            questionnaires=questionnaires,
            sign=options["sign"],
            preauthenticated=options["sign"],  # the operator on the server's command line names the signer
            base=fhir_base(),
            lang=lang,
            dry_run=options["dry_run"],
        )
    except ImportRefused as refused:
        for issue in refused.issues:
            where = f" [{issue.expression}]" if issue.expression else ""
            command.stderr.write(f"{issue.code}: {issue.message}{where}")
        raise CommandError(f"Nothing was imported: {len(refused.issues)} problem(s) in {options['file']}.") from None
    except NotVisible:
        raise CommandError(f"Patient {options['patient']} does not exist or is not visible to {user}.") from None
    except NotAllowed:
        raise CommandError(f"{user} may not record assessments for patient {options['patient']}.") from None
    except Invalid as error:
        messages = [str(m) for ms in error.errors.values() for m in ms] or [error.message]
        raise CommandError("Nothing was imported: " + "; ".join(messages)) from None
    disagreements = 0
    for item in imported:
        result = item.parsed.result
        total = "no total" if result.total is None else f"total {result.total:g}"
        band = f" ({result.band})" if result.band else ""
        if item.skipped:
            action = f"imported before as assessment {item.assessment.pk}, skipped"
        else:
            action = "would be stored" if options["dry_run"] else f"stored as assessment {item.assessment.pk}"
        label = f"entry {item.index}" if item.index is not None else "response"
        visit = "new visit" if item.visit_created else "existing visit"
        command.stdout.write(
            f"{label}: {item.assessment.instrument} {total}{band}, {item.assessment.status}, "
            f"{action} ({visit} of {item.assessment.assessed_on.isoformat()})"
        )
        for disagreement in item.disagreements:
            disagreements += 1
            command.stderr.write(f"  disagreement: {disagreement.message(lang)}")
    verb = "Checked" if options["dry_run"] else "Imported"
    summary = f"{verb} {len(imported)} response(s) for patient {patient.registry_id}"
    if disagreements:
        summary += f"; {disagreements} stated score(s) differ from Qadam's"
    command.stdout.write(summary + ".")
