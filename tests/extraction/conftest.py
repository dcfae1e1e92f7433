import pytest

from extraction.models import Consensus, ConsensusStatus
from tests.extraction.helpers import Team


@pytest.fixture
def team(personas):
    return Team(personas)


@pytest.fixture
def conflict(team):
    """Study 0 extracted twice, the two extractors disagreeing on ARR after treatment only."""
    study = team.studies[0]
    team.submit(study, 1, arr_after_mean="0.2")
    team.submit(study, 2, arr_after_mean="0.4")
    return Consensus.objects.get(study=study, status=ConsensusStatus.CONFLICT)
