"""Text people wrote (logic.folio): sentence shapes -> formulas, phrases that chain across
sentences, sentences left to the model, the declarations step skipped when the words read a
whole problem, and one real-embedded-model run on a small text of our own."""

from __future__ import annotations

import asyncio

import pytest

from logic.backend import LogicBackend
from logic.english import normalize_phrase
from logic.translation import read_sentences, words_declarations
from nesy.llm.base import BaseLLM
from nesy.types import Problem, Status, Trace, TranslateOptions

# sentence shape -> the formula its words decide (sentences written for this test)
SHAPES = {
    "All pilots are brave.": "forall x. Pilot(x) -> Brave(x)",
    "No pilots fear heights.": "forall x. Pilot(x) -> not FearHeight(x)",
    "Some sailors are pilots.": "exists x. Sailor(x) and Pilot(x)",
    "If people swim in the lake every morning, then they feel cold.":
        "forall x. SwimInLakeEveryMorning(x) -> FeelCold(x)",
    "If someone is brave, then they do not fear heights.": "forall x. Brave(x) -> not FearHeight(x)",
    "Everyone who swims in the lake every morning is a sailor.": "forall x. SwimInLakeEveryMorning(x) -> Sailor(x)",
    "All sailors who own a boat are rich.": "forall x. Sailor(x) and OwnBoat(x) -> Rich(x)",
    "A person either swims or runs.": "forall x. (Swim(x) xor Run(x))",
    "Nora neither swims nor is a pilot.": "not Swim(Nora) and not Pilot(Nora)",
    "Nora is either a sailor or a pilot.": "(Sailor(Nora) xor Pilot(Nora))",
    "Nora is both brave and rich.": "Brave(Nora) and Rich(Nora)",
    "Nora is rich or a pilot.": "(Rich(Nora) or Pilot(Nora))",
    "Nora does not fear heights.": "not FearHeight(Nora)",
    "Peter Holm trains Nora.": "Train(PeterHolm, Nora)",
    "If Nora feels cold, then Nora is not rich.": "FeelCold(Nora) -> not Rich(Nora)",
    "If a sea captain is rich, then they own a boat.": "forall x. SeaCaptain(x) and Rich(x) -> OwnBoat(x)",
    "People either sail at night or sleep early.": "forall x. (SailAtNight(x) xor SleepEarly(x))",
    "A kayak is not a motorboat.": "forall x. Kayak(x) -> not Motorboat(x)",
    "No one with a cold swims in the lake every morning.":
        "forall x. HaveCold(x) -> not SwimInLakeEveryMorning(x)",
    "It is not true that Nora is rich and Peter Holm is a pilot.": "not (Rich(Nora) and Pilot(PeterHolm))",
    "Nora is a sailor or Peter Holm is brave.": "Sailor(Nora) or Brave(PeterHolm)",
    "If salted herring is cheap, then salted herring is popular.": "Cheap(SaltedHerring) -> Popular(SaltedHerring)",
}


def _read(sentences: list[str]) -> dict[str, str]:
    return read_sentences(sentences, {}, [])[0]


def test_each_shape_reads_into_its_formula() -> None:
    read = _read(list(SHAPES))
    for sentence, want in SHAPES.items():
        assert read.get(sentence) == want, sentence


def test_inflections_and_plurals_name_one_predicate() -> None:
    assert normalize_phrase("schedules meetings with their customers") == \
        normalize_phrase("schedule a meeting with his customers")
    assert normalize_phrase("teaches") == normalize_phrase("teach")
    assert normalize_phrase("studies") == normalize_phrase("study")
    read = _read(["If people own boats, then they are sailors.", "Ada owns a boat.", "Ada is a sailor."])
    assert read["Ada owns a boat."] == "OwnBoat(Ada)" and read["Ada is a sailor."] == "Sailor(Ada)"


def test_a_verb_the_text_uses_elsewhere_ends_a_relative_clause() -> None:
    """"All people who own a boat sail at night." has no copula to end the class: the verb
    "sail" ends it because another sentence uses it as a verb; alone, the sentence is unsure."""
    lone = "All people who own a boat sail at night."
    assert _read([lone]) == {}
    read = _read(["Nora does not sail at night.", lone])
    assert read[lone] == "forall x. OwnBoat(x) -> SailAtNight(x)"


# shapes that read only with the text around them (sentences written for this test)
IN_CONTEXT = {
    # a verb that agrees with one subject follows a name, even a name ending in -s
    "Silas has lunch at the harbour.": "HaveLunchAtHarbour(Silas)",
    "Silas wrote Opus No. 4.": "Write(Silas, OpusNo4)",
    # a plural class word before a base-form verb, also after FOLIO's background marker
    "[BG] Sailors respect storms.": "forall x. Sailor(x) -> RespectStorm(x)",
    # "is either ... or neither ...": the copula distributes over complements and verb phrases
    "Silas is either a sailor and has lunch at the harbour or neither a sailor nor has lunch at the harbour.":
        "((Sailor(Silas) and HaveLunchAtHarbour(Silas)) xor (not Sailor(Silas) and not HaveLunchAtHarbour(Silas)))",
    # a quoted title is a name; a pronoun object after a named subject is that name's relation to x
    '"Sea Fever" is a poem.': "Poem(SeaFever)",
    "If a poem is short, Silas will recite it.": "forall x. Poem(x) and Short(x) -> Recite(Silas, x)",
    # "a short poem" is said as the two names the other sentences use
    '"Cargoes" is a short poem.': "(Short(Cargoes) and Poem(Cargoes))",
    # a definite description with a name after the copula
    "The captain of the Vega was Silas.": "CaptainOfVega(Silas)",
    "No one fears storms.": "forall x. not FearStorm(x)",
    # "with" a thing is having it; "the harbour" beside "All harbours ..." is any harbour
    "All harbours with a lighthouse are busy.": "forall x. Harbour(x) and HaveLighthouse(x) -> Busy(x)",
    "If the harbour is busy, then the harbour is loud.": "forall x. Harbour(x) and Busy(x) -> Loud(x)",
}


def test_shapes_read_in_context() -> None:
    read = _read(list(IN_CONTEXT))
    for sentence, want in IN_CONTEXT.items():
        assert read.get(sentence) == want, sentence


def test_unsure_sentences_are_left_to_the_model() -> None:
    unsure = [
        "Monkeypox virus can occur in certain animals, including humans.",  # a list inside the phrase
        "Sailors who know the tides say that storms come in spring.",  # a clause the shapes do not cover
        "There are six kinds of boats: sloops, ketches, and yawls.",
        "Mia's favorite season is not the same as Emma's.",  # a possessive compared with another
        "A sailor who lived in Bergen wrote the song.",  # one sailor, in the past: not a rule
        "Only Nora owns a boat.",  # that no one else does: not a fact of hers
        "Nora is a sailor whose boat is red.",  # what is said is of her boat
    ]
    assert _read(unsure) == {}


class _NoModel(BaseLLM):
    """A model that can score but fails on any call: a fully read problem must not call it."""

    name = "no-model"
    calls = 0

    async def generate(self, request):  # type: ignore[override]
        self.calls += 1
        raise AssertionError(f"the model was called for {request.step}")

    async def score(self, messages, candidates):  # type: ignore[override]
        self.calls += 1
        raise AssertionError("the model was asked to score")


PREMISES = ("All pilots are brave. If someone is brave, then they do not fear heights. "
            "Nora is a pilot. Nora neither swims nor is a sailor.")
QUESTION = "Based on the above information, is the following statement true, false, or uncertain? Nora fears heights."


def _problem(premises: str = PREMISES, question: str = QUESTION) -> Problem:
    return Problem(text=premises + " " + question, context={"premises": premises, "question": question,
                                                            "options": ["A) True", "B) False", "C) Uncertain"]})


