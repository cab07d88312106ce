"""Open answers: points chosen from the best passages and sections, shaped by the form, every
line the documents' own words with its marker."""

import re

import numpy as np
import pytest
from test_answer import assert_marker_rule

from assistant.answer.compose import (
    FEATURES,
    POINT_WEIGHTS,
    WORD_BUDGET,
    Line,
    render,
)
from assistant.answer.labels import run_in_label
from assistant.ingest import ingest
from assistant.service import Assistant
from assistant.structure import Unit

PRIORITIES = """# Community strategy

## Our priorities

The strategy has four priorities:

- Cut waiting times for planned operations.
- Give every neighbourhood a health and wellbeing hub.
- Grow the local workforce and use fewer agency staff.
- Help people stay well at home for longer.

## Background

Figure 2: Population by age band

The area has grown by a tenth in ten years, mostly through people moving in.
Contact: strategy.team@example.nhs.uk
"""


@pytest.fixture
def assistant(settings, tmp_path, fake_embedder) -> Assistant:
    corpus = tmp_path / "strategy"
    corpus.mkdir()
    (corpus / "strategy.md").write_text(PRIORITIES, encoding="utf-8")
    ingest([corpus], settings, fake_embedder, show_progress=False)
    return Assistant(settings.with_overrides(open_refusal_threshold=0.0),
                     embedder=fake_embedder)


def _ask_of_one_document(settings, tmp_path, fake_embedder, name: str, text: str,
                         question: str) -> dict:
    """`question` asked of a library holding one Markdown document, refusing nothing."""
    corpus = tmp_path / "library"
    corpus.mkdir()
    (corpus / name).write_text(text, encoding="utf-8")
    ingest([corpus], settings, fake_embedder, show_progress=False)
    return Assistant(settings.with_overrides(open_refusal_threshold=0.0),
                     embedder=fake_embedder).ask(question).to_json()


def test_a_list_question_is_answered_with_the_items_as_cited_bullets(assistant):
    answer = assistant.ask("What are the strategy's priorities?").to_json()
    assert answer["form"] == "list" and answer["answered"]
    bullets = [line for line in answer["answer"].split("\n") if line.startswith("- ")]
    assert len(bullets) >= 3
    assert all(re.search(r"\[\d+\]\.?$", line) for line in bullets)
    assert "neighbourhood a health and wellbeing hub" in answer["answer"]
    assert_marker_rule(answer)


def test_a_list_question_gets_the_whole_list_after_its_lead_in(settings, tmp_path,
                                                               fake_embedder):
    """All nine sections in their order, short ones too, not the six most likely; a list
    longer than the word budget ends "…and N more"."""
    sections = "".join(f"- Section {n}: {name}\n" for n, name in enumerate(
        ["Prevention", "Keeping people well", "Access to care", "Integrated teams",
         "Elective care", "Learning disabilities", "Mental health", "Children and young people",
         "Women's health"], start=1))
    text = (f"# Plan\n\n## The sections\n\nThe plan groups its work into nine sections:\n\n"
            f"{sections}\nEach section has its own delivery actions and its own leads.\n")
    answer = _ask_of_one_document(settings, tmp_path, fake_embedder, "plan.md", text,
                                  "What are the nine sections of the plan?")
    lines = answer["answer"].split("\n")
    assert lines[0] == "The plan groups its work into nine sections [1]:"
    assert [line.split(":")[0] for line in lines[1:10]] == [f"- Section {n}" for n in
                                                            range(1, 10)]
    long_list = "".join(f"- Open a hub in {town} with {what}.\n" for town, what in [
        ("Ashby", "a memory clinic, a falls service and weekend opening hours"),
        ("Belton", "two dentists, a pharmacy counter and a talking therapies room"),
        ("Coalville", "community nurses, a wound clinic and district therapists"),
        ("Desford", "a diabetes clinic, eye screening and money advice"),
        ("Enderby", "a children's centre, health visitors and a breastfeeding cafe"),
        ("Fleckney", "social prescribers, a walking group and a lunch club"),
        ("Glenfield", "a minor injuries unit, an X-ray room and parking"),
        ("Hinckley", "a diagnostic centre with scanners and endoscopy suites"),
        ("Ibstock", "a youth worker, sexual health advice and a carers' drop-in"),
        ("Kegworth", "a pain clinic, physiotherapy and cardiac rehabilitation")])
    (tmp_path / "long").mkdir()
    answer = _ask_of_one_document(settings.with_overrides(index=tmp_path / "long" / "index"),
                                  tmp_path / "long", fake_embedder, "hubs.md",
                                  f"# Plan\n\n## Hubs\n\nThe hubs the plan will open:\n\n"
                                  f"{long_list}\nEvery hub will open on weekdays.\n",
                                  "What are the hubs the plan will open?")
    lines = answer["answer"].split("\n")
    shown = [line for line in lines if line.startswith("- Open a hub")]
    assert lines[0] == "The hubs the plan will open [1]:" and 4 <= len(shown) < 10, \
        answer["answer"]
    assert lines[1:len(shown) + 1] == shown  # the list's own order, the lead-in above it
    assert lines[len(shown) + 1] == f"- …and {10 - len(shown)} more [1]", answer["answer"]
    assert_marker_rule(answer)


