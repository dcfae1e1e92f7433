"""Full texts of the records sought for retrieval, and the studies their included reports describe."""

from django.contrib.auth.models import User
from django.core.files import File
from django.db import transaction
from django.db.models import ProtectedError
from django.db.models.fields.files import FieldFile

from reviews.access import ADJUDICATORS, SCREENERS, Writer, person, require_role
from reviews.models import Review

from ..models import Report, ScreeningRecord, Stage, Study, Vote, study_label
from ..signals import study_renamed
from . import ScreeningError, locked_record


def _report_of_sought_record(review: Review, record_id: int, user: User) -> Report:
    record = locked_record(review, record_id)
    if not ScreeningRecord.objects.for_review(review).sought_for_retrieval().filter(pk=record.pk).exists():
        raise ScreeningError("this record's full text is not sought: it was not included at title/abstract")
    report, _ = Report.objects.get_or_create(record=record, defaults={"review": review, "updated_by": user})
    return report


def _delete_file_after_commit(field_file: FieldFile) -> None:
    storage, name = field_file.storage, field_file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def attach_full_text(*, review: Review, record_id: int, user: User, pdf: File | None = None, link: str = "") -> Report:
    """Attach an uploaded PDF and/or a link; a report marked as not retrieved counts as retrieved again."""
    require_role(review=review, user=user, roles=SCREENERS)
    if pdf is None and not link:
        raise ScreeningError("upload a PDF or give a link")
    report = _report_of_sought_record(review, record_id, user)
    if pdf is not None:
        _delete_file_after_commit(report.pdf)
        report.pdf = pdf
    if link:
        report.link = link
    report.not_retrieved_reason = ""
    report.updated_by = user
    report.save()
    return report


@transaction.atomic
def mark_not_retrieved(*, review: Review, record_id: int, user: User, reason: str) -> Report:
    """The full text could not be had: the report leaves full-text screening and PRISMA counts it apart."""
    require_role(review=review, user=user, roles=SCREENERS)
    reason = reason.strip()
    if not reason:
        raise ScreeningError("say why the full text could not be retrieved")
    report = _report_of_sought_record(review, record_id, user)
    if Vote.objects.filter(record_id=report.record_id, stage=Stage.FULL_TEXT).exists():
        raise ScreeningError("this report already has full-text votes, so its full text was read")
    _delete_file_after_commit(report.pdf)
    report.pdf, report.link, report.not_retrieved_reason, report.updated_by = "", "", reason, user
    report.save()
    return report


@transaction.atomic
def link_to_study(
    *, review: Review, record_id: int, user: User, study_id: int | None = None, new_label: str = ""
) -> Report:
    """File an included report under another study (several reports of one study) or a new one; a study left
    with no report is removed."""
    require_role(review=review, user=user, roles=ADJUDICATORS)
    locked_record(review, record_id)
    report = Report.objects.select_for_update().filter(review=review, record_id=record_id).first()
    if report is None or report.study_id is None:
        raise ScreeningError("only reports included at full text belong to studies")
    if study_id is not None:
        study = Study.objects.filter(review=review, pk=study_id).first()
        if study is None:
            raise ScreeningError("no such study in this review")
    else:
        study = Study.objects.create(review=review, label=new_label.strip() or study_label(report.record))
    previous = report.study
    assert previous is not None  # checked above: report.study_id is set
    report.study, report.updated_by = study, user
    report.save(update_fields=["study", "updated_by", "updated_at"])
    if previous != study and not previous.reports.exists():
        try:
            with transaction.atomic():
                previous.delete()
        except ProtectedError as exc:
            # A later stage's rows hang on the study (its extractions): it cannot go, so its last report stays.
            kinds = sorted({str(type(obj)._meta.verbose_name_plural) for obj in exc.protected_objects})
            raise ScreeningError(
                f"this is the only report of “{previous.label}”, which already has {' and '.join(kinds)}: "
                "a study cannot be left without a report"
            ) from exc
    return report


@transaction.atomic
def rename_study(*, review: Review, study_id: int, label: str, user: Writer) -> Study:
    """Give a study another label (the admin's path, for staff). The lock guard refuses once its extraction is
    locked, since the locked export shows labels; later stages record the rename in their trail (study_renamed)."""
    require_role(review=review, user=user, roles=ADJUDICATORS)
    study = Study.objects.select_for_update().filter(review=review, pk=study_id).first()
    if study is None:
        raise ScreeningError("no such study in this review")
    label, previous = label.strip(), study.label
    if not label:
        raise ScreeningError("a study needs a label")
    if label != previous:
        study.label = label
        study.save(update_fields=["label"])
        study_renamed.send(sender=Study, review=review, study=study, previous=previous, user=person(user))
    return study
