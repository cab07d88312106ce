"""The triggers of an undertaking in a sentence, each with where its committed span starts.

A unit is read for the grammar of an undertaking: a future modal with the authors or a named
body as its subject ("we will", "the ICB would" in reported speech) or with a passive verb
("will be made more visible"); a commitment, aim or hope verb with an infinitive ("commit to",
"aim to", "is planned to", "want to"); an aim, vision or pledge noun with one ("our vision is
to"); a target of the plan's own with a date. Around those triggers it refuses, with a reason,
what the annotation rules exclude: predictions with an inanimate subject ("developments will
continue to drive"), ability and necessity ("will be better able", "will need to"), beliefs,
relative clauses ("commitments which will close the gap"), clauses about the document ("it
outlines how we will"), other bodies' undertakings (national bodies' are the document's own
when it speaks as one: `national_voice`).

Leaves out list context (`scope.py`), turning triggers into records (`rules.py`) and
splitting spans into actions (`actions.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice
from typing import Literal

from assistant.commitments.actions import Form
from assistant.commitments.grammar import DETERMINERS, is_gerund, is_participle, is_verb
from assistant.commitments.when import find_times
from assistant.stopwords import FUNCTION_WORDS

Strength = Literal["firm", "aim", "aspiration"]


@dataclass(frozen=True)
class Trigger:
    """Words that make a clause an undertaking, and where its `what` starts (and ends)."""

    phrase_start: int  # where the trigger's words begin: the next trigger's span ends there
    what_start: int
    strength: Strength
    form: Form
    reason: str
    subject: str | None = None
    what_end: int | None = None  # set when the trigger bounds its own span


# Every trigger below contains one of these stems: most sentences are let go at once.
_ANY_TRIGGER = re.compile(r"\b(?:will|shall|would|commit|pledg|promis|undertak|agree|aim|intend|"
                          r"plan|propos|endeavour|striv|seek|look|target|hop|want|wish|"
                          r"aspir|meant|scheduled|goal|purpose|objective|intention|"
                          r"ambition|vision|mission|deadline|milestone|trajectory)", re.I)
_WORD = re.compile(r"[A-Za-z0-9£](?:[\w'’£%-]|\.(?=\w))*")
_MODAL = re.compile(r"\b(will|shall|would)\b", re.I)
_REPORTING = re.compile(r"\b(said|says|told|promised|pledged|stated|announced|confirmed|"
                        r"added|explained)\b", re.I)
_CLAUSE_OPENERS = re.compile(r",\s|;\s|\s[–—]\s|:\s|\(|\b(?:and|but|so|that)\s", re.I)
_PREPOSITION = re.compile(r"\s(?:in|of|for|from|at|on|across|with|within|who|which|that)\s",
                          re.I)
_BELIEF = re.compile(r"\b(?:anticipate|expect|believe|predict|think|know|forecast|estimate|"
                     r"assume)s?\b", re.I)
_DOCUMENT = re.compile(r"\b(?:plan|strategy)\b", re.I)
_SUBORDINATE = re.compile(r"\b(how|whether|if|where|what|why|because|once|until|whereas|"
                          r"although|though|whilst|while)\b", re.I)
_RELATIVE = frozenset({"which", "that", "who", "whom"})
_ADVERBS = frozenset("""also together then further now jointly actively all both still
increasingly not never collectively""".split())
_NEGATIONS = frozenset({"not", "never"})
_WISHES = frozenset({"wish", "want", "like"})
# Things that do not undertake: what a programme or plan "will support" is a claimed benefit.
_SCHEMES = frozenset("""programme programmes plan plans strategy framework approach model
initiative scheme fund""".split())
_PRONOUNS = frozenset({"we", "i", "you", "they"})
# "The next step will be to standardise ...": a step or priority of the authors' own.
_STEP_IS = re.compile(r"\s+(?:then\s+|also\s+)?be\s+to\s+", re.I)
_STEP_NOUNS = re.compile(r"\b(?:steps?|priorit(?:y|ies)|focus|task|aims?|goals?)\b", re.I)
_FIRST_PERSON = re.compile(r"\b(?:we|us|our|ours|W e)\b", re.I)
_WE_AND = re.compile(r"\bwe\s+and\s+$", re.I)
_AGENT_NOUNS = frozenset("""organisation organisations partner partners partnership
partnerships trust trusts board boards council councils team teams icb icbs system providers
commissioners practices network networks alliance collaborative panel panels group groups
committee committees members""".split())
# Bodies other than the authors: their undertakings and targets are context, not the plan's.
OTHER_BODIES = re.compile(r"\b(?:national|NHS England|government|Department of Health|DHSC|"
                          r"guidance|(?-i:NICE))\b", re.I)
# What is still another body's in a document written by a national body (NHS England's
# guidance speaks of "NHS England will" and of its national targets as its own).
OTHER_THAN_NATIONAL = re.compile(r"\b(?-i:NICE)\b")
_NATIONAL_UNDERTAKING = re.compile(  # "... Social Care (DHSC) will", "\\(DHSC\\) will" in Markdown
    r"\b(?:NHS England|NHSE|the government|DHSC)\s+will\b|\\?\((?:NHSE|DHSC)\\?\)\s+will\b",
    re.I)
NATIONAL_VOICE_SENTENCES = 3  # "NHS England will ..." this often: the document is its own
_DESCRIBES = re.compile(r"\b(?:sets? out|setting out|outlines?|describes?|details?|explains?|"
                        r"summari[sz]es?|contains|presents)\b", re.I)
# Verbs of a scheduled event: "trials will begin in late 2020" is planned, not forecast.
_SCHEDULED = frozenset("begin start open launch commence close finish complete end".split())
_NECESSITY = frozenset({"need", "needs", "must", "should"})
_COMMIT = re.compile(r"\b(?:commit|commits|committed|pledge|pledges|pledged|promise|promises|"
                     r"promised|undertake|undertakes|agreed|agree|agrees)\s+to\s+", re.I)
_COMMITMENT_NOUN = re.compile(r"\bcommitments?\s+to\s+", re.I)
_AIM_VERB = re.compile(r"\b(?P<verb>aims?|aiming|intends?|intended|intending|plans?|proposes?|"
                       r"endeavours?|strives?|seeks?|looking|look|targets?|hopes?|hoping|wants?|"
                       r"wishes|aspires?)\s+to\s+", re.I)
_AIM_PASSIVE = re.compile(r"\b(?:is|are|was|were|be|been|being)\s+(?:\w+ly\s+|also\s+|now\s+)?"
                          r"(?P<verb>aimed|intended|planned|proposed|designed|meant|scheduled)"
                          r"\s+to\s+", re.I)
_WANT_FOR = re.compile(r"\b(?P<verb>want|wants|wish|wishes|intend|intends)\s+"
                       r"(?=(?:\w+\s+){1,3}?to\s)", re.I)
_AIMED_AT = re.compile(r"\baimed\s+at\s+", re.I)
_AIM_NOUN = re.compile(r"\b(?P<noun>aim|aims|goal|goals|purpose|objective|objectives|"
                       r"intention|ambition|ambitions|vision|mission|commitments?|pledges?|"
                       r"promises?|targets?)\b[^.;:]{0,40}?\b"
                       r"(?:is|are|was|were)\s+(?:to|for|that)\s+", re.I)
_AIM_OF = re.compile(r"\b(?P<noun>aim|goal|ambition)s?\s+of\s+", re.I)
# "... consistent with the government's aim of reaching ...": an aim named as a reference point.
_REFERENCE = re.compile(r"\b(?:consistent with|in line with|in keeping with|aligned (?:to|with)|"
                        r"in support of)\s+(?:[\w'’]+\s+){0,4}$", re.I)
_EARLIER = re.compile(r"\b(?:at the time|previous|previously|formerly|original|earlier|"
                      r"last year)\b", re.I)
_PAST = re.compile(r"\b(?:was|were|had been|at the time)\b", re.I)
_FIRM_NOUNS = {"commitment", "commitments", "pledge", "pledges", "promise", "promises"}
_TARGET = re.compile(r"\b(?:targets?|deadlines?|milestones?|trajectory)\b", re.I)
_DASHED = re.compile(r"\s[–—-]\s(?P<inner>[^–—]+?)\s[–—-]\s")
_ASPIRATION = {"hope", "hopes", "hoping", "want", "wants", "wishes", "aspire", "aspires",
               "vision", "ambition", "ambitions", "mission"}


def words(text: str) -> list[str]:
    """The words of `text`, numbers and "£650m" included, without trailing stops."""
    return _WORD.findall(text)


def next_words(text: str, at: int, count: int = 4) -> list[tuple[int, str]]:
    """The first `count` words from offset `at`, with their offsets."""
    return [(m.start(), m.group()) for m in islice(_WORD.finditer(text, at), count)]


def _clause_start(text: str, at: int) -> int:
    """Where the clause that ends at `at` begins: after the last comma, dash, colon or
    conjunction before it."""
    starts = [m.end() for m in _CLAUSE_OPENERS.finditer(text, 0, at)]
    reporting = [m.end() for m in _REPORTING.finditer(text, 0, at)]
    return max([0, *starts, *reporting])


def _is_agent(subject: str) -> bool:
    """A subject headed by a name or a body noun: "the ICB", "Leeds Teaching Hospitals NHS
    Trust", "the organisations"; not "COVID-19 vaccine research trials"."""
    head_words = words(_PREPOSITION.split(subject, maxsplit=1)[0])
    if not head_words:
        return False
    head = head_words[-1]
    if head.lower() in _SCHEMES:  # "the Excellence Programme will support ...": a benefit
        return False
    named = head[:1].isupper() and (len(head_words) > 1 or (head.isupper() and len(head) > 1))
    return named or head.lower() in _AGENT_NOUNS


