"""Long sentences read from the shorter ones they say (logic.weaken): a premise may stand on
the parts that read, a conclusion only on parts that say all of it. Sentences written for
this test."""

from __future__ import annotations

import pytest

from logic.translation import read_sentences
from logic.weaken import implied_parts
from tests.logic.test_folio_reader import _read_and_solve


@pytest.mark.parametrize("sentence, parts, complete", [
    ("Ola is a pilot; she flies jets.", ["Ola is a pilot.", "Ola flies jets."], True),
    ("However, Ola is brave.", ["Ola is brave."], True),
    ("Currently, Ola is a pilot; she flies jets.", ["Currently, Ola is a pilot.", "Ola flies jets."], True),
    ("Ola is brave, while Per is kind.", ["Ola is brave.", "Per is kind."], True),
    ("Although Ola is brave, she is not a pilot.", ["Ola is brave.", "Ola is not a pilot."], True),
    ("Ola flies jets, but they are loud.", ["Ola flies jets.", "Ola is loud."], True),
    ("In 2008, Ola moved to Oslo.", ["Ola moved to Oslo."], False),
    ("Ola (a pilot) flies jets.", ["Ola flies jets."], False),
    ("Ola lives in Oslo, which is in Norway.", ["Ola lives in Oslo."], False),
    ("All pilots are brave; they fly jets.", ["All pilots are brave."], False),  # no name says who "they" are
    ("If Ola sails, then she is kind, and if Per sails, then he is kind.",
     ["If Ola sails, then she is kind.", "If Per sails, then he is kind."], True),
])
def test_a_sentence_splits_into_what_it_says(sentence: str, parts: list[str], complete: bool) -> None:
    assert implied_parts(sentence) == (parts, complete)


@pytest.mark.parametrize("sentence", [
    "Ola visited Oslo, Bergen, and Tromso in 2010.",  # a list's last item is no sentence
    "All pilots are brave.",
    "Is Ola a pilot?",
    "If it rains, then Ola stays home, and the game is cancelled.",  # the game may be the consequent's
    "All pilots fly jets, with the exception of Ola.",  # leaving the exception out would say more
])
def test_no_split_where_the_sentence_is_one(sentence: str) -> None:
    assert implied_parts(sentence) is None


def test_a_premise_stands_on_its_parts_and_a_conclusion_only_on_all_of_them() -> None:
    partial = "Ola lives in Oslo, which is in Norway."
    joined = "Ola is brave; she flies jets."
    read, _, _ = read_sentences([partial, joined, "Per is a pilot."], {}, [], premises=[partial])
    assert read[partial] == "LiveIn(Ola, Oslo)"
    assert read[joined] == "(Brave(Ola)) and (FlyJet(Ola))"  # all of it: read even where it is no premise
    read, _, _ = read_sentences([partial], {}, [])  # a conclusion: the part left out could be false
    assert partial not in read


def test_a_two_sentence_line_is_no_one_predicate() -> None:
    # once read as BraveWhilePerBeKind(Ola) and BraveSheBeNotPilot(AlthoughOla)
    texts = ["Ola is brave, while Per is kind.", "Although Ola is brave, she is not a pilot."]
    read, _, _ = read_sentences(texts, {}, [])
    assert read == {texts[0]: "(Brave(Ola)) and (Kind(Per))", texts[1]: "(Brave(Ola)) and (not Pilot(Ola))"}


def test_or_but_not_both_is_exclusive() -> None:
    text = "Ola is a pilot or a sailor, but not both."  # once (Pilot(Ola) or (Sailor(Ola) and not Both(Ola)))
    assert read_sentences([text], {}, [])[0][text] == "(Pilot(Ola) xor Sailor(Ola))"


def test_a_weakened_premise_still_proves_through_z3() -> None:
    # the leading adverbial and the trailing clause are left out; what is left chains with the rule
    _read_and_solve("All pilots are brave. In 2019, Ola became a pilot, beating ten others in the test.",
                    "Ola is brave.", "Brave(Ola)", "True")
    _read_and_solve("Every sailor owns a boat. Per is a sailor; he lives in Bergen.",
                    "Per owns a boat.", "OwnBoat(Per)", "True")


def test_a_modal_or_therefore_says_nothing_of_the_verb() -> None:
    texts = ["Per must be happy.", "Per owns a boat and is therefore happy.", "Per thus flies jets.", "Per is happy."]
    read, _, _ = read_sentences(texts, {}, [])
    assert read == {texts[0]: "Happy(Per)", texts[1]: "OwnBoat(Per) and Happy(Per)", texts[2]: "FlyJet(Per)",
                    texts[3]: "Happy(Per)"}


