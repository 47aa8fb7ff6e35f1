"""The need score and the share arithmetic (mhst/services/need.py), against hand calculations."""

from decimal import Decimal as D
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from mhst.services.need import SchoolInputs, allocate


def method(pupils=1, fsm=1, deprivation=1, referral_rate=1, readiness=0):
    return SimpleNamespace(
        pupils_weight=D(pupils),
        fsm_weight=D(fsm),
        deprivation_weight=D(deprivation),
        referral_rate_weight=D(referral_rate),
        readiness_weight=D(readiness),
    )


def by_name(result):
    return {line.inputs.name: line for line in result.lines}


def test_need_score_by_hand():
    # A: pupils 400/400 = 1, FSM 20% = 0.2, decile 1 -> 1, rate 10/10 = 1 (weights 1,2,1,1):
    #    (1 + 0.4 + 1 + 1) / 5 x 100 = 68.00
    # B: pupils 200/400 = 0.5, FSM 50% = 0.5, decile 10 -> 0, rate 5/10 = 0.5:
    #    (0.5 + 1.0 + 0 + 0.5) / 5 x 100 = 40.00
    result = allocate(
        method(fsm=2),
        D("2.16"),
        [SchoolInputs(1, "A", 400, D("20"), 1, D("10")), SchoolInputs(2, "B", 200, D("50"), 10, D("5"))],
    )
    lines = by_name(result)
    assert lines["A"].score == D("68.00")
    assert lines["B"].score == D("40.00")
    assert lines["A"].workings["fsm"] == {
        "label": "Free school meals (%)",
        "value": "20",
        "scaled": "0.2000",
        "weight": "2",
        "points": "8.00",
    }
    # Shares: 216 hundredths x 68/108 = 136 exactly, x 40/108 = 80 exactly.
    assert (lines["A"].share_wte, lines["B"].share_wte) == (D("1.36"), D("0.80"))
    assert (lines["A"].rank, lines["B"].rank) == (1, 2)


def test_largest_remainder_keeps_the_total_exact():
    # Three equal schools share 1.00 WTE: 33 hundredths each, one left over goes to the first by name.
    result = allocate(
        method(), D("1.00"), [SchoolInputs(i, n, 500, D("10"), 5, D("2")) for i, n in [(3, "C"), (1, "A"), (2, "B")]]
    )
    lines = by_name(result)
    assert [lines[n].share_wte for n in "ABC"] == [D("0.34"), D("0.33"), D("0.33")]
    assert result.total_wte == D("1.00")
    assert all(line.tied and line.rank == 1 for line in result.lines)
    assert any("rounding" in note for note in lines["A"].notes)


def test_ties_are_ranked_equally_and_named():
    result = allocate(
        method(),
        D("2.00"),
        [
            SchoolInputs(1, "A", 100, D("30"), 2, D("0")),
            SchoolInputs(2, "B", 100, D("30"), 2, D("0")),
            SchoolInputs(3, "C", 50, D("5"), 9, D("0")),
        ],
    )
    lines = by_name(result)
    assert lines["A"].rank == lines["B"].rank == 1 and lines["C"].rank == 3
    assert "Tied on need score with B." in lines["A"].notes
    assert not lines["C"].tied
    assert lines["A"].share_wte == lines["B"].share_wte


def test_a_missing_indicator_is_left_out_and_said():
    # B has no FSM figure: scored on pupils (1), deprivation ((10-4)/9) and rate (0, max is 0) with weights 1,1,1.
    result = allocate(
        method(), D("1.00"), [SchoolInputs(1, "A", 300, D("10"), 4, D("0")), SchoolInputs(2, "B", 300, None, 4, D("0"))]
    )
    b = by_name(result)["B"]
    assert b.score == (D(100) * (1 + D(6) / 9 + 0) / 3).quantize(D("0.01"))
    assert b.workings["fsm"]["value"] is None and "points" not in b.workings["fsm"]
    assert "No free school meals figure: scored on the other indicators." in b.notes


def test_a_school_with_no_known_indicator_is_not_scored_and_gets_no_share():
    result = allocate(
        method(), D("1.50"), [SchoolInputs(1, "Known", 300, D("10"), 4, D("1")), SchoolInputs(2, "Unknown")]
    )
    lines = by_name(result)
    assert lines["Unknown"].score is None and lines["Unknown"].rank is None
    assert lines["Unknown"].share_wte == 0
    assert lines["Known"].share_wte == D("1.50")
    assert any(n.startswith("Not scored") for n in lines["Unknown"].notes)


def test_no_school_scored_shares_nothing_and_says_so():
    result = allocate(method(), D("1.00"), [SchoolInputs(1, "A"), SchoolInputs(2, "B")])
    assert result.total_wte == 0
    assert "No school could be scored: adjust shares by hand, with a reason." in result.notes


def test_zero_capacity_gives_zero_shares_and_a_note():
    result = allocate(method(), D("0"), [SchoolInputs(1, "A", 300, D("10"), 4, D("1"))])
    assert result.lines[0].share_wte == 0 and result.lines[0].score is not None
    assert result.notes == ["The team has no qualified capacity on this date: every share is 0."]


def test_every_score_zero_shares_equally():
    # FSM 0 and decile 10 only (other weights 0): every score is 0.
    result = allocate(
        method(pupils=0, referral_rate=0),
        D("1.00"),
        [
            SchoolInputs(1, "A", fsm_percent=D("0"), deprivation_decile=10),
            SchoolInputs(2, "B", fsm_percent=D("0"), deprivation_decile=10),
        ],
    )
    assert [line.share_wte for line in result.lines] == [D("0.50"), D("0.50")]
    assert "Every scored school has a need score of 0: the capacity is shared equally." in result.notes


def test_no_candidates():
    result = allocate(method(), D("2.00"), [])
    assert result.lines == [] and result.notes == ["No candidate schools: nothing to allocate."]


school = st.builds(
    SchoolInputs,
    school_id=st.integers(1, 10_000),
    name=st.text("ABCDEFGH", min_size=1, max_size=3),
    pupils=st.none() | st.integers(0, 3000),
    fsm_percent=st.none() | st.decimals(0, 100, places=1),
    deprivation_decile=st.none() | st.integers(1, 10),
    referral_rate=st.none() | st.decimals(0, 200, places=2),
    readiness_met=st.none() | st.integers(0, 10),
)


@settings(max_examples=150, deadline=None)
@given(
    schools=st.lists(school, max_size=12, unique_by=lambda s: s.school_id),
    capacity=st.decimals(0, 20, places=2),
    weights=st.tuples(*[st.integers(0, 5)] * 5).filter(any),
)
def test_same_inputs_same_result_in_any_order_and_shares_add_up(schools, capacity, weights):
    m = method(*weights)
    first = allocate(m, capacity, schools)
    again = allocate(m, capacity, list(reversed(schools)))
    summary = [(line.inputs.school_id, line.score, line.share_wte, line.rank, line.tied) for line in first.lines]
    assert summary == [
        (line.inputs.school_id, line.score, line.share_wte, line.rank, line.tied) for line in again.lines
    ]
    scored = [line for line in first.lines if line.score is not None]
    if scored:
        assert first.total_wte == capacity
    else:
        assert first.total_wte == 0
    assert all(line.share_wte >= 0 for line in first.lines)
    assert all(line.score is None or D(0) <= line.score <= D(100) for line in first.lines)