def national_voice(text: str) -> bool:
    """Whether a document speaks as a national body: local plans quote what NHS England will
    do now and then, national guidance states it again and again as its own undertakings."""
    return len(_NATIONAL_UNDERTAKING.findall(text)) >= NATIONAL_VOICE_SENTENCES


def _clause_refusal(text: str, m: re.Match[str], clause: int, subject: str,
                    others: re.Pattern[str], ours: bool = False) -> str | None:
    """Why the clause around a modal is not an undertaking of the authors, if it is not.
    `ours`: the subject joins "we" to another body ("We and government")."""
    if m.group(1).lower() == "would" and not _REPORTING.search(text, 0, m.start()):
        return "'would' outside reported speech"
    if _after_relative(text, m.start()):
        return "relative clause"
    if _SUBORDINATE.search(subject) or _DESCRIBES.search(text, 0, m.start()):
        return "a clause about the document or a question"
    if _BELIEF.search(text, _clause_start(text, max(clause - 1, 0)), m.start()):
        return "a belief or expectation"
    if others.search(subject) and not ours:
        return "another body's undertaking"
    return None


@dataclass(frozen=True)
class _VerbPhrase:
    """What follows a modal: where `what` starts, the verb, the words after it."""

    what_at: int
    verb: str
    following: list[tuple[int, str]]
    passive: bool


