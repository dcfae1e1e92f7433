"""Tags: the lead defines the review's list, screeners put them on records, the records list filters by them and
the decisions download lists them."""

import csv
import io

import pytest
from django.db import IntegrityError
from django.urls import reverse

from screening import services
from screening.models import RecordTag, Stage, Tag
from screening.services import tags
from tests.factories import AZATHIOPRINE, TOCILIZUMAB, make_import, ris

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(personas):
    return list(make_import(personas.review, personas.lead, ris(TOCILIZUMAB, AZATHIOPRINE)).records.order_by("pk"))


def test_a_tag_name_is_unique_within_a_review(personas):
    Tag.objects.create(review=personas.review, name="RCT")
    Tag.objects.create(review=personas.other_review, name="RCT")
    with pytest.raises(IntegrityError):
        Tag.objects.create(review=personas.review, name="RCT")


def test_the_lead_defines_tags_and_a_second_one_of_the_same_name_is_told(client, personas):
    client.force_login(personas.lead)
    url = reverse("screening:tags", args=[personas.review.pk])
    client.post(url, {"name": "  Check   with lead "})
    page = client.post(url, {"name": "Check with lead"}, follow=True).content.decode()
    assert "Not added: the review already has the tag “Check with lead”." in page
    assert list(personas.review.tags.values_list("name", flat=True)) == ["Check with lead"]


def test_a_reviewer_may_not_define_a_tag(client, personas):
    client.force_login(personas.reviewer)
    assert client.post(reverse("screening:tags", args=[personas.review.pk]), {"name": "RCT"}).status_code == 403
    assert not Tag.objects.exists()


def test_a_reviewer_tags_a_record_and_the_list_filters_by_the_tag(client, personas, records):
    rct = tags.define_tag(review=personas.review, name="RCT", user=personas.lead)
    client.force_login(personas.reviewer)
    record_url = reverse("identification:record_detail", args=[personas.review.pk, records[0].pk])
    client.post(reverse("screening:record_tags", args=[personas.review.pk, records[0].pk]), {"tag": rct.pk})
    assert RecordTag.objects.get().added_by == personas.reviewer
    assert f'value="{rct.pk}" checked' in client.get(record_url).content.decode()
    page = client.get(reverse("identification:records", args=[personas.review.pk]), {"tag": rct.pk}).content.decode()
    assert TOCILIZUMAB["TI"] in page and AZATHIOPRINE["TI"] not in page


def test_unticking_a_tag_takes_it_off_and_another_reviews_tag_is_refused(personas, records):
    mine = tags.define_tag(review=personas.review, name="RCT", user=personas.lead)
    theirs = tags.define_tag(review=personas.other_review, name="RCT", user=personas.outsider)
    tags.set_record_tags(review=personas.review, record=records[0], tag_ids={mine.pk}, user=personas.reviewer)
    with pytest.raises(services.ScreeningError, match="another review"):
        tags.set_record_tags(review=personas.review, record=records[0], tag_ids={theirs.pk}, user=personas.reviewer)
    tags.set_record_tags(review=personas.review, record=records[0], tag_ids=set(), user=personas.reviewer)
    assert not RecordTag.objects.exists()


def test_the_decisions_download_lists_each_records_tags(client, personas, records):
    for name in ("RCT", "Adults"):
        tags.define_tag(review=personas.review, name=name, user=personas.lead)
    tag_ids = set(personas.review.tags.values_list("pk", flat=True))
    tags.set_record_tags(review=personas.review, record=records[0], tag_ids=tag_ids, user=personas.lead)
    services.cast_vote(
        review=personas.review,
        record_id=records[0].pk,
        stage=Stage.TITLE_ABSTRACT,
        reviewer=personas.lead,
        decision="include",
    )
    client.force_login(personas.lead)
    response = client.get(reverse("screening:decisions_export", args=[personas.review.pk]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["tags"] == "Adults; RCT"