def test_items_of_another_list_go_under_their_own_lead_in(settings, tmp_path, fake_embedder):
    """Two lists in one passage: the second list's items follow its own lead-in, so they do
    not read as more items of the first."""
    text = ("# Workforce\n\n## Aims and values\n\nOur aims for the workforce are:\n\n"
            "- Recruit more workforce nurses and workforce therapists.\n"
            "- Keep more of the workforce we already have.\n"
            "- Cut workforce agency spending every year.\n\n"
            "Our values for the workforce are:\n\n"
            "- Kindness to every workforce colleague.\n"
            "- Fairness in workforce pay and workforce training.\n"
            "- Openness with workforce unions and staff.\n")
    answer = _ask_of_one_document(settings, tmp_path, fake_embedder, "workforce.md", text,
                                  "What are the aims and values for the workforce?")
    lines = answer["answer"].split("\n")
    leads = [n for n, line in enumerate(lines) if line.endswith("are [1]:")]
    assert len(leads) == 2, answer["answer"]  # both lists, each under its lead-in
    for start, end in zip(leads, [*leads[1:], len(lines)], strict=True):
        kind = "aims" if "aims" in lines[start] else "values"
        items = [line for line in lines[start + 1:end] if line.startswith("- ")]
        assert items and all(("workforce" in line) for line in items)
        assert all(line.split()[1] in ("Recruit", "Keep", "Cut") for line in items) == \
            (kind == "aims"), answer["answer"]
    assert_marker_rule(answer)


def test_a_whole_list_quotes_each_item_by_one_sentence():
    """An item that opens with its label ("Place – Leicestershire.", unquotable alone) is
    quoted by its next sentence; a short item that is whole by its only sentence."""
    from assistant.answer.compose import _item_sentences

    units = [Unit("Place – Leicestershire.", "heading", 0, True),
             Unit("At this level, care alliances plan services.", "item", 0),
             Unit("Their members span hospitals and councils.", "item", 0),
             Unit("Section 1: Prevention", "item", 0, True),
             Unit("Use ring-fenced funding to support the", "item", 0, True)]
    scores = np.array([-np.inf, 0.5, 0.4, -np.inf, -np.inf])
    assert _item_sentences([0, 1, 2], units, scores, []) == [1]
    assert _item_sentences([0, 1, 2], units, scores, [2, 1]) == [1, 2]  # all it picked
    assert _item_sentences([3], units, scores, []) == [3]
    assert _item_sentences([4], units, scores, []) == []  # cut mid-phrase


def test_captions_and_contacts_never_reach_an_answer(assistant):
    answer = assistant.ask("What does the strategy say about the background?").to_json()
    assert "Figure 2" not in answer["answer"] and "@" not in answer["answer"]
    assert len(re.sub(r"\[\d+\]", "", answer["answer"]).split()) <= WORD_BUDGET + 60