def _adverb_before_verb(word: str, following: str) -> bool:
    """An "-ly" adverb between the modal and its verb: "will automatically be triggered",
    "will routinely offer" ("will apply", "will comply" are verbs themselves)."""
    return (word.lower().endswith("ly") and len(word) > 4 and not is_verb(word)
            and (following.lower() == "be" or is_verb(following)))


def _verb_phrase(text: str, m: re.Match[str]) -> _VerbPhrase | str:
    """The verb after a modal, or why it is no undertaking (need, ability, a forecast)."""
    if any(w.lower() == "increasingly" for _, w in next_words(text, m.end(), 3)):
        return "a trend ('will be increasingly driven'): a forecast"
    ahead = next_words(text, m.end(), 9)
    after = [(at, w) for i, (at, w) in enumerate(ahead[:8]) if w.lower() not in _ADVERBS
             and not _adverb_before_verb(w, ahead[i + 1][1] if i + 1 < len(ahead) else "")]
    if not after:
        return "no verb"
    (verb_at, verb), *rest = after
    verb = verb.lower()
    following = [w.lower() for _, w in rest]
    negated = [at for at, w in next_words(text, m.end(), 3) if w.lower() in _NEGATIONS]
    what_at = min([verb_at, *negated])  # "will not tolerate": the negation is part of it
    if verb in _NECESSITY or (verb == "have" and following[:1] == ["to"]):
        return "necessity"
    if verb in _WISHES:
        return "a wish ('trusts will wish to'): a forecast"
    if verb != "be":
        return _VerbPhrase(what_at, verb, rest, passive=False)
    complement = [w for w in following if not w.endswith("ly") and w != "further"][:1]
    if not complement or complement[0] in {"able", "better", "more", "less"}:
        return "ability or comparison"
    if complement[0].endswith("ing"):
        return "progressive: a forecast"
    if not is_participle(complement[0]) or complement[0] in {"needed", "required"}:
        return "copula"
    return _VerbPhrase(what_at, verb, rest, passive=True)