def test_a_fully_read_problem_makes_no_model_call() -> None:
    backend = LogicBackend()
    try:
        ctx = backend.context(_problem())
        llm, trace = _NoModel(), Trace()
        f = asyncio.run(backend.translate(ctx, llm, TranslateOptions(mode="ours"), trace))
        assert llm.calls == 0
        decl = [s for s in trace.stages if s.name == "translate.declarations"]
        assert decl and decl[0].output["ranked"] == [{"text": decl[0].output["chosen"]}]  # one candidate, no score
        s = backend.solve(f, ctx, timeout=10)
        assert s.status == Status.SOLVED and s.answer == "False", f.text
    finally:
        backend.close()


def _read_and_solve(text: str, conclusion: str, formula: str, answer: str) -> None:
    """Read ``text`` and the conclusion with no model call (the program holding ``formula``), then solve."""
    backend = LogicBackend()
    try:
        ctx = backend.context(_problem(text, f"Is the following statement true, false, or uncertain? {conclusion}"))
        llm = _NoModel()
        f = asyncio.run(backend.translate(ctx, llm, TranslateOptions(mode="ours"), Trace()))
        assert llm.calls == 0 and formula in f.text, f.text
        s = backend.solve(f, ctx, timeout=10)
        assert s.status == Status.SOLVED and s.answer == answer, f.text
    finally:
        backend.close()


def test_a_sentence_left_to_the_model_keeps_the_model_s_declarations() -> None:
    texts = ["All pilots are brave.", "Sailors who know the tides say that storms come in spring.", "Nora is brave."]
    assert words_declarations(texts) is None
    decl = words_declarations([texts[0], texts[2]])
    assert decl is not None and set(decl.splitlines()) == {"const Nora", "pred Pilot/1", "pred Brave/1"}
    backend = LogicBackend()
    try:
        ctx = backend.context(_problem("All pilots are brave. Sailors who know the tides say that storms come in spring.",
                                       "Is the following statement true, false, or uncertain? Nora is brave."))
        llm = _NoModel()
        with pytest.raises(AssertionError, match="logic.declarations"):  # asked first, as before
            asyncio.run(backend.translate(ctx, llm, TranslateOptions(mode="ours"), Trace()))
    finally:
        backend.close()


def test_end_to_end_on_the_embedded_model(embedded_llm) -> None:
    """The real model on a small text of our own: every sentence read, so the answer is the
    words' (properties of the run, and the classical answer the premises entail)."""
    premises = ("All sailors who own a boat are rich. If people swim in the lake every morning, then they are sailors. "
                "Ada swims in the lake every morning. Ada owns a boat. No rich people are unhappy.")
    question = "Based on the above information, is the following statement true, false, or uncertain? Ada is unhappy."
    backend = LogicBackend()
    try:
        ctx = backend.context(_problem(premises, question))
        trace = Trace()
        f = asyncio.run(backend.translate(ctx, embedded_llm, TranslateOptions(mode="ours", exemplars=1), trace))
        assert not f.dropped
        assert all(st.prompt_tokens == 0 and st.completion_tokens == 0 for st in trace.stages)
        s = backend.solve(f, ctx, timeout=10)
        assert s.status == Status.SOLVED and s.answer == "False", f.text
    finally:
        backend.close()


def test_a_compound_name_is_split_only_where_no_part_is_said_twice() -> None:
    from logic.translation import _split_compounds

    read = {"a": "forall x. Animal(x) and BigAnimal(x) -> Pet(x)", "b": "Big(Rex)", "c": "BigAnimal(Rex)"}
    got = _split_compounds(read)
    assert got["a"] == read["a"]  # Animal(x) would be said twice in one conjunction
    assert got["c"] == "(Big(Rex) and Animal(Rex))"


# shapes added in stop 25, each with what it chains with (sentences written for this test)
CHAINS = {
    "If and only if Nora rows a canoe, she will paint it.": "forall x. Canoe(x) and Row(Nora, x) <-> Paint(Nora, x)",
    "If Nora rows a canoe, she will lend it to Ada.": "forall x. Canoe(x) and Row(Nora, x) -> LendToAda(Nora, x)",
    "Nora will lend \"Blue Heron\" to Ada.": "LendToAda(Nora, BlueHeron)",
    "Nora painted Blue Heron.": "Paint(Nora, BlueHeron)",
    "Ada is a sailor working in the harbour.": "Sailor(Ada) and WorkInHarbour(Ada)",
    "All sailors working in the harbour are brave.": "forall x. Sailor(x) and WorkInHarbour(x) -> Brave(x)",
    "Ada is taking the night ferry.": "TakeNightFerry(Ada)",
    "All captains from Norway are calm.": "forall x. Captain(x) and FromNorway(x) -> Calm(x)",
    "Ada is a captain from Norway.": "Captain(Ada) and FromNorway(Ada)",
    "If boats are built by hand, then they are heavy.": "forall x. Boat(x) and BuildByHand(x) -> Heavy(x)",
    "All of Ada's favorite boats float well.": "forall x. AdaFavoriteBoat(x) -> FloatWell(x)",
    "Sea Gull is a fishing boat, built in Bergen.": "FishingBoat(SeaGull) and BuildInBergen(SeaGull)",
    # a modifier and a noun + "-ed" says what it has; not where the second part is a verb
    "All rafts have four sides.": "forall x. Raft(x) -> HaveFourSide(x)",
    "All four-sided things float.": "forall x. HaveFourSide(x) -> Float(x)",
    "Ada is blue-eyed.": "HaveBlueEye(Ada)",
    "Ada is well-behaved.": "WellBehave(Ada)",
    # common shapes: "None of the", "are both", "There is a ... who", "but not both", an apposition
    "None of the pilots are lazy.": "forall x. Pilot(x) -> not Lazy(x)",
    "Nora and Ada are both pilots.": "Pilot(Nora) and Pilot(Ada)",
    "There is a pilot who is lazy.": "exists x. Pilot(x) and Lazy(x)",
    "Nora either sings or swims, but not both.": "(Sing(Nora) xor Swim(Nora))",
    "Nora, a pilot, is tired.": "Pilot(Nora) and Tired(Nora)",  # "tired" is Tired as every reader names it
    "If Ada is lazy, then Nora is tired.": "Lazy(Ada) -> Tired(Nora)",
    # a name keeps its letters, a word the lists know keeps its final s; a first word is a verb
    "Nora sailed to Paris in 2010.": "SailToParisIn2010(Nora)",
    "Nora plays major tennis.": "PlayMajorTennis(Nora)",
    "Ada lives in a small house.": "LiveInSmallHouse(Ada)",
    "Nora writes about the lives of pilots.": "WriteAboutLifeOfPilot(Nora)",
    # a pronoun after "and"/"but" is the one the first clause names; "Either <fact> or <fact>";
    # "all"/"any" as the object of a relation
    "Ada is a pilot, but she is not tired.": "Pilot(Ada) and not Tired(Ada)",
    "Either Ada is lazy or Nora is a pilot.": "(Lazy(Ada) xor Pilot(Nora))",
    "Ada likes all kites.": "forall x. Kite(x) -> Like(Ada, x)",
    "Nora does not like any kites.": "forall x. Kite(x) -> not Like(Nora, x)",
    # a pronoun after a condition about one named individual is that individual, never "anyone"
    "If Nora is lazy, then she is tired.": "Lazy(Nora) -> Tired(Nora)",
    "If Ada owns a kite, then she is a pilot.": "OwnKite(Ada) -> Pilot(Ada)",
    "Only pilots fly planes.": "forall x. FlyPlane(x) -> Pilot(x)",
    "Ada is not a sailor, nor is she a surfer.": "not Sailor(Ada) and not Surfer(Ada)",
    "All sailors at Roland Garros sing.": "forall x. Sailor(x) and AtRolandGarros(x) -> Sing(x)",  # not "Garro"
    "Nora has no kite.": "not HaveKite(Nora)",
    "It is not the case that Ada is a surfer.": "not Surfer(Ada)",
    # a perfect tense says what the past says: "has written" and "wrote" are one verb
    "Nora has written a song.": "WriteSong(Nora)",
    "Ada wrote a song.": "WriteSong(Ada)",
    "Nora had visited Oslo.": "Visit(Nora, Oslo)",
    # a class with a relative clause, with or without "All"; "a person who" is anyone who
    "Ada is a person who mends nets.": "MendNet(Ada)",
    "A sailor who mends nets is patient.": "forall x. Sailor(x) and MendNet(x) -> Patient(x)",
    "People who mend nets are patient.": "forall x. MendNet(x) -> Patient(x)",
    # two verb phrases after a plural, each its own predicate; "not" covers both
    "If people sail at night, then they trust the stars and enjoy the silence of the sea.":
        "forall x. SailAtNight(x) -> (TrustStar(x) and EnjoySilenceOfSea(x))",
    "If people fear the sea, then they do not trust the stars and enjoy the silence of the sea.":
        "forall x. FearSea(x) -> (not (TrustStar(x) and EnjoySilenceOfSea(x)))",
    "Every rose given out at the fair is red.": "forall x. RoseGiveOutAtFair(x) -> Red(x)",
    "The Faroe Islands include Streymoy, Eysturoy, and Vagar.":
        "Include(FaroeIslands, Streymoy) and Include(FaroeIslands, Eysturoy) and Include(FaroeIslands, Vagar)",
    "Bergen and Oslo are cities in Norway.": "City(Bergen) and InNorway(Bergen) and City(Oslo) and InNorway(Oslo)",
    "The Song of Roland sold more than a million copies.": "SellMoreThanMillionCopy(SongOfRoland)",
    "Ada wrote a shanty called Low Tide.": "Write(Ada, LowTide) and Shanty(LowTide)",
    "Sailors sing loudly when they sail at night.": "forall x. Sailor(x) and SailAtNight(x) -> SingLoudly(x)",
    "When a person sails a boat, that person gets wet.": "forall x. SailBoat(x) -> GetWet(x)",
    "Low Water is a shanty written in 1850.": "Shanty(LowWater) and WriteIn1850(LowWater)",
    "If people have friends who are sailors, then they like the sea.":
        "forall x. HaveFriendSailor(x) -> LikeSea(x)",
    "If a boat from Oslo is old, then a boat from Oslo is slow and heavy.":
        "forall x. BoatFromOslo(x) and Old(x) -> (Slow(x) and Heavy(x))",
}