def test_a_numbered_section_heading_is_never_a_point(settings, tmp_path, fake_embedder):
    """A PDF section heading "3. Ensuring access to the right care" reads as a numbered
    item once its number is taken for a marker; it is the passage's heading, not a point."""
    from fpdf import FPDF

    corpus = tmp_path / "digest"
    corpus.mkdir()
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, "3. Ensuring access to the right care", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, "The third section is about getting care quickly. The plan will "
                   "simplify the ways people reach general practice. It will improve triage "
                   "so that people go to the service that suits them. It will review the "
                   "buildings used by primary care networks to see what is needed.")
    pdf.output(str(corpus / "digest.pdf"))
    ingest([corpus], settings, fake_embedder, show_progress=False)
    answer = Assistant(settings.with_overrides(open_refusal_threshold=0.0),
                       embedder=fake_embedder).ask(
        "What does the plan say about access to the right care?").to_json()
    assert answer["answered"] and answer["citations"]
    assert "Ensuring access to the right care" not in answer["answer"]


def test_lines_cut_mid_phrase_and_the_title_are_never_points(settings, tmp_path, fake_embedder):
    """A two-column page leaves lines that stop on "the" or "across", and pages print the
    document's title again: neither says anything whole."""
    text = ("# Our Community Care Strategy for the County, 2025 to 2030\n\n## Community care\n\n"
            "Community Care Strategy for the County, 2025 to 2030\n\n"
            "- Use ring-fenced funding for community care to support the\n"
            "- Scale up community care teams across the\n"
            "- Open two community care hubs in the north of the county by 2026.\n"
            "- Train 40 more community care nurses each year.\n")
    answer = _ask_of_one_document(settings, tmp_path, fake_embedder, "community.md", text,
                                  "What does the strategy say about community care?")
    assert "community care hubs" in answer["answer"]
    assert "to support the" not in answer["answer"] and "teams across" not in answer["answer"]
    assert "Strategy for the County" not in answer["answer"]


def test_two_columns_interleaved_are_never_points(settings, tmp_path, fake_embedder):
    """Converted text can run a page's two columns together word line by word line: "…care
    hubs We will open At its core, …" says nothing a reader could use."""
    text = ("# Community strategy\n\n## Community care\n\n"
            "Community care hubs will open in every town by 2027.\n\n"
            "Community care teams to reach We will open At its core, the community care "
            "service every housebound patient twice a year.\n")
    answer = _ask_of_one_document(settings, tmp_path, fake_embedder, "community.md", text,
                                  "What does the strategy say about community care?")
    assert "every town by 2027" in answer["answer"]
    assert "At its core" not in answer["answer"]


def test_a_sentence_that_points_back_comes_after_the_one_it_points_to(settings, tmp_path,
                                                                      fake_embedder):
    """"It opens on Tuesdays…" alone would read as if "it" were whatever came before in the
    answer."""
    text = ("# Community strategy\n\n## Community care\n\n"
            "The Oakham community care hub is the first of four hubs in the county. "
            "It offers community care clinics on Tuesdays and Thursdays.\n\n"
            "## Funding\n\nCommunity care clinics will be paid for from the pooled budget of "
            "the\n\nIt also funds community care clinics for carers on Saturdays.\n")
    answer = _ask_of_one_document(settings, tmp_path, fake_embedder, "community.md", text,
                                  "What does the strategy say about community care clinics?")
    lines = answer["answer"]
    assert lines.index("The Oakham community care hub") < lines.index("It offers")
    assert "It also funds" not in lines  # what "it" is was cut off: the line says nothing


def test_a_pointer_with_its_noun_stands_alone(settings, tmp_path, fake_embedder):
    """"This strategy commits to…" under a heading says what it is about; "It recruits…" under
    a heading does not."""
    text = ("# Community strategy\n\n## Community care\n\n"
            "This strategy commits to opening community care hubs in every town by 2027.\n\n"
            "## Workforce\n\nIt recruits two hundred community care nurses over five years.\n\n"
            "## Clinics\n\nCommunity care clinics run on Tuesdays in Oakham.\n")
    answer = _ask_of_one_document(settings, tmp_path, fake_embedder, "community.md", text,
                                  "What does the strategy say about community care?")
    assert "This strategy commits to opening community care hubs" in answer["answer"]
    assert "It recruits" not in answer["answer"]