def _modal(text: str, m: re.Match[str], others: re.Pattern[str]) -> Trigger | str:
    """A "will" clause as a trigger, or the reason it is not one."""
    clause = _clause_start(text, m.start())
    subject = text[clause:m.start()].strip()
    if we_and := _WE_AND.search(text, 0, clause):  # "We and government will ...": both
        subject = text[we_and.start():m.start()].strip()
    if refusal := _clause_refusal(text, m, clause, subject, others, ours=bool(we_and)):
        return refusal
    step = _STEP_IS.match(text, m.end())
    if step and _STEP_NOUNS.search(subject) and _verb_follows(text, step.end()):
        return Trigger(m.start(), step.end(), "firm", "verb",
                       "the next step or priority will be to")
    phrase = _verb_phrase(text, m)
    if isinstance(phrase, str):
        return phrase
    following = [w.lower() for _, w in phrase.following]
    if _FIRST_PERSON.search(subject) and not phrase.passive:
        return Trigger(m.start(), phrase.what_at, "firm", "verb",
                       "future modal with 'we' or 'our'")
    if phrase.passive:  # the subject of a passive is not its doer: no `who`
        return Trigger(clause, clause, "firm", "passive", "future passive")
    if phrase.verb == "see" and any(is_participle(w) for w in following[1:6]):
        return Trigger(m.start(), phrase.following[0][0], "firm", "passive",
                       "'will see' a change done")
    if _is_agent(subject):
        return Trigger(clause, clause, "firm", "verb", "future modal with a named body",
                       subject)
    if (reporter := _reporter(text, clause, subject)) is not None:
        return Trigger(m.start(), phrase.what_at, "firm", "verb", "reported undertaking",
                       reporter)
    if phrase.verb in _SCHEDULED and find_times(text[m.end():]):
        return Trigger(clause, clause, "firm", "verb", "a dated start or finish", subject)
    return "prediction: the subject is not the authors or a body"


def _coordinated_noun(text: str, at: int) -> bool:
    """"commissioning strategies and plans to ensure ...": after "and" or "or" following a
    plural noun, "plans" is a noun of that series, not what someone plans to do."""
    before = words(text[:at])
    return (len(before) >= 2 and before[-1].lower() in {"and", "or"}
            and before[-2].lower().endswith("s") and before[-2][:1].islower()
            and before[-2].lower() not in FUNCTION_WORDS)


def _after_relative(text: str, at: int) -> bool:
    before = words(text[:at])
    return bool(before) and before[-1].lower() in _RELATIVE