def test_a_negating_prefix_denies_the_word_it_is_on() -> None:
    from logic.postulates import name_postulates
    got = name_postulates({"Unhappy": 1, "Happy": 1, "Dishonest": 1, "Honest": 1, "Inactive": 1, "Active": 1,
                           "Indoor": 1, "Door": 1})
    assert got == ["forall x. Unhappy(x) -> not Happy(x)", "forall x. Dishonest(x) -> not Honest(x)",
                   "forall x. Inactive(x) -> not Active(x)"]  # "indoor" is no "not door"
    _read_and_solve("Everyone who owns a boat is happy. Per owns a boat.", "Per is unhappy.",
                    "Unhappy(Per)", "False")


def test_someone_is_one_not_all() -> None:
    texts = ["Someone loves Ola.", "Ola is kind."]  # once forall x. Love(x, Ola)
    assert read_sentences(texts, {}, [])[0][texts[0]] == "exists x. Love(x, Ola)"


def test_a_surname_and_a_pronoun_name_the_one_named_before() -> None:
    texts = ["Nils Holm is a footballer.", "He joined Brann in 2019.", "Holm was born in Oslo.", "Brann is a club.",
             "It is based in Bergen.", "Strikers score goals.", "He is a striker.", "It is not true that Brann is small.",
             "Monkeypox is a disease caused by the monkeypox virus."]
    read, _, consts = read_sentences(texts, {}, [])
    assert read[texts[1]] == "JoinBrannIn2019(NilsHolm)" and read[texts[2]] == "BornInOslo(NilsHolm)"
    assert read[texts[4]] == "BaseInBergen(Brann)"
    assert texts[6] not in read  # no name just before: "he" is not known (once Striker(Brann))
    assert read[texts[7]] == "not Small(Brann)"  # "It is not true that" names no one
    assert "Holm" not in consts and "He" not in consts and "It" not in consts
    assert "Monkeypox" in consts  # "the monkeypox virus" is no capitalised name: the disease keeps its own


def test_everyone_who_plays_for_a_club_based_somewhere() -> None:
    # once PlayForFootballClub(x) -> BaseInBergenLifeInBergen(x): "lives" taken for "life"
    text = "Everyone who plays for a football club based in Bergen lives in Bergen."
    assert read_sentences([text], {}, [])[0][text] == "forall x. PlayForFootballClubBaseInBergen(x) -> LiveIn(x, Bergen)"
    _read_and_solve("Nils Holm is a footballer. He plays for a football club based in Bergen. "
                    "Everyone who plays for a football club based in Bergen lives in Bergen.",
                    "Holm lives in Bergen.", "LiveIn(NilsHolm, Bergen)", "True")


def test_a_phrase_with_its_adjuncts_left_out_is_said_too() -> None:
    from logic.postulates import adjunct_postulates
    preds = {"Score40GoalForBrann": 1, "ScoreGoal": 1, "BornIn1995InOslo": 1, "BornInOslo": 1,
             "PlayAsStrikerForBrann": 1, "PlayFor": 2, "AfraidOfHeight": 1, "Afraid": 1,
             "HaveMoreThan10Goal": 1, "Have10Goal": 1, "GoodAtChess": 1, "Good": 1, "WriteByOla": 1, "Write": 1}
    assert adjunct_postulates(preds, {"Brann", "Oslo", "Ola"}) == [
        "forall x. Score40GoalForBrann(x) -> ScoreGoal(x)", "forall x. BornIn1995InOslo(x) -> BornInOslo(x)",
        "forall x. PlayAsStrikerForBrann(x) -> PlayFor(x, Brann)"]  # never "afraid", "good", "more than", "by"


def test_a_story_s_phrases_chain_through_names_and_adjuncts() -> None:
    story = ("Nils Holm is a footballer who plays as a striker for Brann. Brann is a football club based in Bergen. "
             "Holm was born in 1995 in Oslo. Strikers score goals. Holm has scored 40 goals for Brann. "
             "Everyone who plays for a football club based in Bergen lives in Bergen.")
    _read_and_solve(story, "Nils Holm lives in Bergen.", "LiveIn(NilsHolm, Bergen)", "True")
    _read_and_solve(story, "Holm was born in Oslo.", "BornInOslo(NilsHolm)", "True")
    _read_and_solve(story, "Nils Holm scores goals.", "ScoreGoal(NilsHolm)", "True")
    _read_and_solve(story, "Nils Holm was born in Bergen.", "BornInBergen(NilsHolm)", "Unknown")


def test_the_band_is_the_one_band_the_text_names() -> None:
    from logic.postulates import definite_postulates
    story = "The Blue Lakes is a rock band from Tromso. Every member of the band plays jazz. Jon Lie is a member of the band."
    _read_and_solve(story, "Jon Lie is a member of The Blue Lakes.", "MemberOf(JonLie, BlueLakes)", "True")
    two = ("premise: RockBand(BlueLakes)  # The Blue Lakes is a rock band.\npremise: Band(RedRoofs)  # Red Roofs is a band.\n"
           "premise: Loud(Band)  # The band is loud.\n")
    assert definite_postulates(two) == []  # two bands: which one "the band" is, the words do not say
    virus = ("premise: Disease(Monkeypox) and CauseByMonkeypoxVirus(Monkeypox)  # Monkeypox is a disease caused by "
             "the monkeypox virus.\npremise: Small(MonkeypoxVirus)  # The monkeypox virus is small.\n")
    assert definite_postulates(virus) == []  # caused by the virus is no kind of virus