@pytest.mark.parametrize(("lines", "quoted", "left_out"), [
    # two columns run together leave paragraph "sentences" that open in lower case, the rest
    # of a line printed elsewhere; a list item may open in lower case
    (["Community care teams will visit every housebound patient twice a year.",
      "and community care at home, in community care hubs and in green spaces.",
      "The strategy lists what the teams will do:\n\n- improving community care for people "
      "leaving hospital.\n- Open two community care hubs in the north of the county by 2026."],
     ["housebound patient", "mproving community care for people leaving hospital"],
     ["green spaces"]),
    # so may the lines of a list set without bullets after its lead-in, and a name
    (["Our community care aims are to:", "improve community care for people leaving hospital.",
      "open community care hubs in every town by 2027.",
      "parkrun events bring community care teams and residents together each week."],
     ["mprove community care for people leaving hospital",
      "pen community care hubs in every town", "arkrun events bring community care teams"],
     []),
])
def test_a_line_opening_in_lower_case_is_a_point_only_in_a_list_or_as_a_name(
        settings, tmp_path, fake_embedder, lines, quoted, left_out):
    text = "# Community strategy\n\n## Community care\n\n" + "\n\n".join(lines) + "\n"
    answer = _ask_of_one_document(settings, tmp_path, fake_embedder, "community.md", text,
                                  "What does the strategy say about community care?")
    assert all(part in answer["answer"] for part in quoted), answer["answer"]
    assert not any(part in answer["answer"] for part in left_out), answer["answer"]


def test_every_answer_line_is_document_text(assistant):
    answer = assistant.ask("How will the strategy help people stay well?").to_json()
    passages = " ".join(c["text"] for c in answer["citations"])
    for line in answer["answer"].split("\n"):
        text = re.sub(r"^(?:- |\d+\. )|\s*\[\d+\]", "", line).rstrip(".")
        assert text.lower()[:40] in passages.lower()


def test_render_shapes_lines_by_their_bullets():
    lines = [Line("Lead", 1), Line("One", 1, "1."), Line("Two", 2, "2.")]
    assert render(lines) == "Lead [1].\n1. One [1].\n2. Two [2]."
    assert render([Line("A", 1, "-"), Line("B", 1, "-")]) == "- A [1].\n- B [1]."


def test_render_keeps_an_items_further_sentences_on_its_bullet():
    lines = [Line("Place – Leicestershire", 1, "-", then=("Members span councils.",)),
             Line("System – the whole area", 1, "-"), Line("…and 2 more", 1, "…")]
    assert render(lines) == ("- Place – Leicestershire [1]. Members span councils [1].\n"
                             "- System – the whole area [1].\n- …and 2 more [1]")


def test_render_puts_an_items_label_before_its_text():
    assert render([Line("It adopted the approach", 1, "-", "Core20PLUS5")]) == (
        "- Core20PLUS5: It adopted the approach [1].")


def test_a_sentence_of_a_labelled_item_carries_the_label_once(settings, tmp_path,
                                                              fake_embedder):
    """"- **Core20PLUS5.** LLR has adopted this approach…": a sentence quoted from the item
    says what it is about only with the item's run-in label."""
    answer = _ask_of_one_document(
        settings, tmp_path, fake_embedder, "inequalities.md",
        "# Plan\n\n## Inequalities\n\nThree approaches underpin the work on inequalities:\n\n"
        "- **Health Inequalities Framework.** It narrows the gap in healthy life expectancy "
        "across the area. It gives partners shared definitions of inequality and equity.\n"
        "- **Core20PLUS5.** The area has adopted this national approach to inequalities in "
        "care.\n- **Proportionate universalism.** Effort on inequalities is matched to the "
        "level of need.\n",
        "How will the plan reduce inequalities?")
    lines = answer["answer"].split("\n")
    framework = [line for line in lines if "healthy life expectancy" in line
                 or "shared definitions" in line]
    assert framework and framework[0].startswith("- Health Inequalities Framework: It ")
    assert all("Framework:" not in line for line in framework[1:])
    assert any(line.startswith("- Core20PLUS5: The area has adopted") for line in lines)


def test_a_short_sentence_opening_an_item_is_no_label(settings, tmp_path, fake_embedder):
    """"- We will act now. We will open two hubs…": the first sentence says something."""
    answer = _ask_of_one_document(
        settings, tmp_path, fake_embedder, "hubs.md",
        "# Plan\n\n## Hubs\n\nWhat the plan does on hubs:\n\n"
        "- We will act now. We will open two health hubs for local people in 2025.\n"
        "- Why does it matter? Hubs bring local health checks closer to where people live.\n",
        "What will the plan do about health hubs?")
    assert "We will act now:" not in answer["answer"] and "?:" not in answer["answer"]
    assert "open two health hubs" in answer["answer"]