def _reporter(text: str, clause: int, subject: str) -> str | None:
    """Who "it" or "they" is in reported speech: "The plan says it will judge success ..."
    reports the plan's own undertaking; "the ICB said they would ..." the ICB's."""
    said = _REPORTING.search(text, max(0, clause - 12), clause)
    if subject.lower() not in {"it", "they"} or not said:
        return None
    reporter = text[_clause_start(text, said.start()):said.start()].strip()
    return reporter if _is_agent(reporter) or _DOCUMENT.search(reporter) else None


def _infinitive_ok(text: str, at: int) -> bool:
    """An infinitive follows: a lowercase word that is not an article ("aim to improve")."""
    nxt = next_words(text, at, 1)
    return bool(nxt) and nxt[0][1][:1].islower() and nxt[0][1] not in DETERMINERS


def _verb_follows(text: str, at: int) -> bool:
    nxt = next_words(text, at, 1)
    return bool(nxt) and (is_verb(nxt[0][1]) or nxt[0][1] in {"be", "have"})


def _subject_before(text: str, at: int) -> str:
    return text[_clause_start(text, at):at].strip()


def _named_doer(text: str, at: int) -> str | None:
    """The subject of the clause a trigger at `at` stands in, when it names a body."""
    subject = _subject_before(text, at)
    return subject if _is_agent(subject) else None


def _by_another_body(text: str, at: int, others: re.Pattern[str]) -> bool:
    """"The Government has committed to ...": another body's undertaking, quoted as context."""
    return others.search(_subject_before(text, at)) is not None


def _commit_triggers(text: str, others: re.Pattern[str]) -> list[Trigger | str]:
    found: list[Trigger | str] = []
    for m in _COMMIT.finditer(text):
        nxt = next_words(text, m.end(), 1)
        if nxt and (is_verb(nxt[0][1]) or is_gerund(nxt[0][1])):
            if _by_another_body(text, m.start(), others):
                found.append("another body's undertaking")
                continue
            form: Form = "gerund" if is_gerund(nxt[0][1]) else "verb"
            found.append(Trigger(m.start(), m.end(), "firm", form, "commit, pledge or agree to",
                                 _named_doer(text, m.start())))
    for m in _COMMITMENT_NOUN.finditer(text):
        nxt = next_words(text, m.end(), 1)
        if nxt and is_gerund(nxt[0][1]):
            found.append(Trigger(m.start(), m.end(), "firm", "gerund", "commitment to doing"))
    return found


def _noun_or_modifier(text: str, m: re.Match[str]) -> bool:
    """"an action plan to address ...": a singular "plan" after an article or a noun is the
    noun; "professionals looking to progress": a bare "looking" after a noun describes them."""
    verb = m["verb"].lower() if "verb" in m.re.groupindex else ""
    before = [w.lower() for w in words(text[:m.start()])
              if w.lower() not in _ADVERBS][-1:]
    previous = before[0] if before else ""
    if verb == "plan":
        return previous in DETERMINERS or (previous not in _PRONOUNS and previous[:1].isalpha()
                                           and not previous.endswith("s"))
    if verb == "looking":
        return previous not in {"are", "is", "am", "be", "we're", "we’re"}
    return False


def _aim(text: str, m: re.Match[str], pattern: re.Pattern[str],
         others: re.Pattern[str]) -> Trigger | str | None:
    """An "aim to" / "is planned to" / "want everyone to" trigger, or why not (None: no
    infinitive follows)."""
    passive = pattern is _AIM_PASSIVE
    # "we look to partners for ..." looks to someone: "look to" takes a verb, as passives do
    strict = passive or (m["verb"] or "").lower() == "look"
    follows = (_verb_follows(text, m.end()) if strict else pattern is _WANT_FOR
               or _infinitive_ok(text, m.end()))
    if not follows:
        return None
    if _after_relative(text, m.start()):
        return "relative clause: someone else's aim"
    if _coordinated_noun(text, m.start()):
        return "a noun joined to a noun ('strategies and plans to ...'), not a verb"
    if not passive and _noun_or_modifier(text, m):
        return "a noun ('an action plan to ...') or a modifier ('staff looking to ...')"
    clause = _clause_start(text, m.start())
    if _SUBORDINATE.search(text, clause, m.start()):
        return "a clause about what or how: a description"
    if m.start() == 0 and re.search(r"\b(?:is|are)\b", text[m.end():]):
        return "plans named as a sentence's subject: a description"
    if _by_another_body(text, m.start(), others):
        return "another body's aim"
    strength: Strength = "aspiration" if m["verb"].lower() in _ASPIRATION else "aim"
    if passive:  # "Ongoing outreach is also planned to help ...": the subject is the aim
        return Trigger(clause, clause, strength, "passive", "planned or meant to")
    return Trigger(m.start(), m.end(), strength, "verb", "aim, plan or hope to",
                   _named_doer(text, m.start()))


