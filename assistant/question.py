"""Question analysis, done once per question: its form, its focus and what an answer must hold.

Retrieval, evidence scoring, the answer composer and the refusal decision all read the same
frozen `Question`, so no stage re-derives the form or the focus terms its own way.

The form is read from the question's grammar, the way a reader would: "What is X?" asks for a
definition, "What are the X-s…?" for a list, "How does X work?" for steps, "Why…?" for reasons,
"What does the plan say about X?" for an overview; questions asking for a date, number, sum or
name are facts. Deliberately leaves out anything about the documents (`evidence.py` scores
sentences against a question; `refusal.py` decides whether they answer it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.commitments.grammar import AUXILIARIES, DETERMINERS, is_participle, is_verb
from assistant.commitments.when import NUMBER_WORDS
from assistant.evidence import (
    counted_phrase,
    focus,
    question_entities,
    question_kind,
    question_proper,
    required_words,
)
from assistant.lexical import stem
from assistant.naming import DOCUMENT_WORDS, POSSESSIVE
from assistant.stopwords import FUNCTION_WORDS, WH_WORDS, search_stopwords

Form = Literal["fact", "definition", "list", "steps", "overview", "reason"]
FORMS: tuple[str, ...] = ("fact", "definition", "list", "steps", "overview", "reason")

# Words that grade what a question asks about ("the *key* risks", "the *main* challenges") and
# never name it: a document that does not use them still answers the question.
QUALIFIERS = frozenset("""key main major important principal biggest big headline top
overall specific particular""".split())
# "What's the plan doing…" is read as "What is the plan doing…" ("What's changed…" is "has").
_CONTRACTED_IS = re.compile(r"^((?:what|who|how|where|when|why|which))['’]s\b"
                            r"(?!\s+(?:been|got|gone|done|had|\w+ed)\b)", re.I)  # "has"
_REASON = re.compile(r"^(?:why\b|what (?:is|was|are|were) the (?:reasons?|rationale|purpose|"
                     r"case|thinking) (?:for|behind|of)\b|for what reason\b)", re.I)
_STEPS = re.compile(
    r"^(?:how (?:does|do|did|will|would|is|are|can|should) (?:[\w'’-]+ ){1,8}?"
    r"(?:work|operate|run|happen|handled|decided|assessed|considered|processed|made|reviewed|"
    r"managed)\b|what happens (?:when|if|after|before|to)\b|what (?:are|were) the (?:steps|"
    r"stages|phases)\b|how (?:do|can|should) (?:i|you|we|clinicians?|patients?|staff) )", re.I)
_OVERVIEW = re.compile(
    r"^(?:what (?:does|do|did|will) (?:[\w'’-]+ ){1,6}?(?:say|said|propose|set out|describe|"
    r"plan|do|doing) (?:about|on|for|regarding|to)\b|what (?:is|are) (?:[\w'’-]+ ){1,6}?"
    r"(?:doing|planning) (?:about|on|for|to)\b|what (?:is|are|was|were) (?:[\w'’-]+ ){1,6}?"
    r"(?:expected|asked|required|supposed|meant) to do\b|(?:please )?(?:summari[sz]e|describe|"
    r"outline|"
    r"tell me about|give (?:me )?an overview)\b|how (?:will|would|does|do|is|are|can) "
    r"(?:[\w'’-]+ ){1,6}?(?:reduce|improve|tackle|address|support|help|deliver|achieve|"
    r"increase|change|transform|meet|make|respond|use|involve|ensure)\b|what is (?:the )?"
    r"(?:[\w'’-]+ ){0,3}?(?:approach|ambition|vision|strategy|role|purpose) (?:to|for|on|in)\b|"
    r"what (?:role|part)s? (?:do|does|did|will|would|should|can) (?:[\w'’-]+ ){1,8}?play\b|"
    r"how (?:is|are|does|do|did) "
    r"(?:[\w'’-]+ ){1,8}?(?:differ|different)\b)",
    re.I)
_DEFINITION = re.compile(
    r"^(?:what (?:is|are|was) (?:an? |the )?(?P<term>[^?]{2,60}?)\??$|what does "
    r"(?P<term2>[^?]{2,60}?) (?:mean|stand for)\??$|what is meant by (?P<term3>[^?]{2,60}?)\??$|"
    r"define (?P<term4>[^?]{2,60}?)\??$)", re.I)
_LIST = re.compile(
    r"^(?:what|which|who) (?:are|were|will be) the (?:[\w'’-]+ ){0,6}?"
    r"(?P<noun>[a-z][\w'-]*[^s'\s]s|people|children|staff)\b|^list\b|^name the\b", re.I)
# "the title of the third section", "the ICB's role", "the plan for 2025/26": a phrase with a
# preposition, a possessive or a figure names an attribute to look up, not a term to define.
# A term opening with a figure is a value asked about ("the 2023/24 deficit"); one that ends
# with it names a thing ("pledge 13", "section 4").
_NOT_A_TERM = re.compile(r"\b(?:of|for|at|in|on|to|by|with|from|about|name|names)\b|['’]s\b|^\d",
                         re.I)
_YES_NO = re.compile(r"^(?:is|are|was|were|does|do|did|can|could|will|would|has|have|had|"
                     r"should|must)\b", re.I)
# "Which pledges…", "What five commitments…", "What tests does…": a plural thing asked for.
_PLURAL_ASKED = re.compile(
    r"^(?:what|which) (?!are |were )(?:[\w'’-]+ ){0,3}?(?!(?:does|was|has|is|this|its|his|"
    r"us|plus)\b)(?:[a-z][\w'-]*[^s'\s]s|people|children|staff)\b"
    r"(?! (?:is|was)\b)", re.I)
# "What does the strategy commit to…", "How is progress tracked?": what the documents say.
# ("What problem did she name…" asks for one thing: a fact.)
_OPEN_VERB = re.compile(r"^(?:how\b(?! (?:many|much|long|old|often|far)\b)|what "
                        r"(?:does|do|did|will|would|should|can|could|has|have|had) )|"
                        r"\b(?:and|or) (?:what|which|how|where|who|why)\b", re.I)
WORD = re.compile(r"[^\W_](?:[^\W_]|['’-])*")  # a question's words, as `focus_words` holds them
_VERB_AFTER = re.compile(r"\b(?:will|would|does|do|did|can|could|should|has|have|had)\b", re.I)
# Where the noun phrase a question is about stops: its verb, or a preposition or relative
# pronoun after it.
_SUBJECT_ENDS = frozenset("""in on for to with at by from into about as than against over
under between within across after before during through without towards via per among around
behind beyond beside besides alongside throughout which who whom whose that""".split())
# "do" and the modals, after which the verb is in its base form ("be" and "have" take none).
_DO_OR_MODAL = AUXILIARIES - frozenset("is are was were am has have had".split())
# A subject that is a document ("How will the Leeds strategy support…"): what such a question
# asks about is the verb's object.
DOCUMENT_NOUNS = DOCUMENT_WORDS - {"review"}  # "the ICB review waits": as often a verb
_TOPIC_OPENS = frozenset({"about", "on", "regarding"})  # "say about X": X is the topic
_COMPOUND = re.compile(r",?\s+(?:and|or)\s+(?:what|which|how|why|who|where|when)\b", re.I)
# Verbs questions ask what the documents do with, beyond the commitments' action verbs.
_ASKING_VERBS = frozenset("""say mean expect describe propose recommend suggest require ask
intend think mention explain define""".split())  # not "state", "plan", "aim": nouns as often
# Verbs whose object is part of the predicate, not a topic: "put weight on", "pay attention to".
_LIGHT_VERBS = frozenset("put pay place play have".split())
_PARTICLES = frozenset("up out off back down forward over through".split())  # "take forward"
# Words after a document named as subject that are not its verb: "the strategy *also*…".
_NOT_VERBS = FUNCTION_WORDS | frozenset("""also not still just now even if but nor yet so
only""".split())
# Words about the documents rather than about their subject: they find every passage.
_DOCUMENT_WORDS = {"plan", "plans", "strategy", "strategies", "document", "documents",
                   "report", "reports", "say", "says", "mention", "mentions", "set", "out",
                   "doing", "do", "does"}


@dataclass(frozen=True)
class Question:
    """A question as every stage needs it. `text` is what is searched (the standalone form of
    a follow-up); `form` shapes the answer; `kind` is the kind of value a fact question asks
    for (money, date, number, name); `focus_words` are the subject's content words (the
    document words "plan", "say" left out); `subject` is what a definition defines;
    `counted` the words of what a "how many" question counts; `asked_about` the content
    words of the noun phrase the question asks about ("care navigators" in "What role will
    care navigators play…?", or the verb's object when that subject is a document: "kinship
    carers" in "How will the Leeds strategy support kinship carers…?") when it opens with a
    wh-word, and `asks_object` whether those words are that object; `verb` the verb after
    that subject ("play"), in wh- and yes/no questions alike; `listed` the content words of
    the noun phrase an opening "which" or "what" names ("prevention goals" in "Which
    prevention goals must ICB plans support?"): the kind of thing asked for, which a list
    answer lists"""

    text: str
    form: Form
    kind: str | None
    focus_text: str
    focus_words: tuple[str, ...]
    subject: str | None
    entities: tuple[str, ...]
    required: tuple[tuple[str, ...], ...]
    counted: tuple[str, ...]
    asked_about: tuple[str, ...]
    asks_object: bool
    verb: str | None
    listed: tuple[str, ...] = ()

    @property
    def open(self) -> bool:
        return self.form != "fact"

    @property
    def compound(self) -> bool:
        """"What does the report mean by care navigators, and how many will practices take
        on?": asks more than the value its second clause wants (not "When will the hub
        open, and how much will it cost?": two values)."""
        joint = _COMPOUND.search(self.text)
        return bool(joint) and question_kind(self.text[:joint.start()]) is None

    @property
    def yes_no(self) -> bool:
        """"Will the centre offer endoscopy?": asks whether the documents say something."""
        return self.form == "fact" and bool(_YES_NO.match(self.text.strip()))


def question_form(text: str) -> tuple[Form, str | None]:
    """(form, defined subject or None) from the question's grammar. A question that asks for
    a value (a date, number or sum), a yes/no question, and "what is the <attribute> of X"
    are facts; every other wh-question is open: it asks for what the documents say."""
    q = _CONTRACTED_IS.sub(r"\1 is", question_proper(" ".join(text.strip().split())))
    kind = question_kind(q)
    if _REASON.search(q):
        return "reason", None
    if _STEPS.search(q):
        return "steps", None
    if _OVERVIEW.search(q):
        return "overview", None
    if kind in ("money", "date", "number") or _YES_NO.match(q):
        return "fact", None
    if _LIST.search(q) or (_PLURAL_ASKED.search(q) and kind is None):
        return "list", None  # "which trusts…" asks for names: a fact with a name in it
    definition = _DEFINITION.match(q)
    if definition:
        term = next(g for g in definition.groups() if g)
        if definition.group("term") is None or (
                not _VERB_AFTER.search(term) and len(term.split()) <= 6
                and not _NOT_A_TERM.search(term) and not _OPEN_VERB.search(q)):
            return "definition", term.strip(" ?")
    if _OPEN_VERB.search(q):
        return "overview", None
    return "fact", None


def _plural(word: str) -> bool:
    """"spaces", "carers": a plural noun, never the base-form verb after "do" or a modal."""
    lowered = word.lower()
    return lowered.endswith("s") and not lowered.endswith(("ss", "us"))


def _is_verb(word: str) -> bool:
    """A base-form verb: the commitments' action verbs, or a verb questions ask with."""
    return is_verb(word) or word.lower() in _ASKING_VERBS


def _verb_after_head(word: str, after_do_or_modal: bool) -> bool:
    """Whether the word after a document named as subject ("the HEE report ...") is its verb:
    a verb questions ask with or an action verb ("expect", "say"), or, after "do" or a modal,
    a lower-case word that is not plural, a function word or an adverb ("pay", not "also",
    "and", "if" or "budget"s)."""
    lowered = word.lower()
    if _is_verb(word):
        return True
    return (after_do_or_modal and word.islower() and not _plural(word)
            and lowered not in _NOT_VERBS and not lowered.endswith("ly"))


def _names_a_document(first: str) -> bool:
    """"the joint health and wellbeing ...", "Leeds's ...": a subject whose first word opens
    a document's name, a determiner or a capitalised word (not an acronym, "ICBs report",
    nor a word in lower case, "carers report")."""
    bare = POSSESSIVE.sub("", first)
    return first.lower() in DETERMINERS or (bare[:1].isupper()
                                            and not bare.removesuffix("s").isupper())


@dataclass(frozen=True)
class Clause:
    """A question's subject, its verb, and where the verb ends in the question's text."""

    subject: tuple[str, ...]
    verb: str | None = None
    end: int = -1  # offset in the text just after the verb


def subject_and_verb(text: str) -> Clause:
    """The subject of a question whose auxiliary comes before it, and its verb: "What role
    will care navigators play in…" -> ([care, navigators], play); "Did LLR beat its plan?" ->
    ([LLR], beat). The subject runs from the auxiliary (the question's first word, or among
    the first words after a wh-word) to a known verb, or to the preposition, determiner or
    relative pronoun after it. After "do" or a modal the verb is in its base form, so a last
    word that is not plural (no "-s", as in "spaces") and that the verb list does not know
    ("play", "beat") is that verb. A subject that names a document ends at the document word
    ("the HEE report *expect*…", "the joint health and wellbeing strategy *mean*…"): that
    word and the word before it are its name, not verbs, and an adverb after it is skipped
    ("the strategy also *help*…")."""
    matches = list(WORD.finditer(text))
    words = [m.group() for m in matches]
    first = words[0].lower() if words else ""
    if first in AUXILIARIES:  # "Did LLR beat…?"
        at: int | None = 0
    elif first in WH_WORDS:  # "What role will care navigators play…?"
        at = next((i for i, w in enumerate(words[1:5], start=1) if w.lower() in AUXILIARIES),
                  None)
    else:
        return Clause(())
    if at is None or at + 1 == len(words) or _is_verb(words[at + 1]):
        return Clause(())  # "Which bodies will fund the hubs?": the wh-phrase is the subject
    modal = words[at].lower() in _DO_OR_MODAL
    named = _names_a_document(words[at + 1])
    subject: list[str] = []
    for n, word in enumerate(words[at + 1:], start=at + 1):
        lowered = word.lower()
        headed = named and bool(subject) and subject[-1].lower() in DOCUMENT_NOUNS
        if headed and (lowered in _NOT_VERBS or lowered.endswith("ly")) \
                and lowered not in _SUBJECT_ENDS:
            continue  # "the strategy *also* help…", "the strategy *and* plan…"
        if named and subject and (lowered in DOCUMENT_NOUNS or (
                n + 1 < len(words) and words[n + 1].lower() in DOCUMENT_NOUNS)):
            subject.append(word)
            continue
        if headed and _verb_after_head(word, modal):
            return Clause(tuple(subject), word, matches[n].end())
        if subject and (_is_verb(word) or is_participle(word)
                        or (lowered.endswith("ing") and not modal)):
            return Clause(tuple(subject), word, matches[n].end())
        if subject and (lowered in _SUBJECT_ENDS or lowered in DETERMINERS):
            break
        subject.append(word)  # after "do" or a modal, "-ing" words too: the verb is in its
        # base form ("health and *wellbeing* hubs", "*hearing* tests")
    if modal and len(subject) > 1 and not _plural(subject[-1]):
        return Clause(tuple(subject[:-1]), subject[-1], matches[at + len(subject)].end())
    return Clause(tuple(subject))


# Words that say which of the things, not what things: "What *other* national priorities…",
# "What *else*…".
_NOT_KINDS = frozenset("""other else new more further additional exactly different such
these those kind kinds sort sorts type types""".split())


def nouns(words: tuple[str, ...]) -> tuple[str, ...]:
    """The nouns among `words` that name things: not a qualifier ("key"), a participle
    ("planned"), a word naming a document ("plan"), a number ("five", "13") or a word saying
    which of the things ("other")."""
    return tuple(word for word in words
                 if word.lower() not in QUALIFIERS | DOCUMENT_NOUNS | NUMBER_WORDS.keys()
                 | _NOT_KINDS and not is_participle(word) and not word.isdigit())


def noun_stems(words: tuple[str, ...]) -> frozenset[str]:
    """Stems of the `nouns` among `words`, each part of a hyphenated word on its own."""
    return frozenset(stem(part) for word in nouns(words)
                     for part in re.findall(r"[^\W_]+", word))


def listed_kind(text: str) -> list[str]:
    """The content words of the noun phrase between an opening "which" or "what" and its
    auxiliary, before any punctuation ("What *five commitments* does…"), without numbers or
    words saying which of the things ("other"), and from "Which of the report's
    recommendations are…" only what follows a partitive "of" or a possessive ("Which three
    areas of health…" lists areas)."""
    opening = re.match(r"\s*(?:what|which)\b([^,;:()?!—–]*)", text, re.IGNORECASE)
    if not opening:
        return []
    words = WORD.findall(opening.group(1))
    at = next((i for i, w in enumerate(words[:6]) if w.lower() in AUXILIARIES), None)
    if not at:
        return []
    phrase = words[:at]
    cut = max((i + 1 for i, w in enumerate(phrase)
               if (i == 0 and w.lower() == "of") or POSSESSIVE.search(w)), default=0)
    return [w for w in phrase[cut:]
            if w.lower() not in FUNCTION_WORDS | NUMBER_WORDS.keys() | _NOT_KINDS
            and not w.isdigit()]


def verb_object(text: str, clause: Clause) -> list[str]:
    """The words of the object right after the clause's verb in `text` ("support *kinship
    carers* who…", "use *parkrun* to…", "say about *mental health*"), up to a preposition,
    relative pronoun, determiner, punctuation or another verb; none after a light verb ("pay
    attention to") or when "say" takes a clause ("say speeding up care matters")."""
    verb = (clause.verb or "").lower()
    if verb in _LIGHT_VERBS or clause.end < 0:
        return []
    words = WORD.findall(re.split(r"[,;:?!()]", text[clause.end:])[0])
    while words and words[0].lower() in _PARTICLES:
        words = words[1:]  # "take *forward*": part of the verb
    if words and (words[0].lower() in _TOPIC_OPENS or (verb == "mean" and words[0] == "by")):
        words = words[1:]  # "say *about* mental health", "mean *by* care navigators"
    elif verb == "say":
        return []
    found: list[str] = []
    for word in words:
        lowered = word.lower()
        if lowered in AUXILIARIES:
            return []  # "expect the plan must be revisited": a clause, not a thing
        if lowered in _SUBJECT_ENDS or (found and (lowered in DETERMINERS or is_verb(word)
                                                    or is_participle(word)
                                                    or lowered.endswith("ing"))):
            break
        if lowered not in DETERMINERS:
            found.append(word)
    return found


def analyse(text: str) -> Question:
    """The one analysis of a question that every stage uses."""
    form, subject = question_form(text)
    proper = question_proper(text.strip())
    clause = subject_and_verb(proper)
    asked, verb = clause.subject, clause.verb
    asks_object = bool(verb and asked and asked[-1].lower() in DOCUMENT_NOUNS)
    if asks_object:
        asked = verb_object(proper, clause)
    opener = WORD.findall(proper)[:1]
    wh_question = bool(opener) and opener[0].lower() in WH_WORDS
    if form == "definition" and subject is None:
        form = "fact"
    focus_text = focus(text)
    ignored = search_stopwords() | _DOCUMENT_WORDS
    words = WORD.findall(focus_text)
    focus_words = tuple(dict.fromkeys(
        w for w in words if w.lower().replace("’", "'").removesuffix("'s") not in ignored
        and len(w) > 1))
    return Question(
        text=text,
        form=form,
        kind=question_kind(text),
        focus_text=focus_text,
        focus_words=focus_words,
        subject=subject,
        entities=tuple(question_entities(text)),
        required=tuple(tuple(group) for group in required_words(text)),
        counted=tuple(counted_phrase(text)),
        asked_about=tuple(w for w in asked if w in focus_words) if wh_question else (),
        asks_object=asks_object and wh_question,
        verb=verb,
        listed=tuple(listed_kind(proper)),
    )