def test_a_paragraphs_run_in_label_goes_before_its_sentence(settings, tmp_path,
                                                            fake_embedder):
    """"An ageing population. The prevalence of dementia will rise…": the paragraph's
    short verbless first sentence names what it is about; it is never a point alone."""
    answer = _ask_of_one_document(
        settings, tmp_path, fake_embedder, "challenges.md",
        "# Strategy\n\n## The challenges\n\nThere are three main challenges for dementia "
        "care.\n\nAn ageing population. The prevalence of dementia will rise sharply over "
        "the next ten years.\n\nTimely diagnosis and support. Waits for a dementia "
        "diagnosis are long for younger people.\n\nWe will act. Dementia services will "
        "grow by a fifth.\n\nDementia demand doubled last year. Memory clinics for dementia "
        "now see twice as many people.\n\nCare homes for dementia are stretched. Especially "
        "rural ones.\n\nDementia care staff are hard to recruit and to keep.\n",
        "What are the challenges for dementia care?")
    lines = answer["answer"].split("\n")
    assert any(line.startswith("- An ageing population: The prevalence of dementia")
               for line in lines)
    assert not any(re.match(r"- Timely diagnosis and support \[\d\]", line) for line in lines)
    for not_a_label in ("We will act:", "doubled last year:", "Especially rural ones:"):
        assert not_a_label not in answer["answer"]  # says something; ends its paragraph


@pytest.mark.parametrize(("sentence", "label"), [
    ("An ageing population.", True),
    ("Timely diagnosis and support.", True),  # "support" is as often a noun
    ("Challenges within the care market.", True),
    ("Personalised care.", True),  # a participle opening a name
    ("Long COVID-19.", True),  # a figure inside a name
    ("We will act.", False),  # a pronoun and an auxiliary say something
    ("Demand doubled last year.", False),  # a participle
    ("Costs rose by 12%.", False),  # a figure
    ("Improve access.", False),  # a verb that is no noun
    ("A consistent offer of information, advice and support for all.", False),  # too long
])
def test_a_run_in_label_names_without_saying(sentence, label):
    assert run_in_label(Unit(sentence, "sentence")) is label


def test_every_feature_has_a_weight():
    assert set(POINT_WEIGHTS) == set(FEATURES)


def test_a_sentence_about_the_document_comes_after_the_points(settings, tmp_path,
                                                              fake_embedder):
    answer = _ask_of_one_document(
        settings, tmp_path, fake_embedder, "digest.md",
        "# Digest\n\n## 7. Mental health\n\nThe seventh section covers mental health "
        "services. Mental health services will be delivered by eight neighbourhood teams. "
        "Waits for talking therapies will be halved by 2028.\n",
        "What does the plan say about mental health?")
    lines = answer["answer"].split("\n")
    about = [n for n, line in enumerate(lines) if "seventh section covers" in line]
    assert len(lines) >= 2 and about in ([], [len(lines) - 1])


@pytest.mark.parametrize("sentence", ["The seventh section covers mental health services.",
                                      "This is an unofficial summary of the mental health plan."])
def test_a_sentence_about_the_document_is_marked_as_such(sentence):
    from assistant.answer.compose import _SELF_REFERENCE

    assert _SELF_REFERENCE.search(sentence)
    assert not _SELF_REFERENCE.search("This is a plan to cut waits for mental health care.")


def test_a_definition_opens_with_the_sentence_that_says_what_the_subject_is(
        settings, tmp_path, fake_embedder):
    """'What is Core20PLUS5?': sentences that merely mention it ("Maternity is one of the
    five clinical areas in Core20PLUS5") come after the one that says what it is."""
    answer = _ask_of_one_document(
        settings, tmp_path, fake_embedder, "digest.md",
        "# Digest\n\n## Maternity\n\nMaternity is one of the five clinical areas in "
        "Core20PLUS5. Severe mental illness is one of the clinical areas in Core20PLUS5 too.\n\n"
        "## Prevention\n\nThe area has adopted the national Core20PLUS5 approach, which focuses "
        "on the most deprived fifth of the population and on five clinical priorities.\n",
        "What is Core20PLUS5?")
    assert answer["form"] == "definition"
    assert answer["answer"].startswith("The area has adopted the national Core20PLUS5 approach")