# a kind named with no article is one thing; a part "of" a thing is said of the thing
KINDS = {
    "Sentiment analysis is a text classification task.": "TextClassificationTask(SentimentAnalysis)",
    "Sentiment analysis doesn't need parallel text.": "not NeedParallelText(SentimentAnalysis)",
    "The input of sentiment analysis is a short review.": "InputShortReview(SentimentAnalysis)",
    "Text classification tasks can be categorized as either binary task or multiclass task.":
        "forall x. TextClassificationTask(x) -> (BinaryTask(x) xor MulticlassTask(x))",
    "If the input of a text classification task is a short review, then it is a binary task.":
        "forall x. TextClassificationTask(x) and InputShortReview(x) -> BinaryTask(x)",
    "Ada's favorite season is autumn.": "FavoriteSeasonAutumn(Ada)",
    "Bob's favorite season is not autumn.": "not FavoriteSeasonAutumn(Bob)",
    "If something is a rare disease, then its cure rate is low.": "forall x. RareDisease(x) -> CureRateLow(x)",
}


# a class with a place, and what it did; anything at a place; "any" as "all"
PLACES = {
    "All junior sailors at Kiel Week 2021 lost to Ada Berg.":
        "forall x. JuniorSailor(x) and AtKielWeek2021(x) -> LoseTo(x, AdaBerg)",
    "Everything on the Night Show portrays the lives of old sailors.":
        "forall x. OnNightShow(x) -> PortrayLifeOfOldSailor(x)",
    "All films portraying the lives of old sailors are sea films.":
        "forall x. Film(x) and PortrayLifeOfOldSailor(x) -> SeaFilm(x)",
    "Any harbour in Bergen is not in Oslo.": "forall x. Harbour(x) and InBergen(x) -> not InOslo(x)",
    "Norway includes the towns of Alta, Vik, and Bodo.": "Include(Norway, Alta) and Include(Norway, Vik) and "
                                                         "Include(Norway, Bodo) and Town(Alta) and Town(Vik) and Town(Bodo)",
    "A list of harbours in Norway: Molde Harbour and Vik Harbour.":
        "Harbour(MoldeHarbour) and InNorway(MoldeHarbour) and Harbour(VikHarbour) and InNorway(VikHarbour)",
}


def test_places_and_participles_read_into_their_formulas() -> None:
    read = _read(list(PLACES))
    for sentence, want in PLACES.items():
        assert read.get(sentence) == want, sentence


def test_kinds_and_their_parts_read_into_their_formulas() -> None:
    read = _read(list(KINDS))
    for sentence, want in KINDS.items():
        assert read.get(sentence) == want, sentence
    # a kind the text also uses as a class is a class: "Lung disease is ..." says it of any
    read = _read(["Lung disease is a severe illness.", "Asthma is a lung disease."])
    assert read["Lung disease is a severe illness."] == "forall x. LungDisease(x) -> SevereIllness(x)"
    # a possessive is no kind, and a plural is a class
    assert _read(["His dad is out of work.", "Dried chilies are spicy."]).get("His dad is out of work.") is None


def test_shapes_that_chain_read_into_their_formulas() -> None:
    read = _read(list(CHAINS))
    for sentence, want in CHAINS.items():
        assert read.get(sentence) == want, sentence


def test_names_that_modify_a_noun_and_relational_plurals_stay_with_the_model() -> None:
    read = _read(["The Deep Learning model for translating text needs data.", "Bergen and Oslo are cities in the same country."])
    assert read == {}


def test_past_tenses_and_progressives_name_the_verb_they_inflect() -> None:
    for a, b in [("wrote a song", "writes songs"), ("premiered a film", "premieres films"), ("left the club", "leaves the club"),
                 ("sold more copies", "sells more copies")]:
        assert normalize_phrase(a) == normalize_phrase(b), (a, b)
    read = _read(["Anne taught Bob.", "Carl teaches Bob."])
    assert read == {"Anne taught Bob.": "Teach(Anne, Bob)", "Carl teaches Bob.": "Teach(Carl, Bob)"}
    # an adjective in -ing is not a verb's progressive
    assert _read(["Ada is interesting."])["Ada is interesting."] == "Interesting(Ada)"


def test_a_compound_name_means_its_parts() -> None:
    from logic.postulates import name_postulates

    preds = {"WriteSong": 1, "Write": 2, "Song": 1, "FolkSinger": 1, "Singer": 1, "SingerInBand": 1, "InBand": 1}
    got = name_postulates(preds)
    assert "forall x. WriteSong(x) <-> (exists y. Write(x, y) and Song(y))" in got
    assert "forall x. FolkSinger(x) -> Singer(x)" in got
    # what is done at a place or a time is done; "of" joins one name
    got = name_postulates({"SailToOsloIn1990": 1, "SailToOslo": 1, "HomeToCityOfBergen": 1, "HomeToCity": 1})
    assert got == ["forall x. SailToOsloIn1990(x) -> SailToOslo(x)"]
    got = name_postulates(preds)
    # a class's head is never a verb phrase's object or a place: "write song" is not a song
    assert not any(p.startswith(("forall x. WriteSong(x) -> Song", "forall x. SingerInBand(x) -> InBand")) for p in got)
    assert "forall x. SingerInBand(x) -> Singer(x)" in got  # a singer in a band is a singer


@pytest.mark.parametrize("conclusion, answer", [("Some singers write songs.", "True"),
                                                ("Ada does not write songs.", "False")])
def test_compound_names_chain_through_the_solver(conclusion: str, answer: str) -> None:
    """"Ada wrote Lullaby" and "Lullaby is a song" say that Ada writes songs: the program holds
    what the name WriteSong means, so the solver links the two ways of saying it."""
    _read_and_solve("Ada is a singer. Ada wrote Lullaby. Lullaby is a song. All singers who write songs are famous.",
                    conclusion, "exists y. Write(x, y) and Song(y)", answer)


