"""RevMan Web's study results: the locked data of each outcome, a row per study arm and time point."""

import csv
import io

import pytest
from django.urls import reverse

from analysis.revman import COLUMNS
from tests.analysis.helpers import lock_team
from tests.extraction.helpers import Team

pytestmark = pytest.mark.django_db


def test_each_outcome_gives_a_row_per_arm_and_time_point(client, personas):
    team = lock_team(personas, studies=2)
    client.force_login(personas.viewer)
    response = client.get(reverse("analysis:revman_export", args=[team.review.pk]))
    assert response.status_code == 200
    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    assert header == COLUMNS
    by_key = {(row[0], row[1], row[2]): dict(zip(header, row, strict=True)) for row in rows}
    assert len(rows) == 2 * 2 * 2  # studies x outcomes (ARR, EDSS) x before/after
    first = by_key["Study 0 2020", "Annualised relapse rate (ARR)", "before treatment"]
    assert (first["Intervention"], first["Total"], first["Mean"], first["SD"]) == ("tocilizumab", "20", "1.5", "0.8")
    second = by_key["Study 1 2020", "Disability (EDSS)", "after treatment"]
    assert (second["Intervention"], second["Total"]) == ("azathioprine", "21")


def test_an_open_extraction_is_refused_with_a_message(client, personas):
    team = Team(personas)
    client.force_login(personas.lead)
    response = client.get(reverse("analysis:revman_export", args=[team.review.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("analysis:runs", args=[team.review.pk])
    assert "Not exported: the extraction is not locked" in response.content.decode()