def test_a_definition_adds_only_what_is_about_its_subject(settings, tmp_path, fake_embedder):
    """After the defining sentence, a definition adds sentences that name the subject or stand
    next to the definition, not whatever else scored well nearby."""
    answer = _ask_of_one_document(
        settings, tmp_path, fake_embedder, "digest.md",
        "# Digest\n\n## Prevention\n\nThe area has adopted the national Core20PLUS5 approach, "
        "which focuses on the most deprived fifth of the population. The five clinical areas of "
        "Core20PLUS5 include maternity and hypertension.\n\n## Women's health\n\nThe area "
        "will agree local models for women's health hubs across the national approach areas.\n",
        "What is Core20PLUS5?")
    assert answer["answer"].startswith("The area has adopted the national Core20PLUS5 approach")
    assert "Core20PLUS5 include maternity" in answer["answer"]
    assert "women's health hubs" not in answer["answer"]


def test_references_and_acknowledgements_are_never_points(settings, tmp_path, fake_embedder):
    """A reference list matches the question's words ("Leeds research strategy") and says
    nothing about the subject: the apparatus of a document is never quoted."""
    answer = _ask_of_one_document(
        settings, tmp_path, fake_embedder, "strategy.md",
        "# Leeds research strategy\n\n## Our partnership\n\nThe Leeds research strategy is "
        "a joint plan of the hospitals trust and the university. Together they will double "
        "the number of patients taking part in research.\n\n## 7. References\n\n"
        "- Leeds research strategy annual report. Leeds research office, 2019.\n"
        "- Research in Leeds hospitals: a review of the strategy. Leeds, 2018.\n\n"
        "## Acknowledgements\n\nThe Leeds research strategy group thanks everyone who took "
        "part in the workshops on the strategy.\n",
        "What does the Leeds research strategy say about research?")
    assert answer["answered"] and "double the number of patients" in answer["answer"]
    for line in ("annual report", "a review of the strategy", "thanks everyone"):
        assert line not in answer["answer"]


def test_points_are_taken_by_likelihood_and_only_near_repeats_are_skipped():
    """Trading likelihood for difference (maximal marginal relevance) would take the unlike
    but less likely sentence C before B; points go by likelihood, and only a near repeat of
    one already taken (D, almost A again) is skipped."""
    import numpy as np

    from assistant.answer import Evidence
    from assistant.answer.compose import FEATURES, _select
    from assistant.chunking import Chunk
    from assistant.evidence import Sentence
    from assistant.question import analyse
    from assistant.retrieval import Hit

    words = {name: " ".join(f"{name}{n}" for n in range(45)) for name in "ABCD"}
    vectors = {"A": [1.0, 0.0, 0.0], "B": [0.8, 0.6, 0.0], "C": [0.0, 0.0, 1.0],
               "D": [0.99, 0.141, 0.0]}
    by_text = {text: np.array(vectors[name]) for name, text in words.items()}
    chunk = Chunk("c1", "plan.md", "Plan", None, None, " ".join(words.values()))
    evidence = Evidence(
        question="What does the plan say about hubs?", hits=[Hit(chunk, 0, 1, 1.0)],
        sentences=[Sentence(words[name], 0, n) for n, name in enumerate("ABCD")],
        scores=np.ones(4), cosines=np.ones(4), typed_coverage=1.0,
        embed=lambda texts: np.array([by_text[t] for t in texts]))
    features = np.zeros((4, len(FEATURES)))
    features[:, FEATURES.index("cosine")] = [3.0, 2.5, 1.5, 2.9]  # A > D > B > C
    picked = _select(analyse(evidence.question), evidence, [], evidence.scores, features)
    assert [evidence.sentences[i].text[0] for i in picked] == ["A", "B", "C"]


def _evidence(passages: list[tuple[str, str]], question: str):
    """Evidence over hand-written passages (text, section), each distinct sentence its own
    vector, for steering `compose` through its likelihoods."""
    from assistant.answer import Evidence
    from assistant.chunking import Chunk
    from assistant.evidence import Sentence
    from assistant.question import analyse
    from assistant.retrieval import Hit
    from assistant.structure import passage_units

    hits = [Hit(Chunk(f"c{n}", "doc.md", "Doc", None, section, text), n, n + 1, 1.0)
            for n, (text, section) in enumerate(passages)]
    sentences = [Sentence(unit.text, h, p) for h, hit in enumerate(hits)
                 for p, unit in enumerate(passage_units(hit.chunk.text))]
    texts = sorted({s.text for s in sentences})
    embed = lambda batch: np.array([[float(t == u) for u in texts] for t in batch])  # noqa: E731
    n = len(sentences)
    return Evidence(question, hits, sentences, np.ones(n), np.zeros(n), 0.0,
                    query=analyse(question), embed=embed)