@pytest.mark.parametrize("conclusion, answer", [("Rex does not bark.", "True"), ("Rex barks.", "False")])
def test_a_named_one_is_of_the_class_the_rules_are_about(conclusion: str, answer: str) -> None:
    """Rules all said of animals, and what the text tells of Rex is what they ask: Rex is an
    animal, though no sentence says so (FOLIO's writers take it as given)."""
    _read_and_solve("If an animal swims, then it is wet. If an animal is wet, then it does not bark. Rex swims.",
                    conclusion, "premise: Animal(Rex)", answer)


def test_a_property_or_a_stated_class_is_not_presumed() -> None:
    from logic.postulates import topic_postulates

    rules = ("premise: forall x. Animal(x) and Swim(x) -> Wet(x)  # If an animal swims, then it is wet.\n"
             "premise: forall x. Animal(x) and Wet(x) -> not Bark(x)  # If an animal is wet, then it does not bark.\n")
    assert topic_postulates(rules + "premise: Swim(Rex)  # Rex swims.\n") == ["Animal(Rex)"]
    # the text names Rex's class, or says whether Rex is an animal
    assert topic_postulates(rules + "premise: Swim(Rex) and Fish(Rex)  # Rex swims.\n"
                            "premise: forall x. Fish(x) -> not Bark(x)  # Fish do not bark.\n") == []
    assert topic_postulates(rules + "premise: Swim(Rex)  # Rex swims.\nconclusion: Animal(Rex)  # Rex is an animal.\n") == []
    # "something is smart": a property shared by rules, not a class the text is about
    props = ("premise: forall x. Smart(x) and Young(x) -> Big(x)  # All smart, young things are big.\n"
             "premise: forall x. Smart(x) and Red(x) -> Kind(x)  # If something is smart and red then it is kind.\n"
             "premise: Young(Bob)  # Bob is young.\n")
    assert topic_postulates(props) == []


@pytest.mark.parametrize("conclusion, answer", [("Ada is a Dutch yawl.", "True"), ("Ada is a sloop.", "False")])
def test_kinds_listed_after_a_colon_cover_their_class(conclusion: str, answer: str) -> None:
    """"There are three kinds of boats: A, B, and C" says each boat is one of them; with "not
    an A, or a B" the third follows, through Z3, with no model call."""
    _read_and_solve("There are three kinds of sailing boats: sloop, ketch, and Dutch yawl. Ada is a sailing boat. "
                    "Ada is also not a sloop, or a ketch.",
                    conclusion, "forall x. SailingBoat(x) -> (Sloop(x) or Ketch(x) or DutchYawl(x))", answer)


@pytest.mark.parametrize("conclusion, answer", [("Ada likes Sky Dancer.", "True"), ("Ada is lazy.", "False"),
                                                ("All kites with four sides are toys.", "True"),
                                                ("Sky Dancer is a pilot.", "Unknown")])
def test_everyday_shapes_chain_through_the_solver(conclusion: str, answer: str) -> None:
    """"likes all kites" reaches the named kite; "four-sided" is "has four sides"; "tired" is one
    predicate whichever reader reads the sentence; a pronoun after "but" is Ada."""
    _read_and_solve("Ada likes all kites. Sky Dancer is a kite. All kites have four sides. "
                    "All four-sided things are toys. Ada is a pilot, but she is tired. "
                    "If Ada is lazy, then Ada is not tired.",
                    conclusion, "forall x. HaveFourSide(x) -> Toy(x)", answer)


@pytest.mark.parametrize("conclusion, answer", [("Nora is calm.", "True"), ("Sea Gull floats.", "True"),
                                                ("Blue Heron floats.", "Unknown")])
def test_a_class_named_by_a_relation_and_a_name_chains_with_the_relation(conclusion: str, answer: str) -> None:
    """"citizens of Norway" and "a citizen of Norway", "boats built by Ada" and "Ada built Sea
    Gull": two ways of saying one thing, linked by a postulate of what the name says (the passive
    is read as the agent's relation itself)."""
    _read_and_solve("All citizens of Norway are calm. Nora is a citizen of Norway. "
                    "Every boat built by Ada floats. Ada built Sea Gull. Sea Gull is a boat. Blue Heron is a boat.",
                    conclusion, "forall x. CitizenOfNorway(x) <-> CitizenOf(x, Norway)", answer)


@pytest.mark.parametrize("conclusion, answer", [("Nora is calm.", "True"), ("Nora is a sailor.", "Unknown")])
def test_two_rules_in_one_sentence_each_hold(conclusion: str, answer: str) -> None:
    _read_and_solve("All sailors are brave, and all pilots are calm. Nora is a pilot.",
                    conclusion, "(forall x. Sailor(x) -> Brave(x)) and (forall x. Pilot(x) -> Calm(x))", answer)


@pytest.mark.parametrize("conclusion, answer", [("Ada is calm.", "True"), ("Nora is happy.", "True"),
                                                ("Nora is calm.", "Unknown")])
def test_people_doing_a_thing_chain_with_a_named_one_doing_it(conclusion: str, answer: str) -> None:
    """"people living in Bergen" is anyone who lives in Bergen; "Everyone who visited Paris"
    anyone who visited it: both chain with the facts' relations."""
    _read_and_solve("Nora visited Paris. Everyone who visited Paris is happy. Ada lives in Bergen. "
                    "All people living in Bergen are calm.",
                    conclusion, "forall x. LiveIn(x, Bergen) -> Calm(x)", answer)


def test_a_cut_that_leaves_no_class_is_unread_not_a_crash(caplog):
    """"All people who people eat ..." once cut to an empty class and raised IndexError."""
    text = "All people who people eat salads regularly are very conscious about their health and eating habits."
    read_sentences([text], {}, [])
    assert "reader failed" not in caplog.text


def test_a_reader_fault_leaves_that_sentence_to_the_model(monkeypatch, caplog):
    """A reader bug on one sentence must not fail the request (a client would see a 500):
    that sentence is unread, the others are read, and the fault is logged."""
    from logic.folio import FolioReader

    real = FolioReader.read

    def faulty(self, text: str):
        if "kites" in text:
            raise IndexError("list index out of range")
        return real(self, text)

    monkeypatch.setattr(FolioReader, "read", faulty)
    texts = ["All sailors who fly kites are calm.", "Nora is a pilot.", "All pilots are brave."]
    read, _, _ = read_sentences(texts, {}, [])
    assert texts[0] not in read
    assert read[texts[2]] == "forall x. Pilot(x) -> Brave(x)"
    assert "reader failed" in caplog.text and "IndexError" in caplog.text


def test_either_of_two_classes_says_each_thing_is_one_of_them() -> None:
    """"Either pilots at Oslo or sailors at Oslo." has no verb: each thing spoken of is one or
    the other, not both; a name, an individual or a verb inside makes it a fact instead."""
    read, _, _ = read_sentences(["Either Nora's paintings or Ada's sketches.", "Either the pilot or the sailor."], {}, [])
    assert read == {"Either Nora's paintings or Ada's sketches.": "forall x. NoraPainting(x) xor AdaSketch(x)"}
    _read_and_solve(
        "Either pilots at Oslo or sailors at Oslo. Every pilot at Oslo who is brave is a sailor. Mia is brave.",
        "Mia is a sailor.", "forall x. (Pilot(x) and AtOslo(x)) xor (Sailor(x) and AtOslo(x))", "True")


def test_a_name_that_is_one_class_with_its_clause_or_another() -> None:
    """"Nora is a pilot who flies jets or a sailor who owns a boat": each part with its clause;
    "a pilot who flies jets or boats" may join inside the clause, so it is left unread."""
    texts = ["Nora is a pilot who flies jets or a sailor who owns a boat.", "Nora is a pilot who flies jets or boats."]
    read, _, _ = read_sentences(texts, {}, [])
    assert read == {texts[0]: "((Pilot(Nora) and FlyJet(Nora)) or (Sailor(Nora) and OwnBoat(Nora)))"}