def test_a_wikipedia_style_film_story() -> None:
    # once: "a 2015 Norwegian drama film directed by ..." unread; "The film premiered at Berlin" as
    # At(FilmPremiered, Berlin); "Films that received good reviews were shown ..." cut at "reviews"
    texts = ["Silent Fjord is a 2015 Norwegian drama film directed by Eva Moe.", "The film premiered in Berlin.",
             "Every film that premiered at Berlin received good reviews.", "Films that won awards were shown in cinemas.",
             "The band plays jazz."]
    read, _, _ = read_sentences(texts, {}, [])
    assert read == {
        texts[0]: "NorwegianDramaFilm(SilentFjord) and Direct(EvaMoe, SilentFjord) and From2015(SilentFjord)",
        texts[1]: "PremiereIn(SilentFjord, Berlin)",  # "the film" beside "every film": the one film named
        texts[2]: "forall x. Film(x) and PremiereAt(x, Berlin) -> ReceiveGoodReview(x)",
        texts[3]: "forall x. Film(x) and WinAward(x) -> ShowInCinema(x)",
        texts[4]: "PlayJazz(Band)"}
    assert read_sentences([texts[1]], {}, [])[0] == {texts[1]: "PremiereIn(Film, Berlin)"}
    _read_and_solve("Silent Fjord is a 2015 Norwegian drama film directed by Eva Moe. No drama film is a comedy.",
                    "Silent Fjord is a comedy.", "Comedy(SilentFjord)", "False")


def test_the_film_beside_every_film_is_the_one_film_named() -> None:
    story = ("Silent Fjord is a Norwegian drama film directed by Eva Moe. The film premiered at the Berlin Film Festival. "
             "Every film that premiered at the Berlin Film Festival received good reviews. "
             "Films that received good reviews were shown in cinemas.")
    _read_and_solve(story, "Silent Fjord was shown in cinemas.", "PremiereAtBerlinFilmFestival(SilentFjord)", "True")
    # two films named: "the film" is neither, and its sentence is not said of one of them
    two = ["Silent Fjord is a drama film.", "Red Sky is a drama film.", "The film premiered in Oslo.",
           "Every film that premiered in Oslo is good."]
    read, _, _ = read_sentences(two, {}, [])
    assert not any("SilentFjord" in r or "RedSky" in r for t, r in read.items() if t == two[2])


def test_a_possessive_apposition_names_the_thing_and_by_keeps_its_agent() -> None:
    assert implied_parts("Her first novel, The Long Winter, was published in 2010 by Nordbok.") == (
        ["The Long Winter is a first novel.", "The Long Winter was published in 2010 by Nordbok."], False)
    story = ("Lena Berg is a Swedish author. Her first novel, The Long Winter, was published in 2010 by Nordbok. "
             "All novels published by Nordbok are translated into English.")
    _read_and_solve(story, "The Long Winter is translated into English.", "TranslateIntoEnglish(LongWinter)", "True")


def test_a_tennis_story_chains_through_twice_and_her_father() -> None:
    story = ("Marta Lind is a Swedish tennis player. She won the Stockholm Open twice. "
             "Every player who won the Stockholm Open has played at Wimbledon. "
             "Players who have played at Wimbledon are professionals. Marta Lind is coached by her father, Per Lind.")
    _read_and_solve(story, "Marta Lind is a professional.", "Professional(MartaLind)", "True")
    _read_and_solve(story, "Per Lind coaches Marta Lind.", "Coach(PerLind, MartaLind)", "True")
    _read_and_solve(story, "Per Lind is a professional.", "Professional(PerLind)", "Unknown")


def test_the_arctic_fox_is_one_kind_and_it_names_it() -> None:
    # once every "The Arctic fox ..." sentence unread, and "foxes" the class Foxe
    story = ("The Arctic fox is a small fox native to the Arctic regions. It has thick fur. "
             "Animals with thick fur can survive cold winters. All foxes are mammals. All mammals are animals.")
    read, _, _ = read_sentences(story.split(". "), {}, [])
    assert read["The Arctic fox is a small fox native to the Arctic regions"] == \
        "SmallFox(ArcticFox) and NativeToArcticRegion(ArcticFox)"
    assert read["It has thick fur"] == "HaveThickFur(ArcticFox)"
    _read_and_solve(story, "The Arctic fox is a mammal.", "Mammal(ArcticFox)", "True")
    _read_and_solve(story, "The Arctic fox can survive cold winters.", "SurviveColdWinter(ArcticFox)", "True")