def _verb_triggers(text: str, others: re.Pattern[str]) -> list[Trigger | str]:
    found = _commit_triggers(text, others)
    for pattern in (_AIM_VERB, _AIM_PASSIVE, _WANT_FOR):
        for m in pattern.finditer(text):
            if (aim := _aim(text, m, pattern, others)) is not None:
                found.append(aim)
    for m in _AIMED_AT.finditer(text):
        found.append(Trigger(m.start(), m.end(), "aim", "list", "aimed at"))
    for m in _AIM_NOUN.finditer(text):
        head = text[_clause_start(text, m.start()):m.end()]
        if others.search(head) or _EARLIER.search(head):
            found.append("another body's or an earlier aim")
            continue
        if _infinitive_ok(text, m.end()) or not m.group().rstrip().endswith("to"):
            noun = m["noun"].lower()
            strength = ("aspiration" if noun in _ASPIRATION else "firm" if noun in _FIRM_NOUNS
                        else "aim")
            found.append(Trigger(m.start(), m.end(), strength, "verb", "aim or vision is to"))
    for m in _AIM_OF.finditer(text):
        nxt = next_words(text, m.end(), 1)
        if _REFERENCE.search(text, 0, m.start()):
            found.append("an aim referred to ('consistent with the government's aim of')")
        elif nxt and nxt[0][1].lower() not in DETERMINERS:
            form = "gerund" if is_gerund(nxt[0][1]) else "list"
            found.append(Trigger(m.start(), m.end(), "aim", form, "an aim of"))
    return found


def _target(text: str, others: re.Pattern[str]) -> Trigger | None:
    """A target or deadline of the plan's own with a date: "delivery targets - X - set for 2028"."""
    m = _TARGET.search(text)
    if (not m or others.search(text) or _PAST.search(text)
            or not any(t.when.end for t in find_times(text))):
        return None
    dashed = _DASHED.search(text, m.end())
    if dashed:
        return Trigger(m.start(), dashed.start("inner"), "aim", "list", "a target with a date",
                        what_end=dashed.end("inner"))
    return Trigger(m.start(), m.start(), "aim", "list", "a target with a date")


def find_triggers(text: str, others: re.Pattern[str] = OTHER_BODIES
                  ) -> tuple[list[Trigger], list[str]]:
    """The commitment triggers of a unit, in order, and the reasons others were refused.
    `others`: the bodies whose undertakings are context (fewer when a national body writes)."""
    if not _ANY_TRIGGER.search(text):
        return [], []
    refused: list[str] = []
    found: list[Trigger] = []
    candidates: list[Trigger | str] = [_modal(text, m, others) for m in _MODAL.finditer(text)]
    candidates += _verb_triggers(text, others)
    for candidate in candidates:
        if isinstance(candidate, str):
            refused.append(candidate)
        elif (_DESCRIBES.search(text, 0, candidate.phrase_start)
              or _DESCRIBES.match(text, candidate.what_start)):
            refused.append("a description of the document")
        else:
            found.append(candidate)
    if not found and (target := _target(text, others)):
        found.append(target)
    found.sort(key=lambda t: t.phrase_start)
    unique = [t for i, t in enumerate(found) if i == 0 or t.what_start > found[i - 1].what_start]
    return unique, refused