def test_everyone_who_with_a_verb_that_agrees_with_everyone() -> None:
    texts = ["Everyone who speaks Norwegian lives in Norway.", "Everyone who speaks Danish and lives in Oslo sings.",
             "No one trained by Ada is lazy.", "Everyone born in Oslo is calm."]
    read, _, _ = read_sentences(texts, {}, [])
    assert read[texts[0]] == "forall x. Speak(x, Norwegian) -> LiveIn(x, Norway)"
    assert read[texts[1]] == "forall x. (Speak(x, Danish) and LiveIn(x, Oslo)) -> Sing(x)"
    assert read[texts[2]] == "forall x. TrainByAda(x) -> not Lazy(x)"  # once the junk NoOneTrainByAdaBeLazy
    assert read[texts[3]] == "forall x. BornInOslo(x) -> Calm(x)"


def test_an_apposition_participle_and_no_longer() -> None:
    texts = ["Nora, born in Bergen, is a pilot.", "Nora no longer flies for the Lions.", "Ada is no longer a sailor."]
    read, _, _ = read_sentences(texts, {}, [])
    assert read[texts[0]] == "BornInBergen(Nora) and Pilot(Nora)"
    assert read[texts[1]] == "not FlyForLions(Nora)"
    assert read[texts[2]] == "not Sailor(Ada)"
    _read_and_solve("Nora, born in Bergen, is a pilot. All pilots are brave.", "Nora is brave.", "BornInBergen(Nora)", "True")


def test_one_misread_sentence_does_not_unread_every_sentence_of_its_name() -> None:
    """A name most sentences use as a class stays a class; the sentence that made it an
    individual is left to the model (it once dropped every sentence that says "brave")."""
    texts = ["If someone is a pilot, then they are brave.", "Everyone who is a pilot is either brave or lucky.",
             "All pilots who are not lazy are brave.", "Bob likes Brave.", "Nora is a pilot."]
    read, _, consts = read_sentences(texts, {}, [])
    assert read[texts[0]] == "forall x. Pilot(x) -> Brave(x)"
    assert read[texts[2]] == "forall x. Pilot(x) and not Lazy(x) -> Brave(x)"
    assert texts[3] not in read and "Brave" not in consts


def test_an_adjective_opening_a_sentence_is_no_name() -> None:
    texts = ["Brave pilots fly jets.", "Nora is brave.", "A pilot is calm if they fly jets."]
    read, _, consts = read_sentences(texts, {}, [])
    assert read[texts[0]] == "forall x. (Brave(x) and Pilot(x)) -> FlyJet(x)" and "Brave" not in consts
    assert read[texts[1]] == "Brave(Nora)"
    assert read[texts[2]] == "forall x. Pilot(x) and FlyJet(x) -> Calm(x)"  # once PilotFly(x) and Jet(x)


def test_named_subjects_with_a_verb_and_plural_classes_with_a_participle() -> None:
    texts = ["Linda and Tom work at Acme.", "Companies based in Boston pay well.",
             "All people born in Oslo speak Norwegian.", "Boats built by Ada float."]
    read, _, consts = read_sentences(texts, {}, [])
    assert read[texts[0]] == "WorkAt(Linda, Acme) and WorkAt(Tom, Acme)"
    assert read[texts[1]] == "forall x. Company(x) and BaseInBoston(x) -> PayWell(x)"  # once a fact of "Companies"
    assert read[texts[2]] == "forall x. BornInOslo(x) -> Speak(x, Norwegian)"
    assert read[texts[3]] == "forall x. Boat(x) and Build(Ada, x) -> Float(x)"  # "built by Ada": Ada built it
    assert "Companies" not in consts


def test_a_participle_after_the_class_is_cut_before_a_plural_guess() -> None:
    """"sells well" once passed for a plural noun and a verb, cutting the class at "well"."""
    text = "Every novel written by a famous author sells well."
    read, _, _ = read_sentences([text], {}, [])
    assert read[text] == "forall x. Novel(x) and WriteByFamousAuthor(x) -> SellWell(x)"


def test_one_verb_two_objects_and_two_verbs_alone() -> None:
    texts = ["Nora does not like cats or dogs.", "Nora likes neither cats nor dogs.", "Ada either sings or dances.",
             "Bob sings and dances.", "Mia likes either tea or coffee."]
    read, _, _ = read_sentences(texts, {}, [])
    assert read[texts[0]] == "not (LikeCat(Nora) or LikeDog(Nora))"
    assert read[texts[1]] == "not LikeCat(Nora) and not LikeDog(Nora)"
    assert read[texts[2]] == "(Sing(Ada) xor Dance(Ada))"
    assert read[texts[3]] == "Sing(Bob) and Dance(Bob)"  # once the one predicate SingAndDance
    assert read[texts[4]] == "(LikeTea(Mia) xor LikeCoffee(Mia))"


def test_every_one_of_a_class_with_a_singular_verb() -> None:
    texts = ["Every member of the chess club plays chess.", "Every pilot who flies jets sings.", "Every pilot flies."]
    read, _, _ = read_sentences(texts, {}, [])
    assert read[texts[0]] == "forall x. MemberOfChessClub(x) -> PlayChess(x)"
    assert read[texts[1]] == "forall x. Pilot(x) and FlyJet(x) -> Sing(x)"
    assert read[texts[2]] == "forall x. Pilot(x) -> Fly(x)"


def test_hedges_never_not_all_at_least_one_and_but() -> None:
    texts = ["Most pilots are brave.", "Nora has never flown a jet.", "Not all sailors are calm.",
             "At least one sailor is brave.", "Those who fly are calm.", "A pilot cannot be a sailor.",
             "Nora likes Ada, but Ada does not like Nora.", "A person who is tired does not fly."]
    read, _, _ = read_sentences(texts, {}, [])
    assert texts[0] not in read  # "most" is no rule (it once read as the class MostPilot)
    assert read[texts[1]] == "not FlyJet(Nora)"
    assert read[texts[2]] == "exists x. Sailor(x) and not Calm(x)"
    assert read[texts[3]] == "exists x. Sailor(x) and Brave(x)"
    assert read[texts[4]] == "forall x. Fly(x) -> Calm(x)"
    assert read[texts[5]] == "forall x. Pilot(x) -> not Sailor(x)"
    assert read[texts[6]] == "Like(Nora, Ada) and not Like(Ada, Nora)"
    assert read[texts[7]] == "forall x. Tired(x) -> not Fly(x)"


def test_or_both_a_copula_then_a_verb_and_either_of_two_names() -> None:
    texts = ["Nora is a pilot or a sailor, or both.", "Nora is a pilot and lives in Oslo.",
             "Either Ada or Bob is a sailor.", "Either Mia is a pilot or Bob is a sailor."]
    read, _, _ = read_sentences(texts, {}, [])
    assert read[texts[0]] == "(Pilot(Nora) or Sailor(Nora))"  # once a class "Both"
    assert read[texts[1]] == "Pilot(Nora) and LiveIn(Nora, Oslo)"  # once Live(Nora) and InOslo(Nora)
    assert read[texts[2]] == "(Sailor(Ada) xor Sailor(Bob))"
    assert read[texts[3]] == "(Pilot(Mia) xor Sailor(Bob))"


def test_has_two_objects_there_are_and_an_apposition_before_any_verb() -> None:
    texts = ["Nora has a license and a plane.", "There are sailors who are lazy.", "Ada, a pilot from Oslo, flies jets."]
    read, _, _ = read_sentences(texts, {}, [])
    assert read[texts[0]] == "HaveLicense(Nora) and HavePlane(Nora)"  # once HaveLicenseAndPlane
    assert read[texts[1]] == "exists x. Sailor(x) and Lazy(x)"
    assert read[texts[2]] == "Pilot(Ada) and FromOslo(Ada) and FlyJet(Ada)"