def test_a_pointer_stays_right_after_its_antecedent_and_never_doubles_it(monkeypatch):
    """Passages overlap ("…the first of four hubs." ends one and opens the next) and sections
    are grouped after selection: "It offers…" still follows the one sentence it points to."""
    from assistant.answer import compose as composer

    hub = "The Oakham community care hub is the first of four hubs in the county."
    offers = "It offers community care clinics on Tuesdays and Thursdays."
    visits = "Community care teams will visit every housebound patient twice a year."
    evidence = _evidence([(f"{visits} {hub}", "Care"), (f"{hub} {offers}", "Clinics")],
                         "What does the strategy say about community care?")
    likelihood = {(0, 1): 0.9, (0, 0): 0.8, (1, 1): 0.7, (1, 0): 0.5}
    monkeypatch.setattr(composer, "point_likelihood", lambda features: np.array(
        [likelihood[(s.hit, s.position)] for s in evidence.sentences]))
    text = composer.render(composer.compose(evidence.query, evidence))
    assert text.count("first of four hubs") == 1
    assert text.index("first of four hubs") < text.index("It offers")
    assert re.search(r"first of four hubs in the county \[\d\]\.\s*(?:- )?It offers", text)


def test_a_pointer_after_another_lists_item_stays_with_it(monkeypatch):
    """The other lists' items go after the answer's sentences: "It will be staffed…" still
    follows the clinic it is about, not the list the question asked for."""
    from assistant.answer import compose as composer

    priorities = ("The plan sets out four priorities for the county:\n\n"
                  "- Prevent illness before it starts in every community.\n"
                  "- Keep frail older people well at home for longer.\n"
                  "- Give children the best possible start in life.\n"
                  "- Join up health and social care around each person.\n")
    hubs = ("Three hubs will open in the county:\n\n"
            "- A falls clinic opens in Oakham next spring.\n"
            "- A memory clinic opens in Melton the following year.\n\n"
            "It will be staffed by two consultant geriatricians and a nurse team.\n")
    evidence = _evidence([(priorities, "Priorities"), (hubs, "Hubs")],
                         "What are the plan's priorities?")
    monkeypatch.setattr(composer, "point_likelihood", lambda features: np.array(
        [0.9 if s.hit == 0 else 0.8 for s in evidence.sentences]))
    text = composer.render(composer.compose(evidence.query, evidence))
    assert "Prevent illness" in text
    assert text.index("memory clinic") < text.index("It will be staffed")


def test_a_later_sentence_of_a_labelled_item_still_needs_its_antecedent(monkeypatch):
    """The label names the item, but "Their membership…" points to the sentence before it."""
    from assistant.answer import compose as composer

    item = ("The partnership works at three levels:\n\n"
            "- Place. Leicester, Leicestershire and Rutland each have a care alliance. "
            "Their membership spans hospitals, councils and community providers.\n"
            "- System. The ICB sets the priorities for the whole area.\n")
    evidence = _evidence([(item, "Levels")], "How is the partnership organised?")
    likelihood = {"Place": 0.1, "Leicester": 0.1, "Their": 0.95, "System": 0.1, "The ICB": 0.9,
                  "The partnership": 0.1}
    monkeypatch.setattr(composer, "point_likelihood", lambda features: np.array(
        [next(v for k, v in likelihood.items() if s.text.startswith(k))
         for s in evidence.sentences]))
    text = composer.render(composer.compose(evidence.query, evidence))
    assert "ICB sets the priorities" in text
    assert "Their membership" not in text or text.index("care alliance") < text.index("Their")


