"""The demo's risk of bias: the first NMOSD studies assessed twice with ROBINS-I, one disagreement settled, locked."""

from appraisal.models import Appraisal, Assessment, Consensus, ConsensusStatus
from appraisal.services import is_locked


def test_the_demo_assesses_studies_twice_settles_one_disagreement_and_locks(demo):
    review = demo
    assert Appraisal.objects.filter(review=review, tool="robins_i").count() == 4
    assert Assessment.objects.filter(review=review, status="submitted").count() == 8
    settled = Consensus.objects.filter(review=review, status=ConsensusStatus.RESOLVED)
    assert sorted(settled.values_list("domain", flat=True)) == ["D5", "overall"]
    assert settled.first().resolved_by.username == "adjudicator"
    assert is_locked(review)