def test_places_in_names_and_classes() -> None:
    texts = ["The Nile flows through Egypt.", "The city of Pierre is not in Montana.", "Students at Oxford work hard."]
    read, _, consts = read_sentences(texts, {}, [])
    assert read[texts[0]] == "FlowThrough(Nile, Egypt)"  # once Through(NileFlows, Egypt)
    assert read[texts[1]] == "City(Pierre) and not InMontana(Pierre)"
    assert read[texts[2]] == "forall x. Student(x) and AtOxford(x) -> WorkHard(x)"
    assert not {"NileFlows", "CityOf", "CityOfPierre"} & set(consts)


def test_a_rule_between_two_things_of_two_classes() -> None:
    """"If a player left a team they no longer play for that team": x and y, and the relation
    the rule's consequent says of both ("that team", "it")."""
    texts = ["If a player left a team they no longer play for that team.", "If someone owns a car, they pay tax for it.",
             "If a pilot flies a plane, then the pilot inspects that plane."]
    read, _, _ = read_sentences(texts, {}, [])
    assert read[texts[0]] == "forall x y. Player(x) and Team(y) and Leave(x, y) -> not PlayFor(x, y)"
    assert read[texts[1]] == "forall x y. Car(y) and Own(x, y) -> PayTaxFor(x, y)"  # once PayTaxForIt(x)
    assert read[texts[2]] == "forall x y. Pilot(x) and Plane(y) and Fly(x, y) -> Inspect(x, y)"
    _read_and_solve("If a player left a team they no longer play for that team. Lyon is a team. Robert is a player. "
                    "Robert left Lyon.", "Robert plays for Lyon.", "Leave(x, y) -> not PlayFor(x, y)", "False")


def test_an_acronym_is_one_name_however_it_is_cased() -> None:
    # the model declares "RealityTVShow"; the words read "reality TV shows" and "reality tv
    # show": one predicate, so the rule and the fact chain (two spellings were two predicates)
    from logic.translation import _declarations

    preds, _ = _declarations("pred RealityTVShow/1\npred Show/1")
    texts = ["All reality TV shows are shows.", "Nora is not a reality tv show."]
    read, preds, _ = read_sentences(texts, preds, [])
    assert read == {texts[0]: "forall x. RealityTvShow(x) -> Show(x)", texts[1]: "not RealityTvShow(Nora)"}
    assert [p for p in preds if p.lower() == "realitytvshow"] == ["RealityTvShow"]


@pytest.mark.parametrize("text, conclusion, formula, answer", [
    ("Every song that sells a million copies is selected into the chart. Lullaby sells a million copies. "
     "Lullaby is a song.", "Lullaby is in the chart.", "SelectIntoChart(x) -> InChart(x)", "True"),
    ("Bergen is located in Norway. No town in Norway is hot. Bergen is a town.", "Bergen is hot.",
     "LocateInNorway(x) <-> InNorway(x)", "False"),
    ("Nora was listed in the register. Everyone in the register votes.", "Nora votes.",
     "ListInRegister(x) -> InRegister(x)", "True")])
def test_where_a_thing_is_put_is_where_it_is(text: str, conclusion: str, formula: str, answer: str) -> None:
    _read_and_solve(text, conclusion, formula, answer)


def test_a_place_of_birth_is_not_where_one_is() -> None:
    from logic.postulates import name_postulates

    # born in Oslo says where one was, not where one is; "into" is never both ways
    assert name_postulates({"BearInOslo": 1, "BornInOslo": 1, "InOslo": 1}) == []
    assert name_postulates({"MoveIntoHouse": 1, "InHouse": 1, "SelectIntoChart": 1, "InChart": 1}) == [
        "forall x. SelectIntoChart(x) -> InChart(x)"]


def test_what_is_done_often_is_done_and_very_rich_is_rich() -> None:
    from logic.postulates import name_postulates

    preds = {"VeryBrave": 1, "Brave": 1, "EatFishRegularly": 1, "EatFish": 1, "EatFishRarely": 1,
             "FlyOften": 1, "Fly": 1, "ItalianFamily": 1, "Italian": 1}
    assert name_postulates(preds) == ["forall x. VeryBrave(x) -> Brave(x)",
                                      "forall x. EatFishRegularly(x) -> EatFish(x)",
                                      "forall x. FlyOften(x) -> Fly(x)"]  # not rarely; "family" is a noun
    _read_and_solve("All pilots who fly often are very rich. Nora is a pilot. Nora flies often.", "Nora is rich.",
                    "VeryRich(x) -> Rich(x)", "True")


def test_a_kind_pilot_is_kind_and_a_pilot_a_former_one_neither() -> None:
    from logic.postulates import name_postulates

    assert name_postulates({"KindPilot": 1, "Kind": 1, "Pilot": 1, "FormerPilot": 1, "Former": 1}) == [
        "forall x. KindPilot(x) <-> Kind(x) and Pilot(x)"]  # for the model's names: the words split their own


def test_a_past_deed_of_a_thing_tells_of_one_thing() -> None:
    # "A pilot flies jets" is said of pilots; "A brave pilot visited Oslo" of one pilot
    texts = ["A brave pilot visited Oslo.", "A pilot flies jets.", "A man who lived in Oslo wrote a song.",
             "A kayak is not a motorboat."]
    read = _read(texts)
    assert read[texts[0]] == "exists x. BravePilot(x) and Visit(x, Oslo)"
    assert read[texts[1]] == "forall x. Pilot(x) -> FlyJet(x)" and texts[2] not in read
    assert read[texts[3]] == "forall x. Kayak(x) -> not Motorboat(x)"
    # a deed told with its time says the deed: "moved to Bergen in 1990" is "moved to Bergen"
    _read_and_solve("Ada University is a private research university. Ada University moved to Bergen in 1990.",
                    "A private research university moved to Bergen.",
                    "MoveToBergenIn1990(x) -> MoveTo(x, Bergen)", "True")


def test_the_thing_named_after_its_kind_is_the_object() -> None:
    texts = ["Ada wrote the song the Blue Lullaby.", "Nora read the book “Walden” by Henry Thoreau."]
    assert _read(texts) == {texts[0]: "Write(Ada, BlueLullaby) and Song(BlueLullaby)",
                            texts[1]: "Read(Nora, Walden) and Book(Walden)"}
    _read_and_solve("Nora read the book “Walden” by Henry Thoreau. Everyone who reads a book gains knowledge.",
                    "Nora gains knowledge.", "ReadBook(x) <-> (exists y. Read(x, y) and Book(y))", "True")


def test_there_are_none_and_a_fact_that_says_there_are_none() -> None:
    texts = ["There are no brave pilots.", "There is no pilot in Oslo.",
             "If Nora is not a sailor, then there are no boats in Oslo."]
    assert _read(texts) == {texts[0]: "not (exists x. BravePilot(x))",
                            texts[1]: "not (exists x. Pilot(x) and InOslo(x))",
                            texts[2]: "not Sailor(Nora) -> (not (exists x. Boat(x) and InOslo(x)))"}
    _read_and_solve("There are no pilots who fly jets. Ada is a pilot.", "Ada flies jets.",
                    "not (exists x. Pilot(x) and FlyJet(x))", "False")


@pytest.mark.parametrize("text, answer", [
    ("Nora is a pilot. Nora left Blue Air. If a pilot left an airline they no longer fly for that airline.", "False"),
    # the text says what Blue Air is, and it is no airline: nothing is presumed
    ("Nora is a pilot. Nora left Blue Air. Blue Air is a club. "
     "If a pilot left an airline they no longer fly for that airline.", "Unknown")])
def test_a_rule_between_two_things_speaks_of_the_named_object(text: str, answer: str) -> None:
    _read_and_solve(text, "Nora flies for Blue Air.", "forall x y. Pilot(x) and Airline(y) and Leave(x, y)", answer)


def test_letters_name_any_things() -> None:
    texts = ["If A is located in B and B is located in C, then A is located in C.",
             "If A is taller than B, then B is shorter than A.", "A kayak is not a motorboat."]
    assert _read(texts) == {texts[0]: "forall x y z. (LocateIn(x, y) and LocateIn(y, z)) -> LocateIn(x, z)",
                            texts[1]: "forall x y. TallerThan(x, y) -> ShorterThan(y, x)",
                            texts[2]: "forall x. Kayak(x) -> not Motorboat(x)"}
    _read_and_solve("Ada is located in Bergen. Bergen is located in Norway. "
                    "If A is located in B and B is located in C, then A is located in C.",
                    "Ada is located in Norway.", "LocateIn(x, z)", "True")