def test_a_list_question_is_answered_from_the_list_its_lead_in_names(settings, tmp_path,
                                                                     fake_embedder):
    """"What are the national priorities?" wants the list after "The national priorities
    … are:", not the list whose items talk about national priorities most."""
    text = ("# Guidance\n\n## Foreword\n\nThis year we have changed our approach:\n\n"
            "- fewer national priorities, so national priorities are clearer;\n"
            "- national priorities with local priorities beside the national priorities;\n"
            "- national priorities that give systems more room than national priorities did."
            "\n\n"
            "## Our national priorities\n\nThe ICB’s national priority areas for patients "
            "next year are:\n\n- reduce the time people wait for planned operations;\n\n"
            "Every trust is expected to improve on last year.\n\n"
            "- improve A&E waiting times and ambulance response times;\n"
            "- improve access to general practice and to urgent dental care.\n")
    answer = _ask_of_one_document(settings, tmp_path, fake_embedder, "guidance.md", text,
                                  "What are the ICB's key national priorities?")
    lines = answer["answer"].split("\n")
    assert lines[0] == "The ICB’s national priority areas for patients next year are [1]:", \
        answer["answer"]  # stems ("priorities", "priority"), apostrophes, "key" aside
    assert [line.split()[1] for line in lines[1:4]] == ["Reduce", "Improve", "Improve"]
    assert_marker_rule(answer)


def test_a_named_list_needs_a_quotable_item_and_a_noun_asked_for():
    from assistant.answer.compose import _named_list, compose
    from assistant.question import analyse
    from assistant.structure import passage_units

    long_item = "reduce waits " + "and many other long words " * 14
    evidence = _evidence([("Background before the plan was planned:\n\n- long waits for "
                           "planned operations in the county.\n- too few hospital beds in the "
                           "winter months.\n\nOur national priorities are:\n\n"
                           f"- {long_item}.\n- {long_item}.", "The plan")],
                         "What are the national priorities?")
    units = [passage_units(evidence.hits[s.hit].chunk.text)[s.position]
             for s in evidence.sentences]
    assert _named_list(analyse("What new facilities are planned?"), evidence, units) is None
    assert _named_list(analyse("What are the national priorities?"), evidence, units) == (0, 1)
    lines = compose(analyse("What are the national priorities?"), evidence)
    assert not any(line.text.startswith("Our national priorities") for line in lines)
    assert [line.text for line in lines[:3]] == [  # the picked list instead, whole
        "Background before the plan was planned:", "Long waits for planned operations in the "
        "county.", "Too few hospital beds in the winter months."], lines
    one_item = _evidence([("Our national priorities are:\n\n- reduce waits for operations.\n\n"
                           "Waits fell.", "The plan")], "What are the national priorities?")
    units = [passage_units(one_item.hits[s.hit].chunk.text)[s.position]
             for s in one_item.sentences]
    assert _named_list(analyse("What are the national priorities?"), one_item, units) is None
    assert _named_list(analyse("What are the plan's national priorities?"), evidence,
                       [passage_units(evidence.hits[s.hit].chunk.text)[s.position]
                        for s in evidence.sentences]) == (0, 1)  # "plan" is no noun asked for
    units = [passage_units(evidence.hits[s.hit].chunk.text)[s.position]
             for s in evidence.sentences]
    assert _named_list(analyse("Which national priorities must the plan meet?"), evidence,
                       units) == (0, 1)  # the kind of thing listed, not the subject ("plan")
    assert _named_list(analyse("Which hospital beds must the plan add?"), evidence,
                       units) is None


@pytest.mark.parametrize(("sentence", "about"), [
    ("The remainder of this policy summarises the key stages in the process.", True),
    ("The seventh section covers mental health services.", True),
    ("The fertility policy covers up to three cycles of IVF for eligible couples.", False),
])
def test_a_sentence_about_the_document_is_told_from_one_about_a_policy(sentence, about):
    from assistant.answer.compose import _SELF_REFERENCE

    assert (_SELF_REFERENCE.search(sentence) is not None) is about


def test_a_cross_reference_is_never_an_open_answers_point(settings, tmp_path, fake_embedder):
    text = ("# Plan\n\n## Mental health\n\nSee the separate mental health document for more "
            "detail on mental health.\n\nMental health services will be delivered by eight "
            "neighbourhood teams.\n\nMental health cafes will open in every town.\n")
    answer = _ask_of_one_document(settings, tmp_path, fake_embedder, "plan.md", text,
                                  "What does the plan say about mental health?")
    assert "neighbourhood teams" in answer["answer"]
    assert "See the separate" not in answer["answer"], answer["answer"]