def test_a_list_of_three_is_one_of_them() -> None:
    # "kayaks, canoes, or yachts" was (Kayak and Canoe) or Yacht; "either" over three was two xors
    texts = ["Boats are kayaks, canoes, or yachts.", "Ships are either tankers, liners, or ferries.",
             "Nora is brave, kind, and rich.", "Sails can be classified as jibs, spinnakers, and mainsails."]
    assert _read(texts) == {texts[0]: "forall x. Boat(x) -> (Kayak(x) or Canoe(x) or Yacht(x))",
                            texts[1]: "forall x. Ship(x) -> (Tanker(x) or Liner(x) or Ferry(x))",
                            texts[2]: "Brave(Nora) and Kind(Nora) and Rich(Nora)",
                            texts[3]: "forall x. Sail(x) -> (Jib(x) or Spinnaker(x) or Mainsail(x))"}


def test_two_classes_a_clause_between_commas_and_but_not() -> None:
    # were PilotAndSailor, unread, and PilotButNotSailor
    texts = ["All pilots and sailors are brave.", "Nora, who is a pilot, flies jets.", "Ada is a cook but not a sailor."]
    assert _read(texts) == {texts[0]: "(forall x. Pilot(x) -> Brave(x)) and (forall x. Sailor(x) -> Brave(x))",
                            texts[1]: "Pilot(Nora) and FlyJet(Nora)", texts[2]: "Cook(Ada) and not Sailor(Ada)"}


def test_at_least_one_is_a() -> None:
    texts = ["Each sailor owns at least one boat.", "Nora owns a boat."]
    assert _read(texts) == {texts[0]: "forall x. Sailor(x) -> OwnBoat(x)", texts[1]: "OwnBoat(Nora)"}


def test_a_name_a_sentence_spells_is_an_individual_only_where_no_class_has_it() -> None:
    from logic.postulates import used_postulates

    program = ("premise: LocateInNorway(Bergen)  # Bergen is located in Norway.\n"
               "premise: forall x. LocateInBoat(x) -> Boat(x)  # Boat things.\n"
               "premise: forall x y. LocateIn(x, y) -> Near(x, y)  # Near.")
    preds = {"LocateInNorway": 1, "LocateInBoat": 1, "Boat": 1, "LocateIn": 2, "Near": 2}
    got = [f for f, _ in used_postulates(preds, program)]
    assert "forall x. LocateInNorway(x) <-> LocateIn(x, Norway)" in got
    assert not any("LocateIn(x, Boat)" in f for f in got)  # "Boat" names a class here


def test_a_plural_class_before_either_and_a_present_tense_a_are_generic() -> None:
    # "Pilots either fly jets or sail boats" was PilotEitherFlyJetOrSail(x) -> Boat(x); "A steward
    # does not fly planes" was unread (and "A man visited Oslo", one man, stays unread)
    texts = ["Pilots either fly jets or sail boats.", "Pilots neither fly jets nor sail boats.",
             "A steward does not fly planes.", "A cook can sail.", "A man visited Oslo."]
    assert _read(texts) == {texts[0]: "forall x. Pilot(x) -> (FlyJet(x) xor SailBoat(x))",
                            texts[1]: "forall x. Pilot(x) -> (not FlyJet(x) and not SailBoat(x))",
                            texts[2]: "forall x. Steward(x) -> not FlyPlane(x)",
                            texts[3]: "forall x. Cook(x) -> Sail(x)"}


def test_unless_is_if_not() -> None:
    # was the one predicate FlyJetUnlessSheBeTire
    texts = ["Nora flies jets unless she is tired.", "Sailors sing at night unless they are sick.", "Ada rows unless Nora is sick."]
    assert _read(texts) == {texts[0]: "not Tired(Nora) -> FlyJet(Nora)",
                            texts[1]: "forall x. Sailor(x) and not Sick(x) -> SingAtNight(x)",
                            texts[2]: "not Sick(Nora) -> Row(Ada)"}


@pytest.mark.parametrize("fact, conclusion, answer", [
    ("Nora is not tired.", "Nora flies jets.", "True"),
    ("Nora does not fly jets.", "Nora is tired.", "True"),
    ("Nora flies jets.", "Nora is tired.", "Unknown")])  # "unless" is not "if and only if not"
def test_unless_chains_through_the_solver(fact: str, conclusion: str, answer: str) -> None:
    _read_and_solve(f"Nora flies jets unless she is tired. {fact}", conclusion,
                    "not Tired(Nora) -> FlyJet(Nora)", answer)


def test_a_passive_with_a_named_agent_is_the_agent_s_relation() -> None:
    # were LoveByNora(Ola) and HireByBlueAir(Nora), which no active sentence chains with
    texts = ["Ola is loved by Nora.", "Nora was hired by Blue Air.", "Every boat built by Ada floats."]
    assert _read(texts) == {texts[0]: "Love(Nora, Ola)", texts[1]: "Hire(BlueAir, Nora)",
                            texts[2]: "forall x. Boat(x) and Build(Ada, x) -> Float(x)"}
    _read_and_solve("Ada builds Sea Wind. Every boat built by Ada floats. Sea Wind is a boat.",
                    "Sea Wind floats.", "Build(Ada, x)", "True")


@pytest.mark.parametrize("text, conclusion, formula, answer", [
    ("Lena became famous in 2005. All famous people are rich.", "Lena is rich.",
     "forall x. BecomeFamousIn2005(x) -> Famous(x)", "True"),
    ("Lena became a citizen of Norway. All citizens of Norway are calm.", "Lena is calm.",
     "forall x. BecomeCitizenOfNorway(x) -> CitizenOfNorway(x)", "True"),
    ("Lena became famous in 2005. All rich people are famous.", "Lena is rich.",
     "forall x. BecomeFamousIn2005(x) -> Famous(x)", "Unknown")])
def test_what_became_something_is_it(text: str, conclusion: str, formula: str, answer: str) -> None:
    _read_and_solve(text, conclusion, formula, answer)


def test_both_so_is_has_been_and_a_clause_verb_the_text_uses() -> None:
    # "and so is Ola" was SoBeOla(Tom); "Both Tom and Ola" unread; "has been a pilot" HaveBeenPilot;
    # a relative clause's verb that another sentence uses ended the class there (unread)
    texts = ["Both Tom and Ola are forwards.", "Tom is a forward, and so is Ola.", "Tom has been a pilot.",
             "Tom scored more than ten goals.", "Every player who scored more than ten goals won an award."]
    assert _read(texts) == {texts[0]: "Forward(Tom) and Forward(Ola)", texts[1]: "Forward(Tom) and Forward(Ola)",
                            texts[2]: "Pilot(Tom)", texts[3]: "ScoreMoreThanTenGoal(Tom)",
                            texts[4]: "forall x. Player(x) and ScoreMoreThanTenGoal(x) -> WinAward(x)"}


def test_whatever_not_but_so_because_and_a_named_one_s_if() -> None:
    # were Cat(Whatever) and Purr(Whatever), not DogButCat, HungrySoSheMeow, and unread
    texts = ["Whatever is a cat purrs.", "Mia is not a dog but a cat.", "Mia is hungry, so she meows.",
             "Ola is sad because Mia is sick.", "Mia purrs if she is happy."]
    assert _read(texts) == {texts[0]: "forall x. Cat(x) -> Purr(x)", texts[1]: "Cat(Mia) and not Dog(Mia)",
                            texts[2]: "Hungry(Mia) and Meow(Mia)", texts[3]: "Sad(Ola) and Sick(Mia)",
                            texts[4]: "Happy(Mia) -> Purr(Mia)"}


def test_a_type_of_a_class_is_of_the_class() -> None:
    # was TypeOfSailboat, which "Sea Wind is a sailboat" never chained with
    texts = ["A sloop is a type of sailboat.", "Yawls are a kind of boat.", "A sloop is not a kind of ship."]
    assert _read(texts) == {texts[0]: "forall x. Sloop(x) -> Sailboat(x)", texts[1]: "forall x. Yawl(x) -> Boat(x)",
                            texts[2]: "forall x. Sloop(x) -> not Ship(x)"}


def test_two_verb_phrases_a_pronoun_joins_and_whom_the_person_names() -> None:
    # were not (Sailor and TheyBeBrave), FlyPlaneAndWearUniform, LikeEverybody; the book's
    # conditional was read as if the book were the person
    texts = ["If someone flies jets, then they are not a sailor and they are brave.",
             "Pilots fly planes and wear a uniform.", "Nora likes everybody.", "Nora likes nobody.",
             "If a boat is new and it is built by a person, then the person is a builder."]
    assert _read(texts) == {texts[0]: "forall x. FlyJet(x) -> (not Sailor(x) and Brave(x))",
                            texts[1]: "forall x. Pilot(x) -> (FlyPlane(x) and WearUniform(x))",
                            texts[2]: "forall x. Like(Nora, x)", texts[3]: "forall x. not Like(Nora, x)"}


def test_a_relative_clause_s_adjective_and_a_copula_s_not() -> None:
    # "Pilots who are brave fly jets" was unread (the clause's copula was the only cut), and
    # "is a pilot and not brave" too ("not brave" alone is no verb phrase)
    texts = ["Pilots who are brave fly jets.", "A sailor who is not kind sails boats.",
             "If someone is a pilot and not brave, then they stay home."]
    assert _read(texts) == {texts[0]: "forall x. Pilot(x) and Brave(x) -> FlyJet(x)",
                            texts[1]: "forall x. Sailor(x) and not Kind(x) -> SailBoat(x)",
                            texts[2]: "forall x. (Pilot(x) and not Brave(x)) -> StayHome(x)"}


def test_a_class_of_nouns_then_a_past_participle() -> None:
    # was FootballTeamBaseInOslo, which "All football teams ..." never chained with
    texts = ["The Oslo Lions is a football team based in Oslo.", "Nora is a sea captain trained in Bergen.",
             "Walden is a novel written in 1854."]
    assert _read(texts) == {texts[0]: "FootballTeam(OsloLions) and BaseInOslo(OsloLions)",
                            texts[1]: "SeaCaptain(Nora) and TrainInBergen(Nora)",
                            texts[2]: "Novel(Walden) and WriteIn1854(Walden)"}


@pytest.mark.parametrize("text, answer", [
    ("Tweety is a small yellow bird. Small birds eat seeds.", "True"),
    ("Tweety is a small former bird. Small birds eat seeds.", "Unknown"),  # "former" says it is none
    ("Tweety is a yellow bird. Small birds eat seeds.", "Unknown")])
def test_an_adjective_left_out_of_a_class_s_name(text: str, answer: str) -> None:
    formula = "forall x. SmallYellowBird(x) -> SmallBird(x)" if answer == "True" else "forall x. SmallBird(x) -> EatSeed(x)"
    _read_and_solve(text, "Tweety eats seeds.", formula, answer)


def test_all_but_an_exception() -> None:
    # was FlyExceptPenguin(x)
    texts = ["All birds can fly except penguins.", "All boats can float, except for wrecks."]
    assert _read(texts) == {texts[0]: "forall x. Bird(x) and not Penguin(x) -> Fly(x)",
                            texts[1]: "forall x. Boat(x) and not Wreck(x) -> Float(x)"}


def test_neither_of_two_named_ones() -> None:
    texts = ["Neither Ola nor Per flies jets.", "Neither Ola nor Per is a pilot."]
    assert _read(texts) == {texts[0]: "not FlyJet(Ola) and not FlyJet(Per)", texts[1]: "not Pilot(Ola) and not Pilot(Per)"}


def test_a_named_one_s_relative_clause_and_as_well_as() -> None:
    # were PerAdmire(Ola), NoraKnow(x), PilotAsWellAsSailor and PilotAsBePer
    texts = ["Ola is a pilot that Per admires.", "Every pilot that Nora knows is brave.",
             "Ola is a pilot as well as a sailor.", "Kim is a cook, as is Per."]
    assert _read(texts) == {texts[0]: "Pilot(Ola) and Admire(Per, Ola)",
                            texts[1]: "forall x. Pilot(x) and Know(Nora, x) -> Brave(x)",
                            texts[2]: "Pilot(Ola) and Sailor(Ola)", texts[3]: "Cook(Kim) and Cook(Per)"}


def test_a_named_one_s_clause_in_a_rule_and_anyone_who_as_an_object() -> None:
    # were unread and DislikeAnyoneRude(Ola)
    texts = ["All boats that Ola built float.", "Ola dislikes anyone who is rude.", "Ola does not like anyone who smokes."]
    assert _read(texts) == {texts[0]: "forall x. Boat(x) and Build(Ola, x) -> Float(x)",
                            texts[1]: "forall x. Rude(x) -> Dislike(Ola, x)",
                            texts[2]: "forall x. Smoke(x) -> not Like(Ola, x)"}
    _read_and_solve("Ola dislikes anyone who is rude. Per is rude.", "Ola dislikes Per.",
                    "forall x. Rude(x) -> Dislike(Ola, x)", "True")


def test_two_quantified_sentences_one_with_some() -> None:
    texts = ["All pilots are brave, and some pilots are kind."]
    assert _read(texts) == {texts[0]: "(forall x. Pilot(x) -> Brave(x)) and (exists x. Pilot(x) and Kind(x))"}


def test_one_relation_to_either_of_two_named_ones_and_people_from_a_place() -> None:
    # were unread
    texts = ["Everyone who speaks Norwegian lives in Norway or Sweden.", "Ola lives in either Norway or Sweden.",
             "People from Norway like snow."]
    assert _read(texts) == {
        texts[0]: "forall x. Speak(x, Norwegian) -> (LiveIn(x, Norway) or LiveIn(x, Sweden))",
        texts[1]: "(LiveIn(Ola, Norway) xor LiveIn(Ola, Sweden))", texts[2]: "forall x. FromNorway(x) -> LikeSnow(x)"}
    _read_and_solve("Ola lives in Norway or Sweden. Ola does not live in Sweden.", "Ola lives in Norway.",
                    "(LiveIn(Ola, Norway) or LiveIn(Ola, Sweden))", "True")


def test_a_plural_class_and_an_ing_verb_with_its_object() -> None:
    # was LakeContainingSilica(x), which "The lagoon contains silica" never chained with
    texts = ["Lakes containing silica are blue.", "Dogs wearing hats are funny."]
    assert _read(texts) == {texts[0]: "forall x. Lake(x) and ContainSilica(x) -> Blue(x)",
                            texts[1]: "forall x. Dog(x) and WearHat(x) -> Funny(x)"}


def test_always_nothing_and_two_plural_classes() -> None:
    # once FlyJet(Pilots) and Brave(Pilots): "Pilots" taken for a name before "always"
    texts = ["Pilots always fly jets.", "Sailors are always brave.", "Nothing that flies is a fish.",
             "Cooks and bakers are tired.", "Ola does not always sail.", "Ola is kind."]
    read, _, _ = read_sentences(texts, {}, [])
    assert read == {texts[0]: "forall x. Pilot(x) -> FlyJet(x)", texts[1]: "forall x. Sailor(x) -> Brave(x)",
                    texts[2]: "forall x. Fly(x) -> not Fish(x)",
                    texts[3]: "(forall x. Cook(x) -> Tired(x)) and (forall x. Baker(x) -> Tired(x))",
                    texts[5]: "Kind(Ola)"}  # "not always" is no "never"
    # once Pilot(SAS) and Brave(SAS): the pilots of SAS are many, none of them SAS
    assert read_sentences(["The pilots of SAS are brave."], {}, [])[0] == {}
